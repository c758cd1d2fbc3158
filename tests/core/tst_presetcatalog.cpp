#include "breaker/circuitbreaker.h"
#include "breaker/presetcatalog.h"

#include <QTest>

using namespace Qt::StringLiterals;

class TestPresetCatalog final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void everyPresetBuildsWithDefaults();
    void issueListIsComplete();
    void libraryDefaults_data();
    void libraryDefaults();
    void cockatielSamplingVolume_data();
    void cockatielSamplingVolume();
    void profilesOverrideDefaults();
    void unknownPresetNamesTheValidOnes();
    void unknownParameterNamesTheValidOnes();
    void typedOverrides();
    void nullableMeansLibraryDefault();
    void lookupIsCaseInsensitive();
};

void TestPresetCatalog::everyPresetBuildsWithDefaults()
{
    const bw::PresetCatalog catalog;
    for (const bw::Preset &preset : catalog.presets()) {
        const auto policy = catalog.build(preset.name);
        QVERIFY2(policy.ok(), qPrintable(preset.name + u": "_s + (policy.ok() ? QString() : policy.error())));
        QCOMPARE(policy->preset, preset.name);
        QVERIFY(!preset.description.isEmpty());
        for (const bw::ParameterSpec &spec : preset.parameters) {
            QVERIFY2(!spec.help.isEmpty(), qPrintable(preset.name + u'.' + spec.name));
            QVERIFY2(spec.check(spec.defaultValue).ok(), qPrintable(preset.name + u'.' + spec.name));
        }
        bw::CircuitBreaker breaker(*policy); // asserts validity in debug builds
        QCOMPARE(breaker.state(), bw::BreakerState::Closed);
    }
}

void TestPresetCatalog::issueListIsComplete()
{
    const QStringList names = bw::PresetCatalog{}.names();
    for (const QString &name : {u"opossum"_s,
                                u"cockatiel-consecutive"_s,
                                u"cockatiel-sampling"_s,
                                u"cockatiel-count"_s,
                                u"resilience4j"_s,
                                u"polly"_s,
                                u"hystrix"_s,
                                u"gobreaker"_s,
                                u"circuitbreaker-py"_s,
                                u"classic"_s,
                                u"multi-signal"_s,
                                u"aggressive"_s,
                                u"balanced"_s,
                                u"conservative"_s,
                                u"high-availability"_s,
                                u"batch"_s,
                                u"critical-realtime"_s,
                                u"payment"_s,
                                u"authentication"_s,
                                u"core-business"_s,
                                u"analytics"_s,
                                u"third-party-api"_s,
                                u"internal-tools"_s})
        QVERIFY2(names.contains(name), qPrintable(name));
}

