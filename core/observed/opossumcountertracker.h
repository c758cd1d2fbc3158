#pragma once

#include "breaker/breakerstate.h"
#include "prometheus/metricsample.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>

#include <cstdint>
#include <optional>
#include <vector>

namespace bw {

// What one scrape of opossum-prometheus says about one breaker.
struct OpossumObservation
{
    QString name;
    std::int64_t atMs = 0;                // the scrape time given to update()
    std::optional<BreakerState> previous; // nullopt on the first scrape that shows this breaker
    BreakerState state = BreakerState::Closed;
    int opens = 0; // increments since the previous scrape (since process start on the first one, or after a reset)
    int halfOpens = 0;
    int closes = 0;
    bool counterReset = false;  // a counter went down: the process restarted (counted from zero, Closed)
    bool mayHaveMissed = false; // several events, or a reset: transitions between scrapes were not all seen
    bool changed() const { return !previous || *previous != state; }
};

// Infers breaker state from opossum-prometheus' counter `circuit{name, event}` (events open, halfOpen, close;
// others ignored), by comparing each scrape with the one before. Counters carry no order, so when several
// events happened between two scrapes the last state is inferred from opossum's cycle
// (closed -open-> open -halfOpen-> half-open -close-> closed | -open-> open): opens and half-opens alternate,
// and a close follows a half-open. A breaker seen for the first time is assumed to have started Closed with
// its counters at zero. Breakers missing from a scrape are forgotten. Pure: time comes in as an argument.
class OpossumCounterTracker
{
public:
    explicit OpossumCounterTracker(QByteArray metricName = QByteArrayLiteral("circuit")); // also matches <name>_total

    // One observation per breaker on the page, in page order.
    QList<OpossumObservation> update(const std::vector<MetricSample> &scrape, std::int64_t nowMs);

    // The state left by `opens`, `halfOpens` and `closes` events after `start` (see the class comment).
    static BreakerState lastState(BreakerState start, int opens, int halfOpens, int closes);

    qsizetype trackedCount() const { return m_breakers.size(); }

private:
    struct Tracked
    {
        QHash<QByteArray, double> counters; // every event's count, for reset detection
        BreakerState state = BreakerState::Closed;
    };

    QByteArray m_metricName;
    QHash<QString, Tracked> m_breakers;
};

} // namespace bw
