#include "timeline/timelineview.h"

#include "common/durations.h"
#include "timeline/statepalette.h"

#include <QApplication>
#include <QDateTime>
#include <QHash>
#include <QHelpEvent>
#include <QKeyEvent>
#include <QPainter>
#include <QScrollBar>
#include <QSvgGenerator>
#include <QTimeZone>
#include <QToolTip>

#include <algorithm>
#include <climits>
#include <cmath>

using namespace Qt::StringLiterals;

namespace bw {

namespace {

constexpr double kTickSpacingPx = 110;
constexpr int kFoldArrowWidth = 18; // the fold triangle in front of a breaker over several instances
constexpr std::int64_t kDefaultSpanMs = 3'600'000;

QColor mix(const QColor &a, const QColor &b, double amountOfB)
{
    const double k = std::clamp(amountOfB, 0.0, 1.0);
    return QColor::fromRgbF(static_cast<float>(a.redF() * (1 - k) + b.redF() * k),
                            static_cast<float>(a.greenF() * (1 - k) + b.greenF() * k),
                            static_cast<float>(a.blueF() * (1 - k) + b.blueF() * k));
}

QFont labelFont(const QFont &base)
{
    QFont f = base;
    f.setPointSizeF(base.pointSizeF() > 0 ? base.pointSizeF() * 0.85 : 8);
    f.setBold(true);
    return f;
}

QFont bolded(QFont font)
{
    font.setBold(true);
    return font;
}

// Runs narrower than this many pixels are merged into flapping stretches: a 1-2 px barcode reads as noise.
constexpr double kMinRunPx = 3;

std::int64_t minRunMs(const TimeAxis &axis)
{
    return std::max<std::int64_t>(1, std::llround(axis.msPerPixel() * kMinRunPx));
}

// Flapping: the worst state's colour with wide diagonal stripes of the other state's, so it reads as "switching back
// and forth" and cannot be mistaken for a hatched state (forced open, metrics-only). Cached per colour pair.
QBrush flappingBrush(const QColor &worst, const QColor &other)
{
    static QHash<quint64, QBrush> cache;
    const quint64 key = (quint64(worst.rgb()) << 32) | other.rgb();
    auto it = cache.find(key);
    if (it != cache.end())
        return *it;
    constexpr int kTile = 12;
    QImage tile(kTile, kTile, QImage::Format_RGB32);
    for (int y = 0; y < kTile; ++y) {
        for (int x = 0; x < kTile; ++x)
            tile.setPixel(x, y, ((x + y) % kTile) < kTile / 3 ? other.rgb() : worst.rgb());
    }
    return *cache.insert(key, QBrush(tile));
}

QString trackName(TrackKind track)
{
    return track == TrackKind::Simulated ? u"simulated breaker"_s : u"real breaker (reported by the service)"_s;
}

} // namespace

// Everything a row needs that does not depend on the row: computed once per paint, not once per run.
struct TimelineView::RowStyle
{
    explicit RowStyle(const TimelineView &view)
        : small(labelFont(view.font())), smallMetrics(small), name(view.font()), nameBold(bolded(view.font())),
          nameMetrics(name), nameBoldMetrics(nameBold)
    {
        const QPalette &pal = view.palette();
        base = pal.color(QPalette::Base);
        const QColor text = pal.color(QPalette::Text);
        window = pal.color(QPalette::Window);
        windowText = pal.color(QPalette::WindowText);
        highlight = pal.color(QPalette::Highlight);
        highlightedText = pal.color(QPalette::HighlightedText);
        noData = mix(base, text, 0.07);
        alternateGutter = mix(window, text, 0.04);
        alternatePlot = mix(base, text, 0.025);
        selectedPlot = mix(base, highlight, 0.22);
        subLabel = mix(window, windowText, 0.7);
        subLabelEmpty = mix(window, windowText, 0.35);
        for (int i = 0; i < kBreakerStateCount; ++i) {
            const auto state = static_cast<BreakerState>(i);
            fill[i] = StatePalette::displayFill(state, base);
            label[i] = StatePalette::label(state);
            labelWidth[i] = smallMetrics.horizontalAdvance(label[i]) + 8;
        }
        flappingMinWidth = smallMetrics.horizontalAdvance(tr("FLAPPING ×%1").arg(9)) + 8;
        subLabels[0] = tr("sim");
        subLabels[1] = tr("real");
    }

