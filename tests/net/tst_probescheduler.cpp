// The scheduler with a hand-driven clock and a real loopback server.
#include "../support/faultserver.h"

#include "probe/probescheduler.h"

#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;

class TestProbeScheduler final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void offsetsAreStableAndSpread();
    void pollsAtTheIntervalFromTheOffset();
    void capsRequestsInFlight();
    void slowTargetSkipsTurnsInsteadOfPilingUp();
    void setTargetsKeepsUnchangedSchedules();

private:
    bw::ScheduledTarget target(const QString &id, const QString &path, std::int64_t interval, FaultServer &server)
    {
        bw::ScheduledTarget t;
        t.id = id;
        t.request.url = QUrl(server.base() + path);
        t.request.timeoutMs = 2000;
        t.intervalMs = interval;
        return t;
    }
};

void TestProbeScheduler::offsetsAreStableAndSpread()
{
    QCOMPARE(bw::ProbeScheduler::offsetFor(u"checkout/health"_s, 15'000),
             bw::ProbeScheduler::offsetFor(u"checkout/health"_s, 15'000));
    QSet<std::int64_t> offsets;
    for (int i = 0; i < 100; ++i) {
        const std::int64_t offset = bw::ProbeScheduler::offsetFor(u"service-%1/health"_s.arg(i), 10'000);
        QVERIFY(offset >= 0 && offset < 10'000);
        offsets << offset / 1000;
    }
    QVERIFY2(offsets.size() >= 8, "100 targets should spread over most of the 10 one-second slots");
}

void TestProbeScheduler::pollsAtTheIntervalFromTheOffset()
{
    FaultServer server;
    QNetworkAccessManager network;
    bw::HttpProber prober(&network);
    std::int64_t now = 1'000'000;
    bw::ProbeScheduler scheduler(
        &prober, [&now] { return now; }, 8);
    QSignalSpy spy(&scheduler, &bw::ProbeScheduler::probed);
    const bw::ScheduledTarget t = target(u"a"_s, u"/ok"_s, 1000, server);
    const std::int64_t offset = bw::ProbeScheduler::offsetFor(u"a"_s, 1000);
    scheduler.setTargets({t});
    scheduler.start();
    QCOMPARE(scheduler.nextDue(), now + offset);

    now += offset - 1;
    scheduler.tick();
    QCOMPARE(scheduler.inFlight(), 0); // not yet due
    now += 1;
    scheduler.tick();
    QCOMPARE(scheduler.inFlight(), 1);
    QVERIFY(spy.wait(3000));
    QCOMPARE(spy.at(0).at(0).toString(), u"a"_s);
    QCOMPARE(spy.at(0).at(1).value<bw::ProbeResult>().kind, bw::ProbeOutcomeKind::Success);
    QCOMPARE(spy.at(0).at(1).value<bw::ProbeResult>().startedAtMs, 1'000'000 + offset);

    now += 1000; // next turn, exactly one interval later
    scheduler.tick();
    QVERIFY(spy.wait(3000));
    QCOMPARE(spy.count(), 2);
    QCOMPARE(scheduler.nextDue(), 1'000'000 + offset + 2000);
}

void TestProbeScheduler::capsRequestsInFlight()
{
    FaultServer server;
    QNetworkAccessManager network;
    bw::HttpProber prober(&network);
    std::int64_t now = 0;
    bw::ProbeScheduler scheduler(
        &prober, [&now] { return now; }, 3);
    QSignalSpy spy(&scheduler, &bw::ProbeScheduler::probed);
    std::vector<bw::ScheduledTarget> targets;
    for (int i = 0; i < 10; ++i)
        targets.push_back(target(u"t%1"_s.arg(i), u"/slow?ms=100"_s, 60'000, server));
    scheduler.setTargets(targets);
    scheduler.start();
    now = 60'000; // everyone is due
    scheduler.tick();
    QCOMPARE(scheduler.inFlight(), 3);
    QCOMPARE(scheduler.queued(), 7);
    int maxSeen = 0;
    QTRY_VERIFY_WITH_TIMEOUT((maxSeen = std::max(maxSeen, scheduler.inFlight()), spy.count() == 10), 5000);
    QCOMPARE(maxSeen, 3);
    QCOMPARE(scheduler.queued(), 0);
}

void TestProbeScheduler::slowTargetSkipsTurnsInsteadOfPilingUp()
{
    FaultServer server;
    QNetworkAccessManager network;
    bw::HttpProber prober(&network);
    std::int64_t now = 0;
    bw::ProbeScheduler scheduler(
        &prober, [&now] { return now; }, 8);
    bw::ScheduledTarget t = target(u"silent"_s, u"/silent"_s, 100, server);
    t.request.timeoutMs = 500;
    scheduler.setTargets({t});
    scheduler.start();
    for (int i = 0; i < 5; ++i) {
        now += 100;
        scheduler.tick();
    }
    QCOMPARE(scheduler.inFlight(), 1);
    QVERIFY(scheduler.skipped() >= 3);
    QSignalSpy spy(&scheduler, &bw::ProbeScheduler::probed);
    QVERIFY(spy.wait(2000));
    QCOMPARE(spy.at(0).at(1).value<bw::ProbeResult>().kind, bw::ProbeOutcomeKind::Timeout);
    scheduler.stop();
}

void TestProbeScheduler::setTargetsKeepsUnchangedSchedules()
{
    FaultServer server;
    QNetworkAccessManager network;
    bw::HttpProber prober(&network);
    std::int64_t now = 0;
    bw::ProbeScheduler scheduler(
        &prober, [&now] { return now; }, 8);
    const bw::ScheduledTarget a = target(u"a"_s, u"/ok"_s, 10'000, server);
    scheduler.setTargets({a});
    const std::int64_t due = scheduler.nextDue();
    now = 5;
    scheduler.setTargets({a, target(u"b"_s, u"/ok"_s, 10'000, server)});
    QVERIFY(scheduler.nextDue() <= due);
    scheduler.setTargets({a});
    QCOMPARE(scheduler.nextDue(), due);
}

QTEST_GUILESS_MAIN(TestProbeScheduler)
#include "tst_probescheduler.moc"
