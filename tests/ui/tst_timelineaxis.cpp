// The timeline's pure maths: TimeAxis (time <-> pixel, zoom, pan, ticks) and TimelineLayout (rows, bands, hits).
#include "timeline/timeaxis.h"
#include "timeline/timelinelayout.h"

#include <QTest>

using namespace Qt::StringLiterals;

namespace {

constexpr qint64 kSecond = 1'000;
constexpr qint64 kMinute = 60'000;
constexpr qint64 kHour = 3'600'000;
constexpr qint64 kT0 = 1'699'999'200'000; // Tue 14 Nov 2023 22:00:00 UTC

} // namespace

class TestTimelineAxis final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initialSpanFitsTheData();
    void mapping_data();
    void mapping();
    void zoomKeepsTheTimeUnderTheCursor_data();
    void zoomKeepsTheTimeUnderTheCursor();
    void pan_data();
    void pan();
    void tickStep_data();
    void tickStep();
    void ticks_data();
    void ticks();
    void spanText_data();
    void spanText();
    void layoutHits_data();
    void layoutHits();
    void visibleRows_data();
    void visibleRows();
};

void TestTimelineAxis::mapping_data()
{
    QTest::addColumn<qint64>("span");
    QTest::addColumn<double>("left");
    QTest::addColumn<double>("width");
    QTest::addColumn<qint64>("t"); // after kT0
    QTest::addColumn<double>("x");

    QTest::newRow("start maps to left") << kHour << 200.0 << 1000.0 << qint64(0) << 200.0;
    QTest::newRow("end maps to right") << kHour << 200.0 << 1000.0 << kHour << 1200.0;
    QTest::newRow("middle") << kHour << 200.0 << 1000.0 << kHour / 2 << 700.0;
    QTest::newRow("before the start is left of the plot") << kHour << 200.0 << 1000.0 << -kHour / 10 << 100.0;
    QTest::newRow("24 h on 1712 px") << 24 * kHour << 200.0 << 1712.0 << 12 * kHour << 1056.0;
    QTest::newRow("10 s, the shortest span") << 10 * kSecond << 0.0 << 1000.0 << qint64(2500) << 250.0;
}

void TestTimelineAxis::mapping()
{
    QFETCH(qint64, span);
    QFETCH(double, left);
    QFETCH(double, width);
    QFETCH(qint64, t);
    QFETCH(double, x);

    const bw::TimeAxis axis(kT0, span, left, width);
    QCOMPARE(axis.xForTime(kT0 + t), x);
    QCOMPARE(axis.timeForX(x), kT0 + t);
    QCOMPARE(axis.end(), kT0 + span);
}

void TestTimelineAxis::zoomKeepsTheTimeUnderTheCursor_data()
{
    QTest::addColumn<qint64>("span");
    QTest::addColumn<double>("x");
    QTest::addColumn<double>("factor");
    QTest::addColumn<qint64>("expectedSpan");
    QTest::addColumn<qint64>("expectedStart"); // after kT0

    QTest::newRow("in at the left edge") << kHour << 0.0 << 0.5 << kHour / 2 << qint64(0);
    QTest::newRow("in at the right edge") << kHour << 1000.0 << 0.5 << kHour / 2 << kHour / 2;
    QTest::newRow("in at a quarter") << kHour << 250.0 << 0.5 << kHour / 2 << kHour / 8;
    QTest::newRow("out at the middle") << kHour << 500.0 << 2.0 << 2 * kHour << -kHour / 2;
    QTest::newRow("in is clamped at 10 s") << kMinute << 500.0 << 0.01 << 10 * kSecond << 25 * kSecond;
    QTest::newRow("out is clamped at 7 days") << 6 * 24 * kHour << 1000.0 << 4.0 << 7 * 24 * kHour << -24 * kHour;
}

void TestTimelineAxis::zoomKeepsTheTimeUnderTheCursor()
{
    QFETCH(qint64, span);
    QFETCH(double, x);
    QFETCH(double, factor);
    QFETCH(qint64, expectedSpan);
    QFETCH(qint64, expectedStart);

    bw::TimeAxis axis(kT0, span, 0, 1000);
    const qint64 under = axis.timeForX(x);
    axis.zoomAround(x, factor);
    QCOMPARE(axis.span(), expectedSpan);
    QCOMPARE(axis.start(), kT0 + expectedStart);
    QCOMPARE(axis.timeForX(x), under);
}

