#include "monitor/servicemonitor.h"

#include "health/healthreader.h"

using namespace Qt::StringLiterals;

namespace bw {

struct ServiceMonitor::Watched
{
    explicit Watched(const ServiceConfig &config) : config(config), breaker(config.policy) {}
    ServiceConfig config;
    CircuitBreaker breaker;
    OpensInWindowDetector flapping;
    ServiceStatus status;
};

ServiceMonitor::ServiceMonitor(HttpProber *prober, ProbeScheduler::Clock clock, QObject *parent)
    : QObject(parent), m_clock(clock), m_scheduler(std::make_unique<ProbeScheduler>(prober, clock, 64))
{
    connect(m_scheduler.get(), &ProbeScheduler::probed, this, &ServiceMonitor::onProbed);
}

ServiceMonitor::~ServiceMonitor() = default;

void ServiceMonitor::setConfig(const Config &config)
{
    m_services.clear();
    std::vector<ScheduledTarget> targets;
    for (const ServiceConfig &service : config.services) {
        auto watched = std::make_unique<Watched>(service);
        watched->status.name = service.name;
        if (service.health) {
            watched->status.url = service.health->url.toString(QUrl::RemoveUserInfo);
            ScheduledTarget target;
            target.id = QString::number(m_services.size());
            target.request = ProbeRequest::fromSource(*service.health, config.global);
            target.intervalMs = service.health->intervalMs > 0 ? service.health->intervalMs : config.global.intervalMs;
            targets.push_back(target);
        }
        m_services.push_back(std::move(watched));
    }
    m_scheduler->setTargets(targets);
}

void ServiceMonitor::start()
{
    m_scheduler->start();
}

void ServiceMonitor::stop()
{
    m_scheduler->stop();
}

ServiceStatus ServiceMonitor::status(int index) const
{
    if (index < 0 || index >= serviceCount())
        return {};
    return m_services[static_cast<std::size_t>(index)]->status;
}

Status ServiceMonitor::reset(int index)
{
    if (index < 0 || index >= serviceCount())
        return Error{u"no service #%1"_s.arg(index)};
    Watched &watched = *m_services[static_cast<std::size_t>(index)];
    const Status result = watched.breaker.reset(m_clock());
    publish(index);
    return result;
}

void ServiceMonitor::onProbed(const QString &targetId, const ProbeResult &result)
{
    const int index = targetId.toInt();
    if (index < 0 || index >= serviceCount())
        return;
    Watched &watched = *m_services[static_cast<std::size_t>(index)];
    ProbeOutcomeKind kind = result.kind;
    QString message = result.message;
    if (result.ok() && watched.config.health) {
        // The body has the last word: a 200 saying DOWN is a failed call.
        const auto verdict =
            readHealth(watched.config.health->format, result.httpStatus, result.contentType, result.body);
        if (!verdict) {
            kind = ProbeOutcomeKind::ParseError;
            message = verdict.error();
        } else if (healthOutcome(*verdict) != ProbeOutcomeKind::Success) {
            kind = healthOutcome(*verdict);
            message = healthReason(*verdict);
        }
    }
    const bool ok = kind == ProbeOutcomeKind::Success || kind == ProbeOutcomeKind::Slow;
    watched.breaker.onCall(result.startedAtMs, ok, static_cast<float>(result.latencyMs));
    ServiceStatus &status = watched.status;
    status.lastOutcome = kind;
    status.lastMessage = message;
    status.lastCheckMs = result.startedAtMs;
    status.lastLatencyMs = result.latencyMs;
    ++status.polls;
    status.failures += !ok;
    publish(index);
}

void ServiceMonitor::publish(int index)
{
    Watched &watched = *m_services[static_cast<std::size_t>(index)];
    for (const Transition &tr : watched.breaker.transitions()) {
        if (tr.to == BreakerState::Open)
            watched.flapping.recordOpen(tr.t);
        watched.status.lastReason = tr.reason.describe();
        Q_EMIT transition(index, tr);
    }
    watched.breaker.clearTransitions();
    const BreakerSnapshot snapshot = watched.breaker.snapshot();
    ServiceStatus &status = watched.status;
    status.state = snapshot.state;
    status.stateSinceMs = snapshot.stateSince;
    status.windowFailurePercent = snapshot.windowCalls > 0 ? 100.0 * static_cast<double>(snapshot.windowFailures) /
                                                                 static_cast<double>(snapshot.windowCalls)
                                                           : -1;
    status.opensLast10Min = watched.flapping.opensInWindow(m_clock());
    Q_EMIT serviceUpdated(index, status);
}

} // namespace bw
