#include "monitor/servicemonitor.h"

#include "flapping/opensinwindowdetector.h"
#include "health/healthreader.h"
#include "observed/hystrixstreamclient.h"
#include "observed/metricsbreakerstate.h"
#include "observed/observedbreakertracker.h"
#include "observed/opossumcountertracker.h"
#include "observed/resilience4jevents.h"
#include "prometheus/expositionparser.h"
#include "prometheus/trafficfromcounters.h"

#include <map>

using namespace Qt::StringLiterals;

namespace bw {

namespace {

constexpr std::int64_t kObservedHistoryMs = 24 * 3600 * 1000; // what the observed tracker keeps

// Target ids carry the service name, not its index, so a result still in flight across a reload finds its
// service (or is dropped when the service is gone).
QString targetId(const QString &service, QStringView kind)
{
    return service + u'\n' + kind;
}

std::optional<TrafficFromCounters> trafficFor(const ServiceConfig &service, const GlobalConfig &global)
{
    if (!service.metrics || service.metrics->requestsSelector.isEmpty())
        return std::nullopt;
    const Result<SeriesSelector> selector = SeriesSelector::parse(service.metrics->requestsSelector);
    if (!selector) // the loader validates it; a hand-built Config may not have
        return std::nullopt;
    TrafficFromCounters::Settings settings;
    settings.requests = *selector;
    settings.failureCodes = QRegularExpression(u"^(?:%1)$"_s.arg(service.metrics->failureCodes));
    settings.durationHistogram = service.metrics->durationHistogram.toUtf8();
    const double slowMs =
        service.policy.slowRateEnabled ? service.policy.slowCallDurationMs : static_cast<double>(global.slowMs);
    settings.slowThresholdSeconds = slowMs / 1000.0;
    return TrafficFromCounters(std::move(settings));
}

// The one state the page gives for the configured breaker name, or what is wrong.
Result<BreakerState> pickState(const MetricBreakerStates &read, const QString &name,
                               const QString &where = u"the metrics page"_s)
{
    QList<const MetricBreakerState *> matching;
    for (const MetricBreakerState &s : read.states)
        if (name.isEmpty() || s.name == name)
            matching.push_back(&s);
    if (matching.size() == 1)
        return matching.front()->state;
    if (matching.isEmpty()) {
        QString problem = name.isEmpty() ? u"no breaker state on %1"_s.arg(where)
                                         : u"no breaker named \"%1\" on %2"_s.arg(name, where);
        if (!read.problems.isEmpty())
            problem += u" ("_s + read.problems.front() + u')';
        return Error{problem};
    }
    return Error{u"%1 breakers on %2; name the one to follow"_s.arg(matching.size()).arg(where)};
}

} // namespace

struct ServiceMonitor::Watched
{
    Watched(const ServiceConfig &service, const GlobalConfig &global)
        : config(service), breaker(service.policy), traffic(trafficFor(service, global))
    {
        status.name = service.name;
        status.feed = traffic ? BreakerFeed::PollsAndTraffic : BreakerFeed::Polls;
        if (service.health)
            status.url = service.health->url.toString(QUrl::RemoveUserInfo);
        else if (service.metrics)
            status.url = service.metrics->http.url.toString(QUrl::RemoveUserInfo);
    }
    // Polls finish out of order (a slow health poll after a later scrape); the breaker needs time to move forward.
    std::int64_t feedTime(std::int64_t t)
    {
        lastFedMs = std::max(lastFedMs, t);
        return lastFedMs;
    }

