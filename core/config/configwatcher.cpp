#include "config/configwatcher.h"

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
    connect(&m_watcher, &QFileSystemWatcher::directoryChanged, this, changed);
    watch();
}

void ConfigWatcher::watch()
{
    QStringList paths = m_current.watchPaths;
    if (!m_current.sourceFile.isEmpty())
        paths << QFileInfo(m_current.sourceFile).absoluteFilePath() << QFileInfo(m_current.sourceFile).absolutePath();
    paths.removeDuplicates();
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
