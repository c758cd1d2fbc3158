#include "monitor/fleetmonitor.h"

#include "flapping/opensinwindowdetector.h"
#include "fleet/hystrixcommandtracker.h"
#include "fleet/metricspagebreakers.h"
#include "fleet/sourcedpolicy.h"
#include "health/healthreader.h"
#include "observed/hystrixstreamclient.h"
#include "observed/observedbreakertracker.h"
#include "observed/resilience4jactuator.h"
#include "observed/resilience4jevents.h"
#include "prometheus/expositionparser.h"
#include "prometheus/trafficfromcounters.h"

#include <QSet>

#include <limits>

using namespace Qt::StringLiterals;

namespace bw {

namespace {

constexpr std::int64_t kObservedHistoryMs = FleetMonitor::kDefaultObservedHistoryMs;
// A hystrix command that has sent nothing for this long is no longer shown by its stream.
constexpr std::int64_t kStreamSilenceMs = 30'000;

// Target ids carry the instance's key, not an index, so a result still in flight across a reload finds its
// instance (or is dropped when it is gone).
QString targetId(const QString &instanceKey, QStringView kind)
{
    return instanceKey + u'\n' + kind;
}

QString instanceKeyOf(const ServiceConfig &service)
{
    return service.name + u'\n' + service.instanceName();
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

constexpr std::uint16_t bit(BreakerSource source)
{
    return static_cast<std::uint16_t>(1U << static_cast<unsigned>(source));
}

// Readings through prometheus.breakers set the source's bit in the high byte: the same family, another path.
constexpr std::uint16_t shownBit(BreakerSource source, bool viaServer)
{
    return static_cast<std::uint16_t>(viaServer ? bit(source) << 8 : bit(source));
}
constexpr std::uint16_t kDirectMask = 0x00FF;
constexpr std::uint16_t kServerMask = 0xFF00;
constexpr BreakerSource kMetricsFamilies[] = {BreakerSource::Resilience4j, BreakerSource::Opossum,
                                              BreakerSource::Gauge};

constexpr std::uint16_t kMetricsSources =
    bit(BreakerSource::Resilience4j) | bit(BreakerSource::Opossum) | bit(BreakerSource::Gauge);
constexpr std::uint16_t kHealthSources = bit(BreakerSource::StatusPage) | bit(BreakerSource::HealthIndicator);

// Where a breaker's source is, for people.
QString urlFor(const ServiceConfig &config, BreakerSource source)
{
    const auto text = [](const std::optional<HttpSource> &http) {
        return http ? http->url.toString(QUrl::RemoveUserInfo) : QString();
    };
    switch (source) {
    case BreakerSource::Health:
    case BreakerSource::StatusPage:
    case BreakerSource::HealthIndicator:
        return text(config.health);
    case BreakerSource::Resilience4j:
    case BreakerSource::Opossum:
    case BreakerSource::Gauge:
        return config.metrics ? config.metrics->http.url.toString(QUrl::RemoveUserInfo) : QString();
    case BreakerSource::Actuator:
        if (config.actuator)
            return text(config.actuator);
        return config.remote ? config.remote->eventsUrl.toString(QUrl::RemoveUserInfo) : QString();
    case BreakerSource::Hystrix:
        return text(config.hystrixStream);
    }
    return {};
}

// The source a breaker is reported as when several show it: the same one whichever answered first.
constexpr BreakerSource kSourcePriority[] = {
    BreakerSource::Resilience4j,    BreakerSource::Opossum,    BreakerSource::Gauge,  BreakerSource::Actuator,
    BreakerSource::HealthIndicator, BreakerSource::StatusPage, BreakerSource::Hystrix};

// The JSON sources (actuator, health indicator, status page) as readings.
QList<BreakerReading> readingsOf(const QList<ObservedBreakerState> &states, BreakerSource source, std::int64_t t)
{
    QList<BreakerReading> readings;
    readings.reserve(states.size());
    for (const ObservedBreakerState &b : states) {
        BreakerReading reading;
        reading.name = b.name;
        reading.source = source;
        if (b.stateKnown)
            reading.state = b.state;
        reading.settings = b.settings;
        reading.failureRatePercent = b.failureRatePercent;
        reading.atMs = t;
        readings << reading;
    }
    return readings;
}

bool isResilience4j(BreakerSource source)
{
    return source == BreakerSource::Resilience4j || source == BreakerSource::Actuator ||
           source == BreakerSource::HealthIndicator;
}

} // namespace

struct FleetMonitor::Instance
{
    Instance(const ServiceConfig &service, const GlobalConfig &global)
        : config(service), key(instanceKeyOf(service)), name(service.instanceName()),
          traffic(trafficFor(service, global))
    {}
    bool hasHealthBreaker() const { return config.health || config.metrics; }
    BreakerId healthId() const { return {config.name, name, {}}; }

    ServiceConfig config;
    QString key;
    QString name;
    std::optional<TrafficFromCounters> traffic;
    MetricsPageBreakers page;
    QSet<QString> named;     // the named breakers followed on this instance
    bool fromServer = false; // not configured: found through prometheus.breakers
};

struct FleetMonitor::Tracked
{
    Tracked(BreakerId breakerId, const QString &instance, BreakerSource from, const SourcedPolicy &sourced,
            const FlappingRule &rule)
        : id(std::move(breakerId)), instanceKey(instance), breaker(sourced.policy), flapping(rule)
    {
        status.id = id;
        status.name = id.key();
        status.source = from;
        status.preset = sourced.preset;
        status.parameters = sourced.parameters;
        status.policyFromSource = sourced.fromSource;
    }
    // Polls finish out of order (a slow health poll after a later scrape); the breaker needs time to move forward.
    std::int64_t feedTime(std::int64_t t)
    {
        lastFedMs = std::max(lastFedMs, t);
        return lastFedMs;
    }

