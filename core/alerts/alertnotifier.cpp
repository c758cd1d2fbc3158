#include "alerts/alertnotifier.h"

#include "alerts/alertcenter.h"
#include "alerts/alertdesk.h"

namespace bw {

AlertNotifier::AlertNotifier(AlertCenter *center, AlertDesk *desk, Clock clock, NotificationThrottle::Options options,
                             QObject *parent)
    : QObject(parent), m_desk(desk), m_clock(std::move(clock)), m_throttle(options)
{
    Q_ASSERT(center && desk);
    m_flush.setSingleShot(true);
    connect(&m_flush, &QTimer::timeout, this, &AlertNotifier::flushDue);
    connect(center, &AlertCenter::alertFired, this, &AlertNotifier::offer);
}

void AlertNotifier::offer(const Alert &alert)
{
    const std::int64_t now = m_clock();
    const AlertDesk::Marks marks = m_desk->marks(alert, now);
    if (marks.silenced() || marks.acknowledged()) {
        ++m_muted;
        return;
    }
    const AlertGroupName group = alertGroupOf(alert, m_desk->incidentLookup());
    if (auto shown = m_throttle.offer(group.key, group.title, alert, now))
        Q_EMIT notify(*shown);
    schedule();
}

void AlertNotifier::flushDue()
{
    if (auto shown = m_throttle.flush(m_clock()))
        Q_EMIT notify(*shown);
    schedule();
}

void AlertNotifier::schedule()
{
    const std::int64_t due = m_throttle.nextFlushAtMs();
    if (due < 0) {
        m_flush.stop();
        return;
    }
    m_flush.start(std::chrono::milliseconds(std::max<std::int64_t>(0, due - m_clock())));
}

} // namespace bw
