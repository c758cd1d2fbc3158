#pragma once

#include <QList>
#include <QString>

#include <cstdint>

namespace bw {

// Where a chart's time axis puts its labels for a range: at round local times (12:54, 12:55, ... or 12:54:30 when
// they are seconds apart), a round interval apart, and no more than fit side by side, so no label is cut to
// "18:37:…" and a 5-minute chart in a narrow pane still reads minute by minute. Pure.
struct TimeAxisTicks
{
    QString format;            // QDateTime format: "HH:mm:ss" when the ticks are seconds apart, else "HH:mm"
    std::int64_t stepMs = 0;   // 0: no round step fits; the ticks are the two edges
    QList<std::int64_t> ticks; // epoch ms within [t0, t1], oldest first

    // `labelWidthPx` for an "HH:mm" label and `secondsLabelWidthPx` for "HH:mm:ss", in the axis font; 0: a wide
    // plot (at most 7 labels). `utcOffsetMs`: local time's offset at t0, so that hours fall on local hours.
    static TimeAxisTicks forRange(std::int64_t t0, std::int64_t t1, int plotWidthPx = 0, int labelWidthPx = 0,
                                  int secondsLabelWidthPx = 0, std::int64_t utcOffsetMs = 0);
};

} // namespace bw
