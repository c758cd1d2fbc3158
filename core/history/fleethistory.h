#pragma once

#include "breaker/transition.h"
#include "history/servicehistory.h"

#include <vector>

namespace bw {

// The display store of a whole fleet: one ServiceHistory per breaker, addressed by row (HistoryRecorder maps each
// BreakerId to its row and keeps the rows in step with the monitor's breakers). appendSample()/appendState() are the
// live tick; the views read through the const accessors. Times are epoch ms passed in by the caller; nothing here reads
// a clock or owns a timer.
//
// Threading: none. Feed and read it on one thread (the GUI thread, fed by queued signals from the monitor).
// Errors: an out-of-range service index is ignored by the appenders and gives empty results to the readers; late
// samples are dropped and late states clamped (see SeriesHistory and TrackHistory).
class FleetHistory
{
public:
    explicit FleetHistory(int serviceCount = 0, const HistoryRetention &retention = {});

    int serviceCount() const { return static_cast<int>(m_services.size()); }
    // Grows or shrinks the fleet; existing services keep their history.
    void resize(int serviceCount);
    // Rearranges the fleet after a configuration reload: new service i takes the history of old service
    // previousIndex[i], or starts empty when that is -1 (or out of range). Histories not taken are dropped.
    void remap(const std::vector<int> &previousIndex);
    const HistoryRetention &retention() const { return m_retention; }

    void appendSample(int service, SeriesKind series, std::int64_t t, double value);
    // Restoring from the history store: a pre-reduced bucket (SeriesHistory::appendReduced).
    void appendReduced(int service, SeriesKind series, const SeriesPoint &point);
    void appendState(int service, TrackKind track, std::int64_t t, BreakerState state, QStringView reason = {});
    // The past of a track learnt after its present (ServiceHistory::prependStates), oldest first.
    void prependStates(int service, TrackKind track, const std::vector<ServiceHistory::PastState> &past);
    // A transition of a breaker, with its reason rendered by TransitionReason::describe().
    void appendTransition(int service, TrackKind track, const Transition &transition);

    const ServiceHistory &service(int index) const { return m_services[static_cast<std::size_t>(index)]; }

    // Shortcuts for the views; empty results for a series never fed or an index out of range.
    std::vector<SeriesPoint> buckets(int service, SeriesKind series, std::int64_t t0, std::int64_t t1,
                                     int maxPoints) const;
    std::vector<DisplayRun> runs(int service, TrackKind track, std::int64_t t0, std::int64_t t1,
                                 std::int64_t minDurationMs, std::int64_t lastRunUntil = 0) const;

    // Bytes allocated by the store (container capacities, not sizes; allocator overhead not included).
    std::size_t memoryBytes() const;

private:
    bool valid(int service) const { return service >= 0 && service < serviceCount(); }

    HistoryRetention m_retention;
    std::vector<ServiceHistory> m_services;
};

} // namespace bw
