#pragma once

#include <QString>

namespace bw {

// "payments-api" -> "paymentsApi": a dashed name as a camelCase identifier (TypeScript, C#, Java).
QString camelCaseIdentifier(const QString &dashed);

} // namespace bw
