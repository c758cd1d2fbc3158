#pragma once

#include <QString>

#include <cstdint>

namespace bw {

// How a chart's time axis reads for a span: the label format (local time) and how many ticks. Pure.
struct TimeAxisFormat
{
    QString format; // QDateTime format: "HH:mm:ss" up to 10 min, "HH:mm" beyond (ticks are minutes apart)
    int tickCount = 7;

    // With the plot's width and a label's width in pixels, no more ticks than fit side by side (so labels are never
    // cut to "18:37:…"), still a round interval apart where one exists.
    static TimeAxisFormat forSpan(std::int64_t spanMs, int plotWidthPx = 0, int labelWidthPx = 0);
};

} // namespace bw
