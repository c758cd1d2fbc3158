#include "workbench/whatiftimeline.h"

#include "timeline/statepalette.h"

#include <QContextMenuEvent>
#include <QDateTime>
#include <QHelpEvent>
#include <QMenu>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>
#include <QWheelEvent>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace bw {

namespace {
constexpr int kGutter = 190;
constexpr int kAxisHeight = 22;
constexpr int kRowHeight = 26;
constexpr int kBandHeight = 20;
constexpr int kRightMargin = 8;
} // namespace

std::vector<WhatIfBandRun> whatIfBandRuns(const WhatIfTimelineRow &row, std::int64_t endMs)
{
    std::vector<WhatIfBandRun> runs;
    if (!row.known)
        return runs;
    WhatIfBandRun current{0, endMs, row.initial, -1};
    for (int i = 0; i < static_cast<int>(row.transitions.size()); ++i) {
        const Transition &tr = row.transitions[static_cast<std::size_t>(i)];
        const std::int64_t t = std::clamp<std::int64_t>(tr.t, 0, endMs);
        if (t > current.start) {
            current.end = t;
            runs.push_back(current);
        }
        current = {t, endMs, tr.to, i};
    }
    if (current.start < endMs || runs.empty()) {
        current.end = endMs;
        runs.push_back(current);
    }
    return runs;
}

WhatIfTimeline::WhatIfTimeline(QWidget *parent) : QWidget(parent)
{
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setToolTip(tr("Wheel: zoom. Drag: pan. Double-click: whole history. Shift+drag: mark an outage."));
    updateAxis();
}

QSize WhatIfTimeline::sizeHint() const
{
    return {800, kAxisHeight + std::max(3, rowCount()) * kRowHeight + fontMetrics().height() + 8};
}

QSize WhatIfTimeline::minimumSizeHint() const
{
    return {400, kAxisHeight + 2 * kRowHeight};
}

void WhatIfTimeline::setRange(std::int64_t originMs, std::int64_t endMs)
{
    m_origin = originMs;
    m_end = std::max<std::int64_t>(endMs, 1000);
    m_axis.setRange(m_origin, m_end);
    m_runs.clear();
    for (const WhatIfTimelineRow &row : m_rows)
        m_runs.push_back(whatIfBandRuns(row, m_end));
    updateAxis();
    update();
}

void WhatIfTimeline::setRows(std::vector<WhatIfTimelineRow> rows)
{
    m_rows = std::move(rows);
    m_runs.clear();
    for (const WhatIfTimelineRow &row : m_rows)
        m_runs.push_back(whatIfBandRuns(row, m_end));
    updateGeometry();
    update();
}

void WhatIfTimeline::setOutages(std::vector<Outage> outages)
{
    m_outages = std::move(outages);
    update();
}

void WhatIfTimeline::setVisibleRange(std::int64_t start, std::int64_t end)
{
    start = std::clamp<std::int64_t>(start, 0, m_end);
    end = std::clamp<std::int64_t>(end, start + 1, m_end);
    m_axis.setRange(m_origin + start, end - start);
    update();
}

std::pair<std::int64_t, std::int64_t> WhatIfTimeline::visibleRange() const
{
    return {m_axis.start() - m_origin, m_axis.end() - m_origin};
}

QRect WhatIfTimeline::plotRect() const
{
    return QRect(kGutter, kAxisHeight, std::max(10, width() - kGutter - kRightMargin),
                 std::max(0, height() - kAxisHeight));
}

void WhatIfTimeline::updateAxis()
{
    const QRect plot = plotRect();
    m_axis.setPixels(plot.left(), plot.width());
}

std::int64_t WhatIfTimeline::timeAt(double x) const
{
    return m_axis.timeForX(x) - m_origin;
}

double WhatIfTimeline::xAt(std::int64_t relative) const
{
    return m_axis.xForTime(m_origin + relative);
}

int WhatIfTimeline::rowAt(int y) const
{
    if (y < kAxisHeight)
        return -1;
    const int row = (y - kAxisHeight) / kRowHeight;
    return row < rowCount() ? row : -1;
}

int WhatIfTimeline::outageAt(int x) const
{
    const std::int64_t t = timeAt(x);
    for (int i = 0; i < static_cast<int>(m_outages.size()); ++i)
        if (t >= m_outages[static_cast<std::size_t>(i)].start && t < m_outages[static_cast<std::size_t>(i)].end)
            return i;
    return -1;
}

