#include "flapping/opensinwindowdetector.h"

#include <algorithm>

namespace bw {

OpensInWindowDetector::OpensInWindowDetector(FlappingRule rule)
    : m_rule{std::max(0, rule.maxOpens), std::max<std::int64_t>(1, rule.windowMs)}
{}

bool OpensInWindowDetector::recordOpen(std::int64_t t)
{
    while (!m_opens.empty() && m_opens.front() <= t - m_rule.windowMs)
        m_opens.pop_front();
    const bool wasFlapping = m_rule.isFlapping(static_cast<int>(m_opens.size()));
    m_opens.push_back(t);
    const bool flapping = m_rule.isFlapping(static_cast<int>(m_opens.size()));
    if (flapping && !wasFlapping) {
        ++m_episodes;
        return true;
    }
    return false;
}

int OpensInWindowDetector::opensInWindow(std::int64_t now) const
{
    const auto first = std::upper_bound(m_opens.begin(), m_opens.end(), now - m_rule.windowMs);
    const auto last = std::upper_bound(m_opens.begin(), m_opens.end(), now);
    return static_cast<int>(last - first);
}

} // namespace bw
