#pragma once

#include "alerts/alerttracker.h"

#include <QAbstractTableModel>
#include <QList>

namespace bw {

class AlertCenter;

// The alerts of the session, firing ones first, each group newest first; the breaker named by its three parts
// (service, breaker, instance) and the alert's origin. Follows an AlertCenter, or is fed by hand (setAlerts).
class AlertModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        StatusColumn,
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
        KeyRole, // the breaker's key (BreakerId::key()), as the alert names it
    };

    // `now` gives the time for "firing for ..." (the monitor's clock).
    AlertModel(AlertCenter *center, std::function<std::int64_t()> now, QObject *parent = nullptr);
    explicit AlertModel(std::function<std::int64_t()> now, QObject *parent = nullptr);
    // Replaces the rows (a reset), in AlertCenter's order: oldest first.
    void setAlerts(QList<Alert> alerts);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    void reload();

    AlertCenter *m_center = nullptr;
    std::function<std::int64_t()> m_now;
    QList<Alert> m_rows; // newest first
};

} // namespace bw
