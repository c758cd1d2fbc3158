#pragma once

#include "breaker/breakerstate.h"
#include "breaker/calloutcome.h"
#include "observed/observedtransition.h"
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
    int opens = 0;     // increments since the previous scrape (since process start on the first one, or after a reset)
    int halfOpens = 0; // only when the page has a halfOpen series (opossum-prometheus wired as its README is: none)
    int closes = 0;
    // The breaker's calls in (previous scrape, atMs]: success, failure (timeouts are failures too), reject.
    // nullopt on the first scrape (counts since process start are no rate).
    std::optional<CallBatch> calls;
    std::int64_t rejects = 0;
    // The transitions these counts imply, oldest first, spread evenly within (previous scrape, atMs] and marked
    // betweenScrapes. The last one ends in `state`. None on the first scrape: counts since the process started
    // have no times, so they only decide the starting state.
    QList<ObservedTransition> transitions;
    bool counterReset = false;  // a counter went down: the process restarted (counted from zero, Closed)
    bool mayHaveMissed = false; // the order of several events is inferred, not seen
    bool changed() const { return !previous || *previous != state; }
};

// Infers breaker state from opossum-prometheus' counter `circuit{name, event}` by comparing each scrape with the
// one before. opossum-prometheus counts only events that have a listener when a breaker is added, and opossum
// does not listen to `halfOpen` itself, so a page wired the way its README shows has no halfOpen series; the
// rules therefore rest on open, close, success and reject:
// - a close, or a success, with no open in the same span means closed (a success needs a closed breaker or a
//   half-open probe that succeeded, which closes it);
// - opens with no close mean open (or half-open waiting for its probe: the page cannot tell);
// - opens and closes in one span: counters carry no order. A close only follows an open (through half-open),
//   so from closed the breaker ends closed when there were at least as many closes as opens, and from open when
//   there were more closes than opens; otherwise open. From open, opens are failed half-open probes (one failure
//   each) or, after a close, fresh trips (a run of failures, taken as two at least): ending open would need every
//   close to be followed by a trip, so with fewer than opens + closes failures the last event was a close.
//   mayHaveMissed says the order was inferred; the next span's successes or rejects settle what is left.
// - with a halfOpen series the half-opens are used too (opens and half-opens alternate, a close follows a
//   half-open).
// A breaker seen for the first time is taken from its counters since the process started (from Closed), so one
// that opened and recovered before Breakerwatch started is closed. Breakers missing from a scrape are forgotten.
// Pure: time comes in as an argument.
class OpossumCounterTracker
{
public:
    explicit OpossumCounterTracker(QByteArray metricName = QByteArrayLiteral("circuit")); // also matches <name>_total

    // One observation per breaker on the page, in page order.
    QList<OpossumObservation> update(const std::vector<MetricSample> &scrape, std::int64_t nowMs);

    // What one span between two scrapes counted. hasHalfOpen: the page has a halfOpen series, so halfOpens is a
    // count and not just unknown.
    struct Span
    {
        int opens = 0;
        int halfOpens = 0;
        int closes = 0;
        std::int64_t successes = 0;
        std::int64_t failures = 0;
        std::int64_t rejects = 0;
        bool hasHalfOpen = false;
    };
    // The state left after `start` by such a span (see the class comment).
    static BreakerState lastState(BreakerState start, const Span &span);

    qsizetype trackedCount() const { return m_breakers.size(); }

private:
    struct Tracked
    {
        QHash<QByteArray, double> counters; // every event's count, for reset detection
        BreakerState state = BreakerState::Closed;
        std::int64_t atMs = 0;
    };

    QByteArray m_metricName;
    QHash<QString, Tracked> m_breakers;
};

} // namespace bw
