#include "history/recentfigures.h"

namespace bw {

std::optional<double> recentErrorRatePercent(const FleetHistory &history, int row, std::int64_t nowMs)
{
    if (row < 0 || row >= history.serviceCount())
        return std::nullopt;
    double sum = 0;
    double count = 0;
    for (const SeriesPoint &p :
         history.buckets(row, SeriesKind::ErrorRate, nowMs - kRecentFiguresWindowMs, nowMs + 1, 60)) {
        sum += static_cast<double>(p.mean) * p.count;
        count += p.count;
    }
    if (count <= 0)
        return std::nullopt;
    return sum / count;
}

std::optional<double> recentP95LatencyMs(const FleetHistory &history, int row, std::int64_t nowMs)
{
    if (row < 0 || row >= history.serviceCount())
        return std::nullopt;
    const auto points = history.buckets(row, SeriesKind::LatencyP95, nowMs - kRecentFiguresWindowMs, nowMs + 1, 1);
    if (points.empty())
        return std::nullopt;
    return points.back().last;
}

std::optional<std::int64_t> earliestRecordedTime(const FleetHistory &history)
{
    std::optional<std::int64_t> earliest;
    for (int row = 0; row < history.serviceCount(); ++row) {
        for (const TrackKind kind : {TrackKind::Simulated, TrackKind::Observed}) {
            const TrackHistory &track = history.service(row).track(kind);
            if (track.empty())
                continue;
            // One merged run from the start of time: its start is the track's oldest.
            const auto runs = track.runs(std::numeric_limits<std::int64_t>::min() / 2, track.latestTime() + 1,
                                         std::numeric_limits<std::int64_t>::max() / 4);
            if (!runs.empty())
                earliest = std::min(earliest.value_or(runs.front().start), runs.front().start);
        }
    }
    return earliest;
}

} // namespace bw
