// SeriesHistory: roll-ups across level boundaries, level choice, stitching, retention, late and bad samples, memory.
#include "history/serieshistory.h"

#include <QTest>

#include <cmath>
#include <limits>

using namespace Qt::StringLiterals;

namespace {

constexpr qint64 kSecond = 1'000;
constexpr qint64 kMinute = 60'000;
constexpr qint64 kHour = 3'600'000;
constexpr std::int64_t kT0 = 1'699'999'800'000; // a realistic epoch, aligned to 10 min

// Expected point: t, duration, first, last, min, max, count.
using Expected = QList<QList<double>>;

QList<double> asRow(const bw::SeriesPoint &p)
{
    return {double(p.t - kT0), double(p.durationMs), p.first, p.last, p.min, p.max, double(p.count)};
}

bw::HistoryRetention roomy()
{
    bw::HistoryRetention r;
    r.buckets = {100'000, 100'000, 100'000, 100'000};
    return r;
}

} // namespace

class TestSeriesHistory final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void rollUp_data();
    void rollUp();
    void coarseBucketsAreRollUpsOfFineOnes();
    void levelChoice_data();
    void levelChoice();
    void dayChartNeverWalksSeconds();
    void stitchesCoarserLevelsWithoutDoubleCounting();
    void aFreshSeriesIsNotCountedTwice();
    void openBucketIsIncluded();
    void retentionIsBounded();
    void lateDuplicateAndBadSamples_data();
    void lateDuplicateAndBadSamples();
    void gapsAndJumps();
    void memoryIsCountedByCapacity();
    void reducedPointsEqualTheirSamples();
    void reducedPointsLeaveFinerLevelsToCoarserOnes();
    void lateOrMisalignedReducedPointsAreDropped();
};

