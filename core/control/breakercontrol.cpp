#include "control/breakercontrol.h"

#include "monitor/servicemonitor.h"

using namespace Qt::StringLiterals;

namespace bw {

QString operatorActionName(OperatorAction action)
{
    switch (action) {
    case OperatorAction::Reset:
        return u"reset"_s;
    case OperatorAction::ForceOpen:
        return u"force open"_s;
    case OperatorAction::Disable:
        return u"disable"_s;
    case OperatorAction::MetricsOnly:
        return u"metrics only"_s;
    }
    return {};
}

QString operatorActionConsequence(OperatorAction action, bool remote)
{
    const QString who = remote ? u"The service's own breaker"_s : u"Breakerwatch's simulated breaker"_s;
    switch (action) {
    case OperatorAction::Reset:
        return who + (remote ? u" closes and lets every call through again, even if the downstream is still failing."_s
                             : u" closes and forgets its statistics window."_s);
    case OperatorAction::ForceOpen:
        return who + (remote ? u" opens and rejects every call until it is reset."_s
                             : u" opens and stays open until it is reset."_s);
    case OperatorAction::Disable:
        return who + (remote
                          ? u" stops protecting: every call goes through and nothing can open it until it is reset."_s
                          : u" lets every call through and never opens until it is reset."_s);
    case OperatorAction::MetricsOnly:
        return who + u" keeps counting calls but never opens until it is reset."_s;
    }
    return {};
}

BreakerControl::BreakerControl(ServiceMonitor *monitor, HttpProber *prober, AuditLog *audit, Clock clock,
                               QObject *parent)
    : QObject(parent), m_monitor(monitor), m_prober(prober), m_audit(audit), m_clock(std::move(clock))
{}

AuditEntry BreakerControl::entry(int index, const QString &target, OperatorAction action) const
{
    AuditEntry e;
    e.atMs = m_clock();
    e.who = operatorName();
    e.service = m_monitor->status(index).name;
    e.target = target;
    e.action = operatorActionName(action);
    return e;
}

Status BreakerControl::applyPolicy(int index, const QString &preset, const QList<QPair<QString, QString>> &parameters,
                                   const BreakerPolicy &policy)
{
    if (index < 0 || index >= m_monitor->serviceCount())
        return Error{u"no service #%1"_s.arg(index)};
    const Status result = m_monitor->applyPolicy(index, preset, parameters, policy);
    AuditEntry e;
    e.atMs = m_clock();
    e.who = operatorName();
    e.service = m_monitor->status(index).name;
    e.target = u"simulated breaker"_s;
    e.action = u"apply policy"_s;
    e.outcome = result ? u"done"_s : u"refused"_s;
    QStringList values;
    for (const auto &[name, value] : parameters)
        values << name + u'=' + value;
    e.detail = result ? u"%1 %2"_s.arg(preset, values.join(u", ")) : result.error();
    m_audit->append(e);
    return result;
}

Status BreakerControl::actOnSimulated(int index, OperatorAction action)
{
    if (index < 0 || index >= m_monitor->serviceCount())
        return Error{u"no service #%1"_s.arg(index)};
    Status result = success();
    switch (action) {
    case OperatorAction::Reset:
        result = m_monitor->reset(index);
        break;
    case OperatorAction::ForceOpen:
        result = m_monitor->forceOpen(index);
        break;
    case OperatorAction::Disable:
        result = m_monitor->disable(index);
        break;
    case OperatorAction::MetricsOnly:
        result = m_monitor->metricsOnly(index);
        break;
    }
    AuditEntry e = entry(index, u"simulated breaker"_s, action);
    e.outcome = result ? u"done"_s : u"refused"_s;
    e.detail = result ? u"now %1"_s.arg(stateName(m_monitor->status(index).state)) : result.error();
    m_audit->append(e);
    return result;
}

bool BreakerControl::hasRemote(int index) const
{
    const ServiceConfig *config = m_monitor->serviceConfig(index);
    return config && config->remote.has_value();
}

Status BreakerControl::actOnRemote(int index, OperatorAction action)
{
    if (!hasRemote(index))
        return Error{u"%1 has no remote_breaker in the configuration"_s.arg(m_monitor->status(index).name)};
    RemoteAction remote = RemoteAction::Reset;
    switch (action) {
    case OperatorAction::Reset:
        remote = RemoteAction::Reset;
        break;
    case OperatorAction::ForceOpen:
        remote = RemoteAction::ForceOpen;
        break;
    case OperatorAction::Disable:
        remote = RemoteAction::Disable;
        break;
    case OperatorAction::MetricsOnly:
        return Error{u"metrics only is not offered for real breakers"_s};
    }
    AuditEntry e = entry(index, u"real breaker"_s, action);
    e.outcome = u"pending"_s;
    const int auditIndex = m_audit->append(e);
    auto *client = new RemoteBreakerClient(m_prober, *m_monitor->serviceConfig(index)->remote,
                                           m_monitor->config().global.timeoutMs, this);
    const QString service = e.service;
    client->perform(remote, [this, client, auditIndex, index, service](const RemoteActionResult &result) {
        static const QString outcomes[] = {u"done"_s, u"refused"_s, u"unknown"_s};
        m_audit->complete(auditIndex, outcomes[static_cast<int>(result.outcome)], result.message);
        Q_EMIT remoteFinished(index, service, result);
        client->deleteLater();
    });
    return success();
}

} // namespace bw
