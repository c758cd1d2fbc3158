#include "demo/syntheticfleet.h"

#include "breaker/transition.h"

#include <cmath>
#include <limits>

using namespace Qt::StringLiterals;

namespace bw {

namespace {

const char16_t *const kNames[] = {u"checkout", u"payments", u"ledger",    u"search",  u"inventory", u"auth",
                                  u"catalog",  u"shipping", u"pricing",   u"recs",    u"notify",    u"billing",
                                  u"profile",  u"cart",     u"orders",    u"reviews", u"gateway",   u"media",
                                  u"geo",      u"fraud",    u"tax",       u"coupons", u"wishlist",  u"sessions",
                                  u"email",    u"sms",      u"analytics", u"images",  u"loyalty",   u"returns"};
const char16_t *const kRegions[] = {u"eu-1", u"us-1", u"ap-1", u"eu-2", u"us-2"};

std::uint64_t splitmix(std::uint64_t &state)
{
    std::uint64_t z = (state += 0x9e37'79b9'7f4a'7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58'476d'1ce4'e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d0'49bb'1331'11ebULL;
    return z ^ (z >> 31);
}

} // namespace

double SyntheticFleet::uniform(std::uint64_t &state)
{
    return static_cast<double>(splitmix(state) >> 11) * 0x1.0p-53;
}

SyntheticFleet::SyntheticFleet(const Options &options) : m_options(options)
{
    const int nameCount = static_cast<int>(std::size(kNames));
    m_services.resize(static_cast<std::size_t>(std::max(0, options.services)));
    for (int i = 0; i < options.services; ++i) {
        QString name = QString::fromUtf16(kNames[i % nameCount]);
        if (options.services > nameCount) {
            name += u'-' + QString::fromUtf16(kRegions[(i / nameCount) % 5]);
            if (i >= nameCount * 5)
                name += u'-' + QString::number(i / (nameCount * 5));
        }
        m_names.push_back(name);

        Service &s = m_services[static_cast<std::size_t>(i)];
        s.rng = options.seed * 0x1000'0000'01b3ULL + static_cast<std::uint64_t>(i) * 0x9e37'79b9ULL + 1;
        s.flapping = uniform(s.rng) < options.flappingShare;
        s.observed = uniform(s.rng) < options.observedShare;
        s.slow = uniform(s.rng) < 0.1;
        s.baseErrorRate = 0.2 + 2.8 * uniform(s.rng);
        s.baseLatency = 12 + 70 * uniform(s.rng);
        s.waitMs = s.flapping ? 5'000 + static_cast<std::int64_t>(5'000 * uniform(s.rng)) : 30'000;
        s.sim.since = s.real.since = options.startMs;
        // The first outage somewhere in the first 12 h; flapping services start an episode in the first 40 min.
        s.outageStart = options.startMs + static_cast<std::int64_t>(uniform(s.rng) * 12 * 3'600'000.0);
        s.outageEnd = s.outageStart + 30'000 + static_cast<std::int64_t>(uniform(s.rng) * 330'000);
        if (s.flapping) {
            s.episodeStart = options.startMs + static_cast<std::int64_t>(uniform(s.rng) * 40 * 60'000.0);
            s.episodeEnd = s.episodeStart + 20 * 60'000 + static_cast<std::int64_t>(uniform(s.rng) * 70 * 60'000.0);
        }
    }
}

void SyntheticFleet::schedule(Service &s, std::int64_t t)
{
    if (t >= s.outageEnd) {
        s.outageStart = t + static_cast<std::int64_t>((4 + 8 * uniform(s.rng)) * 3'600'000.0);
        s.outageEnd = s.outageStart + 30'000 + static_cast<std::int64_t>(uniform(s.rng) * 330'000);
    }
    if (s.flapping && t >= s.episodeEnd) {
        s.episodeStart = t + static_cast<std::int64_t>((1 + 4 * uniform(s.rng)) * 3'600'000.0);
        s.episodeEnd = s.episodeStart + 20 * 60'000 + static_cast<std::int64_t>(uniform(s.rng) * 70 * 60'000.0);
    }
}

