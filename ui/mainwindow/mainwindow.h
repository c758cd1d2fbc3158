#pragma once

#include <QMainWindow>

class QAction;
class QLabel;

namespace bw {

class ConfigWatcher;
class ServiceMonitor;

// The main window: the watched services and the breaker presets. The monitor is not owned.
// bannerText: shown above the table when not empty (e.g. "this is the demo fleet").
class MainWindow final : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(ServiceMonitor *monitor, const QString &bannerText = {}, QWidget *parent = nullptr);

    // A configuration file that failed to (re)load; empty hides the message. The previous one stays in force.
    void setConfigProblem(const QString &problem);
    // Warnings of the configuration in force (e.g. TLS verification off for a target); empty hides them.
    void setConfigWarnings(const QStringList &warnings);
    // Follows a configuration file: each good save goes to the monitor, a broken one is shown as the problem;
    // Ctrl+R reloads at once. The watcher is not owned.
    void follow(ConfigWatcher *watcher);

private:
    ServiceMonitor *m_monitor;
    QLabel *m_configProblem = nullptr;
    QLabel *m_configWarnings = nullptr;
    QAction *m_reload = nullptr;
};

} // namespace bw
