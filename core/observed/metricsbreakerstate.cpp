#include "observed/metricsbreakerstate.h"

#include <QHash>

#include <cmath>

using namespace Qt::StringLiterals;

namespace bw {

namespace {

void keepLatest(std::optional<std::int64_t> &target, const std::optional<std::int64_t> &timestamp)
{
    if (timestamp && (!target || *timestamp > *target))
        target = timestamp;
}

} // namespace

MetricBreakerStates MetricsBreakerState::resilience4j(const std::vector<MetricSample> &samples)
{
    struct Seen
    {
        QList<BreakerState> hot;
        std::optional<std::int64_t> timestampMs;
        bool broken = false;
    };
    QStringList order;
    QHash<QString, Seen> byName;
    MetricBreakerStates out;
    for (const MetricSample &sample : samples) {
        if (sample.name != "resilience4j_circuitbreaker_state")
            continue;
        const QString name = QString::fromUtf8(sample.label("name"));
        const QByteArray stateLabel = sample.label("state");
        if (!byName.contains(name))
            order.append(name);
        Seen &seen = byName[name];
        const auto state = stateFromName(QString::fromUtf8(stateLabel));
        if (!state) {
            out.problems.append(u"resilience4j_circuitbreaker_state{name=\"%1\"}: unknown state \"%2\""_s.arg(
                name, QString::fromUtf8(stateLabel)));
            continue;
        }
        if (sample.value != 0 && sample.value != 1) {
            out.problems.append(
                u"resilience4j_circuitbreaker_state{name=\"%1\",state=\"%2\"}: value %3 is not 0 or 1"_s.arg(
                    name, QString::fromUtf8(stateLabel), QString::number(sample.value)));
            seen.broken = true;
            continue;
        }
        keepLatest(seen.timestampMs, sample.timestampMs);
        if (sample.value == 1 && !seen.hot.contains(*state))
            seen.hot.append(*state);
    }
    for (const QString &name : std::as_const(order)) {
        const Seen &seen = byName[name];
        if (seen.broken)
            continue;
        if (seen.hot.size() == 1) {
            out.states.append({name, QString(), seen.hot.front(), seen.timestampMs});
            continue;
        }
        QStringList names;
        for (const BreakerState state : seen.hot)
            names.append(stateName(state));
        out.problems.append(seen.hot.isEmpty()
                                ? u"resilience4j_circuitbreaker_state{name=\"%1\"}: no state is 1"_s.arg(name)
                                : u"resilience4j_circuitbreaker_state{name=\"%1\"}: several states are 1 (%2)"_s.arg(
                                      name, names.join(u", ")));
    }
    return out;
}

MetricBreakerStates MetricsBreakerState::prefixedGauge(const std::vector<MetricSample> &samples)
{
    MetricBreakerStates out;
    for (const MetricSample &sample : samples) {
        if (sample.name != "circuit_breaker_state" && !sample.name.endsWith("_circuit_breaker_state"))
            continue;
        MetricBreakerState state;
        state.name = QString::fromUtf8(sample.hasLabel("name") ? sample.label("name") : sample.label("service"));
        state.endpoint = QString::fromUtf8(sample.label("endpoint"));
        state.timestampMs = sample.timestampMs;
        if (sample.value == 0) {
            state.state = BreakerState::Closed;
        } else if (sample.value == 1) {
            state.state = BreakerState::Open;
        } else if (sample.value == 2) {
            state.state = BreakerState::HalfOpen;
        } else {
            out.problems.append(u"%1{service=\"%2\",endpoint=\"%3\"}: value %4 is not 0, 1 or 2"_s.arg(
                QString::fromUtf8(sample.name), state.name, state.endpoint, QString::number(sample.value)));
            continue;
        }
        out.states.append(std::move(state));
    }
    return out;
}

} // namespace bw
