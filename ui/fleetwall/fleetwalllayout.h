#pragma once

#include <QPoint>
#include <QRect>

#include <vector>

namespace bw {

// Where the fleet wall puts things: a legend line at the top, then groups, each a caption line above a grid of
// square tiles, flowing left to right and wrapping like words (a group wider than the wall takes whole rows of
// tiles). The tile size is the largest in [minTile, maxTile] at which everything fits the height; when even
// minTile does not fit, minTile is used and fits() is false (the view scrolls).
//
// A pure value computed from counts and sizes (no widget, no model), so the maths is tested alone. Tiles are
// numbered in group order: group g's tiles are [groupFirst(g), groupFirst(g) + count). Coordinates are the
// content's (y grows downwards from the top of the legend line).
class FleetWallLayout
{
public:
    struct Group
    {
        int tiles = 0;
        int captionWidth = 0; // px of the caption text; the group is at least as wide
    };
    struct Params
    {
        int width = 0;
        int height = 0;
        int lineHeight = 16; // caption and legend lines
        int minTile = 6;
        int maxTile = 24;
        int margin = 8;
    };

    FleetWallLayout() = default;
    FleetWallLayout(const std::vector<Group> &groups, const Params &params);

    int tileSize() const { return m_tile; }
    int gap() const { return m_gap; }
    int pitch() const { return m_tile + m_gap; }
    bool fits() const { return m_fits; }
    int contentHeight() const { return m_contentHeight; }
    int tileCount() const { return m_tileCount; }
    int groupCount() const { return static_cast<int>(m_groups.size()); }

    QRect legendRect() const { return m_legend; }
    QRect captionRect(int group) const;
    QRect groupRect(int group) const; // caption and tiles
    int groupFirst(int group) const { return m_groups[static_cast<std::size_t>(group)].first; }
    int groupOf(int tile) const;
    QRect tileRect(int tile) const;
    // The tile whose cell (tile and the gap after it) holds `pos`; -1 off the tiles.
    int tileAt(QPoint pos) const;
    // Appends to `out` the tiles whose rect intersects `rect`, group by group, by arithmetic (no scan of the tiles).
    void tilesIn(const QRect &rect, std::vector<int> &out) const;

private:
    struct Placed
    {
        QRect caption;
        QPoint tilesOrigin;
        int columns = 1;
        int tiles = 0;
        int first = 0;
        int width = 0;
        int height = 0;
    };
    // Places the groups at one tile size; returns the content height.
    int place(const std::vector<Group> &groups, const Params &params, int tile, int gap);

    std::vector<Placed> m_groups;
    QRect m_legend;
    int m_tile = 0;
    int m_gap = 1;
    int m_tileCount = 0;
    int m_contentHeight = 0;
    bool m_fits = true;
};

} // namespace bw
