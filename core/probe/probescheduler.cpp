#include "probe/probescheduler.h"

#include <QHash>

#include <algorithm>
#include <limits>

namespace bw {

ProbeScheduler::ProbeScheduler(HttpProber *prober, Clock clock, int maxInFlight, QObject *parent)
    : QObject(parent), m_prober(prober), m_clock(std::move(clock)), m_maxInFlight(std::max(1, maxInFlight))
{
    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &ProbeScheduler::tick);
}

std::int64_t ProbeScheduler::offsetFor(const QString &id, std::int64_t intervalMs)
{
    // FNV-1a over UTF-16: qHash is seeded per process, and the offset must not move between runs.
    std::uint64_t hash = 1469598103934665603ULL;
    for (const QChar c : id) {
        hash ^= c.unicode();
        hash *= 1099511628211ULL;
    }
    return intervalMs > 0 ? static_cast<std::int64_t>(hash % static_cast<std::uint64_t>(intervalMs)) : 0;
}

void ProbeScheduler::setTargets(const std::vector<ScheduledTarget> &targets)
{
    const std::int64_t now = m_clock();
    std::map<QString, Entry> next;
    for (const ScheduledTarget &target : targets) {
        auto old = m_entries.find(target.id);
        if (old != m_entries.end() && old->second.target == target) {
            Entry entry = old->second;
            entry.target = target; // headers, auth and the like may have changed
            next.emplace(target.id, entry);
        } else {
            next.emplace(target.id, Entry{target, now + offsetFor(target.id, target.intervalMs), false});
        }
    }
    m_entries = std::move(next);
    reindex();
    std::erase_if(m_queue, [this](const QString &id) { return !m_entries.contains(id); });
    if (m_running)
        tick();
}

void ProbeScheduler::pollAllNow()
{
    const std::int64_t now = m_clock();
    for (auto &[id, entry] : m_entries)
        entry.nextDue = std::min(entry.nextDue, now);
    reindex();
    if (m_running)
        tick();
}

void ProbeScheduler::start()
{
    m_running = true;
    tick();
}

void ProbeScheduler::stop()
{
    m_running = false;
    m_timer.stop();
    m_queue.clear();
}

void ProbeScheduler::reindex()
{
    m_byDue.clear();
    for (auto it = m_entries.begin(); it != m_entries.end(); ++it)
        m_byDue.emplace(it->second.nextDue, it);
}

std::int64_t ProbeScheduler::nextDue() const
{
    return m_byDue.empty() ? std::numeric_limits<std::int64_t>::max() : m_byDue.begin()->first;
}

void ProbeScheduler::tick()
{
    if (!m_running)
        return;
    const std::int64_t now = m_clock();
    while (!m_byDue.empty() && m_byDue.begin()->first <= now) {
        const Entries::iterator it = m_byDue.begin()->second;
        m_byDue.erase(m_byDue.begin());
        Entry &entry = it->second;
        // Keep the cadence; a poll whose turn came while the last one is still out skips that turn.
        const std::int64_t interval = std::max<std::int64_t>(1, entry.target.intervalMs);
        const std::int64_t missed = (now - entry.nextDue) / interval;
        entry.nextDue += (missed + 1) * interval;
        m_byDue.emplace(entry.nextDue, it);
        if (entry.waiting) {
            ++m_skipped;
            continue;
        }
        entry.waiting = true;
        m_queue.push_back(it->first);
    }
    dispatch();
    armTimer();
}

void ProbeScheduler::dispatch()
{
    while (m_inFlight < m_maxInFlight && !m_queue.empty()) {
        const QString id = m_queue.front();
        m_queue.pop_front();
        auto it = m_entries.find(id);
        if (it == m_entries.end())
            continue;
        ++m_inFlight;
        m_prober->probe(it->second.target.request, m_clock(), [this, id](const ProbeResult &result) {
            --m_inFlight;
            if (auto entry = m_entries.find(id); entry != m_entries.end())
                entry->second.waiting = false;
            Q_EMIT probed(id, result);
            dispatch();
        });
    }
}

void ProbeScheduler::armTimer()
{
    if (!m_running || m_entries.empty())
        return;
    const std::int64_t wait = std::max<std::int64_t>(0, nextDue() - m_clock());
    m_timer.start(std::chrono::milliseconds(std::min<std::int64_t>(wait, 24LL * 3600 * 1000)));
}

} // namespace bw
