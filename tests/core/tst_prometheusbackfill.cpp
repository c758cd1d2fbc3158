// The pure half of the Prometheus backfill: query_range matrices to the calls, outages and notes of a replay
// history. Rates and counters, cumulative rounding, the interleaving live metrics use, outages from the failure
// ratio or an up query, and the errors.
#include "breaker/batchcalls.h"
#include "breaker/circuitbreaker.h"
#include "breaker/presetcatalog.h"
#include "whatif/prometheusbackfill.h"

#include <QTest>

#include <cmath>

using namespace Qt::StringLiterals;
using bw::BackfillData;
using bw::BackfillRequest;
using bw::PromQueryResult;

namespace {

constexpr std::int64_t kFrom = 1'800'000'000'000;

BackfillRequest request(std::int64_t stepMs, int steps, bool counters = false)
{
    BackfillRequest r;
    r.server.url = QUrl(u"http://127.0.0.1:9090"_s);
    r.requestsQuery = u"sum(rate(requests_total[1m]))"_s;
    r.failuresQuery = u"sum(rate(requests_total{code=~\"5..\"}[1m]))"_s;
    r.counters = counters;
    r.fromMs = kFrom;
    r.toMs = kFrom + stepMs * steps;
    r.stepMs = stepMs;
    r.service = u"checkout"_s;
    return r;
}

// One series with a point per step from `from` (value i at from + i * step).
PromQueryResult matrix(const std::vector<double> &values, std::int64_t stepMs, QMap<QString, QString> labels = {})
{
    PromQueryResult result;
    result.type = PromQueryResult::Type::Matrix;
    bw::PromSeries series;
    series.metric = std::move(labels);
    for (std::size_t i = 0; i < values.size(); ++i)
        series.points.emplace_back(kFrom + static_cast<std::int64_t>(i) * stepMs, values[i]);
    result.series.push_back(series);
    return result;
}

struct Counts
{
    std::int64_t calls = 0;
    std::int64_t failures = 0;
};

// Calls and failures per step (t0, t0 + step] of the relative stream.
std::vector<Counts> perStep(const bw::EventStream &stream, std::int64_t stepMs, int steps)
{
    std::vector<Counts> out(static_cast<std::size_t>(steps));
    for (const bw::CallOutcome &call : stream.events) {
        const auto index = static_cast<std::size_t>((call.t - 1) / stepMs);
        if (index < out.size()) {
            ++out[index].calls;
            out[index].failures += !call.ok;
        }
    }
    return out;
}

QString outagesText(const std::vector<bw::Outage> &outages)
{
    QStringList parts;
    for (const bw::Outage &o : outages)
        parts << u"%1-%2"_s.arg(o.start).arg(o.end);
    return parts.join(u' ');
}

} // namespace

class TestPrometheusBackfill final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void ratesBecomeCallsPerStep();
    void roundingIsCumulative();
    void failuresAreInterleavedAsLiveMetricsDo();
    void sameBreakerAsLiveBatches();
    void countersWithAReset();
    void errorRatioInsteadOfFailures();
    void seriesAreSummedAndNaNSkipped();
    void outagesFromTheFailureRatio();
    void outagesFromUp();
    void missingFailuresMeansNone();
    void errors_data();
    void errors();
    void sourceKeyNamesTheData();
};

