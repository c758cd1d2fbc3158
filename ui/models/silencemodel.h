#pragma once

#include "alerts/silence.h"

#include <QAbstractTableModel>
#include <QList>

#include <functional>

namespace bw {

class AlertDesk;

// The silences in force: local ones (this desktop) and Alertmanager's, soonest to end first. Follows an AlertDesk
// (its changes, and tick() once a second for silences whose time is up), or is fed by hand (setSilences). Rows are
// reset only when the set of silences changes; the "ends in" column is updated in place.
class SilenceModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        MatchersColumn,
        WhereColumn, // "local" or the Alertmanager's host:port
        EndsColumn,  // "in 1h 20m (14:30)"
        CreatedByColumn,
        CommentColumn,
        ColumnCount
    };
    enum Role
    {
        IdRole = Qt::UserRole + 1,
        LocalRole, // true for a local silence
    };

    SilenceModel(AlertDesk *desk, std::function<std::int64_t()> now, QObject *parent = nullptr);
    explicit SilenceModel(std::function<std::int64_t()> now, QObject *parent = nullptr);

    void setSilences(QList<Silence> silences);
    void tick();
    const Silence *silenceAt(const QModelIndex &index) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    void reload();

    AlertDesk *m_desk = nullptr;
    std::function<std::int64_t()> m_now;
    QList<Silence> m_rows;
};

} // namespace bw
