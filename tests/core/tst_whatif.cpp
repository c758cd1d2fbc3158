#include "eventscript.h"

#include "breaker/presetcatalog.h"
#include "whatif/sweep.h"
#include "whatif/whatifengine.h"

#include <QTest>

#include <atomic>
#include <mutex>

using namespace Qt::StringLiterals;

namespace {

// Healthy every second, a real outage from 10 s to 14 s (failures every 500 ms), then healthy every 500 ms.
bw::EventStream outageStream()
{
    bw::EventStream stream;
    for (const testscript::Step &step : testscript::parseEvents(u"0..9000/1000s 10000..14000/500f 14500..20000/500s"_s))
        stream.events.push_back({step.t, step.latencyMs, step.ok});
    return stream;
}

bw::BreakerPolicy policy(const QString &preset, const QList<QPair<QString, QString>> &overrides)
{
    return *bw::PresetCatalog{}.buildText(preset, overrides);
}

} // namespace

class TestWhatIf final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void handCheckedOutage();
    void undetectedOutage();
    void sweepGrid();
    void sweepAxisSyntax_data();
    void sweepAxisSyntax();
    void sweepRejectsBadPoints();
    void threadsDoNotChangeResults();
    void cancelStopsEarly();
    void progressReachesOne();
};

void TestWhatIf::handCheckedOutage()
{
    // cockatiel-consecutive threshold 3, halfOpenAfter 1 s, worked by hand:
    // opens at 11000 (3rd failure); probes at 12000, 13000, 14000 fail; 15000 succeeds.
    // Rejected: 11500, 12500, 13500, 14500 (the last one a good call). Failed let through: 6.
    bw::WhatIfOptions options;
    options.outages = {{10'000, 14'000}};
    options.keepTransitions = true;
    const bw::WhatIfRun run = bw::runWhatIf(
        outageStream(),
        {{u"c3"_s, policy(u"cockatiel-consecutive"_s, {{u"threshold"_s, u"3"_s}, {u"halfOpenAfter"_s, u"1000"_s}})}},
        options);
    QVERIFY(!run.cancelled);
    const bw::WhatIfResult &result = run.results.front();
    const bw::WhatIfMetrics &m = result.metrics;
    QCOMPARE(testscript::describe(result.transitions),
             u"11000:c>o 12000:o>h 12000:h>o 13000:o>h 13000:h>o 14000:o>h 14000:h>o 15000:o>h 15000:h>c"_s);
    QCOMPARE(m.events, 31);
    QCOMPARE(m.rejected, 4);
    QCOMPARE(m.admitted, 27);
    QCOMPARE(m.goodRejected, 1);
    QCOMPARE(m.failedLetThrough, 6);
    QCOMPARE(m.transitions, 9);
    QCOMPARE(m.opens, 4);
    QCOMPARE(m.openMs, 4000);
    QCOMPARE(m.halfOpenMs, 0);
    QCOMPARE(m.flappingEpisodes, 1); // 4 opens within 10 minutes
    QCOMPARE(m.finalState, bw::BreakerState::Closed);
    QCOMPARE(m.outagesDetected, 1);
    QCOMPARE(m.meanDetectionDelayMs.value(), 1000.0);
    QCOMPARE(m.outagesRecovered, 1);
    QCOMPARE(m.maxRecoveryDelayMs.value(), 1000);
}

void TestWhatIf::undetectedOutage()
{
    bw::WhatIfOptions options;
    options.outages = {{10'000, 14'000}};
    const bw::WhatIfRun run = bw::runWhatIf(
        outageStream(), {{u"c20"_s, policy(u"cockatiel-consecutive"_s, {{u"threshold"_s, u"20"_s}})}}, options);
    const bw::WhatIfMetrics &m = run.results.front().metrics;
    QCOMPARE(m.opens, 0);
    QCOMPARE(m.outagesDetected, 0);
    QVERIFY(!m.meanDetectionDelayMs.has_value());
    QCOMPARE(m.outagesRecovered, 1); // never left closed: nothing to recover from
    QCOMPARE(m.meanRecoveryDelayMs.value(), 0.0);
    QCOMPARE(m.failedLetThrough, 9);
}

void TestWhatIf::sweepGrid()
{
    const bw::PresetCatalog catalog;
    bw::SweepRequest request;
    request.preset = u"cockatiel-consecutive"_s;
    request.base = {{u"halfOpenAfter"_s, u"1000"_s}};
    request.axes = {{u"threshold"_s, {u"2"_s, u"3"_s, u"20"_s}}, {u"halfOpenAfter"_s, {u"1000"_s, u"5000"_s}}};
    const auto sweep = bw::runSweep(outageStream(), catalog, request);
    QVERIFY(sweep.ok());
    QCOMPARE(sweep->points.size(), std::size_t{6});
    QCOMPARE(sweep->points[0].parameters,
             (QList<QPair<QString, QString>>{{u"threshold"_s, u"2"_s}, {u"halfOpenAfter"_s, u"1000"_s}}));
    QCOMPARE(sweep->points[2].result.metrics.opens, 4); // threshold 3, 1 s: the hand-checked case
    QCOMPARE(sweep->points[4].result.metrics.opens, 0); // threshold 20 never opens
    // A longer wait means fewer probes: fewer opens, more good calls rejected.
    QVERIFY(sweep->points[3].result.metrics.opens < sweep->points[2].result.metrics.opens);
    QVERIFY(sweep->points[3].result.metrics.goodRejected > sweep->points[2].result.metrics.goodRejected);
}

