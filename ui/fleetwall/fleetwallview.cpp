#include "fleetwall/fleetwallview.h"

#include "fleet/rollup.h"

#include "common/durations.h"
#include "models/servicetablemodel.h"
#include "timeline/statepalette.h"

#include <QAbstractItemModel>
#include <QDateTime>
#include <QHelpEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPaintEvent>
#include <QPainter>
#include <QScrollBar>
#include <QToolTip>

#include <algorithm>
#include <array>
#include <map>
#include <tuple>

using namespace Qt::StringLiterals;

namespace bw {

namespace {

constexpr int kOutline = 2; // the current tile's outline, drawn in the gap around it

// The legend's swatches, in order of severity.
constexpr std::array kLegendStates{BreakerState::Open,     BreakerState::ForcedOpen,  BreakerState::HalfOpen,
                                   BreakerState::Disabled, BreakerState::MetricsOnly, BreakerState::Closed};

std::size_t colourIndex(const FleetWallTile &tile)
{
    return tile.stale ? 2 * kBreakerStateCount : 2 * static_cast<std::size_t>(tile.state) + (tile.flapping ? 1 : 0);
}

// Colours of every look a tile can have (by colourIndex()), computed once per paint.
std::array<FleetWallTileColours, 2 * kBreakerStateCount + 1> colourTable(const QColor &background)
{
    std::array<FleetWallTileColours, 2 * kBreakerStateCount + 1> table;
    for (int s = 0; s < kBreakerStateCount; ++s) {
        for (const bool flapping : {false, true}) {
            const FleetWallTile tile{static_cast<BreakerState>(s), false, flapping, false};
            table[colourIndex(tile)] = fleetWallTileColours(tile, background);
        }
    }
    table[2 * kBreakerStateCount] = {fleetWallStaleColour(background), {}};
    return table;
}

QString missingValue()
{
    return QStringLiteral("(none)");
}

} // namespace

FleetWallView::FleetWallView(ServiceTableModel *model, Clock clock, QWidget *parent)
    : FleetWallView(
          model, [model](int row) { return model->idAt(row); }, std::move(clock), parent)
{}

FleetWallView::FleetWallView(QAbstractItemModel *model, IdOfRow idOfRow, Clock clock, QWidget *parent)
    : QAbstractScrollArea(parent), m_model(model), m_idOfRow(std::move(idOfRow)), m_clock(std::move(clock))
{
    Q_ASSERT(m_idOfRow);
    setObjectName(u"fleetWall"_s);
    setAccessibleName(tr("Fleet wall"));
    setFocusPolicy(Qt::StrongFocus);
    setMouseTracking(true);
    setFrameShape(QFrame::NoFrame);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    viewport()->setAttribute(Qt::WA_OpaquePaintEvent);
    connectModel();
}

FleetWallView::~FleetWallView() = default;

void FleetWallView::connectModel()
{
    if (!m_model)
        return;
    QAbstractItemModel *model = m_model;
    connect(model, &QAbstractItemModel::dataChanged, this,
            [this](const QModelIndex &topLeft, const QModelIndex &bottomRight) {
                onDataChanged(topLeft.row(), bottomRight.row());
            });
    connect(model, &QAbstractItemModel::rowsInserted, this, &FleetWallView::invalidateLayout);
    connect(model, &QAbstractItemModel::rowsRemoved, this, &FleetWallView::invalidateLayout);
    connect(model, &QAbstractItemModel::rowsMoved, this, &FleetWallView::invalidateLayout);
    connect(model, &QAbstractItemModel::modelReset, this, &FleetWallView::invalidateLayout);
    connect(model, &QAbstractItemModel::layoutChanged, this, &FleetWallView::invalidateLayout);
}

void FleetWallView::setGroupLabel(const QString &label)
{
    if (label == m_groupLabel)
        return;
    m_groupLabel = label;
    invalidateLayout();
}

void FleetWallView::invalidateLayout()
{
    m_layoutDirty = true;
    viewport()->update();
}

void FleetWallView::ensureLayout() const
{
    if (m_layoutDirty)
        const_cast<FleetWallView *>(this)->rebuild(); // a cache: queries see the layout the next paint draws
    else if (m_captionsStale)
        const_cast<FleetWallView *>(this)->refreshCaptions();
}

FleetWallTile FleetWallView::readTile(int row) const
{
    const QModelIndex index = m_model->index(row, 0);
    const QVariant observed = index.data(ServiceTableModel::ObservedStateRole);
    return fleetWallTile(static_cast<BreakerState>(index.data(ServiceTableModel::StateRole).toInt()),
                         observed.isValid() ? std::optional(static_cast<BreakerState>(observed.toInt())) : std::nullopt,
                         index.data(ServiceTableModel::FlappingRole).toBool(),
                         index.data(ServiceTableModel::StaleRole).toBool());
}

void FleetWallView::countIn(const FleetWallTile &tile, int sign, Group &group)
{
    group.breakers += sign;
    m_totals.breakers += sign;
    if (tile.stale) {
        group.stale += sign;
        m_totals.stale += sign;
    } else {
        group.states[static_cast<std::size_t>(tile.state)] += sign;
        m_totals.states[static_cast<std::size_t>(tile.state)] += sign;
    }
    if (tile.flapping) {
        group.flapping += sign;
        m_totals.flapping += sign;
    }
}

namespace {

template<typename Counts>
QString countsText(const Counts &c, bool withTotal = true)
{
    QString text;
    if (withTotal)
        text = c.breakers == 1 ? FleetWallView::tr("1 breaker") : FleetWallView::tr("%1 breakers").arg(c.breakers);
    const auto add = [&text](const QString &part) { text += (text.isEmpty() ? u""_s : u" · "_s) + part; };
    const int open = c.states[static_cast<std::size_t>(BreakerState::Open)];
    const int forced = c.states[static_cast<std::size_t>(BreakerState::ForcedOpen)];
    const int halfOpen = c.states[static_cast<std::size_t>(BreakerState::HalfOpen)];
    if (open)
        add(FleetWallView::tr("%1 open").arg(open));
    if (forced)
        add(FleetWallView::tr("%1 forced open").arg(forced));
    if (halfOpen)
        add(FleetWallView::tr("%1 half-open").arg(halfOpen));
    if (c.flapping)
        add(FleetWallView::tr("%1 flapping").arg(c.flapping));
    if (c.stale)
        add(FleetWallView::tr("%1 stale").arg(c.stale));
    return text;
}

template<typename Counts>
BreakerState worstOf(const Counts &c)
{
    BreakerState worst = BreakerState::Closed;
    for (int s = 0; s < kBreakerStateCount; ++s) {
        const auto state = static_cast<BreakerState>(s);
        if (c.states[static_cast<std::size_t>(s)] > 0 && worseState(state, worst))
            worst = state;
    }
    return worst;
}

} // namespace

QString FleetWallView::captionOf(const Group &group) const
{
    // By service the name says enough ("checkout · 12 breakers · 3 open").
    if (m_groupLabel.isEmpty())
        return u"%1 · %2"_s.arg(group.value.isEmpty() ? missingValue() : group.value, countsText(group));
    return u"%1 = %2 · %3"_s.arg(m_groupLabel, group.value.isEmpty() ? missingValue() : group.value, countsText(group));
}

QString FleetWallView::compactCaptionOf(const Group &group) const
{
    // What a narrow group shows instead: its value and what is wrong in it ("svc-0012 · 2 open"), no total.
    const QString value = group.value.isEmpty() ? missingValue() : group.value;
    const QString problems = countsText(group, false);
    return problems.isEmpty() ? value : u"%1 · %2"_s.arg(value, problems);
}

void FleetWallView::writeCaptions(Group &group, const QFontMetrics &metrics) const
{
    group.caption = captionOf(group);
    group.captionWidth = metrics.horizontalAdvance(group.caption);
    group.compactCaption = compactCaptionOf(group);
    group.compactCaptionWidth = metrics.horizontalAdvance(group.compactCaption);
}

QString FleetWallView::shownCaption(int group) const
{
    ensureLayout();
    if (group < 0 || group >= static_cast<int>(m_groups.size()))
        return {};
    const Group &g = m_groups[static_cast<std::size_t>(group)];
    const int width = m_layout.captionRect(group).width() - captionChipWidth();
    if (g.captionWidth <= width)
        return g.caption;
    if (g.compactCaptionWidth <= width)
        return g.compactCaption;
    return fontMetrics().elidedText(g.compactCaption, Qt::ElideRight, width);
}

void FleetWallView::rebuild()
{
    m_layoutDirty = false;
    m_rows.clear();
    m_rowOfSlot.clear();
    m_rectOfRow.clear();
    m_groups.clear();
    m_rowById.clear();
    m_totals = {};
    const int count = m_model ? m_model->rowCount() : 0;
    m_rows.resize(static_cast<std::size_t>(count));
    m_rowById.reserve(count);

    // Groups by value, in name order; breakers without the label last.
    std::map<QString, std::vector<int>> byValue;
    std::vector<int> missing;
    for (int row = 0; row < count; ++row) {
        const BreakerId id = m_idOfRow(row);
        m_rowById.insert(id, row);
        QString value = id.service;
        if (!m_groupLabel.isEmpty())
            value = m_model->index(row, 0).data(ServiceTableModel::LabelsRole).toMap().value(m_groupLabel).toString();
        (value.isEmpty() ? missing : byValue[value]).push_back(row);
    }
    auto addGroup = [this](const QString &value, const std::vector<int> &rows) {
        const int g = static_cast<int>(m_groups.size());
        Group &group = m_groups.emplace_back();
        group.value = value;
        for (const int row : rows) {
            Row &r = m_rows[static_cast<std::size_t>(row)];
            r.tile = readTile(row);
            r.group = g;
            r.slot = static_cast<int>(m_rowOfSlot.size());
            m_rowOfSlot.push_back(row);
            countIn(r.tile, +1, group);
        }
        group.worst = worstOf(group);
    };
    for (const auto &[value, rows] : byValue)
        addGroup(value, rows);
    if (!missing.empty())
        addGroup({}, missing);

    const QFontMetrics metrics = fontMetrics();
    std::vector<FleetWallLayout::Group> specs;
    specs.reserve(m_groups.size());
    for (Group &group : m_groups) {
        writeCaptions(group, metrics);
        specs.push_back({group.breakers, captionChipWidth() + group.captionWidth});
    }
    FleetWallLayout::Params params;
    params.width = viewport()->width();
    params.height = viewport()->height();
    params.lineHeight = metrics.height() + 2;
    m_layout = FleetWallLayout(specs, params);
    m_rectOfRow.resize(m_rows.size());
    m_paintedStamp.assign(m_rows.size(), 0);
    m_slotsToPaint.reserve(m_rows.size());
    for (std::size_t slot = 0; slot < m_rowOfSlot.size(); ++slot)
        m_rectOfRow[static_cast<std::size_t>(m_rowOfSlot[slot])] = m_layout.tileRect(static_cast<int>(slot));

    m_currentRow = m_current ? rowOfId(*m_current) : -1;
    setAccessibleDescription(legendText());
    updateScrollBar();
}

int FleetWallView::captionChipWidth() const
{
    return fontMetrics().height() - 4 + 6; // the chip and the space after it
}

void FleetWallView::refreshCaptions()
{
    // Once per paint, not once per changed tile: writing and measuring a caption costs more than the tile.
    m_captionsStale = false;
    const QFontMetrics metrics = fontMetrics();
    for (Group &group : m_groups) {
        if (!group.captionStale)
            continue;
        group.captionStale = false;
        writeCaptions(group, metrics);
        group.worst = worstOf(group);
    }
    setAccessibleDescription(countsText(m_totals));
}

void FleetWallView::onDataChanged(int firstRow, int lastRow)
{
    if (m_layoutDirty || !m_model)
        return; // the whole wall is repainted anyway
    for (int row = std::max(0, firstRow); row <= lastRow && row < static_cast<int>(m_rows.size()); ++row) {
        Row &r = m_rows[static_cast<std::size_t>(row)];
        const FleetWallTile now = readTile(row);
        if (now == r.tile)
            continue;
        Group &group = m_groups[static_cast<std::size_t>(r.group)];
        countIn(r.tile, -1, group);
        countIn(now, +1, group);
        r.tile = now;
        viewport()->update(dirtyRect(row, false));
        // The caption and the legend are rewritten at the next paint (refreshCaptions), once for the whole round.
        if (!group.captionStale) {
            group.captionStale = true;
            viewport()->update(toViewport(m_layout.captionRect(r.group)));
        }
        if (!m_captionsStale) {
            m_captionsStale = true;
            viewport()->update(toViewport(m_layout.legendRect()));
        }
    }
}

QRect FleetWallView::toViewport(const QRect &content) const
{
    return content.translated(0, -verticalScrollBar()->value());
}

QRect FleetWallView::dirtyRect(int row, bool outline) const
{
    const QRect r = m_rectOfRow[static_cast<std::size_t>(row)];
    const int k = outline ? kOutline : 0;
    return toViewport(r.adjusted(-k, -k, k, k));
}

int FleetWallView::rowOfId(const BreakerId &id) const
{
    return m_rowById.value(id, -1);
}

const FleetWallLayout &FleetWallView::wallLayout() const
{
    ensureLayout();
    return m_layout;
}

std::optional<BreakerId> FleetWallView::breakerAt(QPoint viewportPos) const
{
    ensureLayout();
    const int slot = m_layout.tileAt(viewportPos + QPoint(0, verticalScrollBar()->value()));
    if (slot < 0)
        return std::nullopt;
    return m_idOfRow(m_rowOfSlot[static_cast<std::size_t>(slot)]);
}

QRect FleetWallView::tileRect(const BreakerId &id) const
{
    ensureLayout();
    const int row = rowOfId(id);
    return row < 0 ? QRect() : toViewport(m_rectOfRow[static_cast<std::size_t>(row)]);
}

FleetWallTile FleetWallView::tile(const BreakerId &id) const
{
    ensureLayout();
    const int row = rowOfId(id);
    return row < 0 ? FleetWallTile{} : m_rows[static_cast<std::size_t>(row)].tile;
}

QStringList FleetWallView::captions() const
{
    ensureLayout();
    QStringList out;
    for (const Group &group : m_groups)
        out << group.caption;
    return out;
}

QString FleetWallView::legendText() const
{
    ensureLayout();
    return countsText(m_totals);
}

QString FleetWallView::toolTipText(const BreakerId &id) const
{
    ensureLayout();
    const int row = rowOfId(id);
    if (row < 0 || !m_model)
        return {};
    const std::int64_t now = m_clock ? m_clock() : QDateTime::currentMSecsSinceEpoch();
    const QModelIndex index = m_model->index(row, 0);
    auto stateLine = [now](const QString &who, BreakerState state, std::int64_t since) {
        const QString name = StatePalette::label(state);
        return since > 0 && since <= now ? tr("%1: %2 for %3").arg(who, name, formatDurationMs(now - since))
                                         : tr("%1: %2").arg(who, name);
    };
    QStringList lines;
    lines << id.key();
    lines << stateLine(tr("Simulated breaker"),
                       static_cast<BreakerState>(index.data(ServiceTableModel::StateRole).toInt()),
                       index.data(ServiceTableModel::StateSinceRole).toLongLong());
    const QVariant observed = index.data(ServiceTableModel::ObservedStateRole);
    if (observed.isValid())
        lines << stateLine(tr("Real breaker"), static_cast<BreakerState>(observed.toInt()),
                           index.data(ServiceTableModel::ObservedSinceRole).toLongLong());
    const QString reason = m_model->index(row, ServiceTableModel::ReasonColumn).data().toString();
    if (!reason.isEmpty())
        lines << tr("Why: %1").arg(reason);
    const FleetWallTile &t = m_rows[static_cast<std::size_t>(row)].tile;
    if (t.flapping)
        lines << tr("Flapping");
    if (t.stale)
        lines << tr("Stale: its source no longer shows this breaker");
    return lines.join(u'\n');
}

void FleetWallView::setCurrentBreaker(std::optional<BreakerId> id)
{
    ensureLayout();
    const int row = id ? rowOfId(*id) : -1;
    setCurrentRow(row);
    if (row < 0)
        m_current = std::move(id); // kept: outlined once the breaker appears
}

void FleetWallView::setCurrentRow(int row)
{
    if (m_currentRow >= 0)
        viewport()->update(dirtyRect(m_currentRow, true));
    m_currentRow = row;
    if (row < 0) {
        m_current.reset();
        return;
    }
    m_current = m_idOfRow(row);
    viewport()->update(dirtyRect(row, true));
    ensureRowVisible(row);
}

void FleetWallView::ensureRowVisible(int row)
{
    const QRect r = m_rectOfRow[static_cast<std::size_t>(row)];
    QScrollBar *bar = verticalScrollBar();
    const int top = bar->value();
    const int height = viewport()->height();
    if (r.top() - kOutline < top)
        bar->setValue(r.top() - kOutline);
    else if (r.bottom() + kOutline > top + height)
        bar->setValue(r.bottom() + kOutline - height + 1);
}

void FleetWallView::moveCurrent(int dx, int dy)
{
    ensureLayout();
    if (m_rowOfSlot.empty())
        return;
    if (m_currentRow < 0) {
        setCurrentRow(m_rowOfSlot.front());
        return;
    }
    const int slot = m_rows[static_cast<std::size_t>(m_currentRow)].slot;
    if (dx != 0) {
        const int next = std::clamp(slot + dx, 0, static_cast<int>(m_rowOfSlot.size()) - 1);
        setCurrentRow(m_rowOfSlot[static_cast<std::size_t>(next)]);
        return;
    }
    // Up or down: the nearest tile in that direction, preferring the same column (groups flow side by side).
    const QPoint from = m_rectOfRow[static_cast<std::size_t>(m_currentRow)].center();
    const int half = m_layout.pitch() / 2;
    int best = -1;
    std::tuple<int, int, int> bestScore{};
    for (std::size_t row = 0; row < m_rectOfRow.size(); ++row) {
        const QPoint to = m_rectOfRow[row].center();
        const int along = (to.y() - from.y()) * dy;
        if (along <= half)
            continue;
        const int across = std::abs(to.x() - from.x());
        const std::tuple score{across <= half ? 0 : 1, along, across};
        if (best < 0 || score < bestScore) {
            best = static_cast<int>(row);
            bestScore = score;
        }
    }
    if (best >= 0)
        setCurrentRow(best);
}

void FleetWallView::updateScrollBar()
{
    QScrollBar *bar = verticalScrollBar();
    bar->setPageStep(viewport()->height());
    bar->setSingleStep(std::max(1, m_layout.pitch()));
    bar->setRange(0, std::max(0, m_layout.contentHeight() - viewport()->height()));
}

QSize FleetWallView::sizeHint() const
{
    return {960, 600};
}

void FleetWallView::resizeEvent(QResizeEvent *event)
{
    QAbstractScrollArea::resizeEvent(event);
    invalidateLayout();
}

void FleetWallView::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::FontChange || event->type() == QEvent::StyleChange)
        invalidateLayout();
    else if (event->type() == QEvent::PaletteChange)
        viewport()->update();
    QAbstractScrollArea::changeEvent(event);
}

