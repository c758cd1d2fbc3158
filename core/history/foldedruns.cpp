#include "history/foldedruns.h"

#include "fleet/rollup.h"

#include <algorithm>

namespace bw {

std::vector<FoldedRun> foldRuns(const std::vector<std::vector<DisplayRun>> &tracks)
{
    std::vector<std::int64_t> bounds;
    for (const auto &runs : tracks)
        for (const DisplayRun &run : runs)
            if (run.end > run.start) {
                bounds.push_back(run.start);
                bounds.push_back(run.end);
            }
    std::sort(bounds.begin(), bounds.end());
    bounds.erase(std::unique(bounds.begin(), bounds.end()), bounds.end());

    std::vector<FoldedRun> folded;
    std::vector<std::size_t> next(tracks.size(), 0); // per track: the first run that may still cover a stretch
    for (std::size_t b = 0; b + 1 < bounds.size(); ++b) {
        FoldedRun stretch;
        stretch.start = bounds[b];
        stretch.end = bounds[b + 1];
        for (std::size_t t = 0; t < tracks.size(); ++t) {
            const auto &runs = tracks[t];
            std::size_t &i = next[t];
            while (i < runs.size() && runs[i].end <= stretch.start)
                ++i;
            if (i >= runs.size() || runs[i].start > stretch.start)
                continue; // no data for this instance here
            const DisplayRun &run = runs[i];
            const BreakerState state = run.mixed ? run.worst : run.state;
            ++stretch.members;
            stretch.open += rejectsAll(state);
            stretch.halfOpen += state == BreakerState::HalfOpen;
            stretch.notClosed += state != BreakerState::Closed;
            stretch.flapping += run.mixed;
            if (stretch.members == 1 || worseState(state, stretch.worst))
                stretch.worst = state;
        }
        if (stretch.members == 0)
            continue;
        if (!folded.empty()) {
            FoldedRun &last = folded.back();
            FoldedRun same = stretch;
            same.start = last.start;
            same.end = last.end;
            if (last.end == stretch.start && same == last) {
                last.end = stretch.end;
                continue;
            }
        }
        folded.push_back(stretch);
    }
    return folded;
}

} // namespace bw
