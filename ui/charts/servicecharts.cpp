#include "charts/servicecharts.h"

#include "charts/chartexport.h"
#include "charts/chartpane.h"
#include "charts/chartstyle.h"
#include "charts/spanselector.h"
#include "history/fleethistory.h"

#include <QAreaSeries>
#include <QChart>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineSeries>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace bw {

namespace {

constexpr std::int64_t kDefaultSpanMs = 15 * 60'000;
constexpr std::size_t kBandPixels = 4; // about one band point per this many pixels

// x of a pre-reduced point: the middle of its bucket, but never after "now" (the open bucket is still filling).
double pointTime(const SeriesPoint &point, std::int64_t now)
{
    return static_cast<double>(std::min(point.t + point.durationMs / 2, now));
}

QPen linePen(const QColor &colour, double width, Qt::PenStyle style = Qt::SolidLine)
{
    QPen pen(colour, width, style);
    pen.setCapStyle(Qt::FlatCap);
    pen.setJoinStyle(Qt::RoundJoin);
    return pen;
}

} // namespace

ServiceCharts::ServiceCharts(const FleetHistory &history, QWidget *parent) : QWidget(parent), m_history(history)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *bar = new QHBoxLayout;
    bar->setContentsMargins(6, 4, 6, 0);
    bar->addStretch();
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
    m_error = new ChartPane(tr("failed %"), m_plots);
    m_latency = new ChartPane(tr("ms"), m_plots);
    plots->addWidget(m_error);
    plots->addWidget(m_latency);
    layout->addWidget(m_plots, 1);

    // The band's edges belong to the area series (the chart only takes the area itself).
    m_errorMax = new QLineSeries;
    m_errorMin = new QLineSeries;
    m_errorBand = new QAreaSeries(m_errorMax, m_errorMin);
    m_errorBand->setName(tr("min–max"));
    m_error->addSeries(m_errorBand);
    m_errorMax->setParent(m_errorBand);
    m_errorMin->setParent(m_errorBand);
    m_errorMean = new QLineSeries;
    m_errorMean->setName(tr("error rate (mean)"));
    m_error->addSeries(m_errorMean);
    m_error->valueAxis()->setRange(0, 100);
    m_error->valueAxis()->setTickCount(6);
    m_error->valueAxis()->setLabelFormat(u"%d"_s);

    m_p50 = new QLineSeries;
    m_p50->setName(tr("p50 (or each poll)"));
    m_latency->addSeries(m_p50);
    m_p95 = new QLineSeries;
    m_p95->setName(tr("p95"));
    m_latency->addSeries(m_p95);
    m_latency->valueAxis()->setRange(0, 100);
    m_latency->valueAxis()->setLabelFormat(u"%g"_s);

    connect(m_span, &SpanSelector::spanChanged, this, [this] {
        if (m_refreshed)
            refresh(m_t1);
    });
    applyStyle();
    m_error->showNoData(tr("No data yet"));
    m_latency->showNoData(tr("No data yet"));
}

ServiceCharts::~ServiceCharts()
{
    // The charts go before the line series they draw.
    delete m_plots;
}

void ServiceCharts::setService(int index, const QString &name)
{
    m_service = index;
    m_name = name;
    if (m_refreshed)
        refresh(m_t1);
}

std::int64_t ServiceCharts::spanMs() const
{
    return m_span->spanMs();
}

void ServiceCharts::setSpanMs(std::int64_t spanMs)
{
    m_span->setSpanMs(spanMs);
}

