#pragma once

#include "breaker/breakerstate.h"

#include <QList>
#include <QPair>
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
    // The breaker's settings as the source reports them, in its own names and spelling: failureRateThreshold
    // "50.0%" (actuator), failure_threshold "5" and recovery_timeout "60" (a status page).
    QList<QPair<QString, QString>> settings;

    bool operator==(const ObservedBreakerState &) const = default;
};

} // namespace bw
