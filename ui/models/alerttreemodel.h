#pragma once

#include "alerts/alertdesk.h"

#include <QAbstractItemModel>
#include <QList>

#include <functional>

namespace bw {

class AlertCenter;

// The alerts of the session grouped (AlertDesk::groups(): by incident where one is known, else by service): a group
// per top-level row with its counts, its alerts below it. A group with something firing comes first; in a group,
// alerts that need someone come first, then acknowledged or silenced ones (dimmed, saying who, when and why), then
// resolved ones, each newest first. Follows an AlertCenter and its AlertDesk, or is fed by hand (setAlerts).
// Rows are derived from stable keys: a group by AlertGroup::key, an alert by its AlertKey and firedAtMs.
class AlertTreeModel final : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum Column
    {
        StatusColumn, // FIRING, acknowledged, silenced, resolved; a group: its title and counts (spanned over the row)
        ServiceColumn,
        BreakerColumn, // the breaker's name; "health" for an instance's health breaker
        InstanceColumn,
        OriginColumn, // simulated or real
        KindColumn,
        FiredColumn,
        DurationColumn,
        SummaryColumn,
        ColumnCount
    };
    enum Role
    {
        ActiveRole = Qt::UserRole + 1,
        KeyRole,          // an alert: its breaker's key (BreakerId::key())
        GroupKeyRole,     // both: the group's key
        IsGroupRole,      // true on a group row
        FiringCountRole,  // a group: active alerts neither acknowledged nor silenced (an alert: 1 or 0)
        AcknowledgedRole, // a group: how many are acknowledged; an alert: whether it is
        SilencedRole,     // a group: how many are silenced; an alert: whether it is
        ResolvedCountRole,
        RowKeyRole, // both: stable across resets ("service:checkout"; an alert: its breaker, origin, kind, firing time)
    };
    using MarksOf = std::function<AlertDesk::Marks(const Alert &)>;

    // `now` gives the time for "firing for ..." and for which silences hold (the monitor's clock).
    AlertTreeModel(AlertCenter *center, AlertDesk *desk, std::function<std::int64_t()> now, QObject *parent = nullptr);
    explicit AlertTreeModel(std::function<std::int64_t()> now, QObject *parent = nullptr);

    // Replaces the rows (a reset), in AlertCenter's order: oldest first.
    void setAlerts(const QList<Alert> &alerts, const MarksOf &marksOf = {}, const IncidentLookup &incidentOf = {});
    // Once a second: the "for" column moves on; a silence that ended (or began) changes the marks (a reset then).
    void tick();
    void reload();

    // The alert at an alert row; nullptr for a group row or an invalid index.
    const Alert *alertAt(const QModelIndex &index) const;
    const AlertDesk::Marks *marksAt(const QModelIndex &index) const;
    // The group at a group row (or an alert row's group).
    const AlertGroup *groupAt(const QModelIndex &index) const;
    // The alerts of a group row, or the one alert of an alert row.
    QList<Alert> alertsAt(const QModelIndex &index) const;
    // The group row of a group key; invalid if none.
    QModelIndex indexOfGroup(const QString &groupKey) const;
    // The row of a RowKeyRole value; invalid if none.
    QModelIndex indexOfRowKey(const QString &rowKey) const;
    // Counts over every group: active alerts nobody handles yet, acknowledged, silenced, and groups with something
    // firing.
    struct Totals
    {
        int firing = 0;
        int acknowledged = 0;
        int silenced = 0;
        int groupsFiring = 0;
        int groups = 0;
    };
    Totals totals() const;

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QVariant groupData(const AlertGroup &group, int column, int role) const;
    QVariant alertData(int alert, int column, int role) const;
    QList<AlertDesk::Marks> marksFor(const QList<Alert> &alerts) const;

    AlertCenter *m_center = nullptr;
    AlertDesk *m_desk = nullptr;
    std::function<std::int64_t()> m_now;
    MarksOf m_marksOf;
    IncidentLookup m_incidentOf;
    QList<Alert> m_alerts;
    QList<AlertDesk::Marks> m_marks; // per alert
    QList<AlertGroup> m_groups;      // members sorted for display
};

} // namespace bw
