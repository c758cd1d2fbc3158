#pragma once

#include "common/result.h"
#include "control/auditlog.h"
#include "fleet/breakerid.h"
#include "remote/remotebreakerclient.h"

#include <QObject>

#include <functional>

namespace bw {

class HttpProber;
class FleetMonitor;

enum class OperatorAction : std::uint8_t
{
    Reset,
    ForceOpen,
    Disable,
    MetricsOnly // simulated breaker only
};

QString operatorActionName(OperatorAction action); // "reset", "force open", "disable", "metrics only"
// What the action does, in one sentence for a confirmation dialog.
QString operatorActionConsequence(OperatorAction action, bool remote);

// Operator actions on breakers, each written to the audit log with who, when, what and how it ended.
// The simulated breaker changes at once; a real breaker is changed through its configured remote binding with
// exactly one request (never retried): its entry is "pending" until the service answers, then "done",
// "refused" or "unknown" (no answer in time: it may or may not have been applied).
class BreakerControl final : public QObject
{
    Q_OBJECT
public:
    using Clock = std::function<std::int64_t()>;
    BreakerControl(FleetMonitor *monitor, HttpProber *prober, AuditLog *audit, Clock clock, QObject *parent = nullptr);

    Status actOnSimulated(const BreakerId &id, OperatorAction action);
    // Puts a what-if candidate in charge of the simulated breaker (FleetMonitor::applyPolicy), audited as
    // "apply policy" with the preset and every parameter in the detail.
    Status applyPolicy(const BreakerId &id, const QString &preset, const QList<QPair<QString, QString>> &parameters,
                       const BreakerPolicy &policy);
    // Whether the real breaker can be changed (FleetMonitor::remoteBinding).
    bool hasRemote(const BreakerId &id) const;
    // Starts the request; the outcome arrives through remoteFinished(). An error if there is nothing to call.
    Status actOnRemote(const BreakerId &id, OperatorAction action);
    // The same action on the breaker of every instance of its service: one request and one audit entry per
    // instance. Returns the instances started; the others' reasons go to `problems`.
    QList<BreakerId> actOnRemoteEverywhere(const BreakerId &id, OperatorAction action, QStringList *problems = nullptr);

Q_SIGNALS:
    void remoteFinished(const bw::BreakerId &id, const bw::RemoteActionResult &result);

private:
    AuditEntry entry(const BreakerId &id, const QString &target, OperatorAction action) const;

    FleetMonitor *m_monitor;
    HttpProber *m_prober;
    AuditLog *m_audit;
    Clock m_clock;
};

} // namespace bw
