#include "alerts/sessionalerts.h"

namespace bw {

void SessionAlerts::fired(const Alert &alert)
{
    m_alerts.push_back(alert);
    if (!alert.active())
        ++m_resolved;
}

bool SessionAlerts::resolved(const Alert &alert)
{
    for (auto it = m_alerts.rbegin(); it != m_alerts.rend(); ++it) {
        if (it->active() && it->service == alert.service && it->source == alert.source && it->kind == alert.kind) {
            *it = alert;
            ++m_resolved;
            forgetOldResolved();
            return true;
        }
    }
    return false;
}

void SessionAlerts::forgetOldResolved()
{
    // A quarter of the bound at once, so that this is rare.
    if (m_resolved <= kKeptResolved + kKeptResolved / 4)
        return;
    qsizetype drop = m_resolved - kKeptResolved;
    m_resolved = kKeptResolved;
    QList<Alert> kept;
    kept.reserve(m_alerts.size() - drop);
    for (Alert &a : m_alerts) {
        if (!a.active() && drop > 0)
            --drop;
        else
            kept.push_back(std::move(a));
    }
    m_alerts = std::move(kept);
}

} // namespace bw
