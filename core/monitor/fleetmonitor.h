#pragma once

#include "breaker/circuitbreaker.h"
#include "breaker/presetcatalog.h"
#include "config/config.h"
#include "fleet/breakerid.h"
#include "fleet/breakerreading.h"
#include "fleet/breakerstatus.h"
#include "fleet/prometheusbreakersource.h"
#include "observed/hystrixstream.h"
#include "observed/observedtransition.h"
#include "probe/probescheduler.h"

#include <QList>
#include <QObject>

#include <map>
#include <memory>
#include <optional>

namespace bw {

// Watches every breaker of every instance of a configuration's services (see BreakerId).
//
// Per instance it polls, through one scheduler and one request per source and interval:
// - health: each poll is one call for the instance's health breaker; a circuit-breaker status page or the
//   Resilience4j health indicator in the body also reports the named breakers it lists;
// - metrics: every breaker family on the page (MetricsPageBreakers): states, and the calls that feed each named
//   breaker's simulation; request counters (`requests`) feed the health breaker; a failed scrape is one failed
//   call of the health breaker;
// - actuator (/actuator/circuitbreakers): every Resilience4j breaker with its state and settings;
// - events (the Resilience4j event buffer): transitions, which take precedence over polled states.
// Every hystrix.stream URL is followed over one connection, whatever number of instances name it and commands
// it carries (HystrixCommandTracker).
//
// Breakers are found, not named: every breaker a source shows (and the service's filter admits) is followed
// from the poll that first shows it (breakerAdded). One its source stops showing is stale at once and leaves
// after global.staleBreakerRetentionMs (breakerRemoved). A named breaker's simulation starts from the real
// breaker's settings where the source reports them (SourcedPolicy).
//
// With `prometheus.breakers` configured, every breaker the Prometheus server knows of is followed too, through a
// few instant queries per interval (PrometheusBreakerSource): job is the service, instance the instance. A breaker
// seen both directly and through the server is one breaker (same id); the source with the shorter interval feeds it
// (the direct one on a tie), the other only keeps it from going stale. The server down, slow or answering an error
// leaves the breakers it showed with their last known state, stale, with the reason (prometheusStatus()).
//
// Owns its scheduler, streams and Prometheus source; the prober is not owned. Lives in the prober's thread. Time comes
// from the clock given (the only clock read); everything it feeds is pure.
class FleetMonitor final : public QObject
{
    Q_OBJECT
public:
    FleetMonitor(HttpProber *prober, ProbeScheduler::Clock clock, QObject *parent = nullptr);
    ~FleetMonitor() override;

    // Applies a configuration. On a reload, an instance whose configuration did not change keeps its breakers,
    // their history and its schedule; the breakers of changed or removed instances go (breakerRemoved) and the
    // configured ones of new instances come (breakerAdded). Emits breakersChanged().
    void setConfig(const Config &config);
    const Config &config() const { return m_config; }
    void start();
    void stop();
    // Polls every source of every instance now instead of at its place in the interval (then as usual).
    void pollAllNow();

    // Every breaker followed now, ordered by service, breaker name, instance.
    QList<BreakerId> breakers() const;
    int breakerCount() const { return static_cast<int>(m_breakers.size()); }
    bool contains(const BreakerId &id) const { return m_breakers.count(id) > 0; }
    // A default status (with the id) for an unknown id.
    BreakerStatus status(const BreakerId &id) const;
    // The configuration of the breaker's instance; nullptr for an unknown id.
    const ServiceConfig *instanceConfig(const BreakerId &id) const;
    // The same breaker on every instance of its service that has it, in instance order.
    QList<BreakerId> instancesOf(const BreakerId &id) const;
    // The real breaker's transitions (events, and polled states that disagreed with them), oldest first.
    QList<ObservedTransition> observedTransitions(const BreakerId &id) const;
    // How far back observedTransitions() reaches: a day by default, for the timelines and the event log. A process
    // that draws nothing (serve) keeps less; never less than a breaker's flapping window, which counts its opens.
    // observedTransitionsChanged() carries what was learnt before older transitions are forgotten.
    static constexpr std::int64_t kDefaultObservedHistoryMs = 24LL * 3600 * 1000;
    void setObservedHistoryMs(std::int64_t ms) { m_observedHistoryMs = ms; }
    // How the real breaker can be changed: the configured remote_breaker for the breaker it names, or the
    // actuator's POST /actuator/circuitbreakers/{name} for a Resilience4j breaker of an instance with an actuator.
    std::optional<RemoteBreakerBinding> remoteBinding(const BreakerId &id) const;
    // The alert rules of the breaker's service (Config::alertRulesFor()); the global ones for an unknown id. Its
    // flapping rule is the one the monitor counts opens by (BreakerStatus::flappingRule, ::flapping).
    AlertRules alertRules(const BreakerId &id) const;
    // How the Prometheus server of prometheus.breakers answered lately; nullopt when none is configured.
    std::optional<PrometheusSourceStatus> prometheusStatus() const;
    // A view wants the real breakers' states from startMs on (a timeline scrolled back): read what the Prometheus
    // server of prometheus.breakers holds before what was read already (PrometheusBreakerSource::readHistoryFrom).
    // Nothing without such a server.
    void readServerHistoryFrom(std::int64_t startMs);
    // Connections held open for hystrix streams (one per URL).
    int streamCount() const { return static_cast<int>(m_streams.size()); }

