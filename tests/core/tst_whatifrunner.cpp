// WhatIfRunner: replays off the calling thread, hands results back through queued signals, caches them per
// (history, policy) and stops quickly when cancelled.
#include "breaker/presetcatalog.h"
#include "whatif/samplehistory.h"
#include "whatif/sweep.h"
#include "whatif/whatifrunner.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>
#include <QThread>

using namespace Qt::StringLiterals;

namespace {

std::shared_ptr<const bw::WhatIfHistory> dayOfHistory()
{
    static const auto history = [] {
        auto h = std::make_shared<bw::WhatIfHistory>();
        bw::ReplayHistory sample = bw::sampleHistory(0);
        h->key = sample.sourceKey;
        h->stream = std::move(sample.stream);
        h->outages = std::move(sample.outages);
        return h;
    }();
    return history;
}

std::vector<bw::WhatIfJobCandidate> grid(int points)
{
    const bw::PresetCatalog catalog;
    std::vector<bw::WhatIfJobCandidate> jobs;
    for (int i = 0; i < points; ++i) {
        const bw::ParameterValues overrides{{u"failureRateThreshold"_s, 5.0 + (i % 90)},
                                            {u"minimumNumberOfCalls"_s, qlonglong(5 + i / 90)},
                                            {u"slidingWindowSize"_s, qlonglong(100)}};
        auto values = catalog.resolve(u"resilience4j"_s, overrides);
        jobs.push_back({u"p%1"_s.arg(i), bw::whatIfPolicyKey(u"resilience4j"_s, *values),
                        *catalog.build(u"resilience4j"_s, *values)});
    }
    return jobs;
}

} // namespace

class TestWhatIfRunner final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void resultsArriveQueuedWithTransitions();
    void secondRunComesFromCache();
    void cancelStopsWithin100ms();
    void newBatchSupersedesTheRunningOne();
    void cacheIsBounded();
    void policyKeyIsCanonical();
};

