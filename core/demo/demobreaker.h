#pragma once

#include "breaker/circuitbreaker.h"
#include "demo/servicebehaviour.h"

#include <QByteArray>
#include <QString>

#include <array>
#include <deque>

namespace bw {

// How a demo application exposes its breakers: the three shapes real fleets have.
enum class AppShape : std::uint8_t
{
    Resilience4j, // a Spring service: actuator health indicator, /actuator/circuitbreakers, events, metrics
    Opossum,      // a Node service: opossum-prometheus counters on /metrics, opossum-hystrix on /hystrix.stream
    StatusPage,   // the seed implementation: a /health/circuit-breakers map keyed by downstream URL
};

QString shapeName(AppShape shape);

// One named breaker inside a demo application instance, in front of one downstream. Its calls are decided by the
// downstream's behaviour (so breakers in front of the same downstream open together, in every application), its
// rules are those of the shape's library, and it keeps the counters that library would publish.
class DemoBreaker
{
public:
    struct Counts
    {
        std::int64_t fires = 0; // every call, refused ones included (opossum's `fire`)
        std::int64_t successes = 0;
        std::int64_t failures = 0; // timeouts included, as opossum counts them
        std::int64_t timeouts = 0;
        std::int64_t rejects = 0; // refused by the open breaker
        std::int64_t opens = 0;
        std::int64_t closes = 0;
        std::int64_t halfOpens = 0;
        double latencySumMs = 0;
    };
    // An opossum call slower than this is a timeout, and a failure (its `timeout` option); Resilience4j and the status
    // page count slow calls as they come.
    static constexpr double kTimeoutMs = 1000;

    DemoBreaker(QString name, QString downstream, ServiceBehaviour behaviour, AppShape shape,
                std::int64_t openWaitMs = 10'000);

    // One call at t (ms since the fleet started), the n-th of this breaker; `mode` is the downstream's behaviour at
    // t, or a fault injected into the instance. Returns false when the breaker refused it.
    struct CallResult
    {
        bool permitted = true;
        bool ok = true;
        double latencyMs = 0;
    };
    CallResult call(std::int64_t t, std::uint64_t n, BehaviourMode mode);
    // Lets timers run (open -> half-open) and collects the transitions of the calls so far.
    void settle(std::int64_t t);

    const QString &name() const { return m_name; }
    const QString &downstream() const { return m_downstream; }
    const ServiceBehaviour &behaviour() const { return m_behaviour; }
    AppShape shape() const { return m_shape; }
    std::int64_t openWaitMs() const { return m_openWaitMs; }
    CircuitBreaker &breaker() { return m_breaker; }
    const CircuitBreaker &breaker() const { return m_breaker; }
    const Counts &totals() const { return m_totals; }
    // Counts of the last 10 s (hystrix's rolling window), in 1 s buckets, up to the last call.
    Counts rolling() const;
    const std::deque<Transition> &events() const { return m_events; } // the last 100, as the actuator keeps them
    std::int64_t lastFailureMs() const { return m_lastFailureMs; }    // -1: never

private:
    QString m_name;
    QString m_downstream;
    ServiceBehaviour m_behaviour;
    AppShape m_shape;
    std::int64_t m_openWaitMs;
    CircuitBreaker m_breaker;
    Counts m_totals;
    std::array<Counts, 10> m_buckets{};
    std::int64_t m_bucketSecond = 0;
    std::deque<Transition> m_events;
    std::int64_t m_lastFailureMs = -1;
};

} // namespace bw
