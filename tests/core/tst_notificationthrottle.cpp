// NotificationThrottle on its own, time driven by hand: one notification per new group, folded repeats, a rate
// limit with the last slot kept for a summary, and 500 alerts firing at once making a handful of notifications that
// account for every alert.
#include "alerts/alertgroups.h"
#include "alerts/notificationthrottle.h"

#include <QTest>

using namespace Qt::StringLiterals;
using Throttle = bw::NotificationThrottle;

namespace {

bw::Alert alertOf(const QString &service, int instance, std::int64_t t)
{
    bw::Alert a;
    a.service = u"%1@10.0.%2.1:8080"_s.arg(service).arg(instance);
    a.kind = bw::AlertKind::OpenLong;
    a.firedAtMs = t;
    a.summary = a.service + u": simulated breaker not closed for 2m 1s"_s;
    return a;
}

} // namespace

class TestNotificationThrottle final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void oneNotificationPerNewGroup();
    void rateLimitKeepsTheLastSlotForASummary();
    void fiveHundredAlertsAtOnceAreNoStorm();
};

void TestNotificationThrottle::oneNotificationPerNewGroup()
{
    Throttle throttle({5 * 60'000, 4, 60'000});
    const bw::Alert first = alertOf(u"checkout"_s, 1, 0);
    const auto shown = throttle.offer(bw::alertGroupKey(first), u"checkout"_s, first, 0);
    QVERIFY(shown.has_value());
    QCOMPARE(shown->title, u"checkout: open > 2 min"_s);
    QCOMPARE(shown->text, first.summary);
    QCOMPARE(shown->alerts, 1);
    QVERIFY(!shown->summary);
    // Another instance of the same service 1 min later: the same group, folded into the first notification.
    const bw::Alert second = alertOf(u"checkout"_s, 2, 60'000);
    QVERIFY(!throttle.offer(bw::alertGroupKey(second), u"checkout"_s, second, 60'000));
    QCOMPARE(throttle.folded(), 1);
    QCOMPARE(throttle.held(), 0);
    QCOMPARE(throttle.nextFlushAtMs(), -1);
    // 5 minutes after the group's notification it is news again.
    const bw::Alert later = alertOf(u"checkout"_s, 3, 5 * 60'000);
    QVERIFY(throttle.offer(bw::alertGroupKey(later), u"checkout"_s, later, 5 * 60'000).has_value());
    QCOMPARE(throttle.shown(), 2);
}

void TestNotificationThrottle::rateLimitKeepsTheLastSlotForASummary()
{
    Throttle throttle({5 * 60'000, 3, 60'000});
    int shown = 0;
    for (int i = 0; i < 5; ++i) {
        const bw::Alert a = alertOf(u"svc%1"_s.arg(i), 1, 1000);
        shown += throttle.offer(bw::alertGroupKey(a), a.service, a, 1000 + i).has_value() ? 1 : 0;
    }
    QCOMPARE(shown, 2); // maxPerWindow - 1
    QCOMPARE(throttle.held(), 3);
    QVERIFY(throttle.nextFlushAtMs() <= 1004); // a slot is free now: at once
    const auto summary = throttle.flush(1010);
    QVERIFY(summary.has_value());
    QVERIFY(summary->summary);
    QCOMPARE(summary->alerts, 3);
    QCOMPARE(summary->services, 3);
    QCOMPARE(summary->text, u"and 3 more alerts in 3 services"_s);
    QCOMPARE(throttle.held(), 0);
    // The window is full now: a new group within the minute waits, and its summary comes when a slot frees.
    const bw::Alert late = alertOf(u"late"_s, 1, 20'000);
    QVERIFY(!throttle.offer(bw::alertGroupKey(late), u"late"_s, late, 20'000));
    QCOMPARE(throttle.held(), 1);
    QVERIFY(!throttle.flush(30'000));
    QCOMPARE(throttle.nextFlushAtMs(), 1000 + 60'000); // the oldest of the three leaves the window
    const auto next = throttle.flush(61'000);
    QVERIFY(next.has_value());
    QCOMPARE(next->text, u"and 1 more alert in 1 service"_s);
    // The groups the summary spoke for count as notified: their next alert within 5 min is folded.
    const bw::Alert again = alertOf(u"svc4"_s, 2, 62'000);
    QVERIFY(!throttle.offer(bw::alertGroupKey(again), u"svc4"_s, again, 62'000));
    QCOMPARE(throttle.held(), 0);
}

void TestNotificationThrottle::fiveHundredAlertsAtOnceAreNoStorm()
{
    // 500 alerts in 125 services (4 instances each), all within one second, as the demo's payments outage makes them.
    const Throttle::Options options{5 * 60'000, 4, 60'000};
    Throttle throttle(options);
    QList<Throttle::Notification> notifications;
    const std::int64_t t0 = 1'000'000;
    for (int i = 0; i < 500; ++i) {
        const bw::Alert a = alertOf(u"svc%1"_s.arg(i / 4), i % 4, t0 + i);
        if (auto n = throttle.offer(bw::alertGroupKey(a), u"svc%1"_s.arg(i / 4), a, t0 + i))
            notifications << *n;
    }
    // The caller flushes when nextFlushAtMs() says: once, at once.
    QVERIFY(throttle.nextFlushAtMs() <= t0 + 500);
    if (auto n = throttle.flush(t0 + 500))
        notifications << *n;
    QVERIFY(!throttle.flush(t0 + 501)); // nothing held any more
    QVERIFY(notifications.size() <= options.maxPerWindow);
    QCOMPARE(notifications.size(), options.maxPerWindow); // 3 groups on their own, then the summary
    QVERIFY(notifications.back().summary);
    QCOMPARE(notifications.back().services, 125 - 3);
    int accounted = throttle.folded();
    for (const auto &n : std::as_const(notifications))
        accounted += n.alerts;
    QCOMPARE(accounted, 500);
    QCOMPARE(notifications.back().text, u"and %1 more alerts in 122 services"_s.arg(notifications.back().alerts));

    // The same 500 firing again 1 minute later (a second wave) add nothing: every group was notified within 5 min.
    for (int i = 0; i < 500; ++i) {
        const bw::Alert a = alertOf(u"svc%1"_s.arg(i / 4), i % 4, t0 + 60'000 + i);
        QVERIFY(!throttle.offer(bw::alertGroupKey(a), u"svc%1"_s.arg(i / 4), a, t0 + 60'000 + i));
    }
    QCOMPARE(throttle.held(), 0);
    QCOMPARE(throttle.shown(), options.maxPerWindow);
}

QTEST_GUILESS_MAIN(TestNotificationThrottle)
#include "tst_notificationthrottle.moc"
