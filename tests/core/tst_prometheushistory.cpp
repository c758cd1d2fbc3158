// PrometheusHistory on PromQL answers written out as the HTTP API returns them.
#include "fleet/prometheushistory.h"

#include <QTest>

using namespace Qt::StringLiterals;
using Part = bw::PrometheusHistory::Part;
using bw::BreakerState;

namespace {

bw::PromQueryResult answer(const char *type, const QByteArray &result)
{
    const QByteArray body =
        QByteArray(R"({"status":"success","data":{"resultType":")") + type + R"(","result":)" + result + "}}";
    const auto parsed = bw::parsePromResponse(200, body);
    if (!parsed)
        qFatal("%s", qPrintable(parsed.error()));
    return *parsed;
}

// opossum-prometheus' counter `circuit` as the range and instant answers carry it: [(t seconds, value)].
QByteArray opossum(const char *name, const char *event, const QList<QPair<int, int>> &points, bool range = true)
{
    QByteArray values;
    for (const auto &[t, v] : points)
        values += (values.isEmpty() ? "" : ",") + QByteArray("[") + QByteArray::number(t) + ",\"" +
                  QByteArray::number(v) + "\"]";
    return QByteArray(R"({"metric":{"__name__":"circuit","job":"api","instance":"n:3000","name":")") + name +
           R"(","event":")" + event + "\"}," +
           (range ? QByteArray("\"values\":[" + values + "]") : QByteArray("\"value\":" + values)) + "}";
}

QByteArray r4j(const char *instance, const char *name, const char *state)
{
    return QByteArray(R"({"__name__":"resilience4j_circuitbreaker_state","job":"checkout","instance":")") + instance +
           R"(","name":")" + name + R"(","state":")" + state + R"("})";
}

const bw::PrometheusHistory::BreakerPast *find(const QList<bw::PrometheusHistory::BreakerPast> &all,
                                               const QString &instance, const QString &name)
{
    for (const auto &past : all)
        if (past.instance == instance && past.name == name)
            return &past;
    return nullptr;
}

} // namespace

class TestPrometheusHistory final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void sixQueriesWithTheSelectorEachStepComparedWithTheOneBefore();
    void statesAtTheStartThenTheChangesBetweenSamples();
    void aStateSeenAgainIsNoTransition();
    void gaugesAndBreakersFirstSeenLater();
    void seriesWithoutJobOrInstanceAreNotBreakers();
    void opossumCountersAreReplayedAsScrapesOneStepApart();
};

