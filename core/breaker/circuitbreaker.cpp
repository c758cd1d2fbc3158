#include "breaker/circuitbreaker.h"

#include "breaker/batchcalls.h"

#include <QtGlobal>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace bw {

namespace {

TransitionReason manualReason(TransitionReason::Operator action)
{
    TransitionReason reason;
    reason.kind = TransitionReason::Kind::Manual;
    reason.operatorAction = action;
    return reason;
}

TransitionReason countReason(TransitionReason::Kind kind, std::int64_t count, double threshold = 0)
{
    TransitionReason reason;
    reason.kind = kind;
    reason.count = count;
    reason.threshold = threshold;
    return reason;
}

bool isFraction(RateFormula formula)
{
    return formula == RateFormula::FractionGreater || formula == RateFormula::FractionAtLeast;
}

} // namespace

CircuitBreaker::CircuitBreaker(BreakerPolicy policy)
    : m_policy(std::move(policy)), m_window(m_policy.windowKind, m_policy.windowSize, m_policy.windowDurationMs),
      m_schedule(m_policy)
{
    Q_ASSERT_X(m_policy.validate().ok(), "CircuitBreaker", "policy must be validated before use");
    if (m_policy.halfOpenDecision == HalfOpenDecision::RateOverProbes)
        m_halfOpenWindow = StatisticsWindow(WindowKind::Count, std::max(1, m_policy.permittedHalfOpenCalls), 0);
    if (m_policy.quietConsecutiveFailures > 0)
        m_trafficWindow = StatisticsWindow(WindowKind::FixedBuckets, 10, 10'000);
    if (m_policy.latencyRuleEnabled)
        m_latencies.assign(static_cast<std::size_t>(m_policy.latencyWindow), 0.0F);
    m_consecutiveTrip = m_policy.consecutiveStrict ? m_policy.consecutiveFailures + 1 : m_policy.consecutiveFailures;
    m_needsSuccessPath = m_policy.latencyRuleEnabled || m_policy.tripCheck == TripCheck::AfterEveryCall ||
                         m_policy.quietConsecutiveFailures > 0;
    if (m_policy.clearCountsIntervalMs > 0)
        m_generationExpiry = m_policy.clearCountsIntervalMs;
    m_needsFailurePath = m_policy.failureRateEnabled || m_policy.slowRateEnabled || m_policy.latencyRuleEnabled ||
                         m_policy.quietConsecutiveFailures > 0;
}

// ---------------------------------------------------------------------------------------------- calls

bool CircuitBreaker::onCallSlow(std::int64_t t, bool ok, float latencyMs)
{
    switch (m_state) {
    case BreakerState::Closed:
        return onClosedCall(t, ok, latencyMs);
    case BreakerState::Open:
        if (t >= m_openUntil) {
            enterHalfOpen(t, countReason(TransitionReason::Kind::OpenDurationElapsed, t - m_openedAt));
            return onHalfOpenCall(t, ok, latencyMs);
        }
        return refuse(t);
    case BreakerState::HalfOpen:
        return onHalfOpenCall(t, ok, latencyMs);
    case BreakerState::ForcedOpen:
        return false;
    case BreakerState::Disabled:
        return true;
    case BreakerState::MetricsOnly: {
        const bool slow = m_policy.slowRateEnabled && static_cast<double>(latencyMs) > m_policy.slowCallDurationMs;
        m_window.record(t, !ok, slow);
        m_consecutive = ok ? 0 : m_consecutive + 1;
        if (m_policy.latencyRuleEnabled)
            recordLatency(latencyMs);
        return true;
    }
    }
    return true;
}

bool CircuitBreaker::refuse(std::int64_t t)
{
    if (m_policy.countRejectedInWindow)
        m_window.recordRejected(t);
    return false;
}

bool CircuitBreaker::rampAdmits(std::int64_t t)
{
    if (t >= m_rampEnd) {
        m_rampEnd = kNever;
        return true;
    }
    const auto step = static_cast<std::size_t>((t - m_rampStart) / m_policy.recoveryRampStepMs);
    m_rampCredit += m_policy.recoveryRampPercents[std::min(step, m_policy.recoveryRampPercents.size() - 1)];
    if (m_rampCredit >= 100) {
        m_rampCredit -= 100;
        return true;
    }
    return false;
}

void CircuitBreaker::onClosedSuccessSlow(std::int64_t t, float latencyMs)
{
    evaluateTrip(t, true, latencyMs);
}

void CircuitBreaker::recordLatency(float latencyMs)
{
    const float threshold = static_cast<float>(m_policy.latencyThresholdMs);
    const int window = m_policy.latencyWindow;
    if (m_latencyFilled == window) {
        if (m_latencies[m_latencyPosition] >= threshold)
            --m_latencyAtOrAbove;
    } else {
        ++m_latencyFilled;
    }
    m_latencies[m_latencyPosition] = latencyMs;
    if (latencyMs >= threshold)
        ++m_latencyAtOrAbove;
    if (++m_latencyPosition == window)
        m_latencyPosition = 0;
}

double CircuitBreaker::latencyPercentileValue() const
{
    std::vector<float> values(m_latencies.begin(), m_latencies.begin() + m_latencyFilled);
    if (values.empty())
        return 0;
    const auto rank =
        static_cast<std::size_t>(std::ceil(m_policy.latencyPercentile / 100.0 * static_cast<double>(values.size())));
    const std::size_t index = std::clamp<std::size_t>(rank, 1, values.size()) - 1;
    std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(index), values.end());
    return values[index];
}