    QFont small;
    QFontMetrics smallMetrics;
    QFont name;
    QFont nameBold;
    QFontMetrics nameMetrics;
    QFontMetrics nameBoldMetrics;
    QColor base, window, windowText, highlight, highlightedText, noData, alternateGutter, alternatePlot, selectedPlot,
        subLabel, subLabelEmpty;
    QColor fill[kBreakerStateCount];
    QString label[kBreakerStateCount];
    int labelWidth[kBreakerStateCount] = {};
    int flappingMinWidth = 0;
    QString subLabels[kTrackKindCount];
};

TimelineView::TimelineView(const FleetHistory *history, Clock clock, QWidget *parent)
    : QAbstractScrollArea(parent), m_history(history), m_clock(std::move(clock))
{
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setVerticalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    setFocusPolicy(Qt::StrongFocus);
    setFrameShape(QFrame::NoFrame);
    viewport()->setMouseTracking(true);
    viewport()->setAttribute(Qt::WA_OpaquePaintEvent);
    setMinimumSize(420, 160);

    m_utcOffsetSeconds = QTimeZone::systemTimeZone().offsetFromUtc(QDateTime::fromMSecsSinceEpoch(now(), Qt::UTC));
    m_axis.setRange(now() - kDefaultSpanMs, kDefaultSpanMs);

    m_coalesce.setSingleShot(true);
    m_coalesce.setInterval(40);
    connect(&m_coalesce, &QTimer::timeout, this, &TimelineView::showHistoryChange);
    m_liveTimer.setInterval(1'000);
    connect(&m_liveTimer, &QTimer::timeout, this, [this] {
        if (std::exchange(m_historyPending, false))
            showHistoryChange();
        else if (isVisible())
            viewport()->update();
    });
    m_liveTimer.start();
}

TimelineView::~TimelineView() = default;

void TimelineView::setHistory(const FleetHistory *history)
{
    m_history = history;
    rebuildRows();
}

void TimelineView::setServiceNames(const QStringList &names)
{
    m_names = names;
    m_ids.clear();
    rebuildRows();
}

void TimelineView::setBreakers(const QList<BreakerId> &idsByHistoryRow)
{
    m_ids = idsByHistoryRow;
    m_names.clear();
    for (const BreakerId &id : idsByHistoryRow)
        m_names << id.key();
    rebuildRows();
}

void TimelineView::setRowOrder(const QList<BreakerId> &breakers)
{
    QHash<BreakerId, int> rank;
    rank.reserve(breakers.size());
    for (int i = 0; i < breakers.size(); ++i)
        rank.insert(breakers[i], i);
    if (rank == m_rank)
        return;
    m_rank = std::move(rank);
    rebuildRows();
}

void TimelineView::rebuildRows()
{
    const int historyRows = m_history ? std::min(static_cast<int>(m_names.size()), m_history->serviceCount()) : 0;
    m_rows.clear();
    if (m_ids.isEmpty()) {
        for (int i = 0; i < historyRows; ++i)
            m_rows.push_back({m_names[i], {}, {i}, false, false});
    } else {
        // Breakers in the order they first appear; their instances under them.
        QStringList order;
        QHash<QString, std::vector<int>> instances;
        for (int i = 0; i < historyRows; ++i) {
            const BreakerId &id = m_ids[i];
            const QString key = id.isHealth() ? id.service : id.service + u'/' + id.breaker;
            auto &rows = instances[key];
            if (rows.empty())
                order << key;
            rows.push_back(i);
        }
        if (!m_rank.isEmpty()) {
            const auto rankOf = [this](int historyRow) { return m_rank.value(m_ids[historyRow], INT_MAX); };
            for (auto it = instances.begin(); it != instances.end(); ++it)
                std::stable_sort(it->begin(), it->end(), [&](int a, int b) { return rankOf(a) < rankOf(b); });
            // A breaker ranks as its most urgent instance.
            std::stable_sort(order.begin(), order.end(), [&](const QString &a, const QString &b) {
                return rankOf(instances[a].front()) < rankOf(instances[b].front());
            });
        }
        for (const QString &key : std::as_const(order)) {
            const std::vector<int> &rows = instances[key];
            if (rows.size() == 1) {
                m_rows.push_back({m_names[rows.front()], {}, rows, false, false});
                continue;
            }
            m_rows.push_back({key, key, rows, true, false});
            if (m_unfolded.contains(key))
                for (int i : rows)
                    m_rows.push_back({m_names[i], key, {i}, false, true});
        }
    }
    m_builtHistoryRows = historyRows;
    if (m_selected >= historyRows)
        m_selected = -1;
    updateScrollBar();
    viewport()->update();
}

int TimelineView::rowCount() const
{
    return static_cast<int>(m_rows.size());
}

QString TimelineView::rowName(int row) const
{
    return row >= 0 && row < rowCount() ? m_rows[static_cast<std::size_t>(row)].name : QString();
}

std::vector<int> TimelineView::historyRowsOf(int row) const
{
    return row >= 0 && row < rowCount() ? m_rows[static_cast<std::size_t>(row)].history : std::vector<int>{};
}

bool TimelineView::isFoldedRow(int row) const
{
    return row >= 0 && row < rowCount() && m_rows[static_cast<std::size_t>(row)].group &&
           !m_unfolded.contains(m_rows[static_cast<std::size_t>(row)].groupKey);
}

void TimelineView::setUnfolded(const QString &breakerKey, bool unfolded)
{
    if (unfolded == m_unfolded.contains(breakerKey))
        return;
    if (unfolded)
        m_unfolded.insert(breakerKey);
    else
        m_unfolded.remove(breakerKey);
    rebuildRows();
    setSelectedService(m_selected); // keeps the selection in view
}

void TimelineView::toggleFold(int row)
{
    if (row >= 0 && row < rowCount() && m_rows[static_cast<std::size_t>(row)].groupKey.size() > 0)
        setUnfolded(m_rows[static_cast<std::size_t>(row)].groupKey,
                    !m_unfolded.contains(m_rows[static_cast<std::size_t>(row)].groupKey));
}

int TimelineView::rowOfHistory(int historyRow) const
{
    if (historyRow < 0)
        return -1;
    for (int row = 0; row < rowCount(); ++row) {
        const Row &r = m_rows[static_cast<std::size_t>(row)];
        const bool shows = r.group ? isFoldedRow(row) && std::ranges::find(r.history, historyRow) != r.history.end()
                                   : r.history.front() == historyRow;
        if (shows)
            return row;
    }
    return -1;
}

bool TimelineView::rowSelected(int row) const
{
    return m_selected >= 0 && rowOfHistory(m_selected) == row;
}

void TimelineView::setUtcOffsetSeconds(int seconds)
{
    m_utcOffsetSeconds = seconds;
    viewport()->update();
}

void TimelineView::setStaleAfterMs(std::int64_t ms)
{
    m_staleAfterMs = ms;
    viewport()->update();
}

void TimelineView::setVisibleRange(std::int64_t start, std::int64_t end)
{
    m_axis.setRange(start, end - start);
    setLive(false);
    rangeChanged();
}

void TimelineView::setSpan(std::int64_t spanMs)
{
    syncLive();
    const std::int64_t end = m_axis.end();
    m_axis.setRange(end - spanMs, spanMs);
    m_axis.setEnd(end);
    rangeChanged();
}

void TimelineView::followLive()
{
    setLive(true);
    syncLive();
    rangeChanged();
}

void TimelineView::historyChanged()
{
    // Live, the view is repainted once a second anyway: new data waits for that tick (polls arrive all the time, and
    // a repaint 40 ms after each burst was most of the GUI's painting). Paused, it shows at once.
    if (m_live) {
        m_historyPending = true;
        return;
    }
    if (!m_coalesce.isActive())
        m_coalesce.start();
}

void TimelineView::showHistoryChange()
{
    // The store may have grown rows the names were waiting for.
    const int historyRows = m_history ? std::min(static_cast<int>(m_names.size()), m_history->serviceCount()) : 0;
    if (historyRows != m_builtHistoryRows)
        return rebuildRows();
    updateScrollBar();
    viewport()->update();
}

void TimelineView::setSelectedService(int index)
{
    const int historyRows = m_history ? std::min(static_cast<int>(m_names.size()), m_history->serviceCount()) : 0;
    m_selected = index >= 0 && index < historyRows ? index : -1;
    if (const int row = rowOfHistory(m_selected); row >= 0) {
        const TimelineLayout layout = layoutFor(viewport()->size());
        const int visible = layout.size.height() - layout.headerHeight();
        const int top = row * layout.rowHeight();
        QScrollBar *bar = verticalScrollBar();
        if (top < bar->value())
            bar->setValue(top);
        else if (top + layout.rowHeight() > bar->value() + visible)
            bar->setValue(top + layout.rowHeight() - visible);
    }
    viewport()->update();
}

// `row` is a row of the view; a folded breaker selects (and activates) its first instance.
void TimelineView::selectAndActivate(int row)
{
    if (row < 0 || row >= rowCount())
        return;
    setSelectedService(m_rows[static_cast<std::size_t>(row)].history.front());
    if (m_selected >= 0)
        Q_EMIT serviceActivated(m_selected);
}

void TimelineView::setLive(bool live)
{
    if (m_live == live)
        return;
    m_live = live;
    if (!live && std::exchange(m_historyPending, false))
        m_coalesce.start();
    Q_EMIT liveChanged(live);
}

void TimelineView::syncLive() const
{
    if (m_live)
        m_axis.setEnd(now());
}

void TimelineView::rangeChanged()
{
    Q_EMIT visibleRangeChanged(m_axis.start(), m_axis.end());
    viewport()->update();
}

void TimelineView::zoomAt(double x, double factor)
{
    syncLive();
    m_axis.setPixels(layoutFor(viewport()->size()).plotRect().left(), layoutFor(viewport()->size()).plotRect().width());
    m_axis.zoomAround(x, factor);
    setLive(false);
    rangeChanged();
}

void TimelineView::panBy(double dx)
{
    syncLive();
    m_axis.panPixels(dx);
    setLive(false);
    rangeChanged();
}

TimelineLayout TimelineView::layoutFor(QSize size) const
{
    TimelineLayout layout(size, fontMetrics().height(), verticalScrollBar()->value());
    // The legend takes a second line rather than leaving states out when the view is narrow.
    const QFontMetrics fm = fontMetrics();
    int needed = 0;
    for (const QString &label : legendLabels())
        needed += legendItemWidth(fm, label);
    if (needed > size.width() - layout.rightMargin - liveBadgeWidth() - 8 - layout.gutterWidth)
        layout.legendHeight *= 2;
    layout.scrollOffset = std::min(layout.scrollOffset, layout.maxScroll(rowCount()));
    return layout;
}

TimeAxis TimelineView::axisFor(const TimelineLayout &layout) const
{
    TimeAxis axis = m_axis;
    const QRect plot = layout.plotRect();
    axis.setPixels(plot.left(), plot.width());
    return axis;
}

void TimelineView::updateScrollBar()
{
    const TimelineLayout layout = layoutFor(viewport()->size());
    QScrollBar *bar = verticalScrollBar();
    bar->setRange(0, layout.maxScroll(rowCount()));
    bar->setPageStep(std::max(1, viewport()->height() - layout.headerHeight()));
    bar->setSingleStep(layout.rowHeight());
}

std::int64_t TimelineView::lastRunUntil(const TrackHistory &track) const
{
    const std::int64_t t = now();
    return !track.empty() && t - track.latestTime() <= m_staleAfterMs ? t : 0;
}

QString TimelineView::formatTime(std::int64_t t) const
{
    const QTimeZone zone(m_utcOffsetSeconds);
    const QDateTime local = QDateTime::fromMSecsSinceEpoch(t, zone);
    const QDateTime today = QDateTime::fromMSecsSinceEpoch(now(), zone);
    if (local.date() == today.date())
        return local.toString(u"HH:mm:ss"_s);
    return QLocale::c().toString(local, u"ddd d MMM HH:mm:ss"_s);
}

// ---- painting ----

void TimelineView::paintEvent(QPaintEvent *)
{
    QPainter p(viewport());
    paintTimeline(p, viewport()->size());
}

QImage TimelineView::renderToImage(QSize size) const
{
    QImage image(size, QImage::Format_ARGB32_Premultiplied);
    QPainter p(&image);
    paintTimeline(p, size);
    return image;
}

bool TimelineView::renderToSvg(const QString &file, QSize size) const
{
    if (size.isEmpty())
        size = viewport()->size();
    QSvgGenerator generator;
    generator.setFileName(file);
    generator.setSize(size);
    generator.setViewBox(QRect(QPoint(0, 0), size));
    generator.setTitle(u"Breakerwatch — breaker timelines"_s);
    QPainter p;
    if (!p.begin(&generator))
        return false;
    paintTimeline(p, size);
    return p.end();
}

void TimelineView::paintTimeline(QPainter &p, QSize size) const
{
    syncLive();
    const TimelineLayout layout = layoutFor(size);
    const TimeAxis axis = axisFor(layout);
    const QPalette &pal = palette();
    const QColor base = pal.color(QPalette::Base);
    const QColor text = pal.color(QPalette::Text);
    const QRect plot = layout.plotRect();

    p.setFont(font());
    p.fillRect(QRect(QPoint(0, 0), size), base);
    p.fillRect(layout.gutterRect(), pal.color(QPalette::Window));

    // Grid behind the rows.
    const std::vector<TimeTick> ticks = axis.ticks(kTickSpacingPx, m_utcOffsetSeconds);
    p.setPen(QPen(mix(base, text, 0.14), 1));
    for (const TimeTick &tick : ticks)
        p.drawLine(QPointF(std::floor(tick.x) + 0.5, plot.top()), QPointF(std::floor(tick.x) + 0.5, plot.bottom()));

    p.save();
    p.setClipRect(QRect(0, plot.top(), size.width(), plot.height()));
    const auto [first, last] = layout.visibleRows(rowCount());
    const RowStyle style(*this);
    for (int row = first; row < last; ++row)
        paintRow(p, layout, axis, style, row);
    p.restore();

    const std::int64_t t = now();
    if (!m_live && t > axis.start() && t < axis.end()) {
        const double x = std::floor(axis.xForTime(t)) + 0.5;
        p.setPen(QPen(text, 1, Qt::DashLine));
        p.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()));
    }
    if (plot.contains(m_hover)) {
        p.setPen(QPen(mix(base, text, 0.6), 1));
        p.drawLine(QPointF(m_hover.x() + 0.5, plot.top()), QPointF(m_hover.x() + 0.5, plot.bottom()));
    }
    paintHeader(p, layout, axis);
}

