#pragma once

#include "history/compactring.h"
#include "history/historytypes.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace bw {

// The states of one breaker over time, run-length encoded: a run starts where the state changes, so repeating the
// current state (a poll every second of a closed breaker) only moves the track's latest time. Each run is 8 bytes:
// its start as a uint32 offset from a base time, its state and the ReasonId of the transition that began it.
// The runs are also the transition list (run k began with the transition from run k-1), bounded by
// HistoryRetention::stateMs and ::maxRunsPerTrack.
//
// A run still current after 49 days (the offset range) is cut to start 24 days before the latest state.
// Out-of-order states: a state whose time is before the track's latest time is taken at the latest time (clamped),
// because a state change is a fact even when it arrives late; the order of arrival is kept.
// Not thread-safe; a value type. Reason ids refer to the owning ServiceHistory's ReasonPool.
class TrackHistory
{
public:
    explicit TrackHistory(const HistoryRetention &retention = {});

    // A state the track took at t, for filling in its past.
    struct PastRun
    {
        std::int64_t t = 0;
        BreakerState state = BreakerState::Closed;
        ReasonId reason = 0;
    };

    // True when `state` differs from the current one (or the track is empty): a new run would start.
    bool wouldChange(BreakerState state) const { return m_runs.empty() || m_runs.back().state != state; }
    void append(std::int64_t t, BreakerState state, ReasonId reason);
    // Fills in what happened before the track's first run, learnt after it (the history a Prometheus server holds,
    // read once the live state is shown). `past` is oldest first; states at or after the first run's start are
    // ignored (the track's own runs win) and a last past state equal to the first run's extends that run back.
    // Retention and the run cap apply as in append(); an empty track takes them as appends.
    void prependPast(const std::vector<PastRun> &past);

    bool empty() const { return m_runs.empty(); }
    std::size_t runCount() const { return m_runs.size(); }
    std::int64_t latestTime() const { return m_latest; }
    // Start of the oldest run kept; nullopt when empty.
    std::optional<std::int64_t> earliestTime() const;
    std::optional<BreakerState> currentState() const;

    // Runs overlapping [t0, t1), clipped to it, merged for display (see DisplayRun). The current run ends at
    // max(latestTime(), lastRunUntil): a caller drawing a live view passes "now" to extend the current state.
    std::vector<DisplayRun> runs(std::int64_t t0, std::int64_t t1, std::int64_t minDurationMs,
                                 std::int64_t lastRunUntil = 0) const;
    // The raw run covering t, if any; the current run covers [start, max(latestTime(), lastRunUntil)].
    std::optional<StateRun> runAt(std::int64_t t, std::int64_t lastRunUntil = 0) const;
    // Transitions with t0 <= t < t1, oldest first. The first retained run has no transition (its "from" is gone).
    std::vector<TrackTransition> transitions(std::int64_t t0, std::int64_t t1) const;

    // Marks the reason ids in use, and renumbers them after ReasonPool::compact().
    void markReasons(std::vector<bool> &live) const;
    void remapReasons(const std::vector<ReasonId> &map);

    std::size_t memoryBytes() const { return sizeof(*this) + m_runs.memoryBytes(); }

private:
    struct Run
    {
        std::uint32_t offset = 0; // ms after m_base
        ReasonId reason = 0;
        BreakerState state = BreakerState::Closed;
    };

    std::int64_t startOf(std::size_t i) const { return m_base + m_runs[i].offset; }
    std::int64_t endOf(std::size_t i, std::int64_t lastRunUntil) const;
    std::size_t indexAt(std::int64_t t) const; // last run starting at or before t (0 when t precedes all)
    void rebase(std::int64_t t);

    CompactRing<Run> m_runs;
    std::int64_t m_base = 0;
    std::int64_t m_latest = 0;
    std::int64_t m_retentionMs = 0;
};

} // namespace bw
