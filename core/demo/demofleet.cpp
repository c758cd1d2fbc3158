#include "demo/demofleet.h"

#include "common/durations.h"

#include <array>

using namespace Qt::StringLiterals;

namespace bw {

DemoFleet::DemoFleet(DemoService::Clock clock, std::int64_t wallEpochMs, QObject *parent)
    : QObject(parent), m_clock(std::move(clock)), m_wallEpochMs(wallEpochMs)
{
    // Taking requests in batches of up to 5 ms saves about 2 % of a core at 1,000 requests a second (one wake-up
    // per batch, not per request). 10 ms saved a little more but slowed answers enough to hold a poller capped at
    // 64 requests in flight (FleetMonitor) below its rate at 3 requests per service per second.
    m_reactor.setCoalescing(std::chrono::milliseconds(5));
}

QStringList DemoFleet::scenarios()
{
    return QStringList{u"default"_s} + modeNames();
}

QString DemoFleet::serviceName(int index)
{
    static const std::array names{u"checkout"_s,        u"search"_s,   u"payments"_s, u"inventory"_s,
                                  u"recommendations"_s, u"shipping"_s, u"ledger"_s,   u"notifications"_s};
    if (index < static_cast<int>(names.size()))
        return names[static_cast<std::size_t>(index)];
    return u"svc-%1"_s.arg(index + 1, 4, 10, QChar(u'0'));
}

Status DemoFleet::start(const FleetOptions &options)
{
    if (options.services < 1 || options.services > 5000)
        return Error{u"--services must be between 1 and 5000, got %1"_s.arg(options.services)};
    std::optional<BehaviourMode> everyone;
    if (options.scenario != u"default") {
        everyone = modeFromName(options.scenario);
        if (!everyone)
            return Error{u"unknown scenario \"%1\"; scenarios: %2"_s.arg(options.scenario, scenarios().join(u", "))};
    }
    std::vector<DemoInstanceSpec> specs;
    if (options.layout == FleetLayout::OneBreakerPerService) {
        for (int i = 0; i < options.services; ++i) {
            const ServiceBehaviour behaviour(everyone.value_or(defaultScenarioMode(i)), options.seed * 1000 + i);
            specs.push_back({serviceName(i),
                             AppShape::Resilience4j,
                             behaviour,
                             {{QString::fromLatin1(DemoService::kBreakerName), serviceName(i), behaviour}}});
        }
    } else {
        for (DemoApplication &app : demoApplications(options.services, everyone, options.seed))
            std::move(app.instances.begin(), app.instances.end(), std::back_inserter(specs));
    }
    const int ports = static_cast<int>(specs.size());
    if (options.firstPort != 0 && options.firstPort + ports - 1 > 65535)
        return Error{
            u"ports %1..%2 do not fit below 65536"_s.arg(options.firstPort).arg(options.firstPort + ports - 1)};
    m_services.clear();
    m_layout = options.layout;
    m_applications = options.services;
    for (int i = 0; i < ports; ++i) {
        auto service = std::make_unique<DemoService>(std::move(specs[static_cast<std::size_t>(i)]), m_clock,
                                                     m_wallEpochMs, &m_reactor, &m_delays);
        const quint16 port = options.firstPort == 0 ? 0 : static_cast<quint16>(options.firstPort + i);
        if (auto listening = service->listen(options.address, port); !listening)
            return Error{u"service %1: %2"_s.arg(service->name(), listening.error())};
        m_services.push_back(std::move(service));
    }
    return success();
}

DemoService *DemoFleet::service(const QString &name) const
{
    for (const auto &service : m_services) {
        if (service->name() == name)
            return service.get();
    }
    return nullptr;
}

std::vector<DemoService *> DemoFleet::instancesOf(const QString &name) const
{
    std::vector<DemoService *> out;
    for (const auto &service : m_services) {
        if (service->name() == name)
            out.push_back(service.get());
    }
    return out;
}

int DemoFleet::breakerCount() const
{
    int n = 0;
    for (const auto &service : m_services)
        n += static_cast<int>(service->breakers().size());
    return n;
}

QByteArray DemoFleet::configYaml(std::int64_t intervalMs) const
{
    const QString interval = formatDurationMs(intervalMs).remove(u' ');
    QString out = u"# Breakerwatch configuration for the demo fleet (breakerwatch-demo --write-config).\n"
                  u"# Each instance runs on its own loopback port; see README.md, \"The demo fleet\".\n"
                  u"global:\n  interval: %1\n  timeout: %1\n  slow_threshold: 2s\n\nservices:\n"_s.arg(interval);
    const QString breaker = u"    breaker:\n"
                            u"      preset: resilience4j\n"
                            u"      parameters: {slidingWindowSize: 10, minimumNumberOfCalls: 5, "
                            u"waitDurationInOpenState: 15s, permittedNumberOfCallsInHalfOpenState: 2}\n"_s;
    const QString metrics = u"    metrics:\n"
                            u"      url: %1/metrics\n"
                            u"      requests: http_requests_total\n"
                            u"      failure_codes: \"5..\"\n"
                            u"      duration_histogram: http_request_duration_seconds\n"_s;
    for (const auto &service : m_services) {
        const QString base = service->baseUrl().toString();
        const QString name = service->name();
        const QString behaviour = modeName(service->modeAt(0));
        if (m_layout == FleetLayout::OneBreakerPerService) {
            out += u"  - name: %1\n"
                   u"    labels: {fleet: demo, behaviour: %2}\n"
                   u"    health:\n"
                   u"      url: %3/actuator/health\n"
                   u"      format: spring\n"_s.arg(name, behaviour, base) +
                   metrics.arg(base) +
                   u"      observed_breaker: {kind: resilience4j, name: %1}\n"_s.arg(
                       QLatin1StringView(DemoService::kBreakerName)) +
                   breaker +
                   u"    remote_breaker:\n"
                   u"      kind: resilience4j\n"
                   u"      url: %1/actuator/circuitbreakers/%2\n"
                   u"      events_url: %1/actuator/circuitbreakerevents/%2/state_transition\n"_s.arg(
                       base, QLatin1StringView(DemoService::kBreakerName));
            continue;
        }
        out += u"  - name: %1\n    labels: {fleet: demo, shape: %2, behaviour: %3}\n"_s.arg(
            name, shapeName(service->shape()), behaviour);
        switch (service->shape()) {
        case AppShape::Resilience4j:
            out +=
                u"    health: {url: %1/actuator/health, format: spring}\n"_s.arg(base) + metrics.arg(base) +
                u"    actuator: {url: %1/actuator/circuitbreakers}\n"
                u"    remote_breaker:\n"
                u"      kind: resilience4j\n"
                u"      url: %1/actuator/circuitbreakers/%2\n"
                u"      events_url: %1/actuator/circuitbreakerevents\n"_s.arg(base, service->breakers().front().name());
            break;
        case AppShape::Opossum:
            out += u"    health: {url: %1/health, format: health+json}\n"_s.arg(base) + metrics.arg(base) +
                   u"    hystrix_stream: {url: %1/hystrix.stream}\n"_s.arg(base);
            break;
        case AppShape::StatusPage:
            out += u"    health: {url: %1/health/circuit-breakers, format: circuit-breakers}\n"_s.arg(base) +
                   metrics.arg(base);
            break;
        }
        // Breakerwatch's simulation set up as each library's breakers are (a user would do the same): a quick
        // Resilience4j window on flaky opossum traffic would open on noise and call it flapping.
        out += service->shape() == AppShape::Opossum
                   ? u"    breaker:\n"
                     u"      preset: opossum\n"
                     u"      parameters: {errorThresholdPercentage: 50, volumeThreshold: 5, resetTimeout: 30s}\n"_s
                   : u"    breaker:\n"
                     u"      preset: resilience4j\n"
                     u"      parameters: {slidingWindowSize: 20, minimumNumberOfCalls: 10, "
                     u"waitDurationInOpenState: 30s, permittedNumberOfCallsInHalfOpenState: 3}\n"_s;
    }
    return out.toUtf8();
}

} // namespace bw
