#pragma once

#include "store/historystore.h"

#include <QObject>
#include <QTimer>

#include <functional>
#include <memory>

namespace bw {

// The history store behind slots, for wiring: takes plain values (no ServiceMonitor, no widgets), flushes the
// buffered observations every flushIntervalMs and compacts every compactIntervalMs, and says when the store's
// health changes. Meant to live in a worker thread, so that synchronous=FULL commits never stall the GUI: create it,
// moveToThread(), connect with queued connections, then invoke start() in that thread. The clock is injected (epoch
// ms); only this edge object reads it and owns timers.
//
// The audit slots match AuditLog::entryAdded/entryChanged: the AuditLog index is the store's key for the session.
// Ownership: the recorder owns its HistoryStore; store() is for reads in the recorder's thread.
class StoreRecorder final : public QObject
{
    Q_OBJECT
public:
    using Clock = std::function<std::int64_t()>;

    StoreRecorder(StoreOptions options, Clock clock, QObject *parent = nullptr);
    ~StoreRecorder() override;

    HistoryStore &store() { return *m_store; }
    StoreHealth health() const { return m_store->health(); }

    void setFlushIntervalMs(int ms) { m_flushTimer.setInterval(ms); }
    void setCompactIntervalMs(int ms) { m_compactTimer.setInterval(ms); }

public Q_SLOTS:
    void start(); // opens the store (a failure only makes it degraded) and starts the timers
    void stop();  // writes what it can and closes the store

    void recordObservation(const QString &service, const bw::Observation &observation);
    void recordTransition(const QString &service, bw::TrackKind track, const bw::Transition &transition);
    void recordObservedTransition(const QString &service, const bw::ObservedTransition &transition);
    void recordAlert(const bw::Alert &alert);
    void recordAuditAppended(int index, const bw::AuditEntry &entry);
    void recordAuditChanged(int index, const bw::AuditEntry &entry);

    void flushNow();
    void compactNow();

Q_SIGNALS:
    void healthChanged(const bw::StoreHealth &health);

private:
    void report();

    std::unique_ptr<HistoryStore> m_store;
    Clock m_clock;
    QTimer m_flushTimer;
    QTimer m_compactTimer;
    StoreHealth m_lastHealth;
};

} // namespace bw

Q_DECLARE_METATYPE(bw::Observation)
Q_DECLARE_METATYPE(bw::StoreHealth)