void TestWhatIfRunner::resultsArriveQueuedWithTransitions()
{
    bw::WhatIfRunner runner;
    QSignalSpy finished(&runner, &bw::WhatIfRunner::finished);
    QSignalSpy progress(&runner, &bw::WhatIfRunner::progress);
    const std::uint64_t id = runner.start(dayOfHistory(), grid(3), true);
    QVERIFY(runner.isRunning());
    QCOMPARE(finished.count(), 0); // never from inside start()
    QVERIFY(finished.wait(20'000));
    const auto batch = finished.front().front().value<bw::WhatIfBatch>();
    QCOMPARE(batch.id, id);
    QVERIFY(!batch.cancelled);
    QCOMPARE(batch.results.size(), std::size_t{3});
    QCOMPARE(batch.fromCache, 0);
    QVERIFY(!progress.isEmpty());
    QVERIFY(progress.count() <= 101);
    for (const bw::WhatIfResult &r : batch.results) {
        QCOMPARE(r.metrics.events, dayOfHistory()->stream.size());
        QVERIFY(r.metrics.opens > 0); // the sample has outages
        QCOMPARE(static_cast<std::int64_t>(r.transitions.size()), r.metrics.transitions);
        QCOMPARE(r.metrics.outages, 3);
    }
    QVERIFY(!runner.isRunning());
}

void TestWhatIfRunner::secondRunComesFromCache()
{
    bw::WhatIfRunner runner;
    QSignalSpy finished(&runner, &bw::WhatIfRunner::finished);
    runner.start(dayOfHistory(), grid(4), true);
    QVERIFY(finished.wait(20'000));
    const auto first = finished.takeFirst().front().value<bw::WhatIfBatch>();
    QCOMPARE(runner.cachedResults(), 4);

    // Same policies under other labels, without transitions: a result with transitions serves it.
    auto again = grid(5);
    again[0].label = u"renamed"_s;
    runner.start(dayOfHistory(), again, false);
    QVERIFY(finished.wait(20'000));
    const auto second = finished.takeFirst().front().value<bw::WhatIfBatch>();
    QCOMPARE(second.fromCache, 4);
    QCOMPARE(second.results[0].label, u"renamed"_s);
    for (int i = 0; i < 4; ++i)
        QCOMPARE(second.results[static_cast<std::size_t>(i)].metrics.opens,
                 first.results[static_cast<std::size_t>(i)].metrics.opens);

    // Another history is another key.
    auto other = std::make_shared<bw::WhatIfHistory>(*dayOfHistory());
    other->key += u"|outages:none"_s;
    other->outages.clear();
    runner.start(other, grid(1), false);
    QVERIFY(finished.wait(20'000));
    const auto third = finished.takeFirst().front().value<bw::WhatIfBatch>();
    QCOMPARE(third.fromCache, 0);
    QCOMPARE(third.results[0].metrics.outages, 0);
}

void TestWhatIfRunner::cancelStopsWithin100ms()
{
    bw::WhatIfRunner runner;
    QSignalSpy finished(&runner, &bw::WhatIfRunner::finished);
    QSignalSpy progress(&runner, &bw::WhatIfRunner::progress);
    runner.start(dayOfHistory(), grid(2000), false); // tens of seconds of work
    QVERIFY(progress.wait(20'000));                  // it is replaying
    QElapsedTimer timer;
    timer.start();
    runner.cancel();
    QVERIFY(finished.wait(5'000));
    const qint64 elapsed = timer.elapsed();
    const auto batch = finished.front().front().value<bw::WhatIfBatch>();
    QVERIFY(batch.cancelled);
    qInfo("cancel took %lld ms", static_cast<long long>(elapsed));
    QVERIFY2(elapsed < 100, qPrintable(u"cancel took %1 ms"_s.arg(elapsed)));
    QCOMPARE(runner.cachedResults(), 0); // partial results are not cached
}

void TestWhatIfRunner::newBatchSupersedesTheRunningOne()
{
    bw::WhatIfRunner runner;
    QSignalSpy finished(&runner, &bw::WhatIfRunner::finished);
    const auto slow = runner.start(dayOfHistory(), grid(1000), false);
    const auto quick = runner.start(dayOfHistory(), grid(2), false);
    QVERIFY(quick != slow);
    QTRY_VERIFY_WITH_TIMEOUT(
        std::any_of(finished.begin(), finished.end(),
                    [quick](const QList<QVariant> &args) { return args.front().value<bw::WhatIfBatch>().id == quick; }),
        20'000);
    for (const auto &args : finished) {
        const auto batch = args.front().value<bw::WhatIfBatch>();
        if (batch.id == slow)
            QVERIFY(batch.cancelled);
        else
            QVERIFY(!batch.cancelled);
    }
}

void TestWhatIfRunner::cacheIsBounded()
{
    bw::WhatIfRunner runner;
    runner.setCacheCapacity(3);
    QSignalSpy finished(&runner, &bw::WhatIfRunner::finished);
    runner.start(dayOfHistory(), grid(5), false);
    QVERIFY(finished.wait(20'000));
    QCOMPARE(runner.cachedResults(), 3);
    runner.clearCache();
    QCOMPARE(runner.cachedResults(), 0);
}

void TestWhatIfRunner::policyKeyIsCanonical()
{
    const bw::PresetCatalog catalog;
    const auto a = catalog.resolveText(u"opossum"_s, {{u"resetTimeout"_s, u"30s"_s}});
    const auto b = catalog.resolveText(u"opossum"_s, {{u"resetTimeout"_s, u"30000"_s}});
    const auto c = catalog.resolveText(u"opossum"_s, {{u"resetTimeout"_s, u"31s"_s}});
    QCOMPARE(bw::whatIfPolicyKey(u"opossum"_s, *a), bw::whatIfPolicyKey(u"opossum"_s, *b));
    QVERIFY(bw::whatIfPolicyKey(u"opossum"_s, *a) != bw::whatIfPolicyKey(u"opossum"_s, *c));
}

QTEST_GUILESS_MAIN(TestWhatIfRunner)
#include "tst_whatifrunner.moc"
