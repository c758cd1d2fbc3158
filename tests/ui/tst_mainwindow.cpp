// The dashboard over a live demo fleet on loopback: rows appear and breakers move, selecting a service shows its
// detail, a confirmed reset closes the simulated breaker and is audited, alerts appear, filters and sorting work,
// the configuration file is followed, themes switch. With BW_SCREENSHOT_DIR set it also saves screenshots.
#include "../support/treewalk.h"
#include "alerts/alertcenter.h"
#include "alerts/alertdesk.h"
#include "charts/flappingchart.h"
#include "charts/servicecharts.h"
#include "config/configloader.h"
#include "config/configwatcher.h"
#include "control/auditlog.h"
#include "control/breakercontrol.h"
#include "demo/demofleet.h"
#include "history/fleethistory.h"
#include "history/historyrecorder.h"
#include "mainwindow/mainwindow.h"
#include "models/alerttreemodel.h"
#include "models/fleettreemodel.h"
#include "models/servicetablemodel.h"
#include "monitor/fleetmonitor.h"
#include "overview/fleettreeview.h"
#include "probe/httpprober.h"
#include "timeline/timelineview.h"
#include "workbench/candidatelistmodel.h"
#include "workbench/workbenchwidget.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QComboBox>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QNetworkAccessManager>
#include <QPushButton>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
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
    void selectingAServiceShowsItsDetail();
    void confirmedResetClosesAndIsAudited();
    void cancelledActionChangesNothing();
    void alertAppearsWhenTheOutageServiceOpens();
    void filtersAndSorting();
    void groupingByALabel();
    void darkTheme();
    void configFileIsFollowed();
    void degradedStoreShowsInTheStatusBar();
    void alertmanagerStatusShowsInTheStatusBar();
    void prometheusSourceStatusShowsInTheStatusBar();
    void whatIfFollowsTheSelectedService();

private:
    // The breaker the table names so (the service's name for its health breaker, service/breaker for a named one).
    bw::BreakerId idOf(const QString &name) const;
    // The table's cell for a breaker now (rows move as breakers are found).
    QString cell(const bw::BreakerId &id, int column) const;
    void screenshot(const QString &name);
    std::int64_t now() const { return m_wallStart + m_clock.elapsed(); }

    QElapsedTimer m_clock;
    std::int64_t m_wallStart = QDateTime::currentMSecsSinceEpoch();
    std::unique_ptr<bw::DemoFleet> m_fleet;
    QNetworkAccessManager m_network;
    std::unique_ptr<bw::HttpProber> m_prober;
    std::unique_ptr<bw::FleetMonitor> m_monitor;
    bw::FleetHistory m_history;
    std::unique_ptr<bw::HistoryRecorder> m_recorder;
    std::unique_ptr<bw::AlertCenter> m_alerts;
    bw::AuditLog m_audit;
    std::unique_ptr<bw::AlertDesk> m_desk;
    std::unique_ptr<bw::BreakerControl> m_control;
    std::unique_ptr<bw::ServiceTableModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
    std::unique_ptr<bw::MainWindow> m_window;
    std::vector<std::unique_ptr<QAbstractItemModelTester>> m_viewTesters;
    QStringList m_confirmations;
    bool m_confirmAnswer = true;
};