void FleetWallView::scrollContentsBy(int, int)
{
    viewport()->update();
}

bool FleetWallView::viewportEvent(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        const auto *help = static_cast<QHelpEvent *>(event);
        if (const auto id = breakerAt(help->pos())) {
            QToolTip::showText(help->globalPos(), toolTipText(*id), viewport(), tileRect(*id));
        } else {
            QToolTip::hideText();
            event->ignore();
        }
        return true;
    }
    return QAbstractScrollArea::viewportEvent(event);
}

void FleetWallView::mousePressEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton)
        return QAbstractScrollArea::mousePressEvent(event);
    const auto id = breakerAt(event->position().toPoint());
    if (!id)
        return;
    setCurrentRow(rowOfId(*id));
    Q_EMIT breakerActivated(*id);
}

void FleetWallView::mouseReleaseEvent(QMouseEvent *event)
{
    event->setAccepted(event->button() == Qt::LeftButton); // the press activated
}

void FleetWallView::keyPressEvent(QKeyEvent *event)
{
    switch (event->key()) {
    case Qt::Key_Left:
        return moveCurrent(-1, 0);
    case Qt::Key_Right:
        return moveCurrent(1, 0);
    case Qt::Key_Up:
        return moveCurrent(0, -1);
    case Qt::Key_Down:
        return moveCurrent(0, 1);
    case Qt::Key_Return:
    case Qt::Key_Enter:
        if (m_current && m_currentRow >= 0)
            Q_EMIT breakerActivated(*m_current);
        return;
    default:
        return QAbstractScrollArea::keyPressEvent(event);
    }
}

