#include "alerts/silence.h"

#include "alerts/alertmanagerpayload.h"
#include "fleet/breakerid.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace bw {

namespace {

QRegularExpression anchored(const QString &pattern)
{
    return QRegularExpression(u"^(?:"_s + pattern + u")$"_s);
}

std::optional<std::int64_t> parseTime(const QJsonValue &value)
{
    if (!value.isString())
        return std::nullopt;
    const QDateTime t = QDateTime::fromString(value.toString(), Qt::ISODateWithMs);
    if (!t.isValid())
        return std::nullopt;
    return t.toMSecsSinceEpoch();
}

} // namespace

bool SilenceMatcher::matches(const QMap<QString, QString> &labels) const
{
    const QString actual = labels.value(name);
    const bool hit = isRegex ? anchored(value).match(actual).hasMatch() : actual == value;
    return hit == isEqual;
}

QString SilenceMatcher::describe() const
{
    const QString op = isRegex ? (isEqual ? u"=~"_s : u"!~"_s) : (isEqual ? u"="_s : u"!="_s);
    return name + op + u'"' + value + u'"';
}

bool Silence::activeAt(std::int64_t nowMs) const
{
    const std::int64_t end = expiredAtMs ? std::min(*expiredAtMs, endsAtMs) : endsAtMs;
    return startsAtMs <= nowMs && nowMs < end;
}

bool Silence::matches(const QMap<QString, QString> &labels) const
{
    if (matchers.isEmpty())
        return false;
    return std::all_of(matchers.cbegin(), matchers.cend(), [&](const SilenceMatcher &m) { return m.matches(labels); });
}

bool Silence::silences(const Alert &alert, std::int64_t nowMs) const
{
    return activeAt(nowMs) && matches(alertLabels(alert));
}

QString Silence::describeMatchers() const
{
    QStringList parts;
    for (const SilenceMatcher &m : matchers)
        parts << m.describe();
    return parts.join(u", "_s);
}

QList<SilenceMatcher> matchersFor(const Alert &alert, SilenceScope scope)
{
    const QMap<QString, QString> labels = alertLabels(alert);
    QList<SilenceMatcher> out{{u"service"_s, labels.value(u"service"_s)}};
    if (scope == SilenceScope::Breaker || scope == SilenceScope::Instance)
        out << SilenceMatcher{u"breaker"_s, labels.value(u"breaker"_s)};
    if (scope == SilenceScope::Instance && labels.contains(u"instance"_s))
        out << SilenceMatcher{u"instance"_s, labels.value(u"instance"_s)};
    return out;
}

Result<SilenceMatcher> parseSilenceMatcher(QStringView text)
{
    static const QRegularExpression pattern(u"^\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*(=~|!~|!=|=)\\s*(.*?)\\s*$"_s);
    const QRegularExpressionMatch m = pattern.match(text.toString());
    if (!m.hasMatch())
        return Error{u"\"%1\" is not a matcher; write label=value, label!=value, label=~regex or label!~regex"_s.arg(
            text.toString())};
    QString value = m.captured(3);
    if (value.size() >= 2 && value.startsWith(u'"') && value.endsWith(u'"'))
        value = value.mid(1, value.size() - 2);
    const QString op = m.captured(2);
    SilenceMatcher out{m.captured(1), value, op.endsWith(u'~'), op.startsWith(u'=')};
    if (out.isRegex && !anchored(out.value).isValid())
        return Error{u"%1: %2"_s.arg(out.describe(), anchored(out.value).errorString())};
    return out;
}

Status checkSilence(const Silence &silence, std::int64_t nowMs)
{
    if (silence.matchers.isEmpty())
        return Error{u"a silence needs at least one matcher (e.g. service=\"checkout\")"_s};
    for (const SilenceMatcher &m : silence.matchers) {
        if (m.name.trimmed().isEmpty())
            return Error{u"every matcher needs a label name"_s};
        if (m.isRegex && !anchored(m.value).isValid())
            return Error{u"matcher %1: %2"_s.arg(m.describe(), anchored(m.value).errorString())};
    }
    if (silence.endsAtMs <= silence.startsAtMs)
        return Error{u"a silence must end after it starts"_s};
    if (silence.endsAtMs <= nowMs)
        return Error{u"a silence must end in the future"_s};
    if (silence.createdBy.trimmed().isEmpty())
        return Error{u"a silence needs to say who made it"_s};
    if (silence.comment.trimmed().isEmpty())
        return Error{u"a silence needs a comment saying why"_s};
    return success();
}