int CircuitBreaker::consecutiveThreshold(std::int64_t) const
{
    int threshold = m_policy.consecutiveFailures;
    if (m_policy.quietConsecutiveFailures > 0) {
        const double callsPerSecond = static_cast<double>(m_trafficWindow.total()) / 10.0;
        if (callsPerSecond < m_policy.busyCallsPerSecond)
            threshold = m_policy.quietConsecutiveFailures;
    }
    return threshold;
}

bool CircuitBreaker::rateReached(std::int64_t failures, std::int64_t calls, double threshold) const
{
    const double f = static_cast<double>(failures);
    const double n = static_cast<double>(calls);
    switch (m_policy.rateFormula) {
    case RateFormula::PercentGreater:
        return f / n * 100.0 > threshold;
    case RateFormula::PercentAtLeast:
        return f / n * 100.0 >= threshold;
    case RateFormula::FloatPercentAtLeast:
        return static_cast<float>(failures) * 100.0F / static_cast<float>(calls) >= static_cast<float>(threshold);
    case RateFormula::IntPercentAtLeast:
        return static_cast<int>(f / n * 100.0) >= threshold;
    case RateFormula::FractionGreater:
        return f > threshold * n;
    case RateFormula::FractionAtLeast:
        return f / n >= threshold;
    }
    return false;
}

std::optional<TransitionReason> CircuitBreaker::tripReason(std::int64_t t, bool ok) const
{
    if (t < m_policy.warmUpMs)
        return std::nullopt;
    TransitionReason reason;
    if (!ok && m_policy.consecutiveFailures > 0) {
        const int threshold = consecutiveThreshold(t);
        const bool hit = m_policy.consecutiveStrict ? m_consecutive > threshold : m_consecutive >= threshold;
        if (hit) {
            reason.kind = TransitionReason::Kind::ConsecutiveFailures;
            reason.count = m_consecutive;
            reason.threshold = threshold;
            reason.strict = m_policy.consecutiveStrict;
            return reason;
        }
    }
    const std::int64_t calls = m_window.total();
    if ((m_policy.failureRateEnabled || m_policy.slowRateEnabled) && calls > 0 &&
        static_cast<double>(calls) >= m_policy.minimumCalls) {
        const double scale = isFraction(m_policy.rateFormula) ? 100.0 : 1.0;
        if (m_policy.failureRateEnabled && rateReached(m_window.failures(), calls, m_policy.failureRateThreshold)) {
            reason.kind = TransitionReason::Kind::FailureRate;
            reason.value = static_cast<double>(m_window.failures()) * 100.0 / static_cast<double>(calls);
            reason.threshold = m_policy.failureRateThreshold * scale;
            reason.count = calls;
            reason.strict = m_policy.rateFormula == RateFormula::PercentGreater ||
                            m_policy.rateFormula == RateFormula::FractionGreater;
            return reason;
        }
        if (m_policy.slowRateEnabled && static_cast<float>(m_window.slow()) * 100.0F / static_cast<float>(calls) >=
                                            static_cast<float>(m_policy.slowRateThreshold)) {
            reason.kind = TransitionReason::Kind::SlowCallRate;
            reason.value = static_cast<double>(m_window.slow()) * 100.0 / static_cast<double>(calls);
            reason.threshold = m_policy.slowRateThreshold;
            reason.count = calls;
            return reason;
        }
    }
    if (m_policy.latencyRuleEnabled && m_latencyFilled >= m_policy.latencyMinSamples) {
        const auto rank =
            static_cast<int>(std::ceil(m_policy.latencyPercentile / 100.0 * static_cast<double>(m_latencyFilled)));
        if (m_latencyAtOrAbove >= m_latencyFilled - rank + 1) {
            reason.kind = TransitionReason::Kind::LatencyPercentile;
            reason.value = latencyPercentileValue();
            reason.threshold = m_policy.latencyThresholdMs;
            reason.count = m_latencyFilled;
            reason.extra = m_policy.latencyPercentile;
            return reason;
        }
    }
    return std::nullopt;
}

