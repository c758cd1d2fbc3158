// What the flapping graph draws, derived from a breaker track: opens per bin, the rolling count, where the
// flapping alert fires, and percent state change over time.
#include "alerts/alerttracker.h"
#include "charts/flapseries.h"
#include "flapping/percentstatechange.h"
#include "history/trackhistory.h"

#include <QTest>

#include <vector>

using namespace Qt::StringLiterals;

using Times = std::vector<std::int64_t>;
Q_DECLARE_METATYPE(Times)

namespace {

constexpr std::int64_t kSecond = 1'000;
constexpr std::int64_t kMinute = 60'000;
constexpr std::int64_t kBase = 1'700'000'400'000; // a whole 10 minutes of epoch time

// A breaker closed since an hour before kBase that opens at each time (offsets from kBase), probes 5 s later and
// closes 1 s after that.
bw::TrackHistory trackWithOpens(const Times &opens)
{
    bw::TrackHistory track;
    track.append(kBase - 60 * kMinute, bw::BreakerState::Closed, 0);
    for (const std::int64_t offset : opens) {
        track.append(kBase + offset, bw::BreakerState::Open, 0);
        track.append(kBase + offset + 5 * kSecond, bw::BreakerState::HalfOpen, 0);
        track.append(kBase + offset + 6 * kSecond, bw::BreakerState::Closed, 0);
    }
    return track;
}

} // namespace

class TestFlapSeries final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void opensPerBin_data();
    void opensPerBin();
    void alertsFireAsTheAlertTrackerDoes_data();
    void alertsFireAsTheAlertTrackerDoes();
    void alertEpisodes();
    void rollingCountIsOpensInTheWindow();
    void opensBeforeTheRangeCountInTheWindow();
    void percentStateChangeSamplesTheTrack();
    void percentIsReducedKeepingPeaks();
    void emptyTrack();
    void binFor_data();
    void binFor();
};

void TestFlapSeries::opensPerBin_data()
{
    QTest::addColumn<Times>("opens");
    QTest::addColumn<std::int64_t>("binMs");
    QTest::addColumn<QList<int>>("bins"); // over [kBase, kBase + 5 min)

    QTest::newRow("5 opens in 3 min") << Times{10 * kSecond, 40 * kSecond, 70 * kSecond, 125 * kSecond, 170 * kSecond}
                                      << kMinute << QList<int>{2, 1, 2, 0, 0};
    QTest::newRow("on the bin edges") << Times{0, kMinute, 4 * kMinute + 59 * kSecond} << kMinute
                                      << QList<int>{1, 1, 0, 0, 1};
    QTest::newRow("2-min bins") << Times{10 * kSecond, 40 * kSecond, 70 * kSecond, 125 * kSecond, 170 * kSecond}
                                << 2 * kMinute << QList<int>{3, 2, 0};
    QTest::newRow("none") << Times{} << kMinute << QList<int>{0, 0, 0, 0, 0};
}

void TestFlapSeries::opensPerBin()
{
    QFETCH(Times, opens);
    QFETCH(std::int64_t, binMs);
    QFETCH(QList<int>, bins);

    bw::FlapSeriesOptions options;
    options.binMs = binMs;
    const bw::FlapSeries series =
        bw::FlapSeries::compute(trackWithOpens(opens), kBase, kBase + 5 * kMinute, options, kBase + 5 * kMinute);
    QList<int> counts;
    for (std::size_t i = 0; i < series.bins.size(); ++i) {
        QCOMPARE(series.bins[i].start, kBase + static_cast<std::int64_t>(i) * binMs);
        counts.append(series.bins[i].opens);
    }
    QCOMPARE(counts, bins);
    QCOMPARE(series.opens.size(), opens.size());
    QCOMPARE(series.maxBinOpens, *std::max_element(bins.begin(), bins.end()));
}

void TestFlapSeries::alertsFireAsTheAlertTrackerDoes_data()
{
    QTest::addColumn<Times>("opens");
    QTest::addColumn<Times>("alerts"); // offsets from kBase

    const Times five{10 * kSecond, 40 * kSecond, 70 * kSecond, 125 * kSecond, 170 * kSecond};
    QTest::newRow("5 opens in 3 min: the 4th fires") << five << Times{125 * kSecond};
    QTest::newRow("3 opens in 10 min: never") << Times{0, 4 * kMinute, 8 * kMinute} << Times{};
    QTest::newRow("4 opens spread over 11 min: never") << Times{0, 4 * kMinute, 8 * kMinute, 11 * kMinute} << Times{};
    QTest::newRow("4 opens within 10 min") << Times{0, 4 * kMinute, 8 * kMinute, 9 * kMinute} << Times{9 * kMinute};
    // 4 opens, then the first leaves the window (3 = not above the threshold, but not calm either), then a 5th:
    // still the same episode, because the alert resolves only at 3 / 2 = 1 open or fewer.
    QTest::newRow("wobbling around the threshold fires once")
        << Times{0, kMinute, 2 * kMinute, 3 * kMinute, 10 * kMinute + 30 * kSecond} << Times{3 * kMinute};
    // The window empties (all four leave by 13 min), so the episode is over; four more opens start another.
    QTest::newRow("two episodes")
        << Times{0, kMinute, 2 * kMinute, 3 * kMinute, 20 * kMinute, 21 * kMinute, 22 * kMinute, 23 * kMinute}
        << Times{3 * kMinute, 23 * kMinute};
}

