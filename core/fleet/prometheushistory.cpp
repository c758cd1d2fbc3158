#include "fleet/prometheushistory.h"

#include "fleet/metricspagebreakers.h"
#include "fleet/prometheusfleetreader.h"

#include <algorithm>
#include <limits>

using namespace Qt::StringLiterals;

namespace bw {

namespace {

// One state seen for one breaker at one time.
struct Seen
{
    std::int64_t t = 0;
    BreakerState state = BreakerState::Closed;
};

} // namespace

QList<PrometheusHistory::Query> PrometheusHistory::queries(const QString &selector, std::int64_t stepMs)
{
    const QString extra = PrometheusFleetReader::extraMatchers(selector);
    const QString state = u"{__name__=\"resilience4j_circuitbreaker_state\"%1}"_s.arg(extra);
    const QString gauge = u"{__name__=~\"(.+_)?circuit_breaker_state\"%1}"_s.arg(extra);
    // Compared with one step earlier (offset), not scanned over a window, with one comparison per query: each step
    // costs the server a lookup per series whatever its scrape interval (5,000 breakers over 6 h: 3 s, where the
    // `== 1 unless ... offset` form took 17 s), and a change shows at the first step after the sample that saw it.
    // A series that did not exist one step earlier is left out: its state comes with the live queries.
    const QString before = u" offset %1ms"_s.arg(std::max<std::int64_t>(1, stepMs));
    // opossum: the counters that move with a transition, and the failures at those steps only (they move with
    // every failed call; the counter tracker needs them where a span holds both opens and closes).
    const QString moves = u"{__name__=~\"circuit(_total)?\",event=~\"open|close|halfOpen\"%1}"_s.arg(extra);
    const QString failures = u"{__name__=~\"circuit(_total)?\",event=\"failure\"%1}"_s.arg(extra);
    const QString moved = u"(%1 != %1%2)"_s.arg(moves, before);
    return {
        {Part::Resilience4jAtStart, state + u" == 1"_s, false},
        {Part::GaugeAtStart, gauge, false},
        {Part::OpossumAtStart,
         u"{__name__=~\"circuit(_total)?\",event=~\"open|close|halfOpen|failure\"%1}"_s.arg(extra), false},
        // one-hot: the state whose series went from 0 to 1
        {Part::Resilience4jEntered, u"%1 > %1%2"_s.arg(state, before), true},
        {Part::GaugeChanged, u"%1 != %1%2"_s.arg(gauge, before), true},
        {Part::OpossumMoved, u"%1 or (%2 and on (job, instance, name) %1)"_s.arg(moved, failures), true},
    };
}

std::int64_t PrometheusHistory::stepFor(std::int64_t historyMs, std::int64_t intervalMs)
{
    return std::max({intervalMs, (historyMs + kMaxSteps - 1) / kMaxSteps, std::int64_t{1}});
}

namespace {

using Pasts = std::map<QString, std::map<QString, PrometheusHistory::BreakerPast>>; // job\ninstance -> name -> past

MetricSample sampleOf(const PromSeries &series, const QString &name)
{
    MetricSample sample;
    sample.name = name.toUtf8();
    for (auto it = series.metric.cbegin(); it != series.metric.cend(); ++it)
        if (it.key() != u"__name__" && it.key() != u"job" && it.key() != u"instance")
            sample.labels.append({it.key().toUtf8(), it.value().toUtf8()});
    return sample;
}

// opossum's counters at the start and where they moved, replayed per instance as the scrapes a direct poller would
// have made at each such step and one step before it: the live counter tracker (through MetricsPageBreakers) infers
// the states and spreads the transitions within the step.
void readOpossum(const PromQueryResult *atStart, const PromQueryResult *moved, std::int64_t startMs,
                 std::int64_t stepMs, Pasts &pasts)
{
    struct Instance
    {
        QString job;
        QString instance;
        std::map<std::int64_t, std::vector<std::pair<QString, MetricSample>>> changes; // t -> (series key, sample)
    };
    std::map<QString, Instance> instances;
    for (const PromQueryResult *answer : {atStart, moved}) {
        if (!answer)
            continue;
        for (const PromSeries &series : answer->series) {
            const QString job = series.metric.value(u"job"_s);
            const QString instance = series.metric.value(u"instance"_s);
            if (job.isEmpty() || instance.isEmpty() || series.metric.value(u"name"_s).isEmpty())
                continue;
            Instance &into = instances[job + u'\n' + instance];
            into.job = job;
            into.instance = instance;
            MetricSample sample = sampleOf(series, u"circuit"_s); // the name the counter tracker reads
            const QString seriesKey = series.metric.value(u"name"_s) + u'\n' + series.metric.value(u"event"_s);
            for (const auto &[t, value] : series.points) {
                sample.value = value;
                into.changes[answer == atStart ? startMs : std::max(t, startMs)].emplace_back(seriesKey, sample);
            }
        }
    }
    for (auto &[key, instance] : instances) {
        MetricsPageBreakers decoder; // one for the whole span: the counters are compared scrape to scrape
        std::map<QString, MetricSample> current;
        std::int64_t fedUntil = std::numeric_limits<std::int64_t>::min();
        auto feed = [&](std::int64_t t) {
            std::vector<MetricSample> page;
            page.reserve(current.size());
            for (const auto &[seriesKey, sample] : current)
                page.push_back(sample);
            for (const BreakerReading &reading : decoder.read(page, t).breakers) {
                if (reading.source != BreakerSource::Opossum || !reading.state)
                    continue;
                auto [at, fresh] = pasts[key].try_emplace(reading.name);
                PrometheusHistory::BreakerPast &past = at->second;
                if (fresh) {
                    past.job = instance.job;
                    past.instance = instance.instance;
                    past.name = reading.name;
                    past.source = BreakerSource::Opossum;
                    past.firstSeenMs = t;
                    past.firstState = *reading.state;
                } else if (past.source == BreakerSource::Opossum) {
                    past.transitions << reading.betweenScrapes;
                    const BreakerState was = past.transitions.empty() ? past.firstState : past.transitions.back().to;
                    if (was != *reading.state) { // a restart: counted from zero, no moves to spread
                        ObservedTransition tr;
                        tr.t = t;
                        tr.from = was;
                        tr.to = *reading.state;
                        tr.betweenScrapes = true;
                        past.transitions << tr;
                    }
                }
            }
            fedUntil = t;
        };
        for (const auto &[t, changes] : instance.changes) {
            if (!current.empty() && t - stepMs > fedUntil)
                feed(t - stepMs); // nothing moved until one step before: the moves fall within the step
            for (const auto &[seriesKey, sample] : changes)
                current[seriesKey] = sample;
            feed(t);
        }
    }
}

} // namespace

QList<PrometheusHistory::BreakerPast> PrometheusHistory::read(const std::map<Part, PromQueryResult> &answers,
                                                              std::int64_t startMs, std::int64_t stepMs)
{
    // Every point as the samples a scrape of its instance at that time would have shown, decoded by the same code
    // as a scrape (MetricsPageBreakers): job\ninstance -> t -> samples.
    std::map<QString, std::map<std::int64_t, std::vector<MetricSample>>> pages;
    std::map<QString, std::pair<QString, QString>> jobInstance;
    for (const auto &[part, answer] : answers) {
        if (part == Part::OpossumAtStart || part == Part::OpossumMoved)
            continue; // below
        const bool atStart = part == Part::Resilience4jAtStart || part == Part::GaugeAtStart;
        for (const PromSeries &series : answer.series) {
            const QString job = series.metric.value(u"job"_s);
            const QString instance = series.metric.value(u"instance"_s);
            const QString name = series.metric.value(u"__name__"_s);
            if (job.isEmpty() || instance.isEmpty() || name.isEmpty())
                continue;
            const QString key = job + u'\n' + instance;
            jobInstance.emplace(key, std::pair{job, instance});
            MetricSample sample = sampleOf(series, name);
            for (const auto &[t, value] : series.points) {
                sample.value = value;
                pages[key][atStart ? startMs : std::max(t, startMs)].push_back(sample);
            }
        }
    }

    Pasts pasts;
    for (const auto &[key, byTime] : pages) {
        std::map<QString, BreakerPast> &breakers = pasts[key];
        std::map<QString, std::vector<Seen>> seen;
        for (const auto &[t, samples] : byTime) {
            MetricsPageBreakers decoder; // fresh: the state families need no earlier page
            for (const BreakerReading &reading : decoder.read(samples, t).breakers) {
                if (!reading.state)
                    continue;
                BreakerPast &past = breakers[reading.name];
                past.job = jobInstance[key].first;
                past.instance = jobInstance[key].second;
                past.name = reading.name;
                past.source = reading.source;
                seen[reading.name].push_back({t, *reading.state});
            }
        }
        for (auto &[name, states] : seen) { // each in time order
            BreakerPast &past = breakers[name];
            past.firstSeenMs = states.front().t;
            past.firstState = states.front().state;
            BreakerState current = past.firstState;
            for (const Seen &s : states) {
                if (s.state == current)
                    continue; // a state that never left (a new series, a restarted target): no change
                ObservedTransition tr;
                tr.t = s.t;
                tr.from = current;
                tr.to = s.state;
                tr.betweenScrapes = true;
                past.transitions << tr;
                current = s.state;
            }
        }
    }
    const auto part = [&answers](Part p) {
        const auto it = answers.find(p);
        return it == answers.end() ? nullptr : &it->second;
    };
    readOpossum(part(Part::OpossumAtStart), part(Part::OpossumMoved), startMs, std::max<std::int64_t>(1, stepMs),
                pasts);

    QList<BreakerPast> out;
    for (auto &[key, breakers] : pasts)
        for (auto &[name, past] : breakers)
            out << std::move(past);
    return out;
}

} // namespace bw
