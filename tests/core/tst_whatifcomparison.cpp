#include "whatif/pareto.h"
#include "whatif/whatifcomparison.h"

#include <QTest>

using namespace Qt::StringLiterals;
using bw::WhatIfColumn;

namespace {
bw::WhatIfMetrics metrics(std::int64_t opens, std::int64_t failed, std::int64_t good, std::optional<double> detect = {})
{
    bw::WhatIfMetrics m;
    m.opens = opens;
    m.failedLetThrough = failed;
    m.goodRejected = good;
    m.meanDetectionDelayMs = detect;
    return m;
}
} // namespace

class TestWhatIfComparison final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void columnsAreInEnumOrder();
    void valuesAndFormatting();
    void deltas();
    void bestRowsLowerAndHigher();
    void bestRowsNothingStandsOut();
    void durations_data();
    void durations();
    void pareto_data();
    void pareto();
};

void TestWhatIfComparison::columnsAreInEnumOrder()
{
    QCOMPARE(static_cast<int>(bw::whatIfColumns().size()), bw::kWhatIfColumnCount);
    for (int i = 0; i < bw::kWhatIfColumnCount; ++i)
        QCOMPARE(static_cast<int>(bw::whatIfColumns()[static_cast<std::size_t>(i)].column), i);
    QVERIFY(!bw::whatIfColumnInfo(WhatIfColumn::OutagesDetected).lowerIsBetter);
    QVERIFY(bw::whatIfColumnInfo(WhatIfColumn::GoodRejected).lowerIsBetter);
}

void TestWhatIfComparison::valuesAndFormatting()
{
    bw::WhatIfMetrics m = metrics(4, 1234, 56, 2500.0);
    m.openMs = 185'000;
    QCOMPARE(bw::formatWhatIfValue(m, WhatIfColumn::Opens), u"4"_s);
    QCOMPARE(bw::formatWhatIfValue(m, WhatIfColumn::FailedLetThrough), u"1,234"_s);
    QCOMPARE(bw::formatWhatIfValue(m, WhatIfColumn::TimeOpen), u"3 m 05 s"_s);
    QCOMPARE(bw::formatWhatIfValue(m, WhatIfColumn::DetectionDelay), u"3 s"_s); // 2.5 s rounds to 3
    QCOMPARE(bw::formatWhatIfValue(m, WhatIfColumn::RecoveryDelay), u"—"_s);    // nothing to tell
    QVERIFY(!bw::whatIfValue(m, WhatIfColumn::OutagesDetected));                // no outages known
    m.outages = 3;
    m.outagesDetected = 2;
    QCOMPARE(bw::formatWhatIfValue(m, WhatIfColumn::OutagesDetected), u"2 of 3"_s);
}

void TestWhatIfComparison::deltas()
{
    const bw::WhatIfMetrics base = metrics(10, 500, 20, 4000.0);
    QCOMPARE(bw::formatWhatIfDelta(metrics(7, 500, 25), base, WhatIfColumn::Opens), u"−3"_s);
    QCOMPARE(bw::formatWhatIfDelta(metrics(7, 500, 25), base, WhatIfColumn::GoodRejected), u"+5"_s);
    QCOMPARE(bw::formatWhatIfDelta(metrics(7, 500, 25), base, WhatIfColumn::FailedLetThrough), u"±0"_s);
    QCOMPARE(bw::formatWhatIfDelta(metrics(7, 500, 25, 1000.0), base, WhatIfColumn::DetectionDelay), u"−3 s"_s);
    QCOMPARE(bw::formatWhatIfDelta(metrics(7, 500, 25), base, WhatIfColumn::DetectionDelay), QString());
}

