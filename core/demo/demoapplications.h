#pragma once

#include "demo/demoservice.h"

#include <optional>
#include <vector>

namespace bw {

// One application of the demo fleet: a service with its instances, all of one shape and with the same named
// breakers.
struct DemoApplication
{
    QString name;
    AppShape shape = AppShape::Resilience4j;
    std::vector<DemoInstanceSpec> instances;
};

// The demo fleet as real fleets look: applications with 2-4 named breakers and 2-3 instances each, in the three
// shapes in turn (Resilience4j, opossum, the seed's status page). Mostly healthy; one shared downstream
// ("payments-gateway", behind breakers in several applications) has an outage every 4 minutes, starting 20 s in, so
// breakers in several services open together; one instance's breaker flaps (checkout's second instance, in front of
// inventory); a few downstreams are flaky or slow, and one instance is dead. With `everyone` set,
// every instance and downstream behaves that way instead. Deterministic for a given seed.
std::vector<DemoApplication> demoApplications(int count, std::optional<BehaviourMode> everyone, std::uint64_t seed);

// The downstream every default fleet shares and takes down together.
inline constexpr const char *kSharedDownstream = "payments-gateway";

} // namespace bw
