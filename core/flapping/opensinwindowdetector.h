#pragma once

#include "flapping/flappingrule.h"

#include <cstdint>
#include <deque>

namespace bw {

// Counts opens in a sliding window, for a FlappingRule (more than N opens in W).
// Feed it the times of transitions to open, in order; ask at any later time. Pure, clock-free.
class OpensInWindowDetector
{
public:
    explicit OpensInWindowDetector(FlappingRule rule = {});

    // Records an open at t. Returns true when this open starts a flapping episode.
    bool recordOpen(std::int64_t t);
    // Opens in (now - window, now].
    int opensInWindow(std::int64_t now) const;
    bool isFlapping(std::int64_t now) const { return m_rule.isFlapping(opensInWindow(now)); }
    int episodes() const { return m_episodes; }
    const FlappingRule &rule() const { return m_rule; }

private:
    FlappingRule m_rule;
    std::deque<std::int64_t> m_opens;
    int m_episodes = 0;
};

} // namespace bw
