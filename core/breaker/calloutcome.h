#pragma once

#include <cstdint>

namespace bw {

// The unit a breaker consumes: one call at time t (ms) that succeeded or failed after latencyMs.
// 16 bytes so that ten million of them stream through a cache line four at a time.
struct CallOutcome
{
    std::int64_t t = 0;
    float latencyMs = 0;
    bool ok = true;
};

// Traffic derived from counters: between t0 and t1 there were `successes` fast successes, `failures`
// failures and `slow` successes slower than the policy's slow-call duration (reported with slowLatencyMs).
struct CallBatch
{
    std::int64_t t0 = 0;
    std::int64_t t1 = 0;
    std::int64_t successes = 0;
    std::int64_t failures = 0;
    std::int64_t slow = 0;
    float fastLatencyMs = 0;
    float slowLatencyMs = 0;
};

} // namespace bw
