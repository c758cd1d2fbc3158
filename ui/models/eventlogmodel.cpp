#include "models/eventlogmodel.h"

#include "control/auditlog.h"
#include "history/fleethistory.h"

#include <QDateTime>
#include <QFont>

using namespace Qt::StringLiterals;

namespace bw {

EventLogModel::EventLogModel(const FleetHistory *history, AuditLog *audit, QObject *parent)
    : QAbstractTableModel(parent), m_history(history), m_audit(audit)
{
    connect(audit, &AuditLog::entryAdded, this, [this] { m_auditChanged = true; });
    connect(audit, &AuditLog::entryChanged, this, [this] { m_auditChanged = true; });
}

void EventLogModel::setService(int index, const QString &name)
{
    m_service = index;
    m_name = name;
    m_seenRuns = std::numeric_limits<std::size_t>::max(); // force a rebuild
    refresh();
}

void EventLogModel::refresh()
{
    const bool valid = m_service >= 0 && m_service < m_history->serviceCount();
    // The run count alone stops moving once a track's ring is full; the current run's start still moves.
    std::size_t runs = 0;
    if (valid) {
        for (TrackKind kind : {TrackKind::Simulated, TrackKind::Observed}) {
            const TrackHistory &track = m_history->service(m_service).track(kind);
            runs += track.runCount();
            if (const auto current = track.runAt(track.latestTime()))
                runs += static_cast<std::size_t>(current->start);
        }
    }
    if (runs == m_seenRuns && !m_auditChanged)
        return;
    m_seenRuns = runs;
    m_auditChanged = false;

    QList<Row> rows;
    if (valid) {
        const ServiceHistory &service = m_history->service(m_service);
        for (TrackKind track : {TrackKind::Simulated, TrackKind::Observed}) {
            const QString source = track == TrackKind::Simulated ? tr("simulated") : tr("real");
            for (const TrackTransition &transition :
                 service.track(track).transitions(0, std::numeric_limits<std::int64_t>::max())) {
                const QString reason = service.reasonText(transition.reason);
                const bool between = reason == kBetweenScrapesReason;
                rows.push_back({transition.t, source,
                                stateName(transition.from).toUpper() + u" → "_s + stateName(transition.to).toUpper() +
                                    (between ? tr("  (between scrapes)") : QString()),
                                reason, false, between});
            }
        }
        for (const AuditEntry &entry : m_audit->entries()) {
            if (entry.service != m_name)
                continue;
            rows.push_back({entry.atMs, tr("operator %1").arg(entry.who),
                            tr("%1 %2: %3").arg(entry.action, entry.target, entry.outcome), entry.detail, true});
        }
    }
    std::stable_sort(rows.begin(), rows.end(), [](const Row &a, const Row &b) { return a.t > b.t; });
    beginResetModel();
    m_rows = std::move(rows);
    endResetModel();
}

int EventLogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int EventLogModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant EventLogModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows[index.row()];
    if (role == Qt::FontRole && row.operatorAction) {
        QFont italic;
        italic.setItalic(true);
        return italic;
    }
    if (role == BetweenScrapesRole)
        return row.betweenScrapes;
    if (role == Qt::ToolTipRole)
        return row.betweenScrapes ? tr("The counters say this happened between two scrapes; its time is spread over "
                                       "the interval, not seen as it happened.")
                                  : row.detail;
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case TimeColumn:
        return QDateTime::fromMSecsSinceEpoch(row.t).toString(u"yyyy-MM-dd HH:mm:ss.zzz"_s);
    case SourceColumn:
        return row.source;
    case EventColumn:
        return row.event;
    case DetailColumn:
        return row.detail;
    default:
        return {};
    }
}

QVariant EventLogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case TimeColumn:
        return tr("Time");
    case SourceColumn:
        return tr("Breaker / who");
    case EventColumn:
        return tr("Event");
    case DetailColumn:
        return tr("Reason / answer");
    default:
        return {};
    }
}

} // namespace bw
