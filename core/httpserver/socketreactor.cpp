#include "httpserver/socketreactor.h"

#include <QSocketNotifier>

#include <array>
#include <cerrno>
#include <cstring>
#include <sys/epoll.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace bw {

SocketReactor::SocketReactor(QObject *parent) : QObject(parent)
{
    m_clock.start();
    m_heartbeat.setInterval(1000);
    m_heartbeat.setTimerType(Qt::CoarseTimer);
    connect(&m_heartbeat, &QTimer::timeout, this, &SocketReactor::heartbeat);
    m_window.setSingleShot(true);
    m_window.setTimerType(Qt::PreciseTimer);
    connect(&m_window, &QTimer::timeout, this, &SocketReactor::onWindowOver);
    m_epoll = epoll_create1(EPOLL_CLOEXEC);
    if (m_epoll < 0) {
        m_error = u"cannot create an epoll instance: %1"_s.arg(QString::fromLocal8Bit(std::strerror(errno)));
        return;
    }
    m_notifier = new QSocketNotifier(m_epoll, QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &SocketReactor::onEpollReadable);
}

SocketReactor::~SocketReactor()
{
    Q_ASSERT(m_watchedCount == 0); // users unwatch (and close) their sockets before the reactor goes
    if (m_epoll >= 0)
        ::close(m_epoll);
}

SocketReactor::Watch *SocketReactor::find(int fd) const
{
    return fd >= 0 && static_cast<std::size_t>(fd) < m_watches.size() ? m_watches[static_cast<std::size_t>(fd)].get()
                                                                      : nullptr;
}

bool SocketReactor::control(int op, int fd, const Watch &watch)
{
    epoll_event event{};
    event.events = EPOLLIN | (watch.wantWrite ? EPOLLOUT : 0U);
    // The serial tells a stale event for a closed descriptor from one for a new socket that reused its number.
    event.data.u64 = (std::uint64_t{watch.serial} << 32) | static_cast<std::uint32_t>(fd);
    return epoll_ctl(m_epoll, op, fd, &event) == 0;
}

bool SocketReactor::watch(int fd, Handler handler)
{
    Q_ASSERT(fd >= 0);
    if (m_epoll < 0) {
        errno = EBADF;
        return false;
    }
    auto watch = std::make_shared<Watch>();
    watch->serial = ++m_nextSerial;
    watch->handler = std::move(handler);
    if (!control(EPOLL_CTL_ADD, fd, *watch))
        return false;
    if (static_cast<std::size_t>(fd) >= m_watches.size())
        m_watches.resize(static_cast<std::size_t>(fd) + 1);
    Q_ASSERT(!m_watches[static_cast<std::size_t>(fd)]);
    m_watches[static_cast<std::size_t>(fd)] = std::move(watch);
    ++m_watchedCount;
    if (!m_heartbeat.isActive())
        m_heartbeat.start();
    return true;
}

void SocketReactor::setWantWrite(int fd, bool wantWrite)
{
    Watch *watch = find(fd);
    if (!watch || watch->wantWrite == wantWrite)
        return;
    watch->wantWrite = wantWrite;
    control(EPOLL_CTL_MOD, fd, *watch);
}

void SocketReactor::unwatch(int fd)
{
    if (!find(fd))
        return;
    epoll_ctl(m_epoll, EPOLL_CTL_DEL, fd, nullptr);
    m_watches[static_cast<std::size_t>(fd)].reset();
    if (--m_watchedCount == 0)
        m_heartbeat.stop();
}

void SocketReactor::setCoalescing(std::chrono::milliseconds window)
{
    m_window.setInterval(window);
    if (window.count() <= 0 && m_window.isActive()) {
        m_window.stop();
        onWindowOver();
    }
}

void SocketReactor::onWindowOver()
{
    if (m_notifier)
        m_notifier->setEnabled(true);
    onEpollReadable(); // what arrived during the window; if nothing did, the next event wakes us at once
}

void SocketReactor::onEpollReadable()
{
    // One batch per wake-up; level triggering brings back whatever is left.
    std::array<epoll_event, 128> events;
    const int count = epoll_wait(m_epoll, events.data(), static_cast<int>(events.size()), 0);
    if (count > 0 && m_window.interval() > 0) {
        m_notifier->setEnabled(false);
        m_window.start();
    }
    for (int i = 0; i < count; ++i) {
        const auto fd = static_cast<int>(events[i].data.u64 & 0xffffffffU);
        const auto serial = static_cast<std::uint32_t>(events[i].data.u64 >> 32);
        const Watch *current = find(fd);
        if (!current || current->serial != serial)
            continue; // unwatched by an earlier handler in this batch
        const std::shared_ptr<Watch> watch = m_watches[static_cast<std::size_t>(fd)];
        const std::uint32_t flags = events[i].events;
        watch->handler({(flags & (EPOLLIN | EPOLLHUP | EPOLLERR)) != 0, (flags & EPOLLOUT) != 0});
    }
}

} // namespace bw
