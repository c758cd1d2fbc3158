#include "breaker/parameterspec.h"

#include "common/durations.h"

#include <QLocale>

#include <cmath>

using namespace Qt::StringLiterals;

namespace bw {

QString ParameterSpec::typeName() const
{
    switch (type) {
    case ParameterType::Integer:
        return u"integer"_s;
    case ParameterType::Number:
        return u"number"_s;
    case ParameterType::Boolean:
        return u"boolean"_s;
    case ParameterType::DurationMs:
        return u"duration"_s;
    case ParameterType::Choice:
        return u"choice"_s;
    case ParameterType::IntegerList:
        return u"list"_s;
    }
    return {};
}

Result<QVariant> ParameterSpec::parse(QStringView text) const
{
    const QStringView value = text.trimmed();
    if (nullable && (value.isEmpty() || value == u"null" || value == u"default"))
        return QVariant{};
    QVariant typed;
    switch (type) {
    case ParameterType::Integer: {
        bool ok = false;
        const qlonglong integer = value.toLongLong(&ok);
        if (!ok) {
            const double number = value.toDouble(&ok);
            if (ok && std::floor(number) == number && std::abs(number) < 9e15)
                typed = static_cast<qlonglong>(number);
            else
                return Error{u"%1 must be an integer, got \"%2\""_s.arg(name, value)};
        } else {
            typed = integer;
        }
        break;
    }
    case ParameterType::Number: {
        bool ok = false;
        QString normalised = value.toString();
        if (normalised.endsWith(u'%'))
            normalised.chop(1);
        const double number = normalised.toDouble(&ok);
        if (!ok || !std::isfinite(number))
            return Error{u"%1 must be a number, got \"%2\""_s.arg(name, value)};
        typed = number;
        break;
    }
    case ParameterType::Boolean: {
        const QString lower = value.toString().toLower();
        if (lower == u"true" || lower == u"1" || lower == u"yes" || lower == u"on")
            typed = true;
        else if (lower == u"false" || lower == u"0" || lower == u"no" || lower == u"off")
            typed = false;
        else
            return Error{u"%1 must be true or false, got \"%2\""_s.arg(name, value)};
        break;
    }
    case ParameterType::DurationMs: {
        const auto ms = parseDurationMs(value);
        if (!ms)
            return Error{u"%1: %2"_s.arg(name, ms.error())};
        typed = static_cast<qlonglong>(*ms);
        break;
    }
    case ParameterType::Choice: {
        for (const QString &choice : choices) {
            if (value.compare(choice, Qt::CaseInsensitive) == 0) {
                typed = choice;
                break;
            }
        }
        if (!typed.isValid())
            return Error{u"%1 must be one of %2, got \"%3\""_s.arg(name, choices.join(u", "), value)};
        break;
    }
    case ParameterType::IntegerList: {
        QStringList parts;
        if (!value.isEmpty() && value != u"none") {
            for (QStringView part : value.split(u',')) {
                bool ok = false;
                const int integer = part.trimmed().toInt(&ok);
                if (!ok)
                    return Error{u"%1 must be a comma-separated list of integers, got \"%2\""_s.arg(name, value)};
                parts << QString::number(integer);
            }
        }
        typed = parts.join(u',');
        break;
    }
    }
    if (const Status status = check(typed); !status)
        return Error{status.error()};
    return typed;
}

Status ParameterSpec::check(const QVariant &value) const
{
    if (!value.isValid()) {
        if (nullable)
            return success();
        return Error{u"%1 needs a value"_s.arg(name)};
    }
    if (type == ParameterType::Integer || type == ParameterType::Number || type == ParameterType::DurationMs) {
        const double number = value.toDouble();
        const bool belowMinimum = minimumExclusive ? number <= minimum : number < minimum;
        if (belowMinimum || number > maximum) {
            const QString low = minimumExclusive ? u"("_s : u"["_s;
            return Error{u"%1 must be in %2%3, %4], got %5"_s.arg(name, low, QString::number(minimum),
                                                                  QString::number(maximum), format(value))};
        }
    }
    return success();
}

QString ParameterSpec::format(const QVariant &value) const
{
    if (!value.isValid())
        return u"null"_s;
    switch (type) {
    case ParameterType::Integer:
    case ParameterType::DurationMs:
        return QString::number(value.toLongLong());
    case ParameterType::Number:
        return QString::number(value.toDouble(), 'g', QLocale::FloatingPointShortest);
    case ParameterType::Boolean:
        return value.toBool() ? u"true"_s : u"false"_s;
    case ParameterType::Choice:
    case ParameterType::IntegerList:
        return value.toString();
    }
    return value.toString();
}

} // namespace bw