void TestPresetCatalog::libraryDefaults_data()
{
    QTest::addColumn<QString>("preset");
    QTest::addColumn<QString>("parameter");
    QTest::addColumn<QString>("value");
    const QList<std::array<QString, 3>> rows = {
        {u"opossum"_s, u"errorThresholdPercentage"_s, u"50"_s},
        {u"opossum"_s, u"volumeThreshold"_s, u"0"_s},
        {u"opossum"_s, u"rollingCountTimeout"_s, u"10000"_s},
        {u"opossum"_s, u"rollingCountBuckets"_s, u"10"_s},
        {u"opossum"_s, u"resetTimeout"_s, u"30000"_s},
        {u"opossum"_s, u"allowWarmUp"_s, u"false"_s},
        {u"resilience4j"_s, u"failureRateThreshold"_s, u"50"_s},
        {u"resilience4j"_s, u"slowCallRateThreshold"_s, u"100"_s},
        {u"resilience4j"_s, u"slowCallDurationThreshold"_s, u"60000"_s},
        {u"resilience4j"_s, u"slidingWindowType"_s, u"COUNT_BASED"_s},
        {u"resilience4j"_s, u"slidingWindowSize"_s, u"100"_s},
        {u"resilience4j"_s, u"minimumNumberOfCalls"_s, u"100"_s},
        {u"resilience4j"_s, u"permittedNumberOfCallsInHalfOpenState"_s, u"10"_s},
        {u"resilience4j"_s, u"maxWaitDurationInHalfOpenState"_s, u"0"_s},
        {u"resilience4j"_s, u"waitDurationInOpenState"_s, u"60000"_s},
        {u"resilience4j"_s, u"automaticTransitionFromOpenToHalfOpenEnabled"_s, u"false"_s},
        {u"resilience4j"_s, u"exponentialBackoffMultiplier"_s, u"1.5"_s},
        {u"resilience4j"_s, u"randomizedWaitFactor"_s, u"0.5"_s},
        {u"polly"_s, u"FailureRatio"_s, u"0.1"_s},
        {u"polly"_s, u"MinimumThroughput"_s, u"100"_s},
        {u"polly"_s, u"SamplingDuration"_s, u"30000"_s},
        {u"polly"_s, u"BreakDuration"_s, u"5000"_s},
        {u"hystrix"_s, u"circuitBreakerRequestVolumeThreshold"_s, u"20"_s},
        {u"hystrix"_s, u"circuitBreakerErrorThresholdPercentage"_s, u"50"_s},
        {u"hystrix"_s, u"circuitBreakerSleepWindowInMilliseconds"_s, u"5000"_s},
        {u"gobreaker"_s, u"MaxRequests"_s, u"0"_s},
        {u"gobreaker"_s, u"Interval"_s, u"0"_s},
        {u"gobreaker"_s, u"Timeout"_s, u"60000"_s},
        {u"gobreaker"_s, u"ConsecutiveFailures"_s, u"5"_s},
        {u"circuitbreaker-py"_s, u"failure_threshold"_s, u"5"_s},
        {u"circuitbreaker-py"_s, u"recovery_timeout"_s, u"30000"_s},
        {u"classic"_s, u"failure_threshold"_s, u"5"_s},
        {u"classic"_s, u"recovery_timeout"_s, u"60000"_s},
        {u"classic"_s, u"success_threshold"_s, u"2"_s},
        {u"multi-signal"_s, u"failure_threshold"_s, u"5"_s},
        {u"multi-signal"_s, u"error_rate_threshold"_s, u"50"_s},
        {u"multi-signal"_s, u"minimum_requests"_s, u"10"_s},
        {u"multi-signal"_s, u"latency_threshold"_s, u"5000"_s},
        {u"multi-signal"_s, u"timeout"_s, u"30000"_s},
        {u"multi-signal"_s, u"success_threshold"_s, u"3"_s},
    };
    for (const auto &row : rows)
        QTest::addRow("%s.%s", qPrintable(row[0]), qPrintable(row[1])) << row[0] << row[1] << row[2];
}

void TestPresetCatalog::libraryDefaults()
{
    QFETCH(QString, preset);
    QFETCH(QString, parameter);
    QFETCH(QString, value);
    const bw::PresetCatalog catalog;
    const bw::Preset *found = catalog.find(preset);
    QVERIFY(found);
    const bw::ParameterSpec *spec = found->parameter(parameter);
    QVERIFY(spec);
    QCOMPARE(spec->format(spec->defaultValue), value);
}

void TestPresetCatalog::cockatielSamplingVolume_data()
{
    QTest::addColumn<QString>("threshold");
    QTest::addColumn<QString>("duration");
    QTest::addColumn<QString>("minimumRps");
    QTest::addColumn<double>("minimumCalls");
    QTest::addColumn<int>("windows");
    QTest::newRow("default rps = 5/threshold") << u"0.2"_s << u"10000"_s << u"null"_s << 250.0 << 10;
    QTest::newRow("explicit rps") << u"0.5"_s << u"5000"_s << u"2"_s << 10.0 << 5;
    QTest::newRow("0 means default") << u"0.5"_s << u"5000"_s << u"0"_s << 50.0 << 5;
    QTest::newRow("rounded windows") << u"0.3"_s << u"7300"_s << u"3"_s << 913.0 * 8 * 0.003 << 8;
}

