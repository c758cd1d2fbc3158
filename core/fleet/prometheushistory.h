#pragma once

#include "fleet/breakersource.h"
#include "observed/observedtransition.h"
#include "prometheus/promqlresponse.h"

#include <QList>
#include <QString>

#include <cstdint>
#include <map>
#include <optional>

namespace bw {

// The real breakers' past as a Prometheus server holds it, read when prometheus.breakers starts (and when a timeline
// scrolls back) so that the timelines show the last hours at once. Six queries, whatever the number of breakers:
// - the states at the start of the span (instant queries at `start`): Resilience4j's one-hot state gauge, the
//   common <prefix>_circuit_breaker_state gauge, and opossum's open, close, halfOpen and failure counters;
// - what changed since (range queries, one point per step): only where a series differs from one step earlier
//   (`x > x offset step`, `x != x offset step`; for opossum the moved open/close/halfOpen counters and the failure
//   count at those steps), so the answer grows with the transitions, not with breakers × steps.
// A change seen this way happened between two samples: its time is the step that first saw it (opossum's: spread
// within that step, as the live counter tracker spreads them within a scrape), and it is marked betweenScrapes.
// Pure.
class PrometheusHistory
{
public:
    enum class Part : std::uint8_t
    {
        Resilience4jAtStart,
        GaugeAtStart,
        Resilience4jEntered,
        GaugeChanged,
        OpossumAtStart,
        OpossumMoved,
    };
    struct Query
    {
        Part part = Part::Resilience4jAtStart;
        QString expression;
        bool range = false; // a range query over [start, end] at the step; else an instant query at start
    };
    // `selector` as PrometheusFleetReader::queries takes it; `stepMs` the range queries' step (stepFor()).
    static QList<Query> queries(const QString &selector, std::int64_t stepMs);
    // The interval, or coarser so that a span takes at most kMaxSteps steps (6 h: 21.6 s): the server's work and a
    // transition time's precision both follow the step, and a timeline of hours has no finer pixels.
    static constexpr std::int64_t kMaxSteps = 1000;
    static std::int64_t stepFor(std::int64_t historyMs, std::int64_t intervalMs);

    struct BreakerPast
    {
        QString job; // the service
        QString instance;
        QString name;
        BreakerSource source = BreakerSource::Resilience4j;
        std::int64_t firstSeenMs = 0; // the start of the span, or the step that first showed it
        BreakerState firstState = BreakerState::Closed;
        QList<ObservedTransition> transitions; // after firstSeenMs, oldest first, each betweenScrapes
        bool operator==(const BreakerPast &) const = default;
    };
    // The answers of queries() for the span from `startMs` at `stepMs`; ordered by job, instance, name.
    static QList<BreakerPast> read(const std::map<Part, PromQueryResult> &answers, std::int64_t startMs,
                                   std::int64_t stepMs);
};

} // namespace bw
