#pragma once

#include <QStringList>

namespace cli {

// breakerwatch-cli serve --config FILE [--metrics-listen HOST:PORT]: polling, simulation and /metrics without a
// GUI, for a server. Runs until SIGINT or SIGTERM.
int runServe(const QStringList &arguments);

} // namespace cli
