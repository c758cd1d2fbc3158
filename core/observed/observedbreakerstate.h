#pragma once

#include "breaker/breakerstate.h"

#include <QString>

#include <optional>

namespace bw {

// The state of a real breaker as some endpoint reports it (a health page, the Resilience4j actuator).
// A value type. Numbers the source does not report, or reports as "not computed yet", are nullopt.
struct ObservedBreakerState
{
    QString name;
    BreakerState state = BreakerState::Closed;
    bool stateKnown = true; // false when the source lists names only (Resilience4j before 2.0); state is then Closed
    std::optional<double> failureRatePercent; // Resilience4j reports -1 until the minimum number of calls
    std::optional<int> bufferedCalls;
    std::optional<int> failedCalls;
    std::optional<int> notPermittedCalls;

    bool operator==(const ObservedBreakerState &) const = default;
};

} // namespace bw
