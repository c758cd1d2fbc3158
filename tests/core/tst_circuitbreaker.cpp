#include "eventscript.h"

#include "breaker/circuitbreaker.h"
#include "breaker/presetcatalog.h"

#include <QTest>

using namespace Qt::StringLiterals;
using bw::BreakerState;

namespace {

bw::BreakerPolicy policyFor(const QString &preset, const QString &overrides)
{
    QList<QPair<QString, QString>> pairs;
    for (const QString &assignment : overrides.split(u' ', Qt::SkipEmptyParts)) {
        const qsizetype equals = assignment.indexOf(u'=');
        pairs.append({assignment.left(equals), assignment.mid(equals + 1)});
    }
    const auto policy = bw::PresetCatalog{}.buildText(preset, pairs);
    if (!policy)
        qFatal("bad test policy %s %s: %s", qPrintable(preset), qPrintable(overrides), qPrintable(policy.error()));
    return *policy;
}

} // namespace

class TestCircuitBreaker final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void presetRules_data();
    void presetRules();
    void reasons_data();
    void reasons();
    void manualOperations();
    void illegalManualTransitions();
    void forcedOpenExpires();
    void metricsOnlyNeverTransitions();
    void disabledRecordsNothing();
    void backoffThroughBreaker();
    void batchInterleavesFailures();
    void batchCountsVerdicts();
    void batchSlowCallsFeedSlowRate();
    void snapshotReportsWindow();
    void validationRejectsNonsense_data();
    void validationRejectsNonsense();
};