void TestTimelineAxis::pan_data()
{
    QTest::addColumn<qint64>("span");
    QTest::addColumn<double>("dx");
    QTest::addColumn<qint64>("expectedStart"); // after kT0

    QTest::newRow("drag right shows earlier times") << kHour << 100.0 << -kHour / 10;
    QTest::newRow("drag left shows later times") << kHour << -250.0 << kHour / 4;
    QTest::newRow("no move") << kHour << 0.0 << qint64(0);
}

void TestTimelineAxis::pan()
{
    QFETCH(qint64, span);
    QFETCH(double, dx);
    QFETCH(qint64, expectedStart);

    bw::TimeAxis axis(kT0, span, 50, 1000);
    axis.panPixels(dx);
    QCOMPARE(axis.start(), kT0 + expectedStart);
    QCOMPARE(axis.span(), span);
}

void TestTimelineAxis::tickStep_data()
{
    QTest::addColumn<double>("msPerPixel");
    QTest::addColumn<qint64>("step");

    // At least 100 px between ticks.
    QTest::newRow("10 ms/px: 1 s") << 10.0 << kSecond;
    QTest::newRow("30 ms/px: 5 s") << 30.0 << 5 * kSecond;
    QTest::newRow("1 h on 1700 px: 5 min") << double(kHour) / 1700 << 5 * kMinute;
    QTest::newRow("24 h on 1700 px: 2 h") << 24.0 * kHour / 1700 << 2 * kHour;
    QTest::newRow("7 days on 1700 px: 12 h") << 7 * 24.0 * kHour / 1700 << 12 * kHour;
    QTest::newRow("beyond: a week") << 1e9 << 7 * 24 * kHour;
}

void TestTimelineAxis::tickStep()
{
    QFETCH(double, msPerPixel);
    QFETCH(qint64, step);
    QCOMPARE(bw::TimeAxis::tickStepFor(msPerPixel, 100), step);
}

