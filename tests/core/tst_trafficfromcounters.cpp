#include "prometheus/trafficfromcounters.h"

#include <QTest>

using namespace Qt::StringLiterals;

namespace {

bw::MetricSample sample(const QByteArray &name, QList<QPair<QByteArray, QByteArray>> labels, double value)
{
    return bw::MetricSample{name, std::move(labels), value, std::nullopt};
}

std::vector<bw::MetricSample> scrape(double ok200, double err500, double err404, double fast, double total)
{
    return {sample("http_requests_total", {{"code", "200"}, {"job", "api"}}, ok200),
            sample("http_requests_total", {{"job", "api"}, {"code", "500"}}, err500),
            sample("http_requests_total", {{"code", "404"}, {"job", "api"}}, err404),
            sample("http_requests_total", {{"code", "500"}, {"job", "other"}}, 1e6),
            sample("http_request_duration_seconds_bucket", {{"le", "0.5"}}, fast / 2),
            sample("http_request_duration_seconds_bucket", {{"le", "1"}}, fast),
            sample("http_request_duration_seconds_bucket", {{"le", "5"}}, total - 1),
            sample("http_request_duration_seconds_bucket", {{"le", "+Inf"}}, total)};
}

} // namespace

class TestTrafficFromCounters final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void selectors_data();
    void selectors();
    void selectorErrors_data();
    void selectorErrors();
    void deltasBecomeBatches();
    void counterResetCountsTheNewValue();
};

void TestTrafficFromCounters::selectors_data()
{
    QTest::addColumn<QString>("selector");
    QTest::addColumn<bool>("matches");
    // The sample: http_requests_total{code="503",job="api",path="/a{b}"}
    QTest::newRow("name only") << u"http_requests_total"_s << true;
    QTest::newRow("other name") << u"http_requests"_s << false;
    QTest::newRow("equal") << u"http_requests_total{job=\"api\"}"_s << true;
    QTest::newRow("not equal") << u"http_requests_total{job!=\"api\"}"_s << false;
    QTest::newRow("regex anchored") << u"http_requests_total{code=~\"5..\"}"_s << true;
    QTest::newRow("regex not a substring match") << u"http_requests_total{code=~\"0\"}"_s << false;
    QTest::newRow("not regex") << u"http_requests_total{code!~\"2..|3..\"}"_s << true;
    QTest::newRow("missing label equals empty") << u"http_requests_total{zone=\"\"}"_s << true;
    QTest::newRow("braces in value") << u"{path=\"/a{b}\", job='api'}"_s << true;
    QTest::newRow("__name__") << u"{__name__=~\"http_.*\"}"_s << true;
    QTest::newRow("trailing comma") << u"http_requests_total{job=\"api\",}"_s << true;
}

void TestTrafficFromCounters::selectors()
{
    QFETCH(QString, selector);
    QFETCH(bool, matches);
    const auto parsed = bw::SeriesSelector::parse(selector);
    QVERIFY2(parsed.ok(), qPrintable(parsed.ok() ? QString() : parsed.error()));
    const bw::MetricSample s = sample("http_requests_total", {{"code", "503"}, {"job", "api"}, {"path", "/a{b}"}}, 1);
    QCOMPARE(parsed->matches(s), matches);
}

void TestTrafficFromCounters::selectorErrors_data()
{
    QTest::addColumn<QString>("selector");
    QTest::addColumn<QString>("message");
    QTest::newRow("empty") << u""_s << u"empty series selector"_s;
    QTest::newRow("unquoted") << u"a{b=c}"_s << u"label values are quoted"_s;
    QTest::newRow("bad operator") << u"a{b<\"c\"}"_s << u"expected =, !=, =~ or !~"_s;
    QTest::newRow("bad regex") << u"a{b=~\"(\"}"_s << u"bad regular expression"_s;
    QTest::newRow("unterminated") << u"a{b=\"c}"_s << u"unterminated"_s;
    QTest::newRow("junk after") << u"a{b=\"c\"} x"_s << u"unexpected text"_s;
}

void TestTrafficFromCounters::selectorErrors()
{
    QFETCH(QString, selector);
    QFETCH(QString, message);
    const auto parsed = bw::SeriesSelector::parse(selector);
    QVERIFY(!parsed.ok());
    QVERIFY2(parsed.error().contains(message), qPrintable(parsed.error()));
}

void TestTrafficFromCounters::deltasBecomeBatches()
{
    bw::TrafficFromCounters::Settings settings;
    settings.requests = *bw::SeriesSelector::parse(u"http_requests_total{job=\"api\"}"_s);
    settings.durationHistogram = "http_request_duration_seconds";
    settings.slowThresholdSeconds = 2.0; // largest bucket <= 2 s is le="1"
    bw::TrafficFromCounters traffic(settings);

    QVERIFY(!traffic.onScrape(10'000, scrape(100, 10, 5, 90, 115)).has_value()); // baseline
    const auto batch = traffic.onScrape(25'000, scrape(180, 14, 9, 160, 203));
    QVERIFY(batch.has_value());
    QCOMPARE(batch->t0, 10'000);
    QCOMPARE(batch->t1, 25'000);
    QCOMPARE(batch->failures, 4);                     // only 5xx of job=api
    QCOMPARE(batch->successes + batch->slow, 80 + 4); // 200s and 404s are not failures
    QCOMPARE(batch->slow, (203 - 115) - (160 - 90));  // above the le="1" bucket
    QVERIFY(batch->slowLatencyMs > 2000);

    QVERIFY(!traffic.onScrape(25'000, scrape(180, 14, 9, 160, 203)).has_value()); // time did not advance
}

void TestTrafficFromCounters::counterResetCountsTheNewValue()
{
    bw::TrafficFromCounters::Settings settings;
    settings.requests = *bw::SeriesSelector::parse(u"http_requests_total{job=\"api\"}"_s);
    bw::TrafficFromCounters traffic(settings);
    traffic.onScrape(0, scrape(1000, 50, 0, 0, 0));
    const auto batch = traffic.onScrape(15'000, scrape(30, 3, 0, 0, 0)); // the process restarted
    QVERIFY(batch.has_value());
    QCOMPARE(batch->successes, 30);
    QCOMPARE(batch->failures, 3);
    QCOMPARE(batch->slow, 0);
}

QTEST_GUILESS_MAIN(TestTrafficFromCounters)
#include "tst_trafficfromcounters.moc"
