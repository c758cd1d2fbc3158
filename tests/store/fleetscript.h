#pragma once

// A deterministic fleet for the history store's tests, its crash-test child and its benchmark: one poll per service
// per tick, as the monitor would record it. Each service has a latency level with ±20 % noise, 1-2 % failed polls,
// an outage of 30 s-5 min every few hours, and (for `flappingShare` of them) flapping episodes of 20-60 min where
// it fails 12 s of every 27 s. The error rate is a 20-poll count window's failure percentage, the p95 the nearest
// rank of the last minute's latencies (as HistoryRecorder computes it). The simulated breaker opens after 3 failed
// polls, probes after 5-10 s (30 s for steady services) and closes after 3 good probes; 60 % of the services also
// have a real breaker (opens after 5, waits 60 s). Poll times carry 0-jitterMs ms of scheduling delay and 2 % of
// them up to 60 ms. Header-only; splitmix64, so every platform generates the same fleet.

#include "breaker/transition.h"
#include "store/storetypes.h"

#include <QStringList>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <deque>
#include <utility>
#include <vector>

namespace bwtest {

class FleetScript
{
public:
    struct Options
    {
        int services = 10;
        std::uint64_t seed = 1;
        std::int64_t startMs = 0;
        double flappingShare = 0.08;
        double observedShare = 0.6;
        int jitterMs = 8;
    };
    using Polls = std::vector<std::pair<int, bw::Observation>>;
    using Transitions = std::vector<std::pair<int, bw::StoredTransition>>;

