#pragma once

#include "alerts/alerttracker.h"

#include <QAbstractTableModel>
#include <QList>

namespace bw {

class AlertCenter;

// The alerts of the session, newest first, firing ones marked; follows an AlertCenter.
class AlertModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        StatusColumn,
        ServiceColumn,
        BreakerColumn,
        KindColumn,
        FiredColumn,
        DurationColumn,
        SummaryColumn,
        ColumnCount
    };
    enum Role
    {
        ActiveRole = Qt::UserRole + 1
    };

    // `now` gives the time for "firing for ..." (the monitor's clock).
    AlertModel(AlertCenter *center, std::function<std::int64_t()> now, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    void reload();

    AlertCenter *m_center;
    std::function<std::int64_t()> m_now;
    QList<Alert> m_rows; // newest first
};

} // namespace bw
