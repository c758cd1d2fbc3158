#include "mainwindow/mainwindow.h"

#include <QLineEdit>
#include <QTableView>
#include <QTest>

using namespace Qt::StringLiterals;

class TestMainWindow final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void filterNarrowsThePresetTable();
};

void TestMainWindow::filterNarrowsThePresetTable()
{
    bw::MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto *view = window.findChild<QTableView *>();
    auto *filter = window.findChild<QLineEdit *>();
    QVERIFY(view && filter);
    const int all = view->model()->rowCount();
    QTest::keyClicks(filter, u"automaticTransition"_s);
    QCOMPARE(view->model()->rowCount(), 1);
    filter->clear();
    QCOMPARE(view->model()->rowCount(), all);

    // Ctrl+F focuses the filter.
    view->setFocus();
    QTest::keySequence(&window, QKeySequence::Find);
    QVERIFY(filter->hasFocus());

    if (const QByteArray out = qgetenv("BW_SCREENSHOT_DIR"); !out.isEmpty())
        window.grab().save(QString::fromLocal8Bit(out) + u"/placeholder-window.png"_s);
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
