#include "charts/tradeoffchart.h"

#include "charts/chartstyle.h"

#include <QChart>
#include <QChartView>
#include <QCursor>
#include <QEvent>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QScatterSeries>
#include <QToolTip>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace bw {

namespace {
constexpr double kMarkerSizes[] = {8, 14, 21};
}

TradeoffChart::TradeoffChart(QWidget *parent)
    : QWidget(parent), m_chart(new QChart), m_front(new QLineSeries), m_live(new QScatterSeries), m_x(new QValueAxis),
      m_y(new QValueAxis)
{
    m_view = new QChartView(m_chart, this);
    m_view->setRenderHint(QPainter::Antialiasing);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_view);

    m_front->setName(tr("front"));
    m_chart->addSeries(m_front);
    for (int c = 0; c < kSizeClasses; ++c) {
        m_points[c] = new QScatterSeries;
        m_pareto[c] = new QScatterSeries;
        m_points[c]->setMarkerSize(kMarkerSizes[c]);
        m_pareto[c]->setMarkerSize(kMarkerSizes[c]);
        m_chart->addSeries(m_points[c]);
    }
    for (int c = 0; c < kSizeClasses; ++c)
        m_chart->addSeries(m_pareto[c]); // on top of the others
    m_points[0]->setName(tr("policy"));
    m_pareto[0]->setName(tr("Pareto-optimal"));
    m_live->setName(tr("live policy"));
    m_live->setMarkerShape(QScatterSeries::MarkerShapeRotatedRectangle);
    m_live->setMarkerSize(14);
    m_chart->addSeries(m_live);
    for (int c = 1; c < kSizeClasses; ++c) {
        for (QLegendMarker *marker : m_chart->legend()->markers(m_points[c]))
            marker->setVisible(false);
        for (QLegendMarker *marker : m_chart->legend()->markers(m_pareto[c]))
            marker->setVisible(false);
    }
    m_x->setTitleText(tr("failed calls let through"));
    m_y->setTitleText(tr("good calls rejected"));
    m_x->setLabelFormat(u"%.0f"_s);
    m_y->setLabelFormat(u"%.0f"_s);
    m_chart->addAxis(m_x, Qt::AlignBottom);
    m_chart->addAxis(m_y, Qt::AlignLeft);
    for (QAbstractSeries *series : m_chart->series()) {
        series->attachAxis(m_x);
        series->attachAxis(m_y);
    }
    const auto hover = [this](const QPointF &p, bool state) {
        if (!state || !m_grid)
            return QToolTip::hideText();
        const int i = pointNear(p);
        if (i < 0)
            return;
        const WhatIfResult &r = m_grid->points[static_cast<std::size_t>(i)];
        QToolTip::showText(QCursor::pos(),
                           u"<b>%1</b><br>%2<br>%3<br>%4<br><i>%5</i>"_s.arg(
                               m_grid->pointLabel(i).toHtmlEscaped(),
                               tr("failed let through: %1").arg(r.metrics.failedLetThrough),
                               tr("good rejected: %1").arg(r.metrics.goodRejected),
                               tr("opens: %1").arg(r.metrics.opens), tr("Click to make it a candidate")),
                           this);
    };
    const auto click = [this](const QPointF &p) {
        if (const int i = pointNear(p); i >= 0)
            Q_EMIT pointActivated(i);
    };
    for (int c = 0; c < kSizeClasses; ++c) {
        for (QScatterSeries *series : {m_points[c], m_pareto[c]}) {
            connect(series, &QScatterSeries::clicked, this, click);
            connect(series, &QScatterSeries::hovered, this, hover);
        }
    }
    restyle();
    setMinimumSize(320, 240);
}

TradeoffChart::~TradeoffChart() = default;

void TradeoffChart::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::FontChange)
        restyle();
}

