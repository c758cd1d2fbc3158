#include "store/quantiser.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace bw {

namespace {

constexpr double kLatencyUnitMs = 0.01;
constexpr double kStepsPerOctave = 64.0;
constexpr double kMaxLatencyMs = 1e9;

const std::array<double, Quantiser::kMaxLatencyCode + 1> &latencyTable()
{
    static const auto table = [] {
        std::array<double, Quantiser::kMaxLatencyCode + 1> t{};
        for (std::size_t i = 0; i < t.size(); ++i)
            t[i] = kLatencyUnitMs * (std::exp2(static_cast<double>(i) / kStepsPerOctave) - 1.0);
        return t;
    }();
    return table;
}

} // namespace

std::int64_t Quantiser::rate(double percent)
{
    const double clamped = std::clamp(percent, -1e5, 1e5);
    return std::llround(clamped * 100.0);
}

std::int64_t Quantiser::latency(double ms)
{
    const double clamped = std::clamp(ms, 0.0, kMaxLatencyMs); // NaN is the caller's business (absent)
    return std::llround(kStepsPerOctave * std::log2(1.0 + clamped / kLatencyUnitMs));
}

double Quantiser::latencyValue(std::int64_t code)
{
    return latencyTable()[static_cast<std::size_t>(std::clamp<std::int64_t>(code, 0, kMaxLatencyCode))];
}

std::int64_t Quantiser::encode(SeriesKind kind, double value)
{
    return kind == SeriesKind::ErrorRate ? rate(value) : latency(value);
}

double Quantiser::decode(SeriesKind kind, std::int64_t code)
{
    return kind == SeriesKind::ErrorRate ? rateValue(code) : latencyValue(code);
}

bool Quantiser::valid(SeriesKind kind, std::int64_t code)
{
    if (kind == SeriesKind::ErrorRate)
        return code >= -kMaxRateCode && code <= kMaxRateCode;
    return code >= 0 && code <= kMaxLatencyCode;
}

} // namespace bw
