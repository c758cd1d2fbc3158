#include "breaker/openduration.h"

#include <algorithm>
#include <cmath>

namespace bw {

OpenDurationSchedule::OpenDurationSchedule(const BreakerPolicy &policy)
    : m_kind(policy.backoff), m_baseMs(policy.openDurationMs), m_multiplier(policy.backoffMultiplier),
      m_maxMs(policy.maxOpenDurationMs), m_decayMs(std::max<std::int64_t>(1, policy.decayIntervalMs)),
      m_jitter(policy.jitterFactor), m_rngState(policy.jitterSeed)
{}

std::uint64_t OpenDurationSchedule::nextRandom()
{
    // SplitMix64: tiny, fast and identical on every platform.
    std::uint64_t z = (m_rngState += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

std::int64_t OpenDurationSchedule::nextOpen(std::int64_t t, bool fromHalfOpen)
{
    double duration = static_cast<double>(m_baseMs);
    switch (m_kind) {
    case BackoffKind::Constant:
        m_attempt = fromHalfOpen ? m_attempt + 1 : 1;
        break;
    case BackoffKind::Exponential:
        m_attempt = fromHalfOpen ? m_attempt + 1 : 1;
        duration = static_cast<double>(m_baseMs) * std::pow(m_multiplier, m_attempt - 1);
        break;
    case BackoffKind::EnvoyDecay:
        // The ejection multiplier drops by one per healthy interval since the last close.
        if (m_closedAt >= 0 && !fromHalfOpen)
            m_attempt = static_cast<int>(std::max<std::int64_t>(0, m_attempt - (t - m_closedAt) / m_decayMs));
        ++m_attempt;
        duration = static_cast<double>(m_baseMs) * m_attempt;
        break;
    }
    if (m_maxMs > 0)
        duration = std::min(duration, static_cast<double>(m_maxMs));
    if (m_jitter > 0) {
        // Resilience4j's randomize(): uniform over [d - f*d, d + f*d].
        const double delta = m_jitter * duration;
        const double unit = static_cast<double>(nextRandom() >> 11) * 0x1.0p-53;
        duration = (duration - delta) + unit * (2 * delta + 1);
    }
    return static_cast<std::int64_t>(duration);
}

void OpenDurationSchedule::closed(std::int64_t t)
{
    m_closedAt = t;
    if (m_kind != BackoffKind::EnvoyDecay)
        m_attempt = 0;
}

void OpenDurationSchedule::reset()
{
    m_attempt = 0;
    m_closedAt = -1;
}

} // namespace bw
