#pragma once

#include "fleet/breakerstatus.h"

#include <QAbstractTableModel>

#include <functional>
#include <vector>

namespace bw {

class FleetHistory;
class FleetMonitor;
class HistoryRecorder;

// One row per breaker (BreakerId) of the FleetMonitor, in the monitor's order; rows are found by id, never assumed
// to line up with anything else. Breakers found or gone insert or remove their row; each update changes only its
// own row (dataChanged). With a display store (setHistory), it also gives each row's recent error rate
// (SparklineRole) and the p95 latency of the last minute, looked up by id through the recorder.
class ServiceTableModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        NameColumn,     // the service, and the breaker's name for a named breaker: checkout/paymentGateway
        InstanceColumn, // host:port
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
        StaleRole,     // bool: its source no longer shows the breaker
    };
    static constexpr std::int64_t kSparklineSpanMs = 10 * 60'000;
    static constexpr int kFlapOpens = 3; // more than this many opens in 10 min is flapping

    explicit ServiceTableModel(FleetMonitor *monitor, QObject *parent = nullptr);
    // The display store for sparklines and p95 and the recorder that knows each breaker's row in it (not owned),
    // and the clock that says what "now" is.
    void setHistory(const FleetHistory *history, const HistoryRecorder *recorder, std::function<std::int64_t()> clock);

    // The breaker on a row, and the row of a breaker (-1 if unknown).
    BreakerId idAt(int row) const { return m_rows[static_cast<std::size_t>(row)].id; }
    int rowOf(const BreakerId &id) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void reload();
    void update(const BreakerId &id, const BreakerStatus &status);

private:
    void insertBreaker(const BreakerId &id);
    void removeBreaker(const BreakerId &id);
    int historyRow(int row) const;
    QVariant sparkline(int row) const;
    double latestP95(int row) const;
    double recentErrorRate(int row, double fallback) const;

    FleetMonitor *m_monitor;
    const FleetHistory *m_history = nullptr;
    const HistoryRecorder *m_recorder = nullptr;
    std::function<std::int64_t()> m_clock;
    std::vector<BreakerStatus> m_rows;
};

} // namespace bw
