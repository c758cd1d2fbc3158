#pragma once

#include "store/historystore.h"

#include <QMetaObject>
#include <QMutex>
#include <QObject>
#include <QThread>

#include <functional>
#include <memory>
#include <optional>
#include <type_traits>

class QTimer;

namespace bw {

// The history store's side of StoreThread: owns the HistoryStore and its flush (2 s) and compaction (hourly) timers,
// all created, used and destroyed on the worker thread. Other threads reach it only through queued calls (the
// record functions below, invoked with QMetaObject::invokeMethod) or call(), which blocks until done.
// Errors are the store's: every write that fails leaves the store degraded; healthChanged is emitted (on the worker
// thread; connect with a context object on the receiving thread to get it queued there) when the state, the
// message or the number of dropped records changes.
class StoreWorker final : public QObject
{
    Q_OBJECT
public:
    using Clock = std::function<std::int64_t()>;
    // `clock` is called on the worker thread.
    StoreWorker(StoreOptions options, Clock clock);
    ~StoreWorker() override;

    // Runs `fn(store)` on the worker thread and returns what it returns; the caller waits (everything queued before
    // it runs first). Never call it from the worker thread itself. For startup, shutdown and tests.
    template<typename Fn>
    auto call(Fn &&fn) -> std::invoke_result_t<Fn, HistoryStore &>
    {
        using R = std::invoke_result_t<Fn, HistoryStore &>;
        Q_ASSERT(QThread::currentThread() != thread());
        if constexpr (std::is_void_v<R>) {
            QMetaObject::invokeMethod(
                this,
                [this, &fn] {
                    fn(*m_store);
                    checkHealth();
                },
                Qt::BlockingQueuedConnection);
        } else {
            std::optional<R> result;
            QMetaObject::invokeMethod(
                this,
                [this, &fn, &result] {
                    result.emplace(fn(*m_store));
                    checkHealth();
                },
                Qt::BlockingQueuedConnection);
            return std::move(*result);
        }
    }

    // The health as of the worker's last write (any thread).
    StoreHealth health() const;

    // Worker thread only (queue them with QMetaObject::invokeMethod from elsewhere).
    void start(); // creates the store (not opened) and starts the timers
    void appendObservation(const BreakerId &breaker, const Observation &observation);
    void appendTransition(const BreakerId &breaker, TrackKind track, const Transition &transition);
    void appendObservedTransition(const BreakerId &breaker, const ObservedTransition &transition);
    void recordAlert(const Alert &alert);
    void appendAudit(std::int64_t key, const AuditEntry &entry);
    void completeAudit(std::int64_t key, const QString &outcome, const QString &detail);
    void recordAcknowledgement(const Acknowledgement &acknowledgement);
    void recordSilence(const Silence &silence);
    void flush();
    void compact();
    void finish(); // flushes, closes the file, stops the timers; nothing is written after it

Q_SIGNALS:
    void healthChanged(const bw::StoreHealth &health);

private:
    void checkHealth();

    StoreOptions m_options;
    Clock m_clock;
    std::unique_ptr<HistoryStore> m_store;
    std::unique_ptr<QTimer> m_flush;
    std::unique_ptr<QTimer> m_compact;
    mutable QMutex m_healthMutex;
    StoreHealth m_health;
};

} // namespace bw
