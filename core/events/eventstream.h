#pragma once

#include "breaker/calloutcome.h"

#include <cstdint>
#include <vector>

namespace bw {

// A recorded or generated sequence of call outcomes, t non-decreasing: the input of replay and what-if.
struct EventStream
{
    std::vector<CallOutcome> events;

    std::int64_t size() const { return static_cast<std::int64_t>(events.size()); }
    bool empty() const { return events.empty(); }
    std::int64_t firstT() const { return events.empty() ? 0 : events.front().t; }
    std::int64_t lastT() const { return events.empty() ? 0 : events.back().t; }

    // `--timeout-ms N`: a call with latency_ms > N becomes a failure at its own t. Returns how many changed.
    std::int64_t applyLatencyTimeout(double timeoutMs);
};

} // namespace bw
