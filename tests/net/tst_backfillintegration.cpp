// PrometheusBackfill and `breakerwatch-cli sweep/replay --requests ...` against a real Prometheus (Debian package)
// scraping, every second, a loopback server whose request counters the test drives: 14 s of traffic, 20 good calls
// a second, 1 failure a second, and 30 failures a second for 5 s in the middle (an outage). The backfill must give
// back what was served: exactly with counters, within its documented rounding of sum(rate * step) with rates.
#include "../support/externalprocess.h"

#include "httpserver/httpserver.h"
#include "probe/httpprober.h"
#include "prometheus/prometheusclient.h"
#include "whatif/prometheusbackfill.h"

#include <QDateTime>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QSignalSpy>

#include <QTest>
#include <vector>

#include <cmath>

using namespace Qt::StringLiterals;

namespace {

constexpr int kSeconds = 14;
constexpr int kOutageFrom = 4; // seconds 4..8 fail at 60 %
constexpr int kOutageTo = 9;
constexpr int kGoodPerSecond = 20;
constexpr int kFailedPerSecond = 1;
constexpr int kFailedInOutage = 30;

const QString kRequests = u"sum(shop_requests_total)"_s;
const QString kFailures = u"sum(shop_requests_total{code=\"500\"})"_s;
const QString kRequestRate = u"sum(rate(shop_requests_total[5s]))"_s;
const QString kFailureRate = u"sum(rate(shop_requests_total{code=\"500\"}[5s]))"_s;

QString seconds(std::int64_t ms)
{
    return QString::number(static_cast<double>(ms) / 1000.0, 'f', 3);
}

std::int64_t failuresIn(const bw::EventStream &stream)
{
    std::int64_t failures = 0;
    for (const bw::CallOutcome &call : stream.events)
        failures += !call.ok;
    return failures;
}

} // namespace

class TestBackfillIntegration final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void countersGiveBackExactlyWhatWasServed();
    void ratesFollowSumOfRateTimesStep();
    void upQueryDecidesTheOutages();
    void progressAndOneFinished();
    void cancelStopsAtOnce();
    void cancelAndRestartFromSlots();
    void errors_data();
    void errors();
    void cliSweepAndReplay();
    void cliErrors();
    void cleanupTestCase();

private:
    bw::BackfillRequest request(bool counters) const;
    bw::Result<bw::ReplayHistory> backfill(const bw::BackfillRequest &request);

    QTemporaryDir m_dir;
    ExternalServer m_prometheus;
    QNetworkAccessManager m_network;
    std::unique_ptr<bw::HttpServer> m_server;
    int m_scrapes = 0;
    std::int64_t m_good = 0;
    std::int64_t m_failed = 0;
    std::int64_t m_from = 0;
    std::int64_t m_to = 0;
    std::int64_t m_outageStart = 0;
    std::int64_t m_outageEnd = 0;
};

