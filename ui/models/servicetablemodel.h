#pragma once

#include "fleet/breakerstatus.h"

#include <QAbstractTableModel>
#include <QColor>
#include <QVariantMap>

#include <functional>
#include <vector>

namespace bw {

class FleetHistory;
class FleetMonitor;
class HistoryRecorder;

// One row per breaker (BreakerId), in id order; rows are found by id, never assumed to line up with anything else.
// Breakers found or gone insert or remove their row; each update changes only its own row (dataChanged). It shows
// the BreakerStatus values the core computed (state, flapping, ...); with a display store (setHistory) also each
// row's recent error rate (SparklineRole) and the p95 latency of the last minute, read through core's
// recentfigures. Fed by a FleetMonitor (the constructor that takes one), or by hand (tests: setBreakers(), ...).
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
        SparklineRole,     // QList<QPointF>: (seconds ago, error %), oldest first, for the last 10 min
        FlappingRole,      // bool: BreakerStatus::flapping (the flapping rule, on the simulated or real breaker)
        NotClosedRole,     // bool: the simulated or the real breaker is not closed
        LabelsRole,        // QVariantMap of the service's labels
        StaleRole,         // bool: its source no longer shows the breaker
        FailingRole,       // bool: checkFailing(), the latest poll concerning it failed
        StatusRole,        // BreakerStatus: the whole row, for roll-ups (core computes them)
        StateSinceRole,    // qint64: epoch ms the simulated breaker entered its state (0: unknown)
        ObservedStateRole, // int(BreakerState) of the real breaker; invalid when no source reports one
        ObservedSinceRole, // qint64: epoch ms the real breaker entered its state (0: unknown)
    };
    static constexpr std::int64_t kSparklineSpanMs = 10 * 60'000;

    using LabelsOf = std::function<QVariantMap(const BreakerId &)>;
    using HistoryRowOf = std::function<int(const BreakerId &)>;

    // The colour a state's text is written in (Okabe-Ito hues, told apart with the common colour-vision
    // deficiencies; the state is also written out).
    static QColor stateColour(BreakerState state);
    // The real breaker's state as written: "OPEN", "OPEN / HALF-OPEN" (hystrix.stream says only "not closed"),
    // "unknown" (its source failed) or "–" (no real breaker).
    static QString observedStateText(const BreakerStatus &status);

    explicit ServiceTableModel(QObject *parent = nullptr);
    // Follows the monitor: its breakers, found, gone and updated, and its instances' labels.
    explicit ServiceTableModel(FleetMonitor *monitor, QObject *parent = nullptr);
    // The display store for sparklines and p95 and the recorder that knows each breaker's row in it (not owned),
    // and the clock that says what "now" is.
    void setHistory(const FleetHistory *history, const HistoryRecorder *recorder, std::function<std::int64_t()> clock);
    void setHistory(const FleetHistory *history, HistoryRowOf rowOf, std::function<std::int64_t()> clock);
    void setLabelsOf(LabelsOf labelsOf) { m_labelsOf = std::move(labelsOf); }

    // The rows, by hand: all at once (a reset), one found, one gone, one changed.
    void setBreakers(std::vector<BreakerStatus> statuses);
    void addBreaker(const BreakerStatus &status);
    void removeBreaker(const BreakerId &id);

    // The breaker on a row, and the row of a breaker (-1 if unknown).
    BreakerId idAt(int row) const { return m_rows[static_cast<std::size_t>(row)].id; }
    const BreakerStatus &statusAt(int row) const { return m_rows[static_cast<std::size_t>(row)]; }
    int rowOf(const BreakerId &id) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void reload(); // from the monitor
    void update(const BreakerId &id, const BreakerStatus &status);

private:
    int historyRow(int row) const;
    QVariant sparkline(int row) const;
    double latestP95(int row) const;
    double recentErrorRate(int row, double fallback) const;

    FleetMonitor *m_monitor = nullptr;
    const FleetHistory *m_history = nullptr;
    HistoryRowOf m_historyRowOf;
    LabelsOf m_labelsOf;
    std::function<std::int64_t()> m_clock;
    std::vector<BreakerStatus> m_rows;
};

} // namespace bw