void CircuitBreaker::evaluateTrip(std::int64_t t, bool ok, float latencyMs)
{
    if (m_policy.latencyRuleEnabled)
        recordLatency(latencyMs);
    if (m_policy.quietConsecutiveFailures > 0)
        m_trafficWindow.record(t, false, false);
    if (!ok || m_policy.tripCheck == TripCheck::AfterEveryCall) {
        if (const auto reason = tripReason(t, ok))
            open(t, *reason);
    }
}

void CircuitBreaker::tripOnConsecutive(std::int64_t t)
{
    if (t < m_policy.warmUpMs)
        return;
    TransitionReason reason;
    reason.kind = TransitionReason::Kind::ConsecutiveFailures;
    reason.count = m_consecutive;
    reason.threshold = m_policy.consecutiveFailures;
    reason.strict = m_policy.consecutiveStrict;
    open(t, reason);
}

bool CircuitBreaker::onHalfOpenCall(std::int64_t t, bool ok, float latencyMs)
{
    if (m_policy.permittedHalfOpenCalls > 0 && m_halfOpenAdmitted >= m_policy.permittedHalfOpenCalls)
        return refuse(t);
    if (m_policy.halfOpenAdmitRatio < 1.0) {
        m_halfOpenRatioCredit += m_policy.halfOpenAdmitRatio;
        if (m_halfOpenRatioCredit < 1.0 - 1e-9)
            return refuse(t);
        m_halfOpenRatioCredit -= 1.0;
    }
    ++m_halfOpenAdmitted;
    const bool slow = m_policy.slowRateEnabled && static_cast<double>(latencyMs) > m_policy.slowCallDurationMs;
    if (ok) {
        m_consecutive = 0;
    } else {
        ++m_consecutive;
        m_lastFailureT = t;
    }
    if (m_policy.latencyRuleEnabled)
        recordLatency(latencyMs);

    if (m_policy.halfOpenDecision == HalfOpenDecision::RateOverProbes) {
        m_halfOpenWindow.record(t, !ok, slow);
        const std::int64_t calls = m_halfOpenWindow.total();
        if (calls < m_policy.halfOpenMinimumCalls)
            return true;
        const auto failurePercent =
            static_cast<float>(m_halfOpenWindow.failures()) * 100.0F / static_cast<float>(calls);
        const auto slowPercent = static_cast<float>(m_halfOpenWindow.slow()) * 100.0F / static_cast<float>(calls);
        TransitionReason reason;
        reason.count = calls;
        const bool failureAbove =
            m_policy.failureRateEnabled && failurePercent >= static_cast<float>(m_policy.failureRateThreshold);
        const bool slowAbove =
            m_policy.slowRateEnabled && slowPercent >= static_cast<float>(m_policy.slowRateThreshold);
        if (failureAbove || slowAbove) {
            reason.kind = TransitionReason::Kind::HalfOpenRateAbove;
            reason.value = failureAbove ? failurePercent : slowPercent;
            reason.threshold = failureAbove ? m_policy.failureRateThreshold : m_policy.slowRateThreshold;
            open(t, reason);
        } else {
            reason.kind = TransitionReason::Kind::HalfOpenRateBelow;
            reason.value = failurePercent;
            reason.threshold = m_policy.failureRateThreshold;
            if (m_policy.clearWindowOnClose)
                freshMetrics();
            close(t, reason);
        }
        return true;
    }

    if (!ok) {
        if (m_policy.recordHalfOpenCallsInWindow)
            m_window.record(t, true, slow);
        open(t, countReason(TransitionReason::Kind::ProbeFailed, 1));
        return true;
    }
    ++m_halfOpenSuccesses;
    const bool closes = m_halfOpenSuccesses >= m_policy.successesToClose;
    if (closes && m_policy.clearWindowOnClose)
        freshMetrics(); // cockatiel resets its windows, then records the probe
    if (m_policy.recordHalfOpenCallsInWindow)
        m_window.record(t, false, slow);
    if (closes)
        close(t, countReason(TransitionReason::Kind::ProbeSucceeded, m_halfOpenSuccesses, m_policy.successesToClose));
    return true;
}