void TestMainWindow::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // QSettings (layout, theme) go to a test location
    QApplication::setOrganizationName(u"breakerwatch-tests"_s);
    m_clock.start();
    const auto clock = [this] { return now(); };
    m_fleet = std::make_unique<bw::DemoFleet>([this] { return m_clock.elapsed(); }, m_wallStart);
    QVERIFY(
        m_fleet->start({QHostAddress::LocalHost, 0, 8, u"default"_s, 1, bw::FleetLayout::OneBreakerPerService}).ok());
    const bw::PresetCatalog catalog;
    auto config = bw::ConfigLoader(catalog).loadText(m_fleet->configYaml(300), u"<demo>"_s, {});
    QVERIFY2(config.ok(), qPrintable(config.ok() ? QString() : config.error()));
    config->alertRules.openLongMs = 1500; // the real rule is 2 min; the test cannot wait that long
    m_prober = std::make_unique<bw::HttpProber>(&m_network);
    m_monitor = std::make_unique<bw::FleetMonitor>(m_prober.get(), clock);
    m_monitor->setConfig(*config);
    m_recorder = std::make_unique<bw::HistoryRecorder>(m_monitor.get(), &m_history);
    m_alerts = std::make_unique<bw::AlertCenter>(m_monitor.get(), clock);
    m_desk = std::make_unique<bw::AlertDesk>(m_alerts.get(), &m_audit, clock);
    m_control = std::make_unique<bw::BreakerControl>(m_monitor.get(), m_prober.get(), &m_audit, clock);
    m_model = std::make_unique<bw::ServiceTableModel>(m_monitor.get());
    m_model->setHistory(&m_history, m_recorder.get(), clock);
    m_tester = std::make_unique<QAbstractItemModelTester>(m_model.get(),
                                                          QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_window = std::make_unique<bw::MainWindow>(
        bw::DashboardContext{m_monitor.get(), &m_history, m_recorder.get(), m_alerts.get(), &m_audit, m_control.get(),
                             clock, m_desk.get()},
        u"<b>Demo mode.</b> Breakerwatch is watching 8 simulated services on loopback."_s);
    m_window->setConfirmer([this](const QString &title, const QString &text) {
        m_confirmations << title + u'\n' + text;
        return m_confirmAnswer;
    });
    // Every model the window shows is checked on every change while the tests run.
    for (const QString &name : {u"services"_s, u"alerts"_s, u"eventLog"_s}) {
        auto *view = m_window->findChild<QAbstractItemView *>(name);
        QVERIFY2(view, qPrintable(name));
        m_viewTesters.push_back(std::make_unique<QAbstractItemModelTester>(
            view->model(), QAbstractItemModelTester::FailureReportingMode::QtTest));
    }
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    m_monitor->start();
}

bw::BreakerId TestMainWindow::idOf(const QString &name) const
{
    for (int row = 0; row < m_model->rowCount(); ++row) {
        if (m_model->index(row, bw::ServiceTableModel::NameColumn).data().toString() == name)
            return m_model->idAt(row);
    }
    return {};
}

QString TestMainWindow::cell(const bw::BreakerId &id, int column) const
{
    return m_model->index(m_model->rowOf(id), column).data().toString();
}

void TestMainWindow::screenshot(const QString &name)
{
    if (const QByteArray dir = qgetenv("BW_SCREENSHOT_DIR"); !dir.isEmpty())
        QVERIFY(m_window->grab().save(QString::fromLocal8Bit(dir) + u'/' + name));
}

