#pragma once

#include "fleet/breakersource.h"
#include "observed/observedbreakerstate.h"

#include <QList>
#include <QString>

#include <cstdint>

namespace bw {

enum class HealthStatus : std::uint8_t
{
    Up,
    Warn, // IETF "warn": healthy, with a concern
    Down,
    Unknown,
};

QString healthStatusName(HealthStatus status); // "up", "warn", "down", "unknown"

// One named check inside a health body: a Spring component (nested ones as "db.primary"), an IETF check
// ("db:responseTime"), a Kubernetes check ("etcd").
struct ComponentHealth
{
    QString name;
    HealthStatus status = HealthStatus::Unknown;
    QString detail; // as the source put it: "OUT_OF_SERVICE", "250 ms", "failed: reason withheld"

    bool operator==(const ComponentHealth &) const = default;
};

// What a health endpoint said. A value type.
struct HealthVerdict
{
    using Status = HealthStatus;

    Status status = Status::Unknown;
    QString detail; // one line for people, naming what is not up: "db DOWN", "etcd failed"; empty when all is well
    QList<ComponentHealth> components;
    QList<ObservedBreakerState> breakers; // from a circuit-breaker page or the Resilience4j health indicator
    BreakerSource breakersFrom = BreakerSource::StatusPage; // which of the two, when there are breakers

    bool operator==(const HealthVerdict &) const = default;
};

} // namespace bw
