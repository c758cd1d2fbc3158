#pragma once

#include "fleet/breakerid.h"
#include "fleet/breakerstatus.h"
#include "history/fleethistory.h"
#include "observed/observedtransition.h"

#include <QHash>
#include <QObject>
#include <QStringList>

#include <deque>
#include <limits>
#include <optional>
#include <vector>

namespace bw {

class FleetMonitor;

// One poll as recorded: what the history store keeps per poll. NaN: not measured at this poll.
struct PollSample
{
    std::int64_t t = 0;
    double errorRate = std::numeric_limits<double>::quiet_NaN();
    double latencyMs = std::numeric_limits<double>::quiet_NaN();
    double p95Ms = std::numeric_limits<double>::quiet_NaN();
    std::optional<bool> ok; // a health poll's verdict; nullopt when the sample is not a call (a scrape)
    BreakerState state = BreakerState::Closed;
    std::optional<BreakerState> observedState;
};

// Feeds the display store from a FleetMonitor: per service and poll, the error rate (the traffic's when the
// service's counters feed the breaker, else the breaker window's) and the latency of the poll, plus the p95 of
// the polls of the last minute; the simulated breaker's transitions with their reasons; the observed breaker's
// states. After a configuration reload, services keep their history by name. A history already filled for the
// monitor's services, in its order (restored from the history store), is kept. Neither is owned; both live in
// this object's thread.
class HistoryRecorder final : public QObject
{
    Q_OBJECT
public:
    HistoryRecorder(FleetMonitor *monitor, FleetHistory *history, QObject *parent = nullptr);

    // The breakers in display-store order (the monitor's order): row i of the FleetHistory is ids()[i].
    const QList<BreakerId> &ids() const { return m_ids; }
    // Their keys (BreakerId::key()), the names the history store files them under.
    const QStringList &serviceNames() const { return m_names; }
    // The row of a breaker in the FleetHistory, -1 if unknown.
    int rowOf(const BreakerId &id) const { return m_rowById.value(id, -1); }
    // Row `row` was just filled from the history store (a breaker found after start): the observed transitions it
    // holds are not appended again. The rows restored before construction are handled by the constructor.
    void resumeAfterRestore(int row);

Q_SIGNALS:
    // The breakers changed (a reload, a breaker found or gone): views must re-read ids and rows.
    void servicesChanged();
    // A sample was recorded for a service (for the history store).
    void sampled(const QString &service, const bw::PollSample &sample);

private:
    struct Recent
    {
        std::int64_t lastErrorMs = -1;
        std::int64_t lastCheckMs = -1;
        std::int64_t lastObservedMs = -1;
        std::deque<std::pair<std::int64_t, double>> latencies; // (t, ms) of the last minute, for the p95
    };
    void onBreakersChanged();
    void onUpdated(const BreakerId &id, const BreakerStatus &status);
    void onTransition(const BreakerId &id, const Transition &transition);
    void onObserved(const BreakerId &id, const QList<ObservedTransition> &transitions);

    FleetMonitor *m_monitor;
    FleetHistory *m_history;
    QList<BreakerId> m_ids;
    QHash<BreakerId, int> m_rowById;
    QStringList m_names;
    std::vector<Recent> m_recent;
};

} // namespace bw
