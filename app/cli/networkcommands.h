#pragma once

#include <QStringList>

#include <cstdint>
#include <optional>

namespace cli {

// ISO 8601 / RFC 3339, unix seconds, "now" or "now-1h"-style relative times, as epoch ms.
std::optional<std::int64_t> parseTime(const QString &text);
int runProbe(const QStringList &arguments);
int runCheckConfig(const QStringList &arguments);
int runQuery(const QStringList &arguments);
int runParseMetrics(const QStringList &arguments);
} // namespace cli
