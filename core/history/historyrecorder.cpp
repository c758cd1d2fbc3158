#include "history/historyrecorder.h"

#include "monitor/fleetmonitor.h"

#include <algorithm>

namespace bw {

namespace {
constexpr std::int64_t kP95WindowMs = 60'000;

double p95(const std::deque<std::pair<std::int64_t, double>> &latencies)
{
    std::vector<double> values;
    values.reserve(latencies.size());
    for (const auto &[t, ms] : latencies)
        values.push_back(ms);
    // Nearest rank: the smallest value with at least 95 % of the values at or below it.
    const auto rank = static_cast<std::size_t>(std::ceil(0.95 * static_cast<double>(values.size()))) - 1;
    std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(rank), values.end());
    return values[rank];
}
} // namespace

HistoryRecorder::HistoryRecorder(FleetMonitor *monitor, FleetHistory *history, QObject *parent)
    : QObject(parent), m_monitor(monitor), m_history(history)
{
    connect(monitor, &FleetMonitor::breakersChanged, this, &HistoryRecorder::onBreakersChanged);
    connect(monitor, &FleetMonitor::breakerUpdated, this, &HistoryRecorder::onUpdated);
    connect(monitor, &FleetMonitor::transition, this, &HistoryRecorder::onTransition);
    connect(monitor, &FleetMonitor::observedTransitionsChanged, this, &HistoryRecorder::onObserved);
    m_ids = monitor->breakers();
    for (qsizetype i = 0; i < m_ids.size(); ++i) {
        m_names << m_ids[i].key();
        m_rowById.insert(m_ids[i], static_cast<int>(i));
    }
    m_history->resize(static_cast<int>(m_names.size())); // keeps what was restored
    m_recent.resize(static_cast<std::size_t>(m_names.size()));
    for (int i = 0; i < m_history->serviceCount(); ++i) // restored observed history is not appended again
        resumeAfterRestore(i);
}

void HistoryRecorder::resumeAfterRestore(int row)
{
    if (row < 0 || row >= m_history->serviceCount() || static_cast<std::size_t>(row) >= m_recent.size())
        return;
    const TrackHistory &observed = m_history->service(row).track(TrackKind::Observed);
    if (const auto run = observed.runAt(observed.latestTime()))
        m_recent[static_cast<std::size_t>(row)].lastObservedMs = run->start;
}

void HistoryRecorder::onBreakersChanged()
{
    const QList<BreakerId> ids = m_monitor->breakers();
    if (ids == m_ids)
        return;
    QStringList names;
    QHash<BreakerId, int> rows;
    std::vector<int> previous;
    std::vector<Recent> recent;
    for (qsizetype i = 0; i < ids.size(); ++i) {
        names << ids[i].key();
        rows.insert(ids[i], static_cast<int>(i));
        const int old = m_rowById.value(ids[i], -1);
        previous.push_back(old);
        recent.push_back(old >= 0 ? std::move(m_recent[static_cast<std::size_t>(old)]) : Recent{});
    }
    m_history->remap(previous);
    m_ids = ids;
    m_rowById = std::move(rows);
    m_names = names;
    m_recent = std::move(recent);
    Q_EMIT servicesChanged();
}

