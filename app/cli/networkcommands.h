#pragma once

#include <QStringList>

namespace cli {
int runProbe(const QStringList &arguments);
int runCheckConfig(const QStringList &arguments);
int runQuery(const QStringList &arguments);
int runParseMetrics(const QStringList &arguments);
} // namespace cli
