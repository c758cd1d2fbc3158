#include "charts/flappingchart.h"

#include "charts/chartexport.h"
#include "charts/chartpane.h"
#include "charts/chartstyle.h"
#include "charts/spanselector.h"
#include "history/fleethistory.h"

#include <QAreaSeries>
#include <QChart>
#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineSeries>
#include <QScatterSeries>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace bw {

namespace {

constexpr std::int64_t kDefaultSpanMs = 60 * 60'000;

QPen linePen(const QColor &colour, double width, Qt::PenStyle style = Qt::SolidLine)
{
    QPen pen(colour, width, style);
    pen.setCapStyle(Qt::FlatCap);
    pen.setJoinStyle(Qt::MiterJoin);
    return pen;
}

QString minutes(std::int64_t ms)
{
    return QString::number(static_cast<double>(ms) / 60'000.0);
}

const TrackHistory &emptyTrack()
{
    static const TrackHistory track;
    return track;
}

} // namespace

FlappingChart::FlappingChart(const FleetHistory &history, QWidget *parent) : QWidget(parent), m_history(history)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *bar = new QHBoxLayout;
    bar->setContentsMargins(6, 4, 6, 0);
    bar->addStretch();
    m_track = new QComboBox(this);
    m_track->addItem(tr("Simulated breaker"), static_cast<int>(TrackKind::Simulated));
    m_track->addItem(tr("Real breaker"), static_cast<int>(TrackKind::Observed));
    m_track->setToolTip(tr("Breakerwatch's own breaker, or the service's real one as it reports it"));
    auto *trackLabel = new QLabel(tr("&Breaker:"), this);
    trackLabel->setBuddy(m_track);
    bar->addWidget(trackLabel);
    bar->addWidget(m_track);
    m_span = new SpanSelector(kDefaultSpanMs, this);
    auto *spanLabel = new QLabel(tr("&Span:"), this);
    spanLabel->setBuddy(m_span);
    bar->addWidget(spanLabel);
    bar->addWidget(m_span);
    layout->addLayout(bar);

    m_plots = new QWidget(this);
    auto *plots = new QVBoxLayout(m_plots);
    plots->setContentsMargins(0, 0, 0, 0);
    plots->setSpacing(0);
    m_opens = new ChartPane(tr("opens"), m_plots);
    m_percentPane = new ChartPane(tr("state change (%)"), m_plots);
    plots->addWidget(m_opens, 3);
    plots->addWidget(m_percentPane, 2);
    layout->addWidget(m_plots, 1);

    // Bars: QBarSeries needs a QBarCategoryAxis (one category per minute: 1,440 labelled categories for 24 h) and
    // cannot share the time axis with the rolling count and the threshold. So each bar is drawn as the outline of
    // an area over the same time axis: bars sit at their real minutes, under the lines they explain.
    // Where the flapping alert is active, shaded behind everything: the rolling count can be far above the
    // threshold (a breaker opening every 15 s makes 40 opens in 10 min), so the shading says it at any scale.
    m_episodes = new QLineSeries;
    m_episodesBase = new QLineSeries;
    m_episodesArea = new QAreaSeries(m_episodes, m_episodesBase);
    m_episodesArea->setName(tr("flapping alert active"));
    m_opens->addSeries(m_episodesArea);
    m_episodes->setParent(m_episodesArea);
    m_episodesBase->setParent(m_episodesArea);

    m_bars = new QLineSeries;
    m_barsBase = new QLineSeries;
    m_barsArea = new QAreaSeries(m_bars, m_barsBase);
    m_opens->addSeries(m_barsArea);
    m_bars->setParent(m_barsArea);
    m_barsBase->setParent(m_barsArea);
    m_rolling = new QLineSeries;
    m_opens->addSeries(m_rolling);
    m_threshold = new QLineSeries;
    m_opens->addSeries(m_threshold);
    m_alerts = new QScatterSeries;
    m_alerts->setMarkerShape(QScatterSeries::MarkerShapeTriangle);
    m_alerts->setMarkerSize(16);
    m_alerts->setName(tr("flapping alert fired"));
    m_alerts->setPointLabelsVisible(true);
    m_alerts->setPointLabelsFormat(tr("alert"));
    m_alerts->setPointLabelsClipping(false);
    m_opens->addSeries(m_alerts);
    m_opens->valueAxis()->setLabelFormat(u"%d"_s);

    m_high = new QLineSeries;
    m_low = new QLineSeries;
    m_band = new QAreaSeries(m_high, m_low);
    m_percentPane->addSeries(m_band);
    m_high->setParent(m_band);
    m_low->setParent(m_band);
    m_percent = new QLineSeries;
    m_percentPane->addSeries(m_percent);
    m_percentPane->valueAxis()->setRange(0, 100);
    m_percentPane->valueAxis()->setTickCount(6);
    m_percentPane->valueAxis()->setLabelFormat(u"%d"_s);

