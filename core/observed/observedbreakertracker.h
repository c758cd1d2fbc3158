#pragma once

#include "breaker/breakerstate.h"
#include "observed/observedtransition.h"

#include <QList>
#include <QPair>

#include <cstdint>
#include <optional>

namespace bw {

// "Events first; gauges reconcile." Keeps one real breaker's history from two sources: transition events
// (authoritative, e.g. Resilience4j's event buffer) and polled states (a gauge, a health page, inferred
// counters), which can miss a short OPEN. A polled state becomes a transition (fromGauge = true) only where
// it disagrees with the state implied at its time by the events and earlier polls. Events may arrive after
// the polls they explain: the history is rebuilt, and a gauge transition an event now explains disappears.
// The first poll before any event only sets the starting state. Polls of the last kExactPollsMs are kept as they
// came; older runs of one repeated state keep only their first and last poll (a poll a second of a closed breaker
// is two entries an hour, not 3,600). Memory is bounded by maxEntries (oldest history forgotten first) and by
// forgetBefore(). Pure: times (epoch ms) come in as arguments.
class ObservedBreakerTracker
{
public:
    // An event may arrive this late and still land between the polls it explains: the polls of this last span are
    // all kept. Further back, a late event can only move a gauge transition within a run of identical polls.
    static constexpr std::int64_t kExactPollsMs = 120'000;

    explicit ObservedBreakerTracker(qsizetype maxEntries = 10'000);

    // Transitions in any order; ones already known (same t, from, to) and ones before the forgotten
    // horizon are ignored.
    void addEvents(const QList<ObservedTransition> &events);

    // A polled state at t. Returns the transition it adds, if it disagrees with the implied state.
    std::optional<ObservedTransition> addGaugeState(std::int64_t t, BreakerState state);

    // Events and gauge transitions, sorted by t (an event before a poll at the same t).
    const QList<ObservedTransition> &transitions() const { return m_merged; }

    // The state at t (the last transition at or before t), nullopt if nothing is known yet.
    std::optional<BreakerState> stateAt(std::int64_t t) const;

    // Drops history before t; the state at t becomes the starting state.
    void forgetBefore(std::int64_t t);
    // Takes history from t on again, though it was forgotten (a server's past, learnt after the present): what is
    // kept stays, and the starting state is unknown until a poll or an event before the kept ones says it.
    void reopenFrom(std::int64_t t);

    // Polls kept (for tests and memory accounting).
    qsizetype pollCount() const { return m_polls.size(); }

private:
    void rebuild();
    void compactPolls();

    qsizetype m_maxEntries;
    QList<ObservedTransition> m_events;               // sorted by t
    QList<QPair<std::int64_t, BreakerState>> m_polls; // sorted by t
    std::optional<BreakerState> m_start;
    std::optional<std::int64_t> m_horizon; // nothing before it is kept
    QList<ObservedTransition> m_merged;
};

} // namespace bw