QStringList TimelineView::legendLabels()
{
    return {StatePalette::label(BreakerState::Closed),
            StatePalette::label(BreakerState::HalfOpen),
            StatePalette::label(BreakerState::Open),
            StatePalette::label(BreakerState::ForcedOpen),
            StatePalette::label(BreakerState::Disabled),
            StatePalette::label(BreakerState::MetricsOnly),
            u"FLAPPING"_s,
            u"no data"_s};
}

int TimelineView::legendItemWidth(const QFontMetrics &fm, const QString &label)
{
    return (fm.height() - 4) + 6 + fm.horizontalAdvance(label) + 16;
}

QString TimelineView::liveBadgeText() const
{
    return m_live ? u"● LIVE"_s : u"PAUSED · End: back to live"_s;
}

int TimelineView::liveBadgeWidth() const
{
    return QFontMetrics(bolded(font())).horizontalAdvance(liveBadgeText()) + 16;
}

void TimelineView::paintHeader(QPainter &p, const TimelineLayout &layout, const TimeAxis &axis) const
{
    const QPalette &pal = palette();
    const QColor base = pal.color(QPalette::Base);
    const QColor text = pal.color(QPalette::Text);
    const QColor window = pal.color(QPalette::Window);
    const QColor windowText = pal.color(QPalette::WindowText);
    const QRect plot = layout.plotRect();
    const int w = layout.size.width();
    const QFontMetrics fm = fontMetrics();

    p.fillRect(QRect(0, 0, w, layout.headerHeight()), window);
    p.setPen(mix(window, windowText, 0.35));
    p.drawLine(0, layout.headerHeight() - 1, w, layout.headerHeight() - 1);

    // Title and span, left.
    QFont bold = font();
    bold.setBold(true);
    p.setFont(bold);
    p.setPen(windowText);
    const int legendLines = layout.legendHeight > fm.height() + 12 ? 2 : 1;
    const int lineHeight = layout.legendHeight / legendLines;
    const QRect title(8, 0, layout.gutterWidth - 12, lineHeight);
    p.drawText(title, Qt::AlignLeft | Qt::AlignVCenter,
               (m_live ? u"Last %1"_s : u"%1 shown"_s).arg(TimeAxis::spanText(axis.span())));

    // Live badge, right.
    const QString badge = liveBadgeText();
    const int badgeWidth = liveBadgeWidth();
    const QRect badgeRect(w - layout.rightMargin - badgeWidth, 4, badgeWidth, lineHeight - 8);
    if (m_live) {
        p.setPen(Qt::NoPen);
        p.setBrush(pal.color(QPalette::Highlight));
        p.drawRoundedRect(badgeRect, 4, 4);
        p.setPen(pal.color(QPalette::HighlightedText));
    } else {
        p.setPen(QPen(windowText, 1));
        p.setBrush(Qt::NoBrush);
        p.drawRoundedRect(QRectF(badgeRect).adjusted(0.5, 0.5, -0.5, -0.5), 4, 4);
    }
    p.drawText(badgeRect, Qt::AlignCenter, badge);

    // Legend: every state, flapping and no data, left of the badge.
    p.setFont(font());
    struct Item
    {
        QString label;
        QColor colour;
        Qt::BrushStyle pattern;
    };
    const QColor noData = mix(base, text, 0.07);
    const Item items[] = {
        {StatePalette::label(BreakerState::Closed), StatePalette::displayFill(BreakerState::Closed, base), Qt::NoBrush},
        {StatePalette::label(BreakerState::HalfOpen), StatePalette::fill(BreakerState::HalfOpen), Qt::NoBrush},
        {StatePalette::label(BreakerState::Open), StatePalette::fill(BreakerState::Open), Qt::NoBrush},
        {StatePalette::label(BreakerState::ForcedOpen), StatePalette::fill(BreakerState::ForcedOpen), Qt::FDiagPattern},
        {StatePalette::label(BreakerState::Disabled), StatePalette::fill(BreakerState::Disabled), Qt::NoBrush},
        {StatePalette::label(BreakerState::MetricsOnly), StatePalette::fill(BreakerState::MetricsOnly),
         Qt::FDiagPattern},
        {u"FLAPPING"_s, StatePalette::fill(BreakerState::Open), Qt::BDiagPattern},
        {u"no data"_s, noData, Qt::NoBrush},
    };
    int x = plot.left();
    int line = 0;
    const int swatch = fm.height() - 4;
    for (const Item &item : items) {
        const int itemWidth = legendItemWidth(fm, item.label);
        if (x + itemWidth > badgeRect.left() - 8 && ++line < legendLines)
            x = plot.left();
        if (line >= legendLines || x + itemWidth > badgeRect.left() - 8)
            break;
        const int top = line * lineHeight;
        const QRect box(x, top + (lineHeight - swatch) / 2, swatch, swatch);
        if (item.pattern == Qt::BDiagPattern) {
            p.setBrushOrigin(box.topLeft());
            p.fillRect(box, flappingBrush(item.colour, StatePalette::displayFill(BreakerState::Closed, base)));
        } else {
            p.fillRect(box, item.colour);
            if (item.pattern != Qt::NoBrush)
                p.fillRect(box, QBrush(QColor(255, 255, 255, 200), item.pattern));
        }
        p.setPen(mix(window, windowText, 0.5));
        p.setBrush(Qt::NoBrush);
        p.drawRect(QRectF(box).adjusted(0.5, 0.5, -0.5, -0.5));
        p.setPen(windowText);
        p.drawText(QRect(x + swatch + 6, top, itemWidth, lineHeight), Qt::AlignLeft | Qt::AlignVCenter, item.label);
        x += itemWidth;
    }

    // Axis labels.
    const int axisTop = layout.legendHeight;
    p.setPen(mix(window, windowText, 0.6));
    p.drawText(QRect(8, axisTop, layout.gutterWidth - 12, layout.axisHeight), Qt::AlignLeft | Qt::AlignVCenter,
               tr("service"));
    p.drawText(QRect(8, axisTop, layout.gutterWidth - 8, layout.axisHeight), Qt::AlignRight | Qt::AlignVCenter,
               tr("breaker"));
    for (const TimeTick &tick : axis.ticks(kTickSpacingPx, m_utcOffsetSeconds)) {
        const int tx = static_cast<int>(std::floor(tick.x));
        QFont tickFont = font();
        tickFont.setBold(tick.dayStart);
        p.setFont(tickFont);
        const int labelWidth = QFontMetrics(tickFont).horizontalAdvance(tick.label);
        p.setPen(mix(window, windowText, 0.5));
        p.drawLine(tx, layout.headerHeight() - 6, tx, layout.headerHeight() - 1);
        if (tx - labelWidth / 2 < plot.left() || tx + labelWidth / 2 > plot.right())
            continue;
        p.setPen(windowText);
        p.drawText(QRect(tx - labelWidth / 2 - 2, axisTop, labelWidth + 4, layout.axisHeight - 6), Qt::AlignCenter,
                   tick.label);
    }
    if (plot.contains(m_hover)) {
        const QString at = formatTime(axis.timeForX(m_hover.x()));
        const int labelWidth = fm.horizontalAdvance(at) + 10;
        const QRect box(std::clamp(m_hover.x() - labelWidth / 2, plot.left(), plot.right() - labelWidth), axisTop + 1,
                        labelWidth, layout.axisHeight - 4);
        p.fillRect(box, windowText);
        p.setPen(window);
        p.setFont(font());
        p.drawText(box, Qt::AlignCenter, at);
    }
}

