#pragma once

#include "alerts/alertrules.h"
#include "breaker/breakerstate.h"
#include "flapping/flappingrule.h"

#include <QList>
#include <QString>

#include <cstdint>
#include <map>
#include <optional>

namespace bw {

enum class AlertKind : std::uint8_t
{
    OpenLong,     // not closed for longer than AlertRules::openLongMs (2 min unless configured)
    OpenVeryLong, // not closed for longer than AlertRules::openVeryLongMs (10 min)
    Flapping      // the flapping rule (more than 3 opens in 10 min)
};

enum class AlertSource : std::uint8_t
{
    Simulated, // Breakerwatch's own breaker for the service
    Real       // the service's own breaker, as observed
};

QString alertKindName(AlertKind kind); // "open > 2 min", "open > 10 min", "flapping"

// One alert episode. `resolvedAtMs` is set when the condition ended.
struct Alert
{
    QString service;
    AlertSource source = AlertSource::Simulated;
    AlertKind kind = AlertKind::OpenLong;
    std::int64_t firedAtMs = 0;
    std::int64_t sinceMs = 0; // when the condition began (the breaker left closed; the first counted open)
    std::optional<std::int64_t> resolvedAtMs;
    QString summary; // one line for people: "payments: simulated breaker open for 2 min 5 s"
    QString why;     // what made it fire: the breaker's latest transition reason, or the opens counted

    bool active() const { return !resolvedAtMs.has_value(); }
    bool operator==(const Alert &) const = default;
};

// Decides when alerts fire and resolve, once per episode. Pure: each update carries the time.
// - "Open" means not closed: open, half-open and forced open all continue an episode, because a breaker that keeps
//   failing its half-open probes never stays OPEN for two minutes, yet is the case an operator must hear about.
//   The episode ends when the breaker closes (or is disabled / metrics-only); the next one can fire again.
// - Flapping fires when the opens in the window make the FlappingRule true, and resolves only once they fall to
//   half its threshold or fewer, so a count wobbling around the threshold does not fire again and again.
class AlertTracker
{
public:
    // The opens in the flapping rule's window are counted by the caller.
    using Rules = AlertRules;

    AlertTracker() = default;
    explicit AlertTracker(Rules rules) : m_rules(rules) {}
    const Rules &rules() const { return m_rules; }

    // The current state of one breaker. Returns the alerts that fired or resolved at `nowMs` (resolved ones
    // with resolvedAtMs set). `opensInWindow` is the number of opens in the flapping rule's window. `reason`: why
    // the breaker is in `state` (its latest transition's reason), kept as an open alert's `why`.
    QList<Alert> update(const QString &service, AlertSource source, BreakerState state, std::int64_t stateSinceMs,
                        int opensInWindow, std::int64_t nowMs, const QString &reason = {})
    {
        return update(m_rules, service, source, state, stateSinceMs, opensInWindow, nowMs, reason);
    }
    // The same by the breaker's own rules (its service's, see Config::alertRulesFor()) instead of the tracker's.
    QList<Alert> update(const Rules &rules, const QString &service, AlertSource source, BreakerState state,
                        std::int64_t stateSinceMs, int opensInWindow, std::int64_t nowMs, const QString &reason = {});
    // The breaker is gone (service removed from the configuration): its active alerts resolve.
    QList<Alert> forget(const QString &service, std::int64_t nowMs);

    QList<Alert> active() const;

private:
    struct Episode
    {
        std::optional<std::int64_t> notClosedSince;
        std::optional<Alert> openLong;
        std::optional<Alert> openVeryLong;
        std::optional<Alert> flapping;
    };
    Rules m_rules;
    std::map<std::pair<QString, AlertSource>, Episode> m_breakers;
};

} // namespace bw