void TestCircuitBreaker::presetRules_data()
{
    QTest::addColumn<QString>("preset");
    QTest::addColumn<QString>("overrides");
    QTest::addColumn<QString>("events");
    QTest::addColumn<QString>("transitions");
    QTest::addColumn<qint64>("rejected");

    const QString cc = u"threshold=3 halfOpenAfter=1000"_s;
    QTest::newRow("cockatiel-consecutive below threshold")
        << u"cockatiel-consecutive"_s << cc << u"0f 1f 2s 3f 4f"_s << u""_s << 0LL;
    QTest::newRow("cockatiel-consecutive opens at threshold (>=)")
        << u"cockatiel-consecutive"_s << cc << u"0f 1f 2f"_s << u"2:c>o"_s << 0LL;
    QTest::newRow("cockatiel-consecutive probe exactly at openedAt + halfOpenAfter")
        << u"cockatiel-consecutive"_s << cc << u"0f 1f 2f 500s 1001s 1002s"_s << u"2:c>o 1002:o>h 1002:h>c"_s << 2LL;
    QTest::newRow("cockatiel-consecutive failed probe restarts the wait")
        << u"cockatiel-consecutive"_s << cc << u"0f 1f 2f 1002f 2001s 2002s"_s
        << u"2:c>o 1002:o>h 1002:h>o 2002:o>h 2002:h>c"_s << 1LL;
    QTest::newRow("cockatiel-consecutive burst at one timestamp")
        << u"cockatiel-consecutive"_s << cc << u"5f 5f 5f 5f 5s"_s << u"5:c>o"_s << 2LL;
    QTest::newRow("cockatiel-consecutive lazy: no half-open without traffic")
        << u"cockatiel-consecutive"_s << cc << u"0f 1f 2f 50000a"_s << u"2:c>o"_s << 0LL;

    const QString op = u"errorThresholdPercentage=50 volumeThreshold=4 rollingCountTimeout=10000 "
                       u"rollingCountBuckets=10 resetTimeout=1000"_s;
    QTest::newRow("opossum volume gates opening") << u"opossum"_s << op << u"0f 1f 2f"_s << u""_s << 0LL;
    QTest::newRow("opossum volume reached (equal is enough)")
        << u"opossum"_s << op << u"0f 1f 2f 3f"_s << u"3:c>o"_s << 0LL;
    QTest::newRow("opossum exactly at threshold does not open (strict >)")
        << u"opossum"_s << op << u"0s 1f 2s 3f"_s << u""_s << 0LL;
    QTest::newRow("opossum timer half-open fires before a call at the same t")
        << u"opossum"_s << op << u"0f 1f 2f 3f 1003s"_s << u"3:c>o 1003:o>h 1003:h>c"_s << 0LL;
    QTest::newRow("opossum timer half-open without traffic")
        << u"opossum"_s << op << u"0f 1f 2f 3f 1003a"_s << u"3:c>o 1003:o>h"_s << 0LL;
    QTest::newRow("opossum one probe: a failed probe re-opens")
        << u"opossum"_s << op << u"0f 1f 2f 3f 1003f 2003a"_s << u"3:c>o 1003:o>h 1003:h>o 2003:o>h"_s << 0LL;
    QTest::newRow("opossum rejected fires dilute the rate after closing")
        << u"opossum"_s << op << u"0f 1f 2f 3f 100s 200s 300s 400s 500s 600s 700s 800s 900s 1003s 1004f"_s
        << u"3:c>o 1003:o>h 1003:h>c"_s << 9LL;
    QTest::newRow("opossum bucket 9 still holds bucket 0")
        << u"opossum"_s << op << u"0f 1f 2f 9999f"_s << u"9999:c>o"_s << 0LL;
    QTest::newRow("opossum bucket 10 dropped bucket 0") << u"opossum"_s << op << u"0f 1f 2f 10000f"_s << u""_s << 0LL;
    QTest::newRow("opossum uneven buckets floor(10000/3) = 3333 ms")
        << u"opossum"_s << u"volumeThreshold=2 rollingCountTimeout=10000 rollingCountBuckets=3"_s << u"0f 9998f"_s
        << u"9998:c>o"_s << 0LL;
    QTest::newRow("opossum uneven buckets: 9999 starts bucket 3")
        << u"opossum"_s << u"volumeThreshold=2 rollingCountTimeout=10000 rollingCountBuckets=3"_s << u"0f 9999f"_s
        << u""_s << 0LL;
    QTest::newRow("opossum warm-up blocks opening until rollingCountTimeout")
        << u"opossum"_s << u"allowWarmUp=true rollingCountTimeout=10000"_s << u"0f 1f 9999f 10000f"_s << u"10000:c>o"_s
        << 0LL;

    const QString ct = u"threshold=0.5 size=4 minimumNumberOfCalls=4 halfOpenAfter=1000"_s;
    QTest::newRow("cockatiel-count at half does not open (strict)")
        << u"cockatiel-count"_s << ct << u"0f 1s 2f 3s 4f"_s << u""_s << 0LL;
    QTest::newRow("cockatiel-count opens above threshold")
        << u"cockatiel-count"_s << ct << u"0f 1s 2f 3s 4f 5f"_s << u"5:c>o"_s << 0LL;
    QTest::newRow("cockatiel-count minimum number of calls")
        << u"cockatiel-count"_s << ct << u"0f 1f 2f"_s << u""_s << 0LL;
    QTest::newRow("cockatiel-count half-open success resets the window, then records")
        << u"cockatiel-count"_s << ct << u"0f 1f 2f 3f 1003s 1004f 1005f 1006f"_s
        << u"3:c>o 1003:o>h 1003:h>c 1006:c>o"_s << 0LL;

    const QString cs = u"threshold=0.5 duration=5000 minimumRps=1 halfOpenAfter=1000"_s;
    QTest::newRow("cockatiel-sampling minimum volume = duration * minimumRps")
        << u"cockatiel-sampling"_s << cs << u"0f 1f 2f 3f"_s << u""_s << 0LL;
    QTest::newRow("cockatiel-sampling opens once volume is reached")
        << u"cockatiel-sampling"_s << cs << u"0f 1f 2f 3f 4f"_s << u"4:c>o"_s << 0LL;
    QTest::newRow("cockatiel-sampling counts survive a traffic gap (lazy rotation)")
        << u"cockatiel-sampling"_s << cs << u"0f 1f 2s 3s 100000f"_s << u"100000:c>o"_s << 0LL;
    QTest::newRow("cockatiel-sampling rotation drops a window after five rotations")
        << u"cockatiel-sampling"_s << cs << u"0f 1f 1000s 2000s 3000s 4000s 5000s 6000f 6001f"_s << u""_s << 0LL;

    const QString r4j = u"failureRateThreshold=50 slidingWindowSize=4 minimumNumberOfCalls=4 "
                        u"waitDurationInOpenState=1000 permittedNumberOfCallsInHalfOpenState=2"_s;
    QTest::newRow("resilience4j trips after a success (rate >= threshold)")
        << u"resilience4j"_s << r4j << u"0f 1s 2f 3s"_s << u"3:c>o"_s << 0LL;
    QTest::newRow("resilience4j below minimum calls decides nothing")
        << u"resilience4j"_s << r4j << u"0f 1f 2f"_s << u""_s << 0LL;
    QTest::newRow("resilience4j half-open closes below threshold after permitted calls")
        << u"resilience4j"_s << r4j << u"0f 1s 2f 3s 500s 1003s 1004s"_s << u"3:c>o 1003:o>h 1004:h>c"_s << 1LL;
    QTest::newRow("resilience4j half-open re-opens at threshold")
        << u"resilience4j"_s << r4j << u"0f 1s 2f 3s 1003f 1004s"_s << u"3:c>o 1003:o>h 1004:h>o"_s << 0LL;
    QTest::newRow("resilience4j closes with fresh metrics")
        << u"resilience4j"_s << r4j << u"0f 1s 2f 3s 1003s 1004s 1005f 1006f 1007f"_s << u"3:c>o 1003:o>h 1004:h>c"_s
        << 0LL;
    QTest::newRow("resilience4j latency equal to the slow threshold is not slow")
        << u"resilience4j"_s << r4j + u" slowCallRateThreshold=50 slowCallDurationThreshold=100"_s
        << u"0s@200 1s@100 2s@50 3s@10"_s << u""_s << 0LL;
    QTest::newRow("resilience4j slow-call rate opens at threshold")
        << u"resilience4j"_s << r4j + u" slowCallRateThreshold=50 slowCallDurationThreshold=100"_s
        << u"0s@200 1s@101 2s@50 3s@10"_s << u"3:c>o"_s << 0LL;
    QTest::newRow("resilience4j COUNT_BASED uses min(minimumNumberOfCalls, window)")
        << u"resilience4j"_s << u"slidingWindowSize=2 minimumNumberOfCalls=100"_s << u"0s 1f"_s << u"1:c>o"_s << 0LL;
    QTest::newRow("resilience4j TIME_BASED keeps buckets on the second grid")
        << u"resilience4j"_s << u"slidingWindowType=TIME_BASED slidingWindowSize=2 minimumNumberOfCalls=2"_s
        << u"0f 1999f"_s << u"1999:c>o"_s << 0LL;
    QTest::newRow("resilience4j TIME_BASED drops the old second")
        << u"resilience4j"_s << u"slidingWindowType=TIME_BASED slidingWindowSize=2 minimumNumberOfCalls=2"_s
        << u"0f 2000f"_s << u""_s << 0LL;
    QTest::newRow("resilience4j automatic transition is a timer")
        << u"resilience4j"_s << r4j + u" automaticTransitionFromOpenToHalfOpenEnabled=true"_s << u"0f 1f 2f 3f 1003a"_s
        << u"3:c>o 1003:o>h"_s << 0LL;
    QTest::newRow("resilience4j max wait in half-open returns to open")
        << u"resilience4j"_s << r4j + u" maxWaitDurationInHalfOpenState=500"_s << u"0f 1f 2f 3f 1003s 1503a"_s
        << u"3:c>o 1003:o>h 1503:h>o"_s << 0LL;

    const QString po = u"FailureRatio=0.5 MinimumThroughput=4 SamplingDuration=10000 BreakDuration=1000"_s;
    QTest::newRow("polly only breaks on a failure") << u"polly"_s << po << u"0f 1s 2f 3s"_s << u""_s << 0LL;
    QTest::newRow("polly breaks at ratio >= threshold") << u"polly"_s << po << u"0s 1f 2s 3f"_s << u"3:c>o"_s << 0LL;
    QTest::newRow("polly windows age out") << u"polly"_s << po << u"0f 1f 2f 10500f"_s << u""_s << 0LL;
    QTest::newRow("polly lazy probe closes")
        << u"polly"_s << po << u"0s 1f 2s 3f 1003s"_s << u"3:c>o 1003:o>h 1003:h>c"_s << 0LL;

    const QString hy = u"circuitBreakerRequestVolumeThreshold=4 circuitBreakerErrorThresholdPercentage=50 "
                       u"circuitBreakerSleepWindowInMilliseconds=1000"_s;
    QTest::newRow("hystrix trips at error % >= threshold and volume")
        << u"hystrix"_s << hy << u"0f 1s 2f 3s"_s << u"3:c>o"_s << 0LL;
    QTest::newRow("hystrix trial call only strictly after the sleep window")
        << u"hystrix"_s << hy << u"0f 1s 2f 3s 1003s 1004s"_s << u"3:c>o 1004:o>h 1004:h>c"_s << 1LL;

    const QString gb = u"ConsecutiveFailures=2 Timeout=1000 MaxRequests=2"_s;
    QTest::newRow("gobreaker opens at more than N (strict)") << u"gobreaker"_s << gb << u"0f 1f"_s << u""_s << 0LL;
    QTest::newRow("gobreaker MaxRequests successes close; expiry strictly before now")
        << u"gobreaker"_s << gb << u"0f 1f 2f 1002s 1003s 1004s"_s << u"2:c>o 1003:o>h 1004:h>c"_s << 1LL;
    QTest::newRow("gobreaker any half-open failure re-opens")
        << u"gobreaker"_s << gb << u"0f 1f 2f 1003s 1004f"_s << u"2:c>o 1003:o>h 1004:h>o"_s << 0LL;
    QTest::newRow("gobreaker Interval clears counts in a new generation")
        << u"gobreaker"_s << gb + u" Interval=1000"_s << u"0f 1f 1001f 1002f"_s << u""_s << 0LL;
    QTest::newRow("gobreaker Interval: third failure in a generation opens")
        << u"gobreaker"_s << gb + u" Interval=1000"_s << u"0f 1f 1001f 1002f 1003f"_s << u"1003:c>o"_s << 0LL;
    QTest::newRow("gobreaker Timeout <= 0 means 60 s")
        << u"gobreaker"_s << u"ConsecutiveFailures=0 Timeout=0"_s << u"0f 1f 60001s 60002s"_s
        << u"1:c>o 60002:o>h 60002:h>c"_s << 1LL;

    const QString py = u"failure_threshold=2 recovery_timeout=1000"_s;
    QTest::newRow("circuitbreaker-py opens, lazy half-open closes on success")
        << u"circuitbreaker-py"_s << py << u"0f 1f 1001s"_s << u"1:c>o 1001:o>h 1001:h>c"_s << 0LL;
    QTest::newRow("circuitbreaker-py half-open failure re-opens at once")
        << u"circuitbreaker-py"_s << py << u"0f 1f 1001f"_s << u"1:c>o 1001:o>h 1001:h>o"_s << 0LL;
    QTest::newRow("aggressive profile: 3 failures, 30 s")
        << u"aggressive"_s << u""_s << u"0f 1f 2f 30001s 30002s"_s << u"2:c>o 30002:o>h 30002:h>c"_s << 1LL;

    const QString cl = u"failure_threshold=2 recovery_timeout=1000 success_threshold=2"_s;
    QTest::newRow("classic needs success_threshold successes")
        << u"classic"_s << cl << u"0f 1f 1001s 1002s"_s << u"1:c>o 1001:o>h 1002:h>c"_s << 0LL;
    QTest::newRow("classic half-open failure re-opens")
        << u"classic"_s << cl << u"0f 1f 1001s 1002f"_s << u"1:c>o 1001:o>h 1002:h>o"_s << 0LL;
    QTest::newRow("batch profile: 10 failures") << u"batch"_s << u""_s << u"0..8000/1000f 9000s"_s << u""_s << 0LL;

    const QString ms = u"failure_threshold=3 error_rate_threshold=50 minimum_requests=4 window_size=10 "
                       u"latency_threshold=1000 latency_min_samples=4 timeout=1000 success_threshold=1"_s;
    QTest::newRow("multi-signal error rate") << u"multi-signal"_s << ms << u"0f 1s 2f 3s"_s << u"3:c>o"_s << 0LL;
    QTest::newRow("multi-signal consecutive")
        << u"multi-signal"_s << ms + u" minimum_requests=10"_s << u"0s 1s 2s 3s 4s 5s 6f 7f 8f"_s << u"8:c>o"_s << 0LL;
    QTest::newRow("multi-signal p95 latency, timeout from the last failure")
        << u"multi-signal"_s << ms << u"0f 500s@2000 501s@2000 502s@2000 999s 1000s"_s << u"502:c>o 1000:o>h 1000:h>c"_s
        << 1LL;
    QTest::newRow("payment profile: 10% error rate")
        << u"payment"_s << u""_s << u"0..8000/1000s 9000f"_s << u"9000:c>o"_s << 0LL;

    const QString bwBase = u"window=none failureRateThreshold=0 consecutiveFailures=2 openDuration=1000 "_s;
    QTest::newRow("breakerwatch test-request ratio admits every other half-open call")
        << u"breakerwatch"_s << bwBase + u"halfOpenTestRatio=0.5 permittedHalfOpenCalls=0 successesToClose=2"_s
        << u"0f 1f 1001s 1002s 1003s 1004s"_s << u"1:c>o 1001:o>h 1003:h>c"_s << 1LL;
    QTest::newRow("breakerwatch recovery ramp admits 50% then everything")
        << u"breakerwatch"_s << bwBase + u"recoveryRamp=50 recoveryRampStep=1000"_s
        << u"0f 1f 1001s 1002s 1003s 1004s 2001s 2002s"_s << u"1:c>o 1001:o>h 1001:h>c"_s << 1LL;
    QTest::newRow("breakerwatch adaptive threshold: quiet traffic trips early")
        << u"breakerwatch"_s
        << u"window=none failureRateThreshold=0 consecutiveFailures=5 "
           u"quietConsecutiveFailures=2 busyCallsPerSecond=1"_s
        << u"0f 5000f"_s << u"5000:c>o"_s << 0LL;
    QTest::newRow("breakerwatch adaptive threshold: busy traffic needs more")
        << u"breakerwatch"_s
        << u"window=none failureRateThreshold=0 consecutiveFailures=5 "
           u"quietConsecutiveFailures=2 busyCallsPerSecond=1"_s
        << u"0..950/50s 1000f 1001f 1002f 1003f 1004f"_s << u"1004:c>o"_s << 0LL;
    QTest::newRow("breakerwatch strict rate over time buckets")
        << u"breakerwatch"_s << u"window=time windowSize=2 windowDuration=2000 minimumCalls=2 strictRate=true"_s
        << u"0f 1s 2f"_s << u"2:c>o"_s << 0LL;
    QTest::newRow("breakerwatch timer half-open and max wait")
        << u"breakerwatch"_s
        << bwBase + u"halfOpenTransition=timer maxWaitInHalfOpen=300 permittedHalfOpenCalls=2 "
                    u"successesToClose=3"_s
        << u"0f 1f 1001a 1100s 1301a"_s << u"1:c>o 1001:o>h 1301:h>o"_s << 0LL;
}

