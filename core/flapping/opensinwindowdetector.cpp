#include "flapping/opensinwindowdetector.h"

#include <algorithm>

namespace bw {

OpensInWindowDetector::OpensInWindowDetector(int maxOpens, std::int64_t windowMs)
    : m_maxOpens(std::max(0, maxOpens)), m_windowMs(std::max<std::int64_t>(1, windowMs))
{}

bool OpensInWindowDetector::recordOpen(std::int64_t t)
{
    while (!m_opens.empty() && m_opens.front() <= t - m_windowMs)
        m_opens.pop_front();
    const bool wasFlapping = static_cast<int>(m_opens.size()) > m_maxOpens;
    m_opens.push_back(t);
    const bool flapping = static_cast<int>(m_opens.size()) > m_maxOpens;
    if (flapping && !wasFlapping) {
        ++m_episodes;
        return true;
    }
    return false;
}

int OpensInWindowDetector::opensInWindow(std::int64_t now) const
{
    const auto first = std::upper_bound(m_opens.begin(), m_opens.end(), now - m_windowMs);
    const auto last = std::upper_bound(m_opens.begin(), m_opens.end(), now);
    return static_cast<int>(last - first);
}

} // namespace bw
