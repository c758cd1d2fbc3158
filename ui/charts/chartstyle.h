#pragma once

#include <QColor>
#include <QFont>

class QChart;
class QPalette;

namespace bw {

// Colours and fonts of the charts, derived from a widget's palette so they follow light and dark themes.
// Series colours are Okabe-Ito hues (distinguishable with the common colour-vision deficiencies), the lighter
// ones on a dark background. A value type; apply() is the only function touching QtCharts.
struct ChartStyle
{
    bool dark = false;
    QColor background;
    QColor text;
    QColor mutedText;
    QColor grid;
    QColor errorRate;
    QColor latencyP50;
    QColor latencyP95;
    QColor opens;
    QColor rolling;
    QColor threshold;
    QColor alert;
    QColor percent;
    QColor hysteresis;
    QFont titleFont;
    QFont labelFont;

    // Dark when the window colour is darker than its text.
    static ChartStyle fromPalette(const QPalette &palette, const QFont &font);
    // The theme, background, title, legend and the axes the chart holds now. Series pens are the caller's, set
    // after this (a theme resets them).
    void apply(QChart *chart) const;
    // `colour` at `alpha` (0-1), for bands and fills.
    static QColor translucent(QColor colour, double alpha);
};

} // namespace bw
