// The window over a live demo fleet on loopback: rows appear, breakers move, filters work, screenshots render.
#include "config/configloader.h"
#include "config/configwatcher.h"
#include "demo/demofleet.h"
#include "mainwindow/mainwindow.h"
#include "models/servicetablemodel.h"
#include "monitor/servicemonitor.h"
#include "probe/httpprober.h"

#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QNetworkAccessManager>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

class TestMainWindow final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void liveDemoFleetOpensBreakers();
    void filterAndShortcut();
    void resetClosesTheSimulatedBreaker();
    void configFileIsFollowed();

private:
    int rowOf(const QString &name) const;

    QElapsedTimer m_clock;
    std::unique_ptr<bw::DemoFleet> m_fleet;
    QNetworkAccessManager m_network;
    std::unique_ptr<bw::HttpProber> m_prober;
    std::unique_ptr<bw::ServiceMonitor> m_monitor;
    std::unique_ptr<bw::ServiceTableModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
    std::unique_ptr<bw::MainWindow> m_window;
};

void TestMainWindow::initTestCase()
{
    m_clock.start();
    m_fleet = std::make_unique<bw::DemoFleet>([this] { return m_clock.elapsed(); }, 0);
    QVERIFY(m_fleet->start({QHostAddress::LocalHost, 0, 8, u"default"_s, 1}).ok());
    const bw::PresetCatalog catalog;
    const auto config = bw::ConfigLoader(catalog).loadText(m_fleet->configYaml(300), u"<demo>"_s, {});
    QVERIFY2(config.ok(), qPrintable(config.ok() ? QString() : config.error()));
    m_prober = std::make_unique<bw::HttpProber>(&m_network);
    m_monitor = std::make_unique<bw::ServiceMonitor>(m_prober.get(), [this] { return m_clock.elapsed(); });
    m_monitor->setConfig(*config);
    m_model = std::make_unique<bw::ServiceTableModel>(m_monitor.get());
    m_tester = std::make_unique<QAbstractItemModelTester>(m_model.get(),
                                                          QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_window = std::make_unique<bw::MainWindow>(m_monitor.get(), u"<b>Demo mode.</b>"_s);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    m_monitor->start();
}

int TestMainWindow::rowOf(const QString &name) const
{
    for (int row = 0; row < m_model->rowCount(); ++row) {
        if (m_model->index(row, bw::ServiceTableModel::NameColumn).data().toString() == name)
            return row;
    }
    return -1;
}

void TestMainWindow::liveDemoFleetOpensBreakers()
{
    QCOMPARE(m_model->rowCount(), 8);
    QVERIFY(m_window->findChild<QLabel *>(u"demoBanner"_s));
    QCOMPARE(m_window->windowTitle(), u"Breakerwatch — demo fleet"_s);
    const int dead = rowOf(u"ledger"_s);
    const int healthy = rowOf(u"checkout"_s);
    // The dead service refuses connections: after five polls (minimumNumberOfCalls) its breaker opens.
    QTRY_COMPARE_WITH_TIMEOUT(m_model->index(dead, bw::ServiceTableModel::StateColumn).data().toString(), u"OPEN"_s,
                              15'000);
    QCOMPARE(m_model->index(dead, bw::ServiceTableModel::OutcomeColumn).data().toString(), u"connection refused"_s);
    QVERIFY(m_model->index(dead, bw::ServiceTableModel::ReasonColumn).data().toString().contains(u">= 50%"_s));
    QCOMPARE(m_model->index(healthy, bw::ServiceTableModel::StateColumn).data().toString(), u"CLOSED"_s);
    // The service's own breaker and traffic come from its /metrics page.
    QTRY_COMPARE(m_model->index(healthy, bw::ServiceTableModel::ObservedColumn).data().toString(), u"CLOSED"_s);
    QVERIFY(m_model->index(healthy, bw::ServiceTableModel::TrafficColumn).data().toString().contains(u"/s"_s));

    if (const QByteArray dir = qgetenv("BW_SCREENSHOT_DIR"); !dir.isEmpty())
        m_window->grab().save(QString::fromLocal8Bit(dir) + u"/services-demo.png"_s);
}

void TestMainWindow::filterAndShortcut()
{
    auto *view = m_window->findChild<QTableView *>(u"services"_s);
    QVERIFY(view);
    auto *filter = view->parentWidget()->findChild<QLineEdit *>();
    QVERIFY(filter);
    QTest::keySequence(m_window.get(), QKeySequence::Find);
    QVERIFY(filter->hasFocus());
    QTest::keyClicks(filter, u"ledg"_s);
    QCOMPARE(view->model()->rowCount(), 1);
    filter->clear();
    QCOMPARE(view->model()->rowCount(), 8);
    // Sorting by breaker state groups the open ones.
    view->sortByColumn(bw::ServiceTableModel::StateColumn, Qt::DescendingOrder);
    QVERIFY(view->model()->index(0, bw::ServiceTableModel::StateColumn).data().toString() != u"CLOSED"_s);
}

void TestMainWindow::resetClosesTheSimulatedBreaker()
{
    const int dead = rowOf(u"ledger"_s);
    QVERIFY(m_monitor->reset(dead).ok());
    QCOMPARE(m_model->index(dead, bw::ServiceTableModel::StateColumn).data().toString(), u"CLOSED"_s);
    QCOMPARE(m_model->index(dead, bw::ServiceTableModel::ReasonColumn).data().toString(), u"operator: reset"_s);
    QVERIFY(!m_monitor->reset(99).ok());
}

void TestMainWindow::configFileIsFollowed()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"breakerwatch.yml"_s);
    const auto write = [&path](const QByteArray &text) {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(text);
    };
    const QByteArray good = m_fleet->configYaml(300);
    write(good);
    const bw::PresetCatalog catalog;
    const bw::ConfigLoader loader(catalog);
    const auto config = loader.loadFile(path);
    QVERIFY(config.ok());
    bw::ServiceMonitor monitor(m_prober.get(), [this] { return m_clock.elapsed(); });
    monitor.setConfig(*config);
    bw::MainWindow window(&monitor);
    bw::ConfigWatcher watcher(loader, *config);
    watcher.setSettleDelay(std::chrono::milliseconds(20));
    window.follow(&watcher);
    window.show();
    auto *table = window.findChild<QTableView *>(u"services"_s);
    auto *problem = window.findChild<QLabel *>(u"configProblem"_s);
    QVERIFY(table && problem);
    QCOMPARE(table->model()->rowCount(), 8);
    QVERIFY(problem->isHidden());

    // A broken save: the message names the file, line and column; the eight services keep being watched.
    write(good + "  - name: broken\n    health: {url: 'not a url'\n");
    QTRY_VERIFY(!problem->isHidden());
    QVERIFY2(problem->text().contains(path + u":"_s), qPrintable(problem->text()));
    QVERIFY(problem->text().contains(u"previous configuration stays in force"_s));
    QCOMPARE(table->model()->rowCount(), 8);

    // Fixed with one service fewer: applied, the message goes away.
    const qsizetype lastService = good.lastIndexOf("  - name:");
    write(good.left(lastService));
    QTRY_COMPARE(table->model()->rowCount(), 7);
    QVERIFY(problem->isHidden());
    if (const QByteArray shots = qgetenv("BW_SCREENSHOT_DIR"); !shots.isEmpty()) {
        write(good + "  - name: broken\n    health: {url: 'not a url'\n");
        QTRY_VERIFY(!problem->isHidden());
        window.grab().save(QString::fromLocal8Bit(shots) + u"/config-problem.png"_s);
    }
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
