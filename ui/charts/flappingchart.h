#pragma once

#include "charts/flapseries.h"
#include "history/historytypes.h"

#include <QImage>
#include <QList>
#include <QPointF>
#include <QWidget>

#include <cstdint>
#include <utility>

class QAreaSeries;
class QComboBox;
class QLineSeries;
class QScatterSeries;
class QXYSeries;

namespace bw {

class ChartPane;
class FleetHistory;
class SpanSelector;

// The flapping graph of one breaker (the simulated one by default, or the observed one), over a selectable span
// (last 15 min, 1 h, 6 h, 24 h; 1 h by default, so the 10-minute rule has context):
// - opens per minute as bars (wider bins on long spans, so a bar stays a few pixels wide), the rolling count of
//   opens in the flap window as a step line, the flap threshold as a dashed line, a marker where the flapping
//   alert fires and the time it stays active shaded (see FlapSeries for the rule);
// - below it, the percent state change over time with its hysteresis band (calm below the low threshold, flapping
//   above the high one) shaded.
// Everything comes from the track's transitions in the FleetHistory, which is not owned and must outlive the
// widget. No timer: the caller says when with refresh(now). Colours follow the palette. GUI thread only.
// QtCharts stays behind this interface: nothing public names a QtCharts type.
class FlappingChart final : public QWidget
{
    Q_OBJECT
public:
    enum class Series
    {
        OpenBars,      // the outline of the bars: (start, 0), (start, n), (end, n), (end, 0) per bin with opens
        RollingOpens,  // step line of opens in the window
        Threshold,     // the flapping rule's threshold over the whole range
        Alerts,        // (t, count) where the alert fires
        AlertEpisodes, // outline of the shaded spans where the alert is active: (start, 0), (start, top), ...
        Percent,       // percent state change
        HysteresisLow, // the band's edges
        HysteresisHigh,
    };
    enum class Pane
    {
        Opens,
        PercentStateChange,
    };

    explicit FlappingChart(const FleetHistory &history, QWidget *parent = nullptr);
    ~FlappingChart() override;

    void setService(int index, const QString &name);
    int service() const { return m_service; }
    // Which breaker of the service; the observed one may have no states.
    void setTrack(TrackKind track);
    TrackKind track() const;
    std::int64_t spanMs() const;
    void setSpanMs(std::int64_t spanMs);
    // The flap rule and the percent-state-change parameters; binMs and maxPercentPoints are chosen per refresh.
    void setOptions(const FlapSeriesOptions &options);
    const FlapSeriesOptions &options() const { return m_options; }

    // Recomputes everything for [nowMs - span, nowMs] from the track and updates each series with one replace().
    void refresh(std::int64_t nowMs);

    // Both charts, stacked, laid out at `size` (the current size when empty). PNG or SVG by the file's extension.
    QImage renderToImage(QSize size = {});
    bool saveAs(const QString &file, QSize size = {});

    // What the last refresh() computed and drew, for tests and inspection.
    const FlapSeries &data() const { return m_data; }
    QList<QPointF> points(Series series) const;
    // The QXYSeries drawing `series` (e.g. to watch its pointsReplaced signal).
    QObject *seriesObject(Series series) const;
    bool showsNoData(Pane pane) const;
    std::pair<std::int64_t, std::int64_t> timeRange() const { return {m_t0, m_t1}; }

protected:
    void changeEvent(QEvent *event) override;

private:
    void applyStyle();
    QXYSeries *seriesFor(Series series) const;
    QString trackLabel() const;

    const FleetHistory &m_history;
    int m_service = -1;
    QString m_name;
    FlapSeriesOptions m_options;
    FlapSeries m_data;
    std::int64_t m_t0 = 0;
    std::int64_t m_t1 = 0;
    bool m_refreshed = false;

    SpanSelector *m_span = nullptr;
    QComboBox *m_track = nullptr;
    QWidget *m_plots = nullptr; // what is exported
    ChartPane *m_opens = nullptr;
    ChartPane *m_percentPane = nullptr;
    QLineSeries *m_episodes = nullptr;
    QLineSeries *m_episodesBase = nullptr;
    QAreaSeries *m_episodesArea = nullptr;
    QLineSeries *m_bars = nullptr;
    QLineSeries *m_barsBase = nullptr;
    QAreaSeries *m_barsArea = nullptr;
    QLineSeries *m_rolling = nullptr;
    QLineSeries *m_threshold = nullptr;
    QScatterSeries *m_alerts = nullptr;
    QLineSeries *m_percent = nullptr;
    QLineSeries *m_low = nullptr;
    QLineSeries *m_high = nullptr;
    QAreaSeries *m_band = nullptr;
};

} // namespace bw
