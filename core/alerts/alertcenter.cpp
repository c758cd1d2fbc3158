#include "alerts/alertcenter.h"

#include "monitor/fleetmonitor.h"

#include <QSet>

using namespace Qt::StringLiterals;

namespace bw {

AlertCenter::AlertCenter(FleetMonitor *monitor, Clock clock, QObject *parent)
    : QObject(parent), m_monitor(monitor), m_clock(std::move(clock))
{
    connect(monitor, &FleetMonitor::breakerUpdated, this,
            [this](const BreakerId &, const BreakerStatus &status) { check(status, m_clock()); });
    // A breaker that leaves (its instance left the configuration, or it stayed stale too long) resolves its alerts.
    connect(monitor, &FleetMonitor::breakerRemoved, this,
            [this](const BreakerId &id) { apply(m_tracker.forget(id.key(), m_clock())); });
    connect(&m_tick, &QTimer::timeout, this, &AlertCenter::evaluate);
    m_tick.start(std::chrono::seconds(1));
}

int AlertCenter::activeCount() const
{
    return static_cast<int>(m_alerts.activeCount());
}

void AlertCenter::evaluate()
{
    const std::int64_t now = m_clock();
    for (const BreakerId &id : m_monitor->breakers())
        check(m_monitor->status(id), now);
}

void AlertCenter::check(const BreakerStatus &status, std::int64_t now)
{
    if (status.lastCheckMs < 0 && status.lastScrapeMs < 0)
        return; // nothing known yet
    // The monitor counts the opens by the same rules' flapping window.
    const AlertRules rules = m_monitor->alertRules(status.id);
    apply(m_tracker.update(rules, status.name, AlertSource::Simulated, status.state, status.stateSinceMs,
                           status.opensLast10Min, now, status.lastReason));
    if (status.observedState)
        apply(m_tracker.update(
            rules, status.name, AlertSource::Real, *status.observedState, status.observedSinceMs,
            status.observedOpensLast10Min, now,
            status.observedProblem.isEmpty()
                ? u"%1, as its source (%2) reports"_s.arg(stateName(*status.observedState), sourceName(status.source))
                : status.observedProblem));
}

void AlertCenter::apply(const QList<Alert> &changes)
{
    if (changes.isEmpty())
        return;
    for (const Alert &change : changes) {
        if (change.active()) {
            m_alerts.fired(change);
            Q_EMIT alertFired(change);
            continue;
        }
        m_alerts.resolved(change);
        Q_EMIT alertResolved(change);
    }
    Q_EMIT alertsChanged();
}

} // namespace bw
