#include "store/datadir.h"

#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

using namespace Qt::StringLiterals;

namespace bw {

QString defaultDataDir()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
}

QString resolveDataDir(const QString &override)
{
    if (!override.isEmpty())
        return QDir::cleanPath(QFileInfo(override).absoluteFilePath());
    return defaultDataDir();
}

Status ensureDataDir(const QString &dir)
{
    if (dir.isEmpty())
        return Error{u"no data directory (the application name is not set and --data-dir was not given)"_s};
    const QFileInfo info(dir);
    if (info.isDir())
        return success();
    if (info.exists())
        return Error{u"%1: the data directory is a file, not a directory"_s.arg(dir)};
    if (QDir().mkpath(dir))
        return success();
    // Find the deepest existing ancestor to say why.
    QString ancestor = QFileInfo(dir).absoluteFilePath();
    while (!QFileInfo::exists(ancestor) && ancestor != QDir::rootPath())
        ancestor = QFileInfo(ancestor).absolutePath();
    const QFileInfo existing(ancestor);
    if (!existing.isDir())
        return Error{u"%1: cannot create the data directory: %2 is a file, not a directory"_s.arg(dir, ancestor)};
    return Error{u"%1: cannot create the data directory: %2 is not writable (permissions or a read-only file "
                 u"system)"_s.arg(dir, ancestor)};
}

} // namespace bw
