#pragma once

#include "history/fleethistory.h"

#include <cstdint>
#include <optional>

namespace bw {

// The figures the overview shows for "now", read from the display history of one breaker (its FleetHistory row).
// A single scrape's batch is a handful of calls, so its error rate jumps between 0 and 100 %: the last minute's
// mean, weighted by samples, is what an operator wants to read. p95 is the latest of the last minute.
inline constexpr std::int64_t kRecentFiguresWindowMs = 60'000;

std::optional<double> recentErrorRatePercent(const FleetHistory &history, int row, std::int64_t nowMs);
std::optional<double> recentP95LatencyMs(const FleetHistory &history, int row, std::int64_t nowMs);
// The time of the oldest state any breaker has in the display history (restored or live); nullopt when empty.
std::optional<std::int64_t> earliestRecordedTime(const FleetHistory &history);

} // namespace bw
