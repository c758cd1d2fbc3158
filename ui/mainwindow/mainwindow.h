#pragma once

#include <QMainWindow>

namespace bw {

// Placeholder main window until the live dashboard lands: shows the breaker presets the engine models.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
};

} // namespace bw
