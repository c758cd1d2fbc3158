#pragma once

#include "breaker/circuitbreaker.h"
#include "config/config.h"
#include "monitor/servicestatus.h"
#include "observed/observedtransition.h"
#include "probe/probescheduler.h"

#include <QHash>
#include <QList>
#include <QObject>

#include <memory>
#include <vector>

namespace bw {

// Watches the services of a configuration. Per service it polls up to three targets through one scheduler:
// - health: each poll, read by the health reader, is one call for the simulated breaker;
// - metrics: request counters between scrapes become call batches for the simulated breaker, a failed scrape
//   one failed call (see BreakerFeed); breaker gauges or counters give the observed real breaker's state;
// - the remote breaker's events URL (Resilience4j actuator): transition events for the observed breaker, which
//   take precedence over the gauges ("events first; gauges reconcile");
// and follows a hystrix.stream, if configured, for the observed breaker's state.
// Emits a ServiceStatus after every poll and every transition. Owns its scheduler; the prober is not owned.
// Lives in the prober's thread.
class ServiceMonitor final : public QObject
{
    Q_OBJECT
public:
    ServiceMonitor(HttpProber *prober, ProbeScheduler::Clock clock, QObject *parent = nullptr);
    ~ServiceMonitor() override;

    // Applies a configuration. On a reload, a service whose configuration did not change (same name, same
    // settings) keeps its breaker, history and schedule; the others start afresh. Emits servicesReset().
    void setConfig(const Config &config);
    const Config &config() const { return m_config; }
    void start();
    void stop();

    int serviceCount() const { return static_cast<int>(m_services.size()); }
    ServiceStatus status(int index) const;
    const ServiceConfig *serviceConfig(int index) const;
    // The observed real breaker's transitions (events and reconciling gauge readings), oldest first.
    QList<ObservedTransition> observedTransitions(int index) const;
    // Operator actions on the simulated breaker of service `index`; an error naming the reason if refused.
    Status reset(int index);
    Status forceOpen(int index);
    Status disable(int index);
    Status metricsOnly(int index);
    // Replaces the simulated breaker's policy (from the what-if workbench). The breaker is reset first (a
    // transition to closed if it was not), then starts afresh under the new policy; the service's configuration
    // records the preset and parameters. Lasts until the configuration is reloaded. Refuses an invalid policy.
    Status applyPolicy(int index, const QString &preset, const QList<QPair<QString, QString>> &parameters,
                       const BreakerPolicy &policy);

Q_SIGNALS:
    // The service list changed (setConfig): indexes may now name other services.
    void servicesReset();
    void serviceUpdated(int index, const bw::ServiceStatus &status);
    void transition(int index, const bw::Transition &transition);
    // The observed breaker's history changed; `transitions` is all of it (events may rewrite recent history).
    void observedTransitionsChanged(int index, const QList<bw::ObservedTransition> &transitions);

private:
    struct Watched;
    enum class TargetKind : std::uint8_t
    {
        Health,
        Metrics,
        Events
    };
    void onProbed(const QString &targetId, const ProbeResult &result);
    void onHealth(int index, const ProbeResult &result);
    void onMetrics(int index, const ProbeResult &result);
    void onEvents(int index, const ProbeResult &result);
    void observe(int index, std::int64_t t, std::optional<BreakerState> state);
    void followHystrix(Watched &watched);
    template<typename Action>
    Status operate(int index, Action action);
    void publish(int index);

    HttpProber *m_prober;
    ProbeScheduler::Clock m_clock;
    std::unique_ptr<ProbeScheduler> m_scheduler;
    bool m_running = false;
    Config m_config;
    std::vector<std::unique_ptr<Watched>> m_services;
    QHash<QString, int> m_indexByName;
};

} // namespace bw