    // Operator actions on a simulated breaker; an error naming the reason if refused.
    Status reset(const BreakerId &id);
    Status forceOpen(const BreakerId &id);
    Status disable(const BreakerId &id);
    Status metricsOnly(const BreakerId &id);
    // Replaces the simulated breaker's policy (from the what-if workbench). The breaker is reset first, then starts
    // afresh under the new policy. Lasts until the breaker's instance is reloaded. Refuses an invalid policy.
    Status applyPolicy(const BreakerId &id, const QString &preset, const QList<QPair<QString, QString>> &parameters,
                       const BreakerPolicy &policy);

Q_SIGNALS:
    // The set of breakers changed: a reload, a breaker found or gone. Sent after breakerAdded/breakerRemoved.
    void breakersChanged();
    void breakerAdded(const bw::BreakerId &id);
    void breakerRemoved(const bw::BreakerId &id);
    void breakerUpdated(const bw::BreakerId &id, const bw::BreakerStatus &status);
    void transition(const bw::BreakerId &id, const bw::Transition &transition);
    // One source of one instance answered a poll (or a stream sent data or failed): source is "health",
    // "metrics", "actuator", "events" or "hystrix"; problem is empty when it was read.
    void sourceAnswered(const QString &service, const QString &instance, const QString &source, const QString &problem);
    // The Prometheus server of prometheus.breakers answered an interval's queries, or failed to.
    void prometheusAnswered(const bw::PrometheusSourceStatus &status);
    // The real breaker's history changed; `transitions` is all of it (events may rewrite recent history).
    void observedTransitionsChanged(const bw::BreakerId &id, const QList<bw::ObservedTransition> &transitions);

private:
    struct Instance;
    struct Tracked;
    struct Stream;

    void onProbed(const QString &targetId, const ProbeResult &result);
    void onHealth(Instance &instance, const ProbeResult &result);
    void onMetrics(Instance &instance, const ProbeResult &result);
    void onActuator(Instance &instance, const ProbeResult &result);
    void onEvents(Instance &instance, const ProbeResult &result);
    void onStreamSamples(Stream &stream, const QList<HystrixCommandSample> &samples);
    void onStreamProblem(Stream &stream, const QString &message);
    void onServerRead(const PrometheusFleetReader::Read &read, std::int64_t t);
    void onServerFailed(const QString &problem, std::int64_t t);
    void onServerHistory(const QList<PrometheusHistory::BreakerPast> &past);
    void followServer();
    Instance &serverInstance(const QString &job, const QString &instance);

    // The named breakers one poll of one source showed: followed, updated, and the ones it no longer shows made
    // stale. `problem`: the source could not be read (every breaker it gave is then stale, with the reason).
    // `viaServer`: the readings came through prometheus.breakers, not from the instance itself.
    void takeReadings(Instance &instance, BreakerSource source, const QList<BreakerReading> &readings, std::int64_t t,
                      const QString &problem = {}, bool viaServer = false);
    void markSourceDown(Instance &instance, BreakerSource source, std::int64_t t, const QString &problem,
                        bool viaServer = false);
    Tracked &track(Instance &instance, const QString &name, BreakerSource source,
                   const QList<QPair<QString, QString>> &settings, bool *added);
    void observe(Tracked &tracked, std::int64_t t, std::optional<BreakerState> state,
                 const QList<ObservedTransition> &events = {});
    void feed(Tracked &tracked, const CallBatch &batch);
    void expireStale(Instance &instance, std::int64_t t);
    void removeBreaker(const BreakerId &id);
    Tracked *find(const BreakerId &id) const;
    template<typename Action>
    Status operate(const BreakerId &id, Action action);
    void publish(Tracked &tracked);
    void followStream(Instance &instance);
    void restoreConfiguredPolicies(Instance &instance);
    void releaseStream(const QString &url, const QString &instanceKey);

    HttpProber *m_prober;
    ProbeScheduler::Clock m_clock;
    std::unique_ptr<ProbeScheduler> m_scheduler;
    PresetCatalog m_catalog;
    bool m_running = false;
    Config m_config;
    std::map<QString, std::unique_ptr<Instance>> m_instances; // by "service\ninstance"
    std::map<BreakerId, std::unique_ptr<Tracked>> m_breakers;
    std::map<QString, std::unique_ptr<Stream>> m_streams; // by URL
    std::unique_ptr<PrometheusBreakerSource> m_server;    // prometheus.breakers, if configured
    std::int64_t m_observedHistoryMs = kDefaultObservedHistoryMs;
    QString m_lastProblem; // what the poll being handled could not read, for sourceAnswered()
};

} // namespace bw