void TestSeriesHistory::rollUp_data()
{
    QTest::addColumn<QList<QPointF>>("samples"); // x: ms after kT0, y: value
    QTest::addColumn<qint64>("from");
    QTest::addColumn<qint64>("to");
    QTest::addColumn<int>("maxPoints");
    QTest::addColumn<Expected>("expected");

    QTest::newRow("one 10 s bucket") << QList<QPointF>{{1000, 5}, {2000, 3}, {3500, 9}, {4000, 1}, {9999, 7}}
                                     << qint64(0) << qint64(10'000) << 1 << Expected{{0, 10'000, 5, 7, 1, 9, 5}};
    QTest::newRow("across a 10 s boundary")
        << QList<QPointF>{{9000, 4}, {9999, 8}, {10'000, 6}, {19'000, 2}} << qint64(0) << qint64(20'000) << 2
        << Expected{{0, 10'000, 4, 8, 4, 8, 2}, {10'000, 10'000, 6, 2, 2, 6, 2}};
    QTest::newRow("1 s buckets") << QList<QPointF>{{0, 1}, {500, 3}, {999, 2}, {1000, 10}, {2500, 20}} << qint64(0)
                                 << qint64(3'000) << 3
                                 << Expected{{0, 1000, 1, 2, 1, 3, 3},
                                             {1000, 1000, 10, 10, 10, 10, 1},
                                             {2000, 1000, 20, 20, 20, 20, 1}};
    QTest::newRow("across a minute")
        << QList<QPointF>{{59'000, 100}, {59'999, 50}, {60'000, 7}, {61'000, 9}, {119'999, 8}} << qint64(0)
        << qint64(2 * kMinute) << 2 << Expected{{0, 60'000, 100, 50, 50, 100, 2}, {60'000, 60'000, 7, 8, 7, 9, 3}};
    QTest::newRow("across 10 minutes")
        << QList<QPointF>{{1000, 3}, {599'000, 4}, {600'000, 1}, {900'000, 2}, {1'199'000, 0}} << qint64(0)
        << qint64(20 * kMinute) << 2 << Expected{{0, 600'000, 3, 4, 3, 4, 2}, {600'000, 600'000, 1, 0, 0, 2, 3}};
    QTest::newRow("empty buckets are left out")
        << QList<QPointF>{{1000, 1}, {35'000, 2}} << qint64(0) << qint64(40'000) << 4
        << Expected{{0, 10'000, 1, 1, 1, 1, 1}, {30'000, 10'000, 2, 2, 2, 2, 1}};
    QTest::newRow("groups of whole buckets")
        << QList<QPointF>{{0, 1}, {10'000, 2}, {20'000, 3}, {30'000, 4}} << qint64(0) << qint64(40'000) << 2
        << Expected{{0, 20'000, 1, 2, 1, 2, 2}, {20'000, 20'000, 3, 4, 3, 4, 2}};
    QTest::newRow("window clipped to whole buckets")
        << QList<QPointF>{{0, 1}, {10'000, 2}, {20'000, 3}, {30'000, 4}} << qint64(15'000) << qint64(25'000) << 1
        << Expected{{10'000, 10'000, 2, 2, 2, 2, 1}, {20'000, 10'000, 3, 3, 3, 3, 1}};
}

void TestSeriesHistory::rollUp()
{
    QFETCH(QList<QPointF>, samples);
    QFETCH(qint64, from);
    QFETCH(qint64, to);
    QFETCH(int, maxPoints);
    QFETCH(Expected, expected);

    bw::SeriesHistory series;
    for (const QPointF &s : samples)
        series.append(kT0 + static_cast<std::int64_t>(s.x()), s.y());
    Expected actual;
    for (const bw::SeriesPoint &p : series.buckets(kT0 + from, kT0 + to, maxPoints))
        actual.push_back(asRow(p));
    QCOMPARE(actual, expected);
    QCOMPARE(series.droppedSamples(), 0u);
}

void TestSeriesHistory::coarseBucketsAreRollUpsOfFineOnes()
{
    bw::SeriesHistory series(roomy());
    std::uint64_t x = 7;
    for (std::int64_t t = 0; t < 2 * kHour; t += 250) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        series.append(kT0 + t, static_cast<double>((x >> 33) % 1000)); // integers: exact in float16 below 2048
    }
    const auto fine = series.buckets(kT0, kT0 + 2 * kHour, 720);   // 10 s
    const auto coarse = series.buckets(kT0, kT0 + 2 * kHour, 120); // 1 min
    QCOMPARE(fine.size(), 720u);
    QCOMPARE(coarse.size(), 120u);
    for (std::size_t c = 0; c < coarse.size(); ++c) {
        const bw::SeriesPoint &m = coarse[c];
        QCOMPARE(m.durationMs, kMinute);
        float lo = std::numeric_limits<float>::max();
        float hi = -lo;
        std::uint32_t count = 0;
        double sum = 0;
        for (std::size_t f = c * 6; f < c * 6 + 6; ++f) {
            lo = std::min(lo, fine[f].min);
            hi = std::max(hi, fine[f].max);
            count += fine[f].count;
            sum += double(fine[f].mean) * fine[f].count;
        }
        QCOMPARE(m.first, fine[c * 6].first);
        QCOMPARE(m.last, fine[c * 6 + 5].last);
        QCOMPARE(m.min, lo);
        QCOMPARE(m.max, hi);
        QCOMPARE(m.count, count);
        QVERIFY(std::abs(m.mean - sum / count) < 1.0); // means are float16: within half a unit at < 1024
    }
}

void TestSeriesHistory::levelChoice_data()
{
    QTest::addColumn<qint64>("span");
    QTest::addColumn<int>("maxPoints");
    QTest::addColumn<int>("level");
    QTest::addColumn<qint64>("pointWidth");

    QTest::newRow("24 h at 1440 points: 1 min") << 24 * kHour << 1440 << 2 << kMinute;
    QTest::newRow("24 h at 1920 px: 10 s buckets by 5") << 24 * kHour << 1920 << 1 << 50 * kSecond;
    QTest::newRow("24 h at 100 points: 10 min buckets by 2") << 24 * kHour << 100 << 3 << 20 * kMinute;
    QTest::newRow("1 h at 1920 px: 1 s buckets by 2") << kHour << 1920 << 0 << 2 * kSecond;
    QTest::newRow("1 h at 360 points: 10 s") << kHour << 360 << 1 << 10 * kSecond;
    QTest::newRow("5 min at 1920 px: 1 s, the finest") << 5 * kMinute << 1920 << 0 << kSecond;
    QTest::newRow("7 days at 1000 points") << 7 * 24 * kHour << 1000 << 3 << 20 * kMinute;
}

void TestSeriesHistory::levelChoice()
{
    QFETCH(qint64, span);
    QFETCH(int, maxPoints);
    QFETCH(int, level);
    QFETCH(qint64, pointWidth);

    QCOMPARE(bw::SeriesHistory::levelFor(span, maxPoints), level);
    bw::SeriesHistory series(roomy());
    const std::int64_t end = kT0 + 8 * 24 * kHour;
    for (std::int64_t t = end - span; t < end; t += 5 * kSecond)
        series.append(t, 1);
    const auto points = series.buckets(end - span, end, maxPoints);
    QVERIFY(!points.empty());
    QVERIFY2(points.size() <= static_cast<std::size_t>(maxPoints) + 1, qPrintable(QString::number(points.size())));
    QCOMPARE(points[points.size() / 2].durationMs, pointWidth);
}

void TestSeriesHistory::dayChartNeverWalksSeconds()
{
    bw::SeriesHistory series;
    for (std::int64_t t = 0; t < 24 * kHour; t += kSecond)
        series.append(kT0 + t, double(t % 97));
    const auto points = series.buckets(kT0, kT0 + 24 * kHour, 1440);
    QCOMPARE(points.size(), 1440u);
    std::uint64_t samples = 0;
    for (const auto &p : points)
        samples += p.count;
    QCOMPARE(samples, 86'400u);
}

void TestSeriesHistory::stitchesCoarserLevelsWithoutDoubleCounting()
{
    // Default retention: 1 s for 15 min, 10 s for 3 h. A 24 h chart at 1920 px wants 10 s buckets; older than 3 h
    // only 1 min buckets are left.
    bw::SeriesHistory series;
    const std::int64_t start = kT0 + 1234; // not aligned
    for (std::int64_t t = start; t < start + 24 * kHour; t += kSecond)
        series.append(t, 1);
    const std::int64_t end = start + 24 * kHour;
    const auto points = series.buckets(end - 24 * kHour, end, 1920);
    std::uint64_t samples = 0;
    for (std::size_t i = 0; i < points.size(); ++i) {
        samples += points[i].count;
        if (i > 0)
            QVERIFY2(points[i - 1].t + points[i - 1].durationMs <= points[i].t, "points overlap");
    }
    QCOMPARE(samples, 86'400u);
    QCOMPARE(points.front().durationMs, kMinute);
    QCOMPARE(points[points.size() - 2].durationMs, 50 * kSecond); // the last one is clipped to the open bucket
    QVERIFY(points.size() <= 1920u + bw::kSeriesLevelCount);

    // The last 10 minutes at 1 s resolution come from the raw level.
    const auto recent = series.buckets(end - 10 * kMinute, end, 600);
    QCOMPARE(recent.size(), 600u);
    QCOMPARE(recent.back().durationMs, kSecond);
}

void TestSeriesHistory::aFreshSeriesIsNotCountedTwice()
{
    // A minute of samples, charted over the last 5 minutes: the window starts before the first sample. Every level
    // holds the same 65 samples; the 10 min level's open bucket used to come first, covering all of them again
    // (a diagonal line and a triangle of a band across the error-rate chart), and the first 3 s were lost.
    bw::SeriesHistory series;
    const std::int64_t start = kT0 + 7 * kMinute + 3'517; // not aligned to anything
    for (int i = 0; i < 65; ++i)
        series.append(start + i * kSecond + (i % 3) * 37, i < 3 ? 0 : 30 + 35 * (i / 10 % 2));
    const std::int64_t now = start + 65 * kSecond;
    const auto points = series.buckets(now - 5 * kMinute, now + 1, 392);
    QCOMPARE(points.size(), 65u);
    std::uint64_t samples = 0;
    for (std::size_t i = 0; i < points.size(); ++i) {
        samples += points[i].count;
        QCOMPARE(points[i].durationMs, kSecond);
        if (i > 0)
            QVERIFY2(points[i - 1].t + points[i - 1].durationMs <= points[i].t, "points overlap");
    }
    QCOMPARE(samples, 65u);
    QCOMPARE(points.front().mean, 0.0f);
}

void TestSeriesHistory::openBucketIsIncluded()
{
    bw::SeriesHistory series;
    series.append(kT0 + 100, 5);
    series.append(kT0 + 200, 9);
    const auto points = series.buckets(kT0, kT0 + kHour, 10);
    QCOMPARE(points.size(), 1u);
    QCOMPARE(points[0].count, 2u);
    QCOMPARE(points[0].last, 9.0f);
    QVERIFY(series.latest().has_value());
    QCOMPARE(series.latest()->mean, 7.0f);
}

void TestSeriesHistory::retentionIsBounded()
{
    bw::SeriesHistory series;
    std::size_t at30h = 0;
    for (std::int64_t t = 0; t < 48 * kHour; t += kSecond) {
        series.append(kT0 + t, 3);
        if (t == 30 * kHour)
            at30h = series.memoryBytes();
    }
    const bw::HistoryRetention retention;
    for (int level = 0; level < bw::kSeriesLevelCount; ++level)
        QVERIFY(series.sealedCount(level) <= retention.buckets[static_cast<std::size_t>(level)]);
    QCOMPARE(series.sealedCount(0), 900u);
    QCOMPARE(series.sealedCount(1), 1080u);
    QCOMPARE(series.sealedCount(2), 1500u);
    QCOMPARE(series.sealedCount(3), 48u * 6 - 1);
    QVERIFY(series.memoryBytes() <= at30h + 12 * 1008); // only the 10 min level still grows, towards 7 days
    QCOMPARE(*series.earliest(), kT0);                  // the 10 min level still reaches back to the start
}

void TestSeriesHistory::lateDuplicateAndBadSamples_data()
{
    QTest::addColumn<QList<QPointF>>("samples");
    QTest::addColumn<int>("count");
    QTest::addColumn<int>("dropped");
    QTest::addColumn<float>("max");

    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    QTest::newRow("in order") << QList<QPointF>{{0, 1}, {1000, 2}} << 2 << 0 << 2.0f;
    QTest::newRow("duplicate timestamps count twice") << QList<QPointF>{{5000, 1}, {5000, 3}} << 2 << 0 << 3.0f;
    QTest::newRow("disorder inside the current second is fine")
        << QList<QPointF>{{5900, 1}, {5100, 3}, {5500, 2}} << 3 << 0 << 3.0f;
    QTest::newRow("older than the current second: dropped")
        << QList<QPointF>{{5000, 1}, {6000, 2}, {5999, 50}, {1000, 60}} << 2 << 2 << 2.0f;
    QTest::newRow("NaN and infinities dropped")
        << QList<QPointF>{{0, nan}, {1, inf}, {2, -inf}, {3, 4}} << 1 << 3 << 4.0f;
    QTest::newRow("clamped to the float16 range") << QList<QPointF>{{0, 1e9}} << 1 << 0 << 65504.0f;
}

void TestSeriesHistory::lateDuplicateAndBadSamples()
{
    QFETCH(QList<QPointF>, samples);
    QFETCH(int, count);
    QFETCH(int, dropped);
    QFETCH(float, max);

    bw::SeriesHistory series;
    for (const QPointF &s : samples)
        series.append(kT0 + static_cast<std::int64_t>(s.x()), s.y());
    const auto points = series.buckets(kT0, kT0 + kMinute, 1);
    QCOMPARE(points.size(), 1u);
    QCOMPARE(points[0].count, static_cast<std::uint32_t>(count));
    QCOMPARE(points[0].max, max);
    QCOMPARE(series.droppedSamples(), static_cast<std::uint64_t>(dropped));
}

void TestSeriesHistory::gapsAndJumps()
{
    bw::SeriesHistory series;
    series.append(kT0, 1);
    series.append(kT0 + 2 * kHour, 2); // longer than the 1 s and 10 s levels keep: they restart
    QCOMPARE(series.sealedCount(0), 0u);
    QCOMPARE(series.sealedCount(1), 720u); // 10 s level (3 h): the old bucket and the empty ones between
    QCOMPARE(series.sealedCount(2), 120u);
    const auto points = series.buckets(kT0, kT0 + 3 * kHour, 180);
    QCOMPARE(points.size(), 2u);
    QCOMPARE(points[0].t, kT0);
    QCOMPARE(points[1].t, kT0 + 2 * kHour);

    series.append(kT0 + 400LL * 24 * kHour, 3); // a year later
    QCOMPARE(series.sealedCount(3), 0u);
    const auto after = series.buckets(kT0, kT0 + 401LL * 24 * kHour, 100);
    QCOMPARE(after.size(), 1u);
    QCOMPARE(after[0].last, 3.0f);
    QVERIFY(series.buckets(kT0, kT0, 100).empty());
    QVERIFY(series.buckets(kT0 + 10, kT0, 100).empty());
    QVERIFY(series.buckets(kT0, kT0 + 10, 0).empty());
}

void TestSeriesHistory::memoryIsCountedByCapacity()
{
    static_assert(sizeof(bw::SeriesHistory::PackedBucket) == 12);
    bw::SeriesHistory series;
    const std::size_t empty = series.memoryBytes();
    QCOMPARE(empty, sizeof(bw::SeriesHistory));
    for (std::int64_t t = 0; t < 24 * kHour; t += kSecond)
        series.append(kT0 + t, 1);
    // 900 + 1080 + 1500 (grown to its limit) + 181 (grown lazily towards 1008) buckets of 12 bytes.
    const std::size_t buckets = 900 + 1080 + 1500 + 181;
    QCOMPARE(series.memoryBytes(), sizeof(bw::SeriesHistory) + 12 * buckets);
    QVERIFY(series.memoryBytes() < 45'000); // three series a service stay under 8 KB per service-hour at 24 h
}

namespace {

bw::SeriesPoint reduce(std::int64_t start, std::int64_t width, const QList<double> &values)
{
    bw::SeriesPoint p;
    p.t = start;
    p.durationMs = width;
    p.first = float(values.front());
    p.last = float(values.back());
    p.min = float(*std::min_element(values.begin(), values.end()));
    p.max = float(*std::max_element(values.begin(), values.end()));
    double sum = 0;
    for (double v : values)
        sum += v;
    p.mean = float(sum / values.size());
    p.count = std::uint32_t(values.size());
    return p;
}

double valueAt(std::int64_t t)
{
    return double((t / kSecond) % 97) + 0.25;
}

} // namespace

void TestSeriesHistory::reducedPointsEqualTheirSamples()
{
    // What restore does: 1 min roll-ups for the old part, 10 s roll-ups, then raw samples for the last minutes.
    const std::int64_t end = kT0 + 2 * kHour;
    bw::SeriesHistory live;
    bw::SeriesHistory restored;
    for (std::int64_t t = kT0; t < end; t += kSecond)
        live.append(t, valueAt(t));
    auto fold = [&](std::int64_t from, std::int64_t to, std::int64_t width) {
        for (std::int64_t start = from; start < to; start += width) {
            QList<double> values;
            for (std::int64_t t = start; t < start + width; t += kSecond)
                values << valueAt(t);
            restored.appendReduced(reduce(start, width, values));
        }
    };
    fold(kT0, end - 30 * kMinute, kMinute);
    fold(end - 30 * kMinute, end - 10 * kMinute, 10 * kSecond);
    for (std::int64_t t = end - 10 * kMinute; t < end; t += kSecond)
        restored.append(t, valueAt(t));
    QCOMPARE(restored.droppedSamples(), 0u);
    for (const auto &[from, points] : std::vector<std::pair<std::int64_t, int>>{
             {end - 5 * kMinute, 300}, {end - 25 * kMinute, 150}, {kT0, 120}, {kT0, 12}}) {
        const auto a = live.buckets(from, end, points);
        const auto b = restored.buckets(from, end, points);
        QCOMPARE(b.size(), a.size());
        for (std::size_t i = 0; i < a.size(); ++i) {
            QCOMPARE(b[i].t, a[i].t);
            QCOMPARE(b[i].durationMs, a[i].durationMs);
            QCOMPARE(b[i].count, a[i].count);
            QCOMPARE(b[i].first, a[i].first);
            QCOMPARE(b[i].last, a[i].last);
            QCOMPARE(b[i].min, a[i].min);
            QCOMPARE(b[i].max, a[i].max);
            QVERIFY(std::abs(b[i].mean - a[i].mean) <= std::abs(a[i].mean) * 1e-3f);
        }
    }
}

void TestSeriesHistory::reducedPointsLeaveFinerLevelsToCoarserOnes()
{
    bw::SeriesHistory history;
    history.appendReduced(reduce(kT0, kMinute, {1, 2, 3}));
    history.appendReduced(reduce(kT0 + kMinute, kMinute, {4}));
    // Asked at 1 s resolution, the minute buckets answer: no empty 1 s buckets hide them.
    const auto points = history.buckets(kT0, kT0 + 2 * kMinute, 120);
    QCOMPARE(points.size(), 2u);
    QCOMPARE(points[0].durationMs, kMinute);
    QCOMPARE(points[0].count, 3u);
    QCOMPARE(points[1].count, 1u);
    // Raw samples carry on after them at full resolution.
    history.append(kT0 + 2 * kMinute + 500, 9);
    const auto latest = history.latest();
    QVERIFY(latest);
    QCOMPARE(latest->t, kT0 + 2 * kMinute);
    QCOMPARE(latest->count, 1u);
    std::uint32_t total = 0;
    for (const bw::SeriesPoint &p : history.buckets(kT0, kT0 + 3 * kMinute, 1))
        total += p.count;
    QCOMPARE(total, 5u);
}

void TestSeriesHistory::lateOrMisalignedReducedPointsAreDropped()
{
    bw::SeriesHistory history;
    history.appendReduced(reduce(kT0 + kMinute, kMinute, {1, 2}));
    history.appendReduced(reduce(kT0, kMinute, {5})); // before what the minute level holds
    QCOMPARE(history.droppedSamples(), 1u);
    history.appendReduced(reduce(kT0 + 30 * kMinute + 30 * kSecond, kHour, {7, 7})); // spans two 10 min buckets
    QCOMPARE(history.droppedSamples(), 3u);
    bw::SeriesPoint empty;
    empty.t = kT0 + 40 * kMinute;
    empty.durationMs = kMinute;
    history.appendReduced(empty);
    QCOMPARE(history.droppedSamples(), 3u);
    QCOMPARE(history.buckets(kT0, kT0 + kHour, 1)[0].count, 2u);
}

QTEST_GUILESS_MAIN(TestSeriesHistory)
#include "tst_serieshistory.moc"
