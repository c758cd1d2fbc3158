#include "fleet/metricspagebreakers.h"

#include "observed/metricsbreakerstate.h"

#include <cmath>

using namespace Qt::StringLiterals;

namespace bw {

namespace {

// A counter increase; a counter that went down restarted, and its new value is the increase (as rate() does).
std::int64_t increase(double now, double before)
{
    const double delta = now >= before ? now - before : now;
    return std::isfinite(delta) ? std::llround(delta) : 0;
}

bool isResilience4jCalls(const QByteArray &name)
{
    return name == "resilience4j_circuitbreaker_calls_seconds_count" ||
           name == "resilience4j_circuitbreaker_calls_total" || name == "resilience4j_circuitbreaker_calls";
}

} // namespace

MetricsPageBreakers::Read MetricsPageBreakers::read(const std::vector<MetricSample> &samples, std::int64_t nowMs)
{
    Read out;

    // Resilience4j: states, then the calls and failure rate of each named breaker.
    const MetricBreakerStates r4j = MetricsBreakerState::resilience4j(samples);
    out.problems << r4j.problems;
    QHash<QString, Counters> counters;
    QHash<QString, double> failureRates;
    bool anyCalls = false;
    for (const MetricSample &sample : samples) {
        if (!sample.name.startsWith("resilience4j_circuitbreaker_") || !std::isfinite(sample.value))
            continue;
        const QString name = QString::fromUtf8(sample.label("name"));
        if (isResilience4jCalls(sample.name)) {
            anyCalls = true;
            const QByteArray kind = sample.label("kind");
            if (kind == "successful")
                counters[name].successful += sample.value;
            else if (kind == "failed")
                counters[name].failed += sample.value;
        } else if (sample.name == "resilience4j_circuitbreaker_not_permitted_calls_total" ||
                   sample.name == "resilience4j_circuitbreaker_not_permitted_calls") {
            anyCalls = true;
            counters[name].notPermitted += sample.value;
        } else if (sample.name == "resilience4j_circuitbreaker_failure_rate") {
            failureRates.insert(name, sample.value);
        }
    }
    QHash<QString, Counters> nextCounters;
    for (const MetricBreakerState &state : r4j.states) {
        BreakerReading reading;
        reading.name = state.name;
        reading.source = BreakerSource::Resilience4j;
        reading.state = state.state;
        reading.atMs = nowMs;
        if (const auto rate = failureRates.constFind(state.name); rate != failureRates.cend() && *rate >= 0)
            reading.failureRatePercent = *rate;
        if (anyCalls) {
            Counters now = counters.value(state.name);
            now.atMs = nowMs;
            if (const auto before = m_resilience4j.constFind(state.name); before != m_resilience4j.cend()) {
                CallBatch batch;
                batch.t0 = before->atMs;
                batch.t1 = nowMs;
                batch.successes = increase(now.successful, before->successful);
                batch.failures = increase(now.failed, before->failed);
                reading.calls = batch;
                reading.rejectedCalls = increase(now.notPermitted, before->notPermitted);
            }
            nextCounters.insert(state.name, now);
        }
        out.breakers << reading;
    }
    m_resilience4j = std::move(nextCounters);

    // opossum-prometheus.
    for (const OpossumObservation &o : m_opossum.update(samples, nowMs)) {
        BreakerReading reading;
        reading.name = o.name;
        reading.source = BreakerSource::Opossum;
        reading.state = o.state;
        reading.calls = o.calls;
        reading.rejectedCalls = o.rejects;
        reading.betweenScrapes = o.transitions;
        reading.atMs = nowMs;
        out.breakers << reading;
    }

    // The common gauge.
    const MetricBreakerStates gauges = MetricsBreakerState::prefixedGauge(samples);
    out.problems << gauges.problems;
    for (const MetricBreakerState &state : gauges.states) {
        BreakerReading reading;
        reading.name = state.name.isEmpty()                                       ? state.endpoint
                       : state.endpoint.isEmpty() || state.endpoint == state.name ? state.name
                                                                                  : state.name + u' ' + state.endpoint;
        reading.source = BreakerSource::Gauge;
        reading.state = state.state;
        reading.endpoint = state.endpoint;
        reading.atMs = state.timestampMs.value_or(nowMs);
        out.breakers << reading;
    }
    return out;
}

} // namespace bw
