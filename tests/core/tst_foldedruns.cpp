// A breaker's band over its instances: the stretches where the counts per state stay the same.
#include "history/foldedruns.h"

#include <QTest>

using bw::BreakerState;
using bw::DisplayRun;
using bw::FoldedRun;

namespace {

DisplayRun run(std::int64_t start, std::int64_t end, BreakerState state)
{
    DisplayRun r;
    r.start = start;
    r.end = end;
    r.state = state;
    r.worst = state;
    return r;
}

} // namespace

class TestFoldedRuns final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void countsPerStretch()
    {
        // Three instances: a opens at 10 for 10, b opens at 15 until 30, c stays closed; c has no data before 5.
        const std::vector<std::vector<DisplayRun>> tracks{
            {run(0, 10, BreakerState::Closed), run(10, 20, BreakerState::Open), run(20, 40, BreakerState::Closed)},
            {run(0, 15, BreakerState::Closed), run(15, 30, BreakerState::HalfOpen), run(30, 40, BreakerState::Closed)},
            {run(5, 40, BreakerState::Closed)},
        };
        const std::vector<FoldedRun> folded = bw::foldRuns(tracks);
        QCOMPARE(folded.size(), std::size_t(6));
        QCOMPARE(folded[0].start, 0);
        QCOMPARE(folded[0].end, 5);
        QCOMPARE(folded[0].members, 2); // c has no data yet
        QCOMPARE(folded[0].worst, BreakerState::Closed);
        QCOMPARE(folded[1].start, 5);
        QCOMPARE(folded[1].end, 10);
        QCOMPARE(folded[1].members, 3);
        QCOMPARE(folded[2].start, 10);
        QCOMPARE(folded[2].open, 1);
        QCOMPARE(folded[2].notClosed, 1);
        QCOMPARE(folded[2].worst, BreakerState::Open);
        QCOMPARE(folded[3].start, 15);
        QCOMPARE(folded[3].end, 20);
        QCOMPARE(folded[3].open, 1);
        QCOMPARE(folded[3].halfOpen, 1);
        QCOMPARE(folded[3].notClosed, 2);
        QCOMPARE(folded[3].worst, BreakerState::Open);
        QCOMPARE(folded[4].start, 20);
        QCOMPARE(folded[4].end, 30);
        QCOMPARE(folded[4].worst, BreakerState::HalfOpen);
        QCOMPARE(folded[4].open, 0);
        // All closed again until the end: one stretch, not three.
        QCOMPARE(folded[5].start, 30);
        QCOMPARE(folded[5].end, 40);
        QCOMPARE(folded[5].notClosed, 0);
        QCOMPARE(folded[5].members, 3);
    }

    void equalNeighboursMergeAndFlappingCountsItsWorst()
    {
        DisplayRun flapping = run(10, 20, BreakerState::Closed);
        flapping.mixed = true;
        flapping.worst = BreakerState::Open;
        flapping.changes = 6;
        const std::vector<std::vector<DisplayRun>> tracks{
            {run(0, 10, BreakerState::Closed), flapping, run(20, 30, BreakerState::Closed)},
            {run(0, 5, BreakerState::Closed), run(5, 30, BreakerState::Closed)}, // a boundary that changes nothing
        };
        const std::vector<FoldedRun> folded = bw::foldRuns(tracks);
        QCOMPARE(folded.size(), std::size_t(3));
        QCOMPARE(folded[0].end, 10); // 0-5 and 5-10 are the same: merged
        QCOMPARE(folded[1].flapping, 1);
        QCOMPARE(folded[1].open, 1);
        QCOMPARE(folded[1].worst, BreakerState::Open);
        QCOMPARE(folded[2].start, 20);
    }

    void nothingToFold()
    {
        QVERIFY(bw::foldRuns({}).empty());
        QVERIFY(bw::foldRuns({{}, {}}).empty());
        QCOMPARE(bw::foldRuns({{run(0, 10, BreakerState::Open)}}).size(), std::size_t(1));
    }
};

QTEST_APPLESS_MAIN(TestFoldedRuns)
#include "tst_foldedruns.moc"
