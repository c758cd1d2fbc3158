#include "store/storerecorder.h"

#include "alerts/alertcenter.h"
#include "control/auditlog.h"
#include "history/historyrecorder.h"
#include "monitor/servicemonitor.h"

#include <cmath>

namespace bw {

namespace {
float toFloat(double value)
{
    return std::isnan(value) ? Observation::kNone : static_cast<float>(value);
}
} // namespace

StoreRecorder::StoreRecorder(HistoryStore *store, ServiceMonitor *monitor, HistoryRecorder *history,
                             AlertCenter *alerts, AuditLog *audit, Clock clock, QObject *parent)
    : QObject(parent), m_store(store), m_monitor(monitor), m_clock(std::move(clock)),
      m_auditKeyBase(m_clock() * 1000) // unique per session: audit entries are keyed by session and index
{
    m_health = store->health();
    connect(history, &HistoryRecorder::sampled, this, [this](const QString &service, const PollSample &sample) {
        Observation o;
        o.t = sample.t;
        o.errorRate = toFloat(sample.errorRate);
        o.latencyMs = toFloat(sample.latencyMs);
        o.p95Ms = toFloat(sample.p95Ms);
        o.outcome = !sample.ok ? PollOutcome::Unknown : *sample.ok ? PollOutcome::Ok : PollOutcome::Failed;
        o.state = sample.state;
        o.observedState = sample.observedState;
        m_store->appendObservation(service, o);
    });
    connect(monitor, &ServiceMonitor::transition, this, [this](int index, const Transition &tr) {
        check(m_store->appendTransition(m_monitor->status(index).name, TrackKind::Simulated, tr));
    });
    connect(monitor, &ServiceMonitor::observedTransitionsChanged, this,
            [this](int index, const QList<ObservedTransition> &all) {
                const QString name = m_monitor->status(index).name;
                std::int64_t &upTo = m_observedUpTo[name]; // the store only appends: late rewrites stay as seen
                for (const ObservedTransition &tr : all) {
                    if (tr.t <= upTo)
                        continue;
                    check(m_store->appendObservedTransition(name, tr));
                    upTo = tr.t;
                }
            });
    connect(alerts, &AlertCenter::alertFired, this, [this](const Alert &a) { check(m_store->recordAlert(a)); });
    connect(alerts, &AlertCenter::alertResolved, this, [this](const Alert &a) { check(m_store->recordAlert(a)); });
    connect(audit, &AuditLog::entryAdded, this,
            [this](int index, const AuditEntry &entry) { check(m_store->appendAudit(m_auditKeyBase + index, entry)); });
    connect(audit, &AuditLog::entryChanged, this, [this](int index, const AuditEntry &entry) {
        check(m_store->completeAudit(m_auditKeyBase + index, entry.outcome, entry.detail));
    });
    connect(&m_flush, &QTimer::timeout, this, &StoreRecorder::flush);
    m_flush.start(std::chrono::seconds(2));
    connect(&m_compact, &QTimer::timeout, this, [this] {
        m_store->compact(m_clock());
        check(success());
    });
    m_compact.start(std::chrono::hours(1));
}

StoreRecorder::~StoreRecorder()
{
    m_store->flush(m_clock());
}

void StoreRecorder::flush()
{
    check(m_store->flush(m_clock()));
}

void StoreRecorder::check(const Status &)
{
    // The status itself is in health(): degraded with its message, or back to ok after a retry.
    const StoreHealth now = m_store->health();
    const bool changed = now.state != m_health.state || now.message != m_health.message ||
                         now.droppedObservations != m_health.droppedObservations;
    m_health = now;
    if (changed)
        Q_EMIT healthChanged(m_health);
}

} // namespace bw
