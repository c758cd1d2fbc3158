// Operator actions over real loopback HTTP: the simulated breaker changes at once, the demo service's own
// (Resilience4j-shaped) breaker through its actuator; every action lands in the audit log with its outcome.
#include "config/configloader.h"
#include "control/breakercontrol.h"
#include "demo/demofleet.h"
#include "httpserver/httpserver.h"
#include "monitor/fleetmonitor.h"
#include "probe/httpprober.h"

#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;

class TestBreakerControl final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void simulatedActionsAreAudited();
    void remoteForceOpenAndReset();
    void remoteWithoutAnswerIsUnknown();

private:
    QElapsedTimer m_clock;
    QNetworkAccessManager m_network;
    std::unique_ptr<bw::HttpProber> m_prober;
    std::unique_ptr<bw::DemoFleet> m_fleet;
    std::unique_ptr<bw::FleetMonitor> m_monitor;
    bw::AuditLog m_audit;
    std::unique_ptr<bw::BreakerControl> m_control;
    bw::BreakerId m_checkout;
    bw::BreakerId m_searchReal;
};

void TestBreakerControl::initTestCase()
{
    m_clock.start();
    m_prober = std::make_unique<bw::HttpProber>(&m_network);
    m_fleet = std::make_unique<bw::DemoFleet>([this] { return m_clock.elapsed(); }, 0);
    QVERIFY(
        m_fleet->start({QHostAddress::LocalHost, 0, 2, u"healthy"_s, 3, bw::FleetLayout::OneBreakerPerService}).ok());
    const bw::PresetCatalog catalog;
    const auto config = bw::ConfigLoader(catalog).loadText(m_fleet->configYaml(500), u"demo"_s, {});
    QVERIFY(config.ok());
    m_monitor = std::make_unique<bw::FleetMonitor>(m_prober.get(), [this] { return m_clock.elapsed(); });
    m_monitor->setConfig(*config);
    m_control = std::make_unique<bw::BreakerControl>(m_monitor.get(), m_prober.get(), &m_audit,
                                                     [this] { return m_clock.elapsed(); });
    m_checkout = {u"checkout"_s, config->services[0].instanceName(), {}};
    m_searchReal = {u"search"_s, config->services[1].instanceName(), u"downstream"_s};
    // The real breaker named by remote_breaker is found on the first scrape.
    m_monitor->start();
    QTRY_VERIFY_WITH_TIMEOUT(m_monitor->contains(m_searchReal), 5000);
    m_monitor->stop();
}

void TestBreakerControl::simulatedActionsAreAudited()
{
    QVERIFY(m_control->actOnSimulated(m_checkout, bw::OperatorAction::ForceOpen).ok());
    QCOMPARE(m_monitor->status(m_checkout).state, bw::BreakerState::ForcedOpen);
    QVERIFY(m_control->actOnSimulated(m_checkout, bw::OperatorAction::Disable).ok());
    const bw::Status again = m_control->actOnSimulated(m_checkout, bw::OperatorAction::Disable);
    QVERIFY(!again.ok());
    QVERIFY(m_control->actOnSimulated(m_checkout, bw::OperatorAction::Reset).ok());
    QCOMPARE(m_monitor->status(m_checkout).state, bw::BreakerState::Closed);

    const QList<bw::AuditEntry> &log = m_audit.entries();
    QCOMPARE(log.size(), 4);
    QCOMPARE(log[0].service, m_checkout.key()); // audited per instance
    QCOMPARE(log[0].target, u"simulated breaker"_s);
    QCOMPARE(log[0].action, u"force open"_s);
    QCOMPARE(log[0].outcome, u"done"_s);
    QCOMPARE(log[0].who, bw::operatorName());
    QVERIFY(!log[0].who.isEmpty());
    QCOMPARE(log[2].outcome, u"refused"_s);
    QCOMPARE(log[2].detail, again.error());
    QCOMPARE(log[3].action, u"reset"_s);
    QVERIFY(log[3].atMs >= log[0].atMs);
    QVERIFY(!m_control->actOnSimulated({u"nobody"_s, u"x:1"_s, {}}, bw::OperatorAction::Reset).ok());
    QCOMPARE(m_audit.entries().size(), 4); // nothing to audit for a service that does not exist
}

