#pragma once

#include "breaker/breakerstate.h"

#include <cstdint>

namespace bw {

// One state change of a real breaker at t (epoch ms). fromGauge: inferred from a polled state
// (a gauge or a counter) that disagreed with the events, rather than reported as an event. betweenScrapes: a
// transition counters say happened between two polls; its time is spread within that span, not measured.
struct ObservedTransition
{
    std::int64_t t = 0;
    BreakerState from = BreakerState::Closed;
    BreakerState to = BreakerState::Closed;
    bool fromGauge = false;
    bool betweenScrapes = false;

    bool operator==(const ObservedTransition &) const = default;
};

} // namespace bw
