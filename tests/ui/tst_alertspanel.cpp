// The Alerts tab of the real window over the demo fleet (120 applications on loopback, the application core the GUI
// builds), with alerts firing 2 s into an open instead of 2 min: the shared payments-gateway outage is one group
// titled by its incident, with counts, and makes a handful of tray notifications, not one per alert; acknowledging
// the group (Ctrl+K) dims every alert in it with who and when, audited; Silence… (Ctrl+Shift+S) opens the dialog
// preset from the selected alert, and the silence it makes marks the service's alerts silenced until it is expired.
#include "alerts/alertspanel.h"
#include "app/application.h"
#include "control/auditlog.h"
#include "demo/demofleet.h"
#include "mainwindow/mainwindow.h"
#include "models/alerttreemodel.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QElapsedTimer>
#include <QLabel>
#include <QLineEdit>
#include <QNetworkAccessManager>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTest>
#include <QTimer>
#include <QTreeView>

using namespace Qt::StringLiterals;
using Model = bw::AlertTreeModel;

class TestAlertsPanel final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void anIncidentIsOneGroupAndAFewNotifications();
    void acknowledgeAGroup();
    void silenceAServiceThenExpireIt();

private:
    QModelIndex incidentGroup() const;
    void screenshot(const QString &name);

    QElapsedTimer m_clock;
    std::int64_t m_wallStart = 0;
    QNetworkAccessManager m_network;
    std::unique_ptr<bw::DemoFleet> m_fleet;
    std::unique_ptr<bw::Application> m_app;
    std::unique_ptr<bw::MainWindow> m_window;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
    std::unique_ptr<QSignalSpy> m_notifications;
    QTreeView *m_view = nullptr;
    Model *m_model = nullptr;
    bw::AlertsPanel *m_panel = nullptr;
    QString m_incidentKey;
};

void TestAlertsPanel::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QApplication::setOrganizationName(u"breakerwatch-tests"_s);
    m_clock.start();
    m_wallStart = QDateTime::currentMSecsSinceEpoch();
    m_fleet = std::make_unique<bw::DemoFleet>([this] { return m_clock.elapsed(); }, m_wallStart);
    QVERIFY(m_fleet->start({QHostAddress::LocalHost, 0, 120, u"default"_s, 1}).ok());
    const bw::PresetCatalog catalog;
    auto config = bw::ConfigLoader(catalog).loadText(m_fleet->configYaml(1000), u"<demo>"_s, {});
    QVERIFY(config.ok());
    config->alertRules.openLongMs = 2000; // the real rule is 2 min; the demo's outage is over in one
    bw::Application::Options options;
    options.config = *config;
    m_app = std::make_unique<bw::Application>(
        &m_network, [this] { return m_wallStart + m_clock.elapsed(); }, catalog, options);
    m_notifications = std::make_unique<QSignalSpy>(&m_app->notifier(), &bw::AlertNotifier::notify);
    m_window =
        std::make_unique<bw::MainWindow>(bw::DashboardContext{&m_app->monitor(), &m_app->history(), &m_app->recorder(),
                                                              &m_app->alerts(), &m_app->audit(), &m_app->control(),
                                                              m_app->clock(), &m_app->alertDesk(), &m_app->notifier()},
                                         u"fleet"_s);
    m_window->resize(1600, 900);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    m_window->showMainTab(u"alerts"_s);
    m_view = m_window->findChild<QTreeView *>(u"alerts"_s);
    m_panel = m_window->findChild<bw::AlertsPanel *>(u"alertsPanel"_s);
    QVERIFY(m_view && m_panel);
    m_model = qobject_cast<Model *>(m_view->model());
    QVERIFY(m_model);
    m_tester =
        std::make_unique<QAbstractItemModelTester>(m_model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_app->start();
}

void TestAlertsPanel::cleanupTestCase()
{
    m_tester.reset();
    m_window.reset();
    m_notifications.reset();
    m_app.reset();
    m_fleet.reset();
}

void TestAlertsPanel::screenshot(const QString &name)
{
    if (const QByteArray dir = qgetenv("BW_SCREENSHOT_DIR"); !dir.isEmpty())
        QVERIFY(m_window->grab().save(QString::fromLocal8Bit(dir) + u'/' + name));
}

QModelIndex TestAlertsPanel::incidentGroup() const
{
    for (int g = 0; g < m_model->rowCount(); ++g) {
        const QModelIndex group = m_model->index(g, 0);
        const QString key = group.data(Model::GroupKeyRole).toString();
        if (m_incidentKey.isEmpty() ? key.startsWith(u"incident:payment gateway@"_s) : key == m_incidentKey)
            return group;
    }
    return {};
}