    connect(m_span, &SpanSelector::spanChanged, this, [this] {
        if (m_refreshed)
            refresh(m_t1);
    });
    connect(m_track, &QComboBox::currentIndexChanged, this, [this] {
        if (m_refreshed)
            refresh(m_t1);
    });
    setOptions(m_options);
    applyStyle();
    m_opens->showNoData(tr("No data yet"));
    m_percentPane->showNoData(tr("No data yet"));
}

FlappingChart::~FlappingChart()
{
    // The charts go before the line series they draw.
    delete m_plots;
}

void FlappingChart::setService(int index, const QString &name)
{
    m_service = index;
    m_name = name;
    if (m_refreshed)
        refresh(m_t1);
}

void FlappingChart::setTrack(TrackKind track)
{
    m_track->setCurrentIndex(m_track->findData(static_cast<int>(track)));
}

TrackKind FlappingChart::track() const
{
    return static_cast<TrackKind>(m_track->currentData().toInt());
}

std::int64_t FlappingChart::spanMs() const
{
    return m_span->spanMs();
}

void FlappingChart::setSpanMs(std::int64_t spanMs)
{
    m_span->setSpanMs(spanMs);
}

void FlappingChart::setOptions(const FlapSeriesOptions &options)
{
    m_options = options;
    const QString window = minutes(m_options.flapping.windowMs);
    m_rolling->setName(tr("opens in the last %1 min").arg(window));
    m_threshold->setName(tr("flap threshold: more than %1 in %2 min").arg(m_options.flapping.maxOpens).arg(window));
    m_percent->setName(tr("percent state change (%1 checks, one per %2 s)")
                           .arg(m_options.percentHistory)
                           .arg(static_cast<double>(m_options.checkIntervalMs) / 1'000.0));
    m_band->setName(tr("hysteresis: flapping above %1 %, calm again below %2 %")
                        .arg(m_options.percentHigh)
                        .arg(m_options.percentLow));
    if (m_refreshed)
        refresh(m_t1);
}

QString FlappingChart::trackLabel() const
{
    return track() == TrackKind::Simulated ? tr("simulated breaker") : tr("real breaker");
}

void FlappingChart::refresh(std::int64_t nowMs)
{
    m_refreshed = true;
    m_t1 = nowMs;
    m_t0 = nowMs - spanMs();
    const int plotWidth = std::clamp(m_opens->plotWidthPx(width()), 50, 4'000);
    const bool valid = m_service >= 0 && m_service < m_history.serviceCount();
    const TrackHistory &history = valid ? m_history.service(m_service).track(track()) : emptyTrack();

    FlapSeriesOptions options = m_options;
    options.binMs = FlapSeries::binFor(m_t1 - m_t0, plotWidth);
    options.maxPercentPoints = plotWidth;
    const std::int64_t end = nowMs + 1; // a transition at "now" counts
    m_data = FlapSeries::compute(history, m_t0, end, options, nowMs);
    const auto t0 = static_cast<double>(m_t0);
    const auto t1 = static_cast<double>(m_t1);

    QList<QPointF> bars;
    const std::int64_t gap = std::max<std::int64_t>(1, m_data.binMs / 8);
    for (const OpenBin &bin : m_data.bins) {
        if (bin.opens == 0)
            continue;
        const auto left = static_cast<double>(bin.start + gap);
        const auto right = static_cast<double>(bin.start + m_data.binMs - gap);
        bars << QPointF(left, 0) << QPointF(left, bin.opens) << QPointF(right, bin.opens) << QPointF(right, 0);
    }
    m_bars->replace(bars);
    m_barsBase->replace({QPointF(t0, 0), QPointF(t1, 0)});
    m_barsArea->setName(m_data.binMs == 60'000 ? tr("opens per minute")
                                               : tr("opens per %1 min").arg(minutes(m_data.binMs)));

    QList<QPointF> rolling;
    rolling.reserve(static_cast<qsizetype>(m_data.rolling.size() * 2));
    for (std::size_t i = 0; i < m_data.rolling.size(); ++i) {
        const CountStep &step = m_data.rolling[i];
        const double until = i + 1 < m_data.rolling.size() ? static_cast<double>(m_data.rolling[i + 1].t) : t1;
        rolling << QPointF(static_cast<double>(step.t), step.count) << QPointF(until, step.count);
    }
    m_rolling->replace(rolling);
    m_threshold->replace({QPointF(t0, m_options.flapping.maxOpens), QPointF(t1, m_options.flapping.maxOpens)});
    QList<QPointF> alerts;
    for (const CountStep &alert : m_data.alerts)
        alerts << QPointF(static_cast<double>(alert.t), alert.count);
    m_alerts->replace(alerts);

    QList<QPointF> percent;
    percent.reserve(static_cast<qsizetype>(m_data.percent.size()));
    for (const PercentPoint &point : m_data.percent)
        percent << QPointF(static_cast<double>(point.t), point.percent);
    m_percent->replace(percent);
    m_low->replace({QPointF(t0, m_options.percentLow), QPointF(t1, m_options.percentLow)});
    m_high->replace({QPointF(t0, m_options.percentHigh), QPointF(t1, m_options.percentHigh)});

    const int top = std::max({m_data.maxRolling, m_data.maxBinOpens, m_options.flapping.maxOpens + 1, 4}) + 1;
    QValueAxis *opensAxis = m_opens->valueAxis();
    opensAxis->setRange(0, top);
    if (top <= 10) {
        opensAxis->setTickCount(top + 1);
    } else {
        opensAxis->setTickCount(6);
        opensAxis->applyNiceNumbers();
    }
    const double shadeTop = opensAxis->max();
    QList<QPointF> episodes;
    for (const AlertEpisode &episode : m_data.episodes) {
        const auto start = static_cast<double>(std::max(episode.start, m_t0));
        const auto stop = static_cast<double>(std::min(episode.end, m_t1));
        episodes << QPointF(start, 0) << QPointF(start, shadeTop) << QPointF(stop, shadeTop) << QPointF(stop, 0);
    }
    m_episodes->replace(episodes);
    m_episodesBase->replace({QPointF(t0, 0), QPointF(t1, 0)});

    const QString who = m_name.isEmpty() ? tr("this service") : m_name;
    const QString subject = u"%1 (%2)"_s.arg(who, trackLabel());
    m_opens->chart()->setTitle(tr("Opens — %1").arg(subject));
    m_percentPane->chart()->setTitle(tr("Percent state change — %1").arg(subject));
    m_opens->setTimeRange(m_t0, m_t1);
    m_percentPane->setTimeRange(m_t0, m_t1);
    if (history.empty()) {
        m_opens->showNoData(tr("No data yet\n\nopens of the %1 of %2").arg(trackLabel(), who));
        m_percentPane->showNoData(tr("No data yet\n\npercent state change of the %1 of %2").arg(trackLabel(), who));
    } else {
        m_opens->showPlot();
        m_percentPane->showPlot();
    }
}

QImage FlappingChart::renderToImage(QSize size)
{
    return chartexport::renderToImage(m_plots, size);
}

bool FlappingChart::saveAs(const QString &file, QSize size)
{
    return chartexport::saveAs(m_plots, file, size,
                               m_name.isEmpty() ? tr("Flapping") : tr("Flapping — %1").arg(m_name));
}

QList<QPointF> FlappingChart::points(Series series) const
{
    return seriesFor(series)->points();
}

QObject *FlappingChart::seriesObject(Series series) const
{
    return seriesFor(series);
}

bool FlappingChart::showsNoData(Pane pane) const
{
    return (pane == Pane::Opens ? m_opens : m_percentPane)->showsNoData();
}

QXYSeries *FlappingChart::seriesFor(Series series) const
{
    switch (series) {
    case Series::OpenBars:
        return m_bars;
    case Series::RollingOpens:
        return m_rolling;
    case Series::Threshold:
        return m_threshold;
    case Series::Alerts:
        return m_alerts;
    case Series::AlertEpisodes:
        return m_episodes;
    case Series::Percent:
        return m_percent;
    case Series::HysteresisLow:
        return m_low;
    case Series::HysteresisHigh:
        return m_high;
    }
    Q_UNREACHABLE();
}

void FlappingChart::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::FontChange)
        applyStyle();
}

void FlappingChart::applyStyle()
{
    const ChartStyle style = ChartStyle::fromPalette(palette(), font());
    m_opens->applyStyle(style);
    m_percentPane->applyStyle(style);
    m_episodesArea->setBrush(ChartStyle::translucent(style.alert, style.dark ? 0.16 : 0.11));
    m_episodesArea->setPen(Qt::NoPen);
    m_barsArea->setBrush(ChartStyle::translucent(style.opens, 0.85));
    m_barsArea->setPen(Qt::NoPen);
    m_rolling->setPen(linePen(style.rolling, 2.5));
    m_threshold->setPen(linePen(style.threshold, 2, Qt::DashLine));
    m_alerts->setColor(style.alert);
    m_alerts->setBorderColor(style.text);
    m_alerts->setPointLabelsColor(style.text);
    m_alerts->setPointLabelsFont(style.labelFont);
    m_percent->setPen(linePen(style.percent, 2));
    m_band->setBrush(ChartStyle::translucent(style.hysteresis, style.dark ? 0.30 : 0.25));
    m_band->setPen(linePen(ChartStyle::translucent(style.hysteresis, 0.9), 1, Qt::DashLine));
}

} // namespace bw
