#pragma once

#include "breaker/breakerstate.h"
#include "flapping/flappingrule.h"
#include "fleet/breakerid.h"
#include "fleet/breakersource.h"
#include "probe/probeoutcome.h"

#include <QList>
#include <QMetaType>
#include <QPair>
#include <QString>

#include <cstdint>
#include <optional>

namespace bw {

// What drives a breaker's simulation.
// - Polls: the instance's health breaker, one call per health poll (and per scrape that fails to reach it);
// - PollsAndTraffic: the same, plus the instance's request counters between scrapes as batches of calls;
// - OwnCalls: a named breaker fed with its own calls as its source counts them (Resilience4j calls counters,
//   opossum's success/failure events, hystrix rolling counts);
// - Nothing: a named breaker whose source tells its state but not its calls (a gauge, the actuator, a status
//   page): the simulation sees no traffic and stays as it started.
enum class BreakerFeed : std::uint8_t
{
    Polls,
    PollsAndTraffic,
    OwnCalls,
    Nothing
};

// What a display needs to know about one breaker of one instance after the latest poll. A value type.
struct BreakerStatus
{
    BreakerId id;
    QString name; // id.key(), the name people and the history store know the breaker by
    BreakerSource source = BreakerSource::Health;
    QString url; // the instance's health or metrics URL, for people
    BreakerFeed feed = BreakerFeed::Polls;

    // The simulated breaker.
    BreakerState state = BreakerState::Closed;
    std::int64_t stateSinceMs = 0;
    QString lastReason; // the latest transition's reason
    QString preset;     // the live policy: preset and parameters; the real breaker's settings when policyFromSource
    QList<QPair<QString, QString>> parameters;
    bool policyFromSource = false;
    double windowFailurePercent = -1; // -1: not enough calls yet
    int opensLast10Min = 0;           // opens in the flapping rule's window (10 min by default)

    // The latest poll that concerned this breaker: the health poll (health breaker) or the source's poll.
    ProbeOutcomeKind lastOutcome = ProbeOutcomeKind::Other;
    QString lastMessage;
    std::int64_t lastCheckMs = -1; // -1: never polled yet
    double lastLatencyMs = 0;
    std::int64_t polls = 0;
    std::int64_t failures = 0;

    // The metrics source, if any.
    std::int64_t lastScrapeMs = -1;    // -1: never scraped yet (or no metrics source)
    QString scrapeProblem;             // empty when the last scrape was read; else what went wrong
    double requestsPerSecond = -1;     // from the last traffic batch; -1: unknown
    double trafficFailurePercent = -1; // failures in the last traffic batch; -1: no calls
    std::int64_t trafficCalls = 0;     // calls seen in traffic batches so far
    std::int64_t trafficFailures = 0;

    // The real breaker, as its source reports it.
    std::optional<BreakerState> observedState;
    std::int64_t observedSinceMs = 0;
    // Since when the real breaker's state is known: its first poll, or the start of the history read from the
    // Prometheus server (0: not yet known).
    std::int64_t observedKnownSinceMs = 0;
    int observedOpensLast10Min = 0;
    // The flapping rule this breaker is judged by, and its verdict on either breaker's opens.
    FlappingRule flappingRule;
    bool flapping = false;
    QString observedProblem; // e.g. the source is unreachable
    // hystrix.stream says only "not closed": an Open here may be half-open.
    bool observedOpenMayBeHalfOpen = false;
    std::optional<double> observedFailureRatePercent;
    QList<QPair<QString, QString>> settings; // the real breaker's settings as the source reports them

    // Discovery: a breaker its source stopped showing is stale (greyed) and leaves after a while.
    bool stale = false;
    std::int64_t lastSeenMs = -1;
};

} // namespace bw

Q_DECLARE_METATYPE(bw::BreakerStatus)