void TestCircuitBreaker::presetRules()
{
    QFETCH(QString, preset);
    QFETCH(QString, overrides);
    QFETCH(QString, events);
    QFETCH(QString, transitions);
    QFETCH(qint64, rejected);

    bw::CircuitBreaker breaker(policyFor(preset, overrides));
    const testscript::Outcome outcome = testscript::run(breaker, events);
    QCOMPARE(outcome.transitions, transitions);
    QCOMPARE(outcome.rejected, rejected);
}

void TestCircuitBreaker::reasons_data()
{
    QTest::addColumn<QString>("preset");
    QTest::addColumn<QString>("overrides");
    QTest::addColumn<QString>("events");
    QTest::addColumn<QString>("reasons");

    QTest::newRow("failure rate") << u"resilience4j"_s
                                  << u"slidingWindowSize=8 minimumNumberOfCalls=8 waitDurationInOpenState=1000"_s
                                  << u"0f 1f 2f 3f 4f 5s 6s 7s"_s
                                  << u"failure rate 62.5% >= 50% over the last 8 calls"_s;
    QTest::newRow("strict rate") << u"opossum"_s << u"volumeThreshold=3"_s << u"0s 1f 2f"_s
                                 << u"failure rate 66.67% > 50% over the last 3 calls"_s;
    QTest::newRow("fraction shown as percent")
        << u"cockatiel-count"_s << u"threshold=0.25 size=4 minimumNumberOfCalls=4"_s << u"0s 1s 2f 3f"_s
        << u"failure rate 50% > 25% over the last 4 calls"_s;
    QTest::newRow("consecutive and probe")
        << u"classic"_s << u"failure_threshold=2 recovery_timeout=90s success_threshold=1"_s << u"0f 1f 90001s"_s
        << u"2 consecutive failures >= 2|open for 1m 30s: trying a probe|probe call succeeded"_s;
    QTest::newRow("slow calls") << u"resilience4j"_s
                                << u"slidingWindowSize=2 minimumNumberOfCalls=2 slowCallRateThreshold=50 "
                                   u"slowCallDurationThreshold=100"_s
                                << u"0s@150 1s"_s << u"slow-call rate 50% >= 50% over the last 2 calls"_s;
    QTest::newRow("latency percentile")
        << u"multi-signal"_s << u"latency_threshold=1000 latency_min_samples=2 window_size=2 minimum_requests=2"_s
        << u"0s@1500 1s@1200"_s << u"p95 latency 1500.0 ms >= 1000 ms over the last 2 calls"_s;
}

