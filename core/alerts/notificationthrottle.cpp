#include "alerts/notificationthrottle.h"

#include "fleet/breakerid.h"

using namespace Qt::StringLiterals;

namespace bw {

NotificationThrottle::NotificationThrottle() : NotificationThrottle(Options{}) {}

NotificationThrottle::NotificationThrottle(Options options) : m_options(options)
{
    m_options.maxPerWindow = std::max(m_options.maxPerWindow, 2);
    m_options.windowMs = std::max<std::int64_t>(m_options.windowMs, 1);
}

void NotificationThrottle::prune(std::int64_t nowMs)
{
    while (!m_shownAt.empty() && m_shownAt.front() <= nowMs - m_options.windowMs)
        m_shownAt.pop_front();
}

NotificationThrottle::Notification NotificationThrottle::show(Notification n, std::int64_t nowMs)
{
    m_shownAt.push_back(nowMs);
    ++m_shownTotal;
    return n;
}

std::optional<NotificationThrottle::Notification>
NotificationThrottle::offer(const QString &groupKey, const QString &groupTitle, const Alert &alert, std::int64_t nowMs)
{
    prune(nowMs);
    const auto notified = m_groupNotifiedAtMs.find(groupKey);
    if (notified != m_groupNotifiedAtMs.end() && nowMs - notified->second < m_options.perGroupMs) {
        ++m_folded;
        return std::nullopt;
    }
    const QString service = BreakerId::parse(alert.service).service;
    if (m_heldGroups.contains(groupKey) ||
        static_cast<int>(m_shownAt.size()) >= m_options.maxPerWindow - 1) { // the last slot is the summary's
        m_heldGroups.insert(groupKey);
        m_heldServices.insert(service);
        ++m_heldAlerts;
        return std::nullopt;
    }
    m_groupNotifiedAtMs[groupKey] = nowMs;
    return show({u"%1: %2"_s.arg(groupTitle, alertKindName(alert.kind)), alert.summary, 1, 1, false}, nowMs);
}

std::optional<NotificationThrottle::Notification> NotificationThrottle::flush(std::int64_t nowMs)
{
    prune(nowMs);
    if (m_heldAlerts == 0 || static_cast<int>(m_shownAt.size()) >= m_options.maxPerWindow)
        return std::nullopt;
    Notification n;
    n.summary = true;
    n.alerts = m_heldAlerts;
    n.services = static_cast<int>(m_heldServices.size());
    n.title = m_heldAlerts == 1 ? u"1 more alert"_s : u"%1 more alerts"_s.arg(m_heldAlerts);
    n.text = u"and %1 more alert%2 in %3 service%4"_s.arg(m_heldAlerts)
                 .arg(m_heldAlerts == 1 ? u""_s : u"s"_s)
                 .arg(n.services)
                 .arg(n.services == 1 ? u""_s : u"s"_s);
    for (const QString &group : std::as_const(m_heldGroups))
        m_groupNotifiedAtMs[group] = nowMs;
    m_heldGroups.clear();
    m_heldServices.clear();
    m_heldAlerts = 0;
    // Groups not heard of for perGroupMs are forgotten, so the map stays the size of what is recent.
    std::erase_if(m_groupNotifiedAtMs, [&](const auto &entry) { return nowMs - entry.second >= m_options.perGroupMs; });
    return show(n, nowMs);
}

std::int64_t NotificationThrottle::nextFlushAtMs() const
{
    if (m_heldAlerts == 0)
        return -1;
    if (static_cast<int>(m_shownAt.size()) < m_options.maxPerWindow)
        return m_shownAt.empty() ? 0 : m_shownAt.back();
    // The slot the oldest notification in the window holds frees once it leaves the window.
    return m_shownAt[m_shownAt.size() - static_cast<std::size_t>(m_options.maxPerWindow)] + m_options.windowMs;
}

} // namespace bw
