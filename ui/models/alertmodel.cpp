#include "models/alertmodel.h"

#include "alerts/alertcenter.h"
#include "common/durations.h"
#include "fleet/breakerid.h"

#include <QBrush>
#include <QColor>
#include <QDateTime>
#include <QFont>

using namespace Qt::StringLiterals;

namespace bw {

AlertModel::AlertModel(AlertCenter *center, std::function<std::int64_t()> now, QObject *parent)
    : QAbstractTableModel(parent), m_center(center), m_now(std::move(now))
{
    connect(center, &AlertCenter::alertsChanged, this, &AlertModel::reload);
    reload();
}

AlertModel::AlertModel(std::function<std::int64_t()> now, QObject *parent)
    : QAbstractTableModel(parent), m_now(std::move(now))
{}

void AlertModel::reload()
{
    if (m_center)
        setAlerts(m_center->alerts());
}

void AlertModel::setAlerts(QList<Alert> alerts)
{
    beginResetModel();
    m_rows = std::move(alerts);
    std::reverse(m_rows.begin(), m_rows.end());
    // Firing alerts first, each group newest first.
    std::stable_partition(m_rows.begin(), m_rows.end(), [](const Alert &a) { return a.active(); });
    endResetModel();
}

int AlertModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int AlertModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant AlertModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Alert &a = m_rows[index.row()];
    if (role == ActiveRole)
        return a.active();
    if (role == KeyRole)
        return a.service;
    if (role == Qt::FontRole && a.active()) {
        QFont bold;
        bold.setBold(true);
        return bold;
    }
    if (role == Qt::ForegroundRole && index.column() == StatusColumn)
        return a.active() ? QColor(0xD5, 0x5E, 0x00) : QVariant();
    if (role == Qt::ToolTipRole)
        return a.summary;
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case StatusColumn:
        return a.active() ? tr("FIRING") : tr("resolved");
    case ServiceColumn:
        return BreakerId::parse(a.service).service;
    case BreakerColumn:
        return BreakerId::parse(a.service).breakerLabel();
    case InstanceColumn:
        return BreakerId::parse(a.service).instance;
    case OriginColumn:
        return a.source == AlertSource::Simulated ? tr("simulated") : tr("real");
    case KindColumn:
        return alertKindName(a.kind);
    case FiredColumn:
        return QDateTime::fromMSecsSinceEpoch(a.firedAtMs).toString(u"HH:mm:ss"_s);
    case DurationColumn: {
        const std::int64_t end = a.resolvedAtMs.value_or(m_now());
        return formatDurationMs(std::max<std::int64_t>(0, end - a.sinceMs));
    }
    case SummaryColumn:
        return a.summary;
    default:
        return {};
    }
}

QVariant AlertModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case StatusColumn:
        return tr("Status");
    case ServiceColumn:
        return tr("Service");
    case BreakerColumn:
        return tr("Breaker");
    case InstanceColumn:
        return tr("Instance");
    case OriginColumn:
        return tr("Origin");
    case KindColumn:
        return tr("Alert");
    case FiredColumn:
        return tr("Fired");
    case DurationColumn:
        return tr("For");
    case SummaryColumn:
        return tr("Summary");
    default:
        return {};
    }
}

} // namespace bw
