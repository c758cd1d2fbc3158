#include "flapping/percentstatechange.h"

#include <algorithm>

namespace bw {

namespace {
constexpr double kLowWeight = 0.8;
constexpr double kHighWeight = 1.2;
} // namespace

PercentStateChange::PercentStateChange(double lowPercent, double highPercent, int historySize)
    : m_low(lowPercent), m_high(std::max(lowPercent, highPercent)), m_size(std::max(3, historySize)),
      m_history(static_cast<std::size_t>(m_size), 0)
{}

PercentStateChange::Change PercentStateChange::record(int state)
{
    m_history[m_next] = state;
    m_next = (m_next + 1) % m_size;
    m_filled = std::min(m_filled + 1, m_size);

    // Walk oldest to newest; change x (1-based over the m_size-1 possible changes) weighs
    // low + (x-1) * (high-low) / (size-2). The denominator is always size-1, as in Nagios, so a
    // short history reads as calmer rather than flappier.
    const int oldest = m_filled == m_size ? m_next : 0;
    const int offset = m_size - m_filled; // a short history sits at the newest end of the weights
    double weighted = 0;
    for (int i = 1; i < m_filled; ++i) {
        const int previous = m_history[(oldest + i - 1) % m_size];
        const int current = m_history[(oldest + i) % m_size];
        if (previous != current) {
            const int x = i + offset;
            weighted += kLowWeight + (x - 1) * (kHighWeight - kLowWeight) / (m_size - 2);
        }
    }
    m_percent = weighted * 100.0 / (m_size - 1);

    if (m_flapping && m_percent < m_low) {
        m_flapping = false;
        return Change::Stopped;
    }
    if (!m_flapping && m_percent > m_high) {
        m_flapping = true;
        return Change::Started;
    }
    return Change::None;
}

} // namespace bw
