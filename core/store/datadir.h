#pragma once

#include "common/result.h"

#include <QString>

namespace bw {

// Where the history store lives: QStandardPaths::AppDataLocation (on Linux ~/.local/share/<organisation>/<app>,
// so set the application and organisation names first), unless the user passed --data-dir.
QString defaultDataDir();
// `override` when not empty (made absolute), else defaultDataDir().
QString resolveDataDir(const QString &override);
// Creates the directory (and its parents). The error names the directory and says why: a path component that is
// a file, or no permission / a read-only file system.
Status ensureDataDir(const QString &dir);

} // namespace bw
