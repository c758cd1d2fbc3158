#include "breaker/presetcatalog.h"

#include <QSet>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace bw {

namespace {

ParameterSpec integer(const QString &name, qlonglong value, const QString &unit, const QString &help,
                      double minimum = 0, double maximum = 1e9)
{
    ParameterSpec spec;
    spec.name = name;
    spec.type = ParameterType::Integer;
    spec.defaultValue = value;
    spec.unit = unit;
    spec.help = help;
    spec.minimum = minimum;
    spec.maximum = maximum;
    return spec;
}

ParameterSpec number(const QString &name, double value, const QString &unit, const QString &help, double minimum,
                     double maximum, bool minimumExclusive = false)
{
    ParameterSpec spec;
    spec.name = name;
    spec.type = ParameterType::Number;
    spec.defaultValue = value;
    spec.unit = unit;
    spec.help = help;
    spec.minimum = minimum;
    spec.maximum = maximum;
    spec.minimumExclusive = minimumExclusive;
    return spec;
}

ParameterSpec duration(const QString &name, qlonglong ms, const QString &help, double minimum = 0)
{
    ParameterSpec spec;
    spec.name = name;
    spec.type = ParameterType::DurationMs;
    spec.defaultValue = ms;
    spec.unit = u"ms"_s;
    spec.help = help;
    spec.minimum = minimum;
    spec.maximum = 365.0 * 86'400'000;
    return spec;
}

ParameterSpec boolean(const QString &name, bool value, const QString &help)
{
    ParameterSpec spec;
    spec.name = name;
    spec.type = ParameterType::Boolean;
    spec.defaultValue = value;
    spec.help = help;
    return spec;
}

ParameterSpec choice(const QString &name, const QString &value, const QStringList &choices, const QString &help)
{
    ParameterSpec spec;
    spec.name = name;
    spec.type = ParameterType::Choice;
    spec.defaultValue = value;
    spec.choices = choices;
    spec.help = help;
    return spec;
}

ParameterSpec integerList(const QString &name, const QString &unit, const QString &help)
{
    ParameterSpec spec;
    spec.name = name;
    spec.type = ParameterType::IntegerList;
    spec.defaultValue = QString();
    spec.unit = unit;
    spec.help = help;
    return spec;
}

ParameterSpec nullable(ParameterSpec spec)
{
    spec.nullable = true;
    spec.defaultValue = QVariant{};
    return spec;
}

qlonglong asInt(const ParameterValues &values, const QString &name)
{
    return values.value(name).toLongLong();
}

double asDouble(const ParameterValues &values, const QString &name)
{
    return values.value(name).toDouble();
}

bool asBool(const ParameterValues &values, const QString &name)
{
    return values.value(name).toBool();
}

// A profile: the same semantics as `base` with other defaults.
Preset profile(const Preset &base, const QString &name, const QString &description,
               const QList<QPair<QString, QVariant>> &defaults)
{
    Preset preset = base;
    preset.name = name;
    preset.description = description;
    preset.basedOn = base.name;
    for (const auto &[parameter, value] : defaults) {
        const QString &wanted = parameter; // clang before 16 cannot capture a structured binding
        auto it = std::find_if(preset.parameters.begin(), preset.parameters.end(),
                               [&wanted](const ParameterSpec &spec) { return spec.name == wanted; });
        Q_ASSERT(it != preset.parameters.end());
        it->defaultValue = value;
    }
    return preset;
}

// ------------------------------------------------------------------------------------------ opossum 9

Preset opossum()
{
    Preset p;
    p.name = u"opossum"_s;
    p.library = u"opossum 9 (Node.js)"_s;
    p.description = u"Rolling time buckets on a grid from start, opens when errors > threshold %, timer-driven "
                    u"half-open with a single probe"_s;
    p.parameters = {
        number(u"errorThresholdPercentage"_s, 50, u"%"_s,
               u"Opens when failures / fires * 100 is strictly greater than this"_s, 0, 100),
        integer(u"volumeThreshold"_s, 0, u"calls"_s,
                u"No opening while fires in the window are fewer than this (equal is enough)"_s),
        duration(u"rollingCountTimeout"_s, 10'000, u"Length of the statistics window"_s, 1),
        integer(u"rollingCountBuckets"_s, 10, u"buckets"_s,
                u"Buckets in the window; they rotate every floor(timeout / buckets) ms from start"_s, 1, 100'000),
        duration(u"resetTimeout"_s, 30'000, u"OPEN -> HALF_OPEN by timer this long after opening"_s),
        boolean(u"allowWarmUp"_s, false, u"No opening during the first rollingCountTimeout ms"_s),
    };
    p.build = [](const ParameterValues &v) {
        BreakerPolicy policy;
        policy.windowKind = WindowKind::FixedBuckets;
        policy.windowSize = static_cast<int>(asInt(v, u"rollingCountBuckets"_s));
        policy.windowDurationMs = asInt(v, u"rollingCountTimeout"_s);
        policy.countRejectedInWindow = true; // `fires` counts rejected calls too
        policy.clearWindowOnClose = false;
        policy.recordHalfOpenCallsInWindow = true;
        policy.tripCheck = TripCheck::OnFailure;
        policy.warmUpMs = asBool(v, u"allowWarmUp"_s) ? policy.windowDurationMs : 0;
        policy.failureRateEnabled = true;
        policy.failureRateThreshold = asDouble(v, u"errorThresholdPercentage"_s);
        policy.rateFormula = RateFormula::PercentGreater;
        policy.minimumCalls = static_cast<double>(asInt(v, u"volumeThreshold"_s));
        policy.openDurationMs = asInt(v, u"resetTimeout"_s);
        policy.halfOpenEntry = HalfOpenEntry::Timer;
        policy.permittedHalfOpenCalls = 1;
        policy.successesToClose = 1;
        return policy;
    };
    return p;
}

// ------------------------------------------------------------------------------------------ cockatiel 3

ParameterSpec halfOpenAfter()
{
    return duration(u"halfOpenAfter"_s, 10'000,
                    u"The first call at or after this long since opening is the half-open probe"_s);
}

BreakerPolicy cockatielBase(const ParameterValues &v)
{
    BreakerPolicy policy;
    policy.tripCheck = TripCheck::OnFailure;
    policy.clearWindowOnClose = true;          // a half-open success resets the windows...
    policy.recordHalfOpenCallsInWindow = true; // ...then records itself
    policy.openDurationMs = asInt(v, u"halfOpenAfter"_s);
    policy.halfOpenEntry = HalfOpenEntry::Lazy;
    policy.permittedHalfOpenCalls = 1;
    policy.successesToClose = 1;
    return policy;
}

Preset cockatielConsecutive()
{
    Preset p;
    p.name = u"cockatiel-consecutive"_s;
    p.library = u"cockatiel 3.x (TypeScript) ConsecutiveBreaker"_s;
    p.description = u"Opens on the threshold-th consecutive failure; lazy half-open"_s;
    p.parameters = {
        integer(u"threshold"_s, 5, u"failures"_s, u"Consecutive failures that open the breaker (>=)"_s, 1),
        halfOpenAfter(),
    };
    p.build = [](const ParameterValues &v) {
        BreakerPolicy policy = cockatielBase(v);
        policy.windowKind = WindowKind::None;
        policy.consecutiveFailures = static_cast<int>(asInt(v, u"threshold"_s));
        return policy;
    };
    return p;
}

Preset cockatielSampling()
{
    Preset p;
    p.name = u"cockatiel-sampling"_s;
    p.library = u"cockatiel 3.x (TypeScript) SamplingBreaker"_s;
    p.description = u"Failure share over lazily rotated call-aligned windows, with a minimum request rate"_s;
    p.parameters = {
        number(u"threshold"_s, 0.2, u"fraction"_s, u"Opens when failures > threshold * calls; in (0, 1)"_s, 0, 1, true),
        duration(u"duration"_s, 10'000, u"Sampling duration, split into max(5, ceil(duration/1000)) windows"_s, 5),
        nullable(number(u"minimumRps"_s, 0, u"calls/s"_s,
                        u"Minimum request rate over the duration before opening; null = 5 / threshold"_s, 0, 1e9)),
        halfOpenAfter(),
    };
    p.build = [](const ParameterValues &v) {
        BreakerPolicy policy = cockatielBase(v);
        const double threshold = asDouble(v, u"threshold"_s);
        const qlonglong samplingDuration = asInt(v, u"duration"_s);
        const auto windowCount =
            std::max<qlonglong>(5, static_cast<qlonglong>(std::ceil(static_cast<double>(samplingDuration) / 1000.0)));
        policy.windowKind = WindowKind::SamplingRing;
        policy.windowSize = static_cast<int>(windowCount);
        policy.windowDurationMs = samplingDuration;
        // The library's own arithmetic, operation for operation, so the boundary lands on the same double.
        const double windowSize =
            std::floor(static_cast<double>(samplingDuration) / static_cast<double>(windowCount) + 0.5);
        const double effectiveDuration = windowSize * static_cast<double>(windowCount);
        const QVariant minimumRps = v.value(u"minimumRps"_s);
        const double minimumRpms = (minimumRps.isValid() && minimumRps.toDouble() != 0) ? minimumRps.toDouble() / 1000.0
                                                                                        : 5.0 / (threshold * 1000.0);
        policy.minimumCalls = effectiveDuration * minimumRpms;
        policy.failureRateEnabled = true;
        policy.failureRateThreshold = threshold;
        policy.rateFormula = RateFormula::FractionGreater;
        return policy;
    };
    return p;
}

Preset cockatielCount()
{
    Preset p;
    p.name = u"cockatiel-count"_s;
    p.library = u"cockatiel 3.x (TypeScript) CountBreaker"_s;
    p.description = u"Failure share over the last `size` calls"_s;
    p.parameters = {
        number(u"threshold"_s, 0.2, u"fraction"_s, u"Opens when failures > threshold * calls; in (0, 1)"_s, 0, 1, true),
        integer(u"size"_s, 100, u"calls"_s, u"Calls in the sliding window"_s, 1, 10'000'000),
        nullable(integer(u"minimumNumberOfCalls"_s, 0, u"calls"_s,
                         u"Calls needed before the breaker may open; null = size"_s, 1, 10'000'000)),
        halfOpenAfter(),
    };
    p.build = [](const ParameterValues &v) {
        BreakerPolicy policy = cockatielBase(v);
        policy.windowKind = WindowKind::Count;
        policy.windowSize = static_cast<int>(asInt(v, u"size"_s));
        const QVariant minimum = v.value(u"minimumNumberOfCalls"_s);
        policy.minimumCalls = static_cast<double>(minimum.isValid() ? minimum.toLongLong() : policy.windowSize);
        policy.failureRateEnabled = true;
        policy.failureRateThreshold = asDouble(v, u"threshold"_s);
        policy.rateFormula = RateFormula::FractionGreater;
        return policy;
    };
    return p;
}

// ------------------------------------------------------------------------------------------ Resilience4j 2

Preset resilience4j()
{
    Preset p;
    p.name = u"resilience4j"_s;
    p.library = u"Resilience4j 2.x (Java)"_s;
    p.description = u"Failure and slow-call rates (>=) after every call over a count or time window; half-open "
                    u"decides on a fresh window of permitted calls"_s;
    const QStringList windowTypes{u"COUNT_BASED"_s, u"TIME_BASED"_s};
    p.parameters = {
        number(u"failureRateThreshold"_s, 50, u"%"_s, u"Opens when the failure rate is >= this"_s, 0, 100, true),
        number(u"slowCallRateThreshold"_s, 100, u"%"_s, u"Opens when the slow-call rate is >= this"_s, 0, 100, true),
        duration(u"slowCallDurationThreshold"_s, 60'000, u"A call slower than this (strictly) is slow"_s),
        choice(u"slidingWindowType"_s, u"COUNT_BASED"_s, windowTypes,
               u"COUNT_BASED: last N calls; TIME_BASED: last N one-second buckets"_s),
        integer(u"slidingWindowSize"_s, 100, u"calls or s"_s, u"Size of the sliding window"_s, 1, 10'000'000),
        integer(u"minimumNumberOfCalls"_s, 100, u"calls"_s,
                u"Calls before rates are computed (COUNT_BASED uses min(this, window size))"_s, 1, 10'000'000),
        integer(u"permittedNumberOfCallsInHalfOpenState"_s, 10, u"calls"_s,
                u"Probe calls in half-open; their rates decide"_s, 1, 1'000'000),
        duration(u"maxWaitDurationInHalfOpenState"_s, 0, u"Back to OPEN if half-open lasts this long; 0 = forever"_s),
        duration(u"waitDurationInOpenState"_s, 60'000, u"How long the breaker stays open"_s),
        boolean(u"automaticTransitionFromOpenToHalfOpenEnabled"_s, false,
                u"Half-open by timer instead of on the first call after the wait"_s),
        boolean(u"enableExponentialBackoff"_s, false,
                u"Wait = waitDuration * multiplier^(attempt-1); attempt grows on each re-open from half-open"_s),
        number(u"exponentialBackoffMultiplier"_s, 1.5, u"x"_s, u"Growth factor of the exponential wait"_s, 1, 100),
        duration(u"exponentialMaxWaitDurationInOpenState"_s, 0, u"Cap of the exponential wait; 0 = none"_s),
        boolean(u"enableRandomizedWait"_s, false, u"Spread each wait uniformly by +/- randomizedWaitFactor"_s),
        number(u"randomizedWaitFactor"_s, 0.5, u"fraction"_s, u"Spread of the randomised wait, in [0, 1)"_s, 0, 0.999),
        integer(u"randomSeed"_s, 1, {}, u"Seed of the randomised wait, so replays repeat exactly"_s, 0, 9e15),
    };
    p.build = [](const ParameterValues &v) {
        BreakerPolicy policy;
        const int size = static_cast<int>(asInt(v, u"slidingWindowSize"_s));
        const auto minimumCalls = static_cast<int>(asInt(v, u"minimumNumberOfCalls"_s));
        if (v.value(u"slidingWindowType"_s).toString() == u"TIME_BASED") {
            policy.windowKind = WindowKind::FixedBuckets;
            policy.windowSize = size;
            policy.windowDurationMs = static_cast<std::int64_t>(size) * 1000;
            policy.minimumCalls = minimumCalls;
        } else {
            policy.windowKind = WindowKind::Count;
            policy.windowSize = size;
            policy.minimumCalls = std::min(minimumCalls, size);
        }
        policy.tripCheck = TripCheck::AfterEveryCall;
        policy.clearWindowOnClose = true;
        policy.failureRateEnabled = true;
        policy.failureRateThreshold = asDouble(v, u"failureRateThreshold"_s);
        policy.rateFormula = RateFormula::FloatPercentAtLeast;
        policy.slowRateEnabled = true;
        policy.slowRateThreshold = asDouble(v, u"slowCallRateThreshold"_s);
        policy.slowCallDurationMs = static_cast<double>(asInt(v, u"slowCallDurationThreshold"_s));
        policy.openDurationMs = asInt(v, u"waitDurationInOpenState"_s);
        policy.halfOpenEntry =
            asBool(v, u"automaticTransitionFromOpenToHalfOpenEnabled"_s) ? HalfOpenEntry::Timer : HalfOpenEntry::Lazy;
        if (asBool(v, u"enableExponentialBackoff"_s)) {
            policy.backoff = BackoffKind::Exponential;
            policy.backoffMultiplier = asDouble(v, u"exponentialBackoffMultiplier"_s);
            policy.maxOpenDurationMs = asInt(v, u"exponentialMaxWaitDurationInOpenState"_s);
        }
        if (asBool(v, u"enableRandomizedWait"_s))
            policy.jitterFactor = asDouble(v, u"randomizedWaitFactor"_s);
        policy.jitterSeed = static_cast<std::uint64_t>(asInt(v, u"randomSeed"_s));
        const int permitted = static_cast<int>(asInt(v, u"permittedNumberOfCallsInHalfOpenState"_s));
        policy.permittedHalfOpenCalls = permitted;
        policy.halfOpenDecision = HalfOpenDecision::RateOverProbes;
        policy.halfOpenMinimumCalls = std::min(minimumCalls, permitted);
        policy.maxWaitInHalfOpenMs = asInt(v, u"maxWaitDurationInHalfOpenState"_s);
        return policy;
    };
    return p;
}

// ------------------------------------------------------------------------------------------ Polly v8

Preset polly()
{
    Preset p;
    p.name = u"polly"_s;
    p.library = u"Polly v8 (.NET)"_s;
    p.description = u"Failure ratio (>=) over a sampling duration in 10 windows, once throughput is reached"_s;
    p.parameters = {
        number(u"FailureRatio"_s, 0.1, u"fraction"_s, u"Breaks when failures / throughput >= this"_s, 0, 1, true),
        integer(u"MinimumThroughput"_s, 100, u"calls"_s, u"Calls in the sampling duration before breaking"_s, 2),
        duration(u"SamplingDuration"_s, 30'000, u"Sampling duration, kept in 10 windows"_s, 500),
        duration(u"BreakDuration"_s, 5000, u"How long the circuit stays open"_s, 500),
    };
    p.build = [](const ParameterValues &v) {
        BreakerPolicy policy;
        policy.windowKind = WindowKind::AgedWindows;
        policy.windowSize = 10;
        policy.windowDurationMs = asInt(v, u"SamplingDuration"_s);
        policy.tripCheck = TripCheck::OnFailure;
        policy.clearWindowOnClose = true;
        policy.failureRateEnabled = true;
        policy.failureRateThreshold = asDouble(v, u"FailureRatio"_s);
        policy.rateFormula = RateFormula::FractionAtLeast;
        policy.minimumCalls = static_cast<double>(asInt(v, u"MinimumThroughput"_s));
        policy.openDurationMs = asInt(v, u"BreakDuration"_s);
        policy.halfOpenEntry = HalfOpenEntry::Lazy;
        policy.permittedHalfOpenCalls = 1;
        return policy;
    };
    return p;
}

// ------------------------------------------------------------------------------------------ Hystrix

Preset hystrix()
{
    Preset p;
    p.name = u"hystrix"_s;
    p.library = u"Hystrix 1.5 (Java, historical)"_s;
    p.description = u"Error % (>=) over a 10 s rolling window once the request volume is reached; one trial call "
                    u"after the sleep window"_s;
    p.parameters = {
        integer(u"circuitBreakerRequestVolumeThreshold"_s, 20, u"calls"_s, u"Requests in the window before tripping"_s),
        integer(u"circuitBreakerErrorThresholdPercentage"_s, 50, u"%"_s, u"Trips when error % >= this"_s, 1, 100),
        duration(u"circuitBreakerSleepWindowInMilliseconds"_s, 5000, u"Time before a trial call is allowed"_s),
        duration(u"metricsRollingStatisticalWindowInMilliseconds"_s, 10'000, u"Rolling window length"_s, 1),
        integer(u"metricsRollingStatisticalWindowBuckets"_s, 10, u"buckets"_s, u"Buckets in the rolling window"_s, 1,
                10'000),
    };
    p.build = [](const ParameterValues &v) {
        BreakerPolicy policy;
        policy.windowKind = WindowKind::FixedBuckets;
        policy.windowSize = static_cast<int>(asInt(v, u"metricsRollingStatisticalWindowBuckets"_s));
        policy.windowDurationMs = asInt(v, u"metricsRollingStatisticalWindowInMilliseconds"_s);
        policy.tripCheck = TripCheck::AfterEveryCall;
        policy.clearWindowOnClose = true;
        policy.failureRateEnabled = true;
        policy.failureRateThreshold = static_cast<double>(asInt(v, u"circuitBreakerErrorThresholdPercentage"_s));
        policy.rateFormula = RateFormula::IntPercentAtLeast;
        policy.minimumCalls = static_cast<double>(asInt(v, u"circuitBreakerRequestVolumeThreshold"_s));
        policy.openDurationMs = asInt(v, u"circuitBreakerSleepWindowInMilliseconds"_s);
        policy.halfOpenEntry = HalfOpenEntry::LazyStrict;
        policy.permittedHalfOpenCalls = 1;
        return policy;
    };
    return p;
}

// ------------------------------------------------------------------------------------------ gobreaker v2

Preset gobreaker()
{
    Preset p;
    p.name = u"gobreaker"_s;
    p.library = u"gobreaker v2 (Go)"_s;
    p.description = u"Default ReadyToTrip: more than N consecutive failures; half-open admits MaxRequests and "
                    u"closes after that many consecutive successes"_s;
    p.parameters = {
        integer(u"MaxRequests"_s, 0, u"calls"_s, u"Half-open probes and successes needed to close; 0 means 1"_s),
        duration(u"Interval"_s, 0, u"Closed-state counts cleared every interval; 0 = never"_s),
        duration(u"Timeout"_s, 60'000, u"Open period; <= 0 means 60 s"_s),
        integer(u"ConsecutiveFailures"_s, 5, u"failures"_s, u"Default ReadyToTrip opens at more than this (>)"_s),
    };
    p.build = [](const ParameterValues &v) {
        BreakerPolicy policy;
        policy.windowKind = WindowKind::None;
        policy.tripCheck = TripCheck::OnFailure;
        policy.consecutiveFailures = std::max<int>(1, static_cast<int>(asInt(v, u"ConsecutiveFailures"_s)));
        policy.consecutiveStrict = true;
        policy.consecutiveResetOnTransition = true; // every state change starts a new generation
        policy.clearCountsIntervalMs = asInt(v, u"Interval"_s);
        const qlonglong timeout = asInt(v, u"Timeout"_s);
        policy.openDurationMs = timeout <= 0 ? 60'000 : timeout;
        policy.halfOpenEntry = HalfOpenEntry::LazyStrict; // expiry.Before(now)
        const int maxRequests = std::max<int>(1, static_cast<int>(asInt(v, u"MaxRequests"_s)));
        policy.permittedHalfOpenCalls = maxRequests;
        policy.successesToClose = maxRequests;
        return policy;
    };
    return p;
}

// ------------------------------------------------------------------------------------------ design notes

Preset circuitbreakerPy()
{
    Preset p;
    p.name = u"circuitbreaker-py"_s;
    p.library = u"Python circuitbreaker 1.4"_s;
    p.description = u"Consecutive failures open; half-open admits every call and the first result decides"_s;
    p.parameters = {
        integer(u"failure_threshold"_s, 5, u"failures"_s, u"Consecutive failures that open (>=)"_s, 1),
        duration(u"recovery_timeout"_s, 30'000, u"Time open before the breaker turns half-open (lazily)"_s),
    };
    p.build = [](const ParameterValues &v) {
        BreakerPolicy policy;
        policy.windowKind = WindowKind::None;
        policy.consecutiveFailures = static_cast<int>(asInt(v, u"failure_threshold"_s));
        policy.clearWindowOnClose = false; // a failure in half-open finds the count still at the threshold
        policy.openDurationMs = asInt(v, u"recovery_timeout"_s);
        policy.halfOpenEntry = HalfOpenEntry::Lazy;
        policy.permittedHalfOpenCalls = 0;
        policy.successesToClose = 1;
        return policy;
    };
    return p;
}

Preset classic()
{
    Preset p;
    p.name = u"classic"_s;
    p.library = u"hand-rolled service breaker"_s;
    p.description = u"Consecutive failures open; success_threshold consecutive successes in half-open close"_s;
    p.parameters = {
        integer(u"failure_threshold"_s, 5, u"failures"_s, u"Consecutive failures that open (>=)"_s, 1),
        duration(u"recovery_timeout"_s, 60'000, u"Time open before half-open (lazily)"_s),
        integer(u"success_threshold"_s, 2, u"successes"_s, u"Consecutive half-open successes that close"_s, 1),
    };
    p.build = [](const ParameterValues &v) {
        BreakerPolicy policy;
        policy.windowKind = WindowKind::None;
        policy.consecutiveFailures = static_cast<int>(asInt(v, u"failure_threshold"_s));
        policy.openDurationMs = asInt(v, u"recovery_timeout"_s);
        policy.halfOpenEntry = HalfOpenEntry::Lazy;
        policy.permittedHalfOpenCalls = 0;
        policy.successesToClose = static_cast<int>(asInt(v, u"success_threshold"_s));
        return policy;
    };
    return p;
}

Preset multiSignal()
{
    Preset p;
    p.name = u"multi-signal"_s;
    p.library = u"production multi-signal breaker"_s;
    p.description = u"Opens on consecutive failures, or error rate, or p95 latency; timeout from the last failure"_s;
    p.parameters = {
        integer(u"failure_threshold"_s, 5, u"failures"_s, u"Consecutive failures that open (>=)"_s, 1),
        number(u"error_rate_threshold"_s, 50, u"%"_s, u"Error rate that opens (>=)"_s, 0, 100, true),
        integer(u"minimum_requests"_s, 10, u"calls"_s, u"Requests recorded before the error rate counts"_s, 1),
        integer(u"window_size"_s, 100, u"calls"_s, u"Calls the error rate and latency are measured over"_s, 1,
                1'000'000),
        number(u"latency_percentile"_s, 95, u"%"_s, u"Latency percentile watched"_s, 0, 100, true),
        duration(u"latency_threshold"_s, 5000, u"Percentile latency that opens (>=)"_s),
        integer(u"latency_min_samples"_s, 10, u"calls"_s, u"Samples before the latency rule counts"_s, 1),
        duration(u"timeout"_s, 30'000, u"Time open, measured from the last failure, before half-open"_s),
        integer(u"success_threshold"_s, 3, u"successes"_s, u"Half-open successes that close"_s, 1),
    };
    p.build = [](const ParameterValues &v) {
        BreakerPolicy policy;
        policy.windowKind = WindowKind::Count;
        policy.windowSize = static_cast<int>(asInt(v, u"window_size"_s));
        policy.tripCheck = TripCheck::AfterEveryCall;
        policy.consecutiveFailures = static_cast<int>(asInt(v, u"failure_threshold"_s));
        policy.failureRateEnabled = true;
        policy.failureRateThreshold = asDouble(v, u"error_rate_threshold"_s);
        policy.rateFormula = RateFormula::PercentAtLeast;
        policy.minimumCalls = static_cast<double>(asInt(v, u"minimum_requests"_s));
        policy.latencyRuleEnabled = true;
        policy.latencyPercentile = asDouble(v, u"latency_percentile"_s);
        policy.latencyThresholdMs = static_cast<double>(asInt(v, u"latency_threshold"_s));
        policy.latencyWindow = policy.windowSize;
        policy.latencyMinSamples =
            std::min<int>(static_cast<int>(asInt(v, u"latency_min_samples"_s)), policy.windowSize);
        policy.openDurationMs = asInt(v, u"timeout"_s);
        policy.openTimerFrom = OpenTimerFrom::LastFailure;
        policy.halfOpenEntry = HalfOpenEntry::Lazy;
        policy.permittedHalfOpenCalls = 0; // one probe at a time; calls never overlap in replay
        policy.successesToClose = static_cast<int>(asInt(v, u"success_threshold"_s));
        return policy;
    };
    return p;
}

// ------------------------------------------------------------------------------------------ Breakerwatch

Preset breakerwatch()
{
    Preset p;
    p.name = u"breakerwatch"_s;
    p.library = u"Breakerwatch engine"_s;
    p.description = u"Every rule of the engine: adaptive thresholds, backoff, Envoy decay, jitter, test-request "
                    u"ratio and a gradual recovery ramp"_s;
    p.parameters = {
        choice(u"window"_s, u"count"_s, {u"none"_s, u"count"_s, u"time"_s, u"sampling"_s},
               u"Statistics window: last N calls, N time buckets on a fixed grid, or lazily rotated windows"_s),
        integer(u"windowSize"_s, 20, u"calls or buckets"_s, u"Calls (count) or buckets (time, sampling)"_s, 1,
                10'000'000),
        duration(u"windowDuration"_s, 10'000, u"Whole window length for time and sampling windows"_s, 1),
        number(u"failureRateThreshold"_s, 50, u"%"_s, u"Opens when the failure rate is >= this; 0 = off"_s, 0, 100),
        boolean(u"strictRate"_s, false, u"Compare the failure rate with > instead of >="_s),
        integer(u"minimumCalls"_s, 10, u"calls"_s, u"Calls in the window before a rate decides"_s),
        integer(u"consecutiveFailures"_s, 0, u"failures"_s, u"Consecutive failures that open; 0 = off"_s),
        integer(u"quietConsecutiveFailures"_s, 0, u"failures"_s,
                u"Adaptive: consecutive failures that open when traffic is quiet; 0 = off"_s),
        number(u"busyCallsPerSecond"_s, 10, u"calls/s"_s, u"Adaptive: traffic at or above this is busy"_s, 0, 1e9),
        number(u"slowCallRateThreshold"_s, 0, u"%"_s, u"Opens when the slow-call rate is >= this; 0 = off"_s, 0, 100),
        duration(u"slowCallDuration"_s, 5000, u"A call slower than this (strictly) is slow"_s),
        number(u"latencyPercentile"_s, 95, u"%"_s, u"Percentile for the latency rule"_s, 0, 100, true),
        duration(u"latencyThreshold"_s, 0, u"Opens when that percentile latency is >= this; 0 = off"_s),
        boolean(u"rejectedCountInVolume"_s, false, u"Rejected calls count in the window's volume (opossum)"_s),
        boolean(u"clearWindowOnClose"_s, true, u"Closing starts with fresh statistics"_s),
        duration(u"openDuration"_s, 30'000, u"Base time open"_s),
        choice(u"backoff"_s, u"constant"_s, {u"constant"_s, u"exponential"_s, u"envoy"_s},
               u"Open time: constant, exponential per re-open, or Envoy (base x ejections, decaying)"_s),
        number(u"backoffMultiplier"_s, 2, u"x"_s, u"Exponential growth per re-open"_s, 1, 100),
        duration(u"maxOpenDuration"_s, 300'000, u"Cap of the open time; 0 = none"_s),
        duration(u"decayInterval"_s, 10'000, u"Envoy: healthy time that removes one ejection"_s, 1),
        number(u"jitter"_s, 0, u"fraction"_s, u"Spread each open time by +/- this fraction"_s, 0, 0.999),
        integer(u"seed"_s, 1, {}, u"Seed of the jitter generator"_s, 0, 9e15),
        choice(u"halfOpenTransition"_s, u"lazy"_s, {u"lazy"_s, u"timer"_s},
               u"lazy: the first call after the open time is a probe; timer: half-open exactly on time"_s),
        integer(u"permittedHalfOpenCalls"_s, 1, u"calls"_s, u"Probe calls admitted in half-open; 0 = unlimited"_s),
        integer(u"successesToClose"_s, 1, u"successes"_s, u"Consecutive probe successes that close"_s, 1),
        duration(u"maxWaitInHalfOpen"_s, 0, u"Back to open if half-open lasts this long; 0 = forever"_s),
        number(u"halfOpenTestRatio"_s, 1, u"fraction"_s, u"Share of half-open calls admitted as probes"_s, 0, 1, true),
        integerList(u"recoveryRamp"_s, u"%"_s,
                    u"Percent of calls admitted per step after closing, e.g. 10,25,50; empty = off"_s),
        duration(u"recoveryRampStep"_s, 10'000, u"Length of each recovery ramp step"_s, 1),
    };
    p.build = [](const ParameterValues &v) {
        BreakerPolicy policy;
        const QString window = v.value(u"window"_s).toString();
        policy.windowKind = window == u"none"       ? WindowKind::None
                            : window == u"time"     ? WindowKind::FixedBuckets
                            : window == u"sampling" ? WindowKind::SamplingRing
                                                    : WindowKind::Count;
        policy.windowSize = static_cast<int>(asInt(v, u"windowSize"_s));
        policy.windowDurationMs = asInt(v, u"windowDuration"_s);
        policy.tripCheck = TripCheck::AfterEveryCall;
        const double rate = asDouble(v, u"failureRateThreshold"_s);
        policy.failureRateEnabled = rate > 0 && policy.windowKind != WindowKind::None;
        policy.failureRateThreshold = rate > 0 ? rate : 50;
        policy.rateFormula = asBool(v, u"strictRate"_s) ? RateFormula::PercentGreater : RateFormula::PercentAtLeast;
        policy.minimumCalls = static_cast<double>(asInt(v, u"minimumCalls"_s));
        policy.consecutiveFailures = static_cast<int>(asInt(v, u"consecutiveFailures"_s));
        policy.quietConsecutiveFailures = static_cast<int>(asInt(v, u"quietConsecutiveFailures"_s));
        policy.busyCallsPerSecond = asDouble(v, u"busyCallsPerSecond"_s);
        const double slowRate = asDouble(v, u"slowCallRateThreshold"_s);
        policy.slowRateEnabled = slowRate > 0 && policy.windowKind != WindowKind::None;
        policy.slowRateThreshold = slowRate > 0 ? slowRate : 100;
        policy.slowCallDurationMs = static_cast<double>(asInt(v, u"slowCallDuration"_s));
        const qlonglong latencyThreshold = asInt(v, u"latencyThreshold"_s);
        policy.latencyRuleEnabled = latencyThreshold > 0;
        policy.latencyPercentile = asDouble(v, u"latencyPercentile"_s);
        policy.latencyThresholdMs = static_cast<double>(latencyThreshold);
        policy.latencyWindow = policy.windowKind == WindowKind::Count ? policy.windowSize : 100;
        policy.latencyMinSamples = std::clamp(static_cast<int>(policy.minimumCalls), 1, policy.latencyWindow);
        policy.countRejectedInWindow = asBool(v, u"rejectedCountInVolume"_s);
        policy.clearWindowOnClose = asBool(v, u"clearWindowOnClose"_s);
        policy.openDurationMs = asInt(v, u"openDuration"_s);
        const QString backoff = v.value(u"backoff"_s).toString();
        policy.backoff = backoff == u"exponential" ? BackoffKind::Exponential
                         : backoff == u"envoy"     ? BackoffKind::EnvoyDecay
                                                   : BackoffKind::Constant;
        policy.backoffMultiplier = asDouble(v, u"backoffMultiplier"_s);
        policy.maxOpenDurationMs = asInt(v, u"maxOpenDuration"_s);
        policy.decayIntervalMs = asInt(v, u"decayInterval"_s);
        policy.jitterFactor = asDouble(v, u"jitter"_s);
        policy.jitterSeed = static_cast<std::uint64_t>(asInt(v, u"seed"_s));
        policy.halfOpenEntry =
            v.value(u"halfOpenTransition"_s).toString() == u"timer" ? HalfOpenEntry::Timer : HalfOpenEntry::Lazy;
        policy.permittedHalfOpenCalls = static_cast<int>(asInt(v, u"permittedHalfOpenCalls"_s));
        policy.successesToClose = static_cast<int>(asInt(v, u"successesToClose"_s));
        policy.maxWaitInHalfOpenMs = asInt(v, u"maxWaitInHalfOpen"_s);
        policy.halfOpenAdmitRatio = asDouble(v, u"halfOpenTestRatio"_s);
        const QString ramp = v.value(u"recoveryRamp"_s).toString();
        for (QStringView step : QStringView{ramp}.split(u',', Qt::SkipEmptyParts))
            policy.recoveryRampPercents.push_back(step.toInt());
        policy.recoveryRampStepMs = asInt(v, u"recoveryRampStep"_s);
        return policy;
    };
    return p;
}

} // namespace

const ParameterSpec *Preset::parameter(QStringView parameterName) const
{
    for (const ParameterSpec &spec : parameters) {
        if (spec.name == parameterName)
            return &spec;
    }
    return nullptr;
}

ParameterValues Preset::defaults() const
{
    ParameterValues values;
    for (const ParameterSpec &spec : parameters)
        values.insert(spec.name, spec.defaultValue);
    return values;
}

PresetCatalog::PresetCatalog()
{
    m_presets = {
        opossum(),   cockatielConsecutive(), cockatielSampling(), cockatielCount(), resilience4j(), polly(), hystrix(),
        gobreaker(), circuitbreakerPy(),     classic(),           multiSignal(),    breakerwatch()};

    const Preset py = circuitbreakerPy();
    m_presets.push_back(profile(py, u"aggressive"_s, u"circuitbreaker-py profile: 3 failures, 30 s"_s,
                                {{u"failure_threshold"_s, 3}, {u"recovery_timeout"_s, 30'000}}));
    m_presets.push_back(profile(py, u"balanced"_s, u"circuitbreaker-py profile: 5 failures, 60 s"_s,
                                {{u"failure_threshold"_s, 5}, {u"recovery_timeout"_s, 60'000}}));
    m_presets.push_back(profile(py, u"conservative"_s, u"circuitbreaker-py profile: 10 failures, 120 s"_s,
                                {{u"failure_threshold"_s, 10}, {u"recovery_timeout"_s, 120'000}}));

    const Preset hand = classic();
    auto classicProfile = [&](const QString &name, int failures, qlonglong recoveryMs, int successes) {
        m_presets.push_back(profile(hand, name,
                                    u"classic profile: %1 failures, %2 s open, %3 successes to close"_s.arg(failures)
                                        .arg(recoveryMs / 1000)
                                        .arg(successes),
                                    {{u"failure_threshold"_s, failures},
                                     {u"recovery_timeout"_s, recoveryMs},
                                     {u"success_threshold"_s, successes}}));
    };
    classicProfile(u"high-availability"_s, 3, 30'000, 3);
    classicProfile(u"batch"_s, 10, 300'000, 2);
    classicProfile(u"critical-realtime"_s, 2, 15'000, 5);

    const Preset multi = multiSignal();
    auto matrixProfile = [&](const QString &name, int failures, double ratePercent, qlonglong timeoutMs,
                             int successes) {
        m_presets.push_back(
            profile(multi, name,
                    u"multi-signal tuning: %1 failures, %2% errors, %3 s open, %4 successes"_s.arg(failures)
                        .arg(ratePercent)
                        .arg(timeoutMs / 1000)
                        .arg(successes),
                    {{u"failure_threshold"_s, failures},
                     {u"error_rate_threshold"_s, ratePercent},
                     {u"timeout"_s, timeoutMs},
                     {u"success_threshold"_s, successes}}));
    };
    matrixProfile(u"payment"_s, 3, 10, 60'000, 5);
    matrixProfile(u"authentication"_s, 3, 15, 45'000, 3);
    matrixProfile(u"core-business"_s, 5, 25, 30'000, 3);
    matrixProfile(u"analytics"_s, 10, 50, 15'000, 2);
    matrixProfile(u"third-party-api"_s, 5, 30, 120'000, 3);
    matrixProfile(u"internal-tools"_s, 8, 60, 20'000, 2);
}

const Preset *PresetCatalog::find(QStringView name) const
{
    for (const Preset &preset : m_presets) {
        if (preset.name.compare(name, Qt::CaseInsensitive) == 0)
            return &preset;
    }
    return nullptr;
}

QStringList PresetCatalog::names() const
{
    QStringList out;
    for (const Preset &preset : m_presets)
        out << preset.name;
    return out;
}

namespace {

QStringList parameterNames(const Preset &preset)
{
    QStringList names;
    for (const ParameterSpec &spec : preset.parameters)
        names << spec.name;
    return names;
}

Error unknownPreset(QStringView name, const PresetCatalog &catalog)
{
    return Error{u"unknown preset \"%1\"; valid presets: %2"_s.arg(name, catalog.names().join(u", "))};
}

Error unknownParameter(QStringView name, const Preset &preset)
{
    return Error{u"preset %1 has no parameter \"%2\"; valid parameters: %3"_s.arg(preset.name, name,
                                                                                  parameterNames(preset).join(u", "))};
}

} // namespace

Result<ParameterValues> PresetCatalog::resolve(QStringView presetName, const ParameterValues &overrides) const
{
    const Preset *preset = find(presetName);
    if (!preset)
        return unknownPreset(presetName, *this);
    ParameterValues values = preset->defaults();
    for (auto it = overrides.cbegin(); it != overrides.cend(); ++it) {
        const ParameterSpec *spec = preset->parameter(it.key());
        if (!spec)
            return unknownParameter(it.key(), *preset);
        QVariant value = it.value();
        if (value.isValid() && value.typeId() == QMetaType::QString) {
            auto parsed = spec->parse(value.toString());
            if (!parsed)
                return Error{parsed.error()};
            value = *parsed;
        } else if (const Status status = spec->check(value); !status) {
            return Error{status.error()};
        }
        values.insert(spec->name, value);
    }
    return values;
}

Result<ParameterValues> PresetCatalog::resolveText(QStringView presetName,
                                                   const QList<QPair<QString, QString>> &overrides) const
{
    const Preset *preset = find(presetName);
    if (!preset)
        return unknownPreset(presetName, *this);
    ParameterValues values = preset->defaults();
    for (const auto &[name, text] : overrides) {
        const ParameterSpec *spec = preset->parameter(name);
        if (!spec)
            return unknownParameter(name, *preset);
        auto parsed = spec->parse(text);
        if (!parsed)
            return Error{parsed.error()};
        values.insert(spec->name, *parsed);
    }
    return values;
}

namespace {

Result<BreakerPolicy> finish(const Preset &preset, const Result<ParameterValues> &values)
{
    if (!values)
        return Error{values.error()};
    BreakerPolicy policy = preset.build(*values);
    policy.preset = preset.name;
    if (const Status status = policy.validate(); !status)
        return Error{u"preset %1: %2"_s.arg(preset.name, status.error())};
    return policy;
}

} // namespace

Result<BreakerPolicy> PresetCatalog::build(QStringView presetName, const ParameterValues &overrides) const
{
    const Preset *preset = find(presetName);
    if (!preset)
        return unknownPreset(presetName, *this);
    return finish(*preset, resolve(presetName, overrides));
}

Result<BreakerPolicy> PresetCatalog::buildText(QStringView presetName,
                                               const QList<QPair<QString, QString>> &overrides) const
{
    const Preset *preset = find(presetName);
    if (!preset)
        return unknownPreset(presetName, *this);
    return finish(*preset, resolveText(presetName, overrides));
}

} // namespace bw
