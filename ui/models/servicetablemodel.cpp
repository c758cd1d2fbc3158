#include "models/servicetablemodel.h"

#include "monitor/servicemonitor.h"

#include <QColor>

using namespace Qt::StringLiterals;

namespace bw {

namespace {

// Okabe-Ito hues: distinguishable with the common colour-vision deficiencies; the state is also written out.
QColor stateColour(BreakerState state)
{
    switch (state) {
    case BreakerState::Closed:
        return QColor(0x00, 0x9E, 0x73);
    case BreakerState::Open:
    case BreakerState::ForcedOpen:
        return QColor(0xD5, 0x5E, 0x00);
    case BreakerState::HalfOpen:
        return QColor(0xE6, 0x9F, 0x00);
    case BreakerState::Disabled:
    case BreakerState::MetricsOnly:
        return QColor(0x56, 0xB4, 0xE9);
    }
    return {};
}

} // namespace

ServiceTableModel::ServiceTableModel(ServiceMonitor *monitor, QObject *parent)
    : QAbstractTableModel(parent), m_monitor(monitor)
{
    reload();
    connect(monitor, &ServiceMonitor::serviceUpdated, this, &ServiceTableModel::update);
    connect(monitor, &ServiceMonitor::servicesReset, this, &ServiceTableModel::reload);
}

void ServiceTableModel::reload()
{
    beginResetModel();
    m_rows.clear();
    for (int i = 0; i < m_monitor->serviceCount(); ++i)
        m_rows.push_back(m_monitor->status(i));
    endResetModel();
}

void ServiceTableModel::update(int row, const ServiceStatus &status)
{
    if (row < 0 || row >= rowCount())
        return;
    m_rows[static_cast<std::size_t>(row)] = status;
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

int ServiceTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int ServiceTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ServiceTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ServiceStatus &s = m_rows[static_cast<std::size_t>(index.row())];
    const bool polled = s.lastCheckMs >= 0;
    if (role == StateRole)
        return static_cast<int>(s.state);
    if (role == Qt::ToolTipRole) {
        if (index.column() == OutcomeColumn)
            return s.lastMessage;
        if (index.column() == NameColumn)
            return s.url;
        if (index.column() == ObservedColumn)
            return !s.observedProblem.isEmpty() ? s.observedProblem
                   : s.observedState            ? tr("The service's own breaker, as its metrics or events report it.")
                                                : tr("No real breaker is configured for this service "
                                                                "(metrics: observed_breaker).");
        if (index.column() == TrafficColumn)
            return !s.scrapeProblem.isEmpty()
                       ? s.scrapeProblem
                       : tr("The service's own requests, from its request counters between scrapes.");
        return s.lastReason;
    }
    if (role == Qt::ForegroundRole && index.column() == StateColumn)
        return stateColour(s.state);
    if (role == Qt::ForegroundRole && index.column() == ObservedColumn && s.observedState)
        return stateColour(*s.observedState);
    if (role == Qt::TextAlignmentRole && (index.column() == FailureColumn || index.column() == LatencyColumn ||
                                          index.column() == OpensColumn || index.column() == TrafficColumn))
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole && role != SortRole)
        return {};
    const bool sort = role == SortRole;
    switch (index.column()) {
    case NameColumn:
        return s.name;
    case StateColumn:
        return sort ? QVariant(static_cast<int>(s.state)) : QVariant(stateName(s.state).toUpper());
    case ObservedColumn:
        if (sort)
            return s.observedState ? static_cast<int>(*s.observedState) : -1;
        if (s.observedState)
            return stateName(*s.observedState).toUpper();
        return s.observedProblem.isEmpty() ? u"–"_s : tr("unknown");
    case TrafficColumn:
        if (sort)
            return s.requestsPerSecond;
        if (!s.scrapeProblem.isEmpty())
            return tr("scrape problem");
        if (s.requestsPerSecond < 0)
            return u"–"_s;
        return tr("%1/s, %2 % failed")
            .arg(s.requestsPerSecond, 0, 'f', s.requestsPerSecond < 10 ? 1 : 0)
            .arg(std::max(0.0, s.trafficFailurePercent), 0, 'f', 0);
    case FailureColumn:
        if (sort)
            return s.windowFailurePercent;
        return s.windowFailurePercent < 0 ? u"–"_s : u"%1 %"_s.arg(s.windowFailurePercent, 0, 'f', 0);
    case OutcomeColumn:
        return polled ? outcomeKindName(s.lastOutcome).replace(u'_', u' ') : tr("waiting for first poll");
    case LatencyColumn:
        if (sort)
            return s.lastLatencyMs;
        return polled ? u"%1 ms"_s.arg(qRound(s.lastLatencyMs)) : QString();
    case OpensColumn:
        return s.opensLast10Min;
    case ReasonColumn:
        return s.lastReason;
    default:
        return {};
    }
}

QVariant ServiceTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn:
        return tr("Service");
    case StateColumn:
        return tr("Breaker");
    case ObservedColumn:
        return tr("Real breaker");
    case TrafficColumn:
        return tr("Traffic");
    case FailureColumn:
        return tr("Failures (window)");
    case OutcomeColumn:
        return tr("Last check");
    case LatencyColumn:
        return tr("Latency");
    case OpensColumn:
        return tr("Opens (10 min)");
    case ReasonColumn:
        return tr("Why");
    default:
        return {};
    }
}

} // namespace bw
