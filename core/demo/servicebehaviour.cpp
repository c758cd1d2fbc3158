#include "demo/servicebehaviour.h"

#include <algorithm>
#include <array>

using namespace Qt::StringLiterals;

namespace bw {

namespace {

constexpr std::array kModes{BehaviourMode::Healthy,  BehaviourMode::Flaky,   BehaviourMode::Outage,
                            BehaviourMode::Flapping, BehaviourMode::Slow,    BehaviourMode::Brownout,
                            BehaviourMode::Dead,     BehaviourMode::Hanging, BehaviourMode::Down};

std::uint64_t mix(std::uint64_t z)
{
    z += 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

} // namespace

QString modeName(BehaviourMode mode)
{
    switch (mode) {
    case BehaviourMode::Healthy:
        return u"healthy"_s;
    case BehaviourMode::Flaky:
        return u"flaky"_s;
    case BehaviourMode::Outage:
        return u"outage"_s;
    case BehaviourMode::Flapping:
        return u"flapping"_s;
    case BehaviourMode::Slow:
        return u"slow"_s;
    case BehaviourMode::Brownout:
        return u"brownout"_s;
    case BehaviourMode::Dead:
        return u"dead"_s;
    case BehaviourMode::Hanging:
        return u"hanging"_s;
    case BehaviourMode::Down:
        return u"down"_s;
    }
    return {};
}

std::optional<BehaviourMode> modeFromName(QStringView name)
{
    for (BehaviourMode mode : kModes) {
        if (name.compare(modeName(mode), Qt::CaseInsensitive) == 0)
            return mode;
    }
    return std::nullopt;
}

QStringList modeNames()
{
    QStringList names;
    for (BehaviourMode mode : kModes)
        names << modeName(mode);
    return names;
}

double ServiceBehaviour::uniform(std::uint64_t seed, std::uint64_t a, std::uint64_t b)
{
    return static_cast<double>(mix(mix(seed ^ mix(a)) ^ b) >> 11) * 0x1.0p-53;
}

double ServiceBehaviour::errorRate(BehaviourMode mode, std::int64_t t) const
{
    switch (mode) {
    case BehaviourMode::Healthy:
    case BehaviourMode::Slow:
        return 0.01;
    case BehaviourMode::Flaky:
        return 0.30;
    case BehaviourMode::Outage: {
        const std::int64_t phase = t % 240'000;
        return phase >= 20'000 && phase < 80'000 ? 1.0 : 0.01;
    }
    case BehaviourMode::Flapping:
        return (t / 15'000) % 2 == 1 ? 0.95 : 0.01;
    case BehaviourMode::Brownout: {
        const std::int64_t phase = t % 180'000;
        return phase < 120'000 ? 0.8 * static_cast<double>(phase) / 120'000.0 : 0.02;
    }
    case BehaviourMode::Dead:
    case BehaviourMode::Hanging:
    case BehaviourMode::Down:
        return 1.0;
    }
    return 0;
}

BehaviourDecision ServiceBehaviour::decide(BehaviourMode mode, std::int64_t t, std::uint64_t n) const
{
    BehaviourDecision decision;
    if (mode == BehaviourMode::Dead) {
        decision.listen = false;
        decision.ok = false;
        return decision;
    }
    if (mode == BehaviourMode::Hanging) {
        decision.answer = false;
        decision.ok = false;
        return decision;
    }
    decision.latencyMs = 10 + 40 * uniform(m_seed, n, 1);
    if (mode == BehaviourMode::Slow && (t % 90'000) >= 30'000 && (t % 90'000) < 60'000)
        decision.latencyMs = 2500 + 1500 * uniform(m_seed, n, 2);
    decision.ok = uniform(m_seed, n, 3) >= errorRate(mode, t);
    decision.status = decision.ok ? 200 : 503;
    return decision;
}

BehaviourMode defaultScenarioMode(int serviceIndex)
{
    // Names in the default fleet follow this order: checkout, search, payments, inventory, recommendations,
    // shipping, ledger, notifications; then healthy/flaky/outage/flapping repeating.
    static constexpr std::array mix{BehaviourMode::Healthy,  BehaviourMode::Flaky,  BehaviourMode::Outage,
                                    BehaviourMode::Flapping, BehaviourMode::Slow,   BehaviourMode::Brownout,
                                    BehaviourMode::Dead,     BehaviourMode::Hanging};
    if (serviceIndex < static_cast<int>(mix.size()))
        return mix[static_cast<std::size_t>(serviceIndex)];
    static constexpr std::array rest{BehaviourMode::Healthy, BehaviourMode::Healthy, BehaviourMode::Flaky,
                                     BehaviourMode::Outage, BehaviourMode::Flapping};
    return rest[static_cast<std::size_t>(serviceIndex) % rest.size()];
}

} // namespace bw
