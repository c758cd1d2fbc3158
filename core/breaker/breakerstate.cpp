#include "breaker/breakerstate.h"

using namespace Qt::StringLiterals;

namespace bw {

QString stateName(BreakerState state)
{
    switch (state) {
    case BreakerState::Closed:
        return u"closed"_s;
    case BreakerState::Open:
        return u"open"_s;
    case BreakerState::HalfOpen:
        return u"half-open"_s;
    case BreakerState::ForcedOpen:
        return u"forced-open"_s;
    case BreakerState::Disabled:
        return u"disabled"_s;
    case BreakerState::MetricsOnly:
        return u"metrics-only"_s;
    }
    return u"unknown"_s;
}

std::optional<BreakerState> stateFromName(QStringView name)
{
    for (int i = 0; i < kBreakerStateCount; ++i) {
        const auto state = static_cast<BreakerState>(i);
        if (name.compare(stateName(state), Qt::CaseInsensitive) == 0)
            return state;
    }
    // Library spellings: Resilience4j's HALF_OPEN / FORCED_OPEN / METRICS_ONLY, opossum's halfOpen.
    QString normalised = name.toString().toLower();
    normalised.replace(u'_', u'-');
    if (normalised == u"halfopen")
        normalised = u"half-open"_s;
    for (int i = 0; i < kBreakerStateCount; ++i) {
        const auto state = static_cast<BreakerState>(i);
        if (normalised == stateName(state))
            return state;
    }
    return std::nullopt;
}

} // namespace bw
