#pragma once

#include "config/config.h"
#include "config/configloader.h"

#include <QFileSystemWatcher>
#include <QHash>
#include <QObject>
#include <QPair>
#include <QTimer>

namespace bw {

// Reloads a configuration file when it (or a file_sd file it names) changes on disk, as Prometheus does on
// SIGHUP. A file that fails to load keeps the previous configuration in force and reports why; the next good
// save applies. Changes are gathered for a short moment first, because editors save in several steps (write a
// temporary file, rename it over the original). The directories are watched too, so a file replaced by rename
// is still followed.
class ConfigWatcher final : public QObject
{
    Q_OBJECT
public:
    ConfigWatcher(const ConfigLoader &loader, Config initial, QObject *parent = nullptr);

    const Config &current() const { return m_current; }
    // The reason the file on disk is not in force; empty when it is.
    const QString &problem() const { return m_problem; }
    void setSettleDelay(std::chrono::milliseconds delay) { m_settle.setInterval(delay); }
    // How many times the file was read since the start (each read parses the whole configuration).
    int reads() const { return m_reads; }

public Q_SLOTS:
    // Reads the file now (also what a "Reload configuration" action calls).
    void reloadNow();

Q_SIGNALS:
    void reloaded(const bw::Config &config);
    // The file on disk is broken; `current()` is still the previous configuration.
    void reloadFailed(const QString &problem);

private:
    void watch();
    // Modification time and size of each watched file (-1: missing), to tell a change to one of them from
    // another file written in the same directory (logs, a profiler's output), which needs no reload.
    QHash<QString, QPair<qint64, qint64>> stamps() const;

    const ConfigLoader &m_loader;
    Config m_current;
    QString m_problem;
    QFileSystemWatcher m_watcher;
    QTimer m_settle;
    QStringList m_files; // the configuration and the files it names, absolute
    int m_reads = 0;
    QHash<QString, QPair<qint64, qint64>> m_stamps;
};

} // namespace bw
