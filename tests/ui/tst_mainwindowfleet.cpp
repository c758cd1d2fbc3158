// The real window over the demo fleet as real fleets look (named breakers, several instances, three shapes), built
// from the same application core as the GUI: every breaker the monitor finds has its row, and an action on a real
// breaker goes to one instance or, confirmed once, to every instance, each request audited on its own and
// reaching that instance's breaker.
#include "../support/treewalk.h"
#include "app/application.h"
#include "demo/demofleet.h"
#include "mainwindow/mainwindow.h"
#include "models/fleettreemodel.h"
#include "models/servicetablemodel.h"
#include "overview/fleettreeview.h"

#include <QApplication>
#include <QCheckBox>
#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QPushButton>
#include <QStandardPaths>
#include <QTest>

using namespace Qt::StringLiterals;

class TestMainWindowFleet final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void everyBreakerTheMonitorFindsHasItsRow();
    void realBreakerActionOnOneInstanceOrOnAll();

private:
    QElapsedTimer m_clock;
    QNetworkAccessManager m_network;
    std::unique_ptr<bw::DemoFleet> m_fleet;
    std::unique_ptr<bw::Application> m_app;
    std::unique_ptr<bw::MainWindow> m_window;
    QStringList m_confirmations;
};

void TestMainWindowFleet::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QApplication::setOrganizationName(u"breakerwatch-tests"_s);
    m_clock.start();
    m_fleet = std::make_unique<bw::DemoFleet>([this] { return m_clock.elapsed(); }, 0);
    QVERIFY(m_fleet->start({QHostAddress::LocalHost, 0, 3, u"healthy"_s, 1}).ok());
    const bw::PresetCatalog catalog;
    const auto config = bw::ConfigLoader(catalog).loadText(m_fleet->configYaml(300), u"<demo>"_s, {});
    QVERIFY(config.ok());
    bw::Application::Options options;
    options.config = *config;
    m_app = std::make_unique<bw::Application>(
        &m_network, [this] { return m_clock.elapsed(); }, catalog, options);
    m_window =
        std::make_unique<bw::MainWindow>(bw::DashboardContext{&m_app->monitor(), &m_app->history(), &m_app->recorder(),
                                                              &m_app->alerts(), &m_app->audit(), &m_app->control(),
                                                              m_app->clock(), &m_app->alertDesk(), &m_app->notifier()},
                                         u"fleet"_s);
    m_window->setConfirmer([this](const QString &title, const QString &text) {
        m_confirmations << title + u'\n' + text;
        return true;
    });
    m_window->resize(1280, 800);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    m_app->start();
}

void TestMainWindowFleet::cleanupTestCase()
{
    m_window.reset();
    m_app.reset();
    m_fleet.reset();
}

