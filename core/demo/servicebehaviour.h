#pragma once

#include <QString>
#include <QStringList>

#include <cstdint>
#include <optional>

namespace bw {

// What a simulated service does over time. Pure and seeded: the same (mode, seed, t, n) always gives the same
// answer, so a demo run with a fixed seed is reproducible and tests can assert on it.
enum class BehaviourMode : std::uint8_t
{
    Healthy,  // fast successes
    Flaky,    // ~30 % random failures
    Outage,   // healthy, then 60 s of total failure every 4 minutes (starting 20 s in)
    Flapping, // 15 s healthy, 15 s failing, repeated: more than 3 opens in the first two minutes
    Slow,     // latency spikes of 2.5-4 s for 30 s of every 90 s
    Brownout, // error rate climbing from 0 % to 80 % over 2 minutes, then recovering
    Dead,     // nothing listens: connection refused
    Hanging,  // accepts and never answers
    Down,     // every request fails with 503 (for fault injection)
};

QString modeName(BehaviourMode mode);
std::optional<BehaviourMode> modeFromName(QStringView name);
QStringList modeNames();

struct BehaviourDecision
{
    bool ok = true;
    int status = 200;      // HTTP status a health endpoint answers with
    double latencyMs = 20; // how long the answer takes
    bool answer = true;    // false: hang (never answer)
    bool listen = true;    // false: refuse connections
};

class ServiceBehaviour
{
public:
    ServiceBehaviour() = default;
    ServiceBehaviour(BehaviourMode mode, std::uint64_t seed) : m_mode(mode), m_seed(seed) {}

    // The n-th request at time t (ms since the fleet started). `mode` may be overridden by fault injection.
    BehaviourDecision decide(std::int64_t t, std::uint64_t n) const { return decide(m_mode, t, n); }
    BehaviourDecision decide(BehaviourMode mode, std::int64_t t, std::uint64_t n) const;
    // The failure probability of background traffic at t (for counters and the in-process breaker).
    double errorRate(BehaviourMode mode, std::int64_t t) const;

    BehaviourMode mode() const { return m_mode; }
    std::uint64_t seed() const { return m_seed; }

    // A uniform value in [0, 1) for (seed, a, b): SplitMix64, identical on every platform.
    static double uniform(std::uint64_t seed, std::uint64_t a, std::uint64_t b);

private:
    BehaviourMode m_mode = BehaviourMode::Healthy;
    std::uint64_t m_seed = 1;
};

// The default scenario's mix, chosen so that every breaker state and a flapping alert appear in two minutes.
BehaviourMode defaultScenarioMode(int serviceIndex);

} // namespace bw