void TestCircuitBreaker::reasons()
{
    QFETCH(QString, preset);
    QFETCH(QString, overrides);
    QFETCH(QString, events);
    QFETCH(QString, reasons);

    bw::CircuitBreaker breaker(policyFor(preset, overrides));
    testscript::run(breaker, events);
    QStringList described;
    for (const bw::Transition &transition : breaker.transitions())
        described << transition.reason.describe();
    QCOMPARE(described.join(u'|'), reasons);
}

void TestCircuitBreaker::manualOperations()
{
    bw::CircuitBreaker breaker(
        policyFor(u"classic"_s, u"failure_threshold=2 recovery_timeout=1000 success_threshold=1"_s));
    testscript::run(breaker, u"0f 1f"_s);
    QCOMPARE(breaker.state(), BreakerState::Open);

    QVERIFY(breaker.reset(10).ok());
    QCOMPARE(breaker.state(), BreakerState::Closed);
    QCOMPARE(breaker.transitions().back().reason.describe(), u"operator: reset"_s);
    // Fresh metrics: one more failure does not re-open.
    QVERIFY(breaker.onCall(11, false, 0));
    QCOMPARE(breaker.state(), BreakerState::Closed);

    QVERIFY(breaker.transitionToOpen(20).ok());
    QCOMPARE(breaker.state(), BreakerState::Open);
    QVERIFY(!breaker.onCall(21, true, 0));
    QVERIFY(breaker.transitionToHalfOpen(22).ok());
    QCOMPARE(breaker.state(), BreakerState::HalfOpen);
    QVERIFY(breaker.onCall(23, true, 0));
    QCOMPARE(breaker.state(), BreakerState::Closed);
    QCOMPARE(testscript::describe(breaker.transitions()), u"1:c>o 10:o>c 20:c>o 22:o>h 23:h>c"_s);
}

