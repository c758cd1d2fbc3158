#include "charts/timeaxisformat.h"

#include <algorithm>
#include <array>

using namespace Qt::StringLiterals;

namespace bw {

TimeAxisTicks TimeAxisTicks::forRange(std::int64_t t0, std::int64_t t1, int plotWidthPx, int labelWidthPx,
                                      int secondsLabelWidthPx, std::int64_t utcOffsetMs)
{
    constexpr std::int64_t second = 1000;
    constexpr std::int64_t minute = 60 * second;
    constexpr std::int64_t hour = 60 * minute;
    static constexpr std::array round{second,      2 * second,  5 * second, 10 * second, 15 * second,
                                      30 * second, minute,      2 * minute, 5 * minute,  10 * minute,
                                      15 * minute, 30 * minute, hour,       2 * hour,    3 * hour,
                                      4 * hour,    6 * hour,    12 * hour,  24 * hour};
    const auto fitting = [plotWidthPx](int labelWidth) {
        if (plotWidthPx <= 0 || labelWidth <= 0)
            return 7;
        return std::clamp(plotWidthPx / (labelWidth + 16), 2, 7); // 16 px between two labels
    };
    TimeAxisTicks out;
    if (t1 <= t0) {
        out.format = u"HH:mm:ss"_s;
        out.ticks = {t0};
        return out;
    }
    // The smallest round step whose ticks fit: as many labels as there is room for.
    for (const std::int64_t step : round) {
        const bool seconds = step < minute;
        const auto floorDiv = [](std::int64_t a, std::int64_t b) { return a / b - (a % b < 0 ? 1 : 0); };
        const std::int64_t first = (floorDiv(t0 + utcOffsetMs - 1, step) + 1) * step - utcOffsetMs; // >= t0
        const std::int64_t count = first > t1 ? 0 : (t1 - first) / step + 1;
        if (count < 2 || count > fitting(seconds ? secondsLabelWidthPx : labelWidthPx))
            continue;
        out.format = seconds ? u"HH:mm:ss"_s : u"HH:mm"_s;
        out.stepMs = step;
        for (std::int64_t t = first; t <= t1; t += step)
            out.ticks << t;
        return out;
    }
    // Shorter than two round seconds, or too narrow for even two labels a round step apart: the edges.
    out.format = t1 - t0 < 10 * minute ? u"HH:mm:ss"_s : u"HH:mm"_s;
    out.ticks = {t0, t1};
    return out;
}

} // namespace bw
