#include "fleet/rollup.h"

#include <QCoreApplication>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace bw {

namespace {

// Lower is worse.
int stateRank(BreakerState state)
{
    switch (state) {
    case BreakerState::Open:
        return 0;
    case BreakerState::ForcedOpen:
        return 1;
    case BreakerState::HalfOpen:
        return 2;
    case BreakerState::Disabled:
        return 3;
    case BreakerState::MetricsOnly:
        return 4;
    case BreakerState::Closed:
        return 5;
    }
    return 5;
}

} // namespace

QString severityName(Severity severity)
{
    switch (severity) {
    case Severity::Open:
        return u"open"_s;
    case Severity::HalfOpen:
        return u"half-open"_s;
    case Severity::Flapping:
        return u"flapping"_s;
    case Severity::Failing:
        return u"failing"_s;
    case Severity::Stale:
        return u"stale"_s;
    case Severity::Fine:
        return u"fine"_s;
    }
    return {};
}

bool worseState(BreakerState a, BreakerState b)
{
    return stateRank(a) < stateRank(b);
}

BreakerState worstState(const BreakerStatus &status)
{
    if (status.observedState && worseState(*status.observedState, status.state))
        return *status.observedState;
    return status.state;
}

bool notClosed(const BreakerStatus &status)
{
    return status.state != BreakerState::Closed ||
           (status.observedState && *status.observedState != BreakerState::Closed);
}

bool checkFailing(const BreakerStatus &status)
{
    return status.lastCheckMs >= 0 && status.lastOutcome != ProbeOutcomeKind::Success &&
           status.lastOutcome != ProbeOutcomeKind::Slow;
}

std::optional<std::int64_t> notClosedSince(const BreakerStatus &status)
{
    std::optional<std::int64_t> since;
    if (status.state != BreakerState::Closed)
        since = status.stateSinceMs;
    if (status.observedState && *status.observedState != BreakerState::Closed)
        since = since ? std::min(*since, status.observedSinceMs) : status.observedSinceMs;
    return since;
}

Severity severityOf(const BreakerStatus &status)
{
    const BreakerState worst = worstState(status);
    if (rejectsAll(worst))
        return Severity::Open;
    if (worst == BreakerState::HalfOpen)
        return Severity::HalfOpen;
    if (status.flapping)
        return Severity::Flapping;
    if (checkFailing(status))
        return Severity::Failing;
    if (status.stale)
        return Severity::Stale;
    return Severity::Fine;
}

bool moreUrgent(const BreakerStatus &a, const BreakerStatus &b)
{
    const Severity left = severityOf(a), right = severityOf(b);
    if (left != right)
        return left < right;
    const std::optional<std::int64_t> sinceA = notClosedSince(a), sinceB = notClosedSince(b);
    if (sinceA != sinceB)
        return sinceA && (!sinceB || *sinceA < *sinceB);
    return a.name < b.name;
}

void RollUp::add(const BreakerStatus &status)
{
    ++members;
    const BreakerState state = worstState(status);
    open += rejectsAll(state);
    halfOpen += state == BreakerState::HalfOpen;
    if (bw::notClosed(status)) {
        ++notClosed;
        const std::optional<std::int64_t> since = notClosedSince(status);
        if (since && (!notClosedSinceMs || *since < *notClosedSinceMs))
            notClosedSinceMs = since;
    }
    flapping += status.flapping;
    failing += checkFailing(status);
    stale += status.stale;
    if (worseState(state, worst))
        worst = state;
    severity = std::min(severity, severityOf(status));
    if (status.requestsPerSecond >= 0)
        requestsPerSecond = std::max(0.0, requestsPerSecond) + status.requestsPerSecond;
    opensInWindow += std::max(status.opensLast10Min, status.observedOpensLast10Min);
}

QString RollUp::describe(const QString &noun) const
{
    const auto tr = [](const char *text) { return QCoreApplication::translate("bw::RollUp", text); };
    if (open > 0)
        return tr("%1 of %2 %3 open").arg(open).arg(members).arg(noun);
    if (halfOpen > 0)
        return tr("%1 of %2 %3 half-open").arg(halfOpen).arg(members).arg(noun);
    if (notClosed > 0)
        return tr("%1 of %2 %3 not closed").arg(notClosed).arg(members).arg(noun);
    if (flapping > 0)
        return tr("%1 of %2 %3 flapping").arg(flapping).arg(members).arg(noun);
    return tr("%1 %2").arg(members).arg(noun);
}

} // namespace bw