void TradeoffChart::restyle()
{
    const ChartStyle style = ChartStyle::fromPalette(palette(), font());
    style.apply(m_chart);
    m_chart->setTitle(tr("Trade-off: down and left is better"));
    m_chart->legend()->setAlignment(Qt::AlignBottom);
    for (int c = 0; c < kSizeClasses; ++c) {
        m_points[c]->setColor(ChartStyle::translucent(style.latencyP50, 0.45));
        m_points[c]->setBorderColor(style.latencyP50);
        m_pareto[c]->setColor(style.opens);
        m_pareto[c]->setBorderColor(style.text);
    }
    m_front->setPen(QPen(style.opens, 1.5, Qt::DashLine));
    m_live->setColor(style.text);
    m_live->setBorderColor(style.background);
    rebuild();
}

int TradeoffChart::paretoCount() const
{
    return m_paretoCount;
}

QPointF TradeoffChart::pointPosition(int index) const
{
    if (!m_grid || index < 0 || index >= static_cast<int>(m_grid->points.size()))
        return {};
    const WhatIfMetrics &m = m_grid->points[static_cast<std::size_t>(index)].metrics;
    return {static_cast<double>(m.failedLetThrough), static_cast<double>(m.goodRejected)};
}

int TradeoffChart::pointNear(QPointF value) const
{
    if (!m_grid)
        return -1;
    int best = -1;
    double bestDistance = 0;
    const QPointF at = m_chart->mapToPosition(value);
    for (int i = 0; i < static_cast<int>(m_grid->points.size()); ++i) {
        const QPointF p = m_chart->mapToPosition(pointPosition(i));
        const double d = std::hypot(p.x() - at.x(), p.y() - at.y());
        if (best < 0 || d < bestDistance) {
            best = i;
            bestDistance = d;
        }
    }
    return bestDistance <= 8 ? best : -1;
}

void TradeoffChart::setGrid(const SweepGrid *grid, const WhatIfMetrics *reference)
{
    m_grid = grid;
    m_reference = reference ? std::optional<WhatIfMetrics>(*reference) : std::nullopt;
    rebuild();
}

void TradeoffChart::rebuild()
{
    QList<QPointF> points[kSizeClasses];
    QList<QPointF> pareto[kSizeClasses];
    QList<QPointF> front;
    double maxX = 1;
    double maxY = 1;
    std::int64_t maxOpens = 1;
    m_paretoCount = 0;
    if (m_grid) {
        for (const WhatIfResult &r : m_grid->points)
            maxOpens = std::max(maxOpens, r.metrics.opens);
        for (int i = 0; i < static_cast<int>(m_grid->points.size()); ++i) {
            const QPointF p = pointPosition(i);
            maxX = std::max(maxX, p.x());
            maxY = std::max(maxY, p.y());
            // Thirds of the largest count of opens.
            const auto opens = m_grid->points[static_cast<std::size_t>(i)].metrics.opens;
            const int size = std::min<int>(kSizeClasses - 1, static_cast<int>(3 * opens / (maxOpens + 1)));
            const bool optimal = i < static_cast<int>(m_grid->paretoOptimal.size()) &&
                                 m_grid->paretoOptimal[static_cast<std::size_t>(i)];
            (optimal ? pareto : points)[size].append(p);
            if (optimal) {
                front.append(p);
                ++m_paretoCount;
            }
        }
    }
    std::sort(front.begin(), front.end(), [](QPointF a, QPointF b) { return a.x() < b.x(); });
    for (int c = 0; c < kSizeClasses; ++c) {
        m_points[c]->replace(points[c]);
        m_pareto[c]->replace(pareto[c]);
    }
    m_front->replace(front);
    QList<QPointF> live;
    if (m_reference) {
        live.append(QPointF(static_cast<double>(m_reference->failedLetThrough),
                            static_cast<double>(m_reference->goodRejected)));
        maxX = std::max(maxX, live.front().x());
        maxY = std::max(maxY, live.front().y());
    }
    m_live->replace(live);
    m_x->setRange(0, maxX * 1.08);
    m_y->setRange(0, maxY * 1.08);
    m_x->setTickCount(5);
    m_y->setTickCount(5);
    m_x->applyNiceNumbers();
    m_y->applyNiceNumbers();
}

} // namespace bw