BatchVerdict CircuitBreaker::onBatch(const CallBatch &batch)
{
    BatchVerdict verdict;
    if (batch.successes + batch.failures + batch.slow <= 0) {
        advanceTo(batch.t1);
        return verdict;
    }
    forEachCallInBatch(batch, [&](const CallOutcome &call) {
        if (onCall(call)) {
            ++verdict.admitted;
            verdict.admittedFailures += !call.ok;
        } else {
            ++verdict.rejected;
            verdict.rejectedSuccesses += call.ok;
        }
    });
    return verdict;
}

// ---------------------------------------------------------------------------------------------- states

void CircuitBreaker::newGeneration(std::int64_t t)
{
    m_consecutive = 0;
    m_window.clear();
    m_generationExpiry = t + m_policy.clearCountsIntervalMs;
}

void CircuitBreaker::fireTimers(std::int64_t t)
{
    while (m_timerAt <= t) {
        const std::int64_t at = m_timerAt;
        switch (m_state) {
        case BreakerState::Open:
            enterHalfOpen(at, countReason(TransitionReason::Kind::OpenDurationElapsed, at - m_openedAt));
            break;
        case BreakerState::HalfOpen:
            open(at, countReason(TransitionReason::Kind::HalfOpenMaxWait, at - m_stateSince));
            break;
        case BreakerState::ForcedOpen:
            freshMetrics();
            m_schedule.reset();
            close(at, countReason(TransitionReason::Kind::ForcedOpenExpired, at - m_stateSince));
            break;
        default:
            m_timerAt = kNever;
            break;
        }
    }
}

void CircuitBreaker::moveTo(std::int64_t t, BreakerState to, const TransitionReason &reason)
{
    m_transitions.push_back(Transition{t, m_state, to, reason});
    m_state = to;
    m_stateSince = t;
    if (m_policy.consecutiveResetOnTransition)
        m_consecutive = 0;
}

void CircuitBreaker::open(std::int64_t t, const TransitionReason &reason)
{
    const bool fromHalfOpen = m_state == BreakerState::HalfOpen;
    moveTo(t, BreakerState::Open, reason);
    m_openedAt = t;
    m_rampEnd = kNever;
    const std::int64_t duration = m_schedule.nextOpen(t, fromHalfOpen);
    const std::int64_t from = m_policy.openTimerFrom == OpenTimerFrom::LastFailure ? m_lastFailureT : t;
    const std::int64_t until = from + duration;
    switch (m_policy.halfOpenEntry) {
    case HalfOpenEntry::Timer:
        m_openUntil = kNever;
        m_timerAt = until;
        break;
    case HalfOpenEntry::Lazy:
        m_openUntil = until;
        m_timerAt = kNever;
        break;
    case HalfOpenEntry::LazyStrict:
        m_openUntil = until + 1;
        m_timerAt = kNever;
        break;
    }
}

void CircuitBreaker::enterHalfOpen(std::int64_t t, const TransitionReason &reason)
{
    moveTo(t, BreakerState::HalfOpen, reason);
    m_halfOpenAdmitted = 0;
    m_halfOpenSuccesses = 0;
    m_halfOpenRatioCredit = 1.0 - m_policy.halfOpenAdmitRatio; // the first call is always a probe
    m_halfOpenWindow.clear();
    m_openUntil = kNever;
    m_timerAt = m_policy.maxWaitInHalfOpenMs > 0 ? t + m_policy.maxWaitInHalfOpenMs : kNever;
}

