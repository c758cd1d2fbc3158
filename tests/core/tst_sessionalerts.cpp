// SessionAlerts alone: episodes updated in place, and the bound on resolved ones that keeps every active alert.
#include "alerts/sessionalerts.h"

#include <QTest>

using namespace Qt::StringLiterals;
using bw::Alert;
using bw::SessionAlerts;

namespace {

Alert fired(const QString &service, std::int64_t at, bw::AlertKind kind = bw::AlertKind::OpenLong)
{
    Alert a;
    a.service = service;
    a.kind = kind;
    a.firedAtMs = at;
    a.summary = service + u": open"_s;
    return a;
}

Alert resolvedAt(Alert a, std::int64_t at)
{
    a.resolvedAtMs = at;
    return a;
}

} // namespace

class TestSessionAlerts final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void anEpisodeIsUpdatedInPlace();
    void onlyTheLastResolvedAreKeptAndEveryActiveOne();
};

void TestSessionAlerts::anEpisodeIsUpdatedInPlace()
{
    SessionAlerts alerts;
    alerts.fired(fired(u"a"_s, 1));
    alerts.fired(fired(u"a"_s, 2, bw::AlertKind::Flapping));
    alerts.fired(fired(u"b"_s, 3));
    QCOMPARE(alerts.activeCount(), 3);
    QVERIFY(alerts.resolved(resolvedAt(fired(u"a"_s, 1), 10)));
    QCOMPARE(alerts.all().size(), 3);
    QCOMPARE(alerts.all()[0].resolvedAtMs, std::optional<std::int64_t>(10));
    QVERIFY(alerts.all()[1].active()); // the other kind on the same breaker
    QCOMPARE(alerts.activeCount(), 2);
    QVERIFY(!alerts.resolved(resolvedAt(fired(u"a"_s, 1), 11))); // nothing active left of that kind
    QVERIFY(!alerts.resolved(resolvedAt(fired(u"c"_s, 1), 11)));
    QCOMPARE(alerts.activeCount(), 2);
}

void TestSessionAlerts::onlyTheLastResolvedAreKeptAndEveryActiveOne()
{
    SessionAlerts alerts;
    alerts.fired(fired(u"stuck"_s, 0)); // active through all of it
    const qsizetype episodes = 3 * SessionAlerts::kKeptResolved;
    for (qsizetype i = 0; i < episodes; ++i) {
        const QString service = u"flap-%1"_s.arg(i % 7);
        alerts.fired(fired(service, 10 * i + 1));
        QVERIFY(alerts.resolved(resolvedAt(fired(service, 10 * i + 1), 10 * i + 5)));
        QVERIFY(alerts.all().size() <= 1 + SessionAlerts::kKeptResolved + SessionAlerts::kKeptResolved / 4);
    }
    QCOMPARE(alerts.activeCount(), 1);
    QCOMPARE(alerts.all().front().service, u"stuck"_s); // the oldest, still active, stays first
    QVERIFY(alerts.all().front().active());
    const qsizetype resolved = alerts.all().size() - 1;
    QVERIFY(resolved >= SessionAlerts::kKeptResolved);
    // The ones kept are the newest, in order, ending with the last episode.
    QCOMPARE(alerts.all().back().firedAtMs, 10 * (episodes - 1) + 1);
    for (qsizetype i = 2; i < alerts.all().size(); ++i)
        QVERIFY(alerts.all()[i].firedAtMs > alerts.all()[i - 1].firedAtMs);
    QCOMPARE(alerts.all()[1].firedAtMs, 10 * (episodes - resolved) + 1);
}

QTEST_GUILESS_MAIN(TestSessionAlerts)
#include "tst_sessionalerts.moc"
