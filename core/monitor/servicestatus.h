#pragma once

#include "breaker/breakerstate.h"
#include "probe/probeoutcome.h"

#include <QMetaType>
#include <QString>

#include <cstdint>
#include <optional>

namespace bw {

// What drives a service's simulated breaker. Every health poll is one call, and so is every scrape that fails to
// reach the service (a dead service must open the breaker even when its counters are the main feed). With a
// metrics source that has a `requests` selector, the service's own traffic, read from its request counters
// between scrapes, is added as batches of calls.
enum class BreakerFeed : std::uint8_t
{
    Polls,
    PollsAndTraffic
};

// What a display needs to know about one watched service after its latest poll. A value type.
struct ServiceStatus
{
    QString name;
    QString url;
    BreakerFeed feed = BreakerFeed::Polls;
    BreakerState state = BreakerState::Closed;
    std::int64_t stateSinceMs = 0;
    QString lastReason; // the latest transition's reason
    ProbeOutcomeKind lastOutcome = ProbeOutcomeKind::Other;
    QString lastMessage;
    std::int64_t lastCheckMs = -1; // -1: never polled yet
    double lastLatencyMs = 0;
    std::int64_t polls = 0;
    std::int64_t failures = 0;
    double windowFailurePercent = -1; // -1: not enough calls yet
    int opensLast10Min = 0;

    // The metrics source, if any.
    std::int64_t lastScrapeMs = -1;    // -1: never scraped yet (or no metrics source)
    QString scrapeProblem;             // empty when the last scrape was read; else what went wrong
    double requestsPerSecond = -1;     // from the last traffic batch; -1: unknown
    double trafficFailurePercent = -1; // failures in the last traffic batch; -1: no calls
    std::int64_t trafficCalls = 0;     // calls seen in traffic batches so far
    std::int64_t trafficFailures = 0;

    // The real breaker guarding the service, if one is observed (metrics gauge or counters, or actuator events).
    std::optional<BreakerState> observedState;
    std::int64_t observedSinceMs = 0;
    int observedOpensLast10Min = 0;
    QString observedProblem; // e.g. the named breaker is missing from the page
};

} // namespace bw

Q_DECLARE_METATYPE(bw::ServiceStatus)
