#pragma once

#include "alerts/alerttracker.h"

#include <QSet>
#include <QString>

#include <cstdint>
#include <deque>
#include <map>
#include <optional>

namespace bw {

// Decides which desktop notifications to show for alerts as they fire, so that 500 alerts at once make a handful
// of notifications, never a storm. Pure: the caller passes the time and shows what comes back.
// - One notification per new group (alertGroupKey()): the first alert of a group not notified in the last
//   perGroupMs gets its own; later alerts of the group within perGroupMs are folded into it (nothing shown).
// - At most maxPerWindow notifications in any windowMs; the last slot is kept for a summary, so individual ones stop
//   at maxPerWindow - 1 and the alerts beyond are held.
// - flush() turns everything held into one summary ("and 12 more alerts in 5 services") as soon as a slot is free
//   (nextFlushAtMs()); the groups it covers count as notified.
// The caller leaves silenced alerts out (a silence suppresses notification, as in Alertmanager).
class NotificationThrottle
{
public:
    struct Options
    {
        std::int64_t perGroupMs = 5 * 60'000;
        int maxPerWindow = 4; // 2 or more: one individual notification and the summary
        std::int64_t windowMs = 60'000;
    };
    struct Notification
    {
        QString title;
        QString text;
        int alerts = 0; // how many alerts it speaks for
        int services = 0;
        bool summary = false;
    };

    NotificationThrottle();
    explicit NotificationThrottle(Options options);

    // One alert that just fired, in group `groupKey` (titled `groupTitle`). Returns what to show now, if anything.
    std::optional<Notification> offer(const QString &groupKey, const QString &groupTitle, const Alert &alert,
                                      std::int64_t nowMs);
    // The held alerts as one summary, when a slot is free; nothing when none are held or no slot is free yet.
    std::optional<Notification> flush(std::int64_t nowMs);
    // When flush() can next show the summary: -1 when nothing is held, else a time (at or before now: at once).
    std::int64_t nextFlushAtMs() const;

    int held() const { return m_heldAlerts; }
    int folded() const { return m_folded; } // alerts folded into a notification of their group
    int shown() const { return m_shownTotal; }
    const Options &options() const { return m_options; }

private:
    void prune(std::int64_t nowMs);
    Notification show(Notification n, std::int64_t nowMs);

    Options m_options;
    std::deque<std::int64_t> m_shownAt;                  // within the window
    std::map<QString, std::int64_t> m_groupNotifiedAtMs; // by group key
    QSet<QString> m_heldGroups;
    QSet<QString> m_heldServices;
    int m_heldAlerts = 0;
    int m_folded = 0;
    int m_shownTotal = 0;
};

} // namespace bw
