#include "observed/opossumcountertracker.h"

#include <QStringList>

#include <cmath>
#include <limits>

namespace bw {

namespace {

int increment(double now, double before)
{
    const double delta = std::max(0.0, now - before);
    return delta >= std::numeric_limits<int>::max() ? std::numeric_limits<int>::max()
                                                    : static_cast<int>(std::llround(delta));
}

} // namespace

OpossumCounterTracker::OpossumCounterTracker(QByteArray metricName) : m_metricName(std::move(metricName)) {}

BreakerState OpossumCounterTracker::lastState(BreakerState start, int opens, int halfOpens, int closes)
{
    if (opens == 0 && halfOpens == 0)
        return closes > 0 ? BreakerState::Closed : start;
    // Opens and half-opens alternate; from Open the first of them is a half-open, otherwise an open.
    const bool lastIsOpen = start == BreakerState::Open ? opens >= halfOpens : opens > halfOpens;
    if (lastIsOpen)
        return BreakerState::Open;
    // The last of them was a half-open. A close only ever follows a half-open, and a half-open is short
    // (the next call decides), so any close is taken to be the last event.
    return closes > 0 ? BreakerState::Closed : BreakerState::HalfOpen;
}

QList<OpossumObservation> OpossumCounterTracker::update(const std::vector<MetricSample> &scrape, std::int64_t nowMs)
{
    const QByteArray totalName = m_metricName + "_total";
    QStringList order;
    QHash<QString, QHash<QByteArray, double>> current;
    for (const MetricSample &sample : scrape) {
        if (sample.name != m_metricName && sample.name != totalName)
            continue;
        if (!std::isfinite(sample.value) || sample.value < 0)
            continue;
        const QString name = QString::fromUtf8(sample.label("name"));
        if (!current.contains(name))
            order.append(name);
        current[name][sample.label("event")] += sample.value;
    }

    QList<OpossumObservation> observations;
    QHash<QString, Tracked> next;
    for (const QString &name : std::as_const(order)) {
        const QHash<QByteArray, double> &counters = current[name];
        OpossumObservation observation;
        observation.name = name;
        observation.atMs = nowMs;

        const auto before = m_breakers.constFind(name);
        QHash<QByteArray, double> baseline; // zeros: first sight, or a restart
        BreakerState start = BreakerState::Closed;
        if (before != m_breakers.cend()) {
            observation.previous = before->state;
            for (auto it = before->counters.cbegin(); it != before->counters.cend(); ++it) {
                if (counters.value(it.key()) < it.value())
                    observation.counterReset = true;
            }
            if (!observation.counterReset) {
                baseline = before->counters;
                start = before->state;
            }
        }
        observation.opens = increment(counters.value("open"), baseline.value("open"));
        observation.halfOpens = increment(counters.value("halfOpen"), baseline.value("halfOpen"));
        observation.closes = increment(counters.value("close"), baseline.value("close"));
        observation.state = lastState(start, observation.opens, observation.halfOpens, observation.closes);
        observation.mayHaveMissed = observation.counterReset ||
                                    std::int64_t{observation.opens} + observation.halfOpens + observation.closes > 1;

        next.insert(name, Tracked{counters, observation.state});
        observations.append(observation);
    }
    m_breakers = std::move(next);
    return observations;
}

} // namespace bw