void TestAlertsPanel::anIncidentIsOneGroupAndAFewNotifications()
{
    // The payments-gateway outage starts 20 s into the demo; its breakers' alerts fire 2 s after they open.
    const auto services = [this](const QModelIndex &group) {
        QSet<QString> out;
        for (int r = 0; r < m_model->rowCount(group); ++r)
            out << m_model->index(r, Model::ServiceColumn, group).data().toString();
        return out;
    };
    QTRY_VERIFY_WITH_TIMEOUT(incidentGroup().isValid() && services(incidentGroup()).size() >= 5, 60'000);
    QTest::qWait(3000); // the rest of the wave
    const QModelIndex group = incidentGroup();
    m_incidentKey = group.data(Model::GroupKeyRole).toString();
    // Titled by the incident core found, with its counts.
    const QString title = group.siblingAtColumn(Model::ServiceColumn).data().toString();
    QVERIFY2(title.startsWith(u"⚠ payments-gateway: "_s) && title.contains(u" breakers in "_s), qPrintable(title));
    const int members = m_model->rowCount(group);
    const QString summary = group.siblingAtColumn(Model::SummaryColumn).data().toString();
    QVERIFY2(summary.startsWith(u"%1 alerts · "_s.arg(members)), qPrintable(summary));
    QVERIFY(group.data(Model::FiringCountRole).toInt() > 0);
    QVERIFY(m_view->isExpanded(group)); // a new group with something firing opens
    // Folded by the operator, it stays folded across updates (a regroup resets the model); unfolded again, too.
    m_view->collapse(group);
    QSignalSpy reset(m_model, &QAbstractItemModel::modelReset);
    m_app->alertDesk().regroup();
    QVERIFY(reset.size() >= 1);
    QVERIFY(!m_view->isExpanded(incidentGroup()));
    m_view->expand(incidentGroup());
    m_app->alertDesk().regroup();
    QVERIFY(m_view->isExpanded(incidentGroup()));
    // Every alert in it is of a breaker guarding the payments gateway, and no such alert is elsewhere.
    for (int r = 0; r < members; ++r) {
        const QString breaker = m_model->index(r, Model::BreakerColumn, group).data().toString();
        QVERIFY2(breaker.contains(u"ayment"_s), qPrintable(breaker));
    }
    // No storm: the wave made a handful of notifications, one of them for the incident.
    const int fired = static_cast<int>(m_app->alerts().alerts().size());
    QVERIFY2(fired >= members, qPrintable(QString::number(fired)));
    QVERIFY2(m_notifications->size() <= 4 + 2, qPrintable(QString::number(m_notifications->size())));
    QVERIFY(m_notifications->size() < fired);
    bool incidentNotified = false;
    for (const QList<QVariant> &n : std::as_const(*m_notifications))
        incidentNotified |=
            n.at(0).value<bw::NotificationThrottle::Notification>().title.startsWith(u"payments-gateway: "_s) ||
            n.at(0).value<bw::NotificationThrottle::Notification>().summary;
    QVERIFY(incidentNotified);
    screenshot(u"alerts-grouped.png"_s);
}

void TestAlertsPanel::acknowledgeAGroup()
{
    QModelIndex group = incidentGroup();
    QVERIFY(group.isValid());
    const int members = m_model->rowCount(group);
    const qsizetype audited = m_app->audit().entries().size();
    m_view->setFocus();
    m_view->setCurrentIndex(group);
    m_view->selectionModel()->select(group, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    QVERIFY(m_panel->acknowledgeAction()->isEnabled());
    QTest::keyClick(m_view, Qt::Key_K, Qt::ControlModifier);
    group = incidentGroup();
    // Every alert that fired is acknowledged by this operator now, dimmed, and still listed.
    int acknowledged = 0;
    for (int r = 0; r < m_model->rowCount(group); ++r) {
        const QModelIndex row = m_model->index(r, 0, group);
        if (!row.data(Model::ActiveRole).toBool())
            continue;
        if (!row.data(Model::AcknowledgedRole).toBool())
            continue; // fired after the key press
        ++acknowledged;
        const QString status = row.siblingAtColumn(Model::StatusColumn).data().toString();
        QVERIFY2(status.startsWith(u"ack "_s + bw::operatorName() + u' '), qPrintable(status));
        QCOMPARE(row.data(Qt::ForegroundRole).value<QColor>(),
                 QGuiApplication::palette().color(QPalette::Disabled, QPalette::Text));
    }
    QVERIFY2(acknowledged >= members - 1 && acknowledged > 0, qPrintable(u"%1 of %2"_s.arg(acknowledged).arg(members)));
    QVERIFY(m_model->rowCount(group) >= members); // nothing went away
    QCOMPARE(group.data(Model::AcknowledgedRole).toInt(), acknowledged);
    // Audited, one entry per alert.
    int entries = 0;
    for (qsizetype i = audited; i < m_app->audit().entries().size(); ++i)
        entries += m_app->audit().entries()[i].action == u"acknowledge"_s ? 1 : 0;
    QCOMPARE(entries, acknowledged);
    auto *summary = m_window->findChild<QLabel *>(u"alertsSummary"_s);
    QTRY_VERIFY(summary->text().contains(u"acknowledged"_s));
    // The selection survives the update.
    QCOMPARE(m_view->currentIndex().data(Model::GroupKeyRole).toString(), m_incidentKey);
}

void TestAlertsPanel::silenceAServiceThenExpireIt()
{
    // An alert of the incident: silence its whole service from the real dialog, opened by the shortcut.
    const QModelIndex group = incidentGroup();
    QVERIFY(group.isValid());
    const QModelIndex alert = m_model->index(0, 0, group);
    const QString service = alert.siblingAtColumn(Model::ServiceColumn).data().toString();
    m_view->setCurrentIndex(alert);
    m_view->selectionModel()->select(alert, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    QString shownMatchers;
    QString where;
    bool okEnabledWithoutComment = true;
    QTimer::singleShot(200, this, [&] {
        auto *dialog = qobject_cast<QDialog *>(QApplication::activeModalWidget());
        if (!dialog)
            return;
        auto *scope = dialog->findChild<QComboBox *>(u"silenceScope"_s);
        auto *comment = dialog->findChild<QLineEdit *>(u"silenceComment"_s);
        auto *buttons = dialog->findChild<QDialogButtonBox *>();
        okEnabledWithoutComment = buttons->button(QDialogButtonBox::Ok)->isEnabled();
        scope->setCurrentIndex(0); // the service: every breaker, every instance
        QTest::keyClicks(comment, u"payments maintenance, OPS-7"_s);
        shownMatchers = dialog->findChild<QLabel *>(u"silenceMatchers"_s)->text();
        for (QLabel *label : dialog->findChildren<QLabel *>())
            if (label->text().contains(u"desktop only"_s))
                where = label->text();
        buttons->button(QDialogButtonBox::Ok)->click();
    });
    QTest::keyClick(m_view, Qt::Key_S, Qt::ControlModifier | Qt::ShiftModifier);
    QVERIFY(!okEnabledWithoutComment); // a silence says why
    QCOMPARE(shownMatchers, u"service=\"%1\""_s.arg(service));
    QVERIFY2(!where.isEmpty(), "no Alertmanager configured: the dialog says the silence stays on this desktop");

    // Every active alert of that service, in whatever group, is silenced here; the silence is listed.
    const auto silencedOf = [this, &service](bool wanted) {
        int count = 0;
        for (int g = 0; g < m_model->rowCount(); ++g)
            for (int r = 0; r < m_model->rowCount(m_model->index(g, 0)); ++r) {
                const QModelIndex row = m_model->index(r, 0, m_model->index(g, 0));
                if (row.data(Model::ActiveRole).toBool() &&
                    row.siblingAtColumn(Model::ServiceColumn).data().toString() == service)
                    count += row.data(Model::SilencedRole).toBool() == wanted ? 1 : 0;
            }
        return count;
    };
    QVERIFY(silencedOf(true) >= 1);
    QCOMPARE(silencedOf(false), 0);
    const QModelIndex row = m_model->indexOfRowKey(alert.data(Model::RowKeyRole).toString());
    QVERIFY(row.siblingAtColumn(Model::StatusColumn).data().toString().contains(u"silenced"_s));
    QVERIFY(row.data(Qt::ToolTipRole).toString().contains(u"payments maintenance, OPS-7"_s));
    auto *silences = m_window->findChild<QTableView *>(u"silences"_s);
    QCOMPARE(silences->model()->rowCount(), 1);
    QCOMPARE(silences->model()->index(0, 0).data().toString(), u"service=\"%1\""_s.arg(service));
    QCOMPARE(m_app->alertDesk().localSilences().size(), 1);
    QCOMPARE(m_app->audit().entries().back().action, u"silence"_s);
    QVERIFY2(m_window->findChild<QLabel *>(u"alertsSummary"_s)->text().contains(u"1 silence in force"_s),
             qPrintable(m_window->findChild<QLabel *>(u"alertsSummary"_s)->text()));
    QVERIFY(m_app->audit().entries().back().detail.contains(u"payments maintenance, OPS-7"_s));
    screenshot(u"alerts-handled.png"_s);

    // Expired: the service's alerts are not silenced any more.
    QVERIFY(!m_panel->expireAction()->isEnabled());
    silences->selectRow(0);
    QVERIFY(m_panel->expireAction()->isEnabled());
    m_panel->expireAction()->trigger();
    QCOMPARE(silences->model()->rowCount(), 0);
    QCOMPARE(silencedOf(true), 0);
    QCOMPARE(m_app->audit().entries().back().action, u"expire silence"_s);
}

QTEST_MAIN(TestAlertsPanel)
#include "tst_alertspanel.moc"
