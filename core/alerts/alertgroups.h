#pragma once

#include "alerts/alerttracker.h"
#include "fleet/breakerid.h"

#include <QList>
#include <QString>

#include <functional>
#include <optional>

namespace bw {

// An incident that several breakers' alerts belong to (correlated opens, found by core/incidents/): a stable key
// and a title for people.
struct IncidentRef
{
    QString key;
    QString title;
    bool operator==(const IncidentRef &) const = default;
};
// Which incident a breaker's alerts belong to now, if any. The default (empty function) knows none.
using IncidentLookup = std::function<std::optional<IncidentRef>(const BreakerId &)>;

// What an operator did about one alert, as the grouping needs it.
struct AlertMarks
{
    bool acknowledged = false;
    bool silenced = false;
};

// One group of alerts: those of an incident, or else those of one service. Counts are of active alerts, except
// `resolved`; an alert both acknowledged and silenced counts in both.
struct AlertGroup
{
    QString key;   // "incident:<key>" or "service:<name>": stable while the group exists
    QString title; // the incident's title, or the service's name
    bool incident = false;
    QList<int> members; // indexes into the alerts given, in their order
    int firing = 0;     // active, neither acknowledged nor silenced: what still needs someone
    int acknowledged = 0;
    int silenced = 0;
    int resolved = 0;
    std::int64_t lastFiredMs = 0; // the newest member's firedAtMs

    int active() const;
    bool operator==(const AlertGroup &) const = default;
};

// Groups `alerts` by incident (where `incidentOf` names one for the alert's breaker) or else by service. Groups with
// something firing come first, then by their newest alert (newest first), then by key. Pure.
QList<AlertGroup> groupAlerts(const QList<Alert> &alerts, const std::function<AlertMarks(const Alert &)> &marksOf,
                              const IncidentLookup &incidentOf = {});
// The group an alert goes to (as groupAlerts() files it): its key and title.
struct AlertGroupName
{
    QString key;
    QString title;
    bool incident = false;
};
AlertGroupName alertGroupOf(const Alert &alert, const IncidentLookup &incidentOf = {});
QString alertGroupKey(const Alert &alert, const IncidentLookup &incidentOf = {});

} // namespace bw
