#pragma once

#include "breaker/breakerpolicy.h"
#include "breaker/calloutcome.h"
#include "breaker/openduration.h"
#include "breaker/statisticswindow.h"
#include "breaker/transition.h"
#include "common/result.h"

#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

namespace bw {

// What onBatch() did with a batch of derived calls.
struct BatchVerdict
{
    std::int64_t admitted = 0;
    std::int64_t rejected = 0;
    std::int64_t admittedFailures = 0;  // failed calls let through
    std::int64_t rejectedSuccesses = 0; // good calls refused
};

// A point-in-time view for displays and exports.
struct BreakerSnapshot
{
    BreakerState state = BreakerState::Closed;
    std::int64_t stateSince = 0;
    std::int64_t windowCalls = 0;
    std::int64_t windowFailures = 0;
    std::int64_t windowSlow = 0;
    int consecutiveFailures = 0;
    std::int64_t openUntil = -1; // when the open (or forced open) state ends or allows a probe; -1 = n/a
    int openAttempt = 0;
};

// The embedded circuit-breaker state machine. Pure and clock-free: time arrives with each call (t in ms,
// non-decreasing) or through advanceTo(). Timers due at or before a call's t fire before that call.
// Transitions accumulate in transitions() until the owner takes them. One instance per breaker; not
// thread-safe, but cheap to copy and move between threads as a value.
class CircuitBreaker
{
public:
    static constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();

    // The policy must pass BreakerPolicy::validate(); Q_ASSERTed, not re-checked on the hot path.
    explicit CircuitBreaker(BreakerPolicy policy);

    // Feeds one call; returns true when the breaker let it through, false when it refused it.
    bool onCall(std::int64_t t, bool ok, float latencyMs)
    {
        if (t >= m_timerAt)
            fireTimers(t);
        if (m_state == BreakerState::Closed) [[likely]]
            return onClosedCall(t, ok, latencyMs);
        return onCallSlow(t, ok, latencyMs);
    }
    bool onCall(const CallOutcome &call) { return onCall(call.t, call.ok, call.latencyMs); }

    // Spreads a counter-derived batch evenly over (t0, t1], failures and slow calls interleaved.
    BatchVerdict onBatch(const CallBatch &batch);

    // Fires every timer due at or before t (timer-driven half-open, half-open max wait, forced-open expiry).
    void advanceTo(std::int64_t t)
    {
        if (t >= m_timerAt)
            fireTimers(t);
    }

    // Manual operations. Each is recorded as a transition with an operator reason; illegal ones are refused.
    Status reset(std::int64_t t);
    Status forceOpen(std::int64_t t, std::optional<std::int64_t> forMs = std::nullopt);
    Status disable(std::int64_t t);
    Status metricsOnly(std::int64_t t);
    Status transitionToOpen(std::int64_t t);
    Status transitionToHalfOpen(std::int64_t t);

    BreakerState state() const { return m_state; }
    std::int64_t stateSince() const { return m_stateSince; }
    BreakerSnapshot snapshot() const;
    const BreakerPolicy &policy() const { return m_policy; }

    const std::vector<Transition> &transitions() const { return m_transitions; }
    std::vector<Transition> takeTransitions();
    void clearTransitions() { m_transitions.clear(); }

private:
    bool onClosedCall(std::int64_t t, bool ok, float latencyMs)
    {
        if (t > m_generationExpiry) [[unlikely]]
            newGeneration(t);
        if (m_rampEnd != kNever && !rampAdmits(t)) [[unlikely]]
            return refuse(t);
        const bool slow = m_policy.slowRateEnabled && static_cast<double>(latencyMs) > m_policy.slowCallDurationMs;
        m_window.record(t, !ok, slow);
        if (ok) {
            m_consecutive = 0;
            if (m_needsSuccessPath) [[unlikely]]
                onClosedSuccessSlow(t, latencyMs);
            return true;
        }
        ++m_consecutive;
        m_lastFailureT = t;
        if (m_policy.consecutiveFailures > 0 && !m_needsFailurePath) {
            // The common consecutive-only breaker: one comparison.
            if (m_consecutive >= m_consecutiveTrip) [[unlikely]]
                tripOnConsecutive(t);
            return true;
        }
        evaluateTrip(t, false, latencyMs);
        return true;
    }

    bool onCallSlow(std::int64_t t, bool ok, float latencyMs);
    bool onHalfOpenCall(std::int64_t t, bool ok, float latencyMs);
    bool refuse(std::int64_t t);
    bool rampAdmits(std::int64_t t);
    void onClosedSuccessSlow(std::int64_t t, float latencyMs);
    void recordLatency(float latencyMs);
    void evaluateTrip(std::int64_t t, bool ok, float latencyMs);
    void tripOnConsecutive(std::int64_t t);
    std::optional<TransitionReason> tripReason(std::int64_t t, bool ok) const;
    int consecutiveThreshold(std::int64_t t) const;
    bool rateReached(std::int64_t failures, std::int64_t calls, double threshold) const;
    double latencyPercentileValue() const;

    void newGeneration(std::int64_t t);
    void fireTimers(std::int64_t t);
    void moveTo(std::int64_t t, BreakerState to, const TransitionReason &reason);
    void open(std::int64_t t, const TransitionReason &reason);
    void enterHalfOpen(std::int64_t t, const TransitionReason &reason);
    void close(std::int64_t t, const TransitionReason &reason);
    void freshMetrics();
    void updateTimer();

    BreakerPolicy m_policy;
    StatisticsWindow m_window;
    StatisticsWindow m_halfOpenWindow; // RateOverProbes verdicts
    StatisticsWindow m_trafficWindow;  // adaptive threshold: calls over the last 10 s
    OpenDurationSchedule m_schedule;

    BreakerState m_state = BreakerState::Closed;
    std::int64_t m_stateSince = 0;
    std::int64_t m_timerAt = kNever; // earliest pending timer (meaning depends on the state)
    std::int64_t m_openedAt = 0;
    std::int64_t m_openUntil = kNever; // lazy probe allowed from here
    std::int64_t m_forcedUntil = kNever;
    std::int64_t m_halfOpenDeadline = kNever;
    std::int64_t m_lastFailureT = 0;
    std::int64_t m_generationExpiry = kNever; // gobreaker Interval

    int m_consecutive = 0;
    int m_consecutiveTrip = 0;       // threshold as a '>=' comparison
    bool m_needsSuccessPath = false; // successes must be evaluated (latency rule, every-call trips)
    bool m_needsFailurePath = false; // failures need more than the consecutive comparison

    int m_halfOpenAdmitted = 0;
    int m_halfOpenSuccesses = 0;
    double m_halfOpenRatioCredit = 0;

    std::int64_t m_rampStart = 0;
    std::int64_t m_rampEnd = kNever;
    int m_rampCredit = 0;

    std::vector<float> m_latencies; // ring of the last latencyWindow latencies
    int m_latencyPosition = 0;
    int m_latencyFilled = 0;
    int m_latencyAtOrAbove = 0;

    std::vector<Transition> m_transitions;
};

} // namespace bw
