#pragma once

#include "alerts/alerttracker.h"
#include "alerts/sessionalerts.h"
#include "fleet/breakerstatus.h"

#include <QObject>
#include <QTimer>

#include <functional>

namespace bw {

class FleetMonitor;

// Watches a FleetMonitor's statuses for alert conditions (see AlertTracker), for the simulated and the
// real breaker of every service, each by its service's alert rules (FleetMonitor::alertRules()). Re-evaluates on every
// update and once a second, so "open for 2 min" fires on time between polls. Keeps the alerts of the session for the
// alerts panel (SessionAlerts: every active one and the last resolved ones).
class AlertCenter final : public QObject
{
    Q_OBJECT
public:
    using Clock = std::function<std::int64_t()>;
    AlertCenter(FleetMonitor *monitor, Clock clock, QObject *parent = nullptr);

    // The alerts kept, oldest first; an active alert appears once, updated in place when it resolves.
    const QList<Alert> &alerts() const { return m_alerts.all(); }
    int activeCount() const;
    // Evaluates every service now (the timer calls it; tests may call it after moving time).
    void evaluate();

Q_SIGNALS:
    void alertFired(const bw::Alert &alert);
    void alertResolved(const bw::Alert &alert);
    void alertsChanged();

private:
    void check(const BreakerStatus &status, std::int64_t now);
    void apply(const QList<Alert> &changes);

    FleetMonitor *m_monitor;
    Clock m_clock;
    AlertTracker m_tracker;
    SessionAlerts m_alerts;
    QTimer m_tick;
};

} // namespace bw
