#pragma once

#include "history/historytypes.h"

#include <cstdint>

namespace bw {

// How the store turns series values into integers (and back). Pure functions; decoding is exact for codes produced
// by encoding, and encoding a decoded value gives the same code back (so export/import round trips are stable).
//   error rate (%):    code = round(value * 100), i.e. 0.01 % steps, clamped to +-1e5 % (so a float holds
//                      every code exactly enough to encode back to it).
//   latency, p95 (ms): code = round(64 * log2(1 + value / 0.01 ms)), value clamped to [0, 1e9] ms: 64 steps per
//                      octave, so a value comes back within 0.55 % (or 0.0001 ms near zero); 0 stays 0.
class Quantiser
{
public:
    static constexpr std::int64_t kMaxRateCode = 10'000'000;
    static constexpr std::int64_t kMaxLatencyCode = 2'339; // code of 1e9 ms

    static std::int64_t encode(SeriesKind kind, double value);
    static double decode(SeriesKind kind, std::int64_t code);
    // Whether a code can come out of encode(); decoders reject others as corrupt.
    static bool valid(SeriesKind kind, std::int64_t code);

    static std::int64_t rate(double percent);
    static double rateValue(std::int64_t code) { return static_cast<double>(code) / 100.0; }
    static std::int64_t latency(double ms);
    static double latencyValue(std::int64_t code); // table lookup
};

} // namespace bw
