// TrackHistory and ReasonPool: run-length encoding, display merging, hover lookups, transitions, late states,
// retention, reason interning and compaction.
#include "history/reasonpool.h"
#include "history/servicehistory.h"
#include "history/trackhistory.h"

#include <QTest>

using namespace Qt::StringLiterals;
using bw::BreakerState;

namespace {

constexpr std::int64_t kT0 = 1'699'999'800'000;

// A run to append: x = ms after kT0, y = state.
using Runs = QList<QPoint>;
// Expected display run: start, end (ms after kT0), state, mixed, changes, worst state.
using Expected = QList<QList<qint64>>;

bw::TrackHistory make(const Runs &runs, std::int64_t latest)
{
    bw::TrackHistory track;
    for (const QPoint &r : runs)
        track.append(kT0 + r.x(), static_cast<BreakerState>(r.y()), 0);
    track.append(kT0 + latest, static_cast<BreakerState>(runs.back().y()), 0);
    return track;
}

constexpr int C = static_cast<int>(BreakerState::Closed);
constexpr int O = static_cast<int>(BreakerState::Open);
constexpr int H = static_cast<int>(BreakerState::HalfOpen);

} // namespace

class TestTrackHistory final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void repeatedStatesAreOneRun();
    void displayRuns_data();
    void displayRuns();
    void lastRunExtendsToNowWhenAsked();
    void runAtForHover();
    void transitionsComeFromRuns();
    void lateStatesAreClamped();
    void retentionDropsOldRuns();
    void maxRunsCapsAFlappingTrack();
    void offsetsSurviveLongSpans();
    void pastLearntLateIsFilledIn();
    void pastEqualToTheFirstRunExtendsIt();
    void pastKeepsRetentionAndCap();
    void pastOnAnEmptyTrackIsAppended();
    void servicePastKeepsItsReasons();
    void reasonPoolInternsAndCompacts();
    void serviceKeepsReasonsProportionalToRuns();
};

