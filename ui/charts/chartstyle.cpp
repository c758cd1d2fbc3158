#include "charts/chartstyle.h"

#include <QAbstractAxis>
#include <QChart>
#include <QLegend>
#include <QPalette>

namespace bw {

namespace {

QColor mix(const QColor &a, const QColor &b, double share)
{
    return QColor::fromRgbF(static_cast<float>(a.redF() * (1 - share) + b.redF() * share),
                            static_cast<float>(a.greenF() * (1 - share) + b.greenF() * share),
                            static_cast<float>(a.blueF() * (1 - share) + b.blueF() * share));
}

} // namespace

ChartStyle ChartStyle::fromPalette(const QPalette &palette, const QFont &font)
{
    ChartStyle s;
    s.background = palette.color(QPalette::Window);
    s.text = palette.color(QPalette::WindowText);
    s.dark = s.background.lightness() < s.text.lightness();
    s.mutedText = mix(s.text, s.background, 0.35);
    s.grid = mix(s.text, s.background, s.dark ? 0.78 : 0.85);
    if (s.dark) {
        s.errorRate = QColor(0xFF, 0x8C, 0x42);  // vermillion, lifted for a dark background
        s.latencyP50 = QColor(0x56, 0xB4, 0xE9); // sky blue
        s.latencyP95 = QColor(0xE6, 0x9F, 0x00); // orange
        s.opens = QColor(0xFF, 0x8C, 0x42);
        s.rolling = QColor(0x56, 0xB4, 0xE9);
        s.alert = QColor(0xFF, 0x5A, 0x36);   // vermillion-red, lifted
        s.percent = QColor(0xCC, 0x79, 0xA7); // reddish purple
        s.hysteresis = QColor(0xE6, 0x9F, 0x00);
    } else {
        s.errorRate = QColor(0xD5, 0x5E, 0x00);  // vermillion
        s.latencyP50 = QColor(0x00, 0x72, 0xB2); // blue
        s.latencyP95 = QColor(0xD5, 0x5E, 0x00);
        s.opens = QColor(0xD5, 0x5E, 0x00);
        s.rolling = QColor(0x00, 0x72, 0xB2);
        s.alert = QColor(0xC8, 0x1E, 0x00);   // vermillion-red
        s.percent = QColor(0x8E, 0x3B, 0x74); // reddish purple, darkened for a white background
        s.hysteresis = QColor(0xE6, 0x9F, 0x00);
    }
    s.threshold = s.text;
    s.labelFont = font;
    s.titleFont = font;
    s.titleFont.setBold(true);
    if (font.pointSizeF() > 0)
        s.titleFont.setPointSizeF(font.pointSizeF() * 1.2);
    return s;
}

QColor ChartStyle::translucent(QColor colour, double alpha)
{
    colour.setAlphaF(static_cast<float>(alpha));
    return colour;
}

void ChartStyle::apply(QChart *chart) const
{
    chart->setTheme(dark ? QChart::ChartThemeDark : QChart::ChartThemeLight);
    chart->setBackgroundBrush(background);
    chart->setBackgroundPen(Qt::NoPen);
    chart->setBackgroundRoundness(0);
    chart->setDropShadowEnabled(false);
    chart->setPlotAreaBackgroundVisible(false);
    chart->setTitleBrush(text);
    chart->setTitleFont(titleFont);
    chart->legend()->setLabelColor(text);
    chart->legend()->setFont(labelFont);
    const QList<QAbstractAxis *> axes = chart->axes();
    for (QAbstractAxis *axis : axes) {
        axis->setLabelsColor(text);
        axis->setLabelsFont(labelFont);
        axis->setTitleBrush(text);
        axis->setTitleFont(labelFont);
        axis->setGridLineColor(grid);
        axis->setMinorGridLineColor(grid);
        axis->setLinePenColor(mutedText);
        axis->setShadesVisible(false);
    }
}

} // namespace bw
