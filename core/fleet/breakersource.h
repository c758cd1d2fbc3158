#pragma once

#include <QString>

#include <cstdint>
#include <optional>

namespace bw {

// Where a breaker was found: the family of metrics or the JSON shape that reports it. The spelling (sourceName)
// is the `source` field of `breakerwatch-cli discover` and of serve's JSON lines.
enum class BreakerSource : std::uint8_t
{
    Health,          // Breakerwatch's own breaker of an instance, fed by health polls and request counters
    Resilience4j,    // resilience4j_circuitbreaker_state{name,state} (and its calls counters)
    Opossum,         // opossum-prometheus' counter circuit{name,event}
    Gauge,           // <prefix>_circuit_breaker_state{service|name,...}
    Actuator,        // GET /actuator/circuitbreakers
    HealthIndicator, // the Resilience4j health indicator under components.circuitBreakers
    StatusPage,      // a /health/circuit-breakers map keyed by downstream
    Hystrix,         // a command on a hystrix.stream
};

QString sourceName(BreakerSource source); // "health", "resilience4j", "opossum", "gauge", "actuator", ...
std::optional<BreakerSource> sourceFromName(QStringView name);

// How far a source's reported state can be trusted to tell open from half-open. hystrix.stream's
// isCircuitBreakerOpen is `!closed`: true while half-open too.
constexpr bool reportsHalfOpen(BreakerSource source)
{
    return source != BreakerSource::Hystrix;
}

} // namespace bw
