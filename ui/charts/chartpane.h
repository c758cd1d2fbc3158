#pragma once

#include <QStackedWidget>
#include <QStringList>

#include <cstdint>

class QAbstractSeries;
class QChart;
class QChartView;
class QCategoryAxis;
class QLabel;
class QValueAxis;

namespace bw {

struct ChartStyle;

// One chart of the service detail: a QChart over a local-time axis and a value axis, or a "No data yet" text in
// its place. Owns its chart, axes and the series added to it. Internal to ui/charts. GUI thread only.
class ChartPane final : public QStackedWidget
{
    Q_OBJECT
public:
    explicit ChartPane(const QString &valueTitle, QWidget *parent = nullptr);

    QChart *chart() const { return m_chart; }
    QChartView *view() const { return m_view; }
    QCategoryAxis *timeAxis() const { return m_time; }
    QValueAxis *valueAxis() const { return m_value; }

    // Adds a series to the chart and attaches it to both axes; the chart takes it.
    void addSeries(QAbstractSeries *series);
    // Labels at round local times that fit the plot's width (TimeAxisTicks).
    void setTimeRange(std::int64_t t0, std::int64_t t1);
    QStringList timeLabels() const; // as shown, oldest first

    void showNoData(const QString &text);
    void showPlot();
    bool showsNoData() const;

    // Width of the plot area in pixels; before the chart's first layout (a hidden widget), an estimate from
    // `outerWidth`, the width of the widget the pane spans.
    int plotWidthPx(int outerWidth) const;
    void applyStyle(const ChartStyle &style);

private:
    QChartView *m_view = nullptr;
    QChart *m_chart = nullptr;
    QCategoryAxis *m_time = nullptr;
    QValueAxis *m_value = nullptr;
    QLabel *m_noData = nullptr;
};

} // namespace bw
