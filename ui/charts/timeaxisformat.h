#pragma once

#include <QString>

#include <cstdint>

namespace bw {

// How a chart's time axis reads for a span: the label format (local time) and how many ticks. Pure.
struct TimeAxisFormat
{
    QString format; // QDateTime format: "HH:mm:ss" up to 30 min, "HH:mm" beyond
    int tickCount = 7;

    static TimeAxisFormat forSpan(std::int64_t spanMs);
};

} // namespace bw
