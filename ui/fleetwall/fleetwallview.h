#pragma once

#include "fleet/breakerid.h"
#include "fleetwall/fleetwalllayout.h"
#include "fleetwall/fleetwalltile.h"

#include <QAbstractScrollArea>
#include <QHash>
#include <QPointer>
#include <QRegion>
#include <QStringList>

#include <array>

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

class QAbstractItemModel;

namespace bw {

class ServiceTableModel;

// The fleet wall, a NOC view: every breaker of the source model as a small square tile coloured by state, in a dense
// grid grouped by one label (setGroupLabel: team, env, job...; empty: by service). Each group is a caption
// ("team = payments · 120 breakers · 3 open") above its tiles; groups flow and wrap. A legend line with the state
// colours and the fleet's totals sits at the top. How a tile looks (worst of simulated and real breaker, broken ones
// in full colour, flapping striped, stale greyed) is FleetWallTile's rule; where things go is FleetWallLayout's
// (the tile size adapts to the count and the widget, 6-24 px; it scrolls only when even 6 px tiles do not fit).
//
// Interaction: hovering a tile shows its name, states, since when and why; a click or Enter emits
// breakerActivated(); arrows move the current tile (outlined), which setCurrentBreaker() also sets without emitting,
// so the wall follows a selection made elsewhere.
//
// Source: any model with ServiceTableModel's roles (StateRole, ObservedStateRole, FlappingRole, StaleRole,
// LabelsRole, StateSinceRole, ObservedSinceRole) and its ReasonColumn, plus a function naming each row's breaker.
// The model is not owned and must outlive the view. The layout is rebuilt (lazily, before the next paint or query)
// only on rows inserted, removed or moved, a reset, a group or size or font change; a dataChanged recomputes the
// changed rows' tiles and repaints only the tiles (and captions) that look different. GUI thread only.
class FleetWallView final : public QAbstractScrollArea
{
    Q_OBJECT
public:
    using Clock = std::function<std::int64_t()>; // epoch ms: "now" for "open for 3m 20s"
    using IdOfRow = std::function<BreakerId(int row)>;

    FleetWallView(ServiceTableModel *model, Clock clock, QWidget *parent = nullptr);
    FleetWallView(QAbstractItemModel *model, IdOfRow idOfRow, Clock clock, QWidget *parent = nullptr);
    ~FleetWallView() override;

    // The label whose value groups the tiles (e.g. "team"); empty groups by service. Breakers without the label
    // form a last group "team = (none)".
    void setGroupLabel(const QString &label);
    QString groupLabel() const { return m_groupLabel; }

    // Outlines the breaker's tile and scrolls it into view; nullopt (or an unknown breaker) outlines nothing.
    // Does not emit breakerActivated.
    void setCurrentBreaker(std::optional<BreakerId> id);
    std::optional<BreakerId> currentBreaker() const { return m_current; }

    // Queries, for tests and the window. Positions are the viewport's.
    std::optional<BreakerId> breakerAt(QPoint viewportPos) const;
    QRect tileRect(const BreakerId &id) const; // empty for an unknown breaker
    FleetWallTile tile(const BreakerId &id) const;
    QString toolTipText(const BreakerId &id) const;
    QStringList captions() const; // in display order
    // What group `group`'s caption shows at the current size: the caption, else its compact form (the value and
    // what is wrong in it), else that elided.
    QString shownCaption(int group) const;
    QString legendText() const;
    const FleetWallLayout &wallLayout() const;

    // What the last paint event covered and how many tiles it drew: lets tests check that an update repaints only
    // what changed, and the benchmark count work.
    QRegion lastPaintRegion() const { return m_lastPaintRegion; }
    int lastPaintedTiles() const { return m_lastPaintedTiles; }
    int paintCount() const { return m_paintCount; }

    QSize sizeHint() const override;

Q_SIGNALS:
    void breakerActivated(const bw::BreakerId &id);

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void changeEvent(QEvent *event) override;
    bool viewportEvent(QEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void scrollContentsBy(int dx, int dy) override;

private:
    struct Row
    {
        FleetWallTile tile;
        int group = 0;
        int slot = 0; // the tile's number in the layout
    };
    struct Totals
    {
        int breakers = 0;
        std::array<int, kBreakerStateCount> states{}; // live (not stale) breakers by tile state
        int flapping = 0;
        int stale = 0;
    };
    struct Group : Totals
    {
        QString value;
        QString caption;
        int captionWidth = 0;
        QString compactCaption; // for a group narrower than its caption
        int compactCaptionWidth = 0;
        BreakerState worst = BreakerState::Closed;
        bool captionStale = false; // counts changed since the caption was written
    };
    // Colours of every look a tile can have, computed once per paint: [2 * state + flapping] for live tiles,
    // [2 * kBreakerStateCount] for stale ones (colourIndex()).
    using ColourTable = std::array<FleetWallTileColours, 2 * kBreakerStateCount + 1>;

    void connectModel();
    void invalidateLayout();
    void ensureLayout() const;
    void rebuild();
    void refreshCaptions();
    FleetWallTile readTile(int row) const;
    void onDataChanged(int firstRow, int lastRow);
    void countIn(const FleetWallTile &tile, int sign, Group &group);
    QString captionOf(const Group &group) const;
    QString compactCaptionOf(const Group &group) const;
    void writeCaptions(Group &group, const QFontMetrics &metrics) const;
    // A tile's rect in the viewport, with room for the selection outline when `outline`.
    QRect dirtyRect(int row, bool outline) const;
    QRect toViewport(const QRect &content) const;
    int rowOfId(const BreakerId &id) const;
    void setCurrentRow(int row);
    void moveCurrent(int dx, int dy);
    void ensureRowVisible(int row);
    void updateScrollBar();
    int captionChipWidth() const;
    void paintTile(QPainter &p, const QRect &cell, const FleetWallTile &tile,
                   const FleetWallTileColours &colours) const;
    void paintLegend(QPainter &p, const QRect &r, const ColourTable &colours) const;

    QPointer<QAbstractItemModel> m_model;
    IdOfRow m_idOfRow;
    Clock m_clock;
    QString m_groupLabel;
    std::optional<BreakerId> m_current;
    int m_currentRow = -1;

    bool m_layoutDirty = true;
    bool m_captionsStale = false; // some group's caption (and the legend) waits for the next paint or query
    FleetWallLayout m_layout;
    std::vector<Row> m_rows;
    std::vector<int> m_rowOfSlot;
    std::vector<QRect> m_rectOfRow; // content coordinates
    std::vector<Group> m_groups;
    QHash<BreakerId, int> m_rowById;
    Totals m_totals;

    std::vector<std::uint32_t> m_paintedStamp; // by slot: the paint that last drew it
    std::vector<int> m_slotsToPaint;           // scratch of paintEvent, kept to avoid allocations

    QRegion m_lastPaintRegion;
    int m_lastPaintedTiles = 0;
    int m_paintCount = 0;
};

} // namespace bw
