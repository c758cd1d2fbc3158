#pragma once

#include "observed/resilience4jevents.h"

#include <QList>
#include <QString>

#include <cstdint>
#include <map>
#include <set>
#include <tuple>

namespace bw {

// Turns repeated polls of the Resilience4j event ring buffer (the last 100 events per breaker) into a
// stream of new transitions. An event is identified by breaker, time and transition ("CLOSED_TO_OPEN").
// Memory stays bounded by one poll: after each poll, a breaker's keys older than the oldest event of that
// poll are forgotten (the ring buffer can never show them again), and any event older than that horizon
// is treated as already seen. Not thread-safe; a plain value.
class EventDeduplicator
{
public:
    // One poll's events, in any order. Returns the ones not seen before, sorted by time (ties keep the
    // poll's order), each once even if the poll repeats it.
    QList<Resilience4jTransitionEvent> accept(const QList<Resilience4jTransitionEvent> &poll);

    qsizetype rememberedCount() const { return static_cast<qsizetype>(m_seen.size()); }
    void clear();

private:
    using Key = std::tuple<QString, std::int64_t, QString>; // breaker, time, transition
    std::set<Key> m_seen;
    std::map<QString, std::int64_t> m_horizonMs; // per breaker: oldest event of its last poll
};

} // namespace bw
