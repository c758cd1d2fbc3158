#pragma once

#include "monitor/servicestatus.h"

#include <QAbstractTableModel>

#include <vector>

namespace bw {

class ServiceMonitor;

// One row per watched service, fed by ServiceMonitor; each update changes only its own row (dataChanged).
class ServiceTableModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        NameColumn,
        StateColumn,
        ObservedColumn,
        FailureColumn,
        TrafficColumn,
        OutcomeColumn,
        LatencyColumn,
        OpensColumn,
        ReasonColumn,
        ColumnCount
    };
    enum Role
    {
        StateRole = Qt::UserRole + 1,
        SortRole
    };

    explicit ServiceTableModel(ServiceMonitor *monitor, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void reload();
    void update(int row, const ServiceStatus &status);

private:
    ServiceMonitor *m_monitor;
    std::vector<ServiceStatus> m_rows;
};

} // namespace bw
