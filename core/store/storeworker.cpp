#include "store/storeworker.h"

#include <QMutexLocker>
#include <QTimer>

namespace bw {

StoreWorker::StoreWorker(StoreOptions options, Clock clock) : m_options(std::move(options)), m_clock(std::move(clock))
{}

StoreWorker::~StoreWorker() = default;

StoreHealth StoreWorker::health() const
{
    const QMutexLocker lock(&m_healthMutex);
    return m_health;
}

void StoreWorker::start()
{
    Q_ASSERT(QThread::currentThread() == thread());
    m_store = std::make_unique<HistoryStore>(m_options);
    m_flush = std::make_unique<QTimer>();
    connect(m_flush.get(), &QTimer::timeout, this, &StoreWorker::flush);
    m_flush->start(std::chrono::seconds(2));
    m_compact = std::make_unique<QTimer>();
    connect(m_compact.get(), &QTimer::timeout, this, &StoreWorker::compact);
    m_compact->start(std::chrono::hours(1));
    checkHealth();
}

void StoreWorker::appendObservation(const BreakerId &breaker, const Observation &observation)
{
    if (m_store)
        m_store->appendObservation(breaker, observation);
}

void StoreWorker::appendTransition(const BreakerId &breaker, TrackKind track, const Transition &transition)
{
    if (m_store) {
        m_store->appendTransition(breaker, track, transition);
        checkHealth();
    }
}

void StoreWorker::appendObservedTransition(const BreakerId &breaker, const ObservedTransition &transition)
{
    if (m_store) {
        m_store->appendObservedTransition(breaker, transition);
        checkHealth();
    }
}

void StoreWorker::recordAlert(const Alert &alert)
{
    if (m_store) {
        m_store->recordAlert(alert);
        checkHealth();
    }
}

void StoreWorker::recordAcknowledgement(const Acknowledgement &acknowledgement)
{
    if (m_store) {
        m_store->recordAcknowledgement(acknowledgement);
        checkHealth();
    }
}

void StoreWorker::recordSilence(const Silence &silence)
{
    if (m_store) {
        m_store->recordSilence(silence);
        checkHealth();
    }
}

void StoreWorker::appendAudit(std::int64_t key, const AuditEntry &entry)
{
    if (m_store) {
        m_store->appendAudit(key, entry);
        checkHealth();
    }
}

void StoreWorker::completeAudit(std::int64_t key, const QString &outcome, const QString &detail)
{
    if (m_store) {
        m_store->completeAudit(key, outcome, detail);
        checkHealth();
    }
}

void StoreWorker::flush()
{
    if (m_store) {
        m_store->flush(m_clock());
        checkHealth();
    }
}

void StoreWorker::compact()
{
    if (m_store) {
        m_store->compact(m_clock());
        checkHealth();
    }
}

void StoreWorker::finish()
{
    Q_ASSERT(QThread::currentThread() == thread());
    m_flush.reset();
    m_compact.reset();
    if (m_store) {
        m_store->flush(m_clock());
        checkHealth();
        m_store.reset(); // close()
    }
}

void StoreWorker::checkHealth()
{
    // The status of each write is in health(): degraded with its message, or back to ok after a retry.
    const StoreHealth now = m_store->health();
    bool changed = false;
    {
        const QMutexLocker lock(&m_healthMutex);
        changed = now.state != m_health.state || now.message != m_health.message ||
                  now.droppedObservations != m_health.droppedObservations ||
                  now.droppedRecords != m_health.droppedRecords;
        m_health = now;
    }
    if (changed)
        Q_EMIT healthChanged(now);
}

} // namespace bw
