#include "fleetwall/fleetwalltile.h"

#include "fleet/rollup.h"
#include "timeline/statepalette.h"

namespace bw {

namespace {

QColor blend(const QColor &over, const QColor &background, float k)
{
    return QColor::fromRgbF(background.redF() * (1 - k) + over.redF() * k,
                            background.greenF() * (1 - k) + over.greenF() * k,
                            background.blueF() * (1 - k) + over.blueF() * k)
        .toRgb();
}

} // namespace

bool FleetWallTile::broken() const
{
    return !stale && !worseState(BreakerState::HalfOpen, state); // half-open or worse
}

bool FleetWallTile::emphasised() const
{
    return broken() || (flapping && !stale);
}

FleetWallTile fleetWallTile(BreakerState simulated, std::optional<BreakerState> observed, bool flapping, bool stale)
{
    FleetWallTile tile;
    tile.state = simulated;
    if (observed && worseState(*observed, simulated)) {
        tile.state = *observed;
        tile.fromObserved = true;
    }
    tile.flapping = flapping;
    tile.stale = stale;
    return tile;
}

FleetWallTileColours fleetWallTileColours(const FleetWallTile &tile, const QColor &background)
{
    if (tile.stale)
        return {fleetWallStaleColour(background), {}};
    // Closed as the palette tones it; disabled and metrics-only, not broken either, toned the same way.
    const QColor fill = tile.emphasised()                    ? StatePalette::fill(tile.state)
                        : tile.state == BreakerState::Closed ? StatePalette::displayFill(tile.state, background)
                                                             : blend(StatePalette::fill(tile.state), background, 0.55f);
    if (!StatePalette::hatched(tile.state))
        return {fill, {}};
    return {fill, blend(StatePalette::fill(tile.state), background, 0.35f)};
}

QColor fleetWallStaleColour(const QColor &background)
{
    return blend(QColor(0x80, 0x80, 0x80), background, 0.6f);
}

} // namespace bw
