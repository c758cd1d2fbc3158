// Remote breaker actions against the demo fleet's real actuator endpoints, and against misbehaving servers.
#include "../support/faultserver.h"

#include "demo/demofleet.h"
#include "remote/remotebreakerclient.h"

#include <QNetworkAccessManager>
#include <QTest>

using namespace Qt::StringLiterals;
using Outcome = bw::RemoteActionResult::Outcome;

class TestRemoteBreaker final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void actuatorActions();
    void unknownBreakerIsRefused();
    void silenceIsUnknownNotRetried();
    void redirectsAreNotFollowed();
    void customRequestTemplate();

private:
    bw::RemoteActionResult perform(const bw::RemoteBreakerBinding &binding, bw::RemoteAction action,
                                   int timeoutMs = 3000)
    {
        bw::HttpProber prober(&m_network);
        bw::RemoteBreakerClient client(&prober, binding, timeoutMs);
        std::optional<bw::RemoteActionResult> result;
        client.perform(action, [&result](const bw::RemoteActionResult &r) { result = r; });
        [&] { QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), timeoutMs + 1000); }();
        return result.value_or(bw::RemoteActionResult{});
    }

    QNetworkAccessManager m_network;
};

void TestRemoteBreaker::actuatorActions()
{
    bw::DemoFleet fleet([] { return 10'000; }, 0);
    QVERIFY(fleet.start({QHostAddress::LocalHost, 0, 1, u"healthy"_s, 1, bw::FleetLayout::OneBreakerPerService}).ok());
    bw::RemoteBreakerBinding binding;
    binding.url = fleet.services()[0]->baseUrl().resolved(QUrl(u"/actuator/circuitbreakers/downstream"_s));

    const bw::RemoteActionResult forced = perform(binding, bw::RemoteAction::ForceOpen);
    QCOMPARE(forced.outcome, Outcome::Done);
    QCOMPARE(forced.currentState, bw::BreakerState::ForcedOpen);
    QCOMPARE(fleet.services()[0]->breaker().state(), bw::BreakerState::ForcedOpen);

    const bw::RemoteActionResult disabled = perform(binding, bw::RemoteAction::Disable);
    QCOMPARE(disabled.currentState, bw::BreakerState::Disabled);

    const bw::RemoteActionResult reset = perform(binding, bw::RemoteAction::Reset);
    QCOMPARE(reset.outcome, Outcome::Done);
    QCOMPARE(reset.currentState, bw::BreakerState::Closed);
    QCOMPARE(fleet.services()[0]->breaker().state(), bw::BreakerState::Closed);
}

void TestRemoteBreaker::unknownBreakerIsRefused()
{
    bw::DemoFleet fleet([] { return 0; }, 0);
    QVERIFY(fleet.start({QHostAddress::LocalHost, 0, 1, u"healthy"_s, 1, bw::FleetLayout::OneBreakerPerService}).ok());
    bw::RemoteBreakerBinding binding;
    binding.url = fleet.services()[0]->baseUrl().resolved(QUrl(u"/actuator/circuitbreakers/nope"_s));
    const bw::RemoteActionResult result = perform(binding, bw::RemoteAction::Reset);
    QCOMPARE(result.outcome, Outcome::Refused);
    QCOMPARE(result.httpStatus, 404);
    QVERIFY(result.message.startsWith(u"reset refused"_s));
}

void TestRemoteBreaker::silenceIsUnknownNotRetried()
{
    FaultServer server;
    bw::RemoteBreakerBinding binding;
    binding.url = QUrl(server.base() + u"/silent"_s);
    const bw::RemoteActionResult result = perform(binding, bw::RemoteAction::ForceOpen, 500);
    QCOMPARE(result.outcome, Outcome::Unknown);
    QVERIFY(result.message.contains(u"may or may not have been applied"_s));
    QTest::qWait(300);
    QCOMPARE(server.requests().size(), 1); // exactly one attempt
    QCOMPARE(server.requests()[0].method, QByteArray("POST"));
}

void TestRemoteBreaker::redirectsAreNotFollowed()
{
    FaultServer server;
    bw::RemoteBreakerBinding binding;
    binding.url = QUrl(server.base() + u"/redirect?to=/ok"_s);
    const bw::RemoteActionResult result = perform(binding, bw::RemoteAction::Reset);
    QCOMPARE(result.outcome, Outcome::Refused);
    QCOMPARE(result.httpStatus, 302);
    QCOMPARE(server.requests().size(), 1);
}

void TestRemoteBreaker::customRequestTemplate()
{
    FaultServer server;
    bw::RemoteBreakerBinding binding;
    binding.kind = u"request"_s;
    binding.url = QUrl(server.base() + u"/ok"_s);
    binding.method = u"PUT"_s;
    binding.bodyTemplate = R"({"breaker":"db","action":"{action}"})";
    const bw::RemoteActionResult result = perform(binding, bw::RemoteAction::ForceOpen);
    QCOMPARE(result.outcome, Outcome::Done);
    QCOMPARE(server.requests()[0].method, QByteArray("PUT"));
}

QTEST_GUILESS_MAIN(TestRemoteBreaker)
#include "tst_remotebreaker.moc"
