#pragma once

#include "fleet/breakerreading.h"
#include "observed/hystrixstream.h"

#include <QHash>

namespace bw {

// Turns the samples of one hystrix.stream into breaker readings, one per command and sample:
// - times come from each sample's currentTime, moved onto our clock by the smallest lag seen on the connection
//   (the service's clock may be off; a live sample arrives within a bucket of being written);
// - opossum-hystrix queues snapshots while no client listens and sends them in one burst to the next; currentTime
//   is taken when a snapshot is serialised, so only the first few of a burst carry their own time and the rest
//   carry the moment of the reconnect (tests/data/fleet/README.md). Hence: a sample written more than backlogMs
//   before the newest of its batch is backlog (its state goes into the history at its own time, with no calls);
//   a sample of a command that is not the command's last in its batch, or whose currentTime is not newer than
//   the command's last live sample, is stale and dropped. Only then is a sample live;
// - isCircuitBreakerOpen is `!closed`: true while half-open too, read as Open (reportsHalfOpen() says so);
// - calls for the simulated breaker come from the rolling counts once per rolling window
//   (propertyValue_metricsRollingStatisticalWindowInMilliseconds, else 10 s), so windows never overlap;
// - settings are the sample's propertyValue_* fields.
// Pure: arrival times come in as arguments. One object per stream connection; reset() on a new connection.
class HystrixCommandTracker
{
public:
    struct Reading
    {
        BreakerReading reading;
        bool backlog = false;
    };

    explicit HystrixCommandTracker(std::int64_t backlogMs = 3'000) : m_backlogMs(backlogMs) {}

    // One batch of samples as they arrived together (one network read) at arrivalMs; readings in sample order,
    // dropped samples left out.
    QList<Reading> onSamples(const QList<HystrixCommandSample> &samples, std::int64_t arrivalMs);
    void reset(); // a new connection: the clock offset is measured afresh

private:
    struct Command
    {
        std::int64_t windowStartMs = -1; // where the next fed window starts; -1: not yet
        std::int64_t lastLiveMs = -1;    // currentTime of the last live sample
    };
    std::int64_t m_backlogMs;
    std::optional<std::int64_t> m_lagMs; // smallest arrival - currentTime seen on this connection
    QHash<QString, Command> m_commands;
};

} // namespace bw
