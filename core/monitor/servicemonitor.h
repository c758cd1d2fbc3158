#pragma once

#include "breaker/circuitbreaker.h"
#include "config/config.h"
#include "flapping/opensinwindowdetector.h"
#include "monitor/servicestatus.h"
#include "probe/probescheduler.h"

#include <QObject>

#include <memory>
#include <vector>

namespace bw {

// Watches the services of a configuration: polls their health endpoints through the scheduler and feeds each
// poll, as one call outcome at the poll's start time, into that service's simulated breaker. Emits a
// ServiceStatus after every poll and every transition. Owns its scheduler; the prober is not owned.
// Lives in the prober's thread.
class ServiceMonitor final : public QObject
{
    Q_OBJECT
public:
    ServiceMonitor(HttpProber *prober, ProbeScheduler::Clock clock, QObject *parent = nullptr);
    ~ServiceMonitor() override;

    void setConfig(const Config &config);
    void start();
    void stop();

    int serviceCount() const { return static_cast<int>(m_services.size()); }
    ServiceStatus status(int index) const;
    // Operator actions on the simulated breaker of service `index`; false with a message if refused.
    Status reset(int index);

Q_SIGNALS:
    void serviceUpdated(int index, const bw::ServiceStatus &status);
    void transition(int index, const bw::Transition &transition);

private:
    struct Watched;
    void onProbed(const QString &targetId, const ProbeResult &result);
    void publish(int index);

    ProbeScheduler::Clock m_clock;
    std::unique_ptr<ProbeScheduler> m_scheduler;
    std::vector<std::unique_ptr<Watched>> m_services;
};

} // namespace bw
