#pragma once

#include "whatif/replayhistory.h"

namespace bw {

// A day of one service polled every second, for trying the workbench without recorded history (and for tests and
// the benchmark): mostly healthy (about 1 % failures, ~40 ms latency), three outages (4 min, 12 min and 90 s, every
// call failing), a 40-minute flapping stretch (failures coming and going every minute or two) and a slow brownout.
// Deterministic for a seed. originMs only labels the axis; the stream's times start at 0.
ReplayHistory sampleHistory(std::int64_t originMs, std::uint32_t seed = 1, std::int64_t spanMs = 24 * 3'600'000);

} // namespace bw
