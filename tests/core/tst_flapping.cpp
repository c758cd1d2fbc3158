#include "alerts/alerttracker.h"
#include "flapping/opensinwindowdetector.h"
#include "flapping/percentstatechange.h"

#include <QTest>

using namespace Qt::StringLiterals;
using Change = bw::PercentStateChange::Change;

class TestFlapping final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void opensInWindow_data();
    void opensInWindow();
    void episodesCountOncePerEpisode();
    void oneRuleForEveryone();
    void percentStateChangeWeights_data();
    void percentStateChangeWeights();
    void hysteresis();
};

void TestFlapping::opensInWindow_data()
{
    QTest::addColumn<QList<qint64>>("opens");
    QTest::addColumn<qint64>("now");
    QTest::addColumn<int>("count");
    QTest::addColumn<bool>("flapping");
    const qint64 minute = 60'000;
    QTest::newRow("three opens is not flapping") << QList<qint64>{0, minute, 2 * minute} << 3 * minute << 3 << false;
    QTest::newRow("four opens in ten minutes")
        << QList<qint64>{0, minute, 2 * minute, 9 * minute} << 9 * minute << 4 << true;
    QTest::newRow("the oldest leaves exactly at ten minutes")
        << QList<qint64>{0, minute, 2 * minute, 9 * minute} << 10 * minute << 3 << false;
    QTest::newRow("just before ten minutes")
        << QList<qint64>{0, minute, 2 * minute, 9 * minute} << 10 * minute - 1 << 4 << true;
    QTest::newRow("none") << QList<qint64>{} << 0LL << 0 << false;
}

void TestFlapping::opensInWindow()
{
    QFETCH(QList<qint64>, opens);
    QFETCH(qint64, now);
    bw::OpensInWindowDetector detector;
    for (qint64 t : opens)
        detector.recordOpen(t);
    QTEST(detector.opensInWindow(now), "count");
    QTEST(detector.isFlapping(now), "flapping");
}

void TestFlapping::episodesCountOncePerEpisode()
{
    bw::OpensInWindowDetector detector(bw::FlappingRule{3, 600'000});
    QVERIFY(!detector.recordOpen(0));
    QVERIFY(!detector.recordOpen(1000));
    QVERIFY(!detector.recordOpen(2000));
    QVERIFY(detector.recordOpen(3000));  // 4th open: episode starts
    QVERIFY(!detector.recordOpen(4000)); // same episode
    QCOMPARE(detector.episodes(), 1);
    QVERIFY(!detector.recordOpen(2'000'000)); // long quiet, one open
    QVERIFY(!detector.recordOpen(2'000'100));
    QVERIFY(!detector.recordOpen(2'000'200));
    QVERIFY(detector.recordOpen(2'000'300)); // second episode
    QCOMPARE(detector.episodes(), 2);
}

void TestFlapping::oneRuleForEveryone()
{
    // The default is the product's rule (and the shipped Prometheus alert's): more than 3 opens in 10 minutes.
    const bw::FlappingRule rule;
    QCOMPARE(rule.maxOpens, 3);
    QCOMPARE(rule.windowMs, 600'000);
    QVERIFY(!rule.isFlapping(3));
    QVERIFY(rule.isFlapping(4));
    QVERIFY(rule.hasCalmedDown(1));
    QVERIFY(!rule.hasCalmedDown(2));
    QCOMPARE(rule.describe(), u"more than 3 opens in 10 min"_s);
    // The detector, the alerts and the what-if take the same rule, and judge by it.
    const bw::FlappingRule strict{1, 60'000};
    bw::OpensInWindowDetector detector(strict);
    QCOMPARE(detector.rule(), strict);
    detector.recordOpen(0);
    QVERIFY(!detector.isFlapping(0));
    QVERIFY(detector.recordOpen(30'000));
    QVERIFY(detector.isFlapping(30'000));
    QVERIFY(!detector.isFlapping(60'001));
    bw::AlertTracker tracker(bw::AlertTracker::Rules{.flapping = strict});
    const QList<bw::Alert> fired =
        tracker.update(u"s"_s, bw::AlertSource::Simulated, bw::BreakerState::Closed, 0, 2, 30'000);
    QCOMPARE(fired.size(), 1);
    QCOMPARE(fired.front().kind, bw::AlertKind::Flapping);
    QVERIFY2(fired.front().summary.contains(u"2 opens in 1m"_s), qPrintable(fired.front().summary));
}

void TestFlapping::percentStateChangeWeights_data()
{
    QTest::addColumn<QList<int>>("states");
    QTest::addColumn<double>("percent");
    QList<int> steady(21, 0);
    QTest::newRow("steady") << steady << 0.0;
    QList<int> alternating;
    for (int i = 0; i < 21; ++i)
        alternating << i % 2;
    QTest::newRow("every check changes") << alternating << 100.0;
    QList<int> newest = steady;
    newest[20] = 1;
    QTest::newRow("newest change weighs 1.2") << newest << 6.0;
    QList<int> oldest(21, 1);
    oldest[0] = 0;
    QTest::newRow("oldest change weighs 0.8") << oldest << 4.0;
    QList<int> middle(21, 0);
    for (int i = 11; i < 21; ++i)
        middle[i] = 1;
    QTest::newRow("change 11 of 20 weighs 0.8 + 10 * 0.4 / 19") << middle << 5.053;
    QTest::newRow("older history scrolls out") << (QList<int>{1, 0} + steady) << 0.0;
}

void TestFlapping::percentStateChangeWeights()
{
    QFETCH(QList<int>, states);
    QFETCH(double, percent);
    bw::PercentStateChange detector;
    for (int state : states)
        detector.record(state);
    QCOMPARE(qRound(detector.percent() * 1000) / 1000.0, percent);
}

void TestFlapping::hysteresis()
{
    bw::PercentStateChange detector(5.0, 20.0);
    Change change = Change::None;
    int checks = 0;
    // Flip every check: the percentage climbs past 20% and flapping starts.
    while (change != Change::Started && checks < 21)
        change = detector.record(checks++ % 2);
    QCOMPARE(change, Change::Started);
    QVERIFY(detector.percent() > 20.0);
    // Steady again: between 5% and 20% it keeps flapping (hysteresis), below 5% it stops.
    bool sawBand = false;
    change = Change::None;
    for (int i = 0; i < 30 && change != Change::Stopped; ++i) {
        change = detector.record(7);
        if (change == Change::None && detector.percent() < 20.0 && detector.percent() >= 5.0) {
            QVERIFY(detector.isFlapping());
            sawBand = true;
        }
    }
    QCOMPARE(change, Change::Stopped);
    QVERIFY(sawBand);
    QVERIFY(detector.percent() < 5.0);
    QVERIFY(!detector.isFlapping());
}

QTEST_GUILESS_MAIN(TestFlapping)
#include "tst_flapping.moc"
