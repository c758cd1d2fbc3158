#pragma once

#include <QPalette>
#include <QString>

namespace bw {

enum class ThemeChoice : std::uint8_t
{
    System, // the desktop's palette (dark when the desktop is dark)
    Light,
    Dark
};

QString themeChoiceName(ThemeChoice choice);          // "system", "light", "dark"
ThemeChoice themeChoiceFromName(const QString &name); // System for anything unknown
bool isDarkPalette(const QPalette &palette);          // window colour darker than its text
QPalette darkPalette();
QPalette lightPalette();

// Applies a theme to the whole application: the Fusion style with a light or dark palette, or the desktop's
// own palette (`systemPalette`, captured at start-up) for System.
void applyTheme(ThemeChoice choice, const QPalette &systemPalette);

} // namespace bw
