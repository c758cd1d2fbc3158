#include "store/storerecorder.h"

namespace bw {

StoreRecorder::StoreRecorder(StoreOptions options, Clock clock, QObject *parent)
    : QObject(parent), m_store(std::make_unique<HistoryStore>(std::move(options))), m_clock(std::move(clock)),
      m_flushTimer(this), m_compactTimer(this)
{
    m_flushTimer.setInterval(2'000);
    m_compactTimer.setInterval(3'600'000);
    connect(&m_flushTimer, &QTimer::timeout, this, &StoreRecorder::flushNow);
    connect(&m_compactTimer, &QTimer::timeout, this, &StoreRecorder::compactNow);
}

StoreRecorder::~StoreRecorder()
{
    stop();
}

void StoreRecorder::start()
{
    m_store->open(m_clock());
    m_flushTimer.start();
    m_compactTimer.start();
    report();
}

void StoreRecorder::stop()
{
    m_flushTimer.stop();
    m_compactTimer.stop();
    if (m_store->isOpen())
        m_store->flush(m_clock());
    m_store->close();
}

void StoreRecorder::recordObservation(const QString &service, const Observation &observation)
{
    m_store->appendObservation(service, observation);
}

void StoreRecorder::recordTransition(const QString &service, TrackKind track, const Transition &transition)
{
    m_store->appendTransition(service, track, transition);
    report();
}

void StoreRecorder::recordObservedTransition(const QString &service, const ObservedTransition &transition)
{
    m_store->appendObservedTransition(service, transition);
    report();
}

void StoreRecorder::recordAlert(const Alert &alert)
{
    m_store->recordAlert(alert);
    report();
}

void StoreRecorder::recordAuditAppended(int index, const AuditEntry &entry)
{
    m_store->appendAudit(index, entry);
    report();
}

void StoreRecorder::recordAuditChanged(int index, const AuditEntry &entry)
{
    m_store->completeAudit(index, entry.outcome, entry.detail);
    report();
}

void StoreRecorder::flushNow()
{
    m_store->flush(m_clock());
    report();
}

void StoreRecorder::compactNow()
{
    m_store->compact(m_clock());
    report();
}

void StoreRecorder::report()
{
    const StoreHealth health = m_store->health();
    // Buffer sizes move with every poll; only a change of state, message or losses is news.
    if (health.state != m_lastHealth.state || health.message != m_lastHealth.message ||
        health.droppedObservations != m_lastHealth.droppedObservations ||
        health.droppedRecords != m_lastHealth.droppedRecords) {
        m_lastHealth = health;
        Q_EMIT healthChanged(health);
    }
}

} // namespace bw
