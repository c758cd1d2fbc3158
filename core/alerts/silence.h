#pragma once

#include "alerts/alerttracker.h"
#include "common/result.h"

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QString>

#include <cstdint>
#include <optional>

namespace bw {

// One matcher of a silence, as Alertmanager has them: `name` equals `value` (isEqual, !isRegex), differs from it
// (!isEqual), or matches / does not match the anchored regular expression `value` (isRegex). A label the alert does
// not have counts as the empty value, as in Alertmanager. Pure.
struct SilenceMatcher
{
    QString name;
    QString value;
    bool isRegex = false;
    bool isEqual = true;

    bool matches(const QMap<QString, QString> &labels) const;
    // service="checkout", service=~"pay.*", service!="search"
    QString describe() const;
    bool operator==(const SilenceMatcher &) const = default;
};

enum class SilenceOrigin : std::uint8_t
{
    Local,       // made in Breakerwatch and kept in its history store; mutes the desktop only
    Alertmanager // held by an Alertmanager (pulled from GET /api/v2/silences, or made there from Breakerwatch)
};

// A silence: while active, the alerts whose labels (alertLabels(), the labels pushed to Alertmanager) match all its
// matchers are silenced: still tracked, listed and pushed, but not notified on the desktop. Pure value; time is an
// argument everywhere.
struct Silence
{
    QString id; // local: "local-<ms>-<n>"; Alertmanager: its silence id
    SilenceOrigin origin = SilenceOrigin::Local;
    QString alertmanager; // Alertmanager silences: the API base it came from (http://host:9093)
    QList<SilenceMatcher> matchers;
    std::int64_t startsAtMs = 0;
    std::int64_t endsAtMs = 0;
    QString createdBy;
    QString comment;
    std::optional<std::int64_t> expiredAtMs; // ended early by hand

    // startsAt <= now < endsAt and not expired by hand.
    bool activeAt(std::int64_t nowMs) const;
    // Every matcher matches (a silence without matchers matches nothing; Alertmanager refuses those).
    bool matches(const QMap<QString, QString> &labels) const;
    bool silences(const Alert &alert, std::int64_t nowMs) const;
    // The matchers, comma separated.
    QString describeMatchers() const;
    bool operator==(const Silence &) const = default;
};

// What a silence made from one alert covers.
enum class SilenceScope : std::uint8_t
{
    Service,  // service="checkout": every breaker of every instance
    Breaker,  // service and breaker: that breaker on every instance
    Instance, // service, breaker and instance: that one breaker
};
QList<SilenceMatcher> matchersFor(const Alert &alert, SilenceScope scope);

// One matcher as people write it: name="value", name=value, name!=value, name=~regex, name!~regex (quotes optional).
Result<SilenceMatcher> parseSilenceMatcher(QStringView text);

// Why a silence cannot be made, or success: at least one matcher, each with a name (and a valid regex), an end
// after its start and after now, who made it, and a comment (Alertmanager requires both).
Status checkSilence(const Silence &silence, std::int64_t nowMs);

// Matchers as a JSON array in Alertmanager's shape ({name, value, isRegex, isEqual}), and back (what is not a
// matcher is left out). For the history store.
QByteArray matchersToJson(const QList<SilenceMatcher> &matchers);
QList<SilenceMatcher> matchersFromJson(const QByteArray &json);

// Alertmanager's v2 API. Pure.
// GET /api/v2/silences: the active and pending silences in the answer (expired ones are left out), each with
// `alertmanager` set. A body that is not a JSON array is an error naming what came; an entry without id, matchers
// or times is skipped and counted in `*skipped`.
Result<QList<Silence>> parseAlertmanagerSilences(const QByteArray &body, const QString &alertmanager,
                                                 int *skipped = nullptr);
// POST /api/v2/silences: the body for a new silence (no id).
QByteArray toAlertmanagerSilenceJson(const Silence &silence);
// Its answer: {"silenceID": "..."}.
Result<QString> parseCreatedSilenceId(const QByteArray &body);

} // namespace bw
