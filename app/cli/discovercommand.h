#pragma once

#include <QStringList>

namespace cli {

// breakerwatch-cli discover --config FILE [--timeout D] [--with-health]: polls every source of every instance once
// and prints one JSON line per breaker found. Errors per source go to standard error; exit 0 when every source
// answered and was read.
int runDiscover(const QStringList &arguments);

} // namespace cli