void TestPrometheusBackfill::ratesBecomeCallsPerStep()
{
    // 10 s steps, 6 steps: 2 requests/s and 0.5 failures/s = 20 calls and 5 failures per step.
    const BackfillRequest r = request(10'000, 6);
    BackfillData data;
    data.requests = matrix({2, 2, 2, 2, 2, 2, 2}, 10'000);
    data.failures = matrix({0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5}, 10'000);
    auto history = bw::historyFromPrometheus(r, data);
    QVERIFY2(history.ok(), qPrintable(history.ok() ? QString() : history.error()));
    QCOMPARE(history->originMs, kFrom);
    QCOMPARE(history->endMs, 60'000);
    // The point at `from` covers the step before the range: left out.
    QCOMPARE(history->stream.size(), 6 * 20);
    QCOMPARE(history->stream.firstT(), 500);
    QCOMPARE(history->stream.lastT(), 60'000);
    for (const Counts &step : perStep(history->stream, 10'000, 6)) {
        QCOMPARE(step.calls, 20);
        QCOMPARE(step.failures, 5);
    }
    QVERIFY(history->outages.empty());
    QVERIFY(history->label.startsWith(u"checkout, "_s));
    QVERIFY(history->label.endsWith(u"(Prometheus)"_s));
}

void TestPrometheusBackfill::roundingIsCumulative()
{
    // 0.25 requests/s at 1 s steps: a quarter call a step; 8 steps hold 2 calls, not 0 (per-step rounding) or 8.
    const BackfillRequest r = request(1'000, 8);
    BackfillData data;
    data.requests = matrix(std::vector<double>(9, 0.25), 1'000);
    data.failures = matrix(std::vector<double>(9, 0.0), 1'000);
    auto history = bw::historyFromPrometheus(r, data);
    QVERIFY(history.ok());
    QCOMPARE(history->stream.size(), 2);
    // Running sums 0.25, 0.5 (rounds to 1), ..., 1.5 (rounds to 2): calls in steps 2 and 6.
    QCOMPARE(history->stream.events[0].t, 2'000);
    QCOMPARE(history->stream.events[1].t, 6'000);

    // 1/3 per step over 300 steps: 100 calls, whatever the step.
    const BackfillRequest many = request(1'000, 300);
    data.requests = matrix(std::vector<double>(301, 1.0 / 3.0), 1'000);
    data.failures = matrix(std::vector<double>(301, 1.0 / 6.0), 1'000);
    auto third = bw::historyFromPrometheus(many, data);
    QVERIFY(third.ok());
    QCOMPARE(third->stream.size(), 100);
    std::int64_t failures = 0;
    for (const bw::CallOutcome &call : third->stream.events)
        failures += !call.ok;
    QCOMPARE(failures, 50);
}

void TestPrometheusBackfill::failuresAreInterleavedAsLiveMetricsDo()
{
    const BackfillRequest r = request(10'000, 1);
    BackfillData data;
    data.requests = matrix({0, 2}, 10'000);
    data.failures = matrix({0, 0.5}, 10'000);
    auto history = bw::historyFromPrometheus(r, data);
    QVERIFY(history.ok());
    QCOMPARE(history->stream.size(), 20);
    QString pattern;
    for (const bw::CallOutcome &call : history->stream.events)
        pattern += call.ok ? u'o' : u'F';
    QCOMPARE(pattern, u"oooFoooFoooFoooFoooF"_s);

    // Exactly the calls forEachCallInBatch makes of the same batch.
    bw::CallBatch batch;
    batch.t0 = 0;
    batch.t1 = 10'000;
    batch.successes = 15;
    batch.failures = 5;
    std::vector<bw::CallOutcome> expected;
    bw::forEachCallInBatch(batch, [&](const bw::CallOutcome &call) { expected.push_back(call); });
    QCOMPARE(history->stream.events.size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        QCOMPARE(history->stream.events[i].t, expected[i].t);
        QCOMPARE(history->stream.events[i].ok, expected[i].ok);
    }
}

void TestPrometheusBackfill::sameBreakerAsLiveBatches()
{
    // A burst of failures: the backfilled stream replayed call by call drives a breaker through the same transitions
    // as the live path, which feeds each step to CircuitBreaker::onBatch.
    const std::vector<double> rates{0, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5};
    const std::vector<double> failing{0, 0, 0.5, 4, 5, 5, 5, 5, 1, 0, 0, 0, 0};
    const BackfillRequest r = request(5'000, 12);
    BackfillData data;
    data.requests = matrix(rates, 5'000);
    data.failures = matrix(failing, 5'000);
    auto history = bw::historyFromPrometheus(r, data);
    QVERIFY(history.ok());

    const bw::PresetCatalog catalog;
    auto policy = catalog.buildText(u"resilience4j"_s, {{u"slidingWindowSize"_s, u"20"_s},
                                                        {u"minimumNumberOfCalls"_s, u"10"_s},
                                                        {u"waitDurationInOpenState"_s, u"8000"_s}});
    QVERIFY2(policy.ok(), qPrintable(policy.ok() ? QString() : policy.error()));
    bw::CircuitBreaker replayed(*policy);
    for (const bw::CallOutcome &call : history->stream.events)
        replayed.onCall(call);
    bw::CircuitBreaker live(*policy);
    for (std::size_t i = 1; i < rates.size(); ++i) {
        bw::CallBatch batch;
        batch.t0 = std::int64_t(i - 1) * 5'000;
        batch.t1 = std::int64_t(i) * 5'000;
        batch.failures = std::llround(failing[i] * 5);
        batch.successes = std::llround(rates[i] * 5) - batch.failures;
        live.onBatch(batch);
    }
    const auto a = replayed.transitions();
    const auto b = live.transitions();
    QVERIFY(a.size() >= 2); // it opened and came back
    QCOMPARE(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        QCOMPARE(a[i].t, b[i].t);
        QCOMPARE(a[i].to, b[i].to);
    }
}

void TestPrometheusBackfill::countersWithAReset()
{
    // Counts at 1 s: 100, 110, 130, 5 (a restart), 15 -> 10, 20, 5, 10 calls; failures 0, 0, 10, 10, 12 -> 0, 10,
    // 0, 2.
    const BackfillRequest r = request(1'000, 4, true);
    BackfillData data;
    data.requests = matrix({100, 110, 130, 5, 15}, 1'000);
    data.failures = matrix({0, 0, 10, 10, 12}, 1'000);
    auto history = bw::historyFromPrometheus(r, data);
    QVERIFY(history.ok());
    const std::vector<Counts> steps = perStep(history->stream, 1'000, 4);
    QCOMPARE(steps[0].calls, 10);
    QCOMPARE(steps[1].calls, 20);
    QCOMPARE(steps[2].calls, 5);
    QCOMPARE(steps[3].calls, 10);
    QCOMPARE(steps[0].failures, 0);
    QCOMPARE(steps[1].failures, 10);
    QCOMPARE(steps[2].failures, 0);
    QCOMPARE(steps[3].failures, 2);
    QCOMPARE(history->stream.size(), 45);
}

void TestPrometheusBackfill::errorRatioInsteadOfFailures()
{
    BackfillRequest r = request(10'000, 2);
    r.failuresQuery.clear();
    r.errorRatioQuery = u"ratio"_s;
    BackfillData data;
    data.requests = matrix({1, 1, 1}, 10'000);
    data.errorRatio = matrix({0, 0.3, 1.7}, 10'000); // above 1 is clamped
    auto history = bw::historyFromPrometheus(r, data);
    QVERIFY(history.ok());
    const std::vector<Counts> steps = perStep(history->stream, 10'000, 2);
    QCOMPARE(steps[0].calls, 10);
    QCOMPARE(steps[0].failures, 3);
    QCOMPARE(steps[1].failures, 10);
}

void TestPrometheusBackfill::seriesAreSummedAndNaNSkipped()
{
    const BackfillRequest r = request(10'000, 3);
    BackfillData data;
    data.requests = matrix({1, 1, std::nan(""), 1}, 10'000, {{u"instance"_s, u"a"_s}});
    data.requests.series.push_back(matrix({1, 1, 1, 1}, 10'000, {{u"instance"_s, u"b"_s}}).series.front());
    data.failures = matrix({0, 0, 0, 0}, 10'000);
    auto history = bw::historyFromPrometheus(r, data);
    QVERIFY(history.ok());
    const std::vector<Counts> steps = perStep(history->stream, 10'000, 3);
    QCOMPARE(steps[0].calls, 20);
    QCOMPARE(steps[1].calls, 10);
    QCOMPARE(steps[2].calls, 20);
}

void TestPrometheusBackfill::outagesFromTheFailureRatio()
{
    // Steps 1..11 (10 s, the point at `from` is before the range): failure ratio 0, .6, .6, .6, .1, .6, .6, 0,
    // then .5 .5 .5 to the end.
    const std::vector<double> ratios{0, 0, 0.6, 0.6, 0.6, 0.1, 0.6, 0.6, 0, 0.5, 0.5, 0.5};
    std::vector<double> failures;
    for (double ratio : ratios)
        failures.push_back(ratio * 10);
    const BackfillRequest r = request(10'000, 11);
    BackfillData data;
    data.requests = matrix(std::vector<double>(12, 10), 10'000);
    data.failures = matrix(failures, 10'000);
    auto history = bw::historyFromPrometheus(r, data);
    QVERIFY(history.ok());
    // Three bad steps (10-40 s) are an outage, two (50-70 s) are not; the last three run to the end of the data.
    QCOMPARE(outagesText(history->outages), u"10000-40000 80000-110000"_s);

    // A step without calls neither starts nor ends one.
    data.requests = matrix({10, 10, 10, 0, 10, 10}, 10'000);
    data.failures = matrix({0, 10, 10, 0, 10, 0}, 10'000);
    auto gap = bw::historyFromPrometheus(request(10'000, 5), data);
    QVERIFY(gap.ok());
    QCOMPARE(outagesText(gap->outages), u"0-40000"_s);
}

void TestPrometheusBackfill::outagesFromUp()
{
    BackfillRequest r = request(10'000, 6);
    r.upQuery = u"min(up{job=\"checkout\"})"_s;
    BackfillData data;
    data.requests = matrix(std::vector<double>(7, 1), 10'000);
    data.failures = matrix(std::vector<double>(7, 1), 10'000); // every call fails: up decides, not the ratio
    data.up = matrix({1, 1, 0, 1, 1, 0, 0}, 10'000);
    auto history = bw::historyFromPrometheus(r, data);
    QVERIFY(history.ok());
    QCOMPARE(outagesText(history->outages), u"20000-30000 50000-60000"_s);
}

void TestPrometheusBackfill::missingFailuresMeansNone()
{
    const BackfillRequest r = request(10'000, 2);
    BackfillData data;
    data.requests = matrix({1, 1, 1}, 10'000);
    data.failures = PromQueryResult{};
    auto history = bw::historyFromPrometheus(r, data);
    QVERIFY(history.ok());
    QCOMPARE(history->stream.size(), 20);
    for (const bw::CallOutcome &call : history->stream.events)
        QVERIFY(call.ok);
    QVERIFY(history->notes.join(u'\n').contains(u"failures query returned no data"_s));
}

void TestPrometheusBackfill::errors_data()
{
    QTest::addColumn<QString>("what");
    QTest::addColumn<QString>("mention");
    QTest::newRow("no requests data") << u"empty"_s << u"`sum(rate(requests_total[1m]))` returned no data"_s;
    QTest::newRow("only zeros") << u"zeros"_s << u"shows no requests"_s;
    QTest::newRow("both failure queries") << u"both"_s << u"exactly one of a failures query"_s;
    QTest::newRow("neither failure query") << u"neither"_s << u"exactly one of a failures query"_s;
    QTest::newRow("no url") << u"url"_s << u"not a valid http(s) URL"_s;
    QTest::newRow("reversed range") << u"range"_s << u"empty range"_s;
    QTest::newRow("zero step") << u"step"_s << u"step must be positive"_s;
    QTest::newRow("too many calls") << u"many"_s << u"holds more than 15 calls"_s;
}

void TestPrometheusBackfill::errors()
{
    QFETCH(QString, what);
    QFETCH(QString, mention);
    BackfillRequest r = request(10'000, 2);
    BackfillData data;
    data.requests = matrix({1, 1, 1}, 10'000);
    data.failures = matrix({0, 0, 0}, 10'000);
    if (what == u"empty")
        data.requests = PromQueryResult{};
    else if (what == u"zeros")
        data.requests = matrix({0, 0, 0}, 10'000);
    else if (what == u"both")
        r.errorRatioQuery = u"x"_s;
    else if (what == u"neither")
        r.failuresQuery.clear();
    else if (what == u"url")
        r.server.url = QUrl(u"not a url"_s);
    else if (what == u"range")
        std::swap(r.fromMs, r.toMs);
    else if (what == u"step")
        r.stepMs = 0;
    else if (what == u"many")
        r.maxCalls = 15; // 2 steps of 10 calls
    auto history = bw::historyFromPrometheus(r, data);
    QVERIFY(!history.ok());
    QVERIFY2(history.error().contains(mention), qPrintable(history.error()));
}

void TestPrometheusBackfill::sourceKeyNamesTheData()
{
    BackfillRequest r = request(10'000, 2);
    r.server.url = QUrl(u"http://user:secret@prom.example:9090"_s);
    const QString key = r.sourceKey();
    QVERIFY(key.startsWith(u"prometheus:http://prom.example:9090:"_s));
    QVERIFY(!key.contains(u"secret"_s));
    QVERIFY(key.contains(r.requestsQuery) && key.contains(r.failuresQuery));
    QVERIFY(key.endsWith(u":%1:%2:10000"_s.arg(r.fromMs).arg(r.toMs)));
    BackfillRequest other = r;
    other.counters = true;
    QVERIFY(other.sourceKey() != key);
}

QTEST_GUILESS_MAIN(TestPrometheusBackfill)
#include "tst_prometheusbackfill.moc"