    explicit FleetScript(const Options &options) : m_options(options)
    {
        for (int i = 0; i < options.services; ++i) {
            m_names << QStringLiteral("svc-%1").arg(i, 4, 10, QLatin1Char('0'));
            Service s;
            s.rng = options.seed * 0x9e37'79b9'7f4a'7c15ULL + static_cast<std::uint64_t>(i) * 0x1000'0000'01b3ULL + 1;
            s.flapping = uniform(s.rng) < options.flappingShare;
            s.observed = uniform(s.rng) < options.observedShare;
            s.latency = 8 + 80 * uniform(s.rng);
            s.failShare = 0.01 + 0.01 * uniform(s.rng);
            s.waitMs = s.flapping ? 5'000 + static_cast<std::int64_t>(5'000 * uniform(s.rng)) : 30'000;
            s.outageStart = options.startMs + static_cast<std::int64_t>(uniform(s.rng) * 6 * 3'600'000.0);
            s.outageEnd = s.outageStart + 30'000 + static_cast<std::int64_t>(uniform(s.rng) * 270'000);
            s.episodeStart = options.startMs + static_cast<std::int64_t>(uniform(s.rng) * 30 * 60'000.0);
            s.episodeEnd = s.episodeStart + 20 * 60'000 + static_cast<std::int64_t>(uniform(s.rng) * 40 * 60'000.0);
            s.sim.since = s.real.since = options.startMs;
            m_services.push_back(s);
        }
    }

    const QStringList &names() const { return m_names; }

    // The polls of the tick starting at t (one per service, t + jitter) and the transitions they caused.
    void tick(std::int64_t t, Polls &polls, Transitions &transitions)
    {
        for (int i = 0; i < static_cast<int>(m_services.size()); ++i) {
            Service &s = m_services[static_cast<std::size_t>(i)];
            schedule(s, t);
            std::int64_t late = static_cast<std::int64_t>(uniform(s.rng) * (m_options.jitterMs + 1));
            if (uniform(s.rng) < 0.02)
                late = static_cast<std::int64_t>(uniform(s.rng) * 60);
            const std::int64_t at = t + late;
            bool failed = uniform(s.rng) < s.failShare;
            if (at >= s.outageStart && at < s.outageEnd)
                failed = true;
            if (s.flapping && at >= s.episodeStart && at < s.episodeEnd && (at - s.episodeStart) % 27'000 < 12'000)
                failed = true;
            double latency = s.latency * (0.8 + 0.4 * uniform(s.rng));
            if (failed && uniform(s.rng) < 0.5)
                latency = 2'000 + 3'000 * uniform(s.rng); // timeouts

            s.window.push_back(failed);
            if (s.window.size() > 20)
                s.window.pop_front();
            s.latencies.emplace_back(at, latency);
            while (s.latencies.front().first <= at - 60'000)
                s.latencies.pop_front();

            bw::Observation o;
            o.t = at;
            o.outcome = failed ? bw::PollOutcome::Failed : bw::PollOutcome::Ok;
            o.errorRate = s.window.size() >= 10
                              ? static_cast<float>(
                                    100.0 * static_cast<double>(std::count(s.window.begin(), s.window.end(), true)) /
                                    static_cast<double>(s.window.size()))
                              : bw::Observation::kNone;
            o.latencyMs = static_cast<float>(latency);
            o.p95Ms = static_cast<float>(p95(s.latencies));
            step(i, s.sim, bw::TrackKind::Simulated, failed, o, 3, s.waitMs, transitions);
            o.state = s.sim.state;
            if (s.observed) {
                step(i, s.real, bw::TrackKind::Observed, failed, o, 5, 60'000, transitions);
                o.observedState = s.real.state;
            }
            polls.emplace_back(i, o);
        }
    }

private:
    struct Breaker
    {
        bw::BreakerState state = bw::BreakerState::Closed;
        std::int64_t since = 0;
        int failing = 0;
        int healthy = 0;
    };
    struct Service
    {
        std::uint64_t rng = 0;
        bool flapping = false;
        bool observed = false;
        double latency = 0;
        double failShare = 0;
        std::int64_t waitMs = 0;
        std::int64_t outageStart = 0;
        std::int64_t outageEnd = 0;
        std::int64_t episodeStart = 0;
        std::int64_t episodeEnd = 0;
        std::deque<bool> window;
        std::deque<std::pair<std::int64_t, double>> latencies;
        Breaker sim;
        Breaker real;
    };

    static double uniform(std::uint64_t &state)
    {
        std::uint64_t z = (state += 0x9e37'79b9'7f4a'7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58'476d'1ce4'e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d0'49bb'1331'11ebULL;
        return static_cast<double>((z ^ (z >> 31)) >> 11) * 0x1.0p-53;
    }

    static double p95(const std::deque<std::pair<std::int64_t, double>> &latencies)
    {
        std::vector<double> values;
        values.reserve(latencies.size());
        for (const auto &[t, ms] : latencies)
            values.push_back(ms);
        const auto rank = static_cast<std::size_t>(std::ceil(0.95 * static_cast<double>(values.size()))) - 1;
        std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(rank), values.end());
        return values[rank];
    }

    void schedule(Service &s, std::int64_t t)
    {
        if (t >= s.outageEnd) {
            s.outageStart = t + static_cast<std::int64_t>((3 + 6 * uniform(s.rng)) * 3'600'000.0);
            s.outageEnd = s.outageStart + 30'000 + static_cast<std::int64_t>(uniform(s.rng) * 270'000);
        }
        if (s.flapping && t >= s.episodeEnd) {
            s.episodeStart = t + static_cast<std::int64_t>((1 + 3 * uniform(s.rng)) * 3'600'000.0);
            s.episodeEnd = s.episodeStart + 20 * 60'000 + static_cast<std::int64_t>(uniform(s.rng) * 40 * 60'000.0);
        }
    }

    void step(int index, Breaker &b, bw::TrackKind track, bool failed, const bw::Observation &o, int tripAfter,
              std::int64_t waitMs, Transitions &transitions)
    {
        b.failing = failed ? b.failing + 1 : 0;
        b.healthy = failed ? 0 : b.healthy + 1;
        bw::TransitionReason reason;
        bw::BreakerState next = b.state;
        switch (b.state) {
        case bw::BreakerState::Closed:
            if (b.failing >= tripAfter) {
                next = bw::BreakerState::Open;
                reason.kind = bw::TransitionReason::Kind::ConsecutiveFailures;
                reason.count = b.failing;
                reason.threshold = tripAfter;
            }
            break;
        case bw::BreakerState::Open:
            if (o.t - b.since >= waitMs) {
                next = bw::BreakerState::HalfOpen;
                reason.kind = bw::TransitionReason::Kind::OpenDurationElapsed;
                reason.count = o.t - b.since;
            }
            break;
        case bw::BreakerState::HalfOpen:
            if (failed) {
                next = bw::BreakerState::Open;
                reason.kind = bw::TransitionReason::Kind::ProbeFailed;
            } else if (b.healthy >= 3) {
                next = bw::BreakerState::Closed;
                reason.kind = bw::TransitionReason::Kind::ProbeSucceeded;
                reason.count = 3;
                reason.threshold = 3;
            }
            break;
        default:
            break;
        }
        if (next == b.state)
            return;
        bw::StoredTransition tr;
        tr.service = m_names[index];
        tr.track = track;
        tr.t = o.t;
        tr.from = b.state;
        tr.to = next;
        tr.reason = track == bw::TrackKind::Observed ? QStringLiteral("reported event") : reason.describe();
        tr.reasonKind = track == bw::TrackKind::Observed ? bw::TransitionReason::Kind::None : reason.kind;
        transitions.emplace_back(index, tr);
        b.state = next;
        b.since = o.t;
    }

    Options m_options;
    QStringList m_names;
    std::vector<Service> m_services;
};

} // namespace bwtest
