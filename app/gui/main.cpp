// breakerwatch: the desktop console. Wiring only.
#include "mainwindow/mainwindow.h"

#include <QApplication>

using namespace Qt::StringLiterals;

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(u"Breakerwatch"_s);
    QApplication::setOrganizationName(u"Breakerwatch"_s);
    QApplication::setApplicationVersion(u"0.1.0"_s);
    bw::MainWindow window;
    window.show();
    return QApplication::exec();
}
