#include "observed/opossumcountertracker.h"

#include <QStringList>

#include <cmath>
#include <limits>

namespace bw {

namespace {

std::int64_t increment(double now, double before)
{
    const double delta = std::max(0.0, now - before);
    return delta >= static_cast<double>(std::numeric_limits<int>::max()) ? std::numeric_limits<int>::max()
                                                                         : std::llround(delta);
}

int clampInt(std::int64_t v)
{
    return static_cast<int>(std::min<std::int64_t>(v, std::numeric_limits<int>::max()));
}

// The states a span's counts imply after `start`, in order (see the class comment): every close follows an open
// (its half-open is implied and not listed), opens beyond what alternation needs are failed half-open probes
// (half-open, then open again). Ends in `final`.
QList<BreakerState> impliedStates(BreakerState start, int opens, int closes, BreakerState final)
{
    const bool fromClosed = start == BreakerState::Closed;
    // Failed probes: the opens that alternation with the closes does not account for.
    int extra = 0;
    if (fromClosed)
        extra = final == BreakerState::Closed ? opens - closes : opens - closes - 1;
    else
        extra = final == BreakerState::Closed ? opens - closes + 1 : opens - closes;
    extra = std::max(0, extra);

    QList<BreakerState> states;
    BreakerState at = fromClosed ? BreakerState::Closed : BreakerState::Open;
    int o = opens;
    int c = closes;
    constexpr int kMaxListed = 64; // a breaker that flapped 10,000 times between scrapes lists its last moves only
    while ((o > 0 || c > 0) && states.size() < kMaxListed) {
        if (at == BreakerState::Closed) {
            if (o == 0)
                break;
            states << BreakerState::Open;
            --o;
            at = BreakerState::Open;
        } else if (extra > 0 && o > 0) {
            states << BreakerState::HalfOpen << BreakerState::Open;
            --o;
            --extra;
        } else if (c > 0) {
            states << BreakerState::Closed;
            --c;
            at = BreakerState::Closed;
        } else {
            states << BreakerState::HalfOpen << BreakerState::Open;
            --o;
        }
    }
    if ((states.isEmpty() ? start : states.back()) != final)
        states << final;
    return states;
}

} // namespace

OpossumCounterTracker::OpossumCounterTracker(QByteArray metricName) : m_metricName(std::move(metricName)) {}

BreakerState OpossumCounterTracker::lastState(BreakerState start, const Span &span)
{
    const bool fromClosed = start == BreakerState::Closed;
    if (span.hasHalfOpen && (span.opens > 0 || span.halfOpens > 0)) {
        // Opens and half-opens alternate; from Open the first of them is a half-open.
        const bool lastIsOpen =
            start == BreakerState::Open ? span.opens >= span.halfOpens : span.opens > span.halfOpens;
        if (lastIsOpen)
            return BreakerState::Open;
        // The last was a half-open: a close only ever follows one, and the next call decides it at once.
        return span.closes > 0 ? BreakerState::Closed : BreakerState::HalfOpen;
    }
    if (span.opens == 0) {
        // A success needs a closed breaker or a half-open probe that succeeded and closed it.
        if (span.closes > 0 || span.successes > 0)
            return BreakerState::Closed;
        // Rejects with no success: it is held open (half-open admits one probe, which would have counted).
        if (span.rejects > 0 && start == BreakerState::HalfOpen)
            return BreakerState::Open;
        return start;
    }
    if (span.closes == 0)
        return BreakerState::Open;
    if (fromClosed)
        return span.closes >= span.opens ? BreakerState::Closed : BreakerState::Open;
    if (span.closes > span.opens)
        return BreakerState::Closed;
    // From open, each open is a failed probe (one failure) or, after a close, a fresh trip from closed (a run of
    // failures: two at least). Ending open would take every close to be followed by a trip, so at least
    // opens + closes failures; with fewer, the last event was a close.
    return span.failures < std::int64_t{span.opens} + span.closes ? BreakerState::Closed : BreakerState::Open;
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
        std::int64_t since = nowMs;
        if (before != m_breakers.cend()) {
            observation.previous = before->state;
            for (auto it = before->counters.cbegin(); it != before->counters.cend(); ++it) {
                if (counters.value(it.key()) < it.value())
                    observation.counterReset = true;
            }
            if (!observation.counterReset) {
                baseline = before->counters;
                start = before->state;
                since = before->atMs;
            }
        }
        const auto delta = [&](const char *event) { return increment(counters.value(event), baseline.value(event)); };
        observation.opens = clampInt(delta("open"));
        observation.halfOpens = clampInt(delta("halfOpen"));
        observation.closes = clampInt(delta("close"));
        const std::int64_t successes = delta("success");
        const std::int64_t failures = delta("failure"); // a timeout is counted as a failure too
        observation.rejects = delta("reject");
        observation.state =
            lastState(start, Span{observation.opens, observation.halfOpens, observation.closes, successes, failures,
                                  observation.rejects, counters.contains("halfOpen")});
        observation.mayHaveMissed = observation.counterReset ||
                                    std::int64_t{observation.opens} + observation.halfOpens + observation.closes > 1;

        const bool firstSight = !observation.previous || observation.counterReset;
        if (!firstSight) {
            CallBatch batch;
            batch.t0 = since;
            batch.t1 = nowMs;
            batch.successes = successes;
            batch.failures = failures;
            observation.calls = batch;
            const QList<BreakerState> states =
                impliedStates(start, observation.opens, observation.closes, observation.state);
            const std::int64_t span = std::max<std::int64_t>(1, nowMs - since);
            BreakerState from = start;
            for (qsizetype i = 0; i < states.size(); ++i) {
                ObservedTransition tr;
                tr.t = since + span * (i + 1) / (states.size() + 1);
                tr.from = from;
                tr.to = states[i];
                tr.betweenScrapes = true;
                observation.transitions << tr;
                from = states[i];
            }
        }
        next.insert(name, Tracked{counters, observation.state, nowMs});
        observations.append(observation);
    }
    m_breakers = std::move(next);
    return observations;
}

} // namespace bw