void TestCircuitBreaker::illegalManualTransitions()
{
    bw::CircuitBreaker breaker(policyFor(u"classic"_s, {}));
    const bw::Status toHalfOpen = breaker.transitionToHalfOpen(0);
    QVERIFY(!toHalfOpen.ok());
    QVERIFY2(toHalfOpen.error().contains(u"from closed to half-open"_s), qPrintable(toHalfOpen.error()));
    QVERIFY(breaker.transitions().empty());

    QVERIFY(breaker.disable(1).ok());
    const bw::Status again = breaker.disable(2);
    QVERIFY(!again.ok());
    QVERIFY(again.error().contains(u"already disabled"_s));

    const bw::Status badDuration = breaker.forceOpen(3, -5);
    QVERIFY(!badDuration.ok());
    QVERIFY(badDuration.error().contains(u"-5"_s));
    QCOMPARE(breaker.state(), BreakerState::Disabled);
}

void TestCircuitBreaker::forcedOpenExpires()
{
    bw::CircuitBreaker breaker(policyFor(u"classic"_s, {}));
    QVERIFY(breaker.forceOpen(100, 500).ok());
    QVERIFY(!breaker.onCall(200, true, 0));
    QVERIFY(!breaker.onCall(599, true, 0));
    QVERIFY(breaker.onCall(600, true, 0)); // expiry due at 600 fires before the call
    QCOMPARE(testscript::describe(breaker.transitions()), u"100:c>F 600:F>c"_s);
    QCOMPARE(breaker.transitions().back().reason.describe(), u"forced open for 500 ms: released"_s);

    QVERIFY(breaker.forceOpen(700).ok()); // held until an operator resets it
    breaker.advanceTo(10'000'000);
    QCOMPARE(breaker.state(), BreakerState::ForcedOpen);
}

