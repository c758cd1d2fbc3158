// A real Prometheus and node exporter (Debian packages) on free loopback ports.
#include "../support/externalprocess.h"
#include "../support/prometheusrequests.h"

#include "probe/httpprober.h"
#include "prometheus/expositionparser.h"
#include "prometheus/prometheusclient.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QTest>

using namespace Qt::StringLiterals;

class TestPrometheusIntegration final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void instantQuerySeesTheTarget();
    void longRangeIsSplitAndMerged();
    void rangeAskedInPiecesIsTheSame();
    void errorsComeBackAsMessages();
    void cliQuery();
    void ourParserAgreesWithPrometheus();
    void cleanupTestCase();

private:
    bw::Result<bw::PromQueryResult> run(const std::function<void(bw::PrometheusClient::Callback)> &call);

    QTemporaryDir m_dir;
    ExternalServer m_nodeExporter;
    ExternalServer m_prometheus;
    QNetworkAccessManager m_network;
    std::unique_ptr<bw::HttpProber> m_prober;
    std::unique_ptr<bw::PrometheusClient> m_client;
};

void TestPrometheusIntegration::initTestCase()
{
    if (!ExternalServer::available(u"prometheus"_s) || !ExternalServer::available(u"prometheus-node-exporter"_s))
        QSKIP("prometheus / prometheus-node-exporter are not installed (scripts/test installs them)");
    QVERIFY(m_dir.isValid());
    const quint16 nodePort = freeLoopbackPort();
    QVERIFY(
        m_nodeExporter.start(u"prometheus-node-exporter"_s,
                             {u"--web.listen-address=127.0.0.1:%1"_s.arg(nodePort), u"--collector.disable-defaults"_s,
                              u"--collector.cpu"_s, u"--collector.meminfo"_s, u"--collector.loadavg"_s},
                             nodePort, u"/metrics"_s));
    QFile config(m_dir.filePath(u"prometheus.yml"_s));
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write(u"global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
                 "scrape_configs:\n"
                 "  - job_name: node\n"
                 "    static_configs: [{targets: ['127.0.0.1:%1']}]\n"_s.arg(nodePort)
                     .toUtf8());
    config.close();
    const quint16 promPort = freeLoopbackPort();
    QVERIFY2(m_prometheus.start(u"prometheus"_s,
                                {u"--config.file="_s + config.fileName(),
                                 u"--storage.tsdb.path="_s + m_dir.filePath(u"data"_s),
                                 u"--web.listen-address=127.0.0.1:%1"_s.arg(promPort)},
                                promPort, u"/-/ready"_s),
             m_prometheus.output().constData());
    m_prober = std::make_unique<bw::HttpProber>(&m_network);
    bw::PrometheusServerConfig server;
    server.url = QUrl(m_prometheus.base());
    m_client = std::make_unique<bw::PrometheusClient>(m_prober.get(), server);
}

bw::Result<bw::PromQueryResult>
TestPrometheusIntegration::run(const std::function<void(bw::PrometheusClient::Callback)> &call)
{
    std::optional<bw::Result<bw::PromQueryResult>> result;
    call([&result](const bw::Result<bw::PromQueryResult> &r) { result = r; });
    [&] { QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), 30'000); }();
    return result.value_or(bw::Error{u"no answer"_s});
}

void TestPrometheusIntegration::instantQuerySeesTheTarget()
{
    // Scraped every second: wait for the first successful scrape.
    bool up = false;
    for (int attempt = 0; attempt < 60 && !up; ++attempt) {
        const auto result = run([this](auto done) { m_client->query(u"up{job=\"node\"}"_s, std::nullopt, done); });
        QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error()));
        up = !result->series.empty() && result->series[0].points[0].second == 1.0;
        if (!up)
            QTest::qWait(500);
    }
    QVERIFY(up);
}