    ServiceConfig config;
    CircuitBreaker breaker;
    std::optional<TrafficFromCounters> traffic;
    OpensInWindowDetector flapping;
    ObservedBreakerTracker observed;
    OpossumCounterTracker opossum;
    std::unique_ptr<HystrixStreamClient> hystrix;
    ServiceStatus status;
    std::int64_t lastFedMs = 0;
    // Since when this breaker has been watched (or its policy applied): the breaker's state is that old at least
    // when it never changed. Likewise for the real breaker, first seen at observedSinceFirstMs.
    std::int64_t watchedSinceMs = 0;
    std::int64_t observedFirstSeenMs = 0;
};

ServiceMonitor::ServiceMonitor(HttpProber *prober, ProbeScheduler::Clock clock, QObject *parent)
    : QObject(parent), m_prober(prober), m_clock(clock),
      m_scheduler(std::make_unique<ProbeScheduler>(prober, clock, 64))
{
    connect(m_scheduler.get(), &ProbeScheduler::probed, this, &ServiceMonitor::onProbed);
}

ServiceMonitor::~ServiceMonitor() = default;

void ServiceMonitor::setConfig(const Config &config)
{
    std::map<QString, std::unique_ptr<Watched>> previous;
    for (auto &watched : m_services)
        previous.emplace(watched->config.name, std::move(watched));
    m_services.clear();
    m_indexByName.clear();
    const bool sameGlobal = m_config.global == config.global;
    m_config = config;

    std::vector<ScheduledTarget> targets;
    const auto addTarget = [&](const QString &service, QStringView kind, const HttpSource &source,
                               std::int64_t intervalMs) {
        ScheduledTarget target;
        target.id = targetId(service, kind);
        target.request = ProbeRequest::fromSource(source, config.global);
        target.intervalMs = intervalMs > 0 ? intervalMs : config.global.intervalMs;
        targets.push_back(std::move(target));
    };
    for (const ServiceConfig &service : config.services) {
        std::unique_ptr<Watched> kept;
        if (auto found = previous.find(service.name); found != previous.end())
            kept = std::move(found->second);
        const bool unchanged = kept && kept->config == service && sameGlobal;
        m_indexByName.insert(service.name, static_cast<int>(m_services.size()));
        m_services.push_back(unchanged ? std::move(kept) : std::make_unique<Watched>(service, config.global));
        if (!unchanged)
            m_services.back()->watchedSinceMs = m_clock();
        if (service.hystrixStream && !m_services.back()->hystrix)
            followHystrix(*m_services.back());

        std::int64_t intervalMs = 0;
        if (service.health) {
            intervalMs = service.health->intervalMs;
            addTarget(service.name, u"health", *service.health, intervalMs);
        }
        if (service.metrics) {
            intervalMs = intervalMs > 0 ? intervalMs : service.metrics->http.intervalMs;
            addTarget(service.name, u"metrics", service.metrics->http, service.metrics->http.intervalMs);
        }
        if (service.remote && service.remote->eventsUrl.isValid() && !service.remote->eventsUrl.isEmpty()) {
            HttpSource events;
            events.url = service.remote->eventsUrl;
            events.auth = service.remote->auth;
            events.tls = service.remote->tls;
            events.format = HealthFormat::Plain;
            addTarget(service.name, u"events", events, intervalMs);
        }
    }
    m_scheduler->setTargets(targets);
    Q_EMIT servicesReset();
}

void ServiceMonitor::start()
{
    m_running = true;
    m_scheduler->start();
    for (const auto &watched : m_services)
        if (watched->hystrix)
            watched->hystrix->start();
}

void ServiceMonitor::stop()
{
    m_running = false;
    m_scheduler->stop();
    for (const auto &watched : m_services)
        if (watched->hystrix)
            watched->hystrix->stop();
}

// hystrix.stream is pushed, not polled: a long-lived connection per service, outside the scheduler.
void ServiceMonitor::followHystrix(Watched &watched)
{
    const HttpSource &source = *watched.config.hystrixStream;
    watched.hystrix = std::make_unique<HystrixStreamClient>(m_prober->networkFor(source.tls),
                                                            ProbeRequest::fromSource(source, m_config.global));
    const QString name = watched.config.name;
    connect(watched.hystrix.get(), &HystrixStreamClient::commands, this,
            [this, name](const QList<HystrixCommandSample> &samples) {
                const int index = m_indexByName.value(name, -1);
                if (index < 0)
                    return;
                Watched &w = *m_services[static_cast<std::size_t>(index)];
                MetricBreakerStates read;
                for (const HystrixCommandSample &sample : samples)
                    read.states.push_back({sample.name,
                                           {},
                                           sample.isCircuitBreakerOpen ? BreakerState::Open : BreakerState::Closed,
                                           std::nullopt});
                const Result<BreakerState> state = pickState(read, w.config.hystrixCommand, u"the hystrix stream"_s);
                w.status.observedProblem = state ? QString() : state.error();
                observe(index, m_clock(), state ? std::optional(*state) : std::nullopt);
            });
    connect(watched.hystrix.get(), &HystrixStreamClient::problem, this, [this, name](const QString &message) {
        const int index = m_indexByName.value(name, -1);
        if (index < 0)
            return;
        m_services[static_cast<std::size_t>(index)]->status.observedProblem = message;
        publish(index);
    });
    if (m_running)
        watched.hystrix->start();
}

ServiceStatus ServiceMonitor::status(int index) const
{
    if (index < 0 || index >= serviceCount())
        return {};
    return m_services[static_cast<std::size_t>(index)]->status;
}

const ServiceConfig *ServiceMonitor::serviceConfig(int index) const
{
    if (index < 0 || index >= serviceCount())
        return nullptr;
    return &m_services[static_cast<std::size_t>(index)]->config;
}

QList<ObservedTransition> ServiceMonitor::observedTransitions(int index) const
{
    if (index < 0 || index >= serviceCount())
        return {};
    return m_services[static_cast<std::size_t>(index)]->observed.transitions();
}

Status ServiceMonitor::reset(int index)
{
    return operate(index, [](CircuitBreaker &b, std::int64_t t) { return b.reset(t); });
}

Status ServiceMonitor::forceOpen(int index)
{
    return operate(index, [](CircuitBreaker &b, std::int64_t t) { return b.forceOpen(t); });
}

Status ServiceMonitor::disable(int index)
{
    return operate(index, [](CircuitBreaker &b, std::int64_t t) { return b.disable(t); });
}

Status ServiceMonitor::metricsOnly(int index)
{
    return operate(index, [](CircuitBreaker &b, std::int64_t t) { return b.metricsOnly(t); });
}

Status ServiceMonitor::applyPolicy(int index, const QString &preset, const QList<QPair<QString, QString>> &parameters,
                                   const BreakerPolicy &policy)
{
    if (index < 0 || index >= serviceCount())
        return Error{u"no service #%1"_s.arg(index)};
    if (const Status valid = policy.validate(); !valid)
        return Error{u"the policy is not valid: %1"_s.arg(valid.error())};
    Watched &watched = *m_services[static_cast<std::size_t>(index)];
    if (const Status reset = watched.breaker.reset(m_clock()); !reset)
        return reset;
    publish(index);
    watched.config.preset = preset;
    watched.config.parameters = parameters;
    watched.config.policy = policy;
    watched.breaker = CircuitBreaker(policy);
    watched.watchedSinceMs = m_clock();
    publish(index);
    return success();
}

template<typename Action>
Status ServiceMonitor::operate(int index, Action action)
{
    if (index < 0 || index >= serviceCount())
        return Error{u"no service #%1"_s.arg(index)};
    const Status result = action(m_services[static_cast<std::size_t>(index)]->breaker, m_clock());
    publish(index);
    return result;
}

void ServiceMonitor::onProbed(const QString &id, const ProbeResult &result)
{
    const qsizetype cut = id.lastIndexOf(u'\n');
    const QStringView service = QStringView(id).left(cut);
    const QStringView kind = QStringView(id).mid(cut + 1);
    const int index = m_indexByName.value(service.toString(), -1);
    if (index < 0)
        return; // the service left the configuration while this poll was in flight
    if (kind == u"health")
        onHealth(index, result);
    else if (kind == u"metrics")
        onMetrics(index, result);
    else if (kind == u"events")
        onEvents(index, result);
}

void ServiceMonitor::onHealth(int index, const ProbeResult &result)
{
    Watched &watched = *m_services[static_cast<std::size_t>(index)];
    ProbeOutcomeKind kind = result.kind;
    QString message = result.message;
    if (result.ok() && watched.config.health) {
        // The body has the last word: a 200 saying DOWN is a failed call.
        const auto verdict =
            readHealth(watched.config.health->format, result.httpStatus, result.contentType, result.body);
        if (!verdict) {
            kind = ProbeOutcomeKind::ParseError;
            message = verdict.error();
        } else if (healthOutcome(*verdict) != ProbeOutcomeKind::Success) {
            kind = healthOutcome(*verdict);
            message = healthReason(*verdict);
        }
    }
    const bool ok = kind == ProbeOutcomeKind::Success || kind == ProbeOutcomeKind::Slow;
    watched.breaker.onCall(watched.feedTime(result.startedAtMs), ok, static_cast<float>(result.latencyMs));
    ServiceStatus &status = watched.status;
    status.lastOutcome = kind;
    status.lastMessage = message;
    status.lastCheckMs = result.startedAtMs;
    status.lastLatencyMs = result.latencyMs;
    ++status.polls;
    status.failures += !ok;
    publish(index);
}

void ServiceMonitor::onMetrics(int index, const ProbeResult &result)
{
    Watched &watched = *m_services[static_cast<std::size_t>(index)];
    ServiceStatus &status = watched.status;
    status.lastScrapeMs = result.startedAtMs;
    if (!watched.config.health) { // the scrape is the only poll: it decides the outcome column
        status.lastOutcome = result.kind;
        status.lastMessage = result.message;
        status.lastCheckMs = result.startedAtMs;
        status.lastLatencyMs = result.latencyMs;
        ++status.polls;
        status.failures += !result.ok();
    }
    if (!result.ok()) {
        watched.breaker.onCall(watched.feedTime(result.startedAtMs), false, static_cast<float>(result.latencyMs));
        status.scrapeProblem = u"scrape failed: "_s + result.message;
        publish(index);
        return;
    }
    ParseOptions options;
    options.contentType = result.contentType;
    Result<ParsedPage> page = ExpositionParser::parse(result.body, options);
    if (!page) {
        status.scrapeProblem = u"metrics page unreadable: "_s + page.error();
        publish(index);
        return;
    }
    status.scrapeProblem.clear();
    const std::int64_t t = result.startedAtMs;

    if (watched.traffic) {
        if (std::optional<CallBatch> batch = watched.traffic->onScrape(t, page->samples)) {
            const std::int64_t calls = batch->successes + batch->failures + batch->slow;
            const std::int64_t spanMs = std::max<std::int64_t>(1, batch->t1 - batch->t0);
            status.requestsPerSecond = static_cast<double>(calls) * 1000.0 / static_cast<double>(spanMs);
            const std::int64_t fedUpTo = watched.lastFedMs; // the batch's calls must not go back before it
            batch->t1 = watched.feedTime(batch->t1);
            batch->t0 = std::clamp(batch->t0, fedUpTo, batch->t1);
            watched.breaker.onBatch(*batch);
            status.trafficFailurePercent =
                calls > 0 ? 100.0 * static_cast<double>(batch->failures) / static_cast<double>(calls) : -1;
            status.trafficCalls += calls;
            status.trafficFailures += batch->failures;
        }
    }

    const QString &kind = watched.config.metrics->observedKind;
    const QString &name = watched.config.metrics->observedName;
    Result<BreakerState> state = Error{};
    if (kind == u"resilience4j") {
        state = pickState(MetricsBreakerState::resilience4j(page->samples), name);
    } else if (kind == u"gauge") {
        state = pickState(MetricsBreakerState::prefixedGauge(page->samples), name);
    } else if (kind == u"opossum") {
        MetricBreakerStates read;
        for (const OpossumObservation &o : watched.opossum.update(page->samples, t))
            read.states.push_back({o.name, {}, o.state, std::nullopt});
        state = pickState(read, name);
    } else {
        publish(index);
        return;
    }
    if (!state) {
        status.observedProblem = state.error();
        publish(index);
        return;
    }
    status.observedProblem.clear();
    observe(index, t, *state);
}

void ServiceMonitor::onEvents(int index, const ProbeResult &result)
{
    Watched &watched = *m_services[static_cast<std::size_t>(index)];
    if (!result.ok()) {
        watched.status.observedProblem = u"breaker events unavailable: "_s + result.message;
        publish(index);
        return;
    }
    const auto events = Resilience4jEvents::parseStateTransitions(result.body);
    if (!events) {
        watched.status.observedProblem = u"breaker events unreadable: "_s + events.error();
        publish(index);
        return;
    }
    const QString name = watched.config.metrics ? watched.config.metrics->observedName : QString();
    QList<ObservedTransition> transitions;
    for (const Resilience4jTransitionEvent &event : *events)
        if (name.isEmpty() || event.breakerName == name)
            transitions.push_back(event.toObserved());
    watched.status.observedProblem.clear();
    const QList<ObservedTransition> before = watched.observed.transitions();
    watched.observed.addEvents(transitions);
    if (watched.observed.transitions() != before)
        Q_EMIT observedTransitionsChanged(index, watched.observed.transitions());
    observe(index, result.startedAtMs, std::nullopt);
}

// Records a polled state (if any) and brings the status up to date with the observed history.
void ServiceMonitor::observe(int index, std::int64_t t, std::optional<BreakerState> state)
{
    Watched &watched = *m_services[static_cast<std::size_t>(index)];
    if (state) {
        const bool known = watched.observed.stateAt(t).has_value();
        if (!known && watched.observedFirstSeenMs == 0)
            watched.observedFirstSeenMs = t;
        if (watched.observed.addGaugeState(t, *state) || !known)
            Q_EMIT observedTransitionsChanged(index, watched.observed.transitions());
    }
    watched.observed.forgetBefore(t - kObservedHistoryMs);
    ServiceStatus &status = watched.status;
    status.observedState = watched.observed.stateAt(t);
    status.observedSinceMs = watched.observedFirstSeenMs; // unless a transition says better, below
    const QList<ObservedTransition> &all = watched.observed.transitions();
    status.observedOpensLast10Min = static_cast<int>(std::count_if(all.cbegin(), all.cend(), [t](const auto &tr) {
        return tr.to == BreakerState::Open && tr.t > t - 10 * 60'000 && tr.t <= t;
    }));
    for (auto it = all.crbegin(); it != all.crend(); ++it) {
        if (it->t <= t) {
            status.observedSinceMs = it->t;
            break;
        }
    }
    publish(index);
}

void ServiceMonitor::publish(int index)
{
    Watched &watched = *m_services[static_cast<std::size_t>(index)];
    for (const Transition &tr : watched.breaker.transitions()) {
        if (tr.to == BreakerState::Open)
            watched.flapping.recordOpen(tr.t);
        watched.status.lastReason = tr.reason.describe();
        Q_EMIT transition(index, tr);
    }
    watched.breaker.clearTransitions();
    const BreakerSnapshot snapshot = watched.breaker.snapshot();
    ServiceStatus &status = watched.status;
    status.state = snapshot.state;
    // A breaker that never changed has been in its state since it was watched, not since 1970.
    status.stateSinceMs = std::max(snapshot.stateSince, watched.watchedSinceMs);
    status.windowFailurePercent = snapshot.windowCalls > 0 ? 100.0 * static_cast<double>(snapshot.windowFailures) /
                                                                 static_cast<double>(snapshot.windowCalls)
                                                           : -1;
    status.opensLast10Min = watched.flapping.opensInWindow(m_clock());
    Q_EMIT serviceUpdated(index, status);
}

} // namespace bw