void TestMainWindow::liveDemoFleetOpensBreakers()
{
    QCOMPARE(m_model->rowCount(), 8);
    QVERIFY(m_window->findChild<QLabel *>(u"demoBanner"_s));
    QCOMPARE(m_window->windowTitle(), u"Breakerwatch — demo fleet"_s);
    const bw::BreakerId dead = idOf(u"ledger"_s);
    const bw::BreakerId healthy = idOf(u"checkout"_s);
    // The dead service refuses connections: after five polls (minimumNumberOfCalls) its breaker opens.
    QTRY_COMPARE_WITH_TIMEOUT(cell(dead, bw::ServiceTableModel::StateColumn), u"OPEN"_s, 15'000);
    QCOMPARE(cell(dead, bw::ServiceTableModel::OutcomeColumn), u"connection refused"_s);
    QVERIFY(cell(dead, bw::ServiceTableModel::ReasonColumn).contains(u">= 50%"_s));
    QCOMPARE(cell(healthy, bw::ServiceTableModel::StateColumn), u"CLOSED"_s);
    // The service's own breaker and traffic come from its /metrics page; the store gets the error rate.
    // The real breaker is a row of its own, found on the first scrape.
    QTRY_COMPARE(cell(idOf(u"checkout/downstream"_s), bw::ServiceTableModel::ObservedColumn), u"CLOSED"_s);
    QVERIFY(cell(healthy, bw::ServiceTableModel::TrafficColumn).contains(u"req/s"_s));
    QTRY_VERIFY(!m_model->index(m_model->rowOf(healthy), bw::ServiceTableModel::ErrorRateColumn)
                     .data(bw::ServiceTableModel::SparklineRole)
                     .value<QList<QPointF>>()
                     .isEmpty());
    QTRY_VERIFY(!cell(healthy, bw::ServiceTableModel::P95Column).isEmpty());
    // Poll health in the status bar.
    auto *health = m_window->findChild<QLabel *>(u"pollHealth"_s);
    QVERIFY(health);
    // At least the dead service is down.
    QTRY_VERIFY2(QRegularExpression(u"[1-9] down"_s).match(health->text()).hasMatch(), qPrintable(health->text()));
    QVERIFY(health->text().contains(u"polls/s"_s));
    QTest::qWait(3000); // a few seconds of history for the screenshot
    screenshot(u"overview.png"_s);
}

void TestMainWindow::selectingAServiceShowsItsDetail()
{
    auto *view = m_window->findChild<bw::FleetTreeView *>(u"services"_s);
    auto *timeline = m_window->findChild<bw::TimelineView *>(u"timeline"_s);
    auto *title = m_window->findChild<QLabel *>(u"detailTitle"_s);
    QVERIFY(view && timeline && title);
    view->sortByColumn(bw::ServiceTableModel::NameColumn, Qt::AscendingOrder);
    view->fleetModel()->flush();
    // Click the row of "ledger" in the tree.
    const QModelIndex ledgerRow = bw::test::findRow(*view->model(), u"ledger"_s);
    QVERIFY(ledgerRow.isValid());
    view->scrollTo(ledgerRow);
    const QRect rect = view->visualRect(ledgerRow);
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, rect.center());
    const bw::BreakerId ledger = idOf(u"ledger"_s);
    QCOMPARE(m_window->selectedBreaker(), std::optional(ledger));
    QVERIFY2(title->text().contains(u"ledger"_s), qPrintable(title->text()));
    QCOMPARE(timeline->selectedService(), m_recorder->rowOf(ledger)); // the timeline draws history rows
    // The charts follow the selection and show the service's history.
    auto *charts = m_window->findChild<bw::ServiceCharts *>(u"serviceCharts"_s);
    auto *flapping = m_window->findChild<bw::FlappingChart *>(u"flappingChart"_s);
    QVERIFY(charts && flapping);
    QCOMPARE(charts->service(), m_recorder->rowOf(ledger));
    QCOMPARE(flapping->service(), m_recorder->rowOf(ledger));
    QTRY_VERIFY(!charts->showsNoData(bw::ServiceCharts::Pane::Latency));
    // The event log shows the breaker's transitions with reasons.
    auto *log = m_window->findChild<QTableView *>(u"eventLog"_s);
    QVERIFY(log);
    QTRY_VERIFY(log->model()->rowCount() > 0);
    QVERIFY(log->model()->index(0, 2).data().toString().contains(u"OPEN"_s));
    // Activating a service in the timeline selects it in the table.
    const bw::BreakerId checkout = idOf(u"checkout"_s);
    Q_EMIT timeline->serviceActivated(m_recorder->rowOf(checkout));
    QCOMPARE(m_window->selectedBreaker(), std::optional(checkout));
    QCOMPARE(view->fleetModel()->breakerAt(view->currentIndex()), std::optional(checkout));
}

