// The incidents alert grouping files breakers under, time driven by hand: found from the statuses as core finds
// correlated incidents, titled by Incident::title(), kept under one key while the incident lasts (even when its
// first breaker closes), remembered for the breakers that closed until some time after the incident ended.
#include "alerts/alertincidents.h"

#include <QTest>

using namespace Qt::StringLiterals;
using bw::BreakerId;
using bw::BreakerState;
using bw::BreakerStatus;

namespace {

BreakerStatus status(const BreakerId &id, BreakerState state, std::int64_t since)
{
    BreakerStatus s;
    s.id = id;
    s.name = id.key();
    s.state = state;
    s.stateSinceMs = since;
    return s;
}

BreakerId gateway(const QString &service)
{
    return {service, u"10.0.0.1:8080"_s, u"paymentGateway"_s};
}

} // namespace

class TestAlertIncidents final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void filesTheBreakersOfAnIncident();
    void keepsItsKeyWhenTheFirstBreakerCloses();
    void remembersClosedBreakersForAWhile();
};

void TestAlertIncidents::filesTheBreakersOfAnIncident()
{
    bw::AlertIncidents incidents;
    const BreakerId search{u"search"_s, u"10.0.0.9:80"_s, {}};
    std::vector<BreakerStatus> statuses{status(gateway(u"checkout"_s), BreakerState::Open, 1000),
                                        status(gateway(u"orders"_s), BreakerState::Open, 1500),
                                        status(search, BreakerState::Open, 1200)};
    QVERIFY(incidents.update(statuses, 2000));
    const auto checkout = incidents.incidentOf(gateway(u"checkout"_s));
    QVERIFY(checkout.has_value());
    QCOMPARE(checkout->title, u"paymentGateway: 2 breakers in 2 services opened within 1 s"_s);
    QCOMPARE(incidents.incidentOf(gateway(u"orders"_s)), checkout);
    QVERIFY(!incidents.incidentOf(search));     // a health breaker guards no downstream
    QVERIFY(!incidents.update(statuses, 3000)); // nothing moved
    // A third service joins: the same incident, a new title.
    statuses.push_back(status(gateway(u"billing"_s), BreakerState::Open, 1900));
    QVERIFY(incidents.update(statuses, 4000));
    QCOMPARE(incidents.incidentOf(gateway(u"billing"_s))->key, checkout->key);
    QCOMPARE(incidents.incidentOf(gateway(u"billing"_s))->title,
             u"paymentGateway: 3 breakers in 3 services opened within 1 s"_s);
}

void TestAlertIncidents::keepsItsKeyWhenTheFirstBreakerCloses()
{
    bw::AlertIncidents incidents;
    std::vector<BreakerStatus> statuses{status(gateway(u"a"_s), BreakerState::Open, 1000),
                                        status(gateway(u"b"_s), BreakerState::Open, 1100),
                                        status(gateway(u"c"_s), BreakerState::Open, 1200)};
    incidents.update(statuses, 2000);
    const QString key = incidents.incidentOf(gateway(u"b"_s))->key;
    statuses[0].state = BreakerState::Closed; // the first to open recovers first
    statuses[0].stateSinceMs = 5000;
    QVERIFY(incidents.update(statuses, 5000)); // the title changed (2 breakers)
    QCOMPARE(incidents.incidentOf(gateway(u"b"_s))->key, key);
    QCOMPARE(incidents.incidentOf(gateway(u"c"_s))->key, key);
    QCOMPARE(incidents.incidentOf(gateway(u"a"_s))->key, key); // closed, still filed with its outage
    QCOMPARE(incidents.incidents().size(), std::size_t{1});
}

void TestAlertIncidents::remembersClosedBreakersForAWhile()
{
    bw::AlertIncidents incidents({}, 10 * 60'000);
    std::vector<BreakerStatus> statuses{status(gateway(u"a"_s), BreakerState::Open, 1000),
                                        status(gateway(u"b"_s), BreakerState::Open, 1100)};
    incidents.update(statuses, 2000);
    const auto incident = incidents.incidentOf(gateway(u"a"_s));
    QVERIFY(incident.has_value());
    for (BreakerStatus &s : statuses) {
        s.state = BreakerState::Closed;
        s.stateSinceMs = 60'000;
    }
    QVERIFY(!incidents.update(statuses, 60'000)); // over, but its alerts stay together
    QCOMPARE(incidents.incidentOf(gateway(u"a"_s)), incident);
    QVERIFY(!incidents.update(statuses, 2000 + 10 * 60'000 - 1));
    QVERIFY(incidents.update(statuses, 2000 + 10 * 60'000)); // forgotten: back to their services
    QVERIFY(!incidents.incidentOf(gateway(u"a"_s)));
    QVERIFY(incidents.incidents().empty());
    // The next outage is a new incident.
    for (BreakerStatus &s : statuses) {
        s.state = BreakerState::Open;
        s.stateSinceMs = 900'000;
    }
    QVERIFY(incidents.update(statuses, 900'500));
    QVERIFY(incidents.incidentOf(gateway(u"b"_s))->key != incident->key);
}

QTEST_GUILESS_MAIN(TestAlertIncidents)
#include "tst_alertincidents.moc"
