#include "alerts/alerttracker.h"

#include "common/durations.h"

using namespace Qt::StringLiterals;

namespace bw {

namespace {

bool countsAsOpen(BreakerState state)
{
    return state == BreakerState::Open || state == BreakerState::HalfOpen || state == BreakerState::ForcedOpen;
}

QString sourceName(AlertSource source)
{
    return source == AlertSource::Simulated ? u"simulated breaker"_s : u"real breaker"_s;
}

void resolve(std::optional<Alert> &alert, std::int64_t nowMs, QList<Alert> &changes)
{
    if (!alert)
        return;
    alert->resolvedAtMs = nowMs;
    changes.push_back(*alert);
    alert.reset();
}

} // namespace

QString alertKindName(AlertKind kind)
{
    switch (kind) {
    case AlertKind::OpenLong:
        return u"open > 2 min"_s;
    case AlertKind::OpenVeryLong:
        return u"open > 10 min"_s;
    case AlertKind::Flapping:
        return u"flapping"_s;
    }
    return {};
}

QList<Alert> AlertTracker::update(const Rules &rules, const QString &service, AlertSource source, BreakerState state,
                                  std::int64_t stateSinceMs, int opensInWindow, std::int64_t nowMs,
                                  const QString &reason)
{
    QList<Alert> changes;
    Episode &episode = m_breakers[{service, source}];
    const auto fire = [&](std::optional<Alert> &slot, AlertKind kind, std::int64_t since, const QString &summary,
                          const QString &why) {
        slot = Alert{service, source, kind, nowMs, since, std::nullopt, summary, why};
        changes.push_back(*slot);
    };

    if (countsAsOpen(state)) {
        if (!episode.notClosedSince)
            episode.notClosedSince = std::min(stateSinceMs, nowMs);
        const std::int64_t since = *episode.notClosedSince;
        const std::int64_t openFor = nowMs - since;
        const auto summary = [&] {
            return u"%1: %2 not closed for %3"_s.arg(service, sourceName(source), formatDurationMs(openFor));
        };
        const QString why = reason.isEmpty() ? u"the breaker is %1"_s.arg(stateName(state)) : reason;
        if (openFor > rules.openLongMs && !episode.openLong)
            fire(episode.openLong, AlertKind::OpenLong, since, summary(), why);
        if (openFor > rules.openVeryLongMs && !episode.openVeryLong)
            fire(episode.openVeryLong, AlertKind::OpenVeryLong, since, summary(), why);
    } else {
        episode.notClosedSince.reset();
        resolve(episode.openLong, nowMs, changes);
        resolve(episode.openVeryLong, nowMs, changes);
    }

    if (rules.flapping.isFlapping(opensInWindow) && !episode.flapping) {
        fire(episode.flapping, AlertKind::Flapping, nowMs,
             u"%1: %2 flapping, %3 opens in %4"_s.arg(service, sourceName(source))
                 .arg(opensInWindow)
                 .arg(formatDurationMs(rules.flapping.windowMs)),
             u"%1 opens in the last %2, more than %3"_s.arg(opensInWindow)
                 .arg(formatDurationMs(rules.flapping.windowMs))
                 .arg(rules.flapping.maxOpens));
    } else if (rules.flapping.hasCalmedDown(opensInWindow)) {
        resolve(episode.flapping, nowMs, changes);
    }
    return changes;
}

QList<Alert> AlertTracker::forget(const QString &service, std::int64_t nowMs)
{
    QList<Alert> changes;
    for (auto it = m_breakers.begin(); it != m_breakers.end();) {
        if (it->first.first != service) {
            ++it;
            continue;
        }
        resolve(it->second.openLong, nowMs, changes);
        resolve(it->second.openVeryLong, nowMs, changes);
        resolve(it->second.flapping, nowMs, changes);
        it = m_breakers.erase(it);
    }
    return changes;
}

QList<Alert> AlertTracker::active() const
{
    QList<Alert> out;
    for (const auto &[key, episode] : m_breakers)
        for (const auto *slot : {&episode.openLong, &episode.openVeryLong, &episode.flapping})
            if (*slot)
                out.push_back(**slot);
    return out;
}

} // namespace bw