void TestMainWindow::confirmedResetClosesAndIsAudited()
{
    const bw::BreakerId dead = idOf(u"ledger"_s);
    m_window->selectBreaker(dead);
    QTRY_COMPARE(cell(dead, bw::ServiceTableModel::StateColumn), u"OPEN"_s);
    screenshot(u"detail.png"_s);
    m_confirmations.clear();
    m_confirmAnswer = true;
    auto *reset = m_window->findChild<QPushButton *>(u"simulated-reset"_s);
    QVERIFY(reset);
    QTest::mouseClick(reset, Qt::LeftButton);
    QCOMPARE(m_confirmations.size(), 1);
    QVERIFY2(m_confirmations[0].startsWith(u"Reset the simulated breaker of ledger on "_s),
             qPrintable(m_confirmations[0]));
    QVERIFY(m_confirmations[0].contains(u"closes"_s));
    QCOMPARE(cell(dead, bw::ServiceTableModel::StateColumn), u"CLOSED"_s);
    QCOMPARE(cell(dead, bw::ServiceTableModel::ReasonColumn), u"operator: reset"_s);
    QCOMPARE(m_audit.entries().size(), 1);
    QCOMPARE(m_audit.entries()[0].service, dead.key()); // audited per instance
    QCOMPARE(m_audit.entries()[0].action, u"reset"_s);
    QCOMPARE(m_audit.entries()[0].outcome, u"done"_s);
    // The event log shows the operator's action.
    auto *log = m_window->findChild<QTableView *>(u"eventLog"_s);
    const auto operatorRow = [log] {
        for (int r = 0; r < std::min(3, log->model()->rowCount()); ++r)
            if (log->model()->index(r, 1).data().toString().startsWith(u"operator"_s))
                return r;
        return -1;
    };
    QTRY_VERIFY(operatorRow() >= 0);
    QVERIFY(log->model()->index(operatorRow(), 2).data().toString().contains(u"reset simulated breaker: done"_s));
}

void TestMainWindow::cancelledActionChangesNothing()
{
    const bw::BreakerId healthy = idOf(u"checkout"_s);
    m_window->selectBreaker(healthy);
    m_confirmAnswer = false;
    const qsizetype audited = m_audit.entries().size();
    QTest::keySequence(m_window.get(), QKeySequence(u"Ctrl+Shift+O"_s)); // force open, cancelled
    QVERIFY2(
        m_confirmations.back().section(u'\n', 0, 0).startsWith(u"Force open the simulated breaker of checkout on "_s),
        qPrintable(m_confirmations.back()));
    QCOMPARE(cell(healthy, bw::ServiceTableModel::StateColumn), u"CLOSED"_s);
    QCOMPARE(m_audit.entries().size(), audited);
    m_confirmAnswer = true;
}