void TestCircuitBreaker::metricsOnlyNeverTransitions()
{
    bw::CircuitBreaker breaker(policyFor(u"classic"_s, u"failure_threshold=2"_s));
    QVERIFY(breaker.metricsOnly(0).ok());
    for (int t = 1; t <= 50; ++t)
        QVERIFY(breaker.onCall(t, false, 0));
    QCOMPARE(breaker.state(), BreakerState::MetricsOnly);
    QCOMPARE(breaker.snapshot().consecutiveFailures, 50);
    QCOMPARE(breaker.transitions().size(), std::size_t{1});
}

void TestCircuitBreaker::disabledRecordsNothing()
{
    bw::CircuitBreaker breaker(policyFor(u"resilience4j"_s, u"slidingWindowSize=4 minimumNumberOfCalls=4"_s));
    QVERIFY(breaker.disable(0).ok());
    for (int t = 1; t <= 10; ++t)
        QVERIFY(breaker.onCall(t, false, 0));
    QCOMPARE(breaker.snapshot().windowCalls, 0);
    QVERIFY(breaker.reset(11).ok());
    QCOMPARE(breaker.state(), BreakerState::Closed);
}

void TestCircuitBreaker::backoffThroughBreaker()
{
    // Resilience4j exponential backoff: 1 s, 2 s, 4 s, capped at 5 s; a close resets the attempt.
    bw::CircuitBreaker breaker(policyFor(
        u"resilience4j"_s, u"slidingWindowSize=1 minimumNumberOfCalls=1 permittedNumberOfCallsInHalfOpenState=1 "
                           u"waitDurationInOpenState=1000 enableExponentialBackoff=true exponentialBackoffMultiplier=2 "
                           u"exponentialMaxWaitDurationInOpenState=5000"_s));
    QVERIFY(breaker.onCall(0, false, 0));
    QList<qint64> waits;
    std::int64_t t = 0;
    for (int i = 0; i < 5; ++i) {
        const bw::BreakerSnapshot snapshot = breaker.snapshot();
        waits << snapshot.openUntil - snapshot.stateSince;
        t = snapshot.openUntil;
        QVERIFY(!breaker.onCall(t - 1, false, 0)); // still open one ms before
        QVERIFY(breaker.onCall(t, false, 0));      // probe fails: re-open with a longer wait
    }
    QCOMPARE(waits, (QList<qint64>{1000, 2000, 4000, 5000, 5000}));
    const std::int64_t probeAt = breaker.snapshot().openUntil;
    QVERIFY(breaker.onCall(probeAt, true, 0));
    QCOMPARE(breaker.state(), BreakerState::Closed);
    QVERIFY(breaker.onCall(probeAt + 1, false, 0));
    QCOMPARE(breaker.snapshot().openUntil - breaker.snapshot().stateSince, 1000);
}

