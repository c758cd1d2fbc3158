#include "config/configwatcher.h"

#include <QDateTime>
#include <QFileInfo>

using namespace Qt::StringLiterals;

namespace bw {

ConfigWatcher::ConfigWatcher(const ConfigLoader &loader, Config initial, QObject *parent)
    : QObject(parent), m_loader(loader), m_current(std::move(initial))
{
    m_settle.setSingleShot(true);
    m_settle.setInterval(std::chrono::milliseconds(300));
    connect(&m_settle, &QTimer::timeout, this, &ConfigWatcher::reloadNow);
    const auto changed = [this] { m_settle.start(); };
    connect(&m_watcher, &QFileSystemWatcher::fileChanged, this, changed);
    connect(&m_watcher, &QFileSystemWatcher::directoryChanged, this, [this](const QString &directory) {
        // A directory the configuration reads (file_sd's) counts whatever changed in it; the configuration's own
        // directory, watched to follow a rename, only when one of our files changed in it.
        const bool read = m_current.watchPaths.contains(directory) ||
                          m_current.watchPaths.contains(QFileInfo(directory).absoluteFilePath());
        if (read || stamps() != m_stamps)
            m_settle.start();
    });
    watch();
}

QHash<QString, QPair<qint64, qint64>> ConfigWatcher::stamps() const
{
    QHash<QString, QPair<qint64, qint64>> out;
    for (const QString &file : m_files) {
        const QFileInfo info(file);
        out.insert(file, info.exists() ? qMakePair(info.lastModified().toMSecsSinceEpoch(), info.size())
                                       : qMakePair(qint64{-1}, qint64{-1}));
    }
    return out;
}

void ConfigWatcher::watch()
{
    QStringList paths = m_current.watchPaths;
    if (!m_current.sourceFile.isEmpty())
        paths << QFileInfo(m_current.sourceFile).absoluteFilePath() << QFileInfo(m_current.sourceFile).absolutePath();
    paths.removeDuplicates();
    m_files.clear();
    for (const QString &path : std::as_const(paths))
        if (!QFileInfo(path).isDir())
            m_files << QFileInfo(path).absoluteFilePath();
    m_stamps = stamps();
    // A path that was removed (renamed over, deleted) drops out of the watcher: add everything again.
    if (const QStringList old = m_watcher.files() + m_watcher.directories(); !old.isEmpty())
        m_watcher.removePaths(old);
    QStringList existing;
    for (const QString &path : std::as_const(paths))
        if (QFileInfo::exists(path))
            existing << path;
    if (!existing.isEmpty())
        m_watcher.addPaths(existing);
}

void ConfigWatcher::reloadNow()
{
    ++m_reads;
    Result<Config> loaded = m_loader.loadFile(m_current.sourceFile, &m_current);
    if (!loaded) {
        watch();
        if (loaded.error() != m_problem) { // a directory event with nothing new to say stays quiet
            m_problem = loaded.error();
            Q_EMIT reloadFailed(m_problem);
        }
        return;
    }
    const bool hadProblem = !m_problem.isEmpty();
    m_problem.clear();
    if (*loaded == m_current && !hadProblem) { // touched, or an unrelated file in the directory
        watch();
        return;
    }
    m_current = std::move(*loaded);
    watch();
    Q_EMIT reloaded(m_current); // also after a fix that restores the previous file: the problem is gone
}

} // namespace bw
