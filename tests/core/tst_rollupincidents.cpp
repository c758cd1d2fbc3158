#include "fleet/rollup.h"
#include "incidents/incident.h"

#include <QTest>

#include <algorithm>

using namespace Qt::StringLiterals;
using bw::BreakerId;
using bw::BreakerState;
using bw::BreakerStatus;
using bw::Severity;

namespace {

BreakerStatus status(const BreakerId &id, BreakerState state, std::int64_t since = 0)
{
    BreakerStatus s;
    s.id = id;
    s.name = id.key();
    s.state = state;
    s.stateSinceMs = since;
    return s;
}

BreakerId named(const QString &service, const QString &breaker, const QString &instance = u"10.0.0.1:8080"_s)
{
    return {service, instance, breaker};
}

} // namespace

class TestRollUpIncidents final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void worstOfSimulatedAndReal();
    void severityOrder();
    void moreUrgentOrdersInstances();
    void rollUpOfInstances();
    void rollUpDescribesWhatNeedsALook_data();
    void rollUpDescribesWhatNeedsALook();
    void downstreamSpellingsMeet_data();
    void downstreamSpellingsMeet();
    void sharedDownstreamIsOneIncident();
    void unrelatedOpensAreNotAnIncident();
    void oneServiceIsNotAnIncident();
    void opensFarApartAreSeparate();
    void incidentsFromStatuses();
};

void TestRollUpIncidents::worstOfSimulatedAndReal()
{
    BreakerStatus s = status(named(u"a"_s, u"b"_s), BreakerState::Closed);
    QCOMPARE(bw::worstState(s), BreakerState::Closed);
    s.observedState = BreakerState::HalfOpen;
    QCOMPARE(bw::worstState(s), BreakerState::HalfOpen);
    s.state = BreakerState::Open;
    QCOMPARE(bw::worstState(s), BreakerState::Open);
    s.state = BreakerState::MetricsOnly; // passes calls: the real half-open is worse
    QCOMPARE(bw::worstState(s), BreakerState::HalfOpen);
    QVERIFY(bw::worseState(BreakerState::Open, BreakerState::ForcedOpen));
    QVERIFY(bw::worseState(BreakerState::ForcedOpen, BreakerState::HalfOpen));
    QVERIFY(!bw::worseState(BreakerState::Closed, BreakerState::Disabled));
}

void TestRollUpIncidents::severityOrder()
{
    BreakerStatus open = status(named(u"a"_s, u"x"_s), BreakerState::Open);
    BreakerStatus half = status(named(u"a"_s, u"y"_s), BreakerState::HalfOpen);
    BreakerStatus flapping = status(named(u"a"_s, u"z"_s), BreakerState::Closed);
    flapping.flapping = true;
    BreakerStatus failing = status(named(u"b"_s, u"x"_s), BreakerState::Closed);
    failing.lastCheckMs = 10;
    failing.lastOutcome = bw::ProbeOutcomeKind::Timeout;
    BreakerStatus slow = status(named(u"b"_s, u"y"_s), BreakerState::Closed);
    slow.lastCheckMs = 10;
    slow.lastOutcome = bw::ProbeOutcomeKind::Slow;
    BreakerStatus neverPolled = status(named(u"b"_s, u"z"_s), BreakerState::Closed); // Other, but not polled yet
    BreakerStatus stale = status(named(u"c"_s, u"x"_s), BreakerState::Closed);
    stale.stale = true;
    QCOMPARE(bw::severityOf(open), Severity::Open);
    QCOMPARE(bw::severityOf(half), Severity::HalfOpen);
    QCOMPARE(bw::severityOf(flapping), Severity::Flapping);
    QCOMPARE(bw::severityOf(failing), Severity::Failing);
    QCOMPARE(bw::severityOf(slow), Severity::Fine);
    QCOMPARE(bw::severityOf(neverPolled), Severity::Fine);
    QCOMPARE(bw::severityOf(stale), Severity::Stale);
    // A flapping breaker that is open now is open first.
    open.flapping = true;
    QCOMPARE(bw::severityOf(open), Severity::Open);
    QVERIFY(Severity::Open < Severity::HalfOpen && Severity::HalfOpen < Severity::Flapping &&
            Severity::Flapping < Severity::Failing && Severity::Failing < Severity::Fine);
}