void SyntheticFleet::stepBreaker(FleetHistory &history, int index, TrackKind track, Breaker &b, bool failing,
                                 double errorRate, std::int64_t t, int tripAfter, std::int64_t waitMs)
{
    b.failingFor = failing ? b.failingFor + 1 : 0;
    b.healthyFor = failing ? 0 : b.healthyFor + 1;
    const bool observed = track == TrackKind::Observed;
    TransitionReason reason;
    BreakerState next = b.state;
    if (b.heldUntil >= 0) {
        if (t >= b.heldUntil) {
            b.heldUntil = -1;
            next = BreakerState::Closed;
            reason.kind = TransitionReason::Kind::Manual;
            reason.operatorAction = TransitionReason::Operator::Reset;
        }
    } else {
        switch (b.state) {
        case BreakerState::Closed:
            if (b.failingFor >= tripAfter) {
                next = BreakerState::Open;
                reason.kind = TransitionReason::Kind::FailureRate;
                reason.value = std::round(errorRate * 2) / 2;
                reason.threshold = 50;
                reason.count = observed ? 100 : 20;
            }
            break;
        case BreakerState::Open:
            if (t - b.since >= waitMs) {
                next = BreakerState::HalfOpen;
                reason.kind = TransitionReason::Kind::OpenDurationElapsed;
                reason.count = t - b.since;
            }
            break;
        case BreakerState::HalfOpen:
            if (failing) {
                next = BreakerState::Open;
                reason.kind = TransitionReason::Kind::ProbeFailed;
            } else if (b.healthyFor >= 3) {
                next = BreakerState::Closed;
                reason.kind = TransitionReason::Kind::ProbeSucceeded;
                reason.count = 3;
                reason.threshold = 3;
            }
            break;
        default:
            break;
        }
    }
    if (next != b.state) {
        b.state = next;
        b.since = t;
        QString text = reason.describe();
        if (observed)
            text = u"reported by the service: "_s + text;
        history.appendState(index, track, t, next, text);
    } else {
        history.appendState(index, track, t, b.state);
    }
}

void SyntheticFleet::tick(FleetHistory &history, std::int64_t t)
{
    for (int i = 0; i < static_cast<int>(m_services.size()); ++i) {
        Service &s = m_services[static_cast<std::size_t>(i)];
        schedule(s, t);
        const bool outage = t >= s.outageStart && t < s.outageEnd;
        bool failing = outage;
        if (s.flapping && t >= s.episodeStart && t < s.episodeEnd) {
            // 10-20 s failing, 10-20 s healthy, with a period that drifts a little.
            const std::int64_t phase = (t - s.episodeStart) % 27'000;
            failing = failing || phase < 12'000 + (i % 5) * 1'000;
        }
        const double noise = uniform(s.rng);
        const double errorRate =
            failing ? 70 + 30 * noise : std::max(0.0, s.baseErrorRate * (0.4 + 1.2 * noise) + (noise > 0.995 ? 8 : 0));
        double latency = s.baseLatency * (0.8 + 0.5 * uniform(s.rng));
        if (s.slow && (t / 1000) % 900 < 60)
            latency *= 12;
        if (outage && (s.outageStart / 1000) % 2 == 0)
            latency = 2'000 + 3'000 * noise; // timeouts
        history.appendSample(i, SeriesKind::ErrorRate, t, errorRate);
        history.appendSample(i, SeriesKind::Latency, t, latency);
        if (m_options.latencyP95)
            history.appendSample(i, SeriesKind::LatencyP95, t, latency * (2.2 + uniform(s.rng)));
        stepBreaker(history, i, TrackKind::Simulated, s.sim, failing, errorRate, t, 3, s.waitMs);
        if (s.observed)
            stepBreaker(history, i, TrackKind::Observed, s.real, failing, errorRate, t, 5, 60'000);
    }
}

void SyntheticFleet::operatorAction(FleetHistory &history, int index, std::int64_t t, BreakerState state,
                                    std::int64_t durationMs)
{
    if (index < 0 || index >= static_cast<int>(m_services.size()))
        return;
    Breaker &b = m_services[static_cast<std::size_t>(index)].sim;
    TransitionReason reason;
    reason.kind = TransitionReason::Kind::Manual;
    reason.operatorAction = state == BreakerState::ForcedOpen    ? TransitionReason::Operator::ForceOpen
                            : state == BreakerState::Disabled    ? TransitionReason::Operator::Disable
                            : state == BreakerState::MetricsOnly ? TransitionReason::Operator::MetricsOnly
                                                                 : TransitionReason::Operator::Reset;
    b.state = state;
    b.since = t;
    b.failingFor = b.healthyFor = 0;
    b.heldUntil = durationMs > 0 ? t + durationMs : std::numeric_limits<std::int64_t>::max();
    history.appendState(index, TrackKind::Simulated, t, state, reason.describe());
}

void SyntheticFleet::fill(FleetHistory &history, std::int64_t from, std::int64_t to, std::int64_t stepMs)
{
    for (std::int64_t t = from; t < to; t += stepMs)
        tick(history, t);
}

} // namespace bw