void TestPrometheusIntegration::longRangeIsSplitAndMerged()
{
    // 1 ms steps over 25 s: 25,001 points per series, which Prometheus refuses in one query.
    // vector(1) has a value at every step, so the merged count is exact.
    const std::int64_t end = QDateTime::currentMSecsSinceEpoch();
    const std::int64_t start = end - 25'000;
    const auto result = run([&](auto done) { m_client->queryRange(u"vector(1)"_s, start, end, 1, done); });
    QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error()));
    QCOMPARE(result->series.size(), std::size_t{1});
    const auto &points = result->series[0].points;
    QCOMPARE(points.size(), std::size_t{25'001});
    QCOMPARE(points.front().first, start);
    QCOMPARE(points.back().first, end);
    for (std::size_t i = 1; i < points.size(); ++i)
        QVERIFY(points[i].first > points[i - 1].first); // merged in order, nothing twice
}

// A range asked as 4 pieces at once: 4 requests on the server's own counter, and the same answer as in one piece,
// in order and nothing twice. A failing expression answers once, not once per piece.
void TestPrometheusIntegration::rangeAskedInPiecesIsTheSame()
{
    auto rangeRequests = [this] { return prometheusRequestsServed(m_prometheus.base(), u"/api/v1/query_range"_s); };
    const std::int64_t end = QDateTime::currentMSecsSinceEpoch() / 1000 * 1000;
    const std::int64_t start = end - 999 * 10;
    const QString expression = u"vector(time())"_s;
    const double before = rangeRequests();
    const auto whole = run([&](auto done) { m_client->queryRange(expression, start, end, 10, done); });
    QVERIFY2(whole.ok(), qPrintable(whole.ok() ? QString() : whole.error()));
    const double afterWhole = rangeRequests();
    const auto pieces = run([&](auto done) { m_client->queryRange(expression, start, end, 10, done, 4); });
    QVERIFY2(pieces.ok(), qPrintable(pieces.ok() ? QString() : pieces.error()));
    const double afterPieces = rangeRequests();
    QCOMPARE(afterWhole - before, 1.0);
    QCOMPARE(afterPieces - afterWhole, 4.0);
    QCOMPARE(pieces->series.size(), std::size_t{1});
    QCOMPARE(pieces->series[0].points.size(), std::size_t{1000});
    QCOMPARE(pieces->series[0].points, whole->series[0].points);
    QCOMPARE(pieces->series[0].points.front().first, start);
    QCOMPARE(pieces->series[0].points.back().first, end);

    int answers = 0;
    QString error;
    m_client->queryRange(
        u"rate("_s, start, end, 10,
        [&](const bw::Result<bw::PromQueryResult> &r) {
            ++answers;
            error = r.ok() ? QString() : r.error();
        },
        4);
    QTRY_COMPARE_WITH_TIMEOUT(answers, 1, 30'000);
    QVERIFY2(error.contains(u"bad_data (HTTP 400)"_s), qPrintable(error));
    QTRY_VERIFY_WITH_TIMEOUT(rangeRequests() - afterPieces >= 4.0, 30'000); // every piece was asked and answered
    QCOMPARE(answers, 1);
}

void TestPrometheusIntegration::errorsComeBackAsMessages()
{
    const auto bad = run([this](auto done) { m_client->query(u"up{"_s, std::nullopt, done); });
    QVERIFY(!bad.ok());
    QVERIFY2(bad.error().contains(u"bad_data (HTTP 400)"_s), qPrintable(bad.error()));
}

void TestPrometheusIntegration::cliQuery()
{
    QProcess cli;
    cli.start(QStringLiteral(BW_CLI_PATH), {u"query"_s, u"up{job=\"node\"}"_s, u"--prometheus"_s, m_prometheus.base()});
    QVERIFY(cli.waitForFinished(30'000));
    QCOMPARE(cli.exitCode(), 0);
    const QJsonObject series = QJsonDocument::fromJson(cli.readAllStandardOutput().split('\n').first()).object();
    QCOMPARE(series[u"metric"_s].toObject()[u"job"_s].toString(), u"node"_s);
    QCOMPARE(series[u"points"_s].toArray().first().toArray().at(1).toDouble(), 1.0);

    QProcess bad;
    bad.start(QStringLiteral(BW_CLI_PATH), {u"query"_s, u"rate("_s, u"--prometheus"_s, m_prometheus.base()});
    QVERIFY(bad.waitForFinished(30'000));
    QCOMPARE(bad.exitCode(), 1);
    QVERIFY(bad.readAllStandardError().contains("bad_data (HTTP 400)"));
}

void TestPrometheusIntegration::ourParserAgreesWithPrometheus()
{
    // Scrape node exporter with our prober and parser; ask Prometheus what it stored from its own scrape.
    std::optional<bw::ProbeResult> scrape;
    bw::ProbeRequest request;
    request.url = QUrl(m_nodeExporter.base() + u"/metrics"_s);
    m_prober->probe(request, 0, [&scrape](const bw::ProbeResult &r) { scrape = r; });
    QTRY_VERIFY_WITH_TIMEOUT(scrape.has_value(), 10'000);
    QVERIFY(scrape->ok());
    bw::ParseOptions options;
    options.contentType = scrape->contentType;
    const auto page = bw::ExpositionParser::parse(scrape->body, options);
    QVERIFY2(page.ok(), qPrintable(page.ok() ? QString() : page.error()));

    auto ours = [&page](const QByteArray &name) {
        QMap<QString, double> series; // labels -> value
        for (const bw::MetricSample &sample : page->samples) {
            if (sample.name != name)
                continue;
            QStringList labels;
            for (const auto &[key, value] : sample.labels)
                labels << QString::fromUtf8(key + '=' + value);
            labels.sort();
            series.insert(labels.join(u','), sample.value);
        }
        return series;
    };
    auto theirs = [this](const QString &name) {
        QMap<QString, double> series;
        const auto result = run([&](auto done) { m_client->query(name + u"{job=\"node\"}"_s, std::nullopt, done); });
        if (!result)
            return series;
        for (const bw::PromSeries &s : result->series) {
            QStringList labels;
            for (auto it = s.metric.cbegin(); it != s.metric.cend(); ++it) {
                if (it.key() != u"__name__" && it.key() != u"job" && it.key() != u"instance")
                    labels << it.key() + u'=' + it.value();
            }
            labels.sort();
            series.insert(labels.join(u','), s.points.front().second);
        }
        return series;
    };
    // Same series (label sets) for every family we compare; same values where they do not move.
    for (const char *name : {"node_cpu_seconds_total", "node_memory_MemTotal_bytes", "node_exporter_build_info",
                             "node_scrape_collector_success", "go_info"}) {
        const QMap<QString, double> a = ours(name);
        const QMap<QString, double> b = theirs(QString::fromLatin1(name));
        QVERIFY2(!a.isEmpty(), name);
        QCOMPARE(a.keys(), b.keys());
        if (QByteArrayView(name) != "node_cpu_seconds_total")
            QCOMPARE(a, b);
    }
}

void TestPrometheusIntegration::cleanupTestCase()
{
    m_client.reset();
    m_prober.reset();
    m_prometheus.stop();
    m_nodeExporter.stop();
}

QTEST_GUILESS_MAIN(TestPrometheusIntegration)
#include "tst_prometheusintegration.moc"
