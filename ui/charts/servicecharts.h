#pragma once

#include "history/historytypes.h"

#include <QImage>
#include <QList>
#include <QPointF>
#include <QWidget>

#include <cstdint>
#include <utility>

class QAreaSeries;
class QLineSeries;

namespace bw {

class ChartPane;
class FleetHistory;
class SpanSelector;

// The service detail charts: error rate (percent, bucket mean with a min-max band) and latency (p50 or per-poll
// latency, and p95, in ms) of one service over a selectable span (last 15 min, 1 h, 6 h, 24 h; 15 min by default).
// It reads only the FleetHistory, which is not owned and must outlive the widget; it owns no timer: the caller
// says when to redraw with refresh(now). Colours follow the widget's palette (light or dark). GUI thread only.
// QtCharts stays behind this interface: nothing public names a QtCharts type.
class ServiceCharts final : public QWidget
{
    Q_OBJECT
public:
    enum class Series
    {
        ErrorRateMean,
        ErrorRateMin, // lower edge of the min-max band (about one point per 4 pixels: coarser than the line)
        ErrorRateMax, // upper edge of the band
        LatencyP50,
        LatencyP95,
    };
    enum class Pane
    {
        ErrorRate,
        Latency,
    };

    explicit ServiceCharts(const FleetHistory &history, QWidget *parent = nullptr);
    ~ServiceCharts() override;

    // The service to draw, by its index in the FleetHistory; redraws at the last refresh() time, if any.
    // An index out of range shows "No data yet".
    void setService(int index, const QString &name);
    int service() const { return m_service; }

    std::int64_t spanMs() const;
    void setSpanMs(std::int64_t spanMs);

    // Re-queries the store for [nowMs - span, nowMs] with about one point per pixel of plot width and updates each
    // series with a single replace().
    void refresh(std::int64_t nowMs);

    // Both charts, stacked, laid out at `size` (the current size when empty). SVG or PNG by the file's extension;
    // false on another extension or a write error.
    QImage renderToImage(QSize size = {});
    bool saveAs(const QString &file, QSize size = {});

    // What is drawn, for tests and inspection.
    QList<QPointF> points(Series series) const;
    // The QXYSeries drawing `series` (e.g. to watch its pointsReplaced signal).
    QObject *seriesObject(Series series) const;
    // Points per series asked of the store by the last refresh(); each series holds at most this many.
    int maxPoints() const { return m_maxPoints; }
    bool showsNoData(Pane pane) const;
    // The time range of the last refresh(), [now - span, now] in epoch ms.
    std::pair<std::int64_t, std::int64_t> timeRange() const { return {m_t0, m_t1}; }

protected:
    void changeEvent(QEvent *event) override;

private:
    void applyStyle();
    QLineSeries *lineFor(Series series) const;

    const FleetHistory &m_history;
    int m_service = -1;
    QString m_name;
    std::int64_t m_t0 = 0;
    std::int64_t m_t1 = 0;
    bool m_refreshed = false;
    int m_maxPoints = 0;

    SpanSelector *m_span = nullptr;
    QWidget *m_plots = nullptr; // what is exported
    ChartPane *m_error = nullptr;
    ChartPane *m_latency = nullptr;
    QLineSeries *m_errorMean = nullptr;
    QLineSeries *m_errorMin = nullptr;
    QLineSeries *m_errorMax = nullptr;
    QAreaSeries *m_errorBand = nullptr;
    QLineSeries *m_p50 = nullptr;
    QLineSeries *m_p95 = nullptr;
};

} // namespace bw