void ServiceCharts::refresh(std::int64_t nowMs)
{
    m_refreshed = true;
    m_t1 = nowMs;
    m_t0 = nowMs - spanMs();
    m_maxPoints = std::clamp(m_error->plotWidthPx(width()), 50, 4'000);
    // The store may return one extra point per level it stitches and per group boundary; asking for a few less
    // keeps every series within m_maxPoints.
    const int ask = m_maxPoints - 2 * kSeriesLevelCount;
    const std::int64_t end = nowMs + 1; // a sample at "now" is shown

    const std::vector<SeriesPoint> errors = m_history.buckets(m_service, SeriesKind::ErrorRate, m_t0, end, ask);
    QList<QPointF> mean;
    mean.reserve(static_cast<qsizetype>(errors.size()));
    for (const SeriesPoint &point : errors)
        mean.append({pointTime(point, nowMs), point.mean});
    // The band is coarser than the line: filling a jagged polygon of one vertex per pixel (a flapping error rate)
    // costs QPainter tens of milliseconds per redraw, and a range needs fewer points to read than a line does.
    const std::size_t group =
        std::max<std::size_t>(1, (errors.size() * kBandPixels + static_cast<std::size_t>(m_maxPoints) - 1) /
                                     static_cast<std::size_t>(m_maxPoints));
    QList<QPointF> low;
    QList<QPointF> high;
    low.reserve(static_cast<qsizetype>(errors.size() / group + 1));
    high.reserve(static_cast<qsizetype>(errors.size() / group + 1));
    for (std::size_t i = 0; i < errors.size(); i += group) {
        const std::size_t last = std::min(errors.size(), i + group);
        float lo = errors[i].min;
        float hi = errors[i].max;
        for (std::size_t j = i + 1; j < last; ++j) {
            lo = std::min(lo, errors[j].min);
            hi = std::max(hi, errors[j].max);
        }
        const double x = (pointTime(errors[i], nowMs) + pointTime(errors[last - 1], nowMs)) / 2;
        low.append({x, lo});
        high.append({x, hi});
    }
    m_errorMean->replace(mean);
    m_errorMin->replace(low);
    m_errorMax->replace(high);

    const std::vector<SeriesPoint> p50s = m_history.buckets(m_service, SeriesKind::Latency, m_t0, end, ask);
    const std::vector<SeriesPoint> p95s = m_history.buckets(m_service, SeriesKind::LatencyP95, m_t0, end, ask);
    double top = 0;
    auto latencyPoints = [&](const std::vector<SeriesPoint> &points) {
        QList<QPointF> out;
        out.reserve(static_cast<qsizetype>(points.size()));
        for (const SeriesPoint &point : points) {
            out.append({pointTime(point, nowMs), point.mean});
            top = std::max(top, static_cast<double>(point.mean));
        }
        return out;
    };
    m_p50->replace(latencyPoints(p50s));
    m_p95->replace(latencyPoints(p95s));
    m_latency->valueAxis()->setRange(0, std::max(10.0, top * 1.1));
    m_latency->valueAxis()->applyNiceNumbers();

    const QString who = m_name.isEmpty() ? tr("this service") : m_name;
    const QString span = m_span->currentText().toLower();
    m_error->chart()->setTitle(m_name.isEmpty() ? tr("Error rate") : tr("Error rate — %1").arg(m_name));
    m_latency->chart()->setTitle(m_name.isEmpty() ? tr("Latency") : tr("Latency — %1").arg(m_name));
    m_error->setTimeRange(m_t0, m_t1);
    m_latency->setTimeRange(m_t0, m_t1);
    if (errors.empty())
        m_error->showNoData(tr("No data yet\n\nerror rate of %1, %2").arg(who, span));
    else
        m_error->showPlot();
    if (p50s.empty() && p95s.empty())
        m_latency->showNoData(tr("No data yet\n\nlatency of %1, %2").arg(who, span));
    else
        m_latency->showPlot();
}

QImage ServiceCharts::renderToImage(QSize size)
{
    return chartexport::renderToImage(m_plots, size);
}

bool ServiceCharts::saveAs(const QString &file, QSize size)
{
    return chartexport::saveAs(m_plots, file, size, m_name.isEmpty() ? tr("Service charts") : m_name);
}

QList<QPointF> ServiceCharts::points(Series series) const
{
    return lineFor(series)->points();
}

QObject *ServiceCharts::seriesObject(Series series) const
{
    return lineFor(series);
}

bool ServiceCharts::showsNoData(Pane pane) const
{
    return (pane == Pane::ErrorRate ? m_error : m_latency)->showsNoData();
}

QLineSeries *ServiceCharts::lineFor(Series series) const
{
    switch (series) {
    case Series::ErrorRateMean:
        return m_errorMean;
    case Series::ErrorRateMin:
        return m_errorMin;
    case Series::ErrorRateMax:
        return m_errorMax;
    case Series::LatencyP50:
        return m_p50;
    case Series::LatencyP95:
        return m_p95;
    }
    Q_UNREACHABLE();
}

void ServiceCharts::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::FontChange)
        applyStyle();
}

void ServiceCharts::applyStyle()
{
    const ChartStyle style = ChartStyle::fromPalette(palette(), font());
    m_error->applyStyle(style);
    m_latency->applyStyle(style);
    m_errorMean->setPen(linePen(style.errorRate, 1.5));
    m_errorBand->setBrush(ChartStyle::translucent(style.errorRate, style.dark ? 0.35 : 0.22));
    m_errorBand->setPen(Qt::NoPen);
    m_p50->setPen(linePen(style.latencyP50, 2));
    m_p95->setPen(linePen(style.latencyP95, 2));
}

} // namespace bw
