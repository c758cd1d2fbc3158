#include "demo/delayedcalls.h"

#include <algorithm>

namespace bw {

DelayedCalls::DelayedCalls(std::int64_t tickMs, QObject *parent)
    : QObject(parent), m_tickMs(std::max<std::int64_t>(1, tickMs))
{
    m_clock.start();
    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &DelayedCalls::runDue);
}

void DelayedCalls::after(std::int64_t delayMs, std::function<void()> call)
{
    const std::int64_t due = m_clock.elapsed() + std::max<std::int64_t>(0, delayMs);
    const std::int64_t tick = (due + m_tickMs - 1) / m_tickMs;
    const bool earliest = m_byTick.empty() || tick < m_byTick.begin()->first;
    m_byTick[tick].push_back(std::move(call));
    ++m_pending;
    if (earliest)
        arm();
}

void DelayedCalls::runDue()
{
    const std::int64_t now = m_clock.elapsed();
    // Take the due calls out first: a call may schedule another.
    std::vector<std::function<void()>> due;
    while (!m_byTick.empty() && m_byTick.begin()->first * m_tickMs <= now) {
        auto &calls = m_byTick.begin()->second;
        due.insert(due.end(), std::make_move_iterator(calls.begin()), std::make_move_iterator(calls.end()));
        m_byTick.erase(m_byTick.begin());
    }
    m_pending -= static_cast<int>(due.size());
    arm();
    for (const auto &call : due)
        call();
}

void DelayedCalls::arm()
{
    if (m_byTick.empty()) {
        m_timer.stop();
        return;
    }
    const std::int64_t wait = m_byTick.begin()->first * m_tickMs - m_clock.elapsed();
    m_timer.start(std::chrono::milliseconds(std::max<std::int64_t>(0, wait)));
}

} // namespace bw
