#pragma once

#include "breaker/breakerstate.h"

#include <QString>

#include <cstdint>

namespace bw {

// Why a transition happened, stored as numbers so the hot replay loop never formats text;
// describe() renders the sentence ("failure rate 62.5% >= 50% over the last 20 calls").
struct TransitionReason
{
    enum class Kind : std::uint8_t
    {
        None,
        FailureRate,         // value = rate %, threshold = %, count = calls in window
        SlowCallRate,        // value = slow %, threshold = %, count = calls in window
        ConsecutiveFailures, // count = consecutive failures, threshold = needed
        LatencyPercentile,   // value = observed percentile ms, threshold = ms, count = samples, extra = percentile
        OpenDurationElapsed, // count = ms the breaker stayed open
        ProbeSucceeded,      // count = successes seen in half-open, threshold = successes needed
        ProbeFailed,         // a half-open call failed
        HalfOpenRateAbove,   // value = rate %, threshold = %, count = calls (Resilience4j half-open verdict)
        HalfOpenRateBelow,
        HalfOpenMaxWait,   // count = ms waited in half-open
        ForcedOpenExpired, // count = ms held open
        Manual,            // an operator action; operatorAction names it
    };
    enum class Operator : std::uint8_t
    {
        None,
        Reset,
        ForceOpen,
        Disable,
        MetricsOnly,
        TransitionToOpen,
        TransitionToHalfOpen
    };

    Kind kind = Kind::None;
    bool strict = false; // comparison was '>' rather than '>='
    Operator operatorAction = Operator::None;
    double value = 0;
    double threshold = 0;
    std::int64_t count = 0;
    double extra = 0;

    QString describe() const;
};

// One state change of a breaker at time t (ms).
struct Transition
{
    std::int64_t t = 0;
    BreakerState from = BreakerState::Closed;
    BreakerState to = BreakerState::Closed;
    TransitionReason reason;
};

} // namespace bw