void TestFlapSeries::alertsFireAsTheAlertTrackerDoes()
{
    QFETCH(Times, opens);
    QFETCH(Times, alerts);

    const std::int64_t end = kBase + 30 * kMinute;
    const bw::FlapSeries series = bw::FlapSeries::compute(trackWithOpens(opens), kBase, end, {}, end);
    Times fired;
    for (const bw::CountStep &alert : series.alerts) {
        fired.push_back(alert.t - kBase);
        QVERIFY2(alert.count > 3, "an alert fires above the threshold");
    }
    QCOMPARE(fired, alerts);

    // The same verdicts as the AlertTracker fed with the same counts at the same times.
    bw::AlertTracker tracker;
    Times expected;
    for (const bw::CountStep &step : series.rolling) {
        for (const bw::Alert &alert :
             tracker.update(u"s"_s, bw::AlertSource::Simulated, bw::BreakerState::Closed, step.t, step.count, step.t))
            if (alert.kind == bw::AlertKind::Flapping && alert.active())
                expected.push_back(step.t - kBase);
    }
    QCOMPARE(fired, expected);
}

void TestFlapSeries::alertEpisodes()
{
    // Fires at the 4th open (3 min); resolves once the window holds one open (12 min). The second episode is still
    // active at the end of the range.
    const Times opens{0, kMinute, 2 * kMinute, 3 * kMinute, 20 * kMinute, 21 * kMinute, 22 * kMinute, 23 * kMinute};
    const std::int64_t end = kBase + 30 * kMinute;
    const bw::FlapSeries series = bw::FlapSeries::compute(trackWithOpens(opens), kBase, end, {}, end);
    QCOMPARE(series.episodes.size(), 2U);
    QCOMPARE(series.episodes[0].start, kBase + 3 * kMinute);
    QCOMPARE(series.episodes[0].end, kBase + 12 * kMinute);
    QVERIFY(series.episodes[0].resolved);
    QCOMPARE(series.episodes[1].start, kBase + 23 * kMinute);
    QCOMPARE(series.episodes[1].end, end);
    QVERIFY(!series.episodes[1].resolved);
}

void TestFlapSeries::rollingCountIsOpensInTheWindow()
{
    const Times opens{10 * kSecond, 40 * kSecond, 70 * kSecond, 125 * kSecond, 170 * kSecond};
    const std::int64_t end = kBase + 20 * kMinute;
    const bw::FlapSeries series = bw::FlapSeries::compute(trackWithOpens(opens), kBase, end, {}, end);

    // Steps: 0 at kBase, +1 at each open, -1 ten minutes after each.
    QCOMPARE(series.rolling.size(), 11U);
    QCOMPARE(series.rolling.front().t, kBase);
    QCOMPARE(series.rolling.front().count, 0);
    auto countAt = [&](std::int64_t offset) {
        int count = -1;
        for (const bw::CountStep &step : series.rolling) {
            if (step.t <= kBase + offset)
                count = step.count;
        }
        return count;
    };
    QCOMPARE(countAt(9 * kSecond), 0);
    QCOMPARE(countAt(10 * kSecond), 1);
    QCOMPARE(countAt(124 * kSecond), 3);
    QCOMPARE(countAt(170 * kSecond), 5);
    QCOMPARE(countAt(10 * kMinute + 9 * kSecond), 5);  // (t - 10 min, t] still holds the open at 10 s ...
    QCOMPARE(countAt(10 * kMinute + 10 * kSecond), 4); // ... and no longer at exactly 10 min after it
    QCOMPARE(countAt(19 * kMinute), 0);
    QCOMPARE(series.maxRolling, 5);
    for (std::size_t i = 1; i < series.rolling.size(); ++i)
        QVERIFY(series.rolling[i - 1].t < series.rolling[i].t);
}

void TestFlapSeries::opensBeforeTheRangeCountInTheWindow()
{
    // Opens 8, 6, 4 and 2 minutes before the range: the window at its start already holds four of them, and the
    // alert fired before the range, so none is drawn inside it.
    const Times opens{-8 * kMinute, -6 * kMinute, -4 * kMinute, -2 * kMinute};
    const std::int64_t end = kBase + 15 * kMinute;
    const bw::FlapSeries series = bw::FlapSeries::compute(trackWithOpens(opens), kBase, end, {}, end);
    QCOMPARE(series.rolling.front().t, kBase);
    QCOMPARE(series.rolling.front().count, 4);
    QVERIFY(series.opens.empty());
    QVERIFY(series.alerts.empty());
    QCOMPARE(series.rolling.back().count, 0);
    // The episode that began before the range is still drawn, until it resolves at 1 open (6 min in).
    QCOMPARE(series.episodes.size(), 1U);
    QCOMPARE(series.episodes[0].start, kBase - 2 * kMinute);
    QCOMPARE(series.episodes[0].end, kBase + 6 * kMinute);
}

