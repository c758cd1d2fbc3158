#pragma once

#include "breaker/calloutcome.h"

#include <algorithm>
#include <cstdint>

namespace bw {

// How counter-derived traffic becomes calls, the one rule for live metrics (CircuitBreaker::onBatch) and for
// history backfilled from Prometheus: the batch's calls are spread evenly over (t0, t1] (call i of n at
// t0 + span * (i + 1) / n), exactly `failures` of them failed and `slow` of the good ones slow, each interleaved
// evenly (Bresenham). `call(const CallOutcome &)` is invoked once per call, in time order. Pure.
template<typename CallFn>
void forEachCallInBatch(const CallBatch &batch, CallFn &&call)
{
    __extension__ using Wide = __int128; // exact interleaving for any count
    const std::int64_t calls = batch.successes + batch.failures + batch.slow;
    if (calls <= 0)
        return;
    const Wide span = std::max<std::int64_t>(0, batch.t1 - batch.t0);
    const std::int64_t good = calls - batch.failures;
    std::int64_t goodIndex = 0;
    for (std::int64_t i = 0; i < calls; ++i) {
        const auto t = batch.t0 + static_cast<std::int64_t>(span * (i + 1) / calls);
        const bool failed =
            static_cast<Wide>(i + 1) * batch.failures / calls > static_cast<Wide>(i) * batch.failures / calls;
        bool slow = false;
        if (!failed) {
            slow = good > 0 && static_cast<Wide>(goodIndex + 1) * batch.slow / good >
                                   static_cast<Wide>(goodIndex) * batch.slow / good;
            ++goodIndex;
        }
        call(CallOutcome{t, slow ? batch.slowLatencyMs : batch.fastLatencyMs, !failed});
    }
}

} // namespace bw
