#include "charts/timeaxisformat.h"

#include <algorithm>
#include <array>

using namespace Qt::StringLiterals;

namespace bw {

TimeAxisFormat TimeAxisFormat::forSpan(std::int64_t spanMs, int plotWidthPx, int labelWidthPx)
{
    constexpr std::int64_t second = 1000;
    constexpr std::int64_t minute = 60 * second;
    TimeAxisFormat out{spanMs <= 10 * minute ? u"HH:mm:ss"_s : u"HH:mm"_s, 7};
    int most = 7;
    if (plotWidthPx > 0 && labelWidthPx > 0)
        most = std::clamp(plotWidthPx / (labelWidthPx + 16) + 1, 2, 7);
    // The first tick is the left edge (now - span): ticks a round interval apart (15 min / 5 = 3 min, 1 h / 6 =
    // 10 min, 24 h / 6 = 4 h) make the labels easy to read even when the times themselves are not round.
    static constexpr std::array round{10 * second,     15 * second,     30 * second,     minute,
                                      2 * minute,      3 * minute,      5 * minute,      10 * minute,
                                      15 * minute,     20 * minute,     30 * minute,     60 * minute,
                                      2 * 60 * minute, 3 * 60 * minute, 4 * 60 * minute, 6 * 60 * minute};
    for (int ticks = most; ticks >= 2; --ticks) {
        const std::int64_t step = spanMs / (ticks - 1);
        if (spanMs % (ticks - 1) == 0 && std::find(round.begin(), round.end(), step) != round.end()) {
            out.tickCount = ticks;
            return out;
        }
    }
    out.tickCount = most;
    return out;
}

} // namespace bw