void TestWhatIfComparison::bestRowsLowerAndHigher()
{
    std::vector<bw::WhatIfMetrics> rows = {metrics(5, 100, 9), metrics(2, 300, 9), metrics(2, 50, 40)};
    QCOMPARE(bw::bestWhatIfRows(rows, WhatIfColumn::Opens), (std::vector<int>{1, 2}));
    QCOMPARE(bw::bestWhatIfRows(rows, WhatIfColumn::FailedLetThrough), (std::vector<int>{2}));
    QCOMPARE(bw::bestWhatIfRows(rows, WhatIfColumn::GoodRejected), (std::vector<int>{0, 1}));
    for (auto &r : rows)
        r.outages = 2;
    rows[1].outagesDetected = 2;
    rows[2].outagesDetected = 1;
    QCOMPARE(bw::bestWhatIfRows(rows, WhatIfColumn::OutagesDetected), (std::vector<int>{1})); // higher is better
}

void TestWhatIfComparison::bestRowsNothingStandsOut()
{
    const std::vector<bw::WhatIfMetrics> rows = {metrics(3, 1, 1), metrics(3, 2, 2)};
    QVERIFY(bw::bestWhatIfRows(rows, WhatIfColumn::Opens).empty());         // all equal
    QVERIFY(bw::bestWhatIfRows(rows, WhatIfColumn::RecoveryDelay).empty()); // no values
    QVERIFY(bw::bestWhatIfRows({}, WhatIfColumn::Opens).empty());
}

void TestWhatIfComparison::durations_data()
{
    QTest::addColumn<double>("ms");
    QTest::addColumn<QString>("text");
    QTest::newRow("ms") << 850.0 << u"850 ms"_s;
    QTest::newRow("s") << 42'000.0 << u"42 s"_s;
    QTest::newRow("m") << 125'000.0 << u"2 m 05 s"_s;
    QTest::newRow("h") << 7'800'000.0 << u"2 h 10 m"_s;
    QTest::newRow("negative") << -61'000.0 << u"−1 m 01 s"_s;
}

void TestWhatIfComparison::durations()
{
    QFETCH(double, ms);
    QFETCH(QString, text);
    QCOMPARE(bw::formatWhatIfDuration(ms), text);
}

void TestWhatIfComparison::pareto_data()
{
    QTest::addColumn<std::vector<bw::ParetoPoint>>("points");
    QTest::addColumn<std::vector<bool>>("optimal");
    QTest::newRow("empty") << std::vector<bw::ParetoPoint>{} << std::vector<bool>{};
    QTest::newRow("one") << std::vector<bw::ParetoPoint>{{3, 4}} << std::vector<bool>{true};
    // A staircase with dominated points above it.
    QTest::newRow("staircase") << std::vector<bw::ParetoPoint>{{1, 9}, {2, 5}, {3, 6}, {4, 2}, {5, 2}, {9, 1}, {6, 8}}
                               << std::vector<bool>{true, true, false, true, false, true, false};
    QTest::newRow("equal x: lower y wins")
        << std::vector<bw::ParetoPoint>{{1, 5}, {1, 3}} << std::vector<bool>{false, true};
    QTest::newRow("duplicates stay together")
        << std::vector<bw::ParetoPoint>{{2, 2}, {2, 2}, {3, 3}} << std::vector<bool>{true, true, false};
}

void TestWhatIfComparison::pareto()
{
    QFETCH(std::vector<bw::ParetoPoint>, points);
    QFETCH(std::vector<bool>, optimal);
    QCOMPARE(bw::paretoOptimal(points), optimal);
    // Cross-check by definition: optimal iff no other point dominates it.
    for (std::size_t i = 0; i < points.size(); ++i) {
        bool dominated = false;
        for (std::size_t j = 0; j < points.size(); ++j)
            dominated |= j != i && points[j].x <= points[i].x && points[j].y <= points[i].y &&
                         (points[j].x < points[i].x || points[j].y < points[i].y);
        QCOMPARE(bool(optimal[i]), !dominated);
    }
}

QTEST_GUILESS_MAIN(TestWhatIfComparison)
#include "tst_whatifcomparison.moc"
