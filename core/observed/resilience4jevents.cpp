#include "observed/resilience4jevents.h"

#include "observed/jsonfields.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace bw {

namespace {

// Reads exactly `digits` decimal digits at `pos`, advancing it.
std::optional<int> digitsAt(QStringView text, qsizetype &pos, int digits)
{
    if (pos + digits > text.size())
        return std::nullopt;
    int value = 0;
    for (int i = 0; i < digits; ++i) {
        const char16_t c = text[pos + i].unicode();
        if (c < u'0' || c > u'9')
            return std::nullopt;
        value = value * 10 + (c - u'0');
    }
    pos += digits;
    return value;
}

bool consume(QStringView text, qsizetype &pos, char16_t c)
{
    if (pos < text.size() && text[pos] == c) {
        ++pos;
        return true;
    }
    return false;
}

bool isLeapYear(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int daysInMonth(int year, int month)
{
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && isLeapYear(year) ? 29 : kDays[month - 1];
}

// Days since 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's days_from_civil).
std::int64_t daysFromCivil(std::int64_t year, unsigned month, unsigned day)
{
    year -= month <= 2;
    const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
    const auto yearOfEra = static_cast<unsigned>(year - era * 400);
    const unsigned dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    const unsigned dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
    return era * 146097 + static_cast<std::int64_t>(dayOfEra) - 719468;
}

} // namespace

Result<std::int64_t> Resilience4jEvents::parseCreationTime(QStringView text)
{
    const auto bad = [text](const QString &what) {
        return Error{u"creationTime \"%1\": %2"_s.arg(text.left(64).toString(), what)};
    };
    qsizetype pos = 0;
    const auto year = digitsAt(text, pos, 4);
    if (!year || !consume(text, pos, u'-'))
        return bad(u"expected yyyy-MM-dd"_s);
    const auto month = digitsAt(text, pos, 2);
    if (!month || !consume(text, pos, u'-'))
        return bad(u"expected yyyy-MM-dd"_s);
    const auto day = digitsAt(text, pos, 2);
    if (!day || !consume(text, pos, u'T'))
        return bad(u"expected yyyy-MM-ddTHH:mm"_s);
    const auto hour = digitsAt(text, pos, 2);
    if (!hour || !consume(text, pos, u':'))
        return bad(u"expected HH:mm"_s);
    const auto minute = digitsAt(text, pos, 2);
    if (!minute)
        return bad(u"expected HH:mm"_s);
    int second = 0;
    int millis = 0;
    if (consume(text, pos, u':')) {
        const auto s = digitsAt(text, pos, 2);
        if (!s)
            return bad(u"expected two digits of seconds"_s);
        second = *s;
        if (consume(text, pos, u'.')) {
            int digits = 0;
            while (pos < text.size() && text[pos].isDigit() && text[pos].unicode() < 128) {
                if (digits < 3)
                    millis = millis * 10 + (text[pos].unicode() - u'0');
                ++digits;
                ++pos;
            }
            if (digits == 0 || digits > 9)
                return bad(u"expected 1 to 9 digits of fraction"_s);
            for (int i = digits; i < 3; ++i)
                millis *= 10;
        }
    }
    if (*month < 1 || *month > 12 || *day < 1 || *day > daysInMonth(*year, *month) || *hour > 23 || *minute > 59 ||
        second > 59)
        return bad(u"date or time out of range"_s);

    int offsetSeconds = 0;
    if (consume(text, pos, u'Z')) {
        // UTC
    } else if (pos < text.size() && (text[pos] == u'+' || text[pos] == u'-')) {
        const int sign = text[pos] == u'-' ? -1 : 1;
        ++pos;
        const auto offsetHours = digitsAt(text, pos, 2);
        if (!offsetHours || !consume(text, pos, u':'))
            return bad(u"expected an offset +HH:MM"_s);
        const auto offsetMinutes = digitsAt(text, pos, 2);
        if (!offsetMinutes)
            return bad(u"expected an offset +HH:MM"_s);
        int offsetSecondsPart = 0;
        if (consume(text, pos, u':')) {
            const auto s = digitsAt(text, pos, 2);
            if (!s)
                return bad(u"expected an offset +HH:MM:SS"_s);
            offsetSecondsPart = *s;
        }
        if (*offsetHours > 18 || *offsetMinutes > 59 || offsetSecondsPart > 59)
            return bad(u"offset out of range"_s);
        offsetSeconds = sign * (*offsetHours * 3600 + *offsetMinutes * 60 + offsetSecondsPart);
    } else {
        return bad(u"missing the UTC offset"_s);
    }
    if (consume(text, pos, u'[')) {
        const qsizetype close = text.indexOf(u']', pos);
        if (close < 0 || close == pos)
            return bad(u"unterminated zone id"_s);
        pos = close + 1;
    }
    if (pos != text.size())
        return bad(u"unexpected text after the time"_s);

    const std::int64_t days = daysFromCivil(*year, static_cast<unsigned>(*month), static_cast<unsigned>(*day));
    const std::int64_t seconds =
        days * 86400 + std::int64_t{*hour} * 3600 + std::int64_t{*minute} * 60 + second - offsetSeconds;
    return seconds * 1000 + millis;
}

Result<std::pair<BreakerState, BreakerState>> Resilience4jEvents::parseStateTransition(QStringView text)
{
    const qsizetype split = text.indexOf(u"_TO_");
    if (split <= 0)
        return Error{u"stateTransition \"%1\" is not FROM_TO_TO"_s.arg(text.left(64).toString())};
    const auto from = stateFromName(text.left(split));
    const auto to = stateFromName(text.mid(split + 4));
    if (!from || !to)
        return Error{u"stateTransition \"%1\" names an unknown state"_s.arg(text.left(64).toString())};
    return std::pair{*from, *to};
}

Result<QList<Resilience4jTransitionEvent>> Resilience4jEvents::parseStateTransitions(QByteArrayView body)
{
    const auto root = jsonfields::parseObject(body);
    if (!root)
        return Error{root.error()};
    const QJsonValue list = root->value(u"circuitBreakerEvents");
    if (!list.isArray())
        return Error{list.isUndefined()
                         ? u"missing \"circuitBreakerEvents\""_s
                         : u"\"circuitBreakerEvents\" must be an array, not %1"_s.arg(jsonfields::typeName(list))};
    const QJsonArray events = list.toArray();
    QList<Resilience4jTransitionEvent> transitions;
    transitions.reserve(events.size());
    for (qsizetype i = 0; i < events.size(); ++i) {
        const auto fail = [i](const QString &message) { return Error{u"event %1: %2"_s.arg(i + 1).arg(message)}; };
        if (!events.at(i).isObject())
            return fail(u"expected an object, not %1"_s.arg(jsonfields::typeName(events.at(i))));
        const QJsonObject event = events.at(i).toObject();
        const auto type = jsonfields::string(event, u"type");
        if (!type)
            return fail(type.error());
        if (*type != u"STATE_TRANSITION")
            continue;
        Resilience4jTransitionEvent transition;
        const auto name = jsonfields::string(event, u"circuitBreakerName");
        if (!name)
            return fail(name.error());
        transition.breakerName = *name;
        const auto created = jsonfields::string(event, u"creationTime");
        if (!created)
            return fail(created.error());
        const auto time = parseCreationTime(*created);
        if (!time)
            return fail(time.error());
        transition.timeMs = *time;
        const auto kind = jsonfields::string(event, u"stateTransition");
        if (!kind)
            return fail(kind.error());
        const auto states = parseStateTransition(*kind);
        if (!states)
            return fail(states.error());
        transition.transition = *kind;
        transition.from = states->first;
        transition.to = states->second;
        transitions.append(std::move(transition));
    }
    return transitions;
}

} // namespace bw