void TestFlapSeries::percentStateChangeSamplesTheTrack()
{
    // Closed for 10 min, then alternating open/closed every 10 s for 5 min, then closed.
    bw::TrackHistory track;
    track.append(kBase - 10 * kMinute, bw::BreakerState::Closed, 0);
    for (int i = 0; i < 30; ++i)
        track.append(kBase + i * 10 * kSecond + 5 * kSecond,
                     i % 2 == 0 ? bw::BreakerState::Open : bw::BreakerState::Closed, 0);
    const std::int64_t end = kBase + 15 * kMinute;
    bw::FlapSeriesOptions options;
    options.checkIntervalMs = 10 * kSecond;
    const bw::FlapSeries series = bw::FlapSeries::compute(track, kBase, end, options, end);

    // One point per check from kBase, each the value PercentStateChange gives for the same sampled states.
    QCOMPARE(series.percent.size(), static_cast<std::size_t>(15 * kMinute / (10 * kSecond)));
    bw::PercentStateChange reference(options.percentLow, options.percentHigh, options.percentHistory);
    std::size_t next = 0;
    double peak = 0;
    for (std::int64_t t = kBase - 20 * 10 * kSecond; t < end; t += 10 * kSecond) {
        reference.record(static_cast<int>(track.runAt(t, end)->state));
        if (t < kBase)
            continue;
        QCOMPARE(series.percent[next].t, t);
        QCOMPARE(series.percent[next].percent, reference.percent());
        QCOMPARE(series.percent[next].flapping, reference.isFlapping());
        peak = std::max(peak, reference.percent());
        ++next;
    }
    QCOMPARE(series.percent.front().percent, 0.0); // closed for the 20 checks before
    QVERIFY(peak > options.percentHigh);
    QVERIFY(!series.percent.back().flapping); // calm for 10 min at the end
}

void TestFlapSeries::percentIsReducedKeepingPeaks()
{
    // 24 h of checks every 10 s (8,640) on 200 points; one short burst of flapping must survive.
    bw::TrackHistory track;
    track.append(kBase - 25 * 60 * kMinute, bw::BreakerState::Closed, 0);
    const std::int64_t burst = kBase + 7 * 60 * kMinute;
    for (int i = 0; i < 12; ++i)
        track.append(burst + i * 10 * kSecond, i % 2 == 0 ? bw::BreakerState::Open : bw::BreakerState::Closed, 0);
    const std::int64_t end = kBase + 24 * 60 * kMinute;
    bw::FlapSeriesOptions options;
    options.maxPercentPoints = 200;
    const bw::FlapSeries series = bw::FlapSeries::compute(track, kBase, end, options, end);
    QVERIFY(series.percent.size() <= 200U);
    const auto peak = std::max_element(series.percent.begin(), series.percent.end(),
                                       [](const auto &a, const auto &b) { return a.percent < b.percent; });
    QVERIFY(peak->percent > options.percentHigh);
    QVERIFY(peak->flapping);
    QVERIFY(peak->t >= burst && peak->t < burst + 5 * kMinute);
}

void TestFlapSeries::emptyTrack()
{
    const bw::TrackHistory track;
    const bw::FlapSeries series = bw::FlapSeries::compute(track, kBase, kBase + 10 * kMinute, {}, kBase);
    QCOMPARE(series.bins.size(), 10U);
    QVERIFY(series.opens.empty());
    QVERIFY(series.alerts.empty());
    QVERIFY(series.percent.empty());
    QCOMPARE(series.rolling.size(), 1U);
    QCOMPARE(series.rolling.front().count, 0);
}

void TestFlapSeries::binFor_data()
{
    QTest::addColumn<std::int64_t>("spanMs");
    QTest::addColumn<int>("widthPx");
    QTest::addColumn<std::int64_t>("binMs");

    QTest::newRow("15 min") << 15 * kMinute << 800 << kMinute;
    QTest::newRow("1 h") << 60 * kMinute << 800 << kMinute;
    QTest::newRow("1 h, narrow") << 60 * kMinute << 200 << 2 * kMinute;
    QTest::newRow("6 h") << 6 * 60 * kMinute << 800 << 2 * kMinute;
    QTest::newRow("24 h") << 24 * 60 * kMinute << 800 << 10 * kMinute;
    QTest::newRow("7 days") << 7 * 24 * 60 * kMinute << 100 << 60 * kMinute;
}

void TestFlapSeries::binFor()
{
    QFETCH(std::int64_t, spanMs);
    QFETCH(int, widthPx);
    QFETCH(std::int64_t, binMs);
    QCOMPARE(bw::FlapSeries::binFor(spanMs, widthPx), binMs);
}

QTEST_GUILESS_MAIN(TestFlapSeries)
#include "tst_flapseries.moc"