void TestPrometheusHistory::sixQueriesWithTheSelectorEachStepComparedWithTheOneBefore()
{
    const auto queries = bw::PrometheusHistory::queries(u"{env=\"prod\"}"_s, 15'000);
    QCOMPARE(queries.size(), 6);
    QCOMPARE(queries[0].expression, u"{__name__=\"resilience4j_circuitbreaker_state\",env=\"prod\"} == 1"_s);
    QVERIFY(!queries[0].range && !queries[1].range && !queries[2].range);
    QVERIFY(queries[3].range && queries[4].range && queries[5].range);
    QCOMPARE(queries[2].part, Part::OpossumAtStart);
    QCOMPARE(queries[2].expression,
             u"{__name__=~\"circuit(_total)?\",event=~\"open|close|halfOpen|failure\",env=\"prod\"}"_s);
    QCOMPARE(queries[5].part, Part::OpossumMoved);
    const QString moves = u"{__name__=~\"circuit(_total)?\",event=~\"open|close|halfOpen\",env=\"prod\"}"_s;
    QCOMPARE(queries[5].expression,
             u"(%1 != %1 offset 15000ms) or ({__name__=~\"circuit(_total)?\",event=\"failure\",env=\"prod\"} and on "
             "(job, instance, name) (%1 != %1 offset 15000ms))"_s.arg(moves));
    QCOMPARE(queries[3].expression, u"{__name__=\"resilience4j_circuitbreaker_state\",env=\"prod\"} > "
                                    "{__name__=\"resilience4j_circuitbreaker_state\",env=\"prod\"} offset 15000ms"_s);
    QCOMPARE(queries[4].expression, u"{__name__=~\"(.+_)?circuit_breaker_state\",env=\"prod\"} != "
                                    "{__name__=~\"(.+_)?circuit_breaker_state\",env=\"prod\"} offset 15000ms"_s);
    // The step: the interval, or coarser so that the span takes at most 1,000 steps.
    QCOMPARE(bw::PrometheusHistory::stepFor(6 * 3600'000, 15'000), 21'600);
    QCOMPARE(bw::PrometheusHistory::stepFor(600'000, 15'000), 15'000);
    QCOMPARE(bw::PrometheusHistory::stepFor(6 * 3600'000, 60'000), 60'000);
}

void TestPrometheusHistory::statesAtTheStartThenTheChangesBetweenSamples()
{
    std::map<Part, bw::PromQueryResult> answers;
    answers[Part::Resilience4jAtStart] =
        answer("vector", "[{\"metric\":" + r4j("a:1", "payments", "closed") + ",\"value\":[1000,\"1\"]}]");
    answers[Part::GaugeAtStart] = answer("vector", "[]");
    // Opened at ~1030 s, half-open at ~1090 s, closed at ~1120 s.
    answers[Part::Resilience4jEntered] =
        answer("matrix", "[{\"metric\":" + r4j("a:1", "payments", "open") +
                             ",\"values\":[[1030,\"1\"],[1045,\"1\"],[1060,\"1\"]]},"
                             "{\"metric\":" +
                             r4j("a:1", "payments", "half_open") +
                             ",\"values\":[[1090,\"1\"],[1105,\"1\"]]},"
                             "{\"metric\":" +
                             r4j("a:1", "payments", "closed") + ",\"values\":[[1120,\"1\"],[1135,\"1\"]]}]");
    answers[Part::GaugeChanged] = answer("matrix", "[]");
    const auto all = bw::PrometheusHistory::read(answers, 1'000'000, 15'000);
    QCOMPARE(all.size(), 1);
    const auto &past = all.front();
    QCOMPARE(past.job, u"checkout"_s);
    QCOMPARE(past.source, bw::BreakerSource::Resilience4j);
    QCOMPARE(past.firstSeenMs, 1'000'000);
    QCOMPARE(past.firstState, BreakerState::Closed);
    QCOMPARE(past.transitions.size(), 3);
    QCOMPARE(past.transitions[0].t, 1'030'000);
    QCOMPARE(past.transitions[0].from, BreakerState::Closed);
    QCOMPARE(past.transitions[0].to, BreakerState::Open);
    QCOMPARE(past.transitions[1].to, BreakerState::HalfOpen);
    QCOMPARE(past.transitions[2].t, 1'120'000);
    QCOMPARE(past.transitions[2].to, BreakerState::Closed);
    for (const bw::ObservedTransition &tr : past.transitions)
        QVERIFY(tr.betweenScrapes && !tr.fromGauge);
}

void TestPrometheusHistory::aStateSeenAgainIsNoTransition()
{
    // Open since before the span: the window still sees the change at the first steps; nothing happened.
    std::map<Part, bw::PromQueryResult> answers;
    answers[Part::Resilience4jAtStart] =
        answer("vector", "[{\"metric\":" + r4j("a:1", "payments", "open") + ",\"value\":[1000,\"1\"]}]");
    answers[Part::Resilience4jEntered] = answer("matrix", "[{\"metric\":" + r4j("a:1", "payments", "open") +
                                                              ",\"values\":[[1015,\"1\"],[1030,\"1\"]]}]");
    const auto all = bw::PrometheusHistory::read(answers, 1'000'000, 15'000);
    QCOMPARE(all.size(), 1);
    QCOMPARE(all.front().firstState, BreakerState::Open);
    QVERIFY(all.front().transitions.isEmpty());
}

void TestPrometheusHistory::gaugesAndBreakersFirstSeenLater()
{
    std::map<Part, bw::PromQueryResult> answers;
    answers[Part::GaugeAtStart] = answer(
        "vector",
        R"([{"metric":{"__name__":"shop_circuit_breaker_state","job":"shop","instance":"s:9","name":"search"},"value":[1000,"0"]}])");
    answers[Part::GaugeChanged] = answer(
        "matrix",
        R"([{"metric":{"__name__":"shop_circuit_breaker_state","job":"shop","instance":"s:9","name":"search"},"values":[[1060,"1"],[1075,"1"],[1200,"2"]]}])");
    // A breaker that appeared during the span (a new pod): its first state from the step that showed it.
    answers[Part::Resilience4jEntered] =
        answer("matrix", "[{\"metric\":" + r4j("b:2", "inventory", "closed") + ",\"values\":[[1500,\"1\"]]}]");
    const auto all = bw::PrometheusHistory::read(answers, 1'000'000, 15'000);
    QCOMPARE(all.size(), 2);
    const auto *later = find(all, u"b:2"_s, u"inventory"_s);
    QVERIFY(later);
    QCOMPARE(later->firstSeenMs, 1'500'000);
    QCOMPARE(later->firstState, BreakerState::Closed);
    QVERIFY(later->transitions.isEmpty());
    const auto *gauge = find(all, u"s:9"_s, u"search"_s);
    QVERIFY(gauge);
    QCOMPARE(gauge->source, bw::BreakerSource::Gauge);
    QCOMPARE(gauge->firstState, BreakerState::Closed);
    QCOMPARE(gauge->transitions.size(), 2);
    QCOMPARE(gauge->transitions[0].to, BreakerState::Open);
    QCOMPARE(gauge->transitions[1].t, 1'200'000);
    QCOMPARE(gauge->transitions[1].from, BreakerState::Open);
    QCOMPARE(gauge->transitions[1].to, BreakerState::HalfOpen);
}

void TestPrometheusHistory::seriesWithoutJobOrInstanceAreNotBreakers()
{
    std::map<Part, bw::PromQueryResult> answers;
    answers[Part::Resilience4jAtStart] = answer(
        "vector",
        R"([{"metric":{"__name__":"resilience4j_circuitbreaker_state","name":"x","state":"open"},"value":[1000,"1"]}])");
    QVERIFY(bw::PrometheusHistory::read(answers, 1'000'000, 15'000).isEmpty());
}

QTEST_GUILESS_MAIN(TestPrometheusHistory)
// The counters at the start (since the process started) and at the steps where open or close moved, with the
// failure count at those steps, read as the live tracker reads scrapes: each move within its 15 s step.
void TestPrometheusHistory::opossumCountersAreReplayedAsScrapesOneStepApart()
{
    std::map<Part, bw::PromQueryResult> answers;
    answers[Part::OpossumAtStart] = answer("vector", "[" + opossum("payments", "open", {{1000, 2}}, false) + "," +
                                                         opossum("payments", "close", {{1000, 2}}, false) + "," +
                                                         opossum("payments", "failure", {{1000, 40}}, false) + "," +
                                                         opossum("search", "open", {{1000, 0}}, false) + "]");
    // payments: opens at ~1060 s, closes at ~1120 s, flaps (open, close, open) within the step ending at 1300 s,
    // and comes back from zero at 1600 s (a restart). ledger appears at 1500 s, already open.
    answers[Part::OpossumMoved] =
        answer("matrix", "[" + opossum("payments", "open", {{1060, 3}, {1300, 5}, {1600, 0}}) + "," +
                             opossum("payments", "close", {{1120, 3}, {1300, 4}, {1600, 0}}) + "," +
                             opossum("payments", "failure", {{1060, 45}, {1120, 45}, {1300, 60}, {1600, 0}}) + "," +
                             opossum("ledger", "open", {{1500, 1}}) + "]");
    const auto all = bw::PrometheusHistory::read(answers, 1'000'000, 15'000);
    QCOMPARE(all.size(), 3);
    // Ordered by name within the instance.
    QCOMPARE(all[0].name, u"ledger"_s);
    QCOMPARE(all[1].name, u"payments"_s);
    QCOMPARE(all[2].name, u"search"_s);

    const auto &payments = all[1];
    QCOMPARE(payments.source, bw::BreakerSource::Opossum);
    QCOMPARE(payments.job, u"api"_s);
    QCOMPARE(payments.firstSeenMs, 1'000'000);
    QCOMPARE(payments.firstState, BreakerState::Closed); // two opens, two closes since the process started
    QList<QPair<BreakerState, BreakerState>> moves;
    for (const bw::ObservedTransition &tr : payments.transitions) {
        moves << qMakePair(tr.from, tr.to);
        QVERIFY(tr.betweenScrapes);
    }
    const QList<QPair<BreakerState, BreakerState>> expected{
        {BreakerState::Closed, BreakerState::Open},  // ~1060 s
        {BreakerState::Open, BreakerState::Closed},  // ~1120 s
        {BreakerState::Closed, BreakerState::Open},  // within (1285, 1300] s: open, close, open
        {BreakerState::Open, BreakerState::Closed},  //
        {BreakerState::Closed, BreakerState::Open},  //
        {BreakerState::Open, BreakerState::Closed}}; // 1600 s: restarted, counted from zero
    QCOMPARE(moves, expected);
    const auto within = [&](int i, std::int64_t from, std::int64_t to) {
        const std::int64_t t = payments.transitions[i].t;
        return t > from && t <= to;
    };
    QVERIFY(within(0, 1'045'000, 1'060'000));
    QVERIFY(within(1, 1'105'000, 1'120'000));
    for (int i = 2; i < 5; ++i)
        QVERIFY2(within(i, 1'285'000, 1'300'000), qPrintable(QString::number(payments.transitions[i].t)));
    QCOMPARE(payments.transitions[5].t, 1'600'000);

    // First seen at a step, already open: its state from its counts, no transition it was not seen to make.
    QCOMPARE(all[0].firstSeenMs, 1'500'000);
    QCOMPARE(all[0].firstState, BreakerState::Open);
    QVERIFY(all[0].transitions.isEmpty());
    // Never moved.
    QCOMPARE(all[2].firstState, BreakerState::Closed);
    QVERIFY(all[2].transitions.isEmpty());
}

#include "tst_prometheushistory.moc"
