#pragma once

#include <QMainWindow>

namespace bw {

class ServiceMonitor;

// The main window: the watched services and the breaker presets. The monitor is not owned.
// bannerText: shown above the table when not empty (e.g. "this is the demo fleet").
class MainWindow final : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(ServiceMonitor *monitor, const QString &bannerText = {}, QWidget *parent = nullptr);
};

} // namespace bw