void TestTrackHistory::repeatedStatesAreOneRun()
{
    bw::TrackHistory track;
    QVERIFY(track.empty());
    QVERIFY(!track.currentState());
    for (int s = 0; s < 100; ++s)
        track.append(kT0 + s * 1000, BreakerState::Closed, 0);
    QCOMPARE(track.runCount(), 1u);
    QCOMPARE(track.latestTime(), kT0 + 99'000);
    track.append(kT0 + 100'000, BreakerState::Open, 0);
    track.append(kT0 + 101'000, BreakerState::Open, 0);
    track.append(kT0 + 130'000, BreakerState::HalfOpen, 0);
    QCOMPARE(track.runCount(), 3u);
    QCOMPARE(*track.currentState(), BreakerState::HalfOpen);
    QCOMPARE(track.memoryBytes(), sizeof(bw::TrackHistory) + 16 * 8); // the first allocation: 16 runs of 8 bytes
}

void TestTrackHistory::displayRuns_data()
{
    QTest::addColumn<Runs>("runs");
    QTest::addColumn<qint64>("latest");
    QTest::addColumn<qint64>("from");
    QTest::addColumn<qint64>("to");
    QTest::addColumn<qint64>("minDuration");
    QTest::addColumn<Expected>("expected");

    QTest::newRow("long runs stay as they are") << Runs{{0, C}, {60'000, O}, {90'000, H}, {95'000, C}}
                                                << qint64(200'000) << qint64(0) << qint64(200'000) << qint64(1'000)
                                                << Expected{{0, 60'000, C, 0, 1, C},
                                                            {60'000, 90'000, O, 0, 1, O},
                                                            {90'000, 95'000, H, 0, 1, H},
                                                            {95'000, 200'000, C, 0, 1, C}};
    QTest::newRow("clipped to the window")
        << Runs{{0, C}, {60'000, O}, {90'000, C}} << qint64(200'000) << qint64(30'000) << qint64(100'000)
        << qint64(1'000)
        << Expected{{30'000, 60'000, C, 0, 1, C}, {60'000, 90'000, O, 0, 1, O}, {90'000, 100'000, C, 0, 1, C}};
    // Open 3 s / half-open 1 s, five times, at 10 s a pixel: one mixed run, mostly open.
    QTest::newRow("flapping becomes one mixed run")
        << Runs{{0, C},       {100'000, O}, {103'000, H}, {104'000, O}, {107'000, H}, {108'000, O},
                {111'000, H}, {112'000, O}, {115'000, H}, {116'000, O}, {119'000, H}, {120'000, C}}
        << qint64(300'000) << qint64(0) << qint64(300'000) << qint64(10'000)
        << Expected{{0, 100'000, C, 0, 1, C}, {100'000, 120'000, O, 1, 10, O}, {120'000, 300'000, C, 0, 1, C}};
    QTest::newRow("the same at 1 s a pixel is not merged")
        << Runs{{0, C}, {100'000, O}, {103'000, H}, {104'000, O}, {107'000, C}} << qint64(200'000) << qint64(0)
        << qint64(200'000) << qint64(1'000)
        << Expected{{0, 100'000, C, 0, 1, C},
                    {100'000, 103'000, O, 0, 1, O},
                    {103'000, 104'000, H, 0, 1, H},
                    {104'000, 107'000, O, 0, 1, O},
                    {107'000, 200'000, C, 0, 1, C}};
    QTest::newRow("a lone short run is kept, not swallowed")
        << Runs{{0, O}, {60'000, H}, {60'200, C}} << qint64(120'000) << qint64(0) << qint64(120'000) << qint64(1'000)
        << Expected{{0, 60'000, O, 0, 1, O}, {60'000, 60'200, H, 0, 1, H}, {60'200, 120'000, C, 0, 1, C}};
    QTest::newRow("dominant state of a mixed run")
        << Runs{{0, C}, {10'000, H}, {10'100, O}, {10'900, H}, {11'000, C}} << qint64(20'000) << qint64(0)
        << qint64(20'000) << qint64(1'000)
        << Expected{{0, 10'000, C, 0, 1, C}, {10'000, 11'000, O, 1, 3, O}, {11'000, 20'000, C, 0, 1, C}};
    QTest::newRow("mostly closed, but it opens: worst is open")
        << Runs{{0, C}, {100'000, O}, {100'500, C}, {102'500, O}, {103'000, C}, {105'000, O}, {105'500, C}}
        << qint64(200'000) << qint64(0) << qint64(200'000) << qint64(5'000)
        << Expected{{0, 100'000, C, 0, 1, C}, {100'000, 105'500, C, 1, 5, O}, {105'500, 200'000, C, 0, 1, C}};
    QTest::newRow("window before the first run")
        << Runs{{50'000, C}} << qint64(60'000) << qint64(0) << qint64(40'000) << qint64(1'000) << Expected{};
    QTest::newRow("window after the latest time")
        << Runs{{0, O}} << qint64(60'000) << qint64(70'000) << qint64(80'000) << qint64(1'000) << Expected{};
}

void TestTrackHistory::displayRuns()
{
    QFETCH(Runs, runs);
    QFETCH(qint64, latest);
    QFETCH(qint64, from);
    QFETCH(qint64, to);
    QFETCH(qint64, minDuration);
    QFETCH(Expected, expected);

    const bw::TrackHistory track = make(runs, latest);
    Expected actual;
    for (const bw::DisplayRun &r : track.runs(kT0 + from, kT0 + to, minDuration))
        actual.push_back({r.start - kT0, r.end - kT0, static_cast<int>(r.state), r.mixed ? 1 : 0, r.changes,
                          static_cast<int>(r.worst)});
    QCOMPARE(actual, expected);
}

void TestTrackHistory::lastRunExtendsToNowWhenAsked()
{
    const bw::TrackHistory track = make({{0, C}, {10'000, O}}, 20'000);
    QCOMPARE(track.runs(kT0, kT0 + 60'000, 1).back().end, kT0 + 20'000);
    QCOMPARE(track.runs(kT0, kT0 + 60'000, 1, kT0 + 45'000).back().end, kT0 + 45'000);
    QCOMPARE(track.runs(kT0, kT0 + 30'000, 1, kT0 + 45'000).back().end, kT0 + 30'000);
}

void TestTrackHistory::runAtForHover()
{
    bw::TrackHistory track;
    track.append(kT0, BreakerState::Closed, 0);
    track.append(kT0 + 10'000, BreakerState::Open, 7);
    track.append(kT0 + 40'000, BreakerState::HalfOpen, 8);
    track.append(kT0 + 41'000, BreakerState::HalfOpen, 0);

    const auto open = track.runAt(kT0 + 25'000);
    QVERIFY(open);
    QCOMPARE(open->start, kT0 + 10'000);
    QCOMPARE(open->end, kT0 + 40'000);
    QCOMPARE(open->state, BreakerState::Open);
    QCOMPARE(open->reason, bw::ReasonId(7));
    QVERIFY(open->hasPrevious);
    QCOMPARE(open->previous, BreakerState::Closed);

    QVERIFY(!track.runAt(kT0 - 1));
    QCOMPARE(track.runAt(kT0 + 41'000)->state, BreakerState::HalfOpen); // the latest time is still covered
    QVERIFY(!track.runAt(kT0 + 41'001));                                // after the latest time
    QVERIFY(track.runAt(kT0 + 45'000, kT0 + 50'000));                   // unless the caller extends the current run
    QVERIFY(!track.runAt(kT0)->hasPrevious);
}

void TestTrackHistory::transitionsComeFromRuns()
{
    const bw::TrackHistory track = make({{0, C}, {10'000, O}, {40'000, H}, {41'000, C}}, 50'000);
    const auto all = track.transitions(kT0, kT0 + 60'000);
    QCOMPARE(all.size(), 3u);
    QCOMPARE(all[0].t, kT0 + 10'000);
    QCOMPARE(all[0].from, BreakerState::Closed);
    QCOMPARE(all[0].to, BreakerState::Open);
    QCOMPARE(all[2].from, BreakerState::HalfOpen);
    QCOMPARE(all[2].to, BreakerState::Closed);
    QCOMPARE(track.transitions(kT0 + 10'001, kT0 + 41'000).size(), 1u);
}

void TestTrackHistory::lateStatesAreClamped()
{
    bw::TrackHistory track;
    track.append(kT0 + 10'000, BreakerState::Closed, 0);
    track.append(kT0 + 20'000, BreakerState::Open, 0);
    track.append(kT0 + 5'000, BreakerState::HalfOpen, 0); // late: taken at 20 s
    track.append(kT0 + 20'000, BreakerState::Closed, 0);  // same time: still a run, of zero length so far
    QCOMPARE(track.runCount(), 4u);
    QCOMPARE(track.latestTime(), kT0 + 20'000);
    const auto runs = track.runs(kT0, kT0 + 30'000, 0, kT0 + 30'000);
    QCOMPARE(runs.size(), 2u); // the zero-length open and half-open runs have nothing to draw
    QCOMPARE(runs.back().state, BreakerState::Closed);
    QCOMPARE(track.transitions(kT0, kT0 + 30'000).size(), 3u); // but they are in the event log
}

void TestTrackHistory::retentionDropsOldRuns()
{
    bw::HistoryRetention retention;
    retention.stateMs = 60'000;
    bw::TrackHistory track(retention);
    for (int i = 0; i < 100; ++i)
        track.append(kT0 + i * 10'000, i % 2 ? BreakerState::Open : BreakerState::Closed, 0);
    // Runs starting within the last minute, plus the one that was current a minute ago.
    QCOMPARE(track.runCount(), 7u);
    QCOMPARE(track.runs(kT0, kT0 + 2'000'000, 1).front().start, kT0 + 930'000);
}

void TestTrackHistory::maxRunsCapsAFlappingTrack()
{
    bw::HistoryRetention retention;
    retention.maxRunsPerTrack = 100;
    bw::TrackHistory track(retention);
    for (int i = 0; i < 1000; ++i)
        track.append(kT0 + i * 100, i % 2 ? BreakerState::Open : BreakerState::HalfOpen, 0);
    QCOMPARE(track.runCount(), 100u);
    QCOMPARE(track.runs(kT0, kT0 + 200'000, 0).front().start, kT0 + 90'000);
    QVERIFY(track.memoryBytes() <= sizeof(bw::TrackHistory) + 100 * 8);
}

void TestTrackHistory::offsetsSurviveLongSpans()
{
    // Offsets are 32-bit ms (49 days); a run that long is rebased, later runs keep exact times.
    bw::HistoryRetention retention;
    retention.stateMs = 400LL * 86'400'000;
    bw::TrackHistory track(retention);
    const std::int64_t day = 86'400'000;
    track.append(kT0, BreakerState::Closed, 0);
    track.append(kT0 + 10 * day, BreakerState::Open, 0);
    track.append(kT0 + 100 * day, BreakerState::Closed, 0);
    track.append(kT0 + 100 * day + 1, BreakerState::Open, 0);
    const auto runs = track.runs(kT0, kT0 + 101 * day, 0, kT0 + 101 * day);
    QCOMPARE(runs.size(), 3u);
    QCOMPARE(runs[1].start, kT0 + 100 * day);
    QCOMPARE(runs[2].start, kT0 + 100 * day + 1);
    QCOMPARE(track.runAt(kT0 + 80 * day)->state, BreakerState::Open);
    QVERIFY(!track.runAt(kT0 + 50 * day)); // the 90-day open run was cut to its last 24 days
    QVERIFY(runs[0].start >= kT0 + 100 * day - 25 * day);
}

void TestTrackHistory::pastLearntLateIsFilledIn()
{
    // The live state first (closed at 600 s, then open at 700 s), the server's history of the hour before after it.
    bw::TrackHistory track;
    track.append(kT0 + 600'000, BreakerState::Closed, 1);
    track.append(kT0 + 700'000, BreakerState::Open, 2);
    track.prependPast({{kT0, BreakerState::HalfOpen, 3},
                       {kT0 + 100'000, BreakerState::Open, 4},
                       {kT0 + 100'000, BreakerState::Open, 5},  // no change: not a run
                       {kT0 + 50'000, BreakerState::Closed, 6}, // out of order: ignored
                       {kT0 + 200'000, BreakerState::Closed, 7},
                       {kT0 + 650'000, BreakerState::HalfOpen, 8}}); // after the first run's start: the track wins
    QCOMPARE(track.earliestTime(), kT0);
    QCOMPARE(track.latestTime(), kT0 + 700'000);
    const auto all = track.transitions(kT0, kT0 + 800'000);
    QCOMPARE(all.size(), 3u); // half-open -> open -> closed (extended back from 600 s to 200 s) -> open
    QCOMPARE(all[0].t, kT0 + 100'000);
    QCOMPARE(all[0].from, BreakerState::HalfOpen);
    QCOMPARE(all[0].reason, bw::ReasonId(4));
    QCOMPARE(all[1].t, kT0 + 200'000);
    QCOMPARE(all[1].to, BreakerState::Closed);
    QCOMPARE(all[2].t, kT0 + 700'000);
    QCOMPARE(all[2].reason, bw::ReasonId(2));
    QCOMPARE(track.runAt(kT0 + 400'000)->state, BreakerState::Closed);
    QCOMPARE(*track.currentState(), BreakerState::Open);
    // Appending goes on after it as before.
    track.append(kT0 + 800'000, BreakerState::Closed, 9);
    QCOMPARE(track.transitions(kT0, kT0 + 900'000).size(), 4u);
}

void TestTrackHistory::pastEqualToTheFirstRunExtendsIt()
{
    bw::TrackHistory track;
    track.append(kT0 + 21'600'000, BreakerState::Closed, 0); // shown live at 6 h
    track.prependPast({{kT0, BreakerState::Closed, 1}});     // the server knew it closed since 0
    QCOMPARE(track.runCount(), 1u);
    QCOMPARE(track.earliestTime(), kT0);
    QCOMPARE(track.runAt(kT0 + 1)->reason, bw::ReasonId(1));
    // Nothing earlier than the track's past is known twice: a second fill at or after its start changes nothing.
    track.prependPast({{kT0 + 5, BreakerState::Open, 2}});
    QCOMPARE(track.runCount(), 1u);
}

void TestTrackHistory::pastKeepsRetentionAndCap()
{
    bw::HistoryRetention retention;
    retention.stateMs = 60'000;
    retention.maxRunsPerTrack = 4;
    bw::TrackHistory track(retention);
    track.append(kT0 + 1'000'000, BreakerState::Open, 0);
    std::vector<bw::TrackHistory::PastRun> past;
    for (int i = 0; i < 100; ++i) // flapping every 10 s for the 1,000 s before
        past.push_back({kT0 + i * 10'000, i % 2 ? BreakerState::Open : BreakerState::Closed, 0});
    track.prependPast(past);
    QCOMPARE(track.runCount(), 4u); // the cap
    QCOMPARE(track.earliestTime(), kT0 + 960'000);
    QCOMPARE(*track.currentState(), BreakerState::Open);
    QVERIFY(track.memoryBytes() <= sizeof(bw::TrackHistory) + 16 * 8);

    // The retention alone: runs that ended more than a minute before the latest state go.
    bw::HistoryRetention minute;
    minute.stateMs = 60'000;
    bw::TrackHistory kept(minute);
    kept.append(kT0 + 1'000'000, BreakerState::HalfOpen, 0);
    kept.prependPast(past);
    QCOMPARE(kept.earliestTime(), kT0 + 940'000); // the run current a minute before, and the ones after
    QCOMPARE(kept.runCount(), 7u);
}

void TestTrackHistory::pastOnAnEmptyTrackIsAppended()
{
    bw::TrackHistory track;
    track.prependPast({{kT0, BreakerState::Closed, 0}, {kT0 + 10'000, BreakerState::Open, 0}});
    QCOMPARE(track.runCount(), 2u);
    QCOMPARE(track.latestTime(), kT0 + 10'000);
    QVERIFY(!bw::TrackHistory().earliestTime());
}

void TestTrackHistory::servicePastKeepsItsReasons()
{
    bw::ServiceHistory service;
    service.appendState(bw::TrackKind::Observed, kT0 + 600'000, BreakerState::Closed, u"read from the gauge");
    service.prependStates(bw::TrackKind::Observed, {{kT0, BreakerState::Closed, QString()},
                                                    {kT0 + 100'000, BreakerState::Open, u"between two scrapes"_s},
                                                    {kT0 + 160'000, BreakerState::Closed, u"between two scrapes"_s}});
    const auto &track = service.track(bw::TrackKind::Observed);
    const auto opened = track.runAt(kT0 + 120'000);
    QVERIFY(opened);
    QCOMPARE(opened->state, BreakerState::Open);
    QCOMPARE(service.reasonText(opened->reason), u"between two scrapes"_s);
    QCOMPARE(track.runAt(kT0 + 300'000)->start, kT0 + 160'000);
    QCOMPARE(track.runAt(kT0 + 10)->reason, bw::ReasonId(0));
    QCOMPARE(service.reasons().size(), 2u); // "between two scrapes" once, the live gauge's text
}

void TestTrackHistory::reasonPoolInternsAndCompacts()
{
    bw::ReasonPool pool;
    QCOMPARE(pool.intern(u""), bw::ReasonId(0));
    const bw::ReasonId a = pool.intern(u"failure rate 62.5% >= 50% over the last 20 calls");
    const bw::ReasonId b = pool.intern(u"probe call failed");
    const bw::ReasonId c = pool.intern(u"café → ouvert");
    QCOMPARE(pool.intern(u"probe call failed"), b);
    QCOMPARE(pool.size(), 3u);
    QCOMPARE(pool.text(a), u"failure rate 62.5% >= 50% over the last 20 calls"_s);
    QCOMPARE(pool.text(c), u"café → ouvert"_s);
    QCOMPARE(pool.text(0), QString());
    QCOMPARE(pool.text(99), QString());
    for (int i = 0; i < 1000; ++i)
        pool.intern(u"reason %1"_s.arg(i));
    QCOMPARE(pool.size(), 1003u);
    QCOMPARE(pool.find(u"reason 500"), bw::ReasonId(504));

    std::vector<bool> live(pool.size() + 1, false);
    live[b] = live[c] = true;
    const auto map = pool.compact(live);
    QCOMPARE(pool.size(), 2u);
    QCOMPARE(map[a], bw::ReasonId(0));
    QCOMPARE(pool.text(map[b]), u"probe call failed"_s);
    QCOMPARE(pool.text(map[c]), u"café → ouvert"_s);
    QCOMPARE(pool.intern(u"probe call failed"), map[b]);
    QVERIFY2(pool.memoryBytes() < 200, qPrintable(QString::number(pool.memoryBytes())));
}

void TestTrackHistory::serviceKeepsReasonsProportionalToRuns()
{
    bw::HistoryRetention retention;
    retention.maxRunsPerTrack = 50;
    bw::ServiceHistory service(retention);
    for (int i = 0; i < 10'000; ++i) {
        service.appendState(bw::TrackKind::Simulated, kT0 + i * 1000, i % 2 ? BreakerState::Open : BreakerState::Closed,
                            u"unique reason number %1"_s.arg(i));
    }
    QVERIFY(service.reasons().size() <= 128);
    const auto run = service.track(bw::TrackKind::Simulated).runAt(kT0 + 9'999'000);
    QVERIFY(run);
    QCOMPARE(service.reasonText(run->reason), u"unique reason number 9999"_s);
    const auto older = service.track(bw::TrackKind::Simulated).runAt(kT0 + 9'960'500);
    QCOMPARE(service.reasonText(older->reason), u"unique reason number 9960"_s);
    // Repeating a state stores no reason.
    service.appendState(bw::TrackKind::Simulated, kT0 + 10'000'000, BreakerState::Open, u"ignored"_s);
    QCOMPARE(service.reasons().find(u"ignored"), bw::ReasonId(0));
}

QTEST_GUILESS_MAIN(TestTrackHistory)
#include "tst_trackhistory.moc"
