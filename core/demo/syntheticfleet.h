#pragma once

#include "history/fleethistory.h"

#include <QStringList>

#include <cstdint>
#include <vector>

namespace bw {

// A seeded, deterministic generator of realistic fleet history for screenshots, benchmarks and tests: mostly
// healthy services with rare outages, some flapping ones (episodes of 10-20 s failing/healthy cycles), slow ones.
// Each service's simulated breaker trips after 3 s of failures and probes after its wait; an observed ("real")
// breaker, present on some services, uses other parameters (trips later, waits 60 s), as a real library would.
// tick() appends one sample per series and one state per track for every service at t: the live tick.
// The same seed gives the same history. Not thread-safe.
class SyntheticFleet
{
public:
    struct Options
    {
        int services = 30;
        std::uint64_t seed = 1;
        double flappingShare = 0.06; // services that have flapping episodes
        double observedShare = 0.6;  // services with a real breaker reporting its state
        bool latencyP95 = true;      // also feed SeriesKind::LatencyP95
        std::int64_t startMs = 0;    // first flapping episodes and outages are scheduled from here
    };

    explicit SyntheticFleet(const Options &options);

    QStringList names() const { return m_names; }
    bool isFlapping(int service) const { return m_services[static_cast<std::size_t>(service)].flapping; }
    bool hasObserved(int service) const { return m_services[static_cast<std::size_t>(service)].observed; }

    void tick(FleetHistory &history, std::int64_t t);
    // An operator action on the simulated breaker of `service` at t: it holds `state` (forced open, disabled,
    // metrics-only) for durationMs (0: until further notice), then an operator reset closes it.
    void operatorAction(FleetHistory &history, int service, std::int64_t t, BreakerState state,
                        std::int64_t durationMs);
    // tick() for every step in [from, to).
    void fill(FleetHistory &history, std::int64_t from, std::int64_t to, std::int64_t stepMs = 1'000);

private:
    struct Breaker
    {
        BreakerState state = BreakerState::Closed;
        std::int64_t since = 0;
        int failingFor = 0; // consecutive failing ticks
        int healthyFor = 0;
        std::int64_t heldUntil = -1; // operator hold: until then the state stays; -1: none
    };
    struct Service
    {
        std::uint64_t rng = 0;
        bool flapping = false;
        bool observed = false;
        bool slow = false;
        double baseErrorRate = 0;
        double baseLatency = 0;
        std::int64_t outageStart = 0;
        std::int64_t outageEnd = 0;
        std::int64_t episodeStart = 0; // flapping episode
        std::int64_t episodeEnd = 0;
        std::int64_t waitMs = 30'000;
        Breaker sim;
        Breaker real;
    };

    static double uniform(std::uint64_t &state);
    void schedule(Service &service, std::int64_t t);
    void stepBreaker(FleetHistory &history, int index, TrackKind track, Breaker &breaker, bool failing,
                     double errorRate, std::int64_t t, int tripAfter, std::int64_t waitMs);

    Options m_options;
    QStringList m_names;
    std::vector<Service> m_services;
};

} // namespace bw
