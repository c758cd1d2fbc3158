#pragma once

#include "breaker/breakerstate.h"
#include "breaker/calloutcome.h"
#include "fleet/breakersource.h"
#include "observed/observedtransition.h"

#include <QList>
#include <QPair>
#include <QString>

#include <cstdint>
#include <optional>

namespace bw {

// What one poll of one source says about one named breaker. A value type made by the readers in fleet/ (pure)
// and consumed by the monitor.
struct BreakerReading
{
    QString name;
    BreakerSource source = BreakerSource::Resilience4j;
    std::optional<BreakerState> state; // nullopt: the source names the breaker but not its state
    // The breaker's own calls since the previous reading of the same source (counter deltas), for its simulated
    // breaker; nullopt when the source has none or this is the first reading (a baseline).
    std::optional<CallBatch> calls;
    std::int64_t rejectedCalls = 0; // not permitted / short-circuited in that span
    // Transitions the counters imply between the previous reading and this one, oldest first, with times spread
    // evenly over the span and betweenScrapes = true (opossum's counters).
    QList<ObservedTransition> betweenScrapes;
    // The real breaker's settings as the source reports them, in its own names (failureRateThreshold = "50.0%",
    // propertyValue_circuitBreakerErrorThresholdPercentage = "50", failure_threshold = "5").
    QList<QPair<QString, QString>> settings;
    std::optional<double> failureRatePercent; // as the source computes it; nullopt when not reported or not yet
    QString endpoint;                         // the gauge's endpoint label, a status page's downstream
    std::int64_t atMs = 0;                    // the reading's own time (hystrix currentTime), else the poll's

    bool operator==(const BreakerReading &) const = default;
};

} // namespace bw