void HistoryRecorder::onUpdated(const BreakerId &id, const BreakerStatus &status)
{
    const int index = rowOf(id);
    if (index < 0)
        return;
    Recent &recent = m_recent[static_cast<std::size_t>(index)];
    const std::int64_t t = std::max(status.lastCheckMs, status.lastScrapeMs);
    if (t < 0)
        return;
    // The breaker's current state at the latest poll: extends the live run (no new run unless it changed).
    m_history->appendState(index, TrackKind::Simulated, t, status.state);
    if (status.observedState)
        m_history->appendState(index, TrackKind::Observed, t, *status.observedState);
    // The error rate comes from one source, so its times only move forward: the traffic of each scrape when
    // the counters feed the breaker, else the breaker window after each health poll.
    const bool fromTraffic = status.feed == BreakerFeed::PollsAndTraffic;
    const std::int64_t errorT = fromTraffic ? status.lastScrapeMs : status.lastCheckMs;
    PollSample sample;
    sample.state = status.state;
    sample.observedState = status.observedState;
    if (errorT > recent.lastErrorMs) {
        recent.lastErrorMs = errorT;
        const double errorRate = fromTraffic ? status.trafficFailurePercent : status.windowFailurePercent;
        if (errorRate >= 0) {
            m_history->appendSample(index, SeriesKind::ErrorRate, errorT, errorRate);
            sample.t = errorT;
            sample.errorRate = errorRate;
        }
    }
    // A named breaker has no poll latency of its own unless its source reports one (hystrix): no made-up zeros.
    const bool hasLatency = id.isHealth() || status.lastLatencyMs > 0;
    if (status.lastCheckMs > recent.lastCheckMs && hasLatency) {
        const std::int64_t checkT = status.lastCheckMs;
        recent.lastCheckMs = checkT;
        m_history->appendSample(index, SeriesKind::Latency, checkT, status.lastLatencyMs);
        recent.latencies.emplace_back(checkT, status.lastLatencyMs);
        while (!recent.latencies.empty() && recent.latencies.front().first <= checkT - kP95WindowMs)
            recent.latencies.pop_front();
        const double percentile = p95(recent.latencies);
        m_history->appendSample(index, SeriesKind::LatencyP95, checkT, percentile);
        sample.t = std::max(sample.t, checkT);
        sample.latencyMs = status.lastLatencyMs;
        sample.p95Ms = percentile;
        sample.ok = status.lastOutcome == ProbeOutcomeKind::Success || status.lastOutcome == ProbeOutcomeKind::Slow;
    }
    if (sample.t > 0)
        Q_EMIT sampled(status.name, sample);
}

void HistoryRecorder::onTransition(const BreakerId &id, const Transition &transition)
{
    const int index = rowOf(id);
    if (index >= 0)
        m_history->appendTransition(index, TrackKind::Simulated, transition);
}

void HistoryRecorder::onObserved(const BreakerId &id, const QList<ObservedTransition> &transitions)
{
    const int index = rowOf(id);
    if (index < 0)
        return;
    const auto reasonOf = [](const ObservedTransition &tr) {
        return tr.betweenScrapes ? kBetweenScrapesReason
               : tr.fromGauge    ? QStringView(u"read from the gauge")
                                 : QStringView(u"reported event");
    };
    // The store only appends: transitions the monitor re-ordered into the past (late events) stay as first seen.
    // What lies before everything the track holds is its past, learnt late (the history read from a Prometheus
    // server after the live state, an event buffer read after the first poll): that is filled in, not clamped.
    Recent &recent = m_recent[static_cast<std::size_t>(index)];
    const std::optional<std::int64_t> earliest = m_history->service(index).track(TrackKind::Observed).earliestTime();
    std::vector<ServiceHistory::PastState> past;
    for (const ObservedTransition &tr : transitions) {
        if (tr.t <= recent.lastObservedMs)
            continue;
        if (earliest && tr.t < *earliest) {
            past.push_back({tr.t, tr.to, reasonOf(tr).toString()});
            continue;
        }
        m_history->appendState(index, TrackKind::Observed, tr.t, tr.to, reasonOf(tr));
        recent.lastObservedMs = tr.t;
    }
    if (!earliest)
        return;
    // The state from when it is known until the first transition read back (or until the present, unchanged).
    const std::int64_t knownSince = m_monitor->status(id).observedKnownSinceMs;
    if (knownSince > 0 && knownSince < *earliest && (past.empty() || knownSince < past.front().t)) {
        const auto next = std::find_if(transitions.cbegin(), transitions.cend(),
                                       [&](const ObservedTransition &tr) { return tr.t > knownSince; });
        const auto firstRun = m_history->service(index).track(TrackKind::Observed).runAt(*earliest);
        const std::optional<BreakerState> startState = next != transitions.cend()
                                                           ? std::optional(next->from)
                                                           : (firstRun ? std::optional(firstRun->state) : std::nullopt);
        if (startState)
            past.insert(past.begin(), {knownSince, *startState, QString()});
    }
    if (!past.empty())
        m_history->prependStates(index, TrackKind::Observed, past);
}

} // namespace bw
