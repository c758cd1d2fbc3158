#pragma once

#include "history/historytypes.h"

#include <cstdint>
#include <vector>

namespace bw {

// A stretch of one breaker's timeline band over all its instances: how many of them were in which state. The
// timeline draws a breaker on several instances as one band of these ("2/3 OPEN"), unfolding to a band per instance.
struct FoldedRun
{
    std::int64_t start = 0;
    std::int64_t end = 0;
    int members = 0; // instances with a run in the stretch (no data is not a member)
    int open = 0;    // open or forced open
    int halfOpen = 0;
    int notClosed = 0; // anything but closed, open and half-open included
    int flapping = 0;  // instances whose run there is a flapping stretch (DisplayRun::mixed)
    BreakerState worst = BreakerState::Closed;

    bool operator==(const FoldedRun &) const = default;
};

// Folds the runs of several instances' tracks (each sorted by start, not overlapping, as TrackHistory::runs() gives
// them) into the stretches where the counts stay the same; neighbours with equal counts and worst state merge.
// A flapping stretch counts as its worst state. Pure.
std::vector<FoldedRun> foldRuns(const std::vector<std::vector<DisplayRun>> &tracks);

} // namespace bw