void FleetWallView::paintTile(QPainter &p, const QRect &cell, const FleetWallTile &tile,
                              const FleetWallTileColours &colours) const
{
    const int size = cell.width();
    // Calm tiles a pixel smaller than broken ones, which fill their whole cell.
    const QRect r = !tile.emphasised() && size >= 8 ? cell.adjusted(1, 1, -1, -1) : cell;
    p.fillRect(r, colours.fill);
    if (colours.inner.isValid()) {
        const int k = std::max(1, size / 4);
        p.fillRect(r.adjusted(k, k, -k, -k), colours.inner);
    }
    if (tile.flapping)
        p.drawLine(r.bottomLeft(), r.topRight());
}

void FleetWallView::paintLegend(QPainter &p, const QRect &r, const ColourTable &colours) const
{
    const QFontMetrics metrics = fontMetrics();
    const int swatch = std::clamp(r.height() - 4, 6, 14);
    const int y = r.top() + (r.height() - swatch) / 2;
    int x = r.left();
    const QColor text = palette().color(QPalette::WindowText);
    auto item = [&](const FleetWallTile &tile, const FleetWallTileColours &c, const QString &label) {
        paintTile(p, QRect(x, y, swatch, swatch), tile, c);
        x += swatch + 4;
        p.setPen(text);
        p.drawText(QRect(x, r.top(), r.right() - x, r.height()), Qt::AlignVCenter | Qt::AlignLeft, label);
        x += metrics.horizontalAdvance(label) + 14;
    };
    for (const BreakerState state : kLegendStates)
        item({state}, colours[colourIndex({state})], StatePalette::label(state));
    const FleetWallTile flapping{BreakerState::Closed, false, true, false};
    p.setPen(QPen(StatePalette::text(BreakerState::Closed), 1));
    paintTile(p, QRect(x, y, swatch, swatch), flapping, colours[colourIndex(flapping)]);
    x += swatch + 4;
    p.setPen(text);
    const QString flappingLabel = tr("FLAPPING");
    p.drawText(QRect(x, r.top(), r.right() - x, r.height()), Qt::AlignVCenter | Qt::AlignLeft, flappingLabel);
    x += metrics.horizontalAdvance(flappingLabel) + 14;
    item({BreakerState::Closed, false, false, true}, colours[2 * kBreakerStateCount], tr("STALE"));

    const QString totals = countsText(m_totals);
    const int totalsWidth = metrics.horizontalAdvance(totals);
    if (x + totalsWidth <= r.right())
        p.drawText(r, Qt::AlignVCenter | Qt::AlignRight, totals);
}

