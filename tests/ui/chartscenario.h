#pragma once

// A realistic hour for looking at the charts: a flapping service of the synthetic fleet whose flapping episode
// begins about 20 minutes into the hour shown.
#include "demo/syntheticfleet.h"
#include "history/fleethistory.h"

#include <QString>

#include <cstdint>

namespace chartscenario {

struct FlappingHour
{
    int service = -1;
    QString name;
    std::int64_t now = 0; // the end of the hour
};

inline FlappingHour flappingHour(bw::FleetHistory &history)
{
    constexpr std::int64_t kMinute = 60'000;
    constexpr std::int64_t kStart = 1'700'000'400'000;
    // Episodes are scheduled from an hour after the fleet starts, so the hour shown begins calm.
    const bw::SyntheticFleet::Options options{.services = 30, .seed = 7, .startMs = kStart + 60 * kMinute};
    FlappingHour out;
    {
        bw::SyntheticFleet fleet(options);
        bw::FleetHistory scratch(30);
        fleet.fill(scratch, kStart, kStart + 3 * 60 * kMinute);
        for (int i = 0; i < 30 && out.service < 0; ++i) {
            if (fleet.isFlapping(i))
                out.service = i;
        }
        if (out.service < 0)
            return out;
        out.name = fleet.names().at(out.service);
        const bw::TrackHistory &track = scratch.service(out.service).track(bw::TrackKind::Simulated);
        for (const bw::TrackTransition &transition : track.transitions(kStart + 60 * kMinute, kStart + 180 * kMinute)) {
            if (transition.to == bw::BreakerState::Open) {
                out.now = transition.t + 40 * kMinute;
                break;
            }
        }
    }
    // The same history again, up to "now" only, as a live view has it.
    bw::SyntheticFleet fleet(options);
    history.resize(30);
    fleet.fill(history, kStart, out.now + 1'000);
    return out;
}

} // namespace chartscenario