Result<QList<Silence>> parseAlertmanagerSilences(const QByteArray &body, const QString &alertmanager, int *skipped)
{
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError)
        return Error{u"the silences are not JSON (%1 at byte %2): %3"_s.arg(error.errorString())
                         .arg(error.offset)
                         .arg(QString::fromUtf8(body.left(80)).simplified())};
    if (!doc.isArray())
        return Error{u"the silences are not a JSON array: %1"_s.arg(QString::fromUtf8(body.left(80)).simplified())};
    QList<Silence> out;
    int bad = 0;
    for (const QJsonValue &entry : doc.array()) {
        const QJsonObject o = entry.toObject();
        const QString state = o[u"status"_s][u"state"_s].toString();
        if (state == u"expired")
            continue;
        Silence s;
        s.origin = SilenceOrigin::Alertmanager;
        s.alertmanager = alertmanager;
        s.id = o[u"id"_s].toString();
        const auto starts = parseTime(o[u"startsAt"_s]);
        const auto ends = parseTime(o[u"endsAt"_s]);
        bool matchersOk = o[u"matchers"_s].isArray() && !o[u"matchers"_s].toArray().isEmpty();
        for (const QJsonValue &m : o[u"matchers"_s].toArray()) {
            if (!m[u"name"_s].isString() || !m[u"value"_s].isString()) {
                matchersOk = false;
                break;
            }
            s.matchers << SilenceMatcher{m[u"name"_s].toString(), m[u"value"_s].toString(),
                                         m[u"isRegex"_s].toBool(false), m[u"isEqual"_s].toBool(true)};
        }
        if (s.id.isEmpty() || !starts || !ends || !matchersOk) {
            ++bad;
            continue;
        }
        s.startsAtMs = *starts;
        s.endsAtMs = *ends;
        s.createdBy = o[u"createdBy"_s].toString();
        s.comment = o[u"comment"_s].toString();
        out << s;
    }
    if (skipped)
        *skipped = bad;
    return out;
}

namespace {
QJsonArray matchersArray(const QList<SilenceMatcher> &list)
{
    QJsonArray matchers;
    for (const SilenceMatcher &m : list)
        matchers.append(QJsonObject{
            {u"name"_s, m.name}, {u"value"_s, m.value}, {u"isRegex"_s, m.isRegex}, {u"isEqual"_s, m.isEqual}});
    return matchers;
}
} // namespace

QByteArray matchersToJson(const QList<SilenceMatcher> &matchers)
{
    return QJsonDocument(matchersArray(matchers)).toJson(QJsonDocument::Compact);
}

QList<SilenceMatcher> matchersFromJson(const QByteArray &json)
{
    QList<SilenceMatcher> out;
    for (const QJsonValue &m : QJsonDocument::fromJson(json).array())
        if (m[u"name"_s].isString() && m[u"value"_s].isString())
            out << SilenceMatcher{m[u"name"_s].toString(), m[u"value"_s].toString(), m[u"isRegex"_s].toBool(false),
                                  m[u"isEqual"_s].toBool(true)};
    return out;
}

QByteArray toAlertmanagerSilenceJson(const Silence &silence)
{
    const QJsonObject body{{u"matchers"_s, matchersArray(silence.matchers)},
                           {u"startsAt"_s, rfc3339(silence.startsAtMs)},
                           {u"endsAt"_s, rfc3339(silence.endsAtMs)},
                           {u"createdBy"_s, silence.createdBy},
                           {u"comment"_s, silence.comment}};
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

Result<QString> parseCreatedSilenceId(const QByteArray &body)
{
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    const QString id = doc.object().value(u"silenceID"_s).toString();
    if (id.isEmpty())
        return Error{u"the answer names no silenceID: %1"_s.arg(QString::fromUtf8(body.left(120)).simplified())};
    return id;
}

} // namespace bw
