#include "fleetwall/fleetwalllayout.h"

#include <algorithm>

namespace bw {

namespace {

int gapFor(int tile)
{
    return tile >= 12 ? 2 : 1;
}

} // namespace

FleetWallLayout::FleetWallLayout(const std::vector<Group> &groups, const Params &params)
{
    const int minTile = std::max(1, params.minTile);
    const int maxTile = std::max(minTile, params.maxTile);
    for (int tile = maxTile; tile >= minTile; --tile) {
        if (place(groups, params, tile, gapFor(tile)) <= params.height)
            return;
    }
    place(groups, params, minTile, gapFor(minTile));
    m_fits = false;
}

int FleetWallLayout::place(const std::vector<Group> &groups, const Params &params, int tile, int gap)
{
    m_tile = tile;
    m_gap = gap;
    m_fits = true;
    m_groups.clear();
    m_groups.reserve(groups.size());
    const int pitch = tile + gap;
    const int left = params.margin;
    const int width = std::max(pitch, params.width - 2 * params.margin);
    const int maxColumns = std::max(1, (width + gap) / pitch);
    const int groupGapX = std::max(10, pitch + 4);
    // A caption widens its group to at most this; longer ones are elided (the tooltip names the group in full),
    // so hundreds of small groups (by service) still pack densely.
    const int captionCap = std::max(5 * params.lineHeight, 6 * pitch);
    const int groupGapY = std::max(params.lineHeight / 2, pitch);
    const int captionGap = std::max(2, params.lineHeight / 6);

    m_legend = QRect(left, params.margin, width, params.lineHeight);
    int y = m_legend.bottom() + 1 + groupGapY;
    int x = 0;
    int shelfHeight = 0;
    int first = 0;
    for (const Group &group : groups) {
        Placed placed;
        placed.first = first;
        placed.tiles = std::max(0, group.tiles);
        first += placed.tiles;
        placed.columns = std::clamp(placed.tiles, 1, maxColumns);
        const int rows = (placed.tiles + placed.columns - 1) / placed.columns;
        const int tilesWidth = placed.columns * pitch - gap;
        placed.width = std::min(width, std::max(std::min(group.captionWidth, captionCap), tilesWidth));
        placed.height = params.lineHeight + captionGap + std::max(0, rows * pitch - gap);
        if (x > 0 && x + placed.width > width) {
            y += shelfHeight + groupGapY;
            x = 0;
            shelfHeight = 0;
        }
        placed.caption = QRect(left + x, y, placed.width, params.lineHeight);
        placed.tilesOrigin = QPoint(left + x, y + params.lineHeight + captionGap);
        x += placed.width + groupGapX;
        shelfHeight = std::max(shelfHeight, placed.height);
        m_groups.push_back(placed);
    }
    m_tileCount = first;
    m_contentHeight = y + shelfHeight + params.margin;
    return m_contentHeight;
}

QRect FleetWallLayout::captionRect(int group) const
{
    return m_groups[static_cast<std::size_t>(group)].caption;
}

QRect FleetWallLayout::groupRect(int group) const
{
    const Placed &g = m_groups[static_cast<std::size_t>(group)];
    return QRect(g.caption.topLeft(), QSize(g.width, g.height));
}

int FleetWallLayout::groupOf(int tile) const
{
    const auto it =
        std::upper_bound(m_groups.begin(), m_groups.end(), tile, [](int t, const Placed &g) { return t < g.first; });
    return static_cast<int>(it - m_groups.begin()) - 1;
}

QRect FleetWallLayout::tileRect(int tile) const
{
    const int group = groupOf(tile);
    if (group < 0 || tile >= m_tileCount)
        return {};
    const Placed &g = m_groups[static_cast<std::size_t>(group)];
    const int i = tile - g.first;
    return QRect(g.tilesOrigin.x() + (i % g.columns) * pitch(), g.tilesOrigin.y() + (i / g.columns) * pitch(), m_tile,
                 m_tile);
}

int FleetWallLayout::tileAt(QPoint pos) const
{
    for (const Placed &g : m_groups) {
        const QPoint d = pos - g.tilesOrigin;
        if (d.x() < 0 || d.y() < 0 || d.x() >= g.columns * pitch())
            continue;
        const int i = (d.y() / pitch()) * g.columns + d.x() / pitch();
        if (i < g.tiles)
            return g.first + i;
    }
    return -1;
}

void FleetWallLayout::tilesIn(const QRect &rect, std::vector<int> &out) const
{
    const int p = pitch();
    for (const Placed &g : m_groups) {
        if (g.tiles == 0)
            continue;
        const int rows = (g.tiles + g.columns - 1) / g.columns;
        const QRect area(g.tilesOrigin, QSize(g.columns * p, rows * p));
        const QRect hit = area.intersected(rect);
        if (hit.isEmpty())
            continue;
        const int c0 = (hit.left() - g.tilesOrigin.x()) / p;
        const int c1 = (hit.right() - g.tilesOrigin.x()) / p;
        const int r0 = (hit.top() - g.tilesOrigin.y()) / p;
        const int r1 = (hit.bottom() - g.tilesOrigin.y()) / p;
        for (int r = r0; r <= r1; ++r) {
            for (int c = c0; c <= c1; ++c) {
                const int i = r * g.columns + c;
                if (i >= g.tiles)
                    break;
                const QRect tile(g.tilesOrigin.x() + c * p, g.tilesOrigin.y() + r * p, m_tile, m_tile);
                if (tile.intersects(rect)) // not just the gap after it
                    out.push_back(g.first + i);
            }
        }
    }
}

} // namespace bw