void CircuitBreaker::close(std::int64_t t, const TransitionReason &reason)
{
    moveTo(t, BreakerState::Closed, reason);
    m_schedule.closed(t);
    if (m_policy.clearCountsIntervalMs > 0)
        m_generationExpiry = t + m_policy.clearCountsIntervalMs;
    m_timerAt = kNever;
    m_openUntil = kNever;
    if (!m_policy.recoveryRampPercents.empty()) {
        m_rampStart = t;
        m_rampEnd = t + static_cast<std::int64_t>(m_policy.recoveryRampPercents.size()) * m_policy.recoveryRampStepMs;
        m_rampCredit = 100 - m_policy.recoveryRampPercents.front(); // the first call after closing goes through
    }
}

void CircuitBreaker::freshMetrics()
{
    m_window.clear();
    m_halfOpenWindow.clear();
    m_consecutive = 0;
    m_latencyFilled = 0;
    m_latencyPosition = 0;
    m_latencyAtOrAbove = 0;
}

// ---------------------------------------------------------------------------------------------- manual

Status CircuitBreaker::reset(std::int64_t t)
{
    advanceTo(t);
    freshMetrics();
    m_schedule.reset();
    m_rampEnd = kNever;
    m_timerAt = kNever;
    m_openUntil = kNever;
    if (m_state != BreakerState::Closed)
        moveTo(t, BreakerState::Closed, manualReason(TransitionReason::Operator::Reset));
    return success();
}

Status CircuitBreaker::forceOpen(std::int64_t t, std::optional<std::int64_t> forMs)
{
    if (forMs && *forMs <= 0)
        return Error{u"force-open duration must be positive, got %1 ms"_s.arg(*forMs)};
    advanceTo(t);
    if (m_state != BreakerState::ForcedOpen)
        moveTo(t, BreakerState::ForcedOpen, manualReason(TransitionReason::Operator::ForceOpen));
    m_openUntil = kNever;
    m_rampEnd = kNever;
    m_timerAt = forMs ? t + *forMs : kNever;
    return success();
}

Status CircuitBreaker::disable(std::int64_t t)
{
    advanceTo(t);
    if (m_state == BreakerState::Disabled)
        return Error{u"the breaker is already disabled"_s};
    moveTo(t, BreakerState::Disabled, manualReason(TransitionReason::Operator::Disable));
    m_timerAt = kNever;
    m_openUntil = kNever;
    m_rampEnd = kNever;
    return success();
}

Status CircuitBreaker::metricsOnly(std::int64_t t)
{
    advanceTo(t);
    if (m_state == BreakerState::MetricsOnly)
        return Error{u"the breaker is already in metrics-only mode"_s};
    freshMetrics();
    moveTo(t, BreakerState::MetricsOnly, manualReason(TransitionReason::Operator::MetricsOnly));
    m_timerAt = kNever;
    m_openUntil = kNever;
    m_rampEnd = kNever;
    return success();
}

Status CircuitBreaker::transitionToOpen(std::int64_t t)
{
    advanceTo(t);
    if (m_state == BreakerState::Open)
        return Error{u"the breaker is already open"_s};
    open(t, manualReason(TransitionReason::Operator::TransitionToOpen));
    return success();
}

Status CircuitBreaker::transitionToHalfOpen(std::int64_t t)
{
    advanceTo(t);
    if (m_state != BreakerState::Open && m_state != BreakerState::ForcedOpen && m_state != BreakerState::Disabled)
        return Error{u"cannot move the breaker from %1 to half-open: half-open is reachable only from open, "
                     u"forced-open or disabled"_s.arg(stateName(m_state))};
    enterHalfOpen(t, manualReason(TransitionReason::Operator::TransitionToHalfOpen));
    return success();
}

// ---------------------------------------------------------------------------------------------- views

BreakerSnapshot CircuitBreaker::snapshot() const
{
    BreakerSnapshot s;
    s.state = m_state;
    s.stateSince = m_stateSince;
    s.windowCalls = m_window.total();
    s.windowFailures = m_window.failures();
    s.windowSlow = m_window.slow();
    s.consecutiveFailures = m_consecutive;
    s.openAttempt = m_schedule.attempt();
    if (m_state == BreakerState::Open)
        s.openUntil = m_openUntil != kNever ? m_openUntil : m_timerAt;
    else if (m_state == BreakerState::ForcedOpen && m_timerAt != kNever)
        s.openUntil = m_timerAt;
    return s;
}

std::vector<Transition> CircuitBreaker::takeTransitions()
{
    std::vector<Transition> out;
    out.swap(m_transitions);
    return out;
}

} // namespace bw
