#pragma once

#include "monitor/servicestatus.h"

#include <QAbstractTableModel>

#include <functional>
#include <vector>

namespace bw {

class FleetHistory;
class ServiceMonitor;

// One row per watched service, fed by ServiceMonitor; each update changes only its own row (dataChanged).
// With a display store (setHistory), it also gives each row's recent error rate (SparklineRole) and the p95
// latency of the last minute.
class ServiceTableModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        NameColumn,
        StateColumn,
        ObservedColumn,
        ErrorRateColumn, // sparkline of the last 10 min, and the latest value
        TrafficColumn,
        OutcomeColumn,
        LatencyColumn,
        P95Column,
        OpensColumn,
        ReasonColumn,
        ColumnCount
    };
    enum Role
    {
        StateRole = Qt::UserRole + 1, // int(BreakerState) of the simulated breaker
        SortRole,
        SparklineRole, // QList<QPointF>: (seconds ago, error %), oldest first, for the last 10 min
        FlappingRole,  // bool: more than 3 opens in 10 min (simulated or real breaker)
        NotClosedRole, // bool: the simulated or the real breaker is not closed
        LabelsRole,    // QVariantMap of the service's labels
    };
    static constexpr std::int64_t kSparklineSpanMs = 10 * 60'000;
    static constexpr int kFlapOpens = 3; // more than this many opens in 10 min is flapping

    explicit ServiceTableModel(ServiceMonitor *monitor, QObject *parent = nullptr);
    // The display store for sparklines and p95 (not owned), and the clock that says what "now" is.
    void setHistory(const FleetHistory *history, std::function<std::int64_t()> clock);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void reload();
    void update(int row, const ServiceStatus &status);

private:
    QVariant sparkline(int row) const;
    double latestP95(int row) const;
    double recentErrorRate(int row, double fallback) const;

    ServiceMonitor *m_monitor;
    const FleetHistory *m_history = nullptr;
    std::function<std::int64_t()> m_clock;
    std::vector<ServiceStatus> m_rows;
};

} // namespace bw
