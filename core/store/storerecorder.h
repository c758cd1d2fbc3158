#pragma once

#include "store/historystore.h"

#include <QHash>
#include <QObject>
#include <QTimer>

#include <functional>

namespace bw {

class AlertCenter;
class AuditLog;
class HistoryRecorder;
class ServiceMonitor;
struct PollSample;

// Writes what the monitor sees into the history store: every recorded poll (flushed every 2 s), every
// transition of the simulated and the real breakers and every alert episode and audit entry (durably, at
// once). Compacts hourly. Reports the store's health when it changes, so the window can show "degraded".
// Lives in the GUI thread with the rest; none of the pointers is owned.
class StoreRecorder final : public QObject
{
    Q_OBJECT
public:
    using Clock = std::function<std::int64_t()>;
    StoreRecorder(HistoryStore *store, ServiceMonitor *monitor, HistoryRecorder *history, AlertCenter *alerts,
                  AuditLog *audit, Clock clock, QObject *parent = nullptr);
    ~StoreRecorder() override;

    // Writes what is buffered now (also done on destruction).
    void flush();
    const StoreHealth &health() const { return m_health; }

Q_SIGNALS:
    void healthChanged(const bw::StoreHealth &health);

private:
    void check(const Status &status);

    HistoryStore *m_store;
    ServiceMonitor *m_monitor;
    Clock m_clock;
    std::int64_t m_auditKeyBase;
    QHash<QString, std::int64_t> m_observedUpTo;
    StoreHealth m_health;
    QTimer m_flush;
    QTimer m_compact;
};

} // namespace bw
