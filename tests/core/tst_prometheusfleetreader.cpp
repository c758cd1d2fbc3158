// PrometheusFleetReader on PromQL answers written out as the HTTP API returns them.
#include "fleet/prometheusfleetreader.h"

#include <QTest>

using namespace Qt::StringLiterals;
using Family = bw::PrometheusFleetReader::Family;

namespace {

bw::PromQueryResult vector(const QByteArray &result)
{
    const auto parsed = bw::parsePromResponse(
        200, QByteArray(R"({"status":"success","data":{"resultType":"vector","result":)" + result + "}}"));
    if (!parsed)
        qFatal("%s", qPrintable(parsed.error()));
    return *parsed;
}

const bw::BreakerReading *find(const bw::PrometheusFleetReader::InstanceReadings &instance, const QString &name)
{
    for (const bw::BreakerReading &reading : instance.breakers)
        if (reading.name == name)
            return &reading;
    return nullptr;
}

// Two instances of checkout with Resilience4j, one opossum process of search, one gauge of billing.
std::map<Family, bw::PromQueryResult> answers(const QByteArray &opossumOpens, const QByteArray &opossumCloses)
{
    std::map<Family, bw::PromQueryResult> out;
    out[Family::Resilience4jState] = vector(R"([
        {"metric":{"__name__":"resilience4j_circuitbreaker_state","job":"checkout","instance":"10.0.0.1:8080","name":"payments","state":"closed"},"value":[100,"1"]},
        {"metric":{"__name__":"resilience4j_circuitbreaker_state","job":"checkout","instance":"10.0.0.2:8080","name":"payments","state":"open"},"value":[100,"1"]},
        {"metric":{"__name__":"resilience4j_circuitbreaker_state","job":"checkout","instance":"10.0.0.2:8080","name":"inventory","state":"half_open"},"value":[100,"1"]}
    ])");
    out[Family::Resilience4jCalls] = vector(R"([
        {"metric":{"job":"checkout","instance":"10.0.0.1:8080","name":"payments","kind":"successful"},"value":[100,"29.6"]},
        {"metric":{"job":"checkout","instance":"10.0.0.1:8080","name":"payments","kind":"failed"},"value":[100,"3.2"]},
        {"metric":{"job":"checkout","instance":"10.0.0.1:8080","name":"payments","kind":"ignored"},"value":[100,"7"]},
        {"metric":{"job":"checkout","instance":"10.0.0.2:8080","name":"payments","kind":"failed"},"value":[100,"0"]}
    ])");
    out[Family::Resilience4jNotPermitted] = vector(R"([
        {"metric":{"job":"checkout","instance":"10.0.0.2:8080","name":"payments"},"value":[100,"12"]}
    ])");
    out[Family::Resilience4jFailureRate] = vector(R"([
        {"metric":{"__name__":"resilience4j_circuitbreaker_failure_rate","job":"checkout","instance":"10.0.0.1:8080","name":"payments"},"value":[100,"9.5"]},
        {"metric":{"__name__":"resilience4j_circuitbreaker_failure_rate","job":"checkout","instance":"10.0.0.2:8080","name":"payments"},"value":[100,"-1"]}
    ])");
    out[Family::Opossum] = vector(R"([
        {"metric":{"__name__":"circuit","job":"search","instance":"10.0.1.1:3000","name":"elastic","event":"fire"},"value":[100,"50"]},
        {"metric":{"__name__":"circuit","job":"search","instance":"10.0.1.1:3000","name":"elastic","event":"success"},"value":[100,"40"]},
        {"metric":{"__name__":"circuit","job":"search","instance":"10.0.1.1:3000","name":"elastic","event":"failure"},"value":[100,"10"]},
        {"metric":{"__name__":"circuit","job":"search","instance":"10.0.1.1:3000","name":"elastic","event":"open"},"value":[100,")" +
                                  opossumOpens + R"("]},
        {"metric":{"__name__":"circuit","job":"search","instance":"10.0.1.1:3000","name":"elastic","event":"close"},"value":[100,")" +
                                  opossumCloses + R"("]}
    ])");
    out[Family::Gauge] = vector(R"([
        {"metric":{"__name__":"billing_circuit_breaker_state","job":"billing","instance":"10.0.2.1:9000","service":"ledger","endpoint":"/post"},"value":[100,"2"]},
        {"metric":{"__name__":"billing_circuit_breaker_state","job":"billing","value":"no instance"},"value":[100,"1"]}
    ])");
    return out;
}

} // namespace

class TestPrometheusFleetReader final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void oneQueryPerFamilyWithTheSelector();
    void withoutSelectorTheQueriesHaveOnlyTheirOwnMatchers();
    void readingsPerJobAndInstanceAsADirectScrapeGivesThem();
    void opossumStateComesFromHowItsCountersMoved();
    void anInstanceThatLeavesStartsAfresh();
};

