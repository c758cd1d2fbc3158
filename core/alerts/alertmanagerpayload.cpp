#include "alerts/alertmanagerpayload.h"

#include "fleet/breakerid.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace bw {

QString alertmanagerAlertName(AlertKind kind)
{
    switch (kind) {
    case AlertKind::OpenLong:
        return u"BreakerOpen"_s;
    case AlertKind::OpenVeryLong:
        return u"BreakerOpenLong"_s;
    case AlertKind::Flapping:
        return u"BreakerFlapping"_s;
    }
    return u"BreakerAlert"_s;
}

QString rfc3339(std::int64_t msSinceEpoch)
{
    return QDateTime::fromMSecsSinceEpoch(msSinceEpoch, Qt::UTC).toString(Qt::ISODateWithMs);
}

QMap<QString, QString> alertLabels(const Alert &alert)
{
    const BreakerId id = BreakerId::parse(alert.service);
    QMap<QString, QString> labels{
        {u"alertname"_s, alertmanagerAlertName(alert.kind)},
        {u"severity"_s, alert.kind == AlertKind::OpenVeryLong ? u"critical"_s : u"warning"_s},
        {u"service"_s, id.service},
        {u"breaker"_s, id.breakerLabel()},
        {u"origin"_s, alert.source == AlertSource::Real ? u"real"_s : u"simulated"_s},
    };
    if (!id.instance.isEmpty()) // an empty label is no label, to Alertmanager as to Prometheus
        labels.insert(u"instance"_s, id.instance);
    return labels;
}

QJsonObject toAlertmanagerAlert(const Alert &alert, std::int64_t validUntilMs, const QString &generatorUrl)
{
    QJsonObject labels;
    const QMap<QString, QString> pushed = alertLabels(alert);
    for (auto it = pushed.cbegin(); it != pushed.cend(); ++it)
        labels.insert(it.key(), it.value());
    QJsonObject annotations{{u"summary"_s, alert.summary}};
    if (!alert.why.isEmpty())
        annotations.insert(u"why"_s, alert.why);
    QJsonObject out{
        {u"labels"_s, labels},
        {u"annotations"_s, annotations},
        {u"startsAt"_s, rfc3339(alert.firedAtMs)},
        {u"endsAt"_s, rfc3339(alert.resolvedAtMs.value_or(validUntilMs))},
    };
    if (!generatorUrl.isEmpty())
        out.insert(u"generatorURL"_s, generatorUrl);
    return out;
}

QByteArray toAlertmanagerJson(const QList<Alert> &alerts, std::int64_t validUntilMs, const QString &generatorUrl)
{
    QJsonArray array;
    for (const Alert &alert : alerts)
        array.append(toAlertmanagerAlert(alert, validUntilMs, generatorUrl));
    return QJsonDocument(array).toJson(QJsonDocument::Compact);
}

} // namespace bw
