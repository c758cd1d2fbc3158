#include "history/trackhistory.h"

#include <algorithm>
#include <limits>

namespace bw {

namespace {

constexpr std::int64_t kMaxOffset = std::numeric_limits<std::uint32_t>::max();

// How many calls a state refuses: open ones all, half-open most, the others none.
int severity(BreakerState state)
{
    switch (state) {
    case BreakerState::Open:
    case BreakerState::ForcedOpen:
        return 3;
    case BreakerState::HalfOpen:
        return 2;
    case BreakerState::Disabled:
    case BreakerState::MetricsOnly:
        return 1;
    case BreakerState::Closed:
        break;
    }
    return 0;
}

} // namespace

TrackHistory::TrackHistory(const HistoryRetention &retention)
    : m_runs(retention.maxRunsPerTrack), m_retentionMs(retention.stateMs)
{
    static_assert(sizeof(Run) == 8);
}

std::optional<BreakerState> TrackHistory::currentState() const
{
    if (m_runs.empty())
        return std::nullopt;
    return m_runs.back().state;
}

void TrackHistory::rebase(std::int64_t t)
{
    // Offsets are 32-bit (49 days). Move the base forward to at most 24 days before t: runs that ended before the
    // new base go, and the one current at the new base is cut to start there.
    const std::int64_t newBase = std::max(startOf(0), t - kMaxOffset / 2);
    std::size_t superseded = 0;
    while (superseded + 1 < m_runs.size() && startOf(superseded + 1) <= newBase)
        ++superseded;
    m_runs.popFront(superseded);
    for (std::size_t i = 0; i < m_runs.size(); ++i)
        m_runs[i].offset = static_cast<std::uint32_t>(std::max<std::int64_t>(0, startOf(i) - newBase));
    m_base = newBase;
}

void TrackHistory::append(std::int64_t t, BreakerState state, ReasonId reason)
{
    if (m_runs.empty()) {
        m_base = t;
        m_latest = t;
        m_runs.pushBack({0, reason, state});
        return;
    }
    t = std::max(t, m_latest); // late states are clamped, never reordered
    m_latest = t;
    if (m_runs.back().state == state)
        return;
    if (t - m_base > kMaxOffset)
        rebase(t);
    m_runs.pushBack({static_cast<std::uint32_t>(t - m_base), reason, state});
    // Keep the run that was current at t - retention; drop the ones that ended before it.
    std::size_t drop = 0;
    while (drop + 1 < m_runs.size() && startOf(drop + 1) <= t - m_retentionMs)
        ++drop;
    m_runs.popFront(drop);
}

void TrackHistory::prependPast(const std::vector<PastRun> &past)
{
    if (m_runs.empty()) {
        for (const PastRun &run : past)
            append(run.t, run.state, run.reason);
        return;
    }
    const std::int64_t first = startOf(0);
    std::vector<PastRun> merged;
    merged.reserve(past.size() + m_runs.size());
    for (const PastRun &run : past) {
        if (run.t >= first)
            break;
        if (!merged.empty() && (run.t < merged.back().t || run.state == merged.back().state))
            continue; // out of order, or no change
        merged.push_back(run);
    }
    if (merged.empty())
        return;
    for (std::size_t i = 0; i < m_runs.size(); ++i) {
        if (i == 0 && m_runs[0].state == merged.back().state)
            continue; // the first run only continues the past's last state
        merged.push_back({startOf(i), m_runs[i].state, m_runs[i].reason});
    }
    // Keep the run current at the retention's start (or 24 days back, the offset range), and at most the cap.
    const std::int64_t offsetLimit = m_latest - kMaxOffset / 2;
    const std::int64_t horizon = std::max(m_latest - m_retentionMs, offsetLimit);
    std::size_t drop = 0;
    while (drop + 1 < merged.size() && merged[drop + 1].t <= horizon)
        ++drop;
    drop = std::max(drop, merged.size() > m_runs.limit() ? merged.size() - m_runs.limit() : std::size_t{0});
    merged.erase(merged.begin(), merged.begin() + static_cast<std::ptrdiff_t>(drop));
    if (merged.empty())
        return;
    merged.front().t = std::max(merged.front().t, offsetLimit);
    m_runs.clear();
    m_base = merged.front().t;
    for (const PastRun &run : merged)
        m_runs.pushBack({static_cast<std::uint32_t>(run.t - m_base), run.reason, run.state});
}

std::optional<std::int64_t> TrackHistory::earliestTime() const
{
    if (m_runs.empty())
        return std::nullopt;
    return startOf(0);
}

std::int64_t TrackHistory::endOf(std::size_t i, std::int64_t lastRunUntil) const
{
    if (i + 1 < m_runs.size())
        return startOf(i + 1);
    return std::max(m_latest, lastRunUntil);
}

std::size_t TrackHistory::indexAt(std::int64_t t) const
{
    std::size_t lo = 0;
    std::size_t hi = m_runs.size();
    while (hi - lo > 1) {
        const std::size_t mid = lo + (hi - lo) / 2;
        if (startOf(mid) <= t)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

std::vector<DisplayRun> TrackHistory::runs(std::int64_t t0, std::int64_t t1, std::int64_t minDurationMs,
                                           std::int64_t lastRunUntil) const
{
    std::vector<DisplayRun> out;
    if (m_runs.empty() || t1 <= t0)
        return out;

    // A group of consecutive short runs; becomes one mixed run if it holds more than one.
    DisplayRun group;
    std::int64_t stateTime[kBreakerStateCount] = {};
    auto flush = [&] {
        if (group.changes == 0)
            return;
        if (group.changes > 1) {
            group.mixed = true;
            const auto dominant = std::max_element(std::begin(stateTime), std::end(stateTime));
            group.state = static_cast<BreakerState>(dominant - std::begin(stateTime));
        }
        out.push_back(group);
        group = {};
        group.changes = 0;
        std::fill(std::begin(stateTime), std::end(stateTime), 0);
    };
    group.changes = 0;

    for (std::size_t i = indexAt(t0); i < m_runs.size(); ++i) {
        const std::int64_t start = std::max(startOf(i), t0);
        if (start >= t1)
            break;
        const std::int64_t end = std::min(endOf(i, lastRunUntil), t1);
        if (end <= start)
            continue;
        const Run &run = m_runs[i];
        if (end - start >= minDurationMs) {
            flush();
            out.push_back({start, end, run.state, false, run.state, 1, run.reason});
            continue;
        }
        if (group.changes == 0) {
            group.start = start;
            group.state = run.state;
            group.worst = run.state;
            group.reason = run.reason;
        } else if (severity(run.state) > severity(group.worst)) {
            group.worst = run.state;
        }
        group.end = end;
        ++group.changes;
        stateTime[static_cast<int>(run.state)] += end - start;
    }
    flush();
    return out;
}

std::optional<StateRun> TrackHistory::runAt(std::int64_t t, std::int64_t lastRunUntil) const
{
    if (m_runs.empty())
        return std::nullopt;
    const std::size_t i = indexAt(t);
    const bool current = i + 1 == m_runs.size(); // includes its end: the latest state holds at the latest time
    if (t < startOf(i) || t > endOf(i, lastRunUntil) || (!current && t == endOf(i, lastRunUntil)))
        return std::nullopt;
    StateRun run;
    run.start = startOf(i);
    run.end = endOf(i, lastRunUntil);
    run.state = m_runs[i].state;
    run.reason = m_runs[i].reason;
    if (i > 0) {
        run.hasPrevious = true;
        run.previous = m_runs[i - 1].state;
    }
    return run;
}

std::vector<TrackTransition> TrackHistory::transitions(std::int64_t t0, std::int64_t t1) const
{
    std::vector<TrackTransition> out;
    if (m_runs.size() < 2 || t1 <= t0)
        return out;
    for (std::size_t i = std::max<std::size_t>(1, indexAt(t0)); i < m_runs.size(); ++i) {
        const std::int64_t t = startOf(i);
        if (t >= t1)
            break;
        if (t < t0)
            continue;
        out.push_back({t, m_runs[i - 1].state, m_runs[i].state, m_runs[i].reason});
    }
    return out;
}

void TrackHistory::markReasons(std::vector<bool> &live) const
{
    for (std::size_t i = 0; i < m_runs.size(); ++i) {
        const ReasonId id = m_runs[i].reason;
        if (id < live.size())
            live[id] = true;
    }
}

void TrackHistory::remapReasons(const std::vector<ReasonId> &map)
{
    for (std::size_t i = 0; i < m_runs.size(); ++i) {
        Run &run = m_runs[i];
        run.reason = run.reason < map.size() ? map[run.reason] : ReasonId{0};
    }
}

} // namespace bw
