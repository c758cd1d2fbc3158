#include "breaker/transition.h"

#include "common/durations.h"

using namespace Qt::StringLiterals;

namespace bw {

namespace {

QString percent(double value)
{
    // 62.5% / 50% / 33.33%: enough digits to see why a boundary was crossed, no trailing zeros.
    return QString::number(value, 'g', value >= 100 ? 5 : 4) + u'%';
}

QString comparison(bool strict, bool reached)
{
    if (reached)
        return strict ? u">"_s : u">="_s;
    return strict ? u"<="_s : u"<"_s;
}

QString operatorName(TransitionReason::Operator action)
{
    switch (action) {
    case TransitionReason::Operator::Reset:
        return u"reset"_s;
    case TransitionReason::Operator::ForceOpen:
        return u"force open"_s;
    case TransitionReason::Operator::Disable:
        return u"disable"_s;
    case TransitionReason::Operator::MetricsOnly:
        return u"metrics-only"_s;
    case TransitionReason::Operator::TransitionToOpen:
        return u"transition to open"_s;
    case TransitionReason::Operator::TransitionToHalfOpen:
        return u"transition to half-open"_s;
    case TransitionReason::Operator::None:
        break;
    }
    return u"operator action"_s;
}

} // namespace

QString TransitionReason::describe() const
{
    switch (kind) {
    case Kind::None:
        return {};
    case Kind::FailureRate:
        return u"failure rate %1 %2 %3 over the last %4 calls"_s
            .arg(percent(value), comparison(strict, true), percent(threshold))
            .arg(count);
    case Kind::SlowCallRate:
        return u"slow-call rate %1 %2 %3 over the last %4 calls"_s
            .arg(percent(value), comparison(strict, true), percent(threshold))
            .arg(count);
    case Kind::ConsecutiveFailures:
        return u"%1 consecutive failures %2 %3"_s.arg(count).arg(comparison(strict, true)).arg(threshold);
    case Kind::LatencyPercentile:
        return u"p%1 latency %2 ms >= %3 ms over the last %4 calls"_s.arg(extra)
            .arg(value, 0, 'f', 1)
            .arg(threshold)
            .arg(count);
    case Kind::OpenDurationElapsed:
        return u"open for %1: trying a probe"_s.arg(formatDurationMs(count));
    case Kind::ProbeSucceeded:
        if (threshold <= 1)
            return u"probe call succeeded"_s;
        return u"%1 of %2 probe calls succeeded"_s.arg(count).arg(threshold);
    case Kind::ProbeFailed:
        return u"probe call failed"_s;
    case Kind::HalfOpenRateAbove:
        return u"half-open failure rate %1 >= %2 over %3 probe calls"_s.arg(percent(value), percent(threshold))
            .arg(count);
    case Kind::HalfOpenRateBelow:
        return u"half-open failure rate %1 < %2 over %3 probe calls"_s.arg(percent(value), percent(threshold))
            .arg(count);
    case Kind::HalfOpenMaxWait:
        return u"no verdict after %1 in half-open"_s.arg(formatDurationMs(count));
    case Kind::ForcedOpenExpired:
        return u"forced open for %1: released"_s.arg(formatDurationMs(count));
    case Kind::Manual:
        return u"operator: %1"_s.arg(operatorName(operatorAction));
    }
    return {};
}

} // namespace bw
