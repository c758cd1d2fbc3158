#pragma once

#include "breaker/breakerstate.h"
#include "common/result.h"
#include "observed/observedtransition.h"

#include <QByteArrayView>
#include <QList>
#include <QString>
#include <QStringView>

#include <cstdint>
#include <utility>

namespace bw {

// One STATE_TRANSITION event from the Resilience4j actuator's event ring buffer.
struct Resilience4jTransitionEvent
{
    QString breakerName;
    std::int64_t timeMs = 0; // creationTime as epoch ms (UTC)
    BreakerState from = BreakerState::Closed;
    BreakerState to = BreakerState::Closed;
    QString transition; // as written, e.g. "CLOSED_TO_OPEN"

    ObservedTransition toObserved() const { return {timeMs, from, to, false}; }
    bool operator==(const Resilience4jTransitionEvent &) const = default;
};

// Reads GET /actuator/circuitbreakerevents/{name}/state_transition:
// {"circuitBreakerEvents":[{"circuitBreakerName":"backendA","type":"STATE_TRANSITION",
//   "creationTime":"2026-05-05T09:24:17.1+02:00[Europe/Berlin]","stateTransition":"CLOSED_TO_OPEN"}]}.
// Pure functions. Events of other types (the unfiltered endpoint also lists SUCCESS, ERROR, ...) are skipped;
// a malformed STATE_TRANSITION event fails the whole read with "event N: ...".
class Resilience4jEvents
{
public:
    // In the order listed.
    static Result<QList<Resilience4jTransitionEvent>> parseStateTransitions(QByteArrayView body);

    // Java's ZonedDateTime.toString(): yyyy-MM-ddTHH:mm[:ss[.fraction]](Z|+HH:MM[:SS])[[Zone/Id]].
    // The offset decides; the zone id is ignored. Fractions beyond milliseconds are truncated.
    static Result<std::int64_t> parseCreationTime(QStringView text);

    // "CLOSED_TO_OPEN", "HALF_OPEN_TO_FORCED_OPEN", "METRICS_ONLY_TO_DISABLED", ... into (from, to).
    static Result<std::pair<BreakerState, BreakerState>> parseStateTransition(QStringView text);
};

} // namespace bw
