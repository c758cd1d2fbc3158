#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

class QSocketNotifier;

namespace bw {

// Watches many non-blocking sockets through one epoll instance, which is itself the only descriptor Qt's event
// loop sees. Qt polls every registered socket notifier on every wake-up (poll(2) over all of them), so a process
// with a thousand listening ports and a thousand open connections spent most of its time in that scan rather
// than in serving requests; with epoll a wake-up costs what is ready, not what is open.
//
// Level-triggered. Handlers run on the reactor's thread, from its event loop; a handler may watch or unwatch any
// descriptor, its own included. Descriptors are not owned: unwatch before closing. Also gives its users one
// shared one-second heartbeat (for idle timeouts), so a thousand servers do not need a thousand timers.
// Optionally coalesces wake-ups (see setCoalescing). Linux only. Lives in its thread; everything that uses it
// must live there too.
class SocketReactor final : public QObject
{
    Q_OBJECT
public:
    struct Ready
    {
        bool readable = false; // includes end of stream and errors: the next read says which
        bool writable = false;
    };
    using Handler = std::function<void(Ready)>;

    explicit SocketReactor(QObject *parent = nullptr);
    ~SocketReactor() override;

    // False when the epoll instance could not be created (error() says why); watch() then fails too.
    bool isValid() const { return m_epoll >= 0; }
    QString error() const { return m_error; }

    // Watches fd for reading (and writing while wantWrite is set). False if epoll refuses it (errno is set).
    bool watch(int fd, Handler handler);
    void setWantWrite(int fd, bool wantWrite);
    void unwatch(int fd);
    int watchedCount() const { return m_watchedCount; }

    // After handling a batch, leave the sockets alone for `window` and take what arrived meanwhile in the next
    // batch: under load, one wake-up per window instead of one per event, for at most `window` of added latency
    // (an isolated event is still handled at once). Zero, the default, turns it off. For servers where a few
    // milliseconds do not matter, such as the demo fleet, which delays its answers by 10 ms and more anyway.
    void setCoalescing(std::chrono::milliseconds window);

    // Milliseconds on a monotonic clock, for deadlines checked on heartbeat().
    std::int64_t nowMs() const { return m_clock.elapsed(); }

Q_SIGNALS:
    void heartbeat(); // about once a second while anything is watched

private:
    struct Watch
    {
        std::uint32_t serial = 0;
        bool wantWrite = false;
        Handler handler;
    };
    void onEpollReadable();
    void onWindowOver();
    Watch *find(int fd) const;
    bool control(int op, int fd, const Watch &watch);

    int m_epoll = -1;
    QString m_error;
    QSocketNotifier *m_notifier = nullptr;
    QTimer m_heartbeat;
    QTimer m_window; // while active, the notifier is off
    QElapsedTimer m_clock;
    std::uint32_t m_nextSerial = 0;
    // Indexed by descriptor (small, dense numbers). shared_ptr: a handler that unwatches itself must not destroy
    // the function that is running.
    std::vector<std::shared_ptr<Watch>> m_watches;
    int m_watchedCount = 0;
};

} // namespace bw