void WhatIfTimeline::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    updateAxis();
}

void WhatIfTimeline::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    const QPalette &pal = palette();
    const QColor background = pal.color(QPalette::Base);
    p.fillRect(rect(), background);
    const QRect plot = plotRect();
    const QColor textColor = pal.color(QPalette::Text);
    QColor gridColor = textColor;
    gridColor.setAlphaF(0.15f);

    // Axis
    p.setPen(textColor);
    for (const TimeTick &tick : m_axis.ticks(90)) {
        if (tick.x < plot.left() || tick.x > plot.right())
            continue;
        p.setPen(gridColor);
        p.drawLine(QPointF(tick.x, kAxisHeight - 4), QPointF(tick.x, height()));
        p.setPen(textColor);
        p.drawText(QRectF(tick.x - 60, 0, 120, kAxisHeight - 4), Qt::AlignCenter, tick.label);
    }

    // Bands
    const QFontMetrics fm = fontMetrics();
    for (int r = 0; r < rowCount(); ++r) {
        const int top = kAxisHeight + r * kRowHeight + (kRowHeight - kBandHeight) / 2;
        p.setPen(textColor);
        p.drawText(QRect(6, top, kGutter - 12, kBandHeight), Qt::AlignVCenter | Qt::AlignLeft,
                   fm.elidedText(m_rows[static_cast<std::size_t>(r)].label, Qt::ElideRight, kGutter - 12));
        const QRect band(plot.left(), top, plot.width(), kBandHeight);
        if (!m_rows[static_cast<std::size_t>(r)].known) {
            p.fillRect(band, gridColor);
            p.drawText(band, Qt::AlignCenter, tr("no data"));
            continue;
        }
        p.save();
        p.setClipRect(band);
        for (const WhatIfBandRun &run : m_runs[static_cast<std::size_t>(r)]) {
            const double x0 = std::max<double>(xAt(run.start), plot.left());
            const double x1 = std::min<double>(xAt(run.end), plot.right() + 1);
            if (x1 <= x0)
                continue;
            const QRectF rect(x0, top, std::max(1.0, x1 - x0), kBandHeight);
            p.fillRect(rect, StatePalette::displayFill(run.state, background));
            if (StatePalette::hatched(run.state))
                p.fillRect(rect, QBrush(QColor(0, 0, 0, 60), Qt::BDiagPattern));
            const QString label = StatePalette::label(run.state);
            if (run.state != BreakerState::Closed && rect.width() > fm.horizontalAdvance(label) + 8) {
                p.setPen(StatePalette::text(run.state));
                p.drawText(rect, Qt::AlignCenter, label);
            }
        }
        p.restore();
    }

    // Outages across all bands, and the one being marked.
    QColor outageFill(213, 94, 0, 40);
    QColor outageEdge(213, 94, 0, 200);
    const auto drawOutage = [&](std::int64_t start, std::int64_t end, bool marking) {
        const double x0 = std::max<double>(xAt(start), plot.left());
        const double x1 = std::min<double>(xAt(end), plot.right() + 1);
        if (x1 <= x0)
            return;
        p.fillRect(QRectF(x0, kAxisHeight, x1 - x0, plot.height()), outageFill);
        p.setPen(QPen(outageEdge, 1, marking ? Qt::DashLine : Qt::SolidLine));
        p.drawLine(QPointF(x0, kAxisHeight), QPointF(x0, height()));
        p.drawLine(QPointF(x1, kAxisHeight), QPointF(x1, height()));
        p.setPen(outageEdge);
        const int labelTop = kAxisHeight + rowCount() * kRowHeight + 2;
        p.drawText(QRectF(x0 + 3, labelTop, 200, fm.height()), Qt::AlignLeft, marking ? tr("outage?") : tr("outage"));
    };
    for (const Outage &o : m_outages)
        drawOutage(o.start, o.end, false);
    if (m_marking && m_dragFrom) {
        const std::int64_t a = timeAt(m_dragFrom->x());
        const std::int64_t b = timeAt(m_markTo);
        drawOutage(std::min(a, b), std::max(a, b), true);
    }
    if (rowCount() == 0) {
        p.setPen(textColor);
        p.drawText(plot, Qt::AlignCenter, tr("Load a history and run the policies to see their timelines here."));
    }
}

