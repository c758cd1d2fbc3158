#pragma once

#include "common/result.h"
#include "control/auditlog.h"
#include "remote/remotebreakerclient.h"

#include <QObject>

#include <functional>

namespace bw {

class HttpProber;
class ServiceMonitor;

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
    BreakerControl(ServiceMonitor *monitor, HttpProber *prober, AuditLog *audit, Clock clock,
                   QObject *parent = nullptr);

    Status actOnSimulated(int index, OperatorAction action);
    // Puts a what-if candidate in charge of the simulated breaker (ServiceMonitor::applyPolicy), audited as
    // "apply policy" with the preset and every parameter in the detail.
    Status applyPolicy(int index, const QString &preset, const QList<QPair<QString, QString>> &parameters,
                       const BreakerPolicy &policy);
    bool hasRemote(int index) const;
    // Starts the request; the outcome arrives through remoteFinished(). An error if there is nothing to call.
    Status actOnRemote(int index, OperatorAction action);

Q_SIGNALS:
    void remoteFinished(int index, const QString &service, const bw::RemoteActionResult &result);

private:
    AuditEntry entry(int index, const QString &target, OperatorAction action) const;

    ServiceMonitor *m_monitor;
    HttpProber *m_prober;
    AuditLog *m_audit;
    Clock m_clock;
};

} // namespace bw