void TestMainWindowFleet::everyBreakerTheMonitorFindsHasItsRow()
{
    auto *view = m_window->findChild<bw::FleetTreeView *>(u"services"_s);
    QVERIFY(view);
    bw::FleetTreeModel &tree = *view->fleetModel();
    // 7 instances with a health breaker each, and their named breakers (3 + 3 + 3 of them per instance).
    const int expected = 7 + m_fleet->breakerCount();
    QTRY_COMPARE_WITH_TIMEOUT(m_app->monitor().breakerCount(), expected, 10'000);
    const auto leaves = [&] {
        tree.flush();
        return bw::test::leavesOf(tree);
    };
    QTRY_COMPARE_WITH_TIMEOUT(leaves().size(), expected, 5'000);
    QSet<bw::BreakerId> shown;
    for (const QModelIndex &leaf : leaves())
        shown << *tree.breakerAt(leaf);
    for (const bw::BreakerId &id : m_app->monitor().breakers())
        QVERIFY2(shown.contains(id), qPrintable(id.key()));
    // The hierarchy: checkout's fraudCheck breaker is one row over its three instances, under checkout.
    const QModelIndex checkout = bw::test::findRow(tree, u"checkout"_s);
    QVERIFY(checkout.isValid());
    QCOMPARE(checkout.data(bw::FleetTreeModel::NodeKindRole).toInt(), int(bw::FleetTreeModel::NodeKind::Service));
    const QModelIndex fraudCheck = bw::test::findRow(tree, u"fraudCheck"_s, checkout);
    QVERIFY(fraudCheck.isValid());
    QCOMPARE(tree.rowCount(fraudCheck), 3);
    const QString instances = fraudCheck.siblingAtColumn(bw::ServiceTableModel::InstanceColumn).data().toString();
    QVERIFY2(instances.endsWith(u"3 instances"_s) || instances.contains(u" of 3 instances "_s), qPrintable(instances));
}

void TestMainWindowFleet::realBreakerActionOnOneInstanceOrOnAll()
{
    const auto checkout = m_fleet->instancesOf(u"checkout"_s);
    QCOMPARE(checkout.size(), std::size_t(3));
    const auto instanceOf = [](const bw::DemoService *s) { return u"127.0.0.1:%1"_s.arg(s->port()); };
    const bw::BreakerId fraudCheck{u"checkout"_s, instanceOf(checkout[1]), u"fraudCheck"_s};
    QTRY_VERIFY_WITH_TIMEOUT(m_app->monitor().status(fraudCheck).observedState.has_value(), 10'000);
    m_window->selectBreaker(fraudCheck);
    auto *every = m_window->findChild<QCheckBox *>(u"everyInstance"_s);
    auto *forceOpen = m_window->findChild<QPushButton *>(u"remote-force-open"_s);
    QVERIFY(every && forceOpen);
    QVERIFY(every->isVisible());
    QCOMPARE(every->text(), u"on all 3 instances"_s);

    // One instance: only that one's breaker moves.
    every->setChecked(false);
    m_confirmations.clear();
    forceOpen->click();
    QCOMPARE(m_confirmations.size(), 1);
    QVERIFY2(m_confirmations.front().contains(instanceOf(checkout[1])), qPrintable(m_confirmations.front()));
    QTRY_COMPARE_WITH_TIMEOUT(checkout[1]->breaker(u"fraudCheck"_s)->breaker().state(), bw::BreakerState::ForcedOpen,
                              5000);
    QCOMPARE(checkout[0]->breaker(u"fraudCheck"_s)->breaker().state(), bw::BreakerState::Closed);

    // Every instance: one confirmation naming all three, one request and one audit entry each.
    const auto auditedBefore = m_app->audit().entries().size();
    every->setChecked(true);
    m_confirmations.clear();
    forceOpen->click();
    QCOMPARE(m_confirmations.size(), 1);
    QVERIFY2(m_confirmations.front().contains(u"on all 3 instances"_s), qPrintable(m_confirmations.front()));
    for (const bw::DemoService *s : checkout)
        QVERIFY2(m_confirmations.front().contains(instanceOf(s) + u": http"_s), qPrintable(m_confirmations.front()));
    for (const bw::DemoService *s : checkout)
        QTRY_COMPARE_WITH_TIMEOUT(s->breaker(u"fraudCheck"_s)->breaker().state(), bw::BreakerState::ForcedOpen, 5000);
    QCOMPARE(checkout[0]->breaker(u"paymentGateway"_s)->breaker().state(), bw::BreakerState::Closed);
    const QList<bw::AuditEntry> audit = m_app->audit().entries().mid(auditedBefore);
    QCOMPARE(audit.size(), 3);
    QSet<QString> audited;
    for (const bw::AuditEntry &e : audit) {
        QCOMPARE(e.target, u"real breaker"_s);
        QCOMPARE(e.action, u"force open"_s);
        audited << e.service;
    }
    QCOMPARE(audited.size(), 3); // one per instance
    QTRY_VERIFY_WITH_TIMEOUT(std::all_of(m_app->audit().entries().cbegin(), m_app->audit().entries().cend(),
                                         [](const bw::AuditEntry &e) { return e.outcome == u"done"; }),
                             5000);

    // A breaker that only one instance has (a health breaker has no real breaker): no "all instances" choice.
    m_window->selectBreaker(bw::BreakerId{u"search"_s, instanceOf(m_fleet->instancesOf(u"search"_s)[0]), {}});
    QVERIFY(!every->isVisible());
}

QTEST_MAIN(TestMainWindowFleet)
#include "tst_mainwindowfleet.moc"
