#pragma once

#include "breaker/circuitbreaker.h"
#include "demo/delayedcalls.h"
#include "demo/servicebehaviour.h"
#include "httpserver/httpserver.h"

#include <QObject>
#include <QUrl>

#include <array>
#include <deque>
#include <functional>
#include <memory>

namespace bw {

// One simulated service on its own port: /actuator/health (Spring), /health (health+json), /metrics (Prometheus
// text: http_requests_total{code}, a latency histogram, the state of its in-process Resilience4j-style breaker),
// /actuator/circuitbreakers (GET, and POST updateState), /actuator/circuitbreakerevents/{name}/state_transition,
// and POST /admin/fault {"mode": "...", "for_s": N}. Background traffic of 10 calls a second (derived from the
// behaviour, deterministic) drives the counters and the in-process breaker. The clock gives ms since the fleet
// started; wallEpochMs anchors event timestamps. Lives in its thread.
class DemoService final : public QObject
{
    Q_OBJECT
public:
    using Clock = std::function<std::int64_t()>;
    static constexpr const char *kBreakerName = "downstream";

    // The reactor watches this service's sockets and `delays` times its answers; both can be shared by a fleet, are
    // not owned and must outlive the service. Null: the service makes its own.
    DemoService(QString name, ServiceBehaviour behaviour, Clock clock, std::int64_t wallEpochMs,
                SocketReactor *reactor = nullptr, DelayedCalls *delays = nullptr, QObject *parent = nullptr);

    Result<quint16> listen(const QHostAddress &address, quint16 port);
    QString name() const { return m_name; }
    QUrl baseUrl() const;
    quint16 port() const { return m_port; }
    BehaviourMode modeAt(std::int64_t t) const;
    // Overrides the behaviour for a while (fault injection); 0 ms ends an override.
    void injectFault(BehaviourMode mode, std::int64_t forMs);
    const CircuitBreaker &breaker() const { return m_breaker; }
    std::int64_t requestsServed() const { return m_server.requestsServed(); }

private:
    void advanceTraffic(std::int64_t t);
    void answerHealth(const HttpRequest &request, HttpResponder responder, bool springShape);
    void updateListening();
    HttpResponse metrics(std::int64_t t);
    HttpResponse circuitBreakers() const;
    HttpResponse events() const;
    HttpResponse updateState(const HttpRequest &request);
    HttpResponse fault(const HttpRequest &request);
    QByteArray breakerDetails() const;
    QString isoTime(std::int64_t t) const;

    QString m_name;
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
    CircuitBreaker m_breaker;
    std::int64_t m_notPermitted = 0;
    std::deque<Transition> m_events; // the actuator's ring buffer: last 100
};

} // namespace bw
