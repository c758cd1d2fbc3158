#pragma once

#include <cstdint>
#include <deque>

namespace bw {

// "More than N opens in W": our default flapping alert (more than 3 opens in 10 minutes).
// Feed it the times of transitions to open, in order; ask at any later time. Pure, clock-free.
class OpensInWindowDetector
{
public:
    explicit OpensInWindowDetector(int maxOpens = 3, std::int64_t windowMs = 600'000);

    // Records an open at t. Returns true when this open starts a flapping episode.
    bool recordOpen(std::int64_t t);
    // Opens in (now - window, now].
    int opensInWindow(std::int64_t now) const;
    bool isFlapping(std::int64_t now) const { return opensInWindow(now) > m_maxOpens; }
    int episodes() const { return m_episodes; }
    int maxOpens() const { return m_maxOpens; }
    std::int64_t windowMs() const { return m_windowMs; }

private:
    int m_maxOpens;
    std::int64_t m_windowMs;
    std::deque<std::int64_t> m_opens;
    int m_episodes = 0;
};

} // namespace bw
