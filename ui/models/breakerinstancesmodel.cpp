#include "models/breakerinstancesmodel.h"

#include "common/durations.h"
#include "fleet/rollup.h"
#include "models/servicetablemodel.h"

#include <QColor>
#include <QDateTime>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace bw {

BreakerInstancesModel::BreakerInstancesModel(QObject *parent) : QAbstractTableModel(parent) {}

void BreakerInstancesModel::setInstances(QList<BreakerStatus> instances, std::int64_t nowMs)
{
    std::stable_sort(instances.begin(), instances.end(), moreUrgent);
    m_now = nowMs;
    const bool sameRows = instances.size() == m_instances.size() &&
                          std::equal(instances.cbegin(), instances.cend(), m_instances.cbegin(),
                                     [](const BreakerStatus &a, const BreakerStatus &b) { return a.id == b.id; });
    if (!sameRows) {
        beginResetModel();
        m_instances = std::move(instances);
        endResetModel();
        return;
    }
    m_instances = std::move(instances);
    if (!m_instances.isEmpty())
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

int BreakerInstancesModel::rowOf(const BreakerId &id) const
{
    for (int row = 0; row < m_instances.size(); ++row)
        if (m_instances[row].id == id)
            return row;
    return -1;
}

int BreakerInstancesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_instances.size());
}

int BreakerInstancesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant BreakerInstancesModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const BreakerStatus &s = m_instances[index.row()];
    if (role == BreakerKeyRole)
        return s.name;
    if (role == Qt::ForegroundRole) {
        if (s.stale)
            return QColor(0x80, 0x80, 0x80);
        if (index.column() == SimulatedColumn)
            return ServiceTableModel::stateColour(s.state);
        if (index.column() == RealColumn && s.observedState)
            return ServiceTableModel::stateColour(*s.observedState);
        return {};
    }
    const std::optional<std::int64_t> notClosedMs = notClosedSince(s);
    const std::int64_t sinceMs = notClosedMs.value_or(s.stateSinceMs);
    if (role == Qt::ToolTipRole) {
        if (index.column() == SinceColumn)
            return tr("%1 since %2")
                .arg(notClosedMs ? tr("Not closed") : tr("Closed"),
                     QDateTime::fromMSecsSinceEpoch(sinceMs).toString(u"yyyy-MM-dd HH:mm:ss"_s));
        if (index.column() == InstanceColumn)
            return s.stale ? tr("%1: its source no longer shows this breaker").arg(s.id.instance) : s.url;
        return data(index, Qt::DisplayRole);
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case InstanceColumn:
        return s.stale ? tr("%1 (stale)").arg(s.id.instance) : s.id.instance;
    case SimulatedColumn:
        return stateName(s.state).toUpper();
    case RealColumn:
        return ServiceTableModel::observedStateText(s);
    case SinceColumn:
        return sinceMs > 0 ? tr("%1 (%2)").arg(formatDurationMs(std::max<std::int64_t>(0, m_now - sinceMs)),
                                               QDateTime::fromMSecsSinceEpoch(sinceMs).toString(u"HH:mm:ss"_s))
                           : u"–"_s;
    case WhyColumn:
        if (!s.observedProblem.isEmpty())
            return tr("real breaker: %1").arg(s.observedProblem);
        if (!s.scrapeProblem.isEmpty())
            return tr("metrics: %1").arg(s.scrapeProblem);
        return s.lastReason;
    default:
        return {};
    }
}

QVariant BreakerInstancesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case SimulatedColumn:
            return tr("Breakerwatch's simulated breaker of this instance, fed by what it observes");
        case RealColumn:
            return tr("The instance's own breaker, as its source reports it");
        case SinceColumn:
            return tr("How long it has not been closed (or has been closed), and since when");
        default:
            return {};
        }
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case InstanceColumn:
        return tr("Instance");
    case SimulatedColumn:
        return tr("Simulated");
    case RealColumn:
        return tr("Real");
    case SinceColumn:
        return tr("For");
    case WhyColumn:
        return tr("Why");
    default:
        return {};
    }
}

} // namespace bw