void TimelineView::paintRow(QPainter &p, const TimelineLayout &layout, const TimeAxis &axis, const RowStyle &style,
                            int row) const
{
    const QRect plot = layout.plotRect();
    const QRect rowRect = layout.rowRect(row);
    const Row &shown = m_rows[static_cast<std::size_t>(row)];
    const bool selected = rowSelected(row);

    // Gutter: the name, then "sim" / "real" next to their bands.
    const QRect gutterCell(0, rowRect.top(), layout.gutterWidth, rowRect.height());
    const QRect plotCell(plot.left(), rowRect.top(), plot.width(), rowRect.height());
    if (selected) {
        p.fillRect(gutterCell, style.highlight);
        p.fillRect(plotCell, style.selectedPlot);
    } else if (row % 2 == 1) {
        p.fillRect(gutterCell, style.alternateGutter);
        p.fillRect(plotCell, style.alternatePlot);
    }
    const QColor nameColour = selected ? style.highlightedText : style.windowText;
    const int indent = shown.member ? kFoldArrowWidth + 6 : 8;
    const QRect nameRect(indent, rowRect.top(), layout.gutterWidth - layout.subLabelWidth - 6 - indent,
                         rowRect.height());
    p.setFont(selected ? style.nameBold : style.name);
    p.setPen(nameColour);
    const QFontMetrics &nameMetrics = selected ? style.nameBoldMetrics : style.nameMetrics;
    const bool twoLines = rowRect.height() >= 2 * QFontMetrics(style.small).height();
    const int half = rowRect.height() / 2;
    const QRect firstLine(nameRect.left(), rowRect.top(), nameRect.width(), half);
    const QRect secondLine(nameRect.left(), rowRect.top() + half, nameRect.width(), rowRect.height() - half);
    // "checkout/paymentGateway@10.0.0.7:8080": the breaker on the first line, its instance below in small type, so
    // neither is cut in the middle; a breaker over several instances says how many, behind its fold triangle.
    const QString &key = shown.name;
    const qsizetype at = key.lastIndexOf(u'@');
    if (shown.group) {
        const bool unfolded = m_unfolded.contains(shown.groupKey);
        p.drawText(QRect(2, rowRect.top(), kFoldArrowWidth, rowRect.height()), Qt::AlignCenter,
                   unfolded ? u"▾"_s : u"▸"_s);
        const QRect oneName(kFoldArrowWidth, rowRect.top(), nameRect.right() - kFoldArrowWidth, rowRect.height());
        // The breaker on the first line (what tells the rows apart), "service ×3" (instances) below.
        const qsizetype slash = key.indexOf(u'/');
        const QString breaker = slash > 0 ? key.mid(slash + 1) : tr("health");
        const QString service = slash > 0 ? key.left(slash) : key;
        if (twoLines) {
            p.drawText(QRect(oneName.left(), rowRect.top(), oneName.width(), half), Qt::AlignLeft | Qt::AlignBottom,
                       nameMetrics.elidedText(breaker, Qt::ElideRight, oneName.width()));
            p.setFont(style.small);
            p.drawText(QRect(oneName.left(), rowRect.top() + half, oneName.width(), rowRect.height() - half),
                       Qt::AlignLeft | Qt::AlignTop,
                       style.smallMetrics.elidedText(tr("%1 ×%2").arg(service).arg(shown.history.size()),
                                                     Qt::ElideMiddle, oneName.width()));
        } else {
            p.drawText(oneName, Qt::AlignLeft | Qt::AlignVCenter,
                       nameMetrics.elidedText(key, Qt::ElideMiddle, oneName.width()));
        }
    } else if (shown.member && at > 0) {
        p.drawText(nameRect, Qt::AlignLeft | Qt::AlignVCenter,
                   nameMetrics.elidedText(key.mid(at + 1), Qt::ElideLeft, nameRect.width()));
    } else if (at > 0 && twoLines) {
        p.drawText(firstLine, Qt::AlignLeft | Qt::AlignBottom,
                   nameMetrics.elidedText(key.left(at), Qt::ElideRight, nameRect.width()));
        p.setFont(style.small);
        p.drawText(secondLine, Qt::AlignLeft | Qt::AlignTop,
                   QFontMetrics(style.small).elidedText(key.mid(at), Qt::ElideLeft, nameRect.width()));
    } else {
        p.drawText(nameRect, Qt::AlignLeft | Qt::AlignVCenter,
                   nameMetrics.elidedText(key, Qt::ElideMiddle, nameRect.width()));
    }

    if (shown.group) {
        p.setFont(style.small);
        for (int i = 0; i < kTrackKindCount; ++i) {
            const QRect band = layout.bandRect(row, static_cast<TrackKind>(i));
            p.setPen(selected ? nameColour : style.subLabel);
            p.drawText(
                QRect(layout.gutterWidth - layout.subLabelWidth - 6, band.top(), layout.subLabelWidth, band.height()),
                Qt::AlignRight | Qt::AlignVCenter, style.subLabels[i]);
        }
        paintFoldedBands(p, layout, axis, style, row);
        if (selected) {
            p.setPen(QPen(style.highlight, 2));
            p.setBrush(Qt::NoBrush);
            p.drawRect(QRect(plot.left() - 1, rowRect.top() + 1, plot.width() + 2, rowRect.height() - 2));
        }
        return;
    }

    const std::int64_t minDuration = minRunMs(axis);
    const ServiceHistory &service = m_history->service(shown.history.front());
    p.setFont(style.small);
    for (int i = 0; i < kTrackKindCount; ++i) {
        const auto kind = static_cast<TrackKind>(i);
        const QRect band = layout.bandRect(row, kind);
        const TrackHistory &track = service.track(kind);

        p.setPen(selected ? nameColour : track.empty() ? style.subLabelEmpty : style.subLabel);
        p.drawText(
            QRect(layout.gutterWidth - layout.subLabelWidth - 6, band.top(), layout.subLabelWidth, band.height()),
            Qt::AlignRight | Qt::AlignVCenter, style.subLabels[i]);

        p.fillRect(band, style.noData);
        if (track.empty())
            continue;
        for (const DisplayRun &run : track.runs(axis.start(), axis.end(), minDuration, lastRunUntil(track))) {
            int x0 = static_cast<int>(std::lround(axis.xForTime(run.start)));
            int x1 = static_cast<int>(std::lround(axis.xForTime(run.end)));
            x0 = std::max(x0, band.left());
            x1 = std::min(x1, band.right() + 1);
            if (x1 <= x0)
                x1 = x0 + 1;
            const QRect r(x0, band.top(), x1 - x0, band.height());
            // A flapping stretch takes the colour of the worst state in it, striped with the other one.
            const auto shownState = static_cast<int>(run.mixed ? run.worst : run.state);
            const QColor &colour = style.fill[shownState];
            if (run.mixed) {
                const BreakerState other = run.state != run.worst ? run.state : BreakerState::Closed;
                p.setBrushOrigin(0, band.top());
                p.fillRect(r, flappingBrush(colour, style.fill[static_cast<int>(other)]));
            } else {
                p.fillRect(r, colour);
                if (StatePalette::hatched(run.state))
                    p.fillRect(r, QBrush(QColor(255, 255, 255, 200), Qt::FDiagPattern));
            }

            // Closed is the quiet background: the legend names it, labels go to what needs a look.
            if (run.state == BreakerState::Closed && !run.mixed)
                continue;
            if (r.width() < (run.mixed ? style.flappingMinWidth : style.labelWidth[shownState]) + 2)
                continue;
            QString label = style.label[shownState];
            int labelWidth = style.labelWidth[shownState];
            if (run.mixed) {
                label = tr("FLAPPING ×%1").arg(run.changes);
                labelWidth = style.smallMetrics.horizontalAdvance(label) + 8;
                if (r.width() < labelWidth + 2)
                    continue;
            }
            const QRect labelRect(r.left() + 1, r.top() + 1, labelWidth, r.height() - 2);
            if (run.mixed || StatePalette::hatched(run.state))
                p.fillRect(labelRect, colour);
            p.setPen(StatePalette::text(run.state));
            p.drawText(labelRect, Qt::AlignCenter, label);
        }
    }
    if (selected) {
        p.setPen(QPen(style.highlight, 2));
        p.setBrush(Qt::NoBrush);
        p.drawRect(QRect(plot.left() - 1, rowRect.top() + 1, plot.width() + 2, rowRect.height() - 2));
    }
}