void TestPresetCatalog::cockatielSamplingVolume()
{
    QFETCH(QString, threshold);
    QFETCH(QString, duration);
    QFETCH(QString, minimumRps);
    QFETCH(double, minimumCalls);
    QFETCH(int, windows);
    const auto policy = bw::PresetCatalog{}.buildText(
        u"cockatiel-sampling"_s,
        {{u"threshold"_s, threshold}, {u"duration"_s, duration}, {u"minimumRps"_s, minimumRps}});
    QVERIFY(policy.ok());
    QCOMPARE(policy->minimumCalls, minimumCalls);
    QCOMPARE(policy->windowSize, windows);
}

void TestPresetCatalog::profilesOverrideDefaults()
{
    const bw::PresetCatalog catalog;
    const bw::Preset *payment = catalog.find(u"payment"_s);
    QVERIFY(payment);
    QCOMPARE(payment->basedOn, u"multi-signal"_s);
    const auto policy = catalog.build(u"payment"_s);
    QCOMPARE(policy->consecutiveFailures, 3);
    QCOMPARE(policy->failureRateThreshold, 10.0);
    QCOMPARE(policy->openDurationMs, 60'000);
    QCOMPARE(policy->successesToClose, 5);
    const auto critical = catalog.build(u"critical-realtime"_s);
    QCOMPARE(critical->consecutiveFailures, 2);
    QCOMPARE(critical->openDurationMs, 15'000);
    QCOMPARE(critical->successesToClose, 5);
    const auto conservative = catalog.build(u"conservative"_s);
    QCOMPARE(conservative->consecutiveFailures, 10);
    QCOMPARE(conservative->openDurationMs, 120'000);
}

void TestPresetCatalog::unknownPresetNamesTheValidOnes()
{
    const auto policy = bw::PresetCatalog{}.build(u"hystrics"_s);
    QVERIFY(!policy.ok());
    QVERIFY(policy.error().contains(u"unknown preset \"hystrics\""_s));
    QVERIFY(policy.error().contains(u"hystrix"_s));
    QVERIFY(policy.error().contains(u"opossum"_s));
}

void TestPresetCatalog::unknownParameterNamesTheValidOnes()
{
    const auto policy = bw::PresetCatalog{}.buildText(u"opossum"_s, {{u"errorThreshold"_s, u"30"_s}});
    QVERIFY(!policy.ok());
    QVERIFY(policy.error().contains(u"no parameter \"errorThreshold\""_s));
    QVERIFY(policy.error().contains(u"errorThresholdPercentage"_s));
    QVERIFY(policy.error().contains(u"resetTimeout"_s));
}

void TestPresetCatalog::typedOverrides()
{
    const bw::PresetCatalog catalog;
    const auto policy = catalog.build(u"resilience4j"_s, {{u"failureRateThreshold"_s, 30.0},
                                                          {u"waitDurationInOpenState"_s, u"10s"_s},
                                                          {u"slidingWindowType"_s, u"time_based"_s}});
    QVERIFY2(policy.ok(), qPrintable(policy.ok() ? QString() : policy.error()));
    QCOMPARE(policy->failureRateThreshold, 30.0);
    QCOMPARE(policy->openDurationMs, 10'000);
    QCOMPARE(policy->windowKind, bw::WindowKind::FixedBuckets);
    const auto outOfRange = catalog.build(u"resilience4j"_s, {{u"failureRateThreshold"_s, 130.0}});
    QVERIFY(!outOfRange.ok());
    QVERIFY(outOfRange.error().contains(u"failureRateThreshold must be in (0, 100]"_s));
}

void TestPresetCatalog::nullableMeansLibraryDefault()
{
    const auto policy = bw::PresetCatalog{}.buildText(u"cockatiel-count"_s,
                                                      {{u"size"_s, u"30"_s}, {u"minimumNumberOfCalls"_s, u"null"_s}});
    QVERIFY(policy.ok());
    QCOMPARE(policy->minimumCalls, 30.0);
}

void TestPresetCatalog::lookupIsCaseInsensitive()
{
    QVERIFY(bw::PresetCatalog{}.find(u"Resilience4J"_s));
    QVERIFY(!bw::PresetCatalog{}.find(u"resilience"_s));
}

QTEST_GUILESS_MAIN(TestPresetCatalog)
#include "tst_presetcatalog.moc"
