#pragma once

#include <QStringList>

namespace cli {
// export-policy: a policy (--preset/--set or --policy FILE) as the configuration its own library reads.
int runExportPolicy(const QStringList &arguments);
} // namespace cli
