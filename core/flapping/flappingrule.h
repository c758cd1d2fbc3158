#pragma once

#include <QString>

#include <cstdint>

namespace bw {

// When a breaker is flapping: more than maxOpens opens in windowMs (by default more than 3 in 10 minutes, the rule
// of the shipped Prometheus alert BreakerFlapping). The one definition the monitor's counts, the alerts, the
// what-if's episodes, the flapping chart and the table's flag all use.
struct FlappingRule
{
    int maxOpens = 3;
    std::int64_t windowMs = 10 * 60'000;

    bool isFlapping(int opensInWindow) const { return opensInWindow > maxOpens; }
    // A flapping episode ends once the opens in the window fall to half the threshold, so a count wobbling around
    // it does not fire again and again.
    bool hasCalmedDown(int opensInWindow) const { return opensInWindow <= maxOpens / 2; }
    // "more than 3 opens in 10 min"
    QString describe() const;

    friend bool operator==(const FlappingRule &, const FlappingRule &) = default;
};

} // namespace bw
