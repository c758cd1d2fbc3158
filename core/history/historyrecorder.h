#pragma once

#include "history/fleethistory.h"
#include "monitor/servicestatus.h"
#include "observed/observedtransition.h"

#include <QObject>
#include <QStringList>

#include <deque>
#include <vector>

namespace bw {

class ServiceMonitor;

// Feeds the display store from a ServiceMonitor: per service and poll, the error rate (the traffic's when the
// service's counters feed the breaker, else the breaker window's) and the latency of the poll, plus the p95 of
// the polls of the last minute; the simulated breaker's transitions with their reasons; the observed breaker's
// states. After a configuration reload, services keep their history by name. Neither is owned; both live in
// this object's thread.
class HistoryRecorder final : public QObject
{
    Q_OBJECT
public:
    HistoryRecorder(ServiceMonitor *monitor, FleetHistory *history, QObject *parent = nullptr);

    // The services in store order (the monitor's order).
    const QStringList &serviceNames() const { return m_names; }

Q_SIGNALS:
    // The store's services changed (a reload): views must re-read names and indexes.
    void servicesChanged();

private:
    struct Recent
    {
        std::int64_t lastErrorMs = -1;
        std::int64_t lastCheckMs = -1;
        std::int64_t lastObservedMs = -1;
        std::deque<std::pair<std::int64_t, double>> latencies; // (t, ms) of the last minute, for the p95
    };
    void onServicesReset();
    void onUpdated(int index, const ServiceStatus &status);
    void onTransition(int index, const Transition &transition);
    void onObserved(int index, const QList<ObservedTransition> &transitions);

    ServiceMonitor *m_monitor;
    FleetHistory *m_history;
    QStringList m_names;
    std::vector<Recent> m_recent;
};

} // namespace bw
