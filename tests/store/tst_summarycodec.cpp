// Hourly summaries: accumulation into 10-minute buckets, round trips (quantised), empty series, damaged bytes.
#include "store/observationcodec.h"
#include "store/quantiser.h"
#include "store/summarycodec.h"

#include <QTest>

#include <random>

using namespace Qt::StringLiterals;
using bw::SummaryCodec;

namespace {

constexpr std::int64_t kHourStart = 1'700'002'800'000; // aligned to the hour

bool close(double a, double b, bw::SeriesKind kind)
{
    const double tolerance = kind == bw::SeriesKind::ErrorRate ? 0.0051 : std::abs(b) * 0.0056 + 1e-4;
    return std::abs(a - b) <= tolerance;
}

} // namespace

class TestSummaryCodec final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void accumulatesByTenMinutes();
    void roundTrip_data();
    void roundTrip();
    void damagedBytesFail();
};

void TestSummaryCodec::accumulatesByTenMinutes()
{
    SummaryCodec::Buckets buckets{};
    for (int s = 0; s < 3600; ++s) {
        bw::Observation o;
        o.t = kHourStart + s * 1000;
        o.errorRate = float(s / 600); // bucket index
        o.latencyMs = s % 2 ? bw::Observation::kNone : float(s);
        SummaryCodec::accumulate(buckets, kHourStart, o);
    }
    bw::Observation outside;
    outside.t = kHourStart + SummaryCodec::kSpanMs;
    outside.errorRate = 99;
    SummaryCodec::accumulate(buckets, kHourStart, outside); // the next hour: ignored
    const auto points = SummaryCodec::points(buckets, bw::SeriesKind::ErrorRate, kHourStart);
    QCOMPARE(points.size(), 6u);
    for (int i = 0; i < 6; ++i) {
        QCOMPARE(points[i].t, kHourStart + i * SummaryCodec::kBucketMs);
        QCOMPARE(points[i].durationMs, SummaryCodec::kBucketMs);
        QCOMPARE(points[i].count, 600u);
        QCOMPARE(points[i].mean, float(i));
    }
    const auto latency = SummaryCodec::points(buckets, bw::SeriesKind::Latency, kHourStart);
    QCOMPARE(latency[1].count, 300u);
    QCOMPARE(latency[1].first, 600.0f);
    QCOMPARE(latency[1].last, 1198.0f);
    QCOMPARE(latency[1].min, 600.0f);
    QCOMPARE(latency[1].max, 1198.0f);
    QVERIFY(SummaryCodec::points(buckets, bw::SeriesKind::LatencyP95, kHourStart).empty());
}

void TestSummaryCodec::roundTrip_data()
{
    QTest::addColumn<int>("seed");
    QTest::addColumn<int>("emptyEvery"); // leave every n-th bucket empty (0: none)
    QTest::newRow("full hour") << 1 << 0;
    QTest::newRow("gaps") << 2 << 2;
    QTest::newRow("sparse") << 3 << 5;
    QTest::newRow("nothing") << 4 << 1;
}

void TestSummaryCodec::roundTrip()
{
    QFETCH(int, seed);
    QFETCH(int, emptyEvery);
    std::mt19937_64 rng(static_cast<std::uint64_t>(seed));
    SummaryCodec::Buckets buckets{};
    for (int s = 0; s < 3600; ++s) {
        const int bucket = s / 600;
        if (emptyEvery > 0 && bucket % emptyEvery == 0)
            continue;
        bw::Observation o;
        o.t = kHourStart + s * 1000;
        o.errorRate = float(rng() % 10000) / 100.0f;
        o.latencyMs = 5.0f + float(rng() % 100000) / 10.0f;
        o.p95Ms = s % 3 == 0 ? bw::Observation::kNone : 100.0f + float(rng() % 500);
        SummaryCodec::accumulate(buckets, kHourStart, bw::ObservationCodec::quantised(o));
    }
    const QByteArray bytes = SummaryCodec::encode(buckets);
    QVERIFY(bytes.size() < 200);
    SummaryCodec::Buckets back{};
    const bw::Status s = SummaryCodec::decode(bytes, back);
    QVERIFY2(s.ok(), qPrintable(s.ok() ? QString() : s.error()));
    for (int k = 0; k < bw::kSeriesKindCount; ++k) {
        const auto kind = static_cast<bw::SeriesKind>(k);
        const auto a = SummaryCodec::points(buckets, kind, kHourStart);
        const auto b = SummaryCodec::points(back, kind, kHourStart);
        QCOMPARE(b.size(), a.size());
        for (std::size_t i = 0; i < a.size(); ++i) {
            QCOMPARE(b[i].t, a[i].t);
            QCOMPARE(b[i].count, a[i].count);
            for (auto field : {&bw::SeriesPoint::first, &bw::SeriesPoint::last, &bw::SeriesPoint::min,
                               &bw::SeriesPoint::max, &bw::SeriesPoint::mean})
                QVERIFY2(
                    close(b[i].*field, a[i].*field, kind),
                    qPrintable(u"series %1 bucket %2: %3 vs %4"_s.arg(k).arg(i).arg(b[i].*field).arg(a[i].*field)));
        }
    }
}

void TestSummaryCodec::damagedBytesFail()
{
    SummaryCodec::Buckets buckets{};
    bw::Observation o;
    o.t = kHourStart;
    o.latencyMs = 12;
    SummaryCodec::accumulate(buckets, kHourStart, o);
    const QByteArray bytes = SummaryCodec::encode(buckets);
    for (qsizetype i = 0; i < bytes.size(); ++i) {
        QByteArray damaged = bytes;
        damaged[i] = static_cast<char>(damaged[i] ^ 0x10);
        SummaryCodec::Buckets out{};
        QVERIFY(!SummaryCodec::decode(damaged, out).ok());
        QVERIFY(!SummaryCodec::decode(bytes.first(i), out).ok());
    }
}

QTEST_GUILESS_MAIN(TestSummaryCodec)
#include "tst_summarycodec.moc"
