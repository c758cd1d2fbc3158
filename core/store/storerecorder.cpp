#include "store/storerecorder.h"

#include "alerts/alertcenter.h"
#include "alerts/alertdesk.h"
#include "control/auditlog.h"
#include "history/historyrecorder.h"
#include "monitor/fleetmonitor.h"
#include "store/storeworker.h"

#include <cmath>

namespace bw {

namespace {
float toFloat(double value)
{
    return std::isnan(value) ? Observation::kNone : static_cast<float>(value);
}
} // namespace

template<typename Fn>
void StoreRecorder::post(Fn &&fn)
{
    postObservations();
    QMetaObject::invokeMethod(m_store, std::forward<Fn>(fn), Qt::QueuedConnection);
}

void StoreRecorder::postObservations()
{
    m_observationBatch.stop();
    if (m_observations.empty())
        return;
    QMetaObject::invokeMethod(
        m_store,
        [store = m_store, batch = std::exchange(m_observations, {})] {
            for (const auto &[id, observation] : batch)
                store->appendObservation(id, observation);
        },
        Qt::QueuedConnection);
}

StoreRecorder::StoreRecorder(StoreWorker *store, FleetMonitor *monitor, HistoryRecorder *history, AlertCenter *alerts,
                             AuditLog *audit, Clock clock, QObject *parent)
    : QObject(parent), m_store(store), m_monitor(monitor),
      m_auditKeyBase(clock() * 1000) // unique per session: audit entries are keyed by session and index
{
    m_health = store->health();
    m_observationBatch.setSingleShot(true);
    m_observationBatch.setInterval(kObservationBatch);
    connect(&m_observationBatch, &QTimer::timeout, this, &StoreRecorder::postObservations);
    // Queued (the worker is on another thread); the newest health, so that a late signal never goes back in time.
    connect(store, &StoreWorker::healthChanged, this, [this] { update(m_store->health()); });
    connect(history, &HistoryRecorder::sampled, this, [this](const QString &service, const PollSample &sample) {
        Observation o;
        o.t = sample.t;
        o.errorRate = toFloat(sample.errorRate);
        o.latencyMs = toFloat(sample.latencyMs);
        o.p95Ms = toFloat(sample.p95Ms);
        o.outcome = !sample.ok ? PollOutcome::Unknown : *sample.ok ? PollOutcome::Ok : PollOutcome::Failed;
        o.state = sample.state;
        o.observedState = sample.observedState;
        // `service` is the breaker's key (HistoryRecorder::sampled).
        m_observations.emplace_back(BreakerId::parse(service), o);
        if (!m_observationBatch.isActive())
            m_observationBatch.start();
    });
    connect(monitor, &FleetMonitor::transition, this, [this](const BreakerId &id, const Transition &tr) {
        post([store = m_store, id, tr] { store->appendTransition(id, TrackKind::Simulated, tr); });
    });
    connect(monitor, &FleetMonitor::observedTransitionsChanged, this,
            [this](const BreakerId &id, const QList<ObservedTransition> &all) {
                std::int64_t &upTo = m_observedUpTo[id]; // the store only appends: late rewrites stay as seen
                for (const ObservedTransition &tr : all) {
                    if (tr.t <= upTo)
                        continue;
                    post([store = m_store, id, tr] { store->appendObservedTransition(id, tr); });
                    upTo = tr.t;
                }
            });
    const auto recordAlert = [this](const Alert &a) { post([store = m_store, a] { store->recordAlert(a); }); };
    connect(alerts, &AlertCenter::alertFired, this, recordAlert);
    connect(alerts, &AlertCenter::alertResolved, this, recordAlert);
    connect(audit, &AuditLog::entryAdded, this, [this](int index, const AuditEntry &entry) {
        post([store = m_store, key = m_auditKeyBase + index, entry] { store->appendAudit(key, entry); });
    });
    connect(audit, &AuditLog::entryChanged, this, [this](int index, const AuditEntry &entry) {
        post([store = m_store, key = m_auditKeyBase + index, outcome = entry.outcome, detail = entry.detail] {
            store->completeAudit(key, outcome, detail);
        });
    });
}

void StoreRecorder::follow(AlertDesk *desk)
{
    connect(desk, &AlertDesk::acknowledgementChanged, this,
            [this](const Acknowledgement &a) { post([store = m_store, a] { store->recordAcknowledgement(a); }); });
    connect(desk, &AlertDesk::silenceChanged, this, [this](const Silence &s) {
        if (s.origin == SilenceOrigin::Local)
            post([store = m_store, s] { store->recordSilence(s); });
    });
}

// What is queued is written when the StoreThread ends (it ends after this recorder: Application's member order).
StoreRecorder::~StoreRecorder()
{
    postObservations();
}

void StoreRecorder::flush()
{
    postObservations();
    QMetaObject::invokeMethod(m_store, &StoreWorker::flush, Qt::BlockingQueuedConnection);
    update(m_store->health());
}

void StoreRecorder::update(const StoreHealth &health)
{
    const bool changed = health.state != m_health.state || health.message != m_health.message ||
                         health.droppedObservations != m_health.droppedObservations ||
                         health.droppedRecords != m_health.droppedRecords;
    m_health = health;
    if (changed)
        Q_EMIT healthChanged(m_health);
}

} // namespace bw
