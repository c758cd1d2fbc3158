#pragma once

// A synthetic fleet for the fleet wall's tests, screenshots and benchmark: `breakers` breakers in services of 1-6
// instances with a health breaker and 0-4 named breakers each, labelled team/env/job, seeded (the same fleet on
// every run). Most are closed; a few percent open, half-open, forced open, flapping, stale, disabled; a tenth have a
// real breaker beside the simulated one, some of those open while the simulated one is closed; one service of
// the "payments" team is down on every instance (an incident as it looks on the wall).

#include "fleet/breakerstatus.h"

#include <QHash>
#include <QString>
#include <QVariantMap>

#include <array>
#include <cstdint>
#include <vector>

namespace bwtest {

struct SyntheticWall
{
    std::vector<bw::BreakerStatus> statuses;
    QHash<QString, QVariantMap> labelsOfService;
};

class WallRng
{
public:
    explicit WallRng(std::uint64_t seed) : m_state(seed) {}
    std::uint64_t next()
    {
        std::uint64_t z = (m_state += 0x9e37'79b9'7f4a'7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58'476d'1ce4'e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d0'49bb'1331'11ebULL;
        return z ^ (z >> 31);
    }
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    int integer(int a, int b) { return a + static_cast<int>(uniform() * (b - a + 1)); }

private:
    std::uint64_t m_state;
};

inline SyntheticWall makeWall(int breakers, std::int64_t now, std::uint64_t seed = 42)
{
    using namespace Qt::StringLiterals;
    static const std::array teams{u"payments"_s, u"checkout"_s,  u"search"_s,   u"identity"_s,
                                  u"catalog"_s,  u"logistics"_s, u"platform"_s, u"ads"_s};
    static const std::array roles{u"api"_s, u"worker"_s, u"gateway"_s, u"cache"_s, u"db-proxy"_s, u"web"_s};
    static const std::array named{u"downstream"_s, u"paymentGateway"_s, u"inventory"_s, u"userService"_s};
    static const std::array reasons{u"failure rate 62% >= 50% over the last 20 calls"_s,
                                    u"open for 30 s: trying a probe"_s, u"5 consecutive failures"_s,
                                    u"slow calls 80% >= 60% (over 2 s)"_s};
    WallRng rng(seed);
    SyntheticWall wall;
    wall.statuses.reserve(static_cast<std::size_t>(breakers));
    int service = 0;
    while (static_cast<int>(wall.statuses.size()) < breakers) {
        const QString &team = teams[static_cast<std::size_t>(rng.integer(0, teams.size() - 1))];
        const QString name = u"%1-%2-%3"_s.arg(team, roles[static_cast<std::size_t>(rng.integer(0, roles.size() - 1))])
                                 .arg(service, 3, 10, QChar(u'0'));
        const double envDraw = rng.uniform();
        QVariantMap labels;
        labels.insert(u"team"_s, team);
        labels.insert(u"env"_s, envDraw < 0.7 ? u"prod"_s : envDraw < 0.9 ? u"staging"_s : u"dev"_s);
        labels.insert(u"job"_s, name);
        wall.labelsOfService.insert(name, labels);
        const bool incident = service == 3; // every breaker of one service open: an outage
        const int instances = rng.integer(1, 6);
        const int namedCount = rng.integer(0, 4);
        for (int i = 0; i < instances; ++i) {
            for (int b = 0; b <= namedCount; ++b) {
                if (static_cast<int>(wall.statuses.size()) >= breakers)
                    break;
                bw::BreakerStatus s;
                s.id = {name, u"10.%1.%2.%3:8080"_s.arg(service / 250).arg(service % 250).arg(i + 1),
                        b == 0 ? QString() : named[static_cast<std::size_t>(b - 1)]};
                s.name = s.id.key();
                s.stateSinceMs = now - rng.integer(5, 7'200) * 1000LL;
                const double u = rng.uniform();
                if (incident || u < 0.02)
                    s.state = bw::BreakerState::Open;
                else if (u < 0.03)
                    s.state = bw::BreakerState::HalfOpen;
                else if (u < 0.033)
                    s.state = bw::BreakerState::ForcedOpen;
                else if (u < 0.037)
                    s.state = bw::BreakerState::Disabled;
                else if (u < 0.040)
                    s.state = bw::BreakerState::MetricsOnly;
                if (s.state != bw::BreakerState::Closed)
                    s.lastReason = reasons[static_cast<std::size_t>(rng.integer(0, reasons.size() - 1))];
                s.flapping = rng.uniform() < 0.015;
                s.stale = rng.uniform() < 0.01;
                if (rng.uniform() < 0.1) {
                    s.observedState = rng.uniform() < 0.05 ? bw::BreakerState::Open : s.state;
                    s.observedSinceMs = now - rng.integer(5, 3'600) * 1000LL;
                }
                wall.statuses.push_back(std::move(s));
            }
        }
        ++service;
    }
    return wall;
}

} // namespace bwtest