void TestTimelineAxis::ticks_data()
{
    QTest::addColumn<qint64>("start"); // after kT0
    QTest::addColumn<qint64>("span");
    QTest::addColumn<int>("utcOffset");
    QTest::addColumn<QStringList>("labels");

    QTest::newRow("1 min: HH:mm:ss every 10 s")
        << qint64(5'000) << kMinute << 0
        << QStringList{u"22:00:10"_s, u"22:00:20"_s, u"22:00:30"_s, u"22:00:40"_s, u"22:00:50"_s, u"22:01:00"_s};
    QTest::newRow("1 h: HH:mm every 10 min")
        << qint64(0) << kHour << 0
        << QStringList{u"22:00"_s, u"22:10"_s, u"22:20"_s, u"22:30"_s, u"22:40"_s, u"22:50"_s};
    QTest::newRow("across midnight: the date")
        << qint64(0) << 4 * kHour << 0 << QStringList{u"22:00"_s, u"23:00"_s, u"Wed 15 Nov"_s, u"01:00"_s};
    QTest::newRow("local time, UTC+1") << qint64(0) << 4 * kHour << 3600
                                       << QStringList{u"23:00"_s, u"Wed 15 Nov"_s, u"01:00"_s, u"02:00"_s};
    QTest::newRow("local time, UTC+5:30 ticks on local hours")
        << qint64(0) << 4 * kHour << 19800 << QStringList{u"04:00"_s, u"05:00"_s, u"06:00"_s, u"07:00"_s};
}

void TestTimelineAxis::ticks()
{
    QFETCH(qint64, start);
    QFETCH(qint64, span);
    QFETCH(int, utcOffset);
    QFETCH(QStringList, labels);

    const bw::TimeAxis axis(kT0 + start, span, 100, 600);
    QStringList actual;
    double previousX = -1;
    for (const bw::TimeTick &tick : axis.ticks(100, utcOffset)) {
        actual << tick.label;
        QCOMPARE(tick.x, axis.xForTime(tick.t));
        QVERIFY(tick.x >= 100 && tick.x < 700);
        QVERIFY(tick.x > previousX);
        previousX = tick.x;
    }
    QCOMPARE(actual, labels);
}

void TestTimelineAxis::spanText_data()
{
    QTest::addColumn<qint64>("ms");
    QTest::addColumn<QString>("text");
    QTest::newRow("seconds") << 45 * kSecond << u"45 s"_s;
    QTest::newRow("minutes") << 10 * kMinute << u"10 min"_s;
    QTest::newRow("minutes and seconds") << 90 * kSecond << u"1 min 30 s"_s;
    QTest::newRow("hours") << 2 * kHour << u"2 h"_s;
    QTest::newRow("hours and minutes") << 150 * kMinute << u"2 h 30 min"_s;
    QTest::newRow("a day") << 24 * kHour << u"1 d"_s;
    QTest::newRow("days and hours") << 30 * kHour << u"1 d 6 h"_s;
}

void TestTimelineAxis::spanText()
{
    QFETCH(qint64, ms);
    QFETCH(QString, text);
    QCOMPARE(bw::TimeAxis::spanText(ms), text);
}

void TestTimelineAxis::layoutHits_data()
{
    QTest::addColumn<int>("scroll");
    QTest::addColumn<int>("y");
    QTest::addColumn<int>("row");
    QTest::addColumn<int>("track");

    // Font height 14: header 26 + 24 = 50, rows of 2 * 4 + 2 * 17 + 2 = 44 px, bands at +4 and +23.
    QTest::newRow("header") << 0 << 10 << -1 << -1;
    QTest::newRow("first row, sim band") << 0 << 50 + 4 << 0 << 0;
    QTest::newRow("first row, gap between bands") << 0 << 50 + 21 << 0 << -1;
    QTest::newRow("first row, real band") << 0 << 50 + 23 + 16 << 0 << 1;
    QTest::newRow("third row, padding") << 0 << 50 + 2 * 44 + 1 << 2 << -1;
    QTest::newRow("scrolled by a row and a half") << 66 << 50 + 4 << 1 << 1;
    QTest::newRow("below the last row") << 0 << 50 + 10 * 44 << -1 << -1;
}

void TestTimelineAxis::layoutHits()
{
    QFETCH(int, scroll);
    QFETCH(int, y);
    QFETCH(int, row);
    QFETCH(int, track);

    const bw::TimelineLayout layout(QSize(1200, 800), 14, scroll);
    QCOMPARE(layout.headerHeight(), 50);
    QCOMPARE(layout.rowHeight(), 44);
    QCOMPARE(layout.rowAt(y, 10), row);
    if (row >= 0)
        QCOMPARE(layout.trackAt(row, y), track);
}

void TestTimelineAxis::visibleRows_data()
{
    QTest::addColumn<int>("height");
    QTest::addColumn<int>("scroll");
    QTest::addColumn<int>("rows");
    QTest::addColumn<int>("first");
    QTest::addColumn<int>("last");

    QTest::newRow("all fit") << 800 << 0 << 5 << 0 << 5;
    QTest::newRow("more rows than fit") << 800 << 0 << 500 << 0 << 18; // (800 - 50) / 44 = 17.05
    QTest::newRow("scrolled") << 800 << 44 * 100 + 10 << 500 << 100 << 118;
    QTest::newRow("no rows") << 800 << 0 << 0 << 0 << 0;
}

void TestTimelineAxis::visibleRows()
{
    QFETCH(int, height);
    QFETCH(int, scroll);
    QFETCH(int, rows);
    QFETCH(int, first);
    QFETCH(int, last);

    const bw::TimelineLayout layout(QSize(1200, height), 14, scroll);
    const auto [f, l] = layout.visibleRows(rows);
    QCOMPARE(f, first);
    QCOMPARE(l, last);
    QCOMPARE(layout.maxScroll(500), 500 * 44 - (height - 50));
}

void TestTimelineAxis::initialSpanFitsTheData()
{
    constexpr std::int64_t minute = 60'000;
    QCOMPARE(bw::TimeAxis::initialSpanFor(0), 5 * minute);
    QCOMPARE(bw::TimeAxis::initialSpanFor(20'000), 5 * minute); // 20 s of data: not a 15-minute axis
    QCOMPARE(bw::TimeAxis::initialSpanFor(5 * minute), 5 * minute);
    QCOMPARE(bw::TimeAxis::initialSpanFor(5 * minute + 1), 15 * minute);
    QCOMPARE(bw::TimeAxis::initialSpanFor(40 * minute), 60 * minute);
    QCOMPARE(bw::TimeAxis::initialSpanFor(24 * 60 * minute), 60 * minute); // a day restored: the last hour first
}

QTEST_GUILESS_MAIN(TestTimelineAxis)
#include "tst_timelineaxis.moc"
