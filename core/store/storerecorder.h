#pragma once

#include "fleet/breakerid.h"
#include "store/storetypes.h"

#include <QHash>
#include <QObject>
#include <QTimer>

#include <chrono>
#include <functional>
#include <utility>
#include <vector>

namespace bw {

class AlertCenter;
class AlertDesk;
class AuditLog;
class HistoryRecorder;
class FleetMonitor;
class StoreWorker;

// Writes what the monitor sees into the history store: every recorded poll (flushed every 2 s), every
// transition of the simulated and the real breakers and every alert episode, audit entry, acknowledgement and local
// silence (durably, at once). Compacts hourly. Reports the store's health when it changes, so the window can show
// "degraded". Threading: lives in the GUI thread with the monitor; the store works on its own thread (StoreThread).
// Each record is copied into a queued call to the worker, so the GUI thread never waits for the disk; the polls
// go together, one call per kObservationBatch (hundreds of breakers report every second: one call each woke the
// store thread hundreds of times a second), and whatever else is recorded sends the waiting polls first, so the
// worker sees everything in the order it happened. Health changes come back queued, as healthChanged on this
// object's thread. None of the pointers is owned.
class StoreRecorder final : public QObject
{
    Q_OBJECT
public:
    using Clock = std::function<std::int64_t()>;
    static constexpr std::chrono::milliseconds kObservationBatch{250};
    StoreRecorder(StoreWorker *store, FleetMonitor *monitor, HistoryRecorder *history, AlertCenter *alerts,
                  AuditLog *audit, Clock clock, QObject *parent = nullptr);
    ~StoreRecorder() override;
    // Also writes the desk's acknowledgements and local silences (durably, at once). Not owned.
    void follow(AlertDesk *desk);

    // Writes what is buffered now and waits until it is written (for tests and shutdown; the worker also flushes
    // every 2 s by itself and when the StoreThread ends).
    void flush();
    // As of the last healthChanged (or flush()).
    const StoreHealth &health() const { return m_health; }

Q_SIGNALS:
    void healthChanged(const bw::StoreHealth &health);

private:
    template<typename Fn>
    void post(Fn &&fn); // after the waiting polls
    void postObservations();
    void update(const StoreHealth &health);

    StoreWorker *m_store;
    FleetMonitor *m_monitor;
    std::int64_t m_auditKeyBase;
    QHash<BreakerId, std::int64_t> m_observedUpTo;
    StoreHealth m_health;
    std::vector<std::pair<BreakerId, Observation>> m_observations; // polls waiting for the next batch
    QTimer m_observationBatch;
};

} // namespace bw
