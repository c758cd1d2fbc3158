#pragma once

#include "demo/delayedcalls.h"
#include "demo/demobreaker.h"
#include "demo/servicebehaviour.h"
#include "httpserver/httpserver.h"

#include <QObject>
#include <QTimer>
#include <QUrl>

#include <array>
#include <functional>
#include <memory>
#include <vector>

namespace bw {

struct DemoBreakerSpec
{
    QString name;       // as the library names it: paymentGateway, payments-gateway, https://payments-gateway...
    QString downstream; // what it protects; breakers in front of the same downstream share its behaviour
    ServiceBehaviour behaviour;
    std::int64_t openWaitMs = 10'000; // how long the breaker stays open before it probes
};

// One instance of a demo application.
struct DemoInstanceSpec
{
    QString service;
    AppShape shape = AppShape::Resilience4j;
    ServiceBehaviour health; // how the instance itself answers its health endpoints (and whether it listens)
    std::vector<DemoBreakerSpec> breakers;
};

// One simulated application instance on its own port. Every shape serves /actuator/health (Spring), /health
// (health+json), /metrics (Prometheus text: http_requests_total{code}, a latency histogram, and its breakers the way
// its library publishes them) and POST /admin/fault {"mode": "...", "for_s": N}. Then, by shape:
// - Resilience4j: the health indicator in /actuator/health, resilience4j_circuitbreaker_* metrics,
//   /actuator/circuitbreakers (GET, and POST updateState per name), /actuator/circuitbreakerevents (all) and
//   /actuator/circuitbreakerevents/{name}/state_transition;
// - opossum: the opossum-prometheus `circuit{name,event}` counters (no halfOpen series, as wired by its README) and
//   /hystrix.stream (opossum-hystrix: one snapshot per breaker every second, to every client);
// - status page: /health/circuit-breakers, the map of breakers keyed by downstream (503 while one is open).
// Background traffic, one call per breaker every 100 ms (deterministic), drives the counters and the breakers; it is
// simulated lazily, when a request comes. The clock gives ms since the fleet started; wallEpochMs anchors
// timestamps. Lives in its thread.
class DemoService final : public QObject
{
    Q_OBJECT
public:
    using Clock = std::function<std::int64_t()>;
    static constexpr const char *kBreakerName = "downstream"; // the one breaker of a single-breaker service

    // The reactor watches this service's sockets and `delays` times its answers; both can be shared by a fleet, are
    // not owned and must outlive the service. Null: the service makes its own.
    DemoService(DemoInstanceSpec spec, Clock clock, std::int64_t wallEpochMs, SocketReactor *reactor = nullptr,
                DelayedCalls *delays = nullptr, QObject *parent = nullptr);
    // A Resilience4j service with one breaker, "downstream", whose calls behave as the service does.
    DemoService(QString name, ServiceBehaviour behaviour, Clock clock, std::int64_t wallEpochMs,
                SocketReactor *reactor = nullptr, DelayedCalls *delays = nullptr, QObject *parent = nullptr);

    Result<quint16> listen(const QHostAddress &address, quint16 port);
    QString name() const { return m_name; }
    AppShape shape() const { return m_shape; }
    QUrl baseUrl() const;
    quint16 port() const { return m_port; }
    BehaviourMode modeAt(std::int64_t t) const;
    // Overrides the behaviour of the instance and of all its downstream calls for a while; 0 ms ends an override.
    void injectFault(BehaviourMode mode, std::int64_t forMs);
    const std::vector<DemoBreaker> &breakers() const { return m_breakers; }
    const DemoBreaker *breaker(const QString &name) const;
    const CircuitBreaker &breaker() const { return m_breakers.front().breaker(); } // the first one
    std::int64_t requestsServed() const { return m_server.requestsServed(); }

private:
    void addRoutes();
    void advanceTraffic(std::int64_t t);
    void answerHealth(const HttpRequest &request, HttpResponder responder, bool springShape);
    void updateListening();
    HttpResponse metrics(std::int64_t t);
    QByteArray resilience4jMetrics() const;
    QByteArray opossumMetrics() const;
    HttpResponse circuitBreakers() const;
    HttpResponse events(const HttpRequest &request) const;
    HttpResponse updateState(const HttpRequest &request);
    HttpResponse statusPage();
    void openStream(HttpResponder responder);
    void writeStreams();
    HttpResponse fault(const HttpRequest &request);
    QByteArray healthIndicator() const;
    QByteArray hystrixSnapshot(const DemoBreaker &breaker, std::int64_t t) const;
    QString isoTime(std::int64_t t) const;

    QString m_name;
    AppShape m_shape;
    ServiceBehaviour m_behaviour;
    Clock m_clock;
    std::int64_t m_wallEpochMs;
    HttpServer m_server;
    DelayedCalls *m_delays; // a child when the service made its own
    QHostAddress m_address;
    quint16 m_port = 0;
    std::uint64_t m_requests = 0;

    std::optional<BehaviourMode> m_faultMode;
    std::int64_t m_faultUntil = 0;

    std::int64_t m_trafficSlot = 0; // next 100 ms slot of background traffic to simulate
    std::int64_t m_ok = 0;
    std::int64_t m_failed = 0;
    std::array<std::int64_t, 8> m_buckets{}; // le 0.05 0.1 0.25 0.5 1 2.5 5 +Inf
    double m_latencySum = 0;
    std::vector<DemoBreaker> m_breakers;
    std::vector<HttpResponder> m_streams; // hystrix.stream clients
    QTimer m_streamTimer;
};

} // namespace bw
