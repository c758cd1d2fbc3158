#include "charts/chartpane.h"

#include "charts/chartstyle.h"
#include "charts/timeaxisformat.h"

#include <QAbstractSeries>
#include <QCategoryAxis>
#include <QChart>
#include <QChartView>
#include <QDateTime>
#include <QFontMetrics>
#include <QGraphicsLayout>
#include <QLabel>
#include <QLegend>
#include <QValueAxis>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace bw {

ChartPane::ChartPane(const QString &valueTitle, QWidget *parent) : QStackedWidget(parent)
{
    m_chart = new QChart;
    m_chart->setAnimationOptions(QChart::NoAnimation);
    m_chart->setMargins(QMargins(6, 4, 10, 4));
    m_chart->layout()->setContentsMargins(0, 0, 0, 0);
    m_chart->legend()->setAlignment(Qt::AlignTop);
    m_chart->legend()->setShowToolTips(true);

    // No "local time" title under the axis: the labels say it, and a short pane needs the height for the plot.
    // A category axis over epoch ms: its labels sit on values we choose (round local times), which a QDateTimeAxis
    // (evenly spaced from the left edge) cannot do.
    m_time = new QCategoryAxis;
    m_time->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    m_time->setRange(0, 1);
    m_chart->addAxis(m_time, Qt::AlignBottom);
    m_value = new QValueAxis;
    m_value->setTitleText(valueTitle);
    m_chart->addAxis(m_value, Qt::AlignLeft);

    m_view = new QChartView(m_chart);
    m_view->setRenderHint(QPainter::Antialiasing);
    m_view->setFrameShape(QFrame::NoFrame);
    m_view->setMinimumHeight(160);
    addWidget(m_view);

    m_noData = new QLabel;
    m_noData->setObjectName(u"noData"_s);
    m_noData->setAlignment(Qt::AlignCenter);
    m_noData->setWordWrap(true);
    m_noData->setAutoFillBackground(true);
    addWidget(m_noData);
}

void ChartPane::addSeries(QAbstractSeries *series)
{
    m_chart->addSeries(series);
    series->attachAxis(m_time);
    series->attachAxis(m_value);
}

void ChartPane::setTimeRange(std::int64_t t0, std::int64_t t1)
{
    const int plotWidth = m_chart->plotArea().width() > 0 ? static_cast<int>(m_chart->plotArea().width())
                                                          : std::max(0, m_view->width() - 80);
    const QFontMetrics metrics(m_time->labelsFont());
    const TimeAxisTicks ticks = TimeAxisTicks::forRange(
        t0, t1, plotWidth, metrics.horizontalAdvance(u"00:00"_s), metrics.horizontalAdvance(u"00:00:00"_s),
        std::int64_t{QDateTime::fromMSecsSinceEpoch(t0).offsetFromUtc()} * 1000);
    for (const QString &label : m_time->categoriesLabels())
        m_time->remove(label);
    if (t1 <= t0)
        return; // nothing to span yet
    // Each label ends a category that starts where the previous one ended; the first starts just before t0, so
    // that a tick at t0 itself is a category of its own.
    m_time->setStartValue(static_cast<qreal>(t0 - 1));
    for (const std::int64_t t : ticks.ticks)
        m_time->append(QDateTime::fromMSecsSinceEpoch(t).toString(ticks.format), static_cast<qreal>(t));
    m_time->setRange(static_cast<qreal>(t0), static_cast<qreal>(t1));
}

QStringList ChartPane::timeLabels() const
{
    return m_time->categoriesLabels();
}

void ChartPane::showNoData(const QString &text)
{
    m_noData->setText(text);
    setCurrentWidget(m_noData);
}

void ChartPane::showPlot()
{
    setCurrentWidget(m_view);
}

bool ChartPane::showsNoData() const
{
    return currentWidget() == m_noData;
}

int ChartPane::plotWidthPx(int outerWidth) const
{
    const auto plot = static_cast<int>(m_chart->plotArea().width());
    if (plot >= 50 && m_view->isVisible()) // the chart itself is shown, not "No data yet": its layout is real
        return plot;
    // Less the value axis' labels and title and the margins.
    return std::max(50, outerWidth - 90);
}

void ChartPane::applyStyle(const ChartStyle &style)
{
    style.apply(m_chart);
    m_view->setBackgroundBrush(style.background);
    QFont font = style.titleFont;
    font.setBold(false);
    m_noData->setFont(font);
    QPalette palette = m_noData->palette();
    palette.setColor(QPalette::Window, style.background);
    palette.setColor(QPalette::WindowText, style.mutedText);
    m_noData->setPalette(palette);
}

} // namespace bw
