#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <cstdint>
#include <functional>
#include <map>
#include <vector>

namespace bw {

// Runs callbacks after a delay on one shared timer, each due time rounded up to the next tick (10 ms by
// default). A thousand simulated services answering after 10-50 ms each would otherwise wake the event loop
// once per answer; here a wake-up sends every answer due in that tick. Real (monotonic) time, not the fleet's
// clock: the delay is how long a client waits. Lives in its thread; callbacks run there, in due order.
class DelayedCalls final : public QObject
{
    Q_OBJECT
public:
    explicit DelayedCalls(std::int64_t tickMs = 10, QObject *parent = nullptr);

    void after(std::int64_t delayMs, std::function<void()> call);
    int pending() const { return m_pending; }

private:
    void runDue();
    void arm();

    std::int64_t m_tickMs;
    QElapsedTimer m_clock;
    QTimer m_timer;
    std::map<std::int64_t, std::vector<std::function<void()>>> m_byTick; // tick number -> calls due then
    int m_pending = 0;
};

} // namespace bw