void TestBackfillIntegration::initTestCase()
{
    if (!ExternalServer::available(u"prometheus"_s))
        QSKIP("prometheus is not installed (scripts/test installs it)");
    QVERIFY(m_dir.isValid());
    m_server = std::make_unique<bw::HttpServer>();
    m_server->route("GET", u"/metrics"_s, [this](const bw::HttpRequest &, bw::HttpResponder responder) {
        ++m_scrapes;
        responder.send(bw::HttpResponse::text(
            200, "# TYPE shop_requests_total counter\nshop_requests_total{code=\"200\"} " + QByteArray::number(m_good) +
                     "\nshop_requests_total{code=\"500\"} " + QByteArray::number(m_failed) + "\n"));
    });
    const auto port = m_server->listen(QHostAddress::LocalHost, 0);
    QVERIFY2(port.ok(), qPrintable(port.ok() ? QString() : port.error()));

    m_from = QDateTime::currentMSecsSinceEpoch() / 1000 * 1000;
    QFile config(m_dir.filePath(u"prometheus.yml"_s));
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write(u"global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
                 "scrape_configs:\n"
                 "  - job_name: shop\n"
                 "    static_configs: [{targets: ['127.0.0.1:%1']}]\n"_s.arg(*port)
                     .toUtf8());
    config.close();
    const quint16 promPort = freeLoopbackPort();
    QVERIFY2(m_prometheus.start(u"prometheus"_s,
                                {u"--config.file="_s + config.fileName(),
                                 u"--storage.tsdb.path="_s + m_dir.filePath(u"data"_s),
                                 u"--web.listen-address=127.0.0.1:%1"_s.arg(promPort)},
                                promPort, u"/-/ready"_s),
             m_prometheus.output().constData());

    // The zero baseline is stored before any traffic.
    QTRY_VERIFY_WITH_TIMEOUT(m_scrapes >= 2, 30'000);
    for (int second = 0; second < kSeconds; ++second) {
        const bool outage = second >= kOutageFrom && second < kOutageTo;
        if (second == kOutageFrom)
            m_outageStart = QDateTime::currentMSecsSinceEpoch();
        if (second == kOutageTo)
            m_outageEnd = QDateTime::currentMSecsSinceEpoch();
        m_good += kGoodPerSecond;
        m_failed += outage ? kFailedInOutage : kFailedPerSecond;
        QTest::qWait(1'000);
    }
    // Two more scrapes see the final counts; 6 s lets rate()'s 5 s window run out.
    const int scrapes = m_scrapes;
    QTRY_VERIFY_WITH_TIMEOUT(m_scrapes >= scrapes + 2, 30'000);
    QTest::qWait(4'500);
    m_to = QDateTime::currentMSecsSinceEpoch() / 1000 * 1000;
    QCOMPARE(m_good, kSeconds * kGoodPerSecond);
}

void TestBackfillIntegration::cleanupTestCase()
{
    m_prometheus.stop();
    m_server.reset();
}

bw::BackfillRequest TestBackfillIntegration::request(bool counters) const
{
    bw::BackfillRequest r;
    r.server.url = QUrl(m_prometheus.base());
    r.requestsQuery = counters ? kRequests : kRequestRate;
    r.failuresQuery = counters ? kFailures : kFailureRate;
    r.counters = counters;
    r.fromMs = m_from;
    r.toMs = m_to;
    r.stepMs = 1'000;
    r.service = u"shop"_s;
    return r;
}

bw::Result<bw::ReplayHistory> TestBackfillIntegration::backfill(const bw::BackfillRequest &request)
{
    bw::PrometheusBackfill backfill(&m_network);
    std::optional<bw::Result<bw::ReplayHistory>> result;
    connect(&backfill, &bw::PrometheusBackfill::finished, this,
            [&result](const bw::Result<bw::ReplayHistory> &history) { result = history; });
    backfill.start(request);
    [&] { QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), 30'000); }();
    return result.value_or(bw::Error{u"no answer"_s});
}

void TestBackfillIntegration::countersGiveBackExactlyWhatWasServed()
{
    const auto history = backfill(request(true));
    QVERIFY2(history.ok(), qPrintable(history.ok() ? QString() : history.error()));
    QCOMPARE(history->stream.size(), m_good + m_failed);
    QCOMPARE(failuresIn(history->stream), m_failed);
    QCOMPARE(history->originMs, m_from);
    QVERIFY(history->stream.firstT() > 0);
    QVERIFY(history->stream.lastT() <= m_to - m_from);

    // One outage, where the 60 % failures were (each call lands within a scrape interval and a step of when it was
    // counted).
    QCOMPARE(history->outages.size(), std::size_t{1});
    const bw::Outage outage = history->outages.front();
    qInfo("counters: outage %lld..%lld ms, failures served %lld..%lld ms", static_cast<long long>(outage.start),
          static_cast<long long>(outage.end), static_cast<long long>(m_outageStart - m_from),
          static_cast<long long>(m_outageEnd - m_from));
    QVERIFY2(std::abs(outage.start - (m_outageStart - m_from)) <= 3'000,
             qPrintable(u"outage starts at %1, traffic at %2"_s.arg(outage.start).arg(m_outageStart - m_from)));
    QVERIFY2(std::abs(outage.end - (m_outageEnd - m_from)) <= 3'000,
             qPrintable(u"outage ends at %1, traffic at %2"_s.arg(outage.end).arg(m_outageEnd - m_from)));
}

void TestBackfillIntegration::ratesFollowSumOfRateTimesStep()
{
    const auto history = backfill(request(false));
    QVERIFY2(history.ok(), qPrintable(history.ok() ? QString() : history.error()));

    // What Prometheus says the rates were, summed as rate * step over the steps inside the range.
    bw::HttpProber prober(&m_network);
    bw::PrometheusServerConfig server;
    server.url = QUrl(m_prometheus.base());
    bw::PrometheusClient client(&prober, server);
    auto sumOf = [&](const QString &query) {
        std::optional<bw::Result<bw::PromQueryResult>> result;
        client.queryRange(query, m_from, m_to, 1'000, [&](const bw::Result<bw::PromQueryResult> &r) { result = r; });
        [&] { QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), 30'000); }();
        double sum = 0;
        if (result && result->ok())
            for (const bw::PromSeries &series : (*result)->series)
                for (const auto &[t, value] : series.points)
                    if (t > m_from && std::isfinite(value))
                        sum += value;
        return sum;
    };
    const double calls = sumOf(kRequestRate);
    const double failures = sumOf(kFailureRate);
    QVERIFY(std::abs(double(history->stream.size()) - calls) <= 1.0);
    QVERIFY(std::abs(double(failuresIn(history->stream)) - failures) <= 1.0);
    // And rate() itself stays near what was served (its extrapolation is Prometheus' business).
    const double served = double(m_good + m_failed);
    qInfo("rates: %lld calls (%lld failed) from sum(rate * step) = %.2f (%.2f); served %.0f (%lld failed)",
          static_cast<long long>(history->stream.size()), static_cast<long long>(failuresIn(history->stream)), calls,
          failures, served, static_cast<long long>(m_failed));
    QVERIFY2(std::abs(double(history->stream.size()) - served) <= 0.15 * served,
             qPrintable(u"%1 calls from rates, %2 served"_s.arg(history->stream.size()).arg(served)));
}

void TestBackfillIntegration::upQueryDecidesTheOutages()
{
    bw::BackfillRequest r = request(true);
    r.upQuery = u"min(up{job=\"shop\"})"_s;
    const auto history = backfill(r);
    QVERIFY2(history.ok(), qPrintable(history.ok() ? QString() : history.error()));
    QVERIFY(history->outages.empty()); // the target was up all along
    QCOMPARE(history->stream.size(), m_good + m_failed);
}

void TestBackfillIntegration::progressAndOneFinished()
{
    bw::PrometheusBackfill backfill(&m_network);
    QSignalSpy progress(&backfill, &bw::PrometheusBackfill::progress);
    QSignalSpy finished(&backfill, &bw::PrometheusBackfill::finished);
    backfill.start(request(true));
    QVERIFY(backfill.isRunning());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 30'000);
    QVERIFY(!backfill.isRunning());
    QCOMPARE(progress.first().first().toDouble(), 0.0);
    QCOMPARE(progress.last().first().toDouble(), 1.0);
    for (qsizetype i = 1; i < progress.count(); ++i)
        QVERIFY(progress[i].first().toDouble() > progress[i - 1].first().toDouble());
    QTest::qWait(200);
    QCOMPARE(finished.count(), 1);
}

void TestBackfillIntegration::cancelStopsAtOnce()
{
    bw::PrometheusBackfill backfill(&m_network);
    std::vector<bw::Result<bw::ReplayHistory>> results;
    connect(&backfill, &bw::PrometheusBackfill::finished, this,
            [&results](const bw::Result<bw::ReplayHistory> &history) { results.push_back(history); });
    backfill.start(request(true));
    backfill.cancel();
    QCOMPARE(results.size(), std::size_t{1}); // synchronously
    QVERIFY(!backfill.isRunning());
    QVERIFY(!results.front().ok());
    QVERIFY2(results.front().error().contains(u"cancelled"_s), qPrintable(results.front().error()));
    QTest::qWait(1'000); // nothing arrives from the aborted query
    QCOMPARE(results.size(), std::size_t{1});
    backfill.cancel(); // nothing running: no signal
    QCOMPARE(results.size(), std::size_t{1});
}

void TestBackfillIntegration::cancelAndRestartFromSlots()
{
    // Cancel inside the client's callback (progress after the first query), then start again from finished().
    bw::PrometheusBackfill backfill(&m_network);
    std::vector<bw::Result<bw::ReplayHistory>> results;
    bool restarted = false;
    connect(&backfill, &bw::PrometheusBackfill::progress, this, [&](double fraction) {
        if (fraction > 0 && !restarted)
            backfill.cancel();
    });
    connect(&backfill, &bw::PrometheusBackfill::finished, this, [&](const bw::Result<bw::ReplayHistory> &history) {
        results.push_back(history);
        if (!restarted) {
            restarted = true;
            backfill.start(request(true));
        }
    });
    backfill.start(request(true));
    QTRY_COMPARE_WITH_TIMEOUT(results.size(), std::size_t{2}, 30'000);
    QVERIFY(!results[0].ok());
    QVERIFY(results[0].error().contains(u"cancelled"_s));
    QVERIFY2(results[1].ok(), qPrintable(results[1].ok() ? QString() : results[1].error()));
    QCOMPARE(results[1]->stream.size(), m_good + m_failed);
    QTest::qWait(200);
    QCOMPARE(results.size(), std::size_t{2});
}

void TestBackfillIntegration::errors_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("requests");
    QTest::addColumn<QStringList>("mentions");
    const quint16 dead = freeLoopbackPort();
    QTest::newRow("dead Prometheus") << u"http://127.0.0.1:%1"_s.arg(dead) << kRequests
                                     << QStringList{u"127.0.0.1:%1"_s.arg(dead), kRequests, u"refused"_s};
    QTest::newRow("no data") << m_prometheus.base() << u"sum(no_such_requests_total)"_s
                             << QStringList{u"`sum(no_such_requests_total)` returned no data"_s};
    QTest::newRow("bad PromQL") << m_prometheus.base() << u"sum(shop_requests_total"_s
                                << QStringList{u"bad_data"_s, u"sum(shop_requests_total"_s};
}

void TestBackfillIntegration::errors()
{
    QFETCH(QString, url);
    QFETCH(QString, requests);
    QFETCH(QStringList, mentions);
    bw::BackfillRequest r = request(true);
    r.server.url = QUrl(url);
    r.requestsQuery = requests;
    const auto history = backfill(r);
    QVERIFY(!history.ok());
    for (const QString &mention : mentions)
        QVERIFY2(history.error().contains(mention), qPrintable(history.error()));
}

void TestBackfillIntegration::cliSweepAndReplay()
{
    const QStringList source{u"--prometheus"_s, m_prometheus.base(), u"--requests"_s, kRequests, u"--failures"_s,
                             kFailures,         u"--counters"_s,     u"--step"_s,     u"1s"_s,   u"--from"_s,
                             seconds(m_from),   u"--to"_s,           seconds(m_to)};
    QProcess sweep;
    sweep.start(QStringLiteral(BW_CLI_PATH),
                QStringList{u"sweep"_s, u"--preset"_s, u"resilience4j"_s, u"--set"_s, u"slidingWindowSize=20"_s,
                            u"--set"_s, u"minimumNumberOfCalls=10"_s, u"--grid"_s, u"failureRateThreshold=50,70"_s,
                            u"--format"_s, u"csv"_s} +
                    source);
    QVERIFY(sweep.waitForFinished(60'000));
    const QByteArray err = sweep.readAllStandardError();
    QVERIFY2(sweep.exitCode() == 0, err.constData());
    const QList<QByteArray> lines = sweep.readAllStandardOutput().trimmed().split('\n');
    QCOMPARE(lines.size(), 3);
    const QList<QByteArray> header = lines[0].split(',');
    auto field = [&](int row, const char *name) { return lines[row].split(',').value(header.indexOf(name)); };
    for (int row = 1; row <= 2; ++row) {
        QCOMPARE(field(row, "events").toLongLong(), m_good + m_failed);
        QCOMPARE(field(row, "outages"), QByteArray("1"));
    }
    // 60 % failures open a 50 % breaker during the outage, never a 70 % one.
    QCOMPARE(field(1, "outages_detected"), QByteArray("1"));
    QVERIFY(!field(1, "detection_delay_ms_max").isEmpty());
    QCOMPARE(field(2, "outages_detected"), QByteArray("0"));
    QVERIFY(field(2, "detection_delay_ms_max").isEmpty());

    QProcess replay;
    replay.start(QStringLiteral(BW_CLI_PATH), QStringList{u"replay"_s, u"--preset"_s, u"resilience4j"_s} + source);
    QVERIFY(replay.waitForFinished(60'000));
    QCOMPARE(replay.exitCode(), 0);
    const QJsonObject summary = QJsonDocument::fromJson(replay.readAllStandardOutput().trimmed().split('\n').last())
                                    .object()[u"summary"_s]
                                    .toObject();
    QCOMPARE(summary[u"events"_s].toInteger(), m_good + m_failed);
    QCOMPARE(summary[u"outages"_s].toInt(), 1);

    // The server from a configuration's prometheus block.
    QFile config(m_dir.filePath(u"breakerwatch.yml"_s));
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write(u"prometheus:\n  url: %1\nservices:\n  - name: shop\n    health: {url: 'http://127.0.0.1:1/'}\n"_s
                     .arg(m_prometheus.base())
                     .toUtf8());
    config.close();
    QStringList fromConfig = source;
    fromConfig.replace(fromConfig.indexOf(u"--prometheus"_s) + 1, config.fileName());
    fromConfig.replace(fromConfig.indexOf(u"--prometheus"_s), u"--config"_s);
    QProcess configured;
    configured.start(QStringLiteral(BW_CLI_PATH),
                     QStringList{u"replay"_s, u"--preset"_s, u"resilience4j"_s} + fromConfig);
    QVERIFY(configured.waitForFinished(60'000));
    QVERIFY2(configured.exitCode() == 0, configured.readAllStandardError().constData());
    const QJsonObject again = QJsonDocument::fromJson(configured.readAllStandardOutput().trimmed().split('\n').last())
                                  .object()[u"summary"_s]
                                  .toObject();
    QCOMPARE(again[u"events"_s].toInteger(), m_good + m_failed);
}

void TestBackfillIntegration::cliErrors()
{
    QProcess nothing;
    nothing.start(QStringLiteral(BW_CLI_PATH),
                  {u"sweep"_s, u"--preset"_s, u"gobreaker"_s, u"--grid"_s, u"ConsecutiveFailures=3,5"_s,
                   u"--prometheus"_s, m_prometheus.base(), u"--requests"_s, u"sum(no_such_requests_total)"_s,
                   u"--failures"_s, kFailures, u"--from"_s, seconds(m_from), u"--to"_s, seconds(m_to)});
    QVERIFY(nothing.waitForFinished(60'000));
    QCOMPARE(nothing.exitCode(), 1);
    QVERIFY(nothing.readAllStandardOutput().isEmpty());
    QVERIFY(nothing.readAllStandardError().contains("`sum(no_such_requests_total)` returned no data"));
}

QTEST_GUILESS_MAIN(TestBackfillIntegration)
#include "tst_backfillintegration.moc"
