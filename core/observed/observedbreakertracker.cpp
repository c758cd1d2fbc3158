#include "observed/observedbreakertracker.h"

#include <algorithm>

namespace bw {

ObservedBreakerTracker::ObservedBreakerTracker(qsizetype maxEntries) : m_maxEntries(std::max<qsizetype>(maxEntries, 2))
{}

void ObservedBreakerTracker::addEvents(const QList<ObservedTransition> &events)
{
    bool added = false;
    for (ObservedTransition event : events) {
        if (m_horizon && event.t < *m_horizon)
            continue;
        event.fromGauge = false;
        const auto at = std::upper_bound(m_events.begin(), m_events.end(), event.t,
                                         [](std::int64_t t, const ObservedTransition &e) { return t < e.t; });
        const bool known =
            std::any_of(std::lower_bound(m_events.begin(), at, event.t,
                                         [](const ObservedTransition &e, std::int64_t t) { return e.t < t; }),
                        at, [&event](const ObservedTransition &e) { return e == event; });
        if (known)
            continue;
        m_events.insert(at, event);
        added = true;
    }
    if (added)
        rebuild();
}

std::optional<ObservedTransition> ObservedBreakerTracker::addGaugeState(std::int64_t t, BreakerState state)
{
    if (m_horizon && t < *m_horizon)
        return std::nullopt;
    const auto at = std::upper_bound(m_polls.begin(), m_polls.end(), t,
                                     [](std::int64_t time, const auto &poll) { return time < poll.first; });
    m_polls.insert(at, {t, state});
    compactPolls();
    rebuild();
    for (auto it = m_merged.crbegin(); it != m_merged.crend() && it->t >= t; ++it) {
        if (it->t == t && it->fromGauge && it->to == state)
            return *it;
    }
    return std::nullopt;
}

std::optional<BreakerState> ObservedBreakerTracker::stateAt(std::int64_t t) const
{
    const auto after = std::upper_bound(m_merged.cbegin(), m_merged.cend(), t,
                                        [](std::int64_t time, const ObservedTransition &e) { return time < e.t; });
    if (after != m_merged.cbegin())
        return std::prev(after)->to;
    // Before any transition: the starting state, or the first poll's if it is not later than t.
    if (m_start)
        return m_start;
    if (!m_polls.isEmpty() && m_polls.front().first <= t &&
        (m_events.isEmpty() || m_polls.front().first < m_events.front().t))
        return m_polls.front().second;
    return std::nullopt;
}

void ObservedBreakerTracker::forgetBefore(std::int64_t t)
{
    if (m_horizon && t <= *m_horizon)
        return;
    m_start = stateAt(t);
    m_horizon = t;
    m_events.erase(m_events.begin(),
                   std::lower_bound(m_events.begin(), m_events.end(), t,
                                    [](const ObservedTransition &e, std::int64_t time) { return e.t < time; }));
    m_polls.erase(m_polls.begin(),
                  std::lower_bound(m_polls.begin(), m_polls.end(), t,
                                   [](const auto &poll, std::int64_t time) { return poll.first < time; }));
    rebuild();
}

void ObservedBreakerTracker::reopenFrom(std::int64_t t)
{
    if (!m_horizon || t >= *m_horizon)
        return;
    m_horizon = t;
    m_start.reset();
    rebuild();
}

void ObservedBreakerTracker::compactPolls()
{
    // The middle one of three identical polls older than the exact span adds nothing: without it the same
    // transitions come out, whatever events arrive for times after it.
    const std::int64_t exactFrom = m_polls.back().first - kExactPollsMs;
    for (qsizetype i = 1; i + 1 < m_polls.size() && m_polls[i].first < exactFrom;) {
        if (m_polls[i - 1].second == m_polls[i].second && m_polls[i].second == m_polls[i + 1].second)
            m_polls.removeAt(i);
        else
            ++i;
    }
}

void ObservedBreakerTracker::rebuild()
{
    m_merged.clear();
    std::optional<BreakerState> current = m_start;
    qsizetype poll = 0;
    for (qsizetype event = 0; event <= m_events.size(); ++event) {
        const bool haveEvent = event < m_events.size();
        // Polls strictly before this event (an event wins a tie).
        while (poll < m_polls.size() && (!haveEvent || m_polls[poll].first < m_events[event].t)) {
            const auto &[t, state] = m_polls[poll++];
            if (current && *current != state)
                m_merged.append({t, *current, state, true});
            current = state;
        }
        if (haveEvent) {
            m_merged.append(m_events[event]);
            current = m_events[event].to;
        }
    }

    if (m_events.size() + m_polls.size() <= m_maxEntries)
        return;
    // Forget the oldest quarter at once, so that this stays rare. The horizon only moves forward, so the
    // recursion through forgetBefore() ends even when many entries share one time.
    QList<std::int64_t> times;
    times.reserve(m_events.size() + m_polls.size());
    for (const auto &event : std::as_const(m_events))
        times.append(event.t);
    for (const auto &entry : std::as_const(m_polls))
        times.append(entry.first);
    const auto cut = times.begin() + times.size() / 4;
    std::nth_element(times.begin(), cut, times.end());
    if (!m_horizon || *cut > *m_horizon)
        forgetBefore(*cut);
}

} // namespace bw
