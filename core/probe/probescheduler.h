#pragma once

#include "probe/httpprober.h"
#include "probe/probeoutcome.h"
#include "probe/proberequest.h"

#include <QObject>
#include <QString>
#include <QTimer>

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <set>
#include <vector>

namespace bw {

struct ScheduledTarget
{
    QString id; // stable: "service/health", "service/metrics"
    ProbeRequest request;
    std::int64_t intervalMs = 15'000;
    bool operator==(const ScheduledTarget &other) const
    {
        return id == other.id && request.url == other.request.url && intervalMs == other.intervalMs;
    }
};

// The edge of the system that reads a clock. Polls every target at its interval, the first poll offset by a
// stable hash of the target within the interval (as Prometheus spreads its scrapes), at most `maxInFlight`
// requests at once (the rest wait in order). A target still in flight when it is due again skips that turn
// rather than piling up. Results arrive through probed(). Lives in the prober's thread.
class ProbeScheduler final : public QObject
{
    Q_OBJECT
public:
    using Clock = std::function<std::int64_t()>; // ms, monotonic enough for scheduling

    ProbeScheduler(HttpProber *prober, Clock clock, int maxInFlight, QObject *parent = nullptr);

    // Replaces the target list; unchanged targets keep their schedule, new ones get their hash offset.
    void setTargets(const std::vector<ScheduledTarget> &targets);
    void start();
    void stop();
    // Dispatches whatever is due at clock(); the internal timer calls it, tests may call it after moving time.
    void tick();
    // Makes every target due now (its cadence continues from here): a one-shot look at everything (discover).
    void pollAllNow();

    int inFlight() const { return m_inFlight; }
    int queued() const { return static_cast<int>(m_queue.size()); }
    std::int64_t skipped() const { return m_skipped; }
    std::int64_t nextDue() const;

    // Offset of a target's first poll within its interval: stable across runs and machines.
    static std::int64_t offsetFor(const QString &id, std::int64_t intervalMs);

Q_SIGNALS:
    void probed(const QString &targetId, const bw::ProbeResult &result);

private:
    struct Entry
    {
        ScheduledTarget target;
        std::int64_t nextDue = 0;
        bool waiting = false; // queued or in flight
    };
    using Entries = std::map<QString, Entry>;
    // The entries by due time (then id): a tick takes only what is due, where walking every entry on every tick
    // (one tick every 2 ms for 1,000 targets at 2 s) cost O(targets) each.
    struct ByDue
    {
        bool operator()(const std::pair<std::int64_t, Entries::iterator> &a,
                        const std::pair<std::int64_t, Entries::iterator> &b) const
        {
            return a.first != b.first ? a.first < b.first : a.second->first < b.second->first;
        }
    };
    void dispatch();
    void armTimer();
    void reindex();

    HttpProber *m_prober;
    Clock m_clock;
    int m_maxInFlight;
    Entries m_entries;
    std::set<std::pair<std::int64_t, Entries::iterator>, ByDue> m_byDue;
    std::deque<QString> m_queue;
    int m_inFlight = 0;
    std::int64_t m_skipped = 0;
    bool m_running = false;
    QTimer m_timer;
};

} // namespace bw
