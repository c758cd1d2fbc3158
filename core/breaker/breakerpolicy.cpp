#include "breaker/breakerpolicy.h"

using namespace Qt::StringLiterals;

namespace bw {

Status BreakerPolicy::validate() const
{
    const bool anyRule = consecutiveFailures > 0 || failureRateEnabled || slowRateEnabled || latencyRuleEnabled;
    if (!anyRule)
        return Error{u"no trip rule is enabled: set a consecutive-failure count, a failure-rate or slow-call-rate "
                     u"threshold, or a latency rule"_s};
    if (consecutiveFailures < 0)
        return Error{u"consecutive failures must be >= 0, got %1"_s.arg(consecutiveFailures)};
    const bool rates = failureRateEnabled || slowRateEnabled;
    if (rates && windowKind == WindowKind::None)
        return Error{u"a rate rule needs a statistics window"_s};
    if (windowKind != WindowKind::None && windowSize < 1)
        return Error{u"window size must be at least 1, got %1"_s.arg(windowSize)};
    const bool timeWindow = windowKind == WindowKind::FixedBuckets || windowKind == WindowKind::SamplingRing ||
                            windowKind == WindowKind::AgedWindows;
    if (timeWindow && windowDurationMs < windowSize)
        return Error{u"window duration %1 ms is shorter than one ms per bucket (%2 buckets)"_s.arg(windowDurationMs)
                         .arg(windowSize)};
    if (failureRateEnabled) {
        const bool fraction =
            rateFormula == RateFormula::FractionGreater || rateFormula == RateFormula::FractionAtLeast;
        if (fraction && (failureRateThreshold <= 0 || failureRateThreshold >= 1))
            return Error{u"failure threshold must be a fraction in (0, 1), got %1"_s.arg(failureRateThreshold)};
        if (!fraction && (failureRateThreshold <= 0 || failureRateThreshold > 100))
            return Error{u"failure rate threshold must be in (0, 100] %, got %1"_s.arg(failureRateThreshold)};
    }
    if (slowRateEnabled && (slowRateThreshold <= 0 || slowRateThreshold > 100))
        return Error{u"slow-call rate threshold must be in (0, 100] %, got %1"_s.arg(slowRateThreshold)};
    if (slowRateEnabled && slowCallDurationMs < 0)
        return Error{u"slow-call duration must be >= 0"_s};
    if (latencyRuleEnabled) {
        if (latencyPercentile <= 0 || latencyPercentile > 100)
            return Error{u"latency percentile must be in (0, 100], got %1"_s.arg(latencyPercentile)};
        if (latencyWindow < 1 || latencyMinSamples < 1 || latencyMinSamples > latencyWindow)
            return Error{u"latency window needs 1 <= minimum samples (%1) <= window (%2)"_s.arg(latencyMinSamples)
                             .arg(latencyWindow)};
    }
    if (minimumCalls < 0)
        return Error{u"minimum number of calls must be >= 0"_s};
    if (openDurationMs < 0)
        return Error{u"open duration must be >= 0 ms, got %1"_s.arg(openDurationMs)};
    if (backoff == BackoffKind::Exponential && backoffMultiplier < 1)
        return Error{u"backoff multiplier must be >= 1, got %1"_s.arg(backoffMultiplier)};
    if (jitterFactor < 0 || jitterFactor >= 1)
        return Error{u"jitter (randomisation) factor must be in [0, 1), got %1"_s.arg(jitterFactor)};
    if (backoff == BackoffKind::EnvoyDecay && decayIntervalMs <= 0)
        return Error{u"decay interval must be > 0 ms"_s};
    if (permittedHalfOpenCalls < 0)
        return Error{u"permitted half-open calls must be >= 0 (0 = unlimited)"_s};
    if (successesToClose < 1)
        return Error{u"successes needed to close must be >= 1, got %1"_s.arg(successesToClose)};
    if (halfOpenDecision == HalfOpenDecision::RateOverProbes) {
        if (permittedHalfOpenCalls < 1)
            return Error{u"a half-open rate verdict needs a finite number of permitted calls"_s};
        if (halfOpenMinimumCalls < 1 || halfOpenMinimumCalls > permittedHalfOpenCalls)
            return Error{u"half-open minimum calls must be in [1, permitted calls]"_s};
    }
    if (halfOpenAdmitRatio <= 0 || halfOpenAdmitRatio > 1)
        return Error{u"half-open test-request ratio must be in (0, 1], got %1"_s.arg(halfOpenAdmitRatio)};
    if (maxWaitInHalfOpenMs < 0)
        return Error{u"maximum wait in half-open must be >= 0 ms"_s};
    for (int percent : recoveryRampPercents) {
        if (percent <= 0 || percent > 100)
            return Error{u"recovery ramp steps must be percentages in (0, 100], got %1"_s.arg(percent)};
    }
    if (!recoveryRampPercents.empty() && recoveryRampStepMs <= 0)
        return Error{u"recovery ramp step must be > 0 ms"_s};
    if (quietConsecutiveFailures < 0 || (quietConsecutiveFailures > 0 && consecutiveFailures == 0))
        return Error{u"an adaptive (quiet) threshold needs the consecutive-failure rule"_s};
    return success();
}

} // namespace bw
