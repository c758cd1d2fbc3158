#pragma once

#include "common/result.h"

#include <QByteArrayView>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>

#include <optional>

// Small helpers shared by the JSON readers in health/ and observed/. Every failure is an Error whose
// message names the field; nothing throws, nothing asserts on input.
namespace bw::jsonfields {

// The body as a JSON object: "empty body", "not JSON: <Qt's reason> at offset N" (this covers
// truncation and nesting deeper than Qt's limit), or "expected a JSON object".
Result<QJsonObject> parseObject(QByteArrayView body);

// A required string member: "missing \"key\"" / "\"key\" must be a string".
Result<QString> string(const QJsonObject &object, QStringView key);

// An optional non-negative integer member (null counts as absent).
Result<std::optional<int>> optionalCount(const QJsonObject &object, QStringView key);

// A percentage as Resilience4j writes it ("37.5%", or a bare number). Negative values ("-1.0%", not
// computed yet), null and absence give nullopt.
Result<std::optional<double>> optionalPercent(const QJsonObject &object, QStringView key);

// "a number", "a string", ... for messages.
QString typeName(const QJsonValue &value);

} // namespace bw::jsonfields
