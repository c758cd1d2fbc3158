#pragma once

#include "fleet/breakerstatus.h"

#include <QAbstractTableModel>
#include <QList>

#include <cstdint>

namespace bw {

// One breaker on every instance that holds it, for the detail pane: each instance's simulated and real state,
// since when and why, most urgent first (core's moreUrgent). Fed by value (setInstances) from the monitor's
// statuses; rows are reset only when the set of instances changes, otherwise updated in place. Shows the values
// core computed; it computes none itself.
class BreakerInstancesModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        InstanceColumn,
        SimulatedColumn,
        RealColumn,
        SinceColumn,
        WhyColumn,
        ColumnCount
    };
    enum Role
    {
        BreakerKeyRole = Qt::UserRole + 1, // QString: the row's BreakerId::key()
    };

    explicit BreakerInstancesModel(QObject *parent = nullptr);

    // `nowMs` for "for 4 min".
    void setInstances(QList<BreakerStatus> instances, std::int64_t nowMs);
    const QList<BreakerStatus> &instances() const { return m_instances; }
    // The row of an instance's breaker, -1 when it is not listed.
    int rowOf(const BreakerId &id) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<BreakerStatus> m_instances;
    std::int64_t m_now = 0;
};

} // namespace bw
