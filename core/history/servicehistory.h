#pragma once

#include "history/historytypes.h"
#include "history/reasonpool.h"
#include "history/serieshistory.h"
#include "history/trackhistory.h"

#include <QString>

#include <array>
#include <memory>
#include <vector>

namespace bw {

// Everything kept for display about one service: its numeric series (created on first sample), its breaker
// tracks and the reason texts they refer to. Not thread-safe; movable, not copyable.
class ServiceHistory
{
public:
    // A state a breaker took at t and why, learnt after later states (see TrackHistory::prependPast).
    struct PastState
    {
        std::int64_t t = 0;
        BreakerState state = BreakerState::Closed;
        QString reason;
    };

    explicit ServiceHistory(const HistoryRetention &retention = {});

    void appendSample(SeriesKind series, std::int64_t t, double value);
    // A pre-reduced bucket read back from the history store (SeriesHistory::appendReduced).
    void appendReduced(SeriesKind series, const SeriesPoint &point);
    // Records the state of a breaker at t. `reason` is only stored when the state changes.
    void appendState(TrackKind track, std::int64_t t, BreakerState state, QStringView reason = {});
    // Fills in a track's past, oldest first: the states before its first run (TrackHistory::prependPast).
    void prependStates(TrackKind track, const std::vector<PastState> &past);

    // nullptr when the series never received a sample.
    const SeriesHistory *series(SeriesKind kind) const { return m_series[static_cast<std::size_t>(kind)].get(); }
    const TrackHistory &track(TrackKind kind) const { return m_tracks[static_cast<std::size_t>(kind)]; }
    QString reasonText(ReasonId id) const { return m_reasons.text(id); }
    const ReasonPool &reasons() const { return m_reasons; }

    std::size_t memoryBytes() const;

private:
    // Drops the reason texts no run refers to once the pool is large for the runs it serves (`adding` more to come),
    // so it stays proportional to the retained runs (amortised O(1) per append).
    void compactReasonsIfLarge(std::size_t adding);

    HistoryRetention m_retention;
    std::array<std::unique_ptr<SeriesHistory>, kSeriesKindCount> m_series;
    std::array<TrackHistory, kTrackKindCount> m_tracks;
    ReasonPool m_reasons;
};

} // namespace bw
