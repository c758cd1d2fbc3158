#include "alerts/alertgroups.h"

#include <map>

using namespace Qt::StringLiterals;

namespace bw {

AlertGroupName alertGroupOf(const Alert &alert, const IncidentLookup &incidentOf)
{
    const BreakerId id = BreakerId::parse(alert.service);
    if (incidentOf) {
        if (const std::optional<IncidentRef> ref = incidentOf(id))
            return {u"incident:"_s + ref->key, ref->title.isEmpty() ? ref->key : ref->title, true};
    }
    return {u"service:"_s + id.service, id.service, false};
}

int AlertGroup::active() const
{
    return static_cast<int>(members.size()) - resolved;
}

QString alertGroupKey(const Alert &alert, const IncidentLookup &incidentOf)
{
    return alertGroupOf(alert, incidentOf).key;
}

QList<AlertGroup> groupAlerts(const QList<Alert> &alerts, const std::function<AlertMarks(const Alert &)> &marksOf,
                              const IncidentLookup &incidentOf)
{
    std::map<QString, AlertGroup> byKey;
    for (int i = 0; i < alerts.size(); ++i) {
        const Alert &alert = alerts[i];
        const AlertGroupName name = alertGroupOf(alert, incidentOf);
        AlertGroup &group = byKey[name.key];
        if (group.key.isEmpty()) {
            group.key = name.key;
            group.title = name.title;
            group.incident = name.incident;
        }
        group.members << i;
        group.lastFiredMs = std::max(group.lastFiredMs, alert.firedAtMs);
        if (!alert.active()) {
            ++group.resolved;
            continue;
        }
        const AlertMarks marks = marksOf ? marksOf(alert) : AlertMarks{};
        if (marks.acknowledged)
            ++group.acknowledged;
        if (marks.silenced)
            ++group.silenced;
        if (!marks.acknowledged && !marks.silenced)
            ++group.firing;
    }
    QList<AlertGroup> out;
    out.reserve(static_cast<qsizetype>(byKey.size()));
    for (auto &[key, group] : byKey)
        out << std::move(group);
    std::stable_sort(out.begin(), out.end(), [](const AlertGroup &a, const AlertGroup &b) {
        if ((a.firing > 0) != (b.firing > 0))
            return a.firing > 0;
        if ((a.active() > 0) != (b.active() > 0))
            return a.active() > 0;
        if (a.lastFiredMs != b.lastFiredMs)
            return a.lastFiredMs > b.lastFiredMs;
        return a.key < b.key;
    });
    return out;
}

} // namespace bw