void TestBreakerControl::remoteForceOpenAndReset()
{
    QVERIFY(m_control->hasRemote(m_searchReal));
    QSignalSpy finished(m_control.get(), &bw::BreakerControl::remoteFinished);
    QSignalSpy changed(&m_audit, &bw::AuditLog::entryChanged);
    const qsizetype before = m_audit.entries().size();

    QVERIFY(m_control->actOnRemote(m_searchReal, bw::OperatorAction::ForceOpen).ok());
    QCOMPARE(m_audit.entries().back().outcome, u"pending"_s); // written before the answer
    QTRY_COMPARE(finished.size(), 1);
    QCOMPARE(finished.at(0).at(0).value<bw::BreakerId>(), m_searchReal);
    const auto result = finished.at(0).at(1).value<bw::RemoteActionResult>();
    QCOMPARE(result.outcome, bw::RemoteActionResult::Outcome::Done);
    QCOMPARE(m_fleet->services()[1]->breaker().snapshot().state, bw::BreakerState::ForcedOpen);
    QCOMPARE(m_audit.entries().size(), before + 1);
    QCOMPARE(m_audit.entries().back().outcome, u"done"_s);
    QCOMPARE(m_audit.entries().back().target, u"real breaker"_s);
    QCOMPARE(changed.size(), 1);

    QVERIFY(m_control->actOnRemote(m_searchReal, bw::OperatorAction::Reset).ok());
    QTRY_COMPARE(finished.size(), 2);
    QCOMPARE(m_fleet->services()[1]->breaker().snapshot().state, bw::BreakerState::Closed);
    QVERIFY(!m_control->actOnRemote(m_searchReal, bw::OperatorAction::MetricsOnly).ok());
}

void TestBreakerControl::remoteWithoutAnswerIsUnknown()
{
    bw::HttpServer silent;
    silent.route("POST", u"/actuator/circuitbreakers/*"_s, [](const bw::HttpRequest &, bw::HttpResponder) {});
    QVERIFY(silent.listen(QHostAddress::LocalHost, 0).ok());
    const QByteArray yaml = "global: {interval: 300ms, timeout: 300ms}\nservices:\n  - name: quiet\n"
                            "    health: {url: 'http://127.0.0.1:1/health'}\n"
                            "    remote_breaker: {url: 'http://127.0.0.1:" +
                            QByteArray::number(silent.port()) + "/actuator/circuitbreakers/x'}\n";
    const bw::PresetCatalog catalog;
    const auto config = bw::ConfigLoader(catalog).loadText(yaml, u"t.yml"_s, {});
    QVERIFY2(config.ok(), qPrintable(config.ok() ? QString() : config.error()));
    bw::FleetMonitor monitor(m_prober.get(), [this] { return m_clock.elapsed(); });
    monitor.setConfig(*config);
    bw::AuditLog audit;
    bw::BreakerControl control(&monitor, m_prober.get(), &audit, [this] { return m_clock.elapsed(); });
    QSignalSpy finished(&control, &bw::BreakerControl::remoteFinished);
    QVERIFY(control.actOnRemote({u"quiet"_s, u"127.0.0.1:1"_s, {}}, bw::OperatorAction::Reset).ok());
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 3000);
    QCOMPARE(audit.entries().front().outcome, u"unknown"_s);
    QVERIFY2(audit.entries().front().detail.contains(u"may"_s), qPrintable(audit.entries().front().detail));
}

QTEST_MAIN(TestBreakerControl)
#include "tst_breakercontrol.moc"
