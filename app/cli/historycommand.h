#pragma once

#include <QStringList>

namespace cli {

// breakerwatch-cli history export|import ...: a service's history out of (or into) the history store.
int runHistory(const QStringList &arguments);

} // namespace cli
