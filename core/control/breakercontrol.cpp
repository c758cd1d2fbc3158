#include "control/breakercontrol.h"

#include "monitor/fleetmonitor.h"

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

BreakerControl::BreakerControl(FleetMonitor *monitor, HttpProber *prober, AuditLog *audit, Clock clock, QObject *parent)
    : QObject(parent), m_monitor(monitor), m_prober(prober), m_audit(audit), m_clock(std::move(clock))
{}

AuditEntry BreakerControl::entry(const BreakerId &id, const QString &target, OperatorAction action) const
{
    AuditEntry e;
    e.atMs = m_clock();
    e.who = operatorName();
    e.service = id.key();
    e.target = target;
    e.action = operatorActionName(action);
    return e;
}

Status BreakerControl::applyPolicy(const BreakerId &id, const QString &preset,
                                   const QList<QPair<QString, QString>> &parameters, const BreakerPolicy &policy)
{
    if (!m_monitor->contains(id))
        return Error{u"no breaker %1"_s.arg(id.key())};
    const Status result = m_monitor->applyPolicy(id, preset, parameters, policy);
    AuditEntry e;
    e.atMs = m_clock();
    e.who = operatorName();
    e.service = id.key();
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

Status BreakerControl::actOnSimulated(const BreakerId &id, OperatorAction action)
{
    if (!m_monitor->contains(id))
        return Error{u"no breaker %1"_s.arg(id.key())};
    Status result = success();
    switch (action) {
    case OperatorAction::Reset:
        result = m_monitor->reset(id);
        break;
    case OperatorAction::ForceOpen:
        result = m_monitor->forceOpen(id);
        break;
    case OperatorAction::Disable:
        result = m_monitor->disable(id);
        break;
    case OperatorAction::MetricsOnly:
        result = m_monitor->metricsOnly(id);
        break;
    }
    AuditEntry e = entry(id, u"simulated breaker"_s, action);
    e.outcome = result ? u"done"_s : u"refused"_s;
    e.detail = result ? u"now %1"_s.arg(stateName(m_monitor->status(id).state)) : result.error();
    m_audit->append(e);
    return result;
}

bool BreakerControl::hasRemote(const BreakerId &id) const
{
    return m_monitor->remoteBinding(id).has_value();
}

Status BreakerControl::actOnRemote(const BreakerId &id, OperatorAction action)
{
    const std::optional<RemoteBreakerBinding> binding = m_monitor->remoteBinding(id);
    if (!binding)
        return Error{u"%1 has no remote_breaker or actuator in the configuration"_s.arg(id.key())};
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
    AuditEntry e = entry(id, u"real breaker"_s, action);
    e.outcome = u"pending"_s;
    const int auditIndex = m_audit->append(e);
    auto *client = new RemoteBreakerClient(m_prober, *binding, m_monitor->config().global.timeoutMs, this);
    client->perform(remote, [this, client, auditIndex, id](const RemoteActionResult &result) {
        static const QString outcomes[] = {u"done"_s, u"refused"_s, u"unknown"_s};
        m_audit->complete(auditIndex, outcomes[static_cast<int>(result.outcome)], result.message);
        Q_EMIT remoteFinished(id, result);
        client->deleteLater();
    });
    return success();
}

QList<BreakerId> BreakerControl::actOnRemoteEverywhere(const BreakerId &id, OperatorAction action,
                                                       QStringList *problems)
{
    QList<BreakerId> started;
    for (const BreakerId &instance : m_monitor->instancesOf(id)) {
        if (const Status s = actOnRemote(instance, action); s)
            started << instance;
        else if (problems)
            *problems << u"%1: %2"_s.arg(instance.instance, s.error());
    }
    return started;
}

} // namespace bw