void TestCircuitBreaker::batchInterleavesFailures()
{
    // 4 failures among 10 calls, evenly spread: never 3 in a row.
    bw::CircuitBreaker breaker(policyFor(u"cockatiel-consecutive"_s, u"threshold=3"_s));
    const bw::BatchVerdict verdict = breaker.onBatch({0, 1000, 6, 4, 0, 5, 0});
    QCOMPARE(breaker.state(), BreakerState::Closed);
    QCOMPARE(verdict.admitted, 10);
    QCOMPARE(verdict.admittedFailures, 4);

    // The same counts as a solid block would have opened it.
    bw::CircuitBreaker block(policyFor(u"cockatiel-consecutive"_s, u"threshold=3"_s));
    testscript::run(block, u"100s 200s 300s 400s 500s 600s 700f 800f 900f 1000f"_s);
    QCOMPARE(block.state(), BreakerState::Open);
}

void TestCircuitBreaker::batchCountsVerdicts()
{
    bw::CircuitBreaker breaker(policyFor(u"cockatiel-consecutive"_s, u"threshold=2 halfOpenAfter=10000"_s));
    // All failures: opens on the 2nd call at t=200; the other 8 (all failures) are rejected.
    const bw::BatchVerdict verdict = breaker.onBatch({0, 1000, 0, 10, 0, 1, 0});
    QCOMPARE(verdict.admitted, 2);
    QCOMPARE(verdict.rejected, 8);
    QCOMPARE(verdict.rejectedSuccesses, 0);
    QCOMPARE(testscript::describe(breaker.transitions()), u"200:c>o"_s);
    const bw::BatchVerdict healthy = breaker.onBatch({1000, 2000, 10, 0, 0, 1, 0});
    QCOMPARE(healthy.rejected, 10);
    QCOMPARE(healthy.rejectedSuccesses, 10);
    // An empty batch still moves time forward for timers.
    const bw::BatchVerdict empty = breaker.onBatch({2000, 20000, 0, 0, 0, 0, 0});
    QCOMPARE(empty.admitted + empty.rejected, 0);
}

