#include "history/servicehistory.h"

namespace bw {

ServiceHistory::ServiceHistory(const HistoryRetention &retention)
    : m_retention(retention), m_tracks{TrackHistory(retention), TrackHistory(retention)}
{}

void ServiceHistory::appendSample(SeriesKind kind, std::int64_t t, double value)
{
    auto &series = m_series[static_cast<std::size_t>(kind)];
    if (!series)
        series = std::make_unique<SeriesHistory>(m_retention);
    series->append(t, value);
}

void ServiceHistory::appendReduced(SeriesKind kind, const SeriesPoint &point)
{
    auto &series = m_series[static_cast<std::size_t>(kind)];
    if (!series)
        series = std::make_unique<SeriesHistory>(m_retention);
    series->appendReduced(point);
}

void ServiceHistory::appendState(TrackKind kind, std::int64_t t, BreakerState state, QStringView reason)
{
    TrackHistory &track = m_tracks[static_cast<std::size_t>(kind)];
    if (!track.wouldChange(state)) {
        track.append(t, state, 0);
        return;
    }
    ReasonId id = m_reasons.find(reason);
    if (id == 0 && !reason.isEmpty()) {
        compactReasonsIfLarge(1);
        id = m_reasons.intern(reason);
    }
    track.append(t, state, id);
}

void ServiceHistory::prependStates(TrackKind kind, const std::vector<PastState> &past)
{
    if (past.empty())
        return;
    compactReasonsIfLarge(past.size()); // before interning: a compaction would renumber the ids taken below
    std::vector<TrackHistory::PastRun> runs;
    runs.reserve(past.size());
    for (const PastState &state : past)
        runs.push_back({state.t, state.state, m_reasons.intern(state.reason)});
    m_tracks[static_cast<std::size_t>(kind)].prependPast(runs);
}

void ServiceHistory::compactReasonsIfLarge(std::size_t adding)
{
    std::size_t runs = 0;
    for (const TrackHistory &each : m_tracks)
        runs += each.runCount();
    if (m_reasons.size() < std::max<std::size_t>(64, 2 * runs) && m_reasons.size() + adding <= ReasonPool::kMaxEntries)
        return;
    std::vector<bool> live(m_reasons.size() + 1, false);
    for (const TrackHistory &each : m_tracks)
        each.markReasons(live);
    const std::vector<ReasonId> map = m_reasons.compact(live);
    for (TrackHistory &each : m_tracks)
        each.remapReasons(map);
}

std::size_t ServiceHistory::memoryBytes() const
{
    std::size_t bytes = sizeof(*this) + m_reasons.memoryBytes();
    for (const auto &series : m_series) {
        if (series)
            bytes += series->memoryBytes();
    }
    for (const TrackHistory &track : m_tracks)
        bytes += track.memoryBytes() - sizeof(TrackHistory); // the object itself is inside *this
    return bytes;
}

} // namespace bw
