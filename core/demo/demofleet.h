#pragma once

#include "common/result.h"
#include "demo/delayedcalls.h"
#include "demo/demoapplications.h"
#include "demo/demoservice.h"
#include "httpserver/socketreactor.h"

#include <QHostAddress>
#include <QObject>

#include <memory>
#include <vector>

namespace bw {

enum class FleetLayout : std::uint8_t
{
    Applications,         // demoApplications(): named breakers, several instances, three shapes
    OneBreakerPerService, // one instance per service, one Resilience4j breaker "downstream" behaving as the service
};

struct FleetOptions
{
    QHostAddress address = QHostAddress::LocalHost;
    quint16 firstPort = 0; // instances on firstPort, firstPort+1, ...; 0 = any free ports
    int services = 8;
    QString scenario = QStringLiteral("default"); // "default" (a mix) or one behaviour for every service
    std::uint64_t seed = 1;
    FleetLayout layout = FleetLayout::Applications;
};

// A fleet of simulated service instances, one port each: Qt clients open at most 6 connections per host:port, and a
// port per instance lets a "dead" one refuse connections for real. All services share one SocketReactor, so the
// event loop watches one descriptor however many ports are open, and one DelayedCalls, so their simulated
// latencies share timer wake-ups. The clock gives ms since the fleet started.
class DemoFleet final : public QObject
{
    Q_OBJECT
public:
    explicit DemoFleet(DemoService::Clock clock, std::int64_t wallEpochMs, QObject *parent = nullptr);

    Status start(const FleetOptions &options);
    // Every instance, application by application.
    const std::vector<std::unique_ptr<DemoService>> &services() const { return m_services; }
    DemoService *service(const QString &name) const; // its first instance
    std::vector<DemoService *> instancesOf(const QString &name) const;
    int applicationCount() const { return m_applications; }
    int breakerCount() const;

    // The Breakerwatch configuration that watches this fleet (YAML).
    QByteArray configYaml(std::int64_t intervalMs = 2000) const;

    static QStringList scenarios();
    static QString serviceName(int index);

private:
    DemoService::Clock m_clock;
    std::int64_t m_wallEpochMs;
    SocketReactor m_reactor; // these two are declared before the services, which use them until they are gone
    DelayedCalls m_delays;
    std::vector<std::unique_ptr<DemoService>> m_services;
    int m_applications = 0;
    FleetLayout m_layout = FleetLayout::Applications;
};

} // namespace bw
