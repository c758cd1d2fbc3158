#include "charts/timeaxisformat.h"

using namespace Qt::StringLiterals;

namespace bw {

TimeAxisFormat TimeAxisFormat::forSpan(std::int64_t spanMs)
{
    constexpr std::int64_t minute = 60'000;
    // Tick counts that put the ticks a round interval apart: 15 min / 5 = 3 min, 1 h / 6 = 10 min, 6 h / 6 = 1 h,
    // 24 h / 6 = 4 h. The first tick is the left edge (now - span), so the times themselves are not round.
    if (spanMs <= 30 * minute)
        return {u"HH:mm:ss"_s, spanMs % (5 * minute) == 0 ? 6 : 7};
    return {u"HH:mm"_s, 7};
}

} // namespace bw
