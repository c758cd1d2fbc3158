#pragma once

#include "breaker/breakerstate.h"

#include <QColor>
#include <QString>

namespace bw {

// How breaker states look in the timeline. The hues are the Okabe-Ito ones of ServiceTableModel (closed bluish
// green, open vermillion, half-open orange, disabled/metrics-only sky blue), distinguishable with the common
// colour-vision deficiencies; states sharing a hue are told apart by a pattern and by their written label.
// The colours stay the same in light and dark themes; black text reads on all of them.
namespace StatePalette {

QColor fill(BreakerState state);
// The fill drawn on `background`: closed, the normal state, is toned down (55 % of its hue over the background) so
// that the states needing a look stand out; the others are fill().
QColor displayFill(BreakerState state, const QColor &background);
QColor text(BreakerState state);
// Whether the state is drawn with a hatch over its fill (forced open, metrics-only), to tell it from its hue twin.
bool hatched(BreakerState state);
// "OPEN", "HALF-OPEN", "FORCED OPEN", "DISABLED", "METRICS ONLY", "CLOSED".
QString label(BreakerState state);

} // namespace StatePalette

} // namespace bw
