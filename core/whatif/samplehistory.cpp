#include "whatif/samplehistory.h"

#include <cmath>

using namespace Qt::StringLiterals;

namespace bw {

namespace {

// mulberry32: small, fast, the same on every platform.
struct Random
{
    std::uint32_t state;
    std::uint32_t next()
    {
        std::uint32_t z = (state += 0x6D2B79F5u);
        z = (z ^ (z >> 15)) * (z | 1u);
        z ^= z + (z ^ (z >> 7)) * (z | 61u);
        return z ^ (z >> 14);
    }
    double uniform() { return (next() >> 8) * (1.0 / 16777216.0); }
};

constexpr std::int64_t kMinute = 60'000;
constexpr std::int64_t kHour = 60 * kMinute;

} // namespace

ReplayHistory sampleHistory(std::int64_t originMs, std::uint32_t seed, std::int64_t spanMs)
{
    ReplayHistory h;
    h.label = u"built-in sample: 24 h of one service at 1 s"_s;
    h.sourceKey = u"sample:%1:%2"_s.arg(seed).arg(spanMs);
    h.originMs = originMs;
    h.endMs = spanMs;
    // Outages at fixed fractions of the span, so shorter spans (tests) keep them.
    const auto at = [spanMs](double fraction) {
        return static_cast<std::int64_t>(fraction * static_cast<double>(spanMs));
    };
    h.outages = {
        {at(0.13), at(0.13) + 4 * kMinute}, {at(0.485), at(0.485) + 12 * kMinute}, {at(0.795), at(0.795) + 90'000}};
    const std::int64_t flapStart = at(0.625);
    const std::int64_t flapEnd = flapStart + 40 * kMinute;
    const std::int64_t slowStart = at(0.35);
    const std::int64_t slowEnd = slowStart + kHour;

    Random random{seed};
    h.stream.events.reserve(static_cast<std::size_t>(spanMs / 1000));
    std::size_t outage = 0;
    for (std::int64_t t = 0; t < spanMs; t += 1000) {
        while (outage < h.outages.size() && t >= h.outages[outage].end)
            ++outage;
        const bool down = outage < h.outages.size() && t >= h.outages[outage].start;
        double failure = 0.01;
        double latency = 25 + 30 * random.uniform() + (random.uniform() < 0.02 ? 200 * random.uniform() : 0);
        if (t >= flapStart && t < flapEnd)
            failure = ((t - flapStart) / (90'000)) % 2 == 0 ? 0.7 : 0.02;
        if (t >= slowStart && t < slowEnd) {
            latency *= 12;
            failure = 0.04;
        }
        const bool ok = down ? false : random.uniform() >= failure;
        h.stream.events.push_back({t, static_cast<float>(down ? 2000.0 : latency), ok});
    }
    h.notes << u"generated: 3 outages, a flapping stretch and a slow hour"_s;
    return h;
}

} // namespace bw
