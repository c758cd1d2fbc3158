#pragma once

#include "alerts/alerttracker.h"

#include <QList>

namespace bw {

// The alerts of this session, oldest first, as the alerts panel lists them: every active one (once, updated in
// place when it resolves) and the last kKeptResolved resolved ones. A flapping fleet resolves thousands an hour;
// the history store keeps them all. Pure.
class SessionAlerts
{
public:
    static constexpr qsizetype kKeptResolved = 2000;

    void fired(const Alert &alert);
    // Updates the active entry `alert` fired as (same breaker, source and kind); false if there is none.
    bool resolved(const Alert &alert);

    const QList<Alert> &all() const { return m_alerts; }
    qsizetype activeCount() const { return m_alerts.size() - m_resolved; }

private:
    void forgetOldResolved();

    QList<Alert> m_alerts;
    qsizetype m_resolved = 0; // of m_alerts
};

} // namespace bw
