#include "history/historyrecorder.h"

#include "monitor/servicemonitor.h"

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

HistoryRecorder::HistoryRecorder(ServiceMonitor *monitor, FleetHistory *history, QObject *parent)
    : QObject(parent), m_monitor(monitor), m_history(history)
{
    connect(monitor, &ServiceMonitor::servicesReset, this, &HistoryRecorder::onServicesReset);
    connect(monitor, &ServiceMonitor::serviceUpdated, this, &HistoryRecorder::onUpdated);
    connect(monitor, &ServiceMonitor::transition, this, &HistoryRecorder::onTransition);
    connect(monitor, &ServiceMonitor::observedTransitionsChanged, this, &HistoryRecorder::onObserved);
    for (int i = 0; i < monitor->serviceCount(); ++i)
        m_names << monitor->status(i).name;
    m_history->resize(static_cast<int>(m_names.size())); // keeps what was restored
    m_recent.resize(static_cast<std::size_t>(m_names.size()));
    for (int i = 0; i < m_history->serviceCount(); ++i) // restored observed history is not appended again
        if (const auto run = m_history->service(i)
                                 .track(TrackKind::Observed)
                                 .runAt(m_history->service(i).track(TrackKind::Observed).latestTime()))
            m_recent[static_cast<std::size_t>(i)].lastObservedMs = run->start;
}

void HistoryRecorder::onServicesReset()
{
    QStringList names;
    std::vector<int> previous;
    std::vector<Recent> recent;
    for (int i = 0; i < m_monitor->serviceCount(); ++i) {
        names << m_monitor->status(i).name;
        const auto old = static_cast<int>(m_names.indexOf(names.back()));
        previous.push_back(old);
        recent.push_back(old >= 0 ? std::move(m_recent[static_cast<std::size_t>(old)]) : Recent{});
    }
    m_history->remap(previous);
    m_names = names;
    m_recent = std::move(recent);
    Q_EMIT servicesChanged();
}

void HistoryRecorder::onUpdated(int index, const ServiceStatus &status)
{
    if (index < 0 || index >= static_cast<int>(m_recent.size()))
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
    if (status.lastCheckMs > recent.lastCheckMs) {
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

void HistoryRecorder::onTransition(int index, const Transition &transition)
{
    m_history->appendTransition(index, TrackKind::Simulated, transition);
}

void HistoryRecorder::onObserved(int index, const QList<ObservedTransition> &transitions)
{
    if (index < 0 || index >= static_cast<int>(m_recent.size()))
        return;
    // The store only appends: transitions the monitor re-ordered into the past (late events) stay as first seen.
    Recent &recent = m_recent[static_cast<std::size_t>(index)];
    for (const ObservedTransition &tr : transitions) {
        if (tr.t <= recent.lastObservedMs)
            continue;
        m_history->appendState(index, TrackKind::Observed, tr.t, tr.to,
                               tr.fromGauge ? QStringView(u"read from the gauge") : QStringView(u"reported event"));
        recent.lastObservedMs = tr.t;
    }
}

} // namespace bw
