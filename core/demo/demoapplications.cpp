#include "demo/demoapplications.h"

#include "common/identifiers.h"

#include <array>

using namespace Qt::StringLiterals;

namespace bw {

namespace {

struct Template
{
    const char *name;
    AppShape shape;
    int instances;
    std::vector<std::pair<const char *, const char *>> breakers; // breaker name, downstream
};

// The first applications, named as a shop would name them; later ones are generated.
const std::vector<Template> &catalogue()
{
    static const std::vector<Template> list = {
        {"checkout",
         AppShape::Resilience4j,
         3,
         {{"paymentGateway", "payments-gateway"}, {"inventoryClient", "inventory"}, {"fraudCheck", "fraud-check"}}},
        {"search", AppShape::Opossum, 2, {{"catalog", "catalog-db"}, {"suggest", "suggest"}, {"rates", "fx-rates"}}},
        {"payments",
         AppShape::StatusPage,
         2,
         {{"https://payments-gateway.internal/v1", "payments-gateway"},
          {"https://ledger.internal", "ledger-db"},
          {"https://tax.internal", "tax-service"}}},
        {"inventory", AppShape::Resilience4j, 2, {{"warehouseDb", "warehouse-db"}, {"supplierApi", "supplier-api"}}},
        {"shipping",
         AppShape::Opossum,
         3,
         {{"carrier-api", "carrier-api"},
          {"address-check", "address-check"},
          {"payments-gateway", "payments-gateway"}}},
        {"ledger",
         AppShape::StatusPage,
         2,
         {{"https://payments-gateway.internal/v1", "payments-gateway"}, {"https://audit.internal", "audit"}}},
        {"recommendations",
         AppShape::Resilience4j,
         2,
         {{"featureStore", "feature-store"},
          {"profileService", "user-profile"},
          {"pricingClient", "pricing"},
          {"paymentGateway", "payments-gateway"}}},
        {"notifications",
         AppShape::Opossum,
         2,
         {{"email", "email-relay"}, {"sms", "sms-gateway"}, {"push", "push-service"}}},
    };
    return list;
}

// How long a breaker stays open before it probes. Every open counts towards flapping (more than 3 in 10 min), a
// re-open after a failed probe too: the shared outage (60 s every 4 min) is waited out in one open, the way the
// seed's recovery_timeout of 60 s does; the flapping instance probes after 10 s and flaps; the rest wait opossum's
// default 30 s.
std::int64_t openWaitMs(BehaviourMode mode)
{
    switch (mode) {
    case BehaviourMode::Outage:
        return 60'000;
    case BehaviourMode::Flapping:
        return 10'000;
    default:
        return 30'000;
    }
}

BehaviourMode downstreamMode(const QString &downstream)
{
    if (downstream == QLatin1StringView(kSharedDownstream))
        return BehaviourMode::Outage;
    // Flaky (30 % failures) shows in error rates without opening; slow shows in latency. A trouble that comes back
    // every few minutes (brownout, slow spikes an opossum timeout turns into failures) opens more than 3 times in
    // 10 minutes, and would be a second flapping breaker.
    if (downstream == u"fx-rates" || downstream == u"sms-gateway" || downstream == u"carrier-api")
        return BehaviourMode::Flaky;
    if (downstream == u"supplier-api")
        return BehaviourMode::Slow;
    return BehaviourMode::Healthy;
}

// FNV-1a: a seed per downstream that is the same in every application and on every platform.
std::uint64_t stableHash(const QString &text)
{
    std::uint64_t h = 1469598103934665603ULL;
    for (const QChar c : text) {
        h ^= c.unicode();
        h *= 1099511628211ULL;
    }
    return h;
}

QString breakerName(AppShape shape, const QString &downstream)
{
    switch (shape) {
    case AppShape::Resilience4j:
        return camelCaseIdentifier(downstream) + u"Client"_s;
    case AppShape::Opossum:
        return downstream;
    case AppShape::StatusPage:
        return u"https://%1.internal"_s.arg(downstream);
    }
    return downstream;
}

Template generated(int index)
{
    static const std::array pool{"user-profile",  "catalog-db",   "pricing",     "geo-ip",       "email-relay",
                                 "feature-store", "search-index", "tax-service", "warehouse-db", "session-store"};
    Template t{nullptr, static_cast<AppShape>(index % 3), 2 + index % 2, {}};
    const int breakers = 2 + index % 3;
    if (index % 4 == 0)
        t.breakers.emplace_back(nullptr, kSharedDownstream);
    for (int k = 0; static_cast<int>(t.breakers.size()) < breakers; ++k) {
        const char *downstream = pool[static_cast<std::size_t>(index * 3 + k * 7) % pool.size()];
        if (std::none_of(t.breakers.begin(), t.breakers.end(),
                         [&](const auto &b) { return qstrcmp(b.second, downstream) == 0; }))
            t.breakers.emplace_back(nullptr, downstream);
    }
    return t;
}

} // namespace

std::vector<DemoApplication> demoApplications(int count, std::optional<BehaviourMode> everyone, std::uint64_t seed)
{
    std::vector<DemoApplication> apps;
    apps.reserve(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) {
        const bool named = i < static_cast<int>(catalogue().size());
        const Template t = named ? catalogue()[static_cast<std::size_t>(i)] : generated(i);
        DemoApplication app;
        app.name = named ? QString::fromLatin1(t.name) : u"svc-%1"_s.arg(i + 1, 4, 10, QChar(u'0'));
        app.shape = t.shape;
        for (int n = 0; n < t.instances; ++n) {
            DemoInstanceSpec instance;
            instance.service = app.name;
            instance.shape = t.shape;
            const bool dead = app.name == u"notifications" && n == 1;
            instance.health = ServiceBehaviour(everyone.value_or(dead ? BehaviourMode::Dead : BehaviourMode::Healthy),
                                               seed * 1000 + static_cast<std::uint64_t>(i * 10 + n));
            for (const auto &[name, downstreamName] : t.breakers) {
                const QString downstream = QString::fromLatin1(downstreamName);
                const bool flapping = app.name == u"checkout" && n == 1 && downstream == u"inventory";
                const BehaviourMode mode =
                    everyone.value_or(flapping ? BehaviourMode::Flapping : downstreamMode(downstream));
                // Breakers in front of one downstream share its seed: they see the same failures at the same time.
                const std::uint64_t downstreamSeed = seed * 7919 + stableHash(downstream) + (flapping ? n : 0);
                instance.breakers.push_back({name ? QString::fromLatin1(name) : breakerName(t.shape, downstream),
                                             downstream, ServiceBehaviour(mode, downstreamSeed), openWaitMs(mode)});
            }
            app.instances.push_back(std::move(instance));
        }
        apps.push_back(std::move(app));
    }
    return apps;
}

} // namespace bw