    BreakerId id;
    QString instanceKey;
    CircuitBreaker breaker;
    OpensInWindowDetector flapping;
    ObservedBreakerTracker observed;
    BreakerStatus status;
    std::int64_t lastFedMs = 0;
    // Since when this breaker has been watched (or its policy applied): the breaker's state is that old at least
    // when it never changed. Likewise for the real breaker, first seen at observedFirstSeenMs.
    std::int64_t watchedSinceMs = 0;
    std::int64_t observedFirstSeenMs = 0;
    std::uint16_t shownBy = 0; // the sources whose latest poll showed it
    std::int64_t staleSinceMs = -1;
    bool policyApplied = false; // an operator applied a what-if policy: it lasts until the instance is reloaded
};

struct FleetMonitor::Stream
{
    QString url;
    std::unique_ptr<HystrixStreamClient> client;
    HystrixCommandTracker tracker;
    QStringList instances; // the keys of the instances that follow it
};

FleetMonitor::FleetMonitor(HttpProber *prober, ProbeScheduler::Clock clock, QObject *parent)
    : QObject(parent), m_prober(prober), m_clock(clock),
      m_scheduler(std::make_unique<ProbeScheduler>(prober, clock, 64))
{
    connect(m_scheduler.get(), &ProbeScheduler::probed, this, &FleetMonitor::onProbed);
}

FleetMonitor::~FleetMonitor() = default;

AlertRules FleetMonitor::alertRules(const BreakerId &id) const
{
    if (const ServiceConfig *config = instanceConfig(id))
        return m_config.alertRulesFor(*config);
    return m_config.alertRules;
}

void FleetMonitor::setConfig(const Config &config)
{
    // The alert rules count too: every breaker's flapping window comes from them.
    const bool sameGlobal = m_config.global == config.global && m_config.alertRules == config.alertRules;
    m_config = config;
    std::map<QString, std::unique_ptr<Instance>> previous = std::move(m_instances);
    m_instances.clear();

    std::vector<ScheduledTarget> targets;
    const auto addTarget = [&](const QString &key, QStringView kind, const HttpSource &source,
                               std::int64_t intervalMs) {
        ScheduledTarget target;
        target.id = targetId(key, kind);
        target.request = ProbeRequest::fromSource(source, config.global);
        target.intervalMs = intervalMs > 0 ? intervalMs : config.global.intervalMs;
        targets.push_back(std::move(target));
    };

    QList<BreakerId> removed;
    QList<BreakerId> added;
    const auto dropInstance = [&](Instance &instance) {
        for (auto it = m_breakers.begin(); it != m_breakers.end();) {
            if (it->second->instanceKey == instance.key) {
                removed << it->first;
                it = m_breakers.erase(it);
            } else {
                ++it;
            }
        }
        if (instance.config.hystrixStream)
            releaseStream(instance.config.hystrixStream->url.toString(), instance.key);
    };

    for (const ServiceConfig &service : config.services) {
        const QString key = instanceKeyOf(service);
        if (m_instances.count(key))
            continue; // the loader refuses duplicates; a hand-built Config may not have
        std::unique_ptr<Instance> instance;
        if (auto found = previous.find(key); found != previous.end()) {
            if (found->second->config == service && sameGlobal) {
                instance = std::move(found->second);
                restoreConfiguredPolicies(*instance);
            } else
                dropInstance(*found->second);
            previous.erase(found);
        }
        if (!instance) {
            instance = std::make_unique<Instance>(service, config.global);
            if (instance->hasHealthBreaker()) {
                const SourcedPolicy sourced{service.preset, service.parameters, service.policy, false};
                auto tracked = std::make_unique<Tracked>(instance->healthId(), key, BreakerSource::Health, sourced,
                                                         config.alertRulesFor(service).flapping);
                tracked->watchedSinceMs = m_clock();
                tracked->status.feed = instance->traffic ? BreakerFeed::PollsAndTraffic : BreakerFeed::Polls;
                tracked->status.url = service.health ? service.health->url.toString(QUrl::RemoveUserInfo)
                                                     : service.metrics->http.url.toString(QUrl::RemoveUserInfo);
                added << tracked->id;
                m_breakers.emplace(tracked->id, std::move(tracked));
            }
        }
        Instance &in = *instance;
        m_instances.emplace(key, std::move(instance));
        if (service.hystrixStream)
            followStream(in);

        std::int64_t intervalMs = 0;
        if (service.health) {
            intervalMs = service.health->intervalMs;
            addTarget(key, u"health", *service.health, intervalMs);
        }
        if (service.metrics) {
            intervalMs = intervalMs > 0 ? intervalMs : service.metrics->http.intervalMs;
            addTarget(key, u"metrics", service.metrics->http, service.metrics->http.intervalMs);
        }
        if (service.actuator) {
            intervalMs = intervalMs > 0 ? intervalMs : service.actuator->intervalMs;
            addTarget(key, u"actuator", *service.actuator, service.actuator->intervalMs);
        }
        if (service.remote && service.remote->eventsUrl.isValid() && !service.remote->eventsUrl.isEmpty()) {
            HttpSource events;
            events.url = service.remote->eventsUrl;
            events.auth = service.remote->auth;
            events.tls = service.remote->tls;
            events.format = HealthFormat::Plain;
            addTarget(key, u"events", events, intervalMs);
        }
    }
    const bool serverBreakers = config.prometheus && config.prometheus->breakers;
    for (auto &[key, gone] : previous) {
        if (gone->fromServer && serverBreakers)
            m_instances.emplace(key, std::move(gone)); // the server's instances stay until it stops showing them
        else
            dropInstance(*gone);
    }
    m_scheduler->setTargets(targets);
    followServer();
    for (const BreakerId &id : std::as_const(removed))
        Q_EMIT breakerRemoved(id);
    for (const BreakerId &id : std::as_const(added))
        Q_EMIT breakerAdded(id);
    Q_EMIT breakersChanged();
}

// A reload ends what-if policies applied by hand: the breakers go back to the configured (or sourced) policy.
void FleetMonitor::restoreConfiguredPolicies(Instance &instance)
{
    for (auto &[id, tracked] : m_breakers) {
        if (tracked->instanceKey != instance.key || !tracked->policyApplied)
            continue;
        const SourcedPolicy sourced = id.isHealth() ? SourcedPolicy{instance.config.preset, instance.config.parameters,
                                                                    instance.config.policy, false}
                                                    : SourcedPolicy::forBreaker(instance.config, tracked->status.source,
                                                                                tracked->status.settings, m_catalog);
        tracked->breaker = CircuitBreaker(sourced.policy);
        tracked->status.preset = sourced.preset;
        tracked->status.parameters = sourced.parameters;
        tracked->status.policyFromSource = sourced.fromSource;
        tracked->policyApplied = false;
        tracked->watchedSinceMs = m_clock();
        publish(*tracked);
    }
}

void FleetMonitor::start()
{
    m_running = true;
    m_scheduler->start();
    for (const auto &[url, stream] : m_streams)
        stream->client->start();
    if (m_server)
        m_server->start();
}

void FleetMonitor::stop()
{
    m_running = false;
    m_scheduler->stop();
    for (const auto &[url, stream] : m_streams)
        stream->client->stop();
    if (m_server)
        m_server->stop();
}

void FleetMonitor::pollAllNow()
{
    m_scheduler->pollAllNow();
    if (m_server && m_running)
        m_server->pollNow();
}

std::optional<PrometheusSourceStatus> FleetMonitor::prometheusStatus() const
{
    if (!m_server)
        return std::nullopt;
    return m_server->status();
}

void FleetMonitor::readServerHistoryFrom(std::int64_t startMs)
{
    if (m_server)
        m_server->readHistoryFrom(startMs);
}

// prometheus.breakers: one source for the server, rebuilt when its configuration or interval changes.
void FleetMonitor::followServer()
{
    const bool wanted = m_config.prometheus && m_config.prometheus->breakers;
    const std::int64_t intervalMs = wanted && m_config.prometheus->breakers->intervalMs > 0
                                        ? m_config.prometheus->breakers->intervalMs
                                        : m_config.global.intervalMs;
    if (m_server && wanted && m_server->server() == *m_config.prometheus && m_server->intervalMs() == intervalMs)
        return;
    if (m_server) {
        m_server->stop();
        m_server.release()->deleteLater(); // this may run from one of its own signals
    }
    if (!wanted)
        return;
    m_server = std::make_unique<PrometheusBreakerSource>(m_prober, m_clock, *m_config.prometheus, intervalMs);
    connect(m_server.get(), &PrometheusBreakerSource::answered, this, &FleetMonitor::onServerRead);
    connect(m_server.get(), &PrometheusBreakerSource::failed, this, &FleetMonitor::onServerFailed);
    connect(m_server.get(), &PrometheusBreakerSource::historyRead, this, &FleetMonitor::onServerHistory);
    connect(m_server.get(), &PrometheusBreakerSource::statusChanged, this, &FleetMonitor::prometheusAnswered);
    if (m_running)
        m_server->start();
}

FleetMonitor::Instance &FleetMonitor::serverInstance(const QString &job, const QString &instance)
{
    const QString key = job + u'\n' + instance;
    if (const auto found = m_instances.find(key); found != m_instances.end())
        return *found->second;
    ServiceConfig service;
    service.name = job;
    service.instance = instance;
    service.policy = m_config.prometheus->breakers->policy;
    auto created = std::make_unique<Instance>(service, m_config.global);
    created->fromServer = true;
    Instance &ref = *created;
    m_instances.emplace(key, std::move(created));
    return ref;
}

void FleetMonitor::onServerRead(const PrometheusFleetReader::Read &read, std::int64_t t)
{
    const QString problem = m_server ? m_server->status().problem : QString(); // a partial answer's warnings
    // Every new breaker of every instance first, and one breakersChanged for all: listeners that re-index the
    // whole fleet on it (the recorder, the models) did that once per instance, 5,000 times on a first answer.
    bool addedAny = false;
    for (const PrometheusFleetReader::InstanceReadings &group : read.instances) {
        Instance &instance = serverInstance(group.job, group.instance);
        for (const BreakerReading &reading : group.breakers) {
            if (!instance.config.breakers.matches(reading.name))
                continue;
            bool added = false;
            track(instance, reading.name, reading.source, reading.settings, &added);
            addedAny |= added;
        }
    }
    if (addedAny)
        Q_EMIT breakersChanged();
    QSet<QString> answered;
    for (const PrometheusFleetReader::InstanceReadings &group : read.instances) {
        Instance &instance = serverInstance(group.job, group.instance);
        answered.insert(instance.key);
        for (const BreakerSource source : kMetricsFamilies) {
            QList<BreakerReading> ofSource;
            for (const BreakerReading &reading : group.breakers)
                if (reading.source == source)
                    ofSource << reading;
            takeReadings(instance, source, ofSource, t, problem, true);
        }
    }
    // Instances the server no longer shows: their breakers are stale, and leave in time.
    QStringList emptied;
    for (auto &[key, instance] : m_instances) {
        if (!answered.contains(key))
            for (const BreakerSource source : kMetricsFamilies)
                takeReadings(*instance, source, {}, t, {}, true);
        expireStale(*instance, t);
        if (instance->fromServer && instance->named.isEmpty())
            emptied << key;
    }
    for (const QString &key : std::as_const(emptied))
        m_instances.erase(key);
}

// The server's past, read after its first interval: every breaker it held in the span is followed with its states
// as the timelines should show them (the tracker takes older states in any order). One the live answers no longer
// show goes stale at the next one, and leaves in time.
void FleetMonitor::onServerHistory(const QList<PrometheusHistory::BreakerPast> &past)
{
    bool addedAny = false;
    for (const PrometheusHistory::BreakerPast &breaker : past) {
        Instance &instance = serverInstance(breaker.job, breaker.instance);
        if (!instance.config.breakers.matches(breaker.name))
            continue;
        bool added = false;
        Tracked &tracked = track(instance, breaker.name, breaker.source, {}, &added);
        addedAny |= added;
        if (added) {
            tracked.shownBy |= shownBit(breaker.source, true);
            if (m_server)
                tracked.status.url = m_server->status().url;
        }
        if (tracked.observedFirstSeenMs == 0 || breaker.firstSeenMs < tracked.observedFirstSeenMs)
            tracked.observedFirstSeenMs = breaker.firstSeenMs; // watched since then, as far as anyone knows
        // In one step: the live state already known and the past are merged before anyone is told (even a past
        // older than what this monitor keeps: observe() tells it, then forgets it).
        tracked.observed.reopenFrom(breaker.firstSeenMs);
        observe(tracked, breaker.firstSeenMs, breaker.firstState, breaker.transitions);
    }
    if (addedAny)
        Q_EMIT breakersChanged();
}

void FleetMonitor::onServerFailed(const QString &problem, std::int64_t t)
{
    for (auto &[key, instance] : m_instances) {
        for (const BreakerSource source : kMetricsFamilies)
            markSourceDown(*instance, source, t, problem, true);
        expireStale(*instance, t);
    }
}

// hystrix.stream is pushed, not polled: one long-lived connection per URL, outside the scheduler, shared by every
// instance that names it and every command it carries.
void FleetMonitor::followStream(Instance &instance)
{
    const HttpSource &source = *instance.config.hystrixStream;
    const QString url = source.url.toString();
    if (auto found = m_streams.find(url); found != m_streams.end()) {
        if (!found->second->instances.contains(instance.key))
            found->second->instances << instance.key;
        return;
    }
    auto stream = std::make_unique<Stream>();
    stream->url = url;
    stream->instances << instance.key;
    stream->client = std::make_unique<HystrixStreamClient>(m_prober->networkFor(source.tls),
                                                           ProbeRequest::fromSource(source, m_config.global));
    HystrixStreamClient *client = stream->client.get();
    const auto withStream = [this, url](auto &&fn) {
        if (auto it = m_streams.find(url); it != m_streams.end())
            fn(*it->second);
    };
    connect(client, &HystrixStreamClient::opening, this,
            [withStream] { withStream([](Stream &s) { s.tracker.reset(); }); });
    connect(client, &HystrixStreamClient::commands, this,
            [this, withStream](const QList<HystrixCommandSample> &samples) {
                withStream([&](Stream &s) { onStreamSamples(s, samples); });
            });
    connect(client, &HystrixStreamClient::problem, this, [this, withStream](const QString &message) {
        withStream([&](Stream &s) { onStreamProblem(s, message); });
    });
    m_streams.emplace(url, std::move(stream));
    if (m_running)
        client->start();
}

void FleetMonitor::releaseStream(const QString &url, const QString &instanceKey)
{
    auto found = m_streams.find(url);
    if (found == m_streams.end())
        return;
    found->second->instances.removeAll(instanceKey);
    if (found->second->instances.isEmpty()) {
        found->second->client->stop();
        // Deleted later: this may run from one of the client's own signals.
        found->second->client.release()->deleteLater();
        m_streams.erase(found);
    }
}

void FleetMonitor::onStreamSamples(Stream &stream, const QList<HystrixCommandSample> &samples)
{
    const std::int64_t now = m_clock();
    const QList<HystrixCommandTracker::Reading> readings = stream.tracker.onSamples(samples, now);
    QList<BreakerReading> plain;
    plain.reserve(readings.size());
    for (const HystrixCommandTracker::Reading &r : readings)
        plain << r.reading;
    const QStringList instances = stream.instances; // takeReadings may not change it, but stay safe
    for (const QString &key : instances) {
        const auto it = m_instances.find(key);
        if (it == m_instances.end())
            continue;
        Instance &instance = *it->second;
        takeReadings(instance, BreakerSource::Hystrix, plain, now);
        Q_EMIT sourceAnswered(instance.config.name, instance.name, u"hystrix"_s, {});
        // A stream sends each command in its own rhythm: one missing from this batch is not gone. One silent
        // for a while is.
        for (const QString &name : QSet<QString>(instance.named)) {
            Tracked *tracked = find({instance.config.name, instance.name, name});
            if (!tracked || !(tracked->shownBy & bit(BreakerSource::Hystrix)))
                continue;
            if (tracked->status.lastSeenMs >= 0 && now - tracked->status.lastSeenMs > kStreamSilenceMs) {
                tracked->shownBy &= static_cast<std::uint16_t>(~bit(BreakerSource::Hystrix));
                if (!tracked->shownBy && !tracked->status.stale) {
                    tracked->status.stale = true;
                    tracked->staleSinceMs = now;
                    tracked->status.observedProblem = u"no longer on the hystrix stream"_s;
                    publish(*tracked);
                }
            }
        }
        expireStale(instance, now);
    }
}

void FleetMonitor::onStreamProblem(Stream &stream, const QString &message)
{
    const std::int64_t now = m_clock();
    const QStringList instances = stream.instances;
    for (const QString &key : instances) {
        if (const auto it = m_instances.find(key); it != m_instances.end()) {
            markSourceDown(*it->second, BreakerSource::Hystrix, now, message);
            Q_EMIT sourceAnswered(it->second->config.name, it->second->name, u"hystrix"_s, message);
        }
    }
}

QList<BreakerId> FleetMonitor::breakers() const
{
    QList<BreakerId> ids;
    ids.reserve(static_cast<qsizetype>(m_breakers.size()));
    for (const auto &[id, tracked] : m_breakers)
        ids << id;
    return ids;
}

FleetMonitor::Tracked *FleetMonitor::find(const BreakerId &id) const
{
    const auto it = m_breakers.find(id);
    return it == m_breakers.end() ? nullptr : it->second.get();
}

BreakerStatus FleetMonitor::status(const BreakerId &id) const
{
    if (const Tracked *tracked = find(id))
        return tracked->status;
    BreakerStatus unknown;
    unknown.id = id;
    unknown.name = id.key();
    return unknown;
}

const ServiceConfig *FleetMonitor::instanceConfig(const BreakerId &id) const
{
    const Tracked *tracked = find(id);
    if (!tracked)
        return nullptr;
    const auto it = m_instances.find(tracked->instanceKey);
    return it == m_instances.end() ? nullptr : &it->second->config;
}

QList<BreakerId> FleetMonitor::instancesOf(const BreakerId &id) const
{
    QList<BreakerId> ids;
    // Ordered by service, breaker, instance: the instances of one breaker are neighbours.
    for (auto it = m_breakers.lower_bound(BreakerId{id.service, {}, id.breaker});
         it != m_breakers.end() && it->first.sameBreaker(id); ++it)
        ids << it->first;
    return ids;
}

QList<ObservedTransition> FleetMonitor::observedTransitions(const BreakerId &id) const
{
    const Tracked *tracked = find(id);
    return tracked ? tracked->observed.transitions() : QList<ObservedTransition>{};
}

std::optional<RemoteBreakerBinding> FleetMonitor::remoteBinding(const BreakerId &id) const
{
    const Tracked *tracked = find(id);
    const ServiceConfig *config = instanceConfig(id);
    if (!tracked || !config)
        return std::nullopt;
    if (config->remote) {
        // remote_breaker names one breaker: the one the filter names first, else the instance's own.
        const QString bound = config->breakers.names.value(0);
        if (id.breaker == bound)
            return config->remote;
    }
    if (config->actuator && !id.isHealth() && isResilience4j(tracked->status.source)) {
        RemoteBreakerBinding binding;
        binding.kind = u"resilience4j"_s;
        QUrl url = config->actuator->url;
        QString path = url.path();
        if (!path.endsWith(u'/'))
            path += u'/';
        url.setPath(path + id.breaker);
        binding.url = url;
        binding.auth = config->actuator->auth;
        binding.tls = config->actuator->tls;
        return binding;
    }
    return std::nullopt;
}

Status FleetMonitor::reset(const BreakerId &id)
{
    return operate(id, [](CircuitBreaker &b, std::int64_t t) { return b.reset(t); });
}

Status FleetMonitor::forceOpen(const BreakerId &id)
{
    return operate(id, [](CircuitBreaker &b, std::int64_t t) { return b.forceOpen(t); });
}

Status FleetMonitor::disable(const BreakerId &id)
{
    return operate(id, [](CircuitBreaker &b, std::int64_t t) { return b.disable(t); });
}

Status FleetMonitor::metricsOnly(const BreakerId &id)
{
    return operate(id, [](CircuitBreaker &b, std::int64_t t) { return b.metricsOnly(t); });
}

Status FleetMonitor::applyPolicy(const BreakerId &id, const QString &preset,
                                 const QList<QPair<QString, QString>> &parameters, const BreakerPolicy &policy)
{
    Tracked *tracked = find(id);
    if (!tracked)
        return Error{u"no breaker %1"_s.arg(id.key())};
    if (const Status valid = policy.validate(); !valid)
        return Error{u"the policy is not valid: %1"_s.arg(valid.error())};
    if (const Status reset = tracked->breaker.reset(m_clock()); !reset)
        return reset;
    publish(*tracked);
    tracked->status.preset = preset;
    tracked->status.parameters = parameters;
    tracked->status.policyFromSource = false;
    tracked->policyApplied = true;
    tracked->breaker = CircuitBreaker(policy);
    tracked->watchedSinceMs = m_clock();
    publish(*tracked);
    return success();
}

template<typename Action>
Status FleetMonitor::operate(const BreakerId &id, Action action)
{
    Tracked *tracked = find(id);
    if (!tracked)
        return Error{u"no breaker %1"_s.arg(id.key())};
    const Status result = action(tracked->breaker, m_clock());
    publish(*tracked);
    return result;
}

void FleetMonitor::onProbed(const QString &id, const ProbeResult &result)
{
    const qsizetype cut = id.lastIndexOf(u'\n');
    const QString key = id.left(cut);
    const QStringView kind = QStringView(id).mid(cut + 1);
    const auto it = m_instances.find(key);
    if (it == m_instances.end())
        return; // the instance left the configuration while this poll was in flight
    Instance &instance = *it->second;
    if (kind == u"health")
        onHealth(instance, result);
    else if (kind == u"metrics")
        onMetrics(instance, result);
    else if (kind == u"actuator")
        onActuator(instance, result);
    else if (kind == u"events")
        onEvents(instance, result);
    expireStale(instance, result.startedAtMs);
    // A health endpoint that answers "down" has answered; only no HTTP answer at all is a problem there.
    const bool answered = result.ok() || (kind == u"health" && result.httpStatus > 0);
    Q_EMIT sourceAnswered(instance.config.name, instance.name, kind.toString(),
                          answered ? m_lastProblem : result.message);
    m_lastProblem.clear();
}

void FleetMonitor::onHealth(Instance &instance, const ProbeResult &result)
{
    ProbeOutcomeKind kind = result.kind;
    QString message = result.message;
    std::optional<HealthVerdict> verdict;
    // An HTTP answer is read whatever its status: a 503 saying DOWN still lists the breakers that are open.
    const bool answered = result.httpStatus > 0 && !result.body.isEmpty();
    if (instance.config.health && (result.ok() || answered)) {
        // The body has the last word: a 200 saying DOWN is a failed call.
        auto read = readHealth(instance.config.health->format, result.httpStatus, result.contentType, result.body);
        if (!read) {
            if (result.ok()) {
                kind = ProbeOutcomeKind::ParseError;
                message = read.error();
                m_lastProblem = message;
            }
        } else {
            verdict = *read;
            if (result.ok() && healthOutcome(*read) != ProbeOutcomeKind::Success) {
                kind = healthOutcome(*read);
                message = healthReason(*read);
            }
        }
    }
    if (Tracked *health = find(instance.healthId())) {
        const bool ok = kind == ProbeOutcomeKind::Success || kind == ProbeOutcomeKind::Slow;
        health->breaker.onCall(health->feedTime(result.startedAtMs), ok, static_cast<float>(result.latencyMs));
        BreakerStatus &status = health->status;
        status.lastOutcome = kind;
        status.lastMessage = message;
        status.lastCheckMs = result.startedAtMs;
        status.lastLatencyMs = result.latencyMs;
        ++status.polls;
        status.failures += !ok;
        publish(*health);
    }
    // A status page or the Resilience4j health indicator lists named breakers.
    if (verdict && !verdict->breakers.isEmpty()) {
        takeReadings(instance, verdict->breakersFrom,
                     readingsOf(verdict->breakers, verdict->breakersFrom, result.startedAtMs), result.startedAtMs);
    } else if (!verdict) {
        markSourceDown(instance, BreakerSource::StatusPage, result.startedAtMs, message);
        markSourceDown(instance, BreakerSource::HealthIndicator, result.startedAtMs, message);
    }
}

void FleetMonitor::onMetrics(Instance &instance, const ProbeResult &result)
{
    const std::int64_t t = result.startedAtMs;
    Tracked *health = find(instance.healthId());
    if (health) {
        BreakerStatus &status = health->status;
        status.lastScrapeMs = t;
        if (!instance.config.health) { // the scrape is the only poll: it decides the outcome column
            status.lastOutcome = result.kind;
            status.lastMessage = result.message;
            status.lastCheckMs = t;
            status.lastLatencyMs = result.latencyMs;
            ++status.polls;
            status.failures += !result.ok();
        }
    }
    if (!result.ok()) {
        const QString problem = u"scrape failed: "_s + result.message;
        if (health) {
            health->breaker.onCall(health->feedTime(t), false, static_cast<float>(result.latencyMs));
            health->status.scrapeProblem = problem;
            publish(*health);
        }
        for (const BreakerSource source : {BreakerSource::Resilience4j, BreakerSource::Opossum, BreakerSource::Gauge})
            markSourceDown(instance, source, t, problem);
        return;
    }
    ParseOptions options;
    options.contentType = result.contentType;
    Result<ParsedPage> page = ExpositionParser::parse(result.body, options);
    if (!page) {
        const QString problem = u"metrics page unreadable: "_s + page.error();
        m_lastProblem = problem;
        if (health) {
            health->status.scrapeProblem = problem;
            publish(*health);
        }
        for (const BreakerSource source : {BreakerSource::Resilience4j, BreakerSource::Opossum, BreakerSource::Gauge})
            markSourceDown(instance, source, t, problem);
        return;
    }
    if (health) {
        BreakerStatus &status = health->status;
        status.scrapeProblem.clear();
        if (instance.traffic) {
            if (std::optional<CallBatch> batch = instance.traffic->onScrape(t, page->samples)) {
                const std::int64_t calls = batch->successes + batch->failures + batch->slow;
                const std::int64_t spanMs = std::max<std::int64_t>(1, batch->t1 - batch->t0);
                status.requestsPerSecond = static_cast<double>(calls) * 1000.0 / static_cast<double>(spanMs);
                status.trafficFailurePercent =
                    calls > 0 ? 100.0 * static_cast<double>(batch->failures) / static_cast<double>(calls) : -1;
                feed(*health, *batch);
            }
        }
        publish(*health);
    }

    MetricsPageBreakers::Read read = instance.page.read(page->samples, t);
    for (const BreakerSource source : {BreakerSource::Resilience4j, BreakerSource::Opossum, BreakerSource::Gauge}) {
        QList<BreakerReading> ofSource;
        for (const BreakerReading &reading : std::as_const(read.breakers))
            if (reading.source == source)
                ofSource << reading;
        takeReadings(instance, source, ofSource, t, {});
    }
    if (!read.problems.isEmpty() && health) {
        health->status.observedProblem = read.problems.front();
        publish(*health);
    }
}

void FleetMonitor::onActuator(Instance &instance, const ProbeResult &result)
{
    if (!result.ok()) {
        markSourceDown(instance, BreakerSource::Actuator, result.startedAtMs,
                       u"actuator unavailable: "_s + result.message);
        return;
    }
    const auto breakers = Resilience4jActuator::parseCircuitBreakers(result.body);
    if (!breakers) {
        m_lastProblem = u"actuator answer unreadable: "_s + breakers.error();
        markSourceDown(instance, BreakerSource::Actuator, result.startedAtMs, m_lastProblem);
        return;
    }
    takeReadings(instance, BreakerSource::Actuator, readingsOf(*breakers, BreakerSource::Actuator, result.startedAtMs),
                 result.startedAtMs);
}

void FleetMonitor::onEvents(Instance &instance, const ProbeResult &result)
{
    const std::int64_t t = result.startedAtMs;
    QString problem;
    std::optional<QList<Resilience4jTransitionEvent>> events;
    if (!result.ok()) {
        problem = u"breaker events unavailable: "_s + result.message;
    } else if (auto parsed = Resilience4jEvents::parseStateTransitions(result.body); !parsed) {
        problem = u"breaker events unreadable: "_s + parsed.error();
        m_lastProblem = problem;
    } else {
        events = *parsed;
    }
    if (!events) {
        for (const QString &name : std::as_const(instance.named)) {
            if (Tracked *tracked = find({instance.config.name, instance.name, name});
                tracked && isResilience4j(tracked->status.source)) {
                tracked->status.observedProblem = problem;
                publish(*tracked);
            }
        }
        return;
    }
    // The events of each breaker go to that breaker; one the events name first is followed from here.
    QHash<QString, QList<ObservedTransition>> byName;
    for (const Resilience4jTransitionEvent &event : *events)
        if (instance.config.breakers.matches(event.breakerName))
            byName[event.breakerName] << event.toObserved();
    // First every new breaker, so that listeners (the history's rows) know them before their first update.
    bool addedAny = false;
    QList<Tracked *> named;
    for (auto it = byName.cbegin(); it != byName.cend(); ++it) {
        bool added = false;
        named << &track(instance, it.key(), BreakerSource::Actuator, {}, &added);
        addedAny |= added;
    }
    if (addedAny)
        Q_EMIT breakersChanged();
    qsizetype i = 0;
    for (auto it = byName.cbegin(); it != byName.cend(); ++it, ++i) {
        named[i]->status.observedProblem.clear();
        observe(*named[i], t, std::nullopt, it.value());
    }
}

FleetMonitor::Tracked &FleetMonitor::track(Instance &instance, const QString &name, BreakerSource source,
                                           const QList<QPair<QString, QString>> &settings, bool *added)
{
    const BreakerId id{instance.config.name, instance.name, name};
    if (Tracked *known = find(id)) {
        *added = false;
        return *known;
    }
    const SourcedPolicy sourced = SourcedPolicy::forBreaker(instance.config, source, settings, m_catalog);
    auto tracked =
        std::make_unique<Tracked>(id, instance.key, source, sourced, m_config.alertRulesFor(instance.config).flapping);
    tracked->watchedSinceMs = m_clock();
    tracked->status.feed = BreakerFeed::Nothing;
    tracked->status.url = urlFor(instance.config, source);
    Tracked &ref = *tracked;
    m_breakers.emplace(id, std::move(tracked));
    instance.named.insert(name);
    *added = true;
    Q_EMIT breakerAdded(id);
    return ref;
}

void FleetMonitor::takeReadings(Instance &instance, BreakerSource source, const QList<BreakerReading> &readings,
                                std::int64_t t, const QString &problem, bool viaServer)
{
    const std::uint16_t mine = shownBit(source, viaServer);
    // A breaker both paths show is fed by the faster one (the direct one on a tie); the other keeps it fresh only.
    const std::int64_t directMs = instance.config.metrics && instance.config.metrics->http.intervalMs > 0
                                      ? instance.config.metrics->http.intervalMs
                                      : m_config.global.intervalMs;
    const std::int64_t serverMs = m_server ? m_server->intervalMs() : std::numeric_limits<std::int64_t>::max();
    const bool yieldToOther = viaServer ? serverMs >= directMs : directMs > serverMs;
    const std::uint16_t otherPath = viaServer ? kDirectMask : kServerMask;
    // First every new breaker, so that listeners know them before their first update.
    bool addedAny = false;
    QList<Tracked *> shown;
    shown.reserve(readings.size());
    for (const BreakerReading &reading : readings) {
        if (!instance.config.breakers.matches(reading.name)) {
            shown << nullptr;
            continue;
        }
        bool added = false;
        shown << &track(instance, reading.name, source, reading.settings, &added);
        addedAny |= added;
    }
    if (addedAny)
        Q_EMIT breakersChanged();

    QSet<QString> seen;
    for (qsizetype i = 0; i < readings.size(); ++i) {
        Tracked *tracked = shown[i];
        if (!tracked)
            continue;
        const BreakerReading &reading = readings[i];
        seen.insert(reading.name);
        tracked->shownBy |= mine;
        tracked->status.stale = false;
        tracked->staleSinceMs = -1;
        tracked->status.lastSeenMs = t;
        if (yieldToOther && (tracked->shownBy & otherPath))
            continue;
        const std::uint16_t families = (tracked->shownBy | (tracked->shownBy >> 8)) & kDirectMask;
        for (const BreakerSource best : kSourcePriority) {
            if (families & bit(best)) {
                const bool direct = tracked->shownBy & bit(best);
                const QString url = direct || !m_server ? urlFor(instance.config, best) : m_server->status().url;
                if (tracked->status.source != best || tracked->status.url != url) {
                    tracked->status.source = best;
                    tracked->status.url = url;
                }
                break;
            }
        }
        tracked->status.lastCheckMs = t;
        tracked->status.lastOutcome = ProbeOutcomeKind::Success;
        tracked->status.lastMessage.clear();
        tracked->status.observedProblem = problem;
        if (!reading.settings.isEmpty())
            tracked->status.settings = reading.settings;
        if (reading.failureRatePercent)
            tracked->status.observedFailureRatePercent = reading.failureRatePercent;
        tracked->status.observedOpenMayBeHalfOpen = !reportsHalfOpen(source);
        if (reading.calls) {
            tracked->status.feed = BreakerFeed::OwnCalls;
            const std::int64_t calls = reading.calls->successes + reading.calls->failures + reading.calls->slow;
            const std::int64_t spanMs = std::max<std::int64_t>(1, reading.calls->t1 - reading.calls->t0);
            tracked->status.requestsPerSecond = static_cast<double>(calls) * 1000.0 / static_cast<double>(spanMs);
            tracked->status.trafficFailurePercent =
                calls > 0 ? 100.0 * static_cast<double>(reading.calls->failures) / static_cast<double>(calls) : -1;
            tracked->status.lastScrapeMs = t;
            feed(*tracked, *reading.calls);
        }
        observe(*tracked, reading.atMs, reading.state, reading.betweenScrapes);
    }
    if (source == BreakerSource::Hystrix)
        return; // a stream's batch holds the commands that spoke; silence is judged by time (onStreamSamples)
    // The breakers this source showed last time and not now.
    for (const QString &name : QSet<QString>(instance.named)) {
        if (seen.contains(name))
            continue;
        Tracked *tracked = find({instance.config.name, instance.name, name});
        if (!tracked || !(tracked->shownBy & mine))
            continue;
        tracked->shownBy &= static_cast<std::uint16_t>(~mine);
        if (!tracked->shownBy && !tracked->status.stale) {
            tracked->status.stale = true;
            tracked->staleSinceMs = t;
            tracked->status.observedProblem = viaServer
                                                  ? u"no longer shown by Prometheus (%1)"_s.arg(sourceName(source))
                                                  : u"no longer shown by its %1 source"_s.arg(sourceName(source));
            publish(*tracked);
        }
    }
}

void FleetMonitor::markSourceDown(Instance &instance, BreakerSource source, std::int64_t t, const QString &problem,
                                  bool viaServer)
{
    const std::uint16_t mine = shownBit(source, viaServer);
    for (const QString &name : QSet<QString>(instance.named)) {
        Tracked *tracked = find({instance.config.name, instance.name, name});
        if (!tracked || !(tracked->shownBy & mine))
            continue;
        // Not shown, but not gone either: the last known state stays, marked stale, with the reason.
        tracked->shownBy &= static_cast<std::uint16_t>(~mine);
        tracked->status.observedProblem = problem;
        tracked->status.lastOutcome = ProbeOutcomeKind::Other;
        tracked->status.lastMessage = problem;
        if (!tracked->shownBy && !tracked->status.stale) {
            tracked->status.stale = true;
            tracked->staleSinceMs = t;
        }
        publish(*tracked);
    }
}

void FleetMonitor::expireStale(Instance &instance, std::int64_t t)
{
    QList<BreakerId> gone;
    for (const QString &name : std::as_const(instance.named)) {
        const Tracked *tracked = find({instance.config.name, instance.name, name});
        if (tracked && tracked->status.stale && t - tracked->staleSinceMs >= m_config.global.staleBreakerRetentionMs)
            gone << tracked->id;
    }
    if (gone.isEmpty())
        return;
    for (const BreakerId &id : std::as_const(gone)) {
        m_breakers.erase(id);
        instance.named.remove(id.breaker);
        Q_EMIT breakerRemoved(id);
    }
    Q_EMIT breakersChanged();
}

void FleetMonitor::feed(Tracked &tracked, const CallBatch &batch)
{
    CallBatch fed = batch;
    const std::int64_t fedUpTo = tracked.lastFedMs; // the batch's calls must not go back before it
    fed.t1 = tracked.feedTime(fed.t1);
    fed.t0 = std::clamp(fed.t0, fedUpTo, fed.t1);
    tracked.breaker.onBatch(fed);
    tracked.status.trafficCalls += fed.successes + fed.failures + fed.slow;
    tracked.status.trafficFailures += fed.failures;
}

// Records a polled state (if any) and transition events, and brings the status up to date with the observed
// history.
void FleetMonitor::observe(Tracked &tracked, std::int64_t t, std::optional<BreakerState> state,
                           const QList<ObservedTransition> &events)
{
    bool changed = false;
    if (!events.isEmpty()) {
        const QList<ObservedTransition> before = tracked.observed.transitions();
        tracked.observed.addEvents(events);
        changed = tracked.observed.transitions() != before;
    }
    if (state) {
        const bool known = tracked.observed.stateAt(t).has_value();
        if (!known && tracked.observedFirstSeenMs == 0)
            tracked.observedFirstSeenMs = t;
        changed |= tracked.observed.addGaugeState(t, *state).has_value() || !known;
    }
    const std::int64_t now = std::max(t, m_clock());
    const std::int64_t window = tracked.flapping.rule().windowMs;
    // The flapping rule counts opens over its window, whatever is kept for the views.
    const std::int64_t keptMs = std::max(m_observedHistoryMs, window);
    BreakerStatus &status = tracked.status;
    // Before the signal: a listener filling in the past reads from when the state is known.
    if (tracked.observedFirstSeenMs > 0)
        status.observedKnownSinceMs = std::max(tracked.observedFirstSeenMs, now - kObservedHistoryMs);
    // The listeners see what was learnt (a server's hours of history too) before what is not kept goes.
    if (changed)
        Q_EMIT observedTransitionsChanged(tracked.id, tracked.observed.transitions());
    tracked.observed.forgetBefore(now - keptMs);
    status.observedState = tracked.observed.stateAt(now);
    status.observedSinceMs = tracked.observedFirstSeenMs; // unless a transition says better, below
    const QList<ObservedTransition> &all = tracked.observed.transitions();
    status.observedOpensLast10Min = 0;
    bool sinceFound = false;
    for (auto it = all.crbegin(); it != all.crend(); ++it) { // newest first: only the window is walked
        if (it->t > now)
            continue;
        if (!sinceFound) {
            status.observedSinceMs = it->t;
            sinceFound = true;
        }
        if (it->t <= now - window)
            break;
        status.observedOpensLast10Min += it->to == BreakerState::Open && it->from != BreakerState::Open ? 1 : 0;
    }
    publish(tracked);
}

void FleetMonitor::publish(Tracked &tracked)
{
    for (const Transition &tr : tracked.breaker.transitions()) {
        if (tr.to == BreakerState::Open)
            tracked.flapping.recordOpen(tr.t);
        tracked.status.lastReason = tr.reason.describe();
        Q_EMIT transition(tracked.id, tr);
    }
    tracked.breaker.clearTransitions();
    const BreakerSnapshot snapshot = tracked.breaker.snapshot();
    BreakerStatus &status = tracked.status;
    status.state = snapshot.state;
    // A breaker that never changed has been in its state since it was watched, not since 1970.
    status.stateSinceMs = std::max(snapshot.stateSince, tracked.watchedSinceMs);
    status.windowFailurePercent = snapshot.windowCalls > 0 ? 100.0 * static_cast<double>(snapshot.windowFailures) /
                                                                 static_cast<double>(snapshot.windowCalls)
                                                           : -1;
    status.opensLast10Min = tracked.flapping.opensInWindow(m_clock());
    status.flappingRule = tracked.flapping.rule();
    status.flapping = status.flappingRule.isFlapping(status.opensLast10Min) ||
                      status.flappingRule.isFlapping(status.observedOpensLast10Min);
    Q_EMIT breakerUpdated(tracked.id, status);
}

} // namespace bw
