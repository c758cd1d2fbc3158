#include "observed/jsonfields.h"

#include <QJsonDocument>
#include <QJsonParseError>

#include <cmath>
#include <limits>

using namespace Qt::StringLiterals;

namespace bw::jsonfields {

Result<QJsonObject> parseObject(QByteArrayView body)
{
    if (body.trimmed().isEmpty())
        return Error{u"empty body"_s};
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body.toByteArray(), &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return Error{u"not JSON: %1 at offset %2"_s.arg(parseError.errorString()).arg(parseError.offset)};
    if (!document.isObject())
        return Error{u"expected a JSON object, got an array"_s};
    return document.object();
}

QString typeName(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
        return u"null"_s;
    case QJsonValue::Bool:
        return u"a boolean"_s;
    case QJsonValue::Double:
        return u"a number"_s;
    case QJsonValue::String:
        return u"a string"_s;
    case QJsonValue::Array:
        return u"an array"_s;
    case QJsonValue::Object:
        return u"an object"_s;
    case QJsonValue::Undefined:
        break;
    }
    return u"missing"_s;
}

Result<QString> string(const QJsonObject &object, QStringView key)
{
    const QJsonValue value = object.value(key);
    if (value.isUndefined())
        return Error{u"missing \"%1\""_s.arg(key)};
    if (!value.isString())
        return Error{u"\"%1\" must be a string, not %2"_s.arg(key, typeName(value))};
    return value.toString();
}

Result<std::optional<int>> optionalCount(const QJsonObject &object, QStringView key)
{
    const QJsonValue value = object.value(key);
    if (value.isUndefined() || value.isNull())
        return std::optional<int>{};
    const double number = value.toDouble(-1);
    if (!value.isDouble() || !std::isfinite(number) || number < 0 || std::trunc(number) != number ||
        number > std::numeric_limits<int>::max())
        return Error{u"\"%1\" must be a non-negative integer, not %2"_s.arg(
            key, value.isDouble() ? QString::number(number) : typeName(value))};
    return std::optional<int>{static_cast<int>(number)};
}

Result<std::optional<double>> optionalPercent(const QJsonObject &object, QStringView key)
{
    const QJsonValue value = object.value(key);
    if (value.isUndefined() || value.isNull())
        return std::optional<double>{};
    double number = 0;
    if (value.isDouble()) {
        number = value.toDouble();
    } else if (value.isString()) {
        const QString original = value.toString();
        QStringView text = QStringView(original).trimmed();
        if (text.endsWith(u'%'))
            text.chop(1);
        bool ok = false;
        number = text.trimmed().toDouble(&ok);
        if (!ok)
            return Error{u"\"%1\" is not a percentage: \"%2\""_s.arg(key, original)};
    } else {
        return Error{u"\"%1\" must be a percentage, not %2"_s.arg(key, typeName(value))};
    }
    if (!std::isfinite(number))
        return Error{u"\"%1\" is not a finite percentage"_s.arg(key)};
    if (number < 0)
        return std::optional<double>{};
    return std::optional<double>{number};
}

} // namespace bw::jsonfields
