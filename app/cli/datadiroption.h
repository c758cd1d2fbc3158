#pragma once

#include <QString>

namespace cli {

// The folder of the history store: `given` (--data-dir) when set, else the GUI's default folder, so the CLI reads and
// writes the history `breakerwatch` shows.
QString guiDataDir(const QString &given);

} // namespace cli
