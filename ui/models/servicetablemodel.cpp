#include "models/servicetablemodel.h"

#include "fleet/rollup.h"
#include "history/fleethistory.h"
#include "history/historyrecorder.h"
#include "history/recentfigures.h"
#include "monitor/fleetmonitor.h"

#include <QColor>
#include <QPointF>
#include <QVariantMap>

using namespace Qt::StringLiterals;

namespace bw {

QString ServiceTableModel::observedStateText(const BreakerStatus &s)
{
    if (s.observedState && s.observedOpenMayBeHalfOpen && *s.observedState == BreakerState::Open)
        return tr("OPEN / HALF-OPEN");
    if (s.observedState)
        return stateName(*s.observedState).toUpper();
    return s.observedProblem.isEmpty() ? u"–"_s : tr("unknown");
}

QColor ServiceTableModel::stateColour(BreakerState state)
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

ServiceTableModel::ServiceTableModel(QObject *parent) : QAbstractTableModel(parent) {}

ServiceTableModel::ServiceTableModel(FleetMonitor *monitor, QObject *parent)
    : QAbstractTableModel(parent), m_monitor(monitor)
{
    m_labelsOf = [monitor](const BreakerId &id) {
        QVariantMap labels;
        if (const ServiceConfig *config = monitor->instanceConfig(id))
            for (auto it = config->labels.cbegin(); it != config->labels.cend(); ++it)
                labels.insert(it.key(), it.value());
        return labels;
    };
    reload();
    connect(monitor, &FleetMonitor::breakerUpdated, this, &ServiceTableModel::update);
    connect(monitor, &FleetMonitor::breakerAdded, this,
            [this, monitor](const BreakerId &id) { addBreaker(monitor->status(id)); });
    connect(monitor, &FleetMonitor::breakerRemoved, this, &ServiceTableModel::removeBreaker);
}

void ServiceTableModel::setHistory(const FleetHistory *history, const HistoryRecorder *recorder,
                                   std::function<std::int64_t()> clock)
{
    setHistory(
        history, [recorder](const BreakerId &id) { return recorder ? recorder->rowOf(id) : -1; }, std::move(clock));
}

void ServiceTableModel::setHistory(const FleetHistory *history, HistoryRowOf rowOf, std::function<std::int64_t()> clock)
{
    m_history = history;
    m_historyRowOf = std::move(rowOf);
    m_clock = std::move(clock);
}

void ServiceTableModel::reload()
{
    if (!m_monitor)
        return;
    std::vector<BreakerStatus> statuses;
    for (const BreakerId &id : m_monitor->breakers())
        statuses.push_back(m_monitor->status(id));
    setBreakers(std::move(statuses));
}

void ServiceTableModel::setBreakers(std::vector<BreakerStatus> statuses)
{
    std::sort(statuses.begin(), statuses.end(), [](const auto &a, const auto &b) { return a.id < b.id; });
    beginResetModel();
    m_rows = std::move(statuses);
    endResetModel();
}

namespace {
auto byId(const std::vector<BreakerStatus> &rows, const BreakerId &id)
{
    return std::lower_bound(rows.begin(), rows.end(), id,
                            [](const BreakerStatus &row, const BreakerId &key) { return row.id < key; });
}
} // namespace

int ServiceTableModel::rowOf(const BreakerId &id) const
{
    const auto it = byId(m_rows, id);
    return it != m_rows.end() && it->id == id ? static_cast<int>(it - m_rows.begin()) : -1;
}

void ServiceTableModel::addBreaker(const BreakerStatus &status)
{
    if (rowOf(status.id) >= 0)
        return update(status.id, status);
    const int row = static_cast<int>(byId(m_rows, status.id) - m_rows.begin()); // by id, as the monitor orders them
    beginInsertRows({}, row, row);
    m_rows.insert(m_rows.begin() + row, status);
    endInsertRows();
}

void ServiceTableModel::removeBreaker(const BreakerId &id)
{
    const int row = rowOf(id);
    if (row < 0)
        return;
    beginRemoveRows({}, row, row);
    m_rows.erase(m_rows.begin() + row);
    endRemoveRows();
}

void ServiceTableModel::update(const BreakerId &id, const BreakerStatus &status)
{
    const int row = rowOf(id);
    if (row < 0)
        return;
    m_rows[static_cast<std::size_t>(row)] = status;
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

int ServiceTableModel::historyRow(int row) const
{
    if (!m_history || !m_historyRowOf || !m_clock)
        return -1;
    const int found = m_historyRowOf(m_rows[static_cast<std::size_t>(row)].id);
    return found < m_history->serviceCount() ? found : -1;
}

int ServiceTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int ServiceTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ServiceTableModel::sparkline(int modelRow) const
{
    const int row = historyRow(modelRow);
    if (row < 0)
        return {};
    const std::int64_t now = m_clock();
    QList<QPointF> points;
    for (const SeriesPoint &p : m_history->buckets(row, SeriesKind::ErrorRate, now - kSparklineSpanMs, now + 1, 60))
        points.push_back({static_cast<double>(now - p.t) / 1000.0, p.max});
    std::reverse(points.begin(), points.end()); // oldest first: seconds ago decreasing
    return QVariant::fromValue(points);
}

double ServiceTableModel::recentErrorRate(int modelRow, double fallback) const
{
    const int row = historyRow(modelRow);
    return row < 0 ? fallback : recentErrorRatePercent(*m_history, row, m_clock()).value_or(fallback);
}

double ServiceTableModel::latestP95(int modelRow) const
{
    const int row = historyRow(modelRow);
    return row < 0 ? -1 : recentP95LatencyMs(*m_history, row, m_clock()).value_or(-1);
}

QVariant ServiceTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const BreakerStatus &s = m_rows[static_cast<std::size_t>(index.row())];
    const bool polled = s.lastCheckMs >= 0;
    switch (role) {
    case StateRole:
        return static_cast<int>(s.state);
    case FlappingRole:
        return s.flapping;
    case StaleRole:
        return s.stale;
    case StateSinceRole:
        return QVariant::fromValue<qint64>(s.stateSinceMs);
    case ObservedStateRole:
        return s.observedState ? QVariant(static_cast<int>(*s.observedState)) : QVariant();
    case ObservedSinceRole:
        return QVariant::fromValue<qint64>(s.observedSinceMs);
    case NotClosedRole:
        return notClosed(s);
    case FailingRole:
        return checkFailing(s);
    case StatusRole:
        return QVariant::fromValue(s);
    case LabelsRole:
        return m_labelsOf ? m_labelsOf(s.id) : QVariantMap();
    case SparklineRole:
        return index.column() == ErrorRateColumn ? sparkline(index.row()) : QVariant();
    default:
        break;
    }
    if (role == Qt::ToolTipRole) {
        switch (index.column()) {
        case NameColumn:
            return s.stale ? tr("%1\nStale: %2").arg(s.url, s.observedProblem)
                           : tr("%1\nFound by its %2 source").arg(s.url, sourceName(s.source));
        case OutcomeColumn:
            return s.lastMessage;
        case ObservedColumn:
            return !s.observedProblem.isEmpty() ? s.observedProblem
                   : s.observedState            ? tr("The service's own breaker, as its metrics or events report it.")
                                                : tr("No real breaker is configured for this service "
                                                                "(metrics: observed_breaker, remote_breaker.events_url or "
                                                                "hystrix_stream).");
        case TrafficColumn:
            return !s.scrapeProblem.isEmpty()
                       ? s.scrapeProblem
                       : tr("The service's own requests, from its request counters between scrapes.");
        case ErrorRateColumn:
            return tr("Failed calls: the traffic's, or the breaker window's when only health polls feed it. "
                      "The number is the mean of the last minute, the line the last 10 minutes.");
        case P95Column:
            return tr("95th percentile of the poll latencies of the last minute.");
        case OpensColumn:
            return s.flapping ? tr("Flapping: %1.").arg(s.flappingRule.describe())
                              : tr("Opens of the simulated breaker in the last 10 minutes.");
        default:
            return s.lastReason;
        }
    }
    if (role == Qt::ForegroundRole && s.stale)
        return QColor(0x80, 0x80, 0x80); // greyed: the source no longer shows it; it leaves after a while
    if (role == Qt::ForegroundRole && index.column() == StateColumn)
        return stateColour(s.state);
    if (role == Qt::ForegroundRole && index.column() == ObservedColumn && s.observedState)
        return stateColour(*s.observedState);
    if (role == Qt::ForegroundRole && index.column() == OpensColumn && s.flapping)
        return QColor(0xD5, 0x5E, 0x00);
    if (role == Qt::TextAlignmentRole) {
        switch (index.column()) {
        case ErrorRateColumn:
        case LatencyColumn:
        case P95Column:
        case OpensColumn:
        case TrafficColumn:
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        default:
            return {};
        }
    }
    if (role != Qt::DisplayRole && role != SortRole)
        return {};
    const bool sort = role == SortRole;
    const double errorRate = s.feed == BreakerFeed::PollsAndTraffic && s.trafficFailurePercent >= 0
                                 ? s.trafficFailurePercent
                                 : s.windowFailurePercent;
    switch (index.column()) {
    case NameColumn:
        return s.id.isHealth() ? s.id.service : s.id.service + u'/' + s.id.breaker;
    case InstanceColumn:
        return s.id.instance;
    case StateColumn:
        return sort ? QVariant(static_cast<int>(s.state)) : QVariant(stateName(s.state).toUpper());
    case ObservedColumn:
        if (sort)
            return s.observedState ? static_cast<int>(*s.observedState) : -1;
        return observedStateText(s);
    case ErrorRateColumn: {
        const double recent = recentErrorRate(index.row(), errorRate);
        if (sort)
            return recent;
        return recent < 0 ? u"–"_s : u"%1 %"_s.arg(recent, 0, 'f', 0);
    }
    case TrafficColumn:
        if (sort)
            return s.requestsPerSecond;
        if (!s.scrapeProblem.isEmpty())
            return tr("scrape problem");
        if (s.requestsPerSecond < 0)
            return u"–"_s;
        return tr("%1 req/s").arg(s.requestsPerSecond, 0, 'f', s.requestsPerSecond < 10 ? 1 : 0);
    case OutcomeColumn:
        return polled ? outcomeKindName(s.lastOutcome).replace(u'_', u' ') : tr("waiting for first poll");
    case LatencyColumn: {
        // A named breaker has no poll of its own: a latency only when its source reports one (hystrix).
        const bool known = polled && (s.id.isHealth() || s.lastLatencyMs > 0);
        if (sort)
            return known ? s.lastLatencyMs : -1.0;
        return known ? u"%1 ms"_s.arg(qRound(s.lastLatencyMs)) : (polled ? u"–"_s : QString());
    }
    case P95Column: {
        double p95 = latestP95(index.row());
        if (!s.id.isHealth() && p95 <= 0)
            p95 = -1;
        if (sort)
            return p95;
        return p95 < 0 ? QString() : u"%1 ms"_s.arg(qRound(p95));
    }
    case OpensColumn:
        if (sort)
            return std::max(s.opensLast10Min, s.observedOpensLast10Min);
        return s.flapping ? tr("⚑ %1 flapping").arg(std::max(s.opensLast10Min, s.observedOpensLast10Min))
                          : QString::number(s.opensLast10Min);
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
        return tr("Service / breaker");
    case InstanceColumn:
        return tr("Instance");
    case StateColumn:
        return tr("Breaker");
    case ObservedColumn:
        return tr("Real breaker");
    case ErrorRateColumn:
        return tr("Errors");
    case TrafficColumn:
        return tr("Traffic");
    case OutcomeColumn:
        return tr("Last check");
    case LatencyColumn:
        return tr("Latency");
    case P95Column:
        return tr("p95 (1 min)");
    case OpensColumn:
        return tr("Opens (10 min)");
    case ReasonColumn:
        return tr("Why");
    default:
        return {};
    }
}

} // namespace bw