void TestRollUpIncidents::moreUrgentOrdersInstances()
{
    const auto on = [](const QString &instance) { return named(u"a"_s, u"x"_s, instance); };
    BreakerStatus closed = status(on(u"10.0.0.1:80"_s), BreakerState::Closed);
    BreakerStatus openLate = status(on(u"10.0.0.2:80"_s), BreakerState::Open, 5'000);
    BreakerStatus openEarly = status(on(u"10.0.0.3:80"_s), BreakerState::Open, 1'000);
    BreakerStatus half = status(on(u"10.0.0.4:80"_s), BreakerState::HalfOpen, 500);
    BreakerStatus closedToo = status(on(u"10.0.0.0:80"_s), BreakerState::Closed);
    std::vector<BreakerStatus> all = {closed, openLate, half, closedToo, openEarly};
    std::sort(all.begin(), all.end(), bw::moreUrgent);
    QStringList order;
    for (const BreakerStatus &s : all)
        order << s.id.instance;
    // Open before half-open whatever its age; of two opens the older first; equals by name.
    QCOMPARE(order,
             QStringList({u"10.0.0.3:80"_s, u"10.0.0.2:80"_s, u"10.0.0.4:80"_s, u"10.0.0.0:80"_s, u"10.0.0.1:80"_s}));
    QVERIFY(!bw::moreUrgent(closed, closed)); // a strict order
}

void TestRollUpIncidents::rollUpOfInstances()
{
    std::vector<BreakerStatus> instances{
        status(named(u"checkout"_s, u"paymentGateway"_s, u"h1:1"_s), BreakerState::Open, 5000),
        status(named(u"checkout"_s, u"paymentGateway"_s, u"h2:1"_s), BreakerState::Closed, 100),
        status(named(u"checkout"_s, u"paymentGateway"_s, u"h3:1"_s), BreakerState::Closed, 100),
    };
    instances[2].observedState = BreakerState::Open; // the real breaker opened earlier than the simulated one
    instances[2].observedSinceMs = 3000;
    instances[0].requestsPerSecond = 2.5;
    instances[1].requestsPerSecond = 1.5;
    instances[1].opensLast10Min = 1;
    instances[1].observedOpensLast10Min = 2;
    const bw::RollUp up = bw::rollUp(instances);
    QCOMPARE(up.members, 3);
    QCOMPARE(up.open, 2);
    QCOMPARE(up.notClosed, 2);
    QCOMPARE(up.halfOpen, 0);
    QCOMPARE(up.worst, BreakerState::Open);
    QCOMPARE(up.severity, Severity::Open);
    QCOMPARE(up.notClosedSinceMs, std::optional<std::int64_t>(3000));
    QCOMPARE(up.requestsPerSecond, 4.0);
    QCOMPARE(up.opensInWindow, 2); // the worse of the two breakers' counts per member
    QCOMPARE(up.describe(u"instances"_s), u"2 of 3 instances open"_s);

    const bw::RollUp none = bw::rollUp(std::vector<BreakerStatus>{});
    QCOMPARE(none.members, 0);
    QCOMPARE(none.requestsPerSecond, -1.0);
    QVERIFY(!none.notClosedSinceMs);
    QCOMPARE(none.severity, Severity::Fine);
}

void TestRollUpIncidents::rollUpDescribesWhatNeedsALook_data()
{
    QTest::addColumn<QList<int>>("states");
    QTest::addColumn<int>("flappingCount");
    QTest::addColumn<QString>("text");
    const int closed = int(BreakerState::Closed), half = int(BreakerState::HalfOpen),
              disabled = int(BreakerState::Disabled);
    QTest::newRow("all closed") << QList<int>{closed, closed, closed} << 0 << u"3 breakers"_s;
    QTest::newRow("one half-open") << QList<int>{half, closed} << 0 << u"1 of 2 breakers half-open"_s;
    QTest::newRow("one disabled") << QList<int>{disabled, closed} << 0 << u"1 of 2 breakers not closed"_s;
    QTest::newRow("flapping") << QList<int>{closed, closed} << 1 << u"1 of 2 breakers flapping"_s;
}

void TestRollUpIncidents::rollUpDescribesWhatNeedsALook()
{
    QFETCH(QList<int>, states);
    QFETCH(int, flappingCount);
    std::vector<BreakerStatus> members;
    for (int i = 0; i < states.size(); ++i) {
        members.push_back(status(named(u"s"_s, QString::number(i)), BreakerState(states[i])));
        members.back().flapping = i < flappingCount;
    }
    QTEST(bw::rollUp(members).describe(u"breakers"_s), "text");
}

void TestRollUpIncidents::downstreamSpellingsMeet_data()
{
    QTest::addColumn<QString>("breaker");
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("display");
    QTest::newRow("resilience4j") << u"paymentGateway"_s << u"payment gateway"_s << u"paymentGateway"_s;
    QTest::newRow("opossum") << u"payments-gateway"_s << u"payment gateway"_s << u"payments-gateway"_s;
    QTest::newRow("status page URL") << u"https://payments-gateway.internal/v1"_s << u"payment gateway"_s
                                     << u"payments-gateway"_s;
    QTest::newRow("client suffix") << u"PaymentsGatewayClient"_s << u"payment gateway"_s << u"PaymentsGatewayClient"_s;
    QTest::newRow("acronym") << u"HTTPInventoryAPI"_s << u"inventory"_s << u"HTTPInventoryAPI"_s;
    QTest::newRow("other") << u"inventoryClient"_s << u"inventory"_s << u"inventoryClient"_s;
    QTest::newRow("nothing left") << u"httpClient"_s << QString() << QString();
}

void TestRollUpIncidents::downstreamSpellingsMeet()
{
    QFETCH(QString, breaker);
    QFETCH(QString, key);
    const std::optional<bw::Downstream> downstream = bw::downstreamOf(named(u"svc"_s, breaker));
    QCOMPARE(downstream.has_value(), !key.isEmpty());
    if (downstream) {
        QCOMPARE(downstream->key, key);
        QTEST(downstream->display, "display");
    }
    QVERIFY(!bw::downstreamOf(BreakerId{u"svc"_s, u"h:1"_s, {}})); // the health breaker guards no dependency
}

void TestRollUpIncidents::sharedDownstreamIsOneIncident()
{
    const std::int64_t t0 = 1'000'000;
    std::vector<bw::IncidentMember> opened{
        {named(u"checkout"_s, u"paymentGateway"_s, u"c1:1"_s), t0},
        {named(u"checkout"_s, u"paymentGateway"_s, u"c2:1"_s), t0 + 3000},
        {named(u"orders"_s, u"payments-gateway"_s), t0 + 12'000},
        {named(u"payments"_s, u"https://payments-gateway.internal/v1"_s), t0 + 20'000},
        {named(u"subscriptions"_s, u"paymentGateway"_s, u"s1:1"_s), t0 + 31'000},
        {named(u"subscriptions"_s, u"paymentGateway"_s, u"s2:1"_s), t0 + 35'000},
        {named(u"refunds"_s, u"payments-gateway"_s), t0 + 40'000},
        // Unrelated, at the same time: not part of it.
        {named(u"notifications"_s, u"sms"_s), t0 + 10'000},
    };
    std::reverse(opened.begin(), opened.end()); // the input's order does not matter
    const std::vector<bw::Incident> incidents = bw::findIncidents(opened);
    QCOMPARE(incidents.size(), std::size_t(1));
    const bw::Incident &incident = incidents.front();
    QCOMPARE(incident.members.size(), std::size_t(7));
    QCOMPARE(incident.services, 5);
    QCOMPARE(incident.firstOpenMs(), t0);
    QCOMPARE(incident.lastOpenMs(), t0 + 40'000);
    QCOMPARE(incident.members.front().id.instance, u"c1:1"_s);
    QVERIFY(incident.contains(named(u"payments"_s, u"https://payments-gateway.internal/v1"_s)));
    QVERIFY(!incident.contains(named(u"notifications"_s, u"sms"_s)));
    QCOMPARE(incident.title(), u"payments-gateway: 7 breakers in 5 services opened within 40 s"_s);
    QCOMPARE(incident.key, u"payment gateway@%1"_s.arg(t0));
}

void TestRollUpIncidents::unrelatedOpensAreNotAnIncident()
{
    const std::int64_t t0 = 50'000;
    const std::vector<bw::IncidentMember> opened{
        {named(u"checkout"_s, u"inventoryClient"_s), t0},   {named(u"orders"_s, u"fraudCheck"_s), t0 + 1000},
        {named(u"notifications"_s, u"email"_s), t0 + 2000}, {named(u"shipping"_s, u"carrier-api"_s), t0 + 3000},
        {BreakerId{u"search"_s, u"h:1"_s, {}}, t0}, // health breakers of two services, no shared dependency
        {BreakerId{u"ledger"_s, u"h:1"_s, {}}, t0},
    };
    QVERIFY(bw::findIncidents(opened).empty());
}

void TestRollUpIncidents::oneServiceIsNotAnIncident()
{
    // Three instances of one service losing the same downstream are that service's trouble, already rolled up.
    const std::vector<bw::IncidentMember> opened{
        {named(u"checkout"_s, u"paymentGateway"_s, u"c1:1"_s), 0},
        {named(u"checkout"_s, u"paymentGateway"_s, u"c2:1"_s), 1000},
        {named(u"checkout"_s, u"paymentGateway"_s, u"c3:1"_s), 2000},
    };
    QVERIFY(bw::findIncidents(opened).empty());
    bw::IncidentRule rule;
    rule.minServices = 1;
    QCOMPARE(bw::findIncidents(opened, rule).size(), std::size_t(1));
}

void TestRollUpIncidents::opensFarApartAreSeparate()
{
    // The same downstream, but an hour apart: two incidents, not one.
    const std::int64_t hour = 3'600'000;
    const std::vector<bw::IncidentMember> opened{
        {named(u"checkout"_s, u"paymentGateway"_s), 0},
        {named(u"orders"_s, u"payments-gateway"_s), 20'000},
        {named(u"payments"_s, u"payments-gateway"_s), 90'000}, // outside the first's 60-s window, alone
        {named(u"checkout"_s, u"paymentGateway"_s, u"c2:1"_s), hour},
        {named(u"refunds"_s, u"payments-gateway"_s), hour + 5000},
    };
    const std::vector<bw::Incident> incidents = bw::findIncidents(opened);
    QCOMPARE(incidents.size(), std::size_t(2));
    QCOMPARE(incidents[0].firstOpenMs(), 0);
    QCOMPARE(incidents[0].members.size(), std::size_t(2));
    QCOMPARE(incidents[1].firstOpenMs(), hour);
    QVERIFY(!incidents[0].contains(named(u"payments"_s, u"payments-gateway"_s)));
    QVERIFY(!incidents[1].contains(named(u"payments"_s, u"payments-gateway"_s)));
}

void TestRollUpIncidents::incidentsFromStatuses()
{
    std::vector<BreakerStatus> statuses{
        status(named(u"checkout"_s, u"paymentGateway"_s), BreakerState::Open, 1000),
        status(named(u"orders"_s, u"payments-gateway"_s), BreakerState::Closed),
        status(named(u"payments"_s, u"payments-gateway"_s), BreakerState::HalfOpen, 9000),
        status(named(u"refunds"_s, u"payments-gateway"_s), BreakerState::Open, 4000),
    };
    statuses[1].observedState = BreakerState::Open; // only the real breaker is open: it counts
    statuses[1].observedSinceMs = 2000;
    statuses[3].stale = true; // its source no longer shows it: not evidence
    const std::vector<bw::Incident> incidents = bw::findIncidents(statuses);
    QCOMPARE(incidents.size(), std::size_t(1));
    QCOMPARE(incidents[0].members.size(), std::size_t(3));
    QCOMPARE(incidents[0].members[1].id.service, u"orders"_s);
    QCOMPARE(incidents[0].members[1].openedAtMs, 2000);
    QVERIFY(!incidents[0].contains(statuses[3].id));
    statuses[0].state = BreakerState::Closed;
    statuses[2].state = BreakerState::Closed;
    QVERIFY(bw::findIncidents(statuses).empty()); // once they close, the incident is over
}

QTEST_GUILESS_MAIN(TestRollUpIncidents)
#include "tst_rollupincidents.moc"