std::vector<FoldedRun> TimelineView::foldedRuns(int row, TrackKind kind, const TimeAxis &axis) const
{
    const std::int64_t minDuration = minRunMs(axis);
    std::vector<std::vector<DisplayRun>> tracks;
    for (int h : m_rows[static_cast<std::size_t>(row)].history) {
        const TrackHistory &track = m_history->service(h).track(kind);
        tracks.push_back(track.empty() ? std::vector<DisplayRun>{}
                                       : track.runs(axis.start(), axis.end(), minDuration, lastRunUntil(track)));
    }
    return foldRuns(tracks);
}

void TimelineView::paintFoldedBands(QPainter &p, const TimelineLayout &layout, const TimeAxis &axis,
                                    const RowStyle &style, int row) const
{
    for (int i = 0; i < kTrackKindCount; ++i) {
        const auto kind = static_cast<TrackKind>(i);
        const QRect band = layout.bandRect(row, kind);
        p.fillRect(band, style.noData);
        for (const FoldedRun &run : foldedRuns(row, kind, axis)) {
            int x0 = static_cast<int>(std::lround(axis.xForTime(run.start)));
            int x1 = static_cast<int>(std::lround(axis.xForTime(run.end)));
            x0 = std::max(x0, band.left());
            x1 = std::min(x1, band.right() + 1);
            if (x1 <= x0)
                x1 = x0 + 1;
            const QRect r(x0, band.top(), x1 - x0, band.height());
            const auto worst = static_cast<int>(run.worst);
            const QColor &colour = style.fill[worst];
            if (run.flapping > 0) {
                p.setBrushOrigin(0, band.top());
                p.fillRect(r, flappingBrush(colour, style.fill[static_cast<int>(BreakerState::Closed)]));
            } else {
                p.fillRect(r, colour);
                if (StatePalette::hatched(run.worst))
                    p.fillRect(r, QBrush(QColor(255, 255, 255, 200), Qt::FDiagPattern));
            }
            if (run.notClosed == 0 && run.flapping == 0)
                continue; // all closed: the quiet background
            // "2/3 OPEN": how many of the instances are in the worst state.
            const int count = rejectsAll(run.worst)                 ? run.open
                              : run.worst == BreakerState::HalfOpen ? run.halfOpen
                              : run.notClosed > 0                   ? run.notClosed
                                                                    : run.flapping;
            const QString label = run.notClosed > 0 ? u"%1/%2 %3"_s.arg(count).arg(run.members).arg(style.label[worst])
                                                    : tr("%1/%2 FLAPPING").arg(count).arg(run.members);
            const int labelWidth = style.smallMetrics.horizontalAdvance(label) + 8;
            if (r.width() < labelWidth + 2)
                continue;
            const QRect labelRect(r.left() + 1, r.top() + 1, labelWidth, r.height() - 2);
            if (run.flapping > 0 || StatePalette::hatched(run.worst))
                p.fillRect(labelRect, colour);
            p.setPen(StatePalette::text(run.worst));
            p.drawText(labelRect, Qt::AlignCenter, label);
        }
    }
}