void TestMainWindow::alertAppearsWhenTheOutageServiceOpens()
{
    // The default scenario's outage service; forced down now rather than waiting for its scheduled outage.
    const QString outage = m_fleet->services()[2]->name();
    QCOMPARE(bw::modeName(m_fleet->services()[2]->modeAt(0)), u"outage"_s);
    m_fleet->services()[2]->injectFault(bw::BehaviourMode::Down, 60'000);
    const bw::BreakerId row = idOf(outage);
    QTRY_VERIFY_WITH_TIMEOUT(cell(row, bw::ServiceTableModel::StateColumn) != u"CLOSED"_s, 10'000);
    auto *alerts = m_window->findChild<QTreeView *>(u"alerts"_s);
    QVERIFY(alerts);
    const QString outageKey = row.key();
    // Its alert, in its service's group.
    const auto firingFor = [alerts, outageKey] {
        const QAbstractItemModel *model = alerts->model();
        for (int g = 0; g < model->rowCount(); ++g) {
            const QModelIndex group = model->index(g, 0);
            for (int r = 0; r < model->rowCount(group); ++r)
                if (model->index(r, 0, group).data(bw::AlertTreeModel::KeyRole).toString() == outageKey &&
                    model->index(r, bw::AlertTreeModel::StatusColumn, group).data().toString() == u"FIRING")
                    return group.data(bw::AlertTreeModel::GroupKeyRole).toString();
        }
        return QString();
    };
    QTRY_COMPARE_WITH_TIMEOUT(firingFor(), u"service:"_s + row.service, 6000);
    // The tab says how many fire.
    auto *tabs = m_window->findChild<QTabWidget *>(u"mainTabs"_s);
    QVERIFY(tabs->tabText(tabs->indexOf(m_window->findChild<QWidget *>(u"alertsPanel"_s))).startsWith(u"&Alerts ("_s));
    QVERIFY(m_window->windowTitle().startsWith(u"("_s));
    auto *health = m_window->findChild<QLabel *>(u"pollHealth"_s);
    QVERIFY(health->text().contains(u"firing"_s));
    m_window->showMainTab(u"alerts"_s);
    QCOMPARE(tabs->currentWidget()->objectName(), u"alertsPanel"_s);
    screenshot(u"alerts.png"_s);
    m_window->showMainTab(u"overview"_s);
    QCOMPARE(tabs->currentIndex(), 0);
}

void TestMainWindow::filtersAndSorting()
{
    auto *view = m_window->findChild<bw::FleetTreeView *>(u"services"_s);
    auto *filter = m_window->findChild<QLineEdit *>(u"serviceFilter"_s);
    m_window->activateWindow();
    auto *state = m_window->findChild<QComboBox *>(u"stateFilter"_s);
    QVERIFY(view && filter && state);
    bw::FleetTreeModel &tree = *view->fleetModel();
    QTest::keySequence(m_window.get(), QKeySequence::Find);
    QVERIFY(filter->hasFocus());
    QTest::keyClicks(filter, u"ledg"_s);
    tree.flush();
    const QModelIndexList ledger = bw::test::leavesOf(tree);
    QVERIFY(!ledger.isEmpty());
    for (const QModelIndex &leaf : ledger)
        QCOMPARE(tree.breakerAt(leaf)->service, u"ledger"_s);
    filter->clear();
    tree.flush();
    QCOMPARE(bw::test::leavesOf(tree).size(), m_model->rowCount());
    // "Breaker not closed" keeps only the breakers that are not closed, under parents that say so.
    state->setCurrentIndex(state->findText(u"Breaker not closed"_s));
    tree.flush();
    const QModelIndexList notClosed = bw::test::leavesOf(tree);
    QVERIFY(notClosed.size() >= 1);
    QVERIFY(notClosed.size() < m_model->rowCount());
    for (const QModelIndex &leaf : notClosed)
        QVERIFY(leaf.data(bw::ServiceTableModel::NotClosedRole).toBool());
    for (int r = 0; r < tree.rowCount(); ++r)
        QVERIFY(tree.index(r, 0).data(bw::ServiceTableModel::NotClosedRole).toBool());
    state->setCurrentIndex(0);
    tree.flush();
    QCOMPARE(bw::test::leavesOf(tree).size(), m_model->rowCount());
    // By default the most urgent come first: the first row is not closed, the last one is.
    tree.sort(-1);
    QVERIFY(tree.index(0, 0).data(bw::ServiceTableModel::NotClosedRole).toBool());
    QVERIFY(!tree.index(tree.rowCount() - 1, 0).data(bw::ServiceTableModel::NotClosedRole).toBool());
    // Sorting by breaker state puts the open ones first.
    view->sortByColumn(bw::ServiceTableModel::StateColumn, Qt::DescendingOrder);
    QVERIFY(tree.index(0, bw::ServiceTableModel::StateColumn).data().toString() != u"CLOSED"_s);
}

void TestMainWindow::groupingByALabel()
{
    auto *view = m_window->findChild<bw::FleetTreeView *>(u"services"_s);
    auto *groupBy = m_window->findChild<QComboBox *>(u"groupBy"_s);
    QVERIFY(view && groupBy);
    bw::FleetTreeModel &tree = *view->fleetModel();
    QAbstractItemModelTester tester(&tree, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(groupBy->itemText(0), u"(nothing)"_s);
    QVERIFY(groupBy->findData(u"behaviour"_s) > 0);
    QVERIFY(groupBy->findData(u"fleet"_s) > 0);
    const auto groups = [&] {
        QStringList names;
        for (int r = 0; r < tree.rowCount(); ++r)
            if (tree.index(r, 0).data(bw::FleetTreeModel::NodeKindRole).toInt() ==
                int(bw::FleetTreeModel::NodeKind::Group))
                names << tree.index(r, 0).data().toString();
        return names;
    };
    groupBy->setCurrentIndex(groupBy->findData(u"fleet"_s));
    tree.flush();
    QCOMPARE(groups(), QStringList{u"fleet = demo"_s});
    const QModelIndex demo = bw::test::findRow(tree, u"fleet = demo"_s);
    QCOMPARE(
        demo.data(bw::FleetTreeModel::MemberCountRole).toInt(), m_model->rowCount() - [&] {
            int inIncidents = 0; // breakers of an incident sit under it, not under their group
            for (const bw::Incident &incident : tree.incidents())
                inIncidents += int(incident.members.size());
            return inIncidents;
        }());
    groupBy->setCurrentIndex(groupBy->findData(u"behaviour"_s));
    tree.flush();
    const QStringList byBehaviour = groups();
    QVERIFY2(byBehaviour.size() >= 5, qPrintable(byBehaviour.join(u", ")));
    QVERIFY(byBehaviour.contains(u"behaviour = dead"_s));
    QCOMPARE(bw::test::leavesOf(tree).size(), m_model->rowCount());
    // Selecting the dead service's row under its group selects that service.
    const QModelIndex dead = bw::test::findRow(tree, u"behaviour = dead"_s);
    QVERIFY(dead.isValid());
    const QModelIndex ledger = bw::test::findRow(tree, u"ledger"_s, dead);
    QVERIFY(ledger.isValid());
    view->setCurrentIndex(ledger);
    QCOMPARE(m_window->selectedBreaker()->service, u"ledger"_s);
    screenshot(u"grouped.png"_s);
    groupBy->setCurrentIndex(0);
    tree.flush();
    QVERIFY(groups().isEmpty());
    QCOMPARE(bw::test::leavesOf(tree).size(), m_model->rowCount());
}

void TestMainWindow::darkTheme()
{
    m_window->setTheme(static_cast<int>(2)); // dark
    QVERIFY(QApplication::palette().color(QPalette::Window).lightness() < 80);
    QTest::qWait(200);
    screenshot(u"overview-dark.png"_s);
    m_window->setTheme(1); // light
    QVERIFY(QApplication::palette().color(QPalette::Window).lightness() > 180);
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
    // A window of its own over its own monitor, started from the file.
    const auto clock = [this] { return now(); };
    bw::FleetMonitor monitor(m_prober.get(), clock);
    monitor.setConfig(*config);
    bw::FleetHistory history;
    bw::HistoryRecorder recorder(&monitor, &history);
    bw::AlertCenter alerts(&monitor, clock);
    bw::AuditLog audit;
    bw::AlertDesk desk(&alerts, &audit, clock);
    bw::BreakerControl control(&monitor, m_prober.get(), &audit, clock);
    bw::MainWindow window({&monitor, &history, &recorder, &alerts, &audit, &control, clock, &desk});
    bw::ConfigWatcher watcher(loader, *config);
    watcher.setSettleDelay(std::chrono::milliseconds(20));
    // As the application core does: a reload is applied to the monitor; the window says so.
    connect(&watcher, &bw::ConfigWatcher::reloaded, &monitor, &bw::FleetMonitor::setConfig);
    window.follow(&watcher);
    window.show();
    auto *table = window.findChild<bw::FleetTreeView *>(u"services"_s);
    auto *problem = window.findChild<QLabel *>(u"configProblem"_s);
    QVERIFY(table && problem);
    const auto watched = [table] {
        table->fleetModel()->flush();
        return bw::test::leavesOf(*table->model()).size();
    };
    QCOMPARE(watched(), 8);
    QVERIFY(problem->isHidden());

    // A broken save: the message names the file, line and column; the eight services keep being watched.
    write(good + "  - name: broken\n    health: {url: 'not a url'\n");
    QTRY_VERIFY(!problem->isHidden());
    QVERIFY2(problem->text().contains(path + u":"_s), qPrintable(problem->text()));
    QVERIFY(problem->text().contains(u"previous configuration stays in force"_s));
    QCOMPARE(watched(), 8);

    // Fixed with one service fewer: applied, the message goes away, the timeline follows.
    const qsizetype lastService = good.lastIndexOf("  - name:");
    write(good.left(lastService));
    QTRY_COMPARE(watched(), 7);
    QVERIFY(problem->isHidden());
    QCOMPARE(window.findChild<bw::TimelineView *>(u"timeline"_s)->rowCount(), 7);
    if (const QByteArray shots = qgetenv("BW_SCREENSHOT_DIR"); !shots.isEmpty()) {
        write(good + "  - name: broken\n    health: {url: 'not a url'\n");
        QTRY_VERIFY(!problem->isHidden());
        window.grab().save(QString::fromLocal8Bit(shots) + u"/config-problem.png"_s);
    }
}

void TestMainWindow::degradedStoreShowsInTheStatusBar()
{
    // What main() passes on from StoreRecorder::healthChanged: the store's message, empty when it is ok again.
    auto *badge = m_window->findChild<QLabel *>(u"storeHealth"_s);
    QVERIFY(badge);
    QVERIFY(badge->isHidden());
    const QString problem = u"/data/breakerwatch.sqlite: writing observations: the disk is full (or the store "
                            u"reached its size limit) (SQLite: database or disk is full)"_s;
    m_window->setStoreProblem(problem);
    QVERIFY(badge->isVisible());
    QVERIFY2(badge->text().contains(u"history store degraded"_s), qPrintable(badge->text()));
    QCOMPARE(badge->toolTip(), problem);
    QCOMPARE(m_window->statusBar()->currentMessage(), u"History store: "_s + problem);
    m_window->setStoreProblem({});
    QVERIFY(badge->isHidden());
}

void TestMainWindow::prometheusSourceStatusShowsInTheStatusBar()
{
    // What main() passes on from FleetMonitor::prometheusAnswered.
    auto *label = m_window->findChild<QLabel *>(u"prometheusHealth"_s);
    QVERIFY(label);
    QVERIFY(label->isHidden()); // no prometheus.breakers
    bw::PrometheusSourceStatus status;
    status.url = u"http://prometheus:9090"_s;
    status.queriesPerInterval = 6;
    m_window->setPrometheusSourceStatus(status);
    QVERIFY(label->isVisible());
    QCOMPARE(label->text(), u"Prometheus: asking…"_s);
    status.health = bw::PrometheusSourceStatus::Health::Ok;
    status.breakers = 5000;
    status.instances = 40;
    status.lastAttemptMs = status.lastAnsweredMs = 1'700'000'000'000;
    m_window->setPrometheusSourceStatus(status);
    QCOMPARE(label->text(), u"Prometheus: 5000 breakers"_s);
    QVERIFY2(label->toolTip().contains(u"Breakers from http://prometheus:9090"_s) &&
                 label->toolTip().contains(u"6 instant queries per interval"_s) &&
                 label->toolTip().contains(u"5000 breakers on 40 instances"_s),
             qPrintable(label->toolTip()));
    // The history: being read, then read back to a time.
    status.historyReading = true;
    status.historyFromMs = status.lastAnsweredMs - 6 * 3'600'000;
    m_window->setPrometheusSourceStatus(status);
    QCOMPARE(label->text(), u"Prometheus: 5000 breakers · reading history…"_s);
    QVERIFY2(label->toolTip().contains(u"Reading the breakers' history from"_s), qPrintable(label->toolTip()));
    status.historyReading = false;
    m_window->setPrometheusSourceStatus(status);
    QCOMPARE(label->text(), u"Prometheus: 5000 breakers"_s);
    const QString back = QDateTime::fromMSecsSinceEpoch(status.historyFromMs).toString(u"ddd HH:mm"_s);
    QVERIFY2(label->toolTip().contains(u"History read back to %1"_s.arg(back)), qPrintable(label->toolTip()));
    status.health = bw::PrometheusSourceStatus::Health::Partial;
    status.problem = u"partial answer: store 10.0.9.9:10901 is unreachable"_s;
    m_window->setPrometheusSourceStatus(status);
    QVERIFY2(label->text().startsWith(u"⚠ Prometheus: partial answer"_s), qPrintable(label->text()));
    QVERIFY(label->toolTip().endsWith(status.problem));
    status.health = bw::PrometheusSourceStatus::Health::Down;
    status.problem = u"Prometheus query failed: connection refused"_s;
    status.lastAttemptMs += 30'000;
    m_window->setPrometheusSourceStatus(status);
    const QString since = QDateTime::fromMSecsSinceEpoch(status.lastAnsweredMs).toString(u"HH:mm:ss"_s);
    QCOMPARE(label->text(), u"⚠ Prometheus down: breakers stale since %1"_s.arg(since));
    QVERIFY(label->toolTip().contains(u"connection refused"_s));
    m_window->setPrometheusSourceStatus(std::nullopt);
    QVERIFY(label->isHidden());
}

void TestMainWindow::alertmanagerStatusShowsInTheStatusBar()
{
    // What main() passes on from AlertmanagerClient::statusChanged.
    auto *label = m_window->findChild<QLabel *>(u"alertmanagerHealth"_s);
    QVERIFY(label);
    QVERIFY(label->isHidden()); // none configured
    bw::AlertmanagerStatus am;
    am.url = QUrl(u"http://127.0.0.1:9093/api/v2/alerts"_s);
    m_window->setAlertmanagerStatuses({am});
    QVERIFY(label->isVisible());
    QCOMPARE(label->text(), u"Alertmanager: nothing sent yet"_s);
    am.state = bw::AlertmanagerStatus::State::Ok;
    am.sinceMs = 1'000;
    m_window->setAlertmanagerStatuses({am});
    QCOMPARE(label->text(), u"Alertmanager: ok"_s);
    QVERIFY2(label->toolTip().startsWith(u"http://127.0.0.1:9093/api/v2/alerts: ok since"_s),
             qPrintable(label->toolTip()));
    bw::AlertmanagerStatus down = am;
    down.state = bw::AlertmanagerStatus::State::Failing;
    down.lastError = u"connection_refused: Connection refused"_s;
    down.failures = 3;
    m_window->setAlertmanagerStatuses({down});
    QCOMPARE(label->text(), u"⚠ Alertmanager unreachable: connection_refused: Connection refused"_s);
    QVERIFY2(label->toolTip().contains(u"unreachable since"_s) &&
                 label->toolTip().contains(u"3 failed posts in a row: connection_refused"_s),
             qPrintable(label->toolTip()));
    bw::AlertmanagerStatus other = am;
    other.url = QUrl(u"http://am2:9093/api/v2/alerts"_s);
    m_window->setAlertmanagerStatuses({down, other});
    QCOMPARE(label->text(), u"⚠ 1 of 2 Alertmanagers unreachable"_s);
    QCOMPARE(label->toolTip().count(u'\n'), 1);
    m_window->setAlertmanagerStatuses({});
    QVERIFY(label->isHidden());
}

void TestMainWindow::whatIfFollowsTheSelectedService()
{
    // The workbench is a tab of the window; Breaker > Tune in the what-if workbench (Ctrl+3) opens it on the
    // service selected in the dashboard, with that service's live policy as the reference.
    auto *workbench = new bw::WorkbenchWidget(
        bw::WorkbenchContext{m_monitor.get(), m_control.get(), &m_network, {}, [this] { return now(); }});
    m_window->addWorkbench(workbench);
    const bw::BreakerId row = idOf(m_fleet->services()[3]->name());
    m_window->selectBreaker(row);
    auto *tune = m_window->findChild<QAction *>(u"tuneWhatIf"_s);
    QVERIFY(tune);
    QCOMPARE(tune->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_3));
    tune->trigger();
    auto *tabs = m_window->findChild<QTabWidget *>(u"mainTabs"_s);
    QVERIFY(tabs);
    QCOMPARE(tabs->currentWidget(), workbench);
    QCOMPARE(workbench->service(), std::optional(row));
    QVERIFY(workbench->candidateModel()->at(0).name.contains(m_fleet->services()[3]->name()));
    m_window->showMainTab(u"overview"_s);
    QVERIFY(tabs->currentWidget() != workbench);
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
