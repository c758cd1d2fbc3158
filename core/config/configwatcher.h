#pragma once

#include "config/config.h"
#include "config/configloader.h"

#include <QFileSystemWatcher>
#include <QObject>
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

public Q_SLOTS:
    // Reads the file now (also what a "Reload configuration" action calls).
    void reloadNow();

Q_SIGNALS:
    void reloaded(const bw::Config &config);
    // The file on disk is broken; `current()` is still the previous configuration.
    void reloadFailed(const QString &problem);

private:
    void watch();

    const ConfigLoader &m_loader;
    Config m_current;
    QString m_problem;
    QFileSystemWatcher m_watcher;
    QTimer m_settle;
};

} // namespace bw