QString TimelineView::foldedHoverText(int row, TrackKind kind, std::int64_t t, const TimeAxis &axis) const
{
    const Row &shown = m_rows[static_cast<std::size_t>(row)];
    QStringList lines{tr("%1 on %2 instances · %3").arg(shown.name).arg(shown.history.size()).arg(trackName(kind))};
    for (const FoldedRun &run : foldedRuns(row, kind, axis)) {
        if (t < run.start || t >= run.end)
            continue;
        lines << tr("from %1 to %2 (%3):")
                     .arg(formatTime(run.start), formatTime(run.end), formatDurationMs(run.end - run.start));
        QStringList counts;
        if (run.open > 0)
            counts << tr("%1 open").arg(run.open);
        if (run.halfOpen > 0)
            counts << tr("%1 half-open").arg(run.halfOpen);
        if (const int other = run.notClosed - run.open - run.halfOpen; other > 0)
            counts << tr("%1 disabled or metrics-only").arg(other);
        if (const int closed = run.members - run.notClosed; closed > 0)
            counts << tr("%1 closed").arg(closed);
        if (run.flapping > 0)
            counts << tr("%1 flapping").arg(run.flapping);
        lines << tr("%1 of %2 instances with data").arg(counts.join(u", "_s)).arg(run.members);
        lines << tr("Click the triangle (or press Space) to see each instance.");
        return lines.join(u'\n');
    }
    lines << tr("no data at %1").arg(formatTime(t));
    return lines.join(u'\n');
}