void TestWhatIf::sweepAxisSyntax_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QStringList>("values");
    QTest::addColumn<QString>("error");
    QTest::newRow("list") << u"threshold=1,2,5"_s << QStringList{u"1"_s, u"2"_s, u"5"_s} << u""_s;
    QTest::newRow("range") << u"threshold=10..50:20"_s << QStringList{u"10"_s, u"30"_s, u"50"_s} << u""_s;
    QTest::newRow("fraction range") << u"threshold=0.1..0.3:0.1"_s << QStringList{u"0.1"_s, u"0.2"_s, u"0.3"_s}
                                    << u""_s;
    QTest::newRow("durations pass through") << u"halfOpenAfter=5s,1m"_s << QStringList{u"5s"_s, u"1m"_s} << u""_s;
    QTest::newRow("no equals") << u"threshold"_s << QStringList{} << u"must look like key=v1,v2"_s;
    QTest::newRow("bad range") << u"threshold=5..1:1"_s << QStringList{} << u"end >= start"_s;
    QTest::newRow("huge range") << u"threshold=0..1000000:1"_s << QStringList{} << u"at most 100000"_s;
}

void TestWhatIf::sweepAxisSyntax()
{
    QFETCH(QString, spec);
    QFETCH(QStringList, values);
    QFETCH(QString, error);
    const auto axis = bw::parseSweepAxis(spec);
    if (!error.isEmpty()) {
        QVERIFY(!axis.ok());
        QVERIFY2(axis.error().contains(error), qPrintable(axis.error()));
        return;
    }
    QVERIFY(axis.ok());
    QCOMPARE(axis->values, values);
}

void TestWhatIf::sweepRejectsBadPoints()
{
    const bw::PresetCatalog catalog;
    bw::SweepRequest request;
    request.preset = u"cockatiel-count"_s;
    request.axes = {{u"threshold"_s, {u"0.5"_s, u"1.5"_s}}};
    const auto candidates = bw::expandSweep(catalog, request);
    QVERIFY(!candidates.ok());
    QVERIFY2(candidates.error().startsWith(u"grid point threshold=1.5:"_s), qPrintable(candidates.error()));

    request.axes = {{u"treshold"_s, {u"0.5"_s}}};
    const auto unknown = bw::expandSweep(catalog, request);
    QVERIFY(!unknown.ok());
    QVERIFY(unknown.error().contains(u"valid parameters: threshold, size"_s));

    request.axes.clear();
    QVERIFY(!bw::expandSweep(catalog, request).ok());
}

void TestWhatIf::threadsDoNotChangeResults()
{
    // A long random stream and 16 mixed policies: one thread and two threads must agree exactly.
    bw::EventStream stream;
    std::uint64_t state = 7;
    auto next = [&state] {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        return state >> 33;
    };
    std::int64_t t = 0;
    for (int i = 0; i < 200'000; ++i) {
        t += static_cast<std::int64_t>(next() % 40);
        const bool outage = (t / 60'000) % 7 == 3;
        stream.events.push_back({t, static_cast<float>(next() % 2000), outage ? next() % 10 < 8 : next() % 100 > 3});
    }
    const bw::PresetCatalog catalog;
    std::vector<bw::WhatIfCandidate> candidates;
    for (const QString &name : catalog.names().mid(0, 16))
        candidates.push_back({name, *catalog.build(name)});
    bw::WhatIfOptions one;
    one.threads = 1;
    one.keepTransitions = true;
    bw::WhatIfOptions two = one;
    two.threads = 2;
    const bw::WhatIfRun a = bw::runWhatIf(stream, candidates, one);
    const bw::WhatIfRun b = bw::runWhatIf(stream, candidates, two);
    int opened = 0;
    for (std::size_t i = 0; i < candidates.size(); ++i) {
        QCOMPARE(b.results[i].label, a.results[i].label);
        QCOMPARE(b.results[i].metrics.rejected, a.results[i].metrics.rejected);
        QCOMPARE(b.results[i].metrics.goodRejected, a.results[i].metrics.goodRejected);
        QCOMPARE(testscript::describe(b.results[i].transitions), testscript::describe(a.results[i].transitions));
        opened += a.results[i].metrics.opens > 0;
    }
    QVERIFY2(opened >= 12, "most presets should open on a stream with outages");
}

void TestWhatIf::cancelStopsEarly()
{
    bw::EventStream stream;
    for (int i = 0; i < 1'000'000; ++i)
        stream.events.push_back({i, 1.0F, i % 3 != 0});
    std::atomic_bool cancel = true;
    bw::WhatIfOptions options;
    options.cancel = &cancel;
    const bw::WhatIfRun run = bw::runWhatIf(stream, {{u"x"_s, policy(u"opossum"_s, {})}}, options);
    QVERIFY(run.cancelled);
    QCOMPARE(run.results.front().metrics.rejected, 0); // stopped before the first chunk
}

void TestWhatIf::progressReachesOne()
{
    bw::EventStream stream;
    for (int i = 0; i < 100'000; ++i)
        stream.events.push_back({i, 1.0F, true});
    std::mutex mutex;
    double last = 0;
    int calls = 0;
    bw::WhatIfOptions options;
    options.threads = 2;
    options.progress = [&](double fraction) {
        const std::lock_guard lock(mutex);
        last = std::max(last, fraction);
        ++calls;
    };
    bw::runWhatIf(stream, {{u"a"_s, policy(u"classic"_s, {})}, {u"b"_s, policy(u"opossum"_s, {})}}, options);
    QVERIFY(calls > 2);
    QCOMPARE(last, 1.0);
}

QTEST_GUILESS_MAIN(TestWhatIf)
#include "tst_whatif.moc"
