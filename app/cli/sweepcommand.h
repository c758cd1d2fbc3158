#pragma once

#include <QStringList>

namespace cli {
int runSweep(const QStringList &arguments);
}
