#pragma once

#include <QStringList>

namespace cli {
int runReplay(const QStringList &arguments);
}
