#include "fleet/prometheushistory.h"

#include "fleet/metricspagebreakers.h"
#include "fleet/prometheusfleetreader.h"

#include <algorithm>

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
    return {
        {Part::Resilience4jAtStart, state + u" == 1"_s, false},
        {Part::GaugeAtStart, gauge, false},
        // one-hot: the state whose series went from 0 to 1
        {Part::Resilience4jEntered, u"%1 > %1%2"_s.arg(state, before), true},
        {Part::GaugeChanged, u"%1 != %1%2"_s.arg(gauge, before), true},
    };
}

std::int64_t PrometheusHistory::stepFor(std::int64_t historyMs, std::int64_t intervalMs)
{
    return std::max({intervalMs, (historyMs + kMaxSteps - 1) / kMaxSteps, std::int64_t{1}});
}

QList<PrometheusHistory::BreakerPast> PrometheusHistory::read(const std::map<Part, PromQueryResult> &answers,
                                                              std::int64_t startMs)
{
    // Every point as the samples a scrape of its instance at that time would have shown, decoded by the same code
    // as a scrape (MetricsPageBreakers): job\ninstance -> t -> samples.
    std::map<QString, std::map<std::int64_t, std::vector<MetricSample>>> pages;
    std::map<QString, std::pair<QString, QString>> jobInstance;
    for (const auto &[part, answer] : answers) {
        const bool atStart = part == Part::Resilience4jAtStart || part == Part::GaugeAtStart;
        for (const PromSeries &series : answer.series) {
            const QString job = series.metric.value(u"job"_s);
            const QString instance = series.metric.value(u"instance"_s);
            const QString name = series.metric.value(u"__name__"_s);
            if (job.isEmpty() || instance.isEmpty() || name.isEmpty())
                continue;
            const QString key = job + u'\n' + instance;
            jobInstance.emplace(key, std::pair{job, instance});
            MetricSample sample;
            sample.name = name.toUtf8();
            for (auto it = series.metric.cbegin(); it != series.metric.cend(); ++it)
                if (it.key() != u"__name__" && it.key() != u"job" && it.key() != u"instance")
                    sample.labels.append({it.key().toUtf8(), it.value().toUtf8()});
            for (const auto &[t, value] : series.points) {
                sample.value = value;
                pages[key][atStart ? startMs : std::max(t, startMs)].push_back(sample);
            }
        }
    }

    QList<BreakerPast> out;
    for (const auto &[key, byTime] : pages) {
        std::map<QString, BreakerPast> breakers; // by name
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
        for (auto &[name, past] : breakers) {
            const std::vector<Seen> &states = seen[name]; // in time order
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
            out << past;
        }
    }
    return out;
}

} // namespace bw
