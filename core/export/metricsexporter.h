#pragma once

#include "common/result.h"
#include "fleet/breakerstatus.h"

#include <QByteArray>
#include <QHash>
#include <QHostAddress>
#include <QObject>

#include <memory>

namespace bw {

class HttpServer;
class FleetMonitor;

// Breakerwatch's own /metrics, in the Prometheus text format, so the data of record can live in Prometheus
// (or Thanos, Mimir, VictoriaMetrics). Every breaker of every instance carries the labels service, instance and
// breaker (the breaker's own name; "health" for the instance's health breaker), and origin where both exist:
//   breakerwatch_breaker_state{...,origin}              gauge: 0 closed, 1 open, 2 half-open
//                                                       (forced open counts as open; disabled and
//                                                       metrics-only as closed); origin = simulated | real
//   breakerwatch_breaker_opens_total{...,origin}        counter: transitions into open
//   breakerwatch_breaker_recoveries_total{...,origin}   counter: transitions into closed from open or half-open
//   breakerwatch_breaker_stale{...}                     gauge: 1 when its source no longer shows the breaker
//   breakerwatch_breaker_failures_total{...}            counter: failed calls the simulated breaker saw
//   breakerwatch_breaker_calls_total{...}               counter: every call it saw (polls and traffic)
//   breakerwatch_probe_success{service,instance}        gauge: 1 when the instance's latest poll succeeded
//   breakerwatch_probe_duration_seconds{...}            gauge: the latest poll's latency
// Counters are kept per breaker id, so a configuration reload does not reset them.
class MetricsExporter final : public QObject
{
    Q_OBJECT
public:
    explicit MetricsExporter(FleetMonitor *monitor, QObject *parent = nullptr);
    ~MetricsExporter() override;

    // The page as it is now.
    QByteArray render() const;
    // Serves GET /metrics (and / with a pointer to it) on address:port; port 0 picks a free one.
    Result<quint16> listen(const QHostAddress &address, quint16 port);

private:
    struct Counters
    {
        std::int64_t opens[2] = {0, 0}; // simulated, real
        std::int64_t recoveries[2] = {0, 0};
    };

    FleetMonitor *m_monitor;
    QHash<BreakerId, Counters> m_counters;
    QHash<BreakerId, std::int64_t> m_realTransitionsSeen; // observed history is re-sent whole: count only new ones
    std::unique_ptr<HttpServer> m_server;
};

// "127.0.0.1:9847" or "[::1]:9847" into an address and a port, or what is wrong with it.
Result<std::pair<QHostAddress, quint16>> parseListenAddress(const QString &text);

// 0 closed, 1 open, 2 half-open: the common state gauge.
int stateGaugeValue(BreakerState state);

} // namespace bw
