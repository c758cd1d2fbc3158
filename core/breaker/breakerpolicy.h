#pragma once

#include "common/result.h"

#include <QString>

#include <cstdint>
#include <vector>

namespace bw {

// How the closed-state statistics are kept.
enum class WindowKind : std::uint8_t
{
    None,         // no rate statistics (consecutive-failure breakers)
    Count,        // the last `windowSize` recorded calls
    FixedBuckets, // `windowSize` buckets of floor(windowDurationMs / windowSize) ms on a grid aligned to t = 0
    SamplingRing, // cockatiel: a ring of windows rotated lazily, at most one per call, starting at a call
    AgedWindows,  // Polly: windows opened lazily at a call, dropped once older than the sampling duration
};

// How a failure rate is compared with its threshold; each library's own arithmetic, to the last bit.
enum class RateFormula : std::uint8_t
{
    PercentGreater,      // failures / calls * 100 > threshold%          (opossum, double)
    PercentAtLeast,      // failures / calls * 100 >= threshold%         (generic, double)
    FloatPercentAtLeast, // failures * 100.0f / calls >= threshold%      (Resilience4j, float)
    IntPercentAtLeast,   // int(failures / calls * 100) >= threshold%    (Hystrix)
    FractionGreater,     // failures > threshold * calls                  (cockatiel, threshold as a fraction)
    FractionAtLeast,     // failures / calls >= threshold                 (Polly, threshold as a fraction)
};

enum class TripCheck : std::uint8_t
{
    OnFailure,      // rules evaluated only when a failure is recorded (opossum, cockatiel, Polly, gobreaker)
    AfterEveryCall, // after every recorded call, success included (Resilience4j)
};

enum class HalfOpenEntry : std::uint8_t
{
    Timer,      // OPEN -> HALF_OPEN at exactly openedAt + duration, with or without traffic (opossum)
    Lazy,       // the first call at or after openedAt + duration is the probe (cockatiel, Resilience4j)
    LazyStrict, // the first call strictly after openedAt + duration (gobreaker, Hystrix)
};

enum class HalfOpenDecision : std::uint8_t
{
    ConsecutiveSuccesses, // `successesToClose` successes close, any failure re-opens
    RateOverProbes,       // Resilience4j: fresh count window of the permitted calls, decided on its rate
};

enum class BackoffKind : std::uint8_t
{
    Constant,
    Exponential, // duration * multiplier^(attempt-1), capped at maxOpenDurationMs
    EnvoyDecay,  // duration * attempt, capped; attempt drops by one per healthy decayIntervalMs
};

enum class OpenTimerFrom : std::uint8_t
{
    OpenedAt,
    LastFailure
};

// Every parameter of a simulated breaker, with no reference to any library. Presets (PresetCatalog) map a
// library's own parameter names onto this. A value type: copy it freely, across threads too.
struct BreakerPolicy
{
    QString preset; // informational: which preset produced it

    // --- closed-state statistics
    WindowKind windowKind = WindowKind::Count;
    int windowSize = 100;                     // calls (Count) or buckets/windows (time kinds)
    std::int64_t windowDurationMs = 0;        // time kinds: the whole window
    bool countRejectedInWindow = false;       // rejected calls add to the volume and denominator (opossum `fires`)
    bool clearWindowOnClose = true;           // a close starts with fresh statistics
    bool recordHalfOpenCallsInWindow = false; // probe outcomes also land in the closed window (opossum, cockatiel)
    TripCheck tripCheck = TripCheck::OnFailure;
    std::int64_t warmUpMs = 0; // no opening while t < warmUpMs (opossum allowWarmUp)

    // --- trip rules; a breaker opens when any enabled rule fires
    int consecutiveFailures = 0;               // 0 = rule off
    bool consecutiveStrict = false;            // '>' instead of '>=' (gobreaker's default ReadyToTrip)
    bool consecutiveResetOnTransition = false; // counts cleared on every state change (gobreaker generations)
    // gobreaker Interval: while closed, the first call after the generation expires clears the counts and starts
    // a new generation of this length. 0 = counts never cleared while closed.
    std::int64_t clearCountsIntervalMs = 0;

    bool failureRateEnabled = false;
    double failureRateThreshold = 50; // percent, or a fraction for the Fraction* formulas
    RateFormula rateFormula = RateFormula::PercentAtLeast;
    double minimumCalls = 0; // volume needed before any rate decides (may be fractional: cockatiel minimumRps)

    bool slowRateEnabled = false;
    double slowRateThreshold = 100;     // percent
    double slowCallDurationMs = 60'000; // a call slower than this (strictly) is slow

    bool latencyRuleEnabled = false; // multi-signal: percentile latency over the last calls
    double latencyPercentile = 95;
    double latencyThresholdMs = 5000;
    int latencyWindow = 100;
    int latencyMinSamples = 10;

    // Adaptive consecutive threshold: `quietThreshold` failures when traffic is under busyCallsPerSecond
    // (measured over the last 10 s), `consecutiveFailures` when busier. 0 = off.
    int quietConsecutiveFailures = 0;
    double busyCallsPerSecond = 10;

    // --- open state
    std::int64_t openDurationMs = 60'000;
    BackoffKind backoff = BackoffKind::Constant;
    double backoffMultiplier = 1.5;
    std::int64_t maxOpenDurationMs = 0;    // cap for Exponential/EnvoyDecay; 0 = none
    std::int64_t decayIntervalMs = 10'000; // EnvoyDecay
    double jitterFactor = 0;               // duration spread uniformly over [d*(1-f), d*(1+f)]
    std::uint64_t jitterSeed = 1;
    OpenTimerFrom openTimerFrom = OpenTimerFrom::OpenedAt;
    HalfOpenEntry halfOpenEntry = HalfOpenEntry::Lazy;

    // --- half-open state
    int permittedHalfOpenCalls = 1; // further calls are rejected; 0 = unlimited
    HalfOpenDecision halfOpenDecision = HalfOpenDecision::ConsecutiveSuccesses;
    int successesToClose = 1;
    int halfOpenMinimumCalls = 1;         // RateOverProbes: calls before a verdict
    std::int64_t maxWaitInHalfOpenMs = 0; // 0 = wait forever; else back to OPEN when it elapses
    double halfOpenAdmitRatio = 1.0;      // test-request ratio: share of half-open calls let through as probes

    // --- after closing: gradual recovery ramp (percent admitted per step, e.g. 10, 25, 50); empty = off
    std::vector<int> recoveryRampPercents;
    std::int64_t recoveryRampStepMs = 10'000;

    // Checks ranges and combinations; the message names the offending parameter.
    Status validate() const;

    bool operator==(const BreakerPolicy &) const = default;
};

} // namespace bw