QString WhatIfTimeline::hoverText(QPoint pos) const
{
    const int r = rowAt(pos.y());
    const QRect plot = plotRect();
    if (r < 0 || pos.x() < plot.left() || pos.x() > plot.right())
        return {};
    const std::int64_t t = timeAt(pos.x());
    const WhatIfTimelineRow &row = m_rows[static_cast<std::size_t>(r)];
    if (!row.known)
        return tr("%1: no data").arg(row.label);
    for (const WhatIfBandRun &run : m_runs[static_cast<std::size_t>(r)]) {
        if (t < run.start || t >= run.end)
            continue;
        const QString since = QDateTime::fromMSecsSinceEpoch(m_origin + run.start).toString(u"yyyy-MM-dd HH:mm:ss"_s);
        QString text = tr("<b>%1</b>: %2 since %3 for %4")
                           .arg(row.label.toHtmlEscaped(), StatePalette::label(run.state), since,
                                TimeAxis::spanText(run.end - run.start));
        if (run.transition >= 0)
            text +=
                u"<br>"_s + row.transitions[static_cast<std::size_t>(run.transition)].reason.describe().toHtmlEscaped();
        if (const int o = outageAt(pos.x()); o >= 0)
            text += u"<br>"_s + tr("Outage %1 – %2")
                                    .arg(TimeAxis::spanText(m_outages[static_cast<std::size_t>(o)].start),
                                         TimeAxis::spanText(m_outages[static_cast<std::size_t>(o)].end));
        return text;
    }
    return {};
}

bool WhatIfTimeline::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const QString text = hoverText(help->pos());
        if (text.isEmpty())
            QToolTip::showText(help->globalPos(), toolTip(), this);
        else
            QToolTip::showText(help->globalPos(), text, this);
        return true;
    }
    return QWidget::event(event);
}

void WhatIfTimeline::wheelEvent(QWheelEvent *event)
{
    const double steps = event->angleDelta().y() / 120.0;
    if (steps == 0)
        return;
    m_axis.zoomAround(event->position().x(), std::pow(0.8, steps));
    setVisibleRange(m_axis.start() - m_origin, m_axis.end() - m_origin);
    event->accept();
}

void WhatIfTimeline::mousePressEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton)
        return;
    m_dragFrom = event->position().toPoint();
    m_dragStartAxis = m_axis.start();
    m_marking = event->modifiers().testFlag(Qt::ShiftModifier);
    m_markTo = m_dragFrom->x();
}

void WhatIfTimeline::mouseMoveEvent(QMouseEvent *event)
{
    if (!m_dragFrom)
        return;
    if (m_marking) {
        m_markTo = event->position().toPoint().x();
        update();
        return;
    }
    const double dx = event->position().x() - m_dragFrom->x();
    const auto shift = static_cast<std::int64_t>(dx * m_axis.msPerPixel());
    const std::int64_t span = m_axis.span();
    const std::int64_t start = std::clamp<std::int64_t>(m_dragStartAxis - shift - m_origin, 0, m_end - span);
    setVisibleRange(start, start + span);
}

void WhatIfTimeline::mouseReleaseEvent(QMouseEvent *event)
{
    if (m_dragFrom && m_marking) {
        const std::int64_t a = std::clamp<std::int64_t>(timeAt(m_dragFrom->x()), 0, m_end);
        const std::int64_t b = std::clamp<std::int64_t>(timeAt(event->position().x()), 0, m_end);
        if (std::abs(a - b) >= 1000)
            Q_EMIT outageMarked(std::min(a, b), std::max(a, b));
    }
    m_dragFrom.reset();
    m_marking = false;
    update();
}

void WhatIfTimeline::mouseDoubleClickEvent(QMouseEvent *)
{
    setVisibleRange(0, m_end);
}

void WhatIfTimeline::contextMenuEvent(QContextMenuEvent *event)
{
    const int o = outageAt(event->pos().x());
    if (o < 0)
        return;
    QMenu menu(this);
    QAction *remove = menu.addAction(tr("Remove this outage"));
    if (menu.exec(event->globalPos()) == remove)
        Q_EMIT outageRemoved(o);
}

} // namespace bw