// ---- interaction ----

void TimelineView::resizeEvent(QResizeEvent *event)
{
    QAbstractScrollArea::resizeEvent(event);
    const QRect plot = layoutFor(viewport()->size()).plotRect();
    m_axis.setPixels(plot.left(), plot.width());
    updateScrollBar();
}

void TimelineView::scrollContentsBy(int, int)
{
    viewport()->update();
}

void TimelineView::mousePressEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton)
        return QAbstractScrollArea::mousePressEvent(event);
    m_pressed = true;
    m_dragging = false;
    m_pressPos = event->position().toPoint();
    m_lastDragX = event->position().x();
    setFocus(Qt::MouseFocusReason);
}

void TimelineView::mouseMoveEvent(QMouseEvent *event)
{
    m_hover = event->position().toPoint();
    if (m_pressed && (event->buttons() & Qt::LeftButton)) {
        if (!m_dragging && (m_hover - m_pressPos).manhattanLength() >= QApplication::startDragDistance())
            m_dragging = true;
        if (m_dragging) {
            panBy(event->position().x() - m_lastDragX);
            m_lastDragX = event->position().x();
            viewport()->setCursor(Qt::ClosedHandCursor);
        }
    }
    viewport()->update();
}

void TimelineView::mouseReleaseEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton)
        return QAbstractScrollArea::mouseReleaseEvent(event);
    if (m_pressed && !m_dragging) {
        const TimelineLayout layout = layoutFor(viewport()->size());
        const int row = layout.rowAt(event->position().toPoint().y(), rowCount());
        // The triangle in front of a breaker over several instances folds or unfolds it.
        if (row >= 0 && m_rows[static_cast<std::size_t>(row)].group && event->position().x() < kFoldArrowWidth)
            toggleFold(row);
        else if (row >= 0)
            selectAndActivate(row);
    }
    m_pressed = false;
    m_dragging = false;
    viewport()->unsetCursor();
}

