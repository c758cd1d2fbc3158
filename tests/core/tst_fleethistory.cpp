// FleetHistory: the live tick through the fleet, transitions with reasons, bad indexes, determinism of the
// synthetic fleet, and memory per service-hour at 1 s sampling.
#include "demo/syntheticfleet.h"
#include "history/fleethistory.h"
#include "history/recentfigures.h"

#include <QTest>

using namespace Qt::StringLiterals;
using bw::BreakerState;
using bw::SeriesKind;
using bw::TrackKind;

namespace {

constexpr std::int64_t kT0 = 1'699'999'800'000;
constexpr std::int64_t kHour = 3'600'000;

} // namespace

class TestFleetHistory final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void liveTick();
    void earliestRecordedTimeAndRecentFigures();
    void transitionsCarryTheirReason();
    void badIndexesAreIgnored();
    void resizeKeepsHistory();
    void syntheticFleetIsDeterministic();
    void memoryPerServiceHour_data();
    void memoryPerServiceHour();
    void withoutViewsKeepsAFixedBudgetPerBreaker();
};

void TestFleetHistory::liveTick()
{
    bw::FleetHistory fleet(3);
    QCOMPARE(fleet.serviceCount(), 3);
    const std::size_t empty = fleet.memoryBytes();
    for (int s = 0; s < 60; ++s) {
        for (int i = 0; i < 3; ++i) {
            fleet.appendSample(i, SeriesKind::ErrorRate, kT0 + s * 1000, i * 10.0);
            fleet.appendSample(i, SeriesKind::Latency, kT0 + s * 1000, 20 + s);
            fleet.appendState(i, TrackKind::Simulated, kT0 + s * 1000,
                              i == 2 && s >= 30 ? BreakerState::Open : BreakerState::Closed);
        }
    }
    QVERIFY(fleet.memoryBytes() > empty);
    QVERIFY(!fleet.service(0).series(SeriesKind::LatencyP95)); // never fed: not allocated
    const auto latency = fleet.buckets(1, SeriesKind::Latency, kT0, kT0 + 60'000, 1);
    QCOMPARE(latency.size(), 1u);
    QCOMPARE(latency[0].count, 60u);
    QCOMPARE(latency[0].first, 20.0f);
    QCOMPARE(latency[0].last, 79.0f);
    QVERIFY(fleet.buckets(1, SeriesKind::LatencyP95, kT0, kT0 + 60'000, 1).empty());
    const auto runs = fleet.runs(2, TrackKind::Simulated, kT0, kT0 + 60'000, 1'000);
    QCOMPARE(runs.size(), 2u);
    QCOMPARE(runs[1].start, kT0 + 30'000);
    QCOMPARE(runs[1].end, kT0 + 59'000);
    QVERIFY(fleet.runs(2, TrackKind::Observed, kT0, kT0 + 60'000, 1'000).empty());
}

void TestFleetHistory::transitionsCarryTheirReason()
{
    bw::FleetHistory fleet(1);
    bw::Transition open;
    open.t = kT0 + 5'000;
    open.from = BreakerState::Closed;
    open.to = BreakerState::Open;
    open.reason.kind = bw::TransitionReason::Kind::FailureRate;
    open.reason.value = 62.5;
    open.reason.threshold = 50;
    open.reason.count = 20;
    fleet.appendState(0, TrackKind::Simulated, kT0, BreakerState::Closed);
    fleet.appendTransition(0, TrackKind::Simulated, open);
    const auto &service = fleet.service(0);
    const auto run = service.track(TrackKind::Simulated).runAt(kT0 + 5'000);
    QVERIFY(run);
    QCOMPARE(run->state, BreakerState::Open);
    QCOMPARE(service.reasonText(run->reason), u"failure rate 62.5% >= 50% over the last 20 calls"_s);
    const auto log = service.track(TrackKind::Simulated).transitions(kT0, kT0 + 10'000);
    QCOMPARE(log.size(), 1u);
    QCOMPARE(service.reasonText(log[0].reason), open.reason.describe());
}

void TestFleetHistory::badIndexesAreIgnored()
{
    bw::FleetHistory fleet(2);
    fleet.appendSample(-1, SeriesKind::ErrorRate, kT0, 1);
    fleet.appendSample(2, SeriesKind::ErrorRate, kT0, 1);
    fleet.appendState(7, TrackKind::Observed, kT0, BreakerState::Open);
    QVERIFY(fleet.buckets(5, SeriesKind::ErrorRate, kT0, kT0 + 1000, 1).empty());
    QVERIFY(fleet.runs(-3, TrackKind::Simulated, kT0, kT0 + 1000, 1).empty());
    QVERIFY(!fleet.service(0).series(SeriesKind::ErrorRate));
}

void TestFleetHistory::resizeKeepsHistory()
{
    bw::FleetHistory fleet(1);
    fleet.appendState(0, TrackKind::Simulated, kT0, BreakerState::Open, u"why"_s);
    fleet.resize(40);
    QCOMPARE(fleet.serviceCount(), 40);
    QCOMPARE(*fleet.service(0).track(TrackKind::Simulated).currentState(), BreakerState::Open);
    QCOMPARE(fleet.service(0).reasonText(1), u"why"_s);
    fleet.resize(1);
    QCOMPARE(fleet.serviceCount(), 1);
}

void TestFleetHistory::syntheticFleetIsDeterministic()
{
    auto build = [] {
        bw::SyntheticFleet::Options options;
        options.services = 12;
        options.seed = 42;
        options.flappingShare = 0.3;
        options.startMs = kT0;
        bw::SyntheticFleet generator(options);
        bw::FleetHistory fleet(options.services);
        generator.fill(fleet, kT0, kT0 + kHour);
        return std::make_pair(generator.names(), std::move(fleet));
    };
    const auto [namesA, a] = build();
    const auto [namesB, b] = build();
    QCOMPARE(namesA, namesB);
    QCOMPARE(namesA.size(), 12);
    QCOMPARE(namesA[0], u"checkout"_s);
    int flapping = 0;
    for (int i = 0; i < 12; ++i) {
        const auto &ta = a.service(i).track(TrackKind::Simulated);
        const auto &tb = b.service(i).track(TrackKind::Simulated);
        QCOMPARE(ta.runCount(), tb.runCount());
        if (ta.runCount() > 20)
            ++flapping;
        const auto ra = ta.transitions(kT0, kT0 + kHour);
        const auto rb = tb.transitions(kT0, kT0 + kHour);
        for (std::size_t k = 0; k < ra.size(); ++k) {
            QCOMPARE(ra[k].t, rb[k].t);
            QCOMPARE(a.service(i).reasonText(ra[k].reason), b.service(i).reasonText(rb[k].reason));
        }
    }
    QVERIFY2(flapping >= 1, "a flapping share of 30% over 12 services should give a flapping breaker");
}

void TestFleetHistory::memoryPerServiceHour_data()
{
    QTest::addColumn<int>("hours");
    QTest::addColumn<double>("limitBytes");
    // The budget is 8 KB per service-hour once the rings have filled; the first hours pay for the fixed 15 min of
    // 1 s buckets and the first allocations.
    QTest::newRow("24 h") << 24 << 8192.0;
    QTest::newRow("6 h") << 6 << 16384.0;
}

void TestFleetHistory::memoryPerServiceHour()
{
    QFETCH(int, hours);
    QFETCH(double, limitBytes);
    bw::SyntheticFleet::Options options;
    options.services = 12;
    options.flappingShare = 0.25;
    options.startMs = kT0;
    bw::SyntheticFleet generator(options);
    bw::FleetHistory fleet(options.services);
    generator.fill(fleet, kT0, kT0 + hours * kHour);
    const double perServiceHour = double(fleet.memoryBytes()) / options.services / hours;
    qInfo("%d services, %d h, 3 series, %.0f bytes per service-hour", options.services, hours, perServiceHour);
    QVERIFY2(perServiceHour <= limitBytes, qPrintable(QString::number(perServiceHour)));
}

void TestFleetHistory::withoutViewsKeepsAFixedBudgetPerBreaker()
{
    // `serve` keeps a display history nobody draws: after ten minutes it must not grow (the soak's RSS), where the
    // default retention grows for a week.
    bw::SyntheticFleet::Options options;
    options.services = 12;
    options.flappingShare = 0.25;
    options.startMs = kT0;
    bw::SyntheticFleet generator(options);
    bw::SyntheticFleet same(options);
    bw::FleetHistory headless(options.services, bw::HistoryRetention::withoutViews());
    bw::FleetHistory shown(options.services);
    generator.fill(headless, kT0, kT0 + kHour / 6);
    same.fill(shown, kT0, kT0 + kHour / 6);
    const std::size_t headlessAt10Min = headless.memoryBytes();
    const std::size_t shownAt10Min = shown.memoryBytes();
    generator.fill(headless, kT0 + kHour / 6, kT0 + 2 * kHour);
    same.fill(shown, kT0 + kHour / 6, kT0 + 2 * kHour);
    qInfo("10 min -> 2 h: without views %zu -> %zu bytes, with views %zu -> %zu", headlessAt10Min,
          headless.memoryBytes(), shownAt10Min, shown.memoryBytes());
    // Bounded per breaker whatever the time: at most 12 KB (three series of 68 buckets, two tracks of at most 64
    // runs, a reason pool compacted at twice the runs), reached in a flapping breaker's busiest minutes.
    constexpr std::size_t budget = 12 * 1024 * 12;
    QVERIFY2(headlessAt10Min <= budget, qPrintable(QString::number(headlessAt10Min)));
    QVERIFY2(headless.memoryBytes() <= budget, qPrintable(QString::number(headless.memoryBytes())));
    QVERIFY(shown.memoryBytes() > 2 * shownAt10Min); // the views' retention grows on, towards a week
    QVERIFY(shown.memoryBytes() > budget);
    generator.fill(headless, kT0 + 2 * kHour, kT0 + 8 * kHour);
    QVERIFY2(headless.memoryBytes() <= budget, qPrintable(QString::number(headless.memoryBytes())));
    // What it keeps still answers: the last minute at 1 s.
    const auto recent = headless.buckets(0, SeriesKind::ErrorRate, kT0 + 8 * kHour - 60'000, kT0 + 8 * kHour, 60);
    QVERIFY2(recent.size() >= 50, qPrintable(QString::number(recent.size())));
}

void TestFleetHistory::earliestRecordedTimeAndRecentFigures()
{
    bw::FleetHistory history(3);
    QCOMPARE(bw::earliestRecordedTime(history), std::nullopt);
    history.appendState(2, bw::TrackKind::Observed, 50'000, bw::BreakerState::Closed);
    history.appendState(2, bw::TrackKind::Observed, 70'000, bw::BreakerState::Open);
    history.appendState(1, bw::TrackKind::Simulated, 40'000, bw::BreakerState::Closed);
    history.appendState(1, bw::TrackKind::Simulated, 90'000, bw::BreakerState::Open);
    QCOMPARE(bw::earliestRecordedTime(history), std::optional<std::int64_t>(40'000));

    // The last minute's error mean is weighted by samples; p95 is the latest; nothing for an unfed row or a bad one.
    for (int i = 0; i < 4; ++i)
        history.appendSample(1, bw::SeriesKind::ErrorRate, 60'000 + i * 10'000, i < 2 ? 10.0 : 30.0);
    history.appendSample(1, bw::SeriesKind::LatencyP95, 80'000, 120);
    history.appendSample(1, bw::SeriesKind::LatencyP95, 95'000, 180);
    QCOMPARE(bw::recentErrorRatePercent(history, 1, 100'000), std::optional(20.0));
    QCOMPARE(bw::recentP95LatencyMs(history, 1, 100'000), std::optional(180.0));
    QCOMPARE(bw::recentErrorRatePercent(history, 0, 100'000), std::nullopt);
    QCOMPARE(bw::recentP95LatencyMs(history, 7, 100'000), std::nullopt);
    // Out of the last minute: nothing recent.
    QCOMPARE(bw::recentErrorRatePercent(history, 1, 300'000), std::nullopt);
}

QTEST_GUILESS_MAIN(TestFleetHistory)
#include "tst_fleethistory.moc"
