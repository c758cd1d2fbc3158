#pragma once

#include "breaker/breakerstate.h"

#include <QColor>

#include <optional>

namespace bw {

// How one breaker's tile looks on the fleet wall: a value computed from what the model says by fleetWallTile(), a
// pure function tested alone; FleetWallView only draws it.
//
// The rule:
// - the tile shows the worse of the simulated and the real (observed) breaker, by core's worseState(): open > forced
// open >
//   half-open > disabled > metrics-only > closed; on a tie the simulated state is shown. `fromObserved` says the
//   real breaker is the worse one (the simulated one looks healthier than the service really is);
// - broken (open, forced open, half-open) tiles are drawn in the state's full colour and at full tile size; the
//   others are toned down over the background (StatePalette::displayFill for closed) and inset by a pixel;
// - flapping (the core's verdict on either breaker) adds a dark diagonal stripe, and a flapping tile is emphasised
//   like a broken one (full colour, full size) whatever its state right now;
// - stale (its source no longer shows the breaker) greys the tile whatever its state: the state is old news.
struct FleetWallTile
{
    BreakerState state = BreakerState::Closed;
    bool fromObserved = false;
    bool flapping = false;
    bool stale = false;

    // Open, forced open or half-open, and not stale: the tiles that must jump out.
    bool broken() const;
    // Broken or flapping (and not stale): full colour, full size.
    bool emphasised() const;
    bool operator==(const FleetWallTile &) const = default;
};

FleetWallTile fleetWallTile(BreakerState simulated, std::optional<BreakerState> observed, bool flapping, bool stale);

// The colours a tile is drawn with on `background`, from StatePalette: `fill` over the whole tile, and for the
// states that share a hue with another (forced open, metrics-only: StatePalette::hatched) an `inner` square of the
// toned-down hue that makes the tile a ring; `inner` is invalid otherwise.
struct FleetWallTileColours
{
    QColor fill;
    QColor inner;
};
FleetWallTileColours fleetWallTileColours(const FleetWallTile &tile, const QColor &background);
// The grey of a stale tile on `background`.
QColor fleetWallStaleColour(const QColor &background);

} // namespace bw
