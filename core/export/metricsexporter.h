#pragma once

#include "common/result.h"
#include "monitor/servicestatus.h"

#include <QByteArray>
#include <QHash>
#include <QHostAddress>
#include <QObject>

#include <memory>

namespace bw {

class HttpServer;
class ServiceMonitor;

// Breakerwatch's own /metrics, in the Prometheus text format, so the data of record can live in Prometheus
// (or Thanos, Mimir, VictoriaMetrics). Per service:
//   breakerwatch_breaker_state{service,breaker}         gauge: 0 closed, 1 open, 2 half-open
//                                                       (forced open counts as open; disabled and
//                                                       metrics-only as closed); breaker = simulated | real
//   breakerwatch_breaker_opens_total{service,breaker}   counter: transitions into open
//   breakerwatch_breaker_recoveries_total{...}          counter: transitions into closed from open or half-open
//   breakerwatch_breaker_failures_total{service}        counter: failed calls the simulated breaker saw
//   breakerwatch_breaker_calls_total{service}           counter: every call it saw (polls and traffic)
//   breakerwatch_probe_success{service}                 gauge: 1 when the latest poll succeeded
//   breakerwatch_probe_duration_seconds{service}        gauge: the latest poll's latency
// Counters are kept per service name, so a configuration reload does not reset them.
class MetricsExporter final : public QObject
{
    Q_OBJECT
public:
    explicit MetricsExporter(ServiceMonitor *monitor, QObject *parent = nullptr);
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

    ServiceMonitor *m_monitor;
    QHash<QString, Counters> m_counters;
    QHash<QString, std::int64_t> m_realTransitionsSeen; // observed history is re-sent whole: count only new ones
    std::unique_ptr<HttpServer> m_server;
};

// "127.0.0.1:9847" or "[::1]:9847" into an address and a port, or what is wrong with it.
Result<std::pair<QHostAddress, quint16>> parseListenAddress(const QString &text);

// 0 closed, 1 open, 2 half-open: the common state gauge.
int stateGaugeValue(BreakerState state);

} // namespace bw