void TestCircuitBreaker::batchSlowCallsFeedSlowRate()
{
    bw::CircuitBreaker breaker(policyFor(u"resilience4j"_s,
                                         u"slidingWindowSize=10 minimumNumberOfCalls=10 "
                                         u"slowCallRateThreshold=40 slowCallDurationThreshold=1000"_s));
    breaker.onBatch({0, 1000, 6, 0, 4, 20, 2500});
    QCOMPARE(breaker.state(), BreakerState::Open);
    QCOMPARE(breaker.transitions().front().reason.kind, bw::TransitionReason::Kind::SlowCallRate);
    QCOMPARE(breaker.snapshot().windowSlow, 4);
}

void TestCircuitBreaker::snapshotReportsWindow()
{
    bw::CircuitBreaker breaker(policyFor(u"cockatiel-count"_s, u"threshold=0.9 size=5"_s));
    testscript::run(breaker, u"0f 1s 2f 3s 4s 5f 6f"_s);
    const bw::BreakerSnapshot snapshot = breaker.snapshot();
    QCOMPARE(snapshot.windowCalls, 5);
    QCOMPARE(snapshot.windowFailures, 3); // 2f 3s 4s 5f 6f
    QCOMPARE(snapshot.consecutiveFailures, 2);
    QCOMPARE(snapshot.state, BreakerState::Closed);
}

void TestCircuitBreaker::validationRejectsNonsense_data()
{
    QTest::addColumn<QString>("preset");
    QTest::addColumn<QString>("overrides");
    QTest::addColumn<QString>("message");
    QTest::newRow("cockatiel threshold is a fraction")
        << u"cockatiel-count"_s << u"threshold=1.5"_s << u"threshold must be in (0, 1]"_s;
    QTest::newRow("opossum integer volume")
        << u"opossum"_s << u"volumeThreshold=2.5"_s << u"volumeThreshold must be an integer"_s;
    QTest::newRow("duration unit") << u"opossum"_s << u"resetTimeout=5parsecs"_s << u"unknown unit"_s;
    QTest::newRow("no rule left") << u"breakerwatch"_s << u"failureRateThreshold=0"_s << u"no trip rule"_s;
    QTest::newRow("choice") << u"resilience4j"_s << u"slidingWindowType=SOMETIMES"_s
                            << u"one of COUNT_BASED, TIME_BASED"_s;
    QTest::newRow("ramp") << u"breakerwatch"_s << u"recoveryRamp=10,x"_s << u"comma-separated list"_s;
    QTest::newRow("ramp range") << u"breakerwatch"_s << u"recoveryRamp=10,250"_s << u"percentages in (0, 100]"_s;
}

void TestCircuitBreaker::validationRejectsNonsense()
{
    QFETCH(QString, preset);
    QFETCH(QString, overrides);
    QFETCH(QString, message);
    const qsizetype equals = overrides.indexOf(u'=');
    const auto policy = bw::PresetCatalog{}.buildText(preset, {{overrides.left(equals), overrides.mid(equals + 1)}});
    QVERIFY(!policy.ok());
    QVERIFY2(policy.error().contains(message), qPrintable(policy.error()));
}

QTEST_GUILESS_MAIN(TestCircuitBreaker)
#include "tst_circuitbreaker.moc"
