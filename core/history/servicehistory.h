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
    explicit ServiceHistory(const HistoryRetention &retention = {});

    void appendSample(SeriesKind series, std::int64_t t, double value);
    // A pre-reduced bucket read back from the history store (SeriesHistory::appendReduced).
    void appendReduced(SeriesKind series, const SeriesPoint &point);
    // Records the state of a breaker at t. `reason` is only stored when the state changes.
    void appendState(TrackKind track, std::int64_t t, BreakerState state, QStringView reason = {});

    // nullptr when the series never received a sample.
    const SeriesHistory *series(SeriesKind kind) const { return m_series[static_cast<std::size_t>(kind)].get(); }
    const TrackHistory &track(TrackKind kind) const { return m_tracks[static_cast<std::size_t>(kind)]; }
    QString reasonText(ReasonId id) const { return m_reasons.text(id); }
    const ReasonPool &reasons() const { return m_reasons; }

    std::size_t memoryBytes() const;

private:
    HistoryRetention m_retention;
    std::array<std::unique_ptr<SeriesHistory>, kSeriesKindCount> m_series;
    std::array<TrackHistory, kTrackKindCount> m_tracks;
    ReasonPool m_reasons;
};

} // namespace bw
