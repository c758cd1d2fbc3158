#include "breaker/statisticswindow.h"

#include <QTest>

using namespace Qt::StringLiterals;
using bw::WindowKind;

// Script: "<t><s|f|l|r>" s success, f failure, l slow success, r rejected; "x" clears.
class TestStatisticsWindow final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void counts_data();
    void counts();
};

void TestStatisticsWindow::counts_data()
{
    QTest::addColumn<WindowKind>("kind");
    QTest::addColumn<int>("size");
    QTest::addColumn<qint64>("duration");
    QTest::addColumn<QString>("script");
    QTest::addColumn<qint64>("total");
    QTest::addColumn<qint64>("failures");
    QTest::addColumn<qint64>("slow");

    QTest::newRow("count empty window") << WindowKind::Count << 3 << 0LL << u""_s << 0LL << 0LL << 0LL;
    QTest::newRow("count fills") << WindowKind::Count << 3 << 0LL << u"0f 1s"_s << 2LL << 1LL << 0LL;
    QTest::newRow("count evicts oldest") << WindowKind::Count << 3 << 0LL << u"0f 1l 2s 3s 4s"_s << 3LL << 0LL << 0LL;
    QTest::newRow("count keeps slow of live calls")
        << WindowKind::Count << 3 << 0LL << u"0f 1l 2s 3s"_s << 3LL << 0LL << 1LL;
    QTest::newRow("count rejected takes a slot") << WindowKind::Count << 2 << 0LL << u"0f 1r 2r"_s << 2LL << 0LL << 0LL;
    QTest::newRow("count clear") << WindowKind::Count << 3 << 0LL << u"0f 1f x 2s"_s << 1LL << 0LL << 0LL;

    QTest::newRow("fixed same bucket") << WindowKind::FixedBuckets << 10 << 10000LL << u"0f 999f"_s << 2LL << 2LL
                                       << 0LL;
    QTest::newRow("fixed last bucket of window")
        << WindowKind::FixedBuckets << 10 << 10000LL << u"0f 9999f"_s << 2LL << 2LL << 0LL;
    QTest::newRow("fixed bucket boundary drops")
        << WindowKind::FixedBuckets << 10 << 10000LL << u"999f 10000f"_s << 1LL << 1LL << 0LL;
    QTest::newRow("fixed long gap clears all")
        << WindowKind::FixedBuckets << 10 << 10000LL << u"0f 500f 1000000s"_s << 1LL << 0LL << 0LL;
    QTest::newRow("fixed rejected counted in volume")
        << WindowKind::FixedBuckets << 2 << 2000LL << u"0f 1r 2r"_s << 3LL << 1LL << 0LL;
    QTest::newRow("fixed clear keeps grid")
        << WindowKind::FixedBuckets << 2 << 2000LL << u"0f x 1999f 2000f"_s << 2LL << 2LL << 0LL;

    // cockatiel: 5 windows of 1000 ms, at most one rotation per call.
    QTest::newRow("sampling first window started at 0")
        << WindowKind::SamplingRing << 5 << 5000LL << u"0f 999f"_s << 2LL << 2LL << 0LL;
    QTest::newRow("sampling one rotation per call keeps old counts")
        << WindowKind::SamplingRing << 5 << 5000LL << u"0f 1f 100000f"_s << 3LL << 3LL << 0LL;
    QTest::newRow("sampling five rotations evict the first window")
        << WindowKind::SamplingRing << 5 << 5000LL << u"0f 1000s 2000s 3000s 4000s 5000s"_s << 5LL << 0LL << 0LL;
    QTest::newRow("sampling rotation is call-aligned")
        << WindowKind::SamplingRing << 5 << 5000LL << u"1500f 2400f 2600f"_s << 3LL << 3LL << 0LL;
    QTest::newRow("sampling rounds window size")
        << WindowKind::SamplingRing << 8 << 7300LL << u"0f 912f 913f"_s << 3LL << 3LL << 0LL;

    // Polly: windows opened at calls, dropped once older than the duration.
    QTest::newRow("aged keeps young windows")
        << WindowKind::AgedWindows << 10 << 10000LL << u"0f 9999f"_s << 2LL << 2LL << 0LL;
    QTest::newRow("aged drops windows at the duration")
        << WindowKind::AgedWindows << 10 << 10000LL << u"0f 10000f"_s << 1LL << 1LL << 0LL;
    QTest::newRow("aged many windows") << WindowKind::AgedWindows << 10 << 10000LL
                                       << u"0f 1000f 2000f 3000f 4000f 5000f 6000f 7000f 8000f 9000f 10000s 11000s"_s
                                       << 10LL << 8LL << 0LL;
}

void TestStatisticsWindow::counts()
{
    QFETCH(WindowKind, kind);
    QFETCH(int, size);
    QFETCH(qint64, duration);
    QFETCH(QString, script);

    bw::StatisticsWindow window(kind, size, duration);
    for (const QString &token : script.split(u' ', Qt::SkipEmptyParts)) {
        if (token == u"x") {
            window.clear();
            continue;
        }
        const qint64 t = token.chopped(1).toLongLong();
        switch (token.back().unicode()) {
        case 's':
            window.record(t, false, false);
            break;
        case 'f':
            window.record(t, true, false);
            break;
        case 'l':
            window.record(t, false, true);
            break;
        case 'r':
            window.recordRejected(t);
            break;
        default:
            QFAIL("bad script token");
        }
    }
    QFETCH(qint64, total);
    QFETCH(qint64, failures);
    QFETCH(qint64, slow);
    QCOMPARE(qint64{window.total()}, total);
    QCOMPARE(qint64{window.failures()}, failures);
    QCOMPARE(qint64{window.slow()}, slow);
}

QTEST_GUILESS_MAIN(TestStatisticsWindow)
#include "tst_statisticswindow.moc"
