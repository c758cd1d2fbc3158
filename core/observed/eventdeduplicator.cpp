#include "observed/eventdeduplicator.h"

#include <algorithm>
#include <limits>

namespace bw {

QList<Resilience4jTransitionEvent> EventDeduplicator::accept(const QList<Resilience4jTransitionEvent> &poll)
{
    QList<Resilience4jTransitionEvent> sorted = poll;
    std::stable_sort(sorted.begin(), sorted.end(), [](const auto &a, const auto &b) { return a.timeMs < b.timeMs; });

    std::map<QString, std::int64_t> oldest;
    QList<Resilience4jTransitionEvent> fresh;
    for (const auto &event : sorted) {
        oldest.try_emplace(event.breakerName, event.timeMs); // sorted: the first seen is the oldest
        const auto horizon = m_horizonMs.find(event.breakerName);
        if (horizon != m_horizonMs.end() && event.timeMs < horizon->second)
            continue;
        if (m_seen.emplace(event.breakerName, event.timeMs, event.transition).second)
            fresh.append(event);
    }

    for (const auto &[name, time] : oldest) {
        const auto [it, inserted] = m_horizonMs.try_emplace(name, time);
        if (!inserted)
            it->second = std::max(it->second, time); // never moves back, even if a clock does
        const std::int64_t horizon = it->second;
        const auto first = m_seen.lower_bound(Key{name, std::numeric_limits<std::int64_t>::min(), QString()});
        const auto last = m_seen.lower_bound(Key{name, horizon, QString()});
        m_seen.erase(first, last);
    }
    return fresh;
}

void EventDeduplicator::clear()
{
    m_seen.clear();
    m_horizonMs.clear();
}

} // namespace bw
