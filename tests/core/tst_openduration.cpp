#include "breaker/openduration.h"

#include <QTest>

using bw::BackoffKind;

class TestOpenDuration final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void sequences_data();
    void sequences();
    void closeResetsExponential();
    void envoyDecaysWhileHealthy();
    void jitterIsSeededAndBounded();
};

void TestOpenDuration::sequences_data()
{
    QTest::addColumn<BackoffKind>("kind");
    QTest::addColumn<double>("multiplier");
    QTest::addColumn<qint64>("cap");
    QTest::addColumn<QList<qint64>>("expected");
    QTest::newRow("constant") << BackoffKind::Constant << 1.5 << 0LL << QList<qint64>{1000, 1000, 1000};
    QTest::newRow("exponential x1.5 (Resilience4j default)")
        << BackoffKind::Exponential << 1.5 << 0LL << QList<qint64>{1000, 1500, 2250, 3375};
    QTest::newRow("exponential capped") << BackoffKind::Exponential << 2.0 << 5000LL
                                        << QList<qint64>{1000, 2000, 4000, 5000, 5000};
    QTest::newRow("envoy base x ejections, capped")
        << BackoffKind::EnvoyDecay << 1.0 << 3500LL << QList<qint64>{1000, 2000, 3000, 3500};
}

void TestOpenDuration::sequences()
{
    QFETCH(BackoffKind, kind);
    QFETCH(double, multiplier);
    QFETCH(qint64, cap);
    QFETCH(QList<qint64>, expected);
    bw::BreakerPolicy policy;
    policy.openDurationMs = 1000;
    policy.backoff = kind;
    policy.backoffMultiplier = multiplier;
    policy.maxOpenDurationMs = cap;
    bw::OpenDurationSchedule schedule(policy);
    QList<qint64> actual;
    for (qsizetype i = 0; i < expected.size(); ++i)
        actual << schedule.nextOpen(i * 100, i > 0); // every re-open comes from a failed probe
    QCOMPARE(actual, expected);
}

void TestOpenDuration::closeResetsExponential()
{
    bw::BreakerPolicy policy;
    policy.openDurationMs = 1000;
    policy.backoff = BackoffKind::Exponential;
    policy.backoffMultiplier = 2;
    bw::OpenDurationSchedule schedule(policy);
    QCOMPARE(schedule.nextOpen(0, false), 1000);
    QCOMPARE(schedule.nextOpen(1000, true), 2000);
    schedule.closed(3000);
    QCOMPARE(schedule.nextOpen(3001, false), 1000);
    QCOMPARE(schedule.attempt(), 1);
}

void TestOpenDuration::envoyDecaysWhileHealthy()
{
    bw::BreakerPolicy policy;
    policy.openDurationMs = 30'000;
    policy.backoff = BackoffKind::EnvoyDecay;
    policy.maxOpenDurationMs = 300'000;
    policy.decayIntervalMs = 10'000;
    bw::OpenDurationSchedule schedule(policy);
    QCOMPARE(schedule.nextOpen(0, false), 30'000); // 1st ejection
    schedule.closed(30'000);
    QCOMPARE(schedule.nextOpen(35'000, false), 60'000); // healthy 5 s: no decay, 2nd ejection
    schedule.closed(95'000);
    QCOMPARE(schedule.nextOpen(120'000, false), 30'000); // healthy 25 s: multiplier 2 -> 0, then +1
}

void TestOpenDuration::jitterIsSeededAndBounded()
{
    bw::BreakerPolicy policy;
    policy.openDurationMs = 10'000;
    policy.jitterFactor = 0.5;
    policy.jitterSeed = 42;
    bw::OpenDurationSchedule a(policy);
    bw::OpenDurationSchedule b(policy);
    policy.jitterSeed = 43;
    bw::OpenDurationSchedule c(policy);
    bool anyDifferent = false;
    bool anyOffBase = false;
    for (int i = 0; i < 200; ++i) {
        const std::int64_t da = a.nextOpen(i, false);
        QCOMPARE(b.nextOpen(i, false), da);
        QVERIFY2(da >= 5000 && da <= 15'001, qPrintable(QString::number(da)));
        anyDifferent |= c.nextOpen(i, false) != da;
        anyOffBase |= da != 10'000;
    }
    QVERIFY(anyDifferent);
    QVERIFY(anyOffBase);
}

QTEST_GUILESS_MAIN(TestOpenDuration)
#include "tst_openduration.moc"
