#pragma once

#include <QAbstractTableModel>
#include <QList>
#include <QString>

namespace bw {

class AuditLog;
class FleetHistory;

// One service's event log: the transitions of its simulated and real breakers (from the display store, with
// their reasons) and the operator actions on it (from the audit log), newest first.
class EventLogModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Role
    {
        BetweenScrapesRole = Qt::UserRole + 1, // bool: a transition the counters imply happened between two scrapes
    };
    enum Column
    {
        TimeColumn,
        SourceColumn,
        EventColumn,
        DetailColumn,
        ColumnCount
    };

    EventLogModel(const FleetHistory *history, AuditLog *audit, QObject *parent = nullptr);

    // -1: no service.
    void setService(int index, const QString &name);
    // Re-reads the store and the audit log; a no-op when nothing changed.
    void refresh();

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Row
    {
        std::int64_t t = 0;
        QString source;
        QString event;
        QString detail;
        bool operatorAction = false;
        bool betweenScrapes = false; // implied by counters, not seen as it happened
    };

    const FleetHistory *m_history;
    const AuditLog *m_audit;
    int m_service = -1;
    QString m_name;
    QList<Row> m_rows;
    std::size_t m_seenRuns = 0;
    bool m_auditChanged = true;
};

} // namespace bw
