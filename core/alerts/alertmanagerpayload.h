#pragma once

#include "alerts/alerttracker.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>

#include <cstdint>

namespace bw {

// Breakerwatch's alerts in Alertmanager's v2 API shape (POST /api/v2/alerts), as Prometheus sends them. Pure.
//
// Labels: alertname (BreakerOpen, BreakerOpenLong, BreakerFlapping: the names the shipped Prometheus rules use),
// severity (as those rules set it), service, instance, breaker (its name; "health" for an instance's health breaker)
// and origin (simulated | real). Annotations: summary and why. startsAt is when the alert fired; endsAt is when it
// resolved, or, while it fires, `validUntilMs` (Prometheus sends now + 4 resend intervals, so an Alertmanager that
// stops hearing from us resolves the alert by itself). Times are RFC 3339 in UTC with milliseconds.

// "BreakerOpen", "BreakerOpenLong", "BreakerFlapping".
QString alertmanagerAlertName(AlertKind kind);
// The labels of one alert, as pushed (and as silences match them).
QMap<QString, QString> alertLabels(const Alert &alert);
// "2026-12-07T01:22:44.123Z".
QString rfc3339(std::int64_t msSinceEpoch);
// One alert; `generatorUrl` is left out when empty.
QJsonObject toAlertmanagerAlert(const Alert &alert, std::int64_t validUntilMs, const QString &generatorUrl = {});
// The body of one POST: a JSON array of alerts, in the order given.
QByteArray toAlertmanagerJson(const QList<Alert> &alerts, std::int64_t validUntilMs, const QString &generatorUrl = {});

} // namespace bw