void TestPrometheusFleetReader::oneQueryPerFamilyWithTheSelector()
{
    const auto queries = bw::PrometheusFleetReader::queries(u"{env=\"prod\", team=~\"pay.*\"}"_s, 15'000);
    QCOMPARE(queries.size(), 6);
    QSet<Family> families;
    for (const auto &query : queries) {
        families.insert(query.family);
        QVERIFY2(query.expression.contains(u",env=\"prod\", team=~\"pay.*\"}"_s), qPrintable(query.expression));
    }
    QCOMPARE(families.size(), 6);
    QCOMPARE(queries[0].expression,
             u"{__name__=\"resilience4j_circuitbreaker_state\",env=\"prod\", team=~\"pay.*\"} == 1"_s);
    QCOMPARE(queries[1].expression,
             u"sum by (job, instance, name, kind) (increase({__name__=~\"resilience4j_circuitbreaker_calls"
             "(_seconds_count|_total)?\",env=\"prod\", team=~\"pay.*\"}[15000ms]))"_s);
}

void TestPrometheusFleetReader::withoutSelectorTheQueriesHaveOnlyTheirOwnMatchers()
{
    const auto queries = bw::PrometheusFleetReader::queries({}, 2'000);
    QCOMPARE(queries[4].expression, u"{__name__=~\"circuit(_total)?\",event!=\"\"}"_s);
    QCOMPARE(queries[5].expression, u"{__name__=~\"(.+_)?circuit_breaker_state\"}"_s);
    QVERIFY(queries[2].expression.endsWith(u"[2000ms]))"_s));
}

void TestPrometheusFleetReader::readingsPerJobAndInstanceAsADirectScrapeGivesThem()
{
    bw::PrometheusFleetReader reader;
    const auto read = reader.read(answers("0", "0"), 100'000, 15'000);
    QCOMPARE(read.instances.size(), 4); // billing, checkout x2, search; the series without an instance is skipped
    QCOMPARE(read.instances[0].job, u"billing"_s);
    QCOMPARE(read.instances[1].job, u"checkout"_s);
    QCOMPARE(read.instances[1].instance, u"10.0.0.1:8080"_s);
    QCOMPARE(read.instances[2].instance, u"10.0.0.2:8080"_s);
    QCOMPARE(read.instances[3].job, u"search"_s);

    const bw::BreakerReading *gauge = find(read.instances[0], u"ledger /post"_s);
    QVERIFY(gauge);
    QCOMPARE(gauge->source, bw::BreakerSource::Gauge);
    QCOMPARE(*gauge->state, bw::BreakerState::HalfOpen);
    QCOMPARE(gauge->endpoint, u"/post"_s);

    const bw::BreakerReading *payments1 = find(read.instances[1], u"payments"_s);
    QVERIFY(payments1);
    QCOMPARE(payments1->source, bw::BreakerSource::Resilience4j);
    QCOMPARE(*payments1->state, bw::BreakerState::Closed);
    QCOMPARE(*payments1->failureRatePercent, 9.5);
    // increase() over the interval, rounded: the batch the simulation is fed, covering the interval.
    QVERIFY(payments1->calls.has_value());
    QCOMPARE(payments1->calls->t0, 85'000);
    QCOMPARE(payments1->calls->t1, 100'000);
    QCOMPARE(payments1->calls->successes, 30);
    QCOMPARE(payments1->calls->failures, 3);
    QCOMPARE(payments1->rejectedCalls, 0);

    const bw::BreakerReading *payments2 = find(read.instances[2], u"payments"_s);
    QVERIFY(payments2);
    QCOMPARE(*payments2->state, bw::BreakerState::Open);
    QVERIFY(!payments2->failureRatePercent); // -1: not yet
    QCOMPARE(payments2->calls->successes + payments2->calls->failures, 0);
    QCOMPARE(payments2->rejectedCalls, 12);
    const bw::BreakerReading *inventory = find(read.instances[2], u"inventory"_s);
    QVERIFY(inventory);
    QCOMPARE(*inventory->state, bw::BreakerState::HalfOpen);
    QVERIFY(!inventory->calls); // no calls series at all: the source has none

    const bw::BreakerReading *elastic = find(read.instances[3], u"elastic"_s);
    QVERIFY(elastic);
    QCOMPARE(elastic->source, bw::BreakerSource::Opossum);
    QCOMPARE(*elastic->state, bw::BreakerState::Closed);
    QVERIFY(!elastic->calls); // the first interval is a baseline, as for a direct scrape
}

void TestPrometheusFleetReader::opossumStateComesFromHowItsCountersMoved()
{
    bw::PrometheusFleetReader reader;
    (void)reader.read(answers("0", "0"), 100'000, 15'000);
    const auto opened = reader.read(answers("1", "0"), 115'000, 15'000);
    const bw::BreakerReading *elastic = find(opened.instances[3], u"elastic"_s);
    QVERIFY(elastic);
    QCOMPARE(*elastic->state, bw::BreakerState::Open);
    QCOMPARE(elastic->betweenScrapes.size(), 1);
    QVERIFY(elastic->betweenScrapes[0].betweenScrapes);
    QVERIFY(elastic->betweenScrapes[0].t > 100'000 && elastic->betweenScrapes[0].t <= 115'000);
    QVERIFY(elastic->calls.has_value());

    // Opened and closed again within one interval: both transitions, marked as between two samples.
    const auto recovered = reader.read(answers("2", "1"), 130'000, 15'000);
    elastic = find(recovered.instances[3], u"elastic"_s);
    QCOMPARE(*elastic->state, bw::BreakerState::Closed);
    QVERIFY(!elastic->betweenScrapes.isEmpty());
    for (const auto &transition : elastic->betweenScrapes)
        QVERIFY(transition.betweenScrapes);
}

void TestPrometheusFleetReader::anInstanceThatLeavesStartsAfresh()
{
    bw::PrometheusFleetReader reader;
    (void)reader.read(answers("0", "0"), 100'000, 15'000);
    QCOMPARE(reader.instanceCount(), 4);
    (void)reader.read({}, 115'000, 15'000);
    QCOMPARE(reader.instanceCount(), 0);
    const auto back = reader.read(answers("5", "5"), 130'000, 15'000);
    const bw::BreakerReading *elastic = find(back.instances[3], u"elastic"_s);
    QVERIFY(!elastic->calls); // a new baseline, not the counts since it left
}

QTEST_GUILESS_MAIN(TestPrometheusFleetReader)
#include "tst_prometheusfleetreader.moc"