void TimelineView::mouseDoubleClickEvent(QMouseEvent *event)
{
    const TimelineLayout layout = layoutFor(viewport()->size());
    const int row = layout.rowAt(event->position().toPoint().y(), rowCount());
    if (event->button() == Qt::LeftButton && row >= 0 && m_rows[static_cast<std::size_t>(row)].group &&
        event->position().x() >= kFoldArrowWidth)
        toggleFold(row);
    else
        QAbstractScrollArea::mouseDoubleClickEvent(event);
}

void TimelineView::wheelEvent(QWheelEvent *event)
{
    const TimelineLayout layout = layoutFor(viewport()->size());
    const QPointF pos = event->position();
    if ((event->modifiers() & Qt::ShiftModifier) || pos.x() < layout.plotRect().left())
        return QAbstractScrollArea::wheelEvent(event); // scrolls the rows
    const QPoint delta = event->angleDelta();
    if (delta.y() != 0)
        zoomAt(pos.x(), std::pow(0.8, delta.y() / 120.0));
    else if (delta.x() != 0)
        panBy(delta.x() / 3.0);
    event->accept();
}

void TimelineView::keyPressEvent(QKeyEvent *event)
{
    const QRect plot = layoutFor(viewport()->size()).plotRect();
    const double centre = plot.left() + plot.width() / 2.0;
    switch (event->key()) {
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        zoomAt(m_live ? plot.right() : centre, 0.5);
        break;
    case Qt::Key_Minus:
    case Qt::Key_Underscore:
        zoomAt(m_live ? plot.right() : centre, 2.0);
        break;
    case Qt::Key_Left:
        panBy(plot.width() / 10.0);
        break;
    case Qt::Key_Right:
        panBy(-plot.width() / 10.0);
        break;
    case Qt::Key_Up:
        if (rowCount() > 0) {
            const int current = rowOfHistory(m_selected);
            selectAndActivate(current < 0 ? 0 : std::max(0, current - 1));
        }
        break;
    case Qt::Key_Down:
        if (rowCount() > 0) {
            const int current = rowOfHistory(m_selected);
            selectAndActivate(current < 0 ? 0 : std::min(rowCount() - 1, current + 1));
        }
        break;
    case Qt::Key_Space:
        toggleFold(rowOfHistory(m_selected));
        break;
    case Qt::Key_PageUp:
        verticalScrollBar()->triggerAction(QAbstractSlider::SliderPageStepSub);
        break;
    case Qt::Key_PageDown:
        verticalScrollBar()->triggerAction(QAbstractSlider::SliderPageStepAdd);
        break;
    case Qt::Key_End:
        followLive();
        break;
    case Qt::Key_Return:
    case Qt::Key_Enter:
        if (m_selected >= 0)
            Q_EMIT serviceActivated(m_selected);
        break;
    default:
        QAbstractScrollArea::keyPressEvent(event);
        return;
    }
    event->accept();
}

bool TimelineView::viewportEvent(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const QString text = hoverText(help->pos());
        if (text.isEmpty()) {
            QToolTip::hideText();
            event->ignore();
        } else {
            QToolTip::showText(help->globalPos(), text, viewport());
        }
        return true;
    }
    if (event->type() == QEvent::Leave) {
        m_hover = QPoint(-1, -1);
        viewport()->update();
    }
    return QAbstractScrollArea::viewportEvent(event);
}

QString TimelineView::hoverText(QPoint pos) const
{
    if (!m_history)
        return {};
    syncLive();
    const TimelineLayout layout = layoutFor(viewport()->size());
    const TimeAxis axis = axisFor(layout);
    const QRect plot = layout.plotRect();
    const int row = layout.rowAt(pos.y(), rowCount());
    if (row < 0 || pos.x() < plot.left() || pos.x() > plot.right())
        return {};
    const int trackIndex = layout.trackAt(row, pos.y());
    if (trackIndex < 0)
        return {};
    const auto kind = static_cast<TrackKind>(trackIndex);
    const std::int64_t t = axis.timeForX(pos.x());
    const Row &shown = m_rows[static_cast<std::size_t>(row)];
    if (shown.group)
        return foldedHoverText(row, kind, t, axis);
    const ServiceHistory &service = m_history->service(shown.history.front());
    const TrackHistory &track = service.track(kind);
    const std::int64_t until = lastRunUntil(track);

    QStringList lines{u"%1 · %2"_s.arg(shown.name, trackName(kind))};
    const auto run = track.runAt(t, until);
    if (!run) {
        lines << tr("no data at %1").arg(formatTime(t));
        return lines.join(u'\n');
    }
    const bool current = run->end == std::max(track.latestTime(), until) && until > 0;
    const QString duration = formatDurationMs(run->end - run->start);
    lines << (current ? tr("%1 since %2, for %3 so far") : tr("%1 from %2, for %3"))
                 .arg(StatePalette::label(run->state), formatTime(run->start), duration);
    const QString reason = service.reasonText(run->reason);
    if (run->hasPrevious)
        lines
            << tr("from %1: %2").arg(StatePalette::label(run->previous), reason.isEmpty() ? tr("(no reason)") : reason);
    else if (!reason.isEmpty())
        lines << tr("why: %1").arg(reason);

    // At this zoom the run may be part of a flapping stretch: say so.
    const std::int64_t minDuration = minRunMs(axis);
    for (const DisplayRun &stretch : track.runs(axis.start(), axis.end(), minDuration, until)) {
        if (stretch.start <= t && t < stretch.end && stretch.mixed) {
            lines << tr("flapping: %1 changes from %2 to %3, mostly %4")
                         .arg(stretch.changes)
                         .arg(formatTime(stretch.start), formatTime(stretch.end), StatePalette::label(stretch.state));
            break;
        }
    }
    return lines.join(u'\n');
}

} // namespace bw
