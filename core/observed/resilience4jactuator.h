#pragma once

#include "breaker/breakerstate.h"
#include "common/result.h"
#include "observed/observedbreakerstate.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <cstdint>

namespace bw {

// The three actions POST /actuator/circuitbreakers/{name} accepts (anything else is a 400).
enum class Resilience4jUpdate : std::uint8_t
{
    Close,     // "CLOSE"
    ForceOpen, // "FORCE_OPEN"
    Disable,   // "DISABLE"
};

// The answer to a state change: {"circuitBreakerName":"backendA","currentState":"FORCED_OPEN","message":"..."}.
struct Resilience4jStateChange
{
    QString breakerName;
    BreakerState currentState = BreakerState::Closed;
    QString message;
};

// Reads and writes the Resilience4j Spring Boot actuator's circuit-breaker endpoints. Pure functions:
// no I/O, no state; malformed bodies come back as an Error naming the breaker and the field.
class Resilience4jActuator
{
public:
    // GET /actuator/circuitbreakers. 2.x:
    // {"circuitBreakers":{"backendA":{"failureRate":"-1.0%",...,"state":"CLOSED"}}}; before 2.0:
    // {"circuitBreakers":["backendA"]}, names only (stateKnown = false). Sorted by name for 2.x, in the listed order
    // for the old shape.
    static Result<QList<ObservedBreakerState>> parseCircuitBreakers(QByteArrayView body);

    // The answer to POST /actuator/circuitbreakers/{name}.
    static Result<Resilience4jStateChange> parseStateChange(QByteArrayView body);

    // {"updateState":"CLOSE"} etc.; compact JSON, UTF-8.
    static QByteArray stateChangeBody(Resilience4jUpdate update);

    // One breaker's details object, shared by the actuator and the health indicator:
    // failureRate, bufferedCalls, failedCalls, notPermittedCalls, state (required).
    static Result<ObservedBreakerState> readBreakerDetails(const QString &name, const QJsonObject &details);
};

} // namespace bw
