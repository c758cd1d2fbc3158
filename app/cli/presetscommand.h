#pragma once

#include <QStringList>

namespace cli {
int runPresets(const QStringList &arguments);
}
