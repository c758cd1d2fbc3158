// Grouping on its own: by service by default, by incident where the hook names one, counts of firing,
// acknowledged, silenced and resolved alerts, and the order an operator reads them in.
#include "alerts/alertgroups.h"

#include <QTest>

using namespace Qt::StringLiterals;

namespace {

bw::Alert alert(const QString &key, std::int64_t firedAt, bool active = true)
{
    bw::Alert a;
    a.service = key;
    a.firedAtMs = firedAt;
    if (!active)
        a.resolvedAtMs = firedAt + 1000;
    return a;
}

} // namespace

class TestAlertGroups final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void byServiceWithCounts();
    void byIncidentWhereTheHookNamesOne();
};

void TestAlertGroups::byServiceWithCounts()
{
    const QList<bw::Alert> alerts{
        alert(u"checkout/paymentGateway@10.0.0.7:8080"_s, 1000), // 0 firing
        alert(u"checkout/paymentGateway@10.0.0.8:8080"_s, 2000), // 1 acknowledged
        alert(u"checkout@10.0.0.7:8080"_s, 3000),                // 2 silenced
        alert(u"search@10.0.0.9:80"_s, 5000),                    // 3 acknowledged
        alert(u"orders@10.0.0.5:80"_s, 500, false),              // 4 resolved
        alert(u"inventory/stockClient@10.0.0.3:80"_s, 4000),     // 5 acknowledged and silenced
    };
    const auto marks = [](const bw::Alert &a) {
        if (a.service.endsWith(u".8:8080"_s) || a.service.startsWith(u"search"_s))
            return bw::AlertMarks{true, false};
        if (a.service == u"checkout@10.0.0.7:8080"_s)
            return bw::AlertMarks{false, true};
        if (a.service.startsWith(u"inventory"_s))
            return bw::AlertMarks{true, true};
        return bw::AlertMarks{};
    };
    const QList<bw::AlertGroup> groups = bw::groupAlerts(alerts, marks);
    QCOMPARE(groups.size(), 4);
    // Something firing first; then by the newest alert.
    const bw::AlertGroup &checkout = groups[0];
    QCOMPARE(checkout.key, u"service:checkout"_s);
    QCOMPARE(checkout.title, u"checkout"_s);
    QVERIFY(!checkout.incident);
    QCOMPARE(checkout.members, (QList<int>{0, 1, 2}));
    QCOMPARE(checkout.firing, 1);
    QCOMPARE(checkout.acknowledged, 1);
    QCOMPARE(checkout.silenced, 1);
    QCOMPARE(checkout.active(), 3);
    QCOMPARE(checkout.lastFiredMs, 3000);
    QCOMPARE(groups[1].key, u"service:search"_s); // nothing firing, newest (5000)
    QCOMPARE(groups[1].firing, 0);
    QCOMPARE(groups[1].acknowledged, 1);
    QCOMPARE(groups[2].key, u"service:inventory"_s);
    QCOMPARE(groups[2].acknowledged, 1);
    QCOMPARE(groups[2].silenced, 1);
    QCOMPARE(groups[3].key, u"service:orders"_s); // only resolved alerts: last
    QCOMPARE(groups[3].resolved, 1);
    QCOMPARE(groups[3].active(), 0);
    QCOMPARE(bw::alertGroupKey(alerts[5]), u"service:inventory"_s);
}

void TestAlertGroups::byIncidentWhereTheHookNamesOne()
{
    // The correlated-incident detector (core/incidents/) says which breakers opened together: the payments outage
    // takes checkout's and orders' paymentGateway breakers; search stays on its own.
    const bw::IncidentLookup incidents = [](const bw::BreakerId &id) -> std::optional<bw::IncidentRef> {
        if (id.breaker == u"paymentGateway"_s)
            return bw::IncidentRef{u"42"_s, u"payments gateway outage"_s};
        return std::nullopt;
    };
    const QList<bw::Alert> alerts{
        alert(u"checkout/paymentGateway@10.0.0.7:8080"_s, 1000),
        alert(u"orders/paymentGateway@10.0.0.5:8080"_s, 1100),
        alert(u"search@10.0.0.9:80"_s, 900),
        alert(u"checkout@10.0.0.7:8080"_s, 800),
    };
    const QList<bw::AlertGroup> groups = bw::groupAlerts(alerts, {}, incidents);
    QCOMPARE(groups.size(), 3);
    QCOMPARE(groups[0].key, u"incident:42"_s);
    QCOMPARE(groups[0].title, u"payments gateway outage"_s);
    QVERIFY(groups[0].incident);
    QCOMPARE(groups[0].members, (QList<int>{0, 1}));
    QCOMPARE(groups[0].firing, 2);
    QCOMPARE(groups[1].key, u"service:search"_s);
    QCOMPARE(groups[2].key, u"service:checkout"_s); // checkout's health breaker is not part of the incident
    QCOMPARE(bw::alertGroupKey(alerts[1], incidents), u"incident:42"_s);
    QCOMPARE(bw::alertGroupOf(alerts[1], incidents).title, u"payments gateway outage"_s);
    QVERIFY(bw::alertGroupOf(alerts[1], incidents).incident);
    QCOMPARE(bw::alertGroupOf(alerts[2], incidents).title, u"search"_s);
    QCOMPARE(bw::alertGroupKey(alerts[1]), u"service:orders"_s); // no hook: by service
}

QTEST_GUILESS_MAIN(TestAlertGroups)
#include "tst_alertgroups.moc"
