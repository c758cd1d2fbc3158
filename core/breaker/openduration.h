#pragma once

#include "breaker/breakerpolicy.h"

#include <cstdint>

namespace bw {

// How long each open lasts: constant, exponential or Envoy-style decaying backoff, with optional jitter
// drawn from a seeded generator so that a replay is reproducible to the millisecond.
class OpenDurationSchedule
{
public:
    OpenDurationSchedule() = default;
    explicit OpenDurationSchedule(const BreakerPolicy &policy);

    // Duration of the open that starts at t. fromHalfOpen: a failed probe re-opens (attempt + 1).
    std::int64_t nextOpen(std::int64_t t, bool fromHalfOpen);
    // The breaker closed at t (Resilience4j resets the attempt; Envoy starts counting healthy time).
    void closed(std::int64_t t);
    // Fresh start (manual reset).
    void reset();

    int attempt() const { return m_attempt; }

private:
    std::uint64_t nextRandom();

    BackoffKind m_kind = BackoffKind::Constant;
    std::int64_t m_baseMs = 0;
    double m_multiplier = 1.5;
    std::int64_t m_maxMs = 0;
    std::int64_t m_decayMs = 10'000;
    double m_jitter = 0;
    std::uint64_t m_rngState = 1;
    int m_attempt = 0;
    std::int64_t m_closedAt = -1;
};

} // namespace bw