void FleetWallView::paintEvent(QPaintEvent *event)
{
    ensureLayout();
    ++m_paintCount;
    m_lastPaintRegion = event->region();
    QPainter p(viewport());
    const QPalette &pal = palette();
    const QColor background = pal.color(QPalette::Base);
    const QColor text = pal.color(QPalette::WindowText);
    p.fillRect(event->rect(), background);
    const int scroll = verticalScrollBar()->value();
    p.translate(0, -scroll);
    const QRect clip = event->rect().translated(0, scroll);
    const ColourTable colours = colourTable(background);
    const QFontMetrics metrics = fontMetrics();

    if (m_layout.legendRect().intersects(clip))
        paintLegend(p, m_layout.legendRect(), colours);

    for (int g = 0; g < static_cast<int>(m_groups.size()); ++g) {
        const Group &group = m_groups[static_cast<std::size_t>(g)];
        const QRect caption = m_layout.captionRect(g);
        if (!caption.intersects(clip))
            continue;
        const int chip = metrics.height() - 4;
        p.fillRect(QRect(caption.left(), caption.top() + (caption.height() - chip) / 2, chip, chip),
                   colours[colourIndex({group.worst})].fill);
        const QRect textRect = caption.adjusted(captionChipWidth(), 0, 0, 0);
        p.setPen(text);
        p.drawText(textRect, Qt::AlignVCenter | Qt::AlignLeft, shownCaption(g));
    }

    // Only the tiles under the region's rects (a live tick leaves many small ones), each once.
    const QPen stripe(StatePalette::text(BreakerState::Closed), std::max(1, m_layout.tileSize() / 6));
    p.setPen(stripe);
    const std::uint32_t stamp = static_cast<std::uint32_t>(m_paintCount);
    int painted = 0;
    for (const QRect &dirty : event->region()) {
        m_slotsToPaint.clear();
        m_layout.tilesIn(dirty.translated(0, scroll), m_slotsToPaint);
        for (const int slot : m_slotsToPaint) {
            std::uint32_t &last = m_paintedStamp[static_cast<std::size_t>(slot)];
            if (last == stamp)
                continue;
            last = stamp;
            const int row = m_rowOfSlot[static_cast<std::size_t>(slot)];
            const FleetWallTile &tile = m_rows[static_cast<std::size_t>(row)].tile;
            paintTile(p, m_rectOfRow[static_cast<std::size_t>(row)], tile, colours[colourIndex(tile)]);
            ++painted;
        }
    }
    if (m_currentRow >= 0) {
        const QRect r = m_rectOfRow[static_cast<std::size_t>(m_currentRow)];
        if (r.adjusted(-kOutline, -kOutline, kOutline, kOutline).intersects(clip)) {
            p.setPen(QPen(pal.color(QPalette::Text), kOutline, Qt::SolidLine, Qt::SquareCap, Qt::MiterJoin));
            p.setBrush(Qt::NoBrush);
            p.drawRect(QRectF(r).adjusted(-1, -1, 1, 1));
        }
    }
    m_lastPaintedTiles = painted;
}

} // namespace bw
