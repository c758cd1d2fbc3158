#pragma once

#include "alerts/notificationthrottle.h"

#include <QObject>
#include <QTimer>

#include <cstdint>
#include <functional>

namespace bw {

class AlertCenter;
class AlertDesk;

// Turns alerts as they fire into desktop notifications an operator can live with. A silenced alert makes none (a
// silence mutes notifications, as Alertmanager's mute receivers), nor does one already acknowledged (an
// acknowledgement carried over a restart); the rest go through a NotificationThrottle keyed by the alert's group
// (AlertDesk's grouping: its incident, else its service): one notification per new group, rate-limited, and what was
// held back as one summary as soon as a slot frees. Emits notify(); the GUI shows it in the tray.
// Lives in the center's thread; none of the pointers is owned. Time comes from the clock; its single-shot timer only
// fires when a held summary is due.
class AlertNotifier final : public QObject
{
    Q_OBJECT
public:
    using Clock = std::function<std::int64_t()>;
    AlertNotifier(AlertCenter *center, AlertDesk *desk, Clock clock, NotificationThrottle::Options options = {},
                  QObject *parent = nullptr);

    // One alert that just fired (what the center's alertFired does; tests may call it).
    void offer(const Alert &alert);
    // Shows the held summary if it is due (the timer calls it; tests may call it after moving the clock).
    void flushDue();

    const NotificationThrottle &throttle() const { return m_throttle; }
    int muted() const { return m_muted; } // alerts not notified because silenced or acknowledged

Q_SIGNALS:
    void notify(const bw::NotificationThrottle::Notification &notification);

private:
    void schedule();

    AlertDesk *m_desk;
    Clock m_clock;
    NotificationThrottle m_throttle;
    QTimer m_flush;
    int m_muted = 0;
};

} // namespace bw
