// prometheus.breakers against a real Prometheus (Debian's) that scrapes the demo fleet (several instances per
// service) and two generated pages of 50 and 5,000 Resilience4j breakers; the real breakerwatch-cli asks it.
#include "../support/externalprocess.h"
#include "../support/prometheusrequests.h"

#include "breaker/presetcatalog.h"
#include "demo/demofleet.h"
#include "history/fleethistory.h"
#include "history/historyrecorder.h"
#include "httpserver/httpserver.h"
#include "monitor/fleetmonitor.h"
#include "probe/httpprober.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

// breakerwatch-cli, run without blocking this thread: the demo and the generated pages answer Prometheus meanwhile.
struct CliOutput
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    QList<QJsonObject> objects() const
    {
        QList<QJsonObject> list;
        for (const QByteArray &line : out.split('\n'))
            if (!line.trimmed().isEmpty())
                list << QJsonDocument::fromJson(line).object();
        return list;
    }
};

CliOutput runCli(const QStringList &arguments, int timeoutMs = 60'000)
{
    QProcess process;
    process.start(QStringLiteral(BW_CLI_PATH), arguments);
    CliOutput run;
    if (!process.waitForStarted(10'000))
        return run;
    QElapsedTimer clock;
    clock.start();
    while (process.state() != QProcess::NotRunning && clock.elapsed() < timeoutMs)
        QTest::qWait(20);
    if (process.state() != QProcess::NotRunning) {
        process.kill();
        process.waitForFinished(2000);
    }
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.out = process.readAllStandardOutput();
    run.err = process.readAllStandardError();
    return run;
}

QString key(const QJsonObject &line)
{
    return line[u"service"_s].toString() + u' ' + line[u"instance"_s].toString() + u' ' + line[u"breaker"_s].toString();
}

QString breakerName(int i)
{
    return u"b%1"_s.arg(i, 4, 10, QChar(u'0'));
}

} // namespace

class TestPrometheusFleet final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void discoverListsEveryBreakerTheDirectScrapesFind();
    void theQueryCountIsTheSameForFiftyAndFiveThousandBreakers();
    void serveFollowsStateChangesWithinTwoIntervals();
    void scrollingBackReadsOlderHistoryFromTheServer();
    void aStoppedPrometheusLeavesTheBreakersStaleAndSaysSo(); // stops Prometheus: keep it last
    void cleanupTestCase();

private:
    QByteArray bulkPage(int breakers) const;
    QString writeConfig(const QString &name, const QByteArray &yaml);
    QJsonArray promQuery(const QString &expression);
    double queriesServed(); // prometheus_http_requests_total{handler="/api/v1/query"}, from Prometheus' /metrics

    QTemporaryDir m_dir;
    QElapsedTimer m_clock;
    std::unique_ptr<bw::DemoFleet> m_fleet;
    std::unique_ptr<bw::HttpServer> m_bulk;
    QSet<int> m_openInBulk; // the generated pages' breakers that are open
    QString m_forcedOpenInBulk;
    ExternalServer m_prometheus;
    int m_targets = 0;
    qint64 m_scrapedSinceMs = 0; // every target had been scraped by then
};

// One-hot resilience4j_circuitbreaker_state per breaker, as Micrometer writes it; b0003, b0013, ... are open.
QByteArray TestPrometheusFleet::bulkPage(int breakers) const
{
    static const char *const states[] = {"closed", "open", "half_open", "forced_open", "disabled", "metrics_only"};
    QByteArray page = "# HELP resilience4j_circuitbreaker_state The states of the circuit breaker\n"
                      "# TYPE resilience4j_circuitbreaker_state gauge\n";
    page.reserve(breakers * 6 * 80);
    for (int i = 0; i < breakers; ++i) {
        const QByteArray name = breakerName(i).toLatin1();
        const char *state = m_openInBulk.contains(i) ? "open" : "closed";
        for (const char *s : states)
            page += "resilience4j_circuitbreaker_state{name=\"" + name + "\",state=\"" + s + "\"} " +
                    (qstrcmp(s, state) == 0 ? "1.0\n" : "0.0\n");
    }
    return page;
}

QString TestPrometheusFleet::writeConfig(const QString &name, const QByteArray &yaml)
{
    QFile file(m_dir.filePath(name));
    if (!file.open(QIODevice::WriteOnly))
        return {};
    file.write(yaml);
    return file.fileName();
}

QJsonArray TestPrometheusFleet::promQuery(const QString &expression)
{
    QNetworkAccessManager network;
    QUrl url(m_prometheus.base() + u"/api/v1/query"_s);
    url.setQuery(u"query="_s + QString::fromLatin1(QUrl::toPercentEncoding(expression)));
    QNetworkReply *reply = network.get(QNetworkRequest(url));
    QElapsedTimer wait;
    wait.start();
    while (!reply->isFinished() && wait.elapsed() < 10'000)
        QTest::qWait(10);
    const QJsonArray result = QJsonDocument::fromJson(reply->readAll())[u"data"_s][u"result"_s].toArray();
    delete reply;
    return result;
}

double TestPrometheusFleet::queriesServed()
{
    return prometheusRequestsServed(m_prometheus.base(), u"/api/v1/query"_s);
}

void TestPrometheusFleet::initTestCase()
{
    if (!ExternalServer::available(u"prometheus"_s))
        QSKIP("prometheus is not installed (scripts/test installs it)");
    QVERIFY(m_dir.isValid());
    m_clock.start();
    m_fleet = std::make_unique<bw::DemoFleet>([this] { return m_clock.elapsed() + 30'000; },
                                              QDateTime::currentMSecsSinceEpoch() - 30'000);
    QVERIFY(m_fleet->start({QHostAddress::LocalHost, 0, 3, u"healthy"_s, 1, bw::FleetLayout::Applications}).ok());
    m_openInBulk = {3, 13, 23};
    m_bulk = std::make_unique<bw::HttpServer>();
    for (const int size : {50, 5000})
        m_bulk->route("GET", u"/bulk%1"_s.arg(size), [this, size](const bw::HttpRequest &, bw::HttpResponder r) {
            bw::HttpResponse response = bw::HttpResponse::text(200, bulkPage(size));
            response.contentType = "text/plain; version=0.0.4; charset=utf-8";
            r.send(response);
        });
    QVERIFY(m_bulk->listen(QHostAddress::LocalHost, 0).ok());

    // job = service, instance = the target, as Prometheus labels them; every instance of a service in one job.
    QMap<QString, QStringList> jobs;
    for (const auto &service : m_fleet->services())
        jobs[service->name()] << u"'127.0.0.1:%1'"_s.arg(service->port());
    QByteArray yaml = "global: {scrape_interval: 1s, evaluation_interval: 1s}\nscrape_configs:\n";
    for (auto it = jobs.cbegin(); it != jobs.cend(); ++it) {
        yaml += u"  - {job_name: %1, static_configs: [{targets: [%2]}]}\n"_s.arg(it.key(), it.value().join(u", "_s))
                    .toUtf8();
        m_targets += static_cast<int>(it.value().size());
    }
    for (const int size : {50, 5000})
        yaml += u"  - {job_name: bulk%1, metrics_path: /bulk%1, static_configs: [{targets: ['127.0.0.1:%2']}]}\n"_s
                    .arg(size)
                    .arg(m_bulk->port())
                    .toUtf8();
    m_targets += 2;
    const QString config = writeConfig(u"prometheus.yml"_s, yaml);
    const quint16 port = freeLoopbackPort();
    QVERIFY2(m_prometheus.start(u"prometheus"_s,
                                {u"--config.file="_s + config, u"--storage.tsdb.path="_s + m_dir.filePath(u"tsdb"_s),
                                 u"--web.listen-address=127.0.0.1:%1"_s.arg(port)},
                                port, u"/-/ready"_s),
             m_prometheus.output().constData());
    // Every target scraped once, the 5,000 breakers' page included.
    QTRY_VERIFY_WITH_TIMEOUT(
        [this] {
            const QJsonArray up = promQuery(u"count(up == 1)"_s);
            return !up.isEmpty() && up[0][u"value"_s][1].toString().toInt() == m_targets;
        }(),
        30'000);
    QTRY_VERIFY_WITH_TIMEOUT(
        [this] {
            const QJsonArray n = promQuery(u"count(resilience4j_circuitbreaker_state{job=\"bulk5000\"} == 1)"_s);
            return !n.isEmpty() && n[0][u"value"_s][1].toString() == u"5000"_s;
        }(),
        30'000);
    m_scrapedSinceMs = QDateTime::currentMSecsSinceEpoch();
}

void TestPrometheusFleet::discoverListsEveryBreakerTheDirectScrapesFind()
{
    // What the instances' own /metrics pages show, scraped directly...
    QByteArray direct = "global: {interval: 1s, timeout: 1s}\nservices:\n";
    for (const auto &service : m_fleet->services())
        direct += u"  - {name: %1, metrics: {url: 'http://127.0.0.1:%2/metrics'}}\n"_s.arg(service->name())
                      .arg(service->port())
                      .toUtf8();
    const CliOutput scraped = runCli({u"discover"_s, u"--config"_s, writeConfig(u"direct.yml"_s, direct)});
    QVERIFY2(scraped.exitCode == 0, scraped.err.constData());
    QMap<QString, QJsonObject> expected;
    for (const QJsonObject &line : scraped.objects())
        expected.insert(key(line), line);
    QVERIFY2(expected.size() >= 10, scraped.err.constData()); // three services, 2-4 breakers, 2-3 instances each

    // ...and what the server that scrapes them knows, with nothing but prometheus.breakers configured.
    const QByteArray viaServer =
        u"global: {interval: 1s}\nprometheus: {url: '%1', breakers: {}}\n"_s.arg(m_prometheus.base()).toUtf8();
    const CliOutput asked = runCli({u"discover"_s, u"--config"_s, writeConfig(u"server.yml"_s, viaServer)});
    QVERIFY2(asked.exitCode == 0, asked.err.constData());
    QMap<QString, QJsonObject> found;
    for (const QJsonObject &line : asked.objects())
        found.insert(key(line), line);
    QCOMPARE(found.size(), expected.size() + 5050);
    for (auto it = expected.cbegin(); it != expected.cend(); ++it) {
        QVERIFY2(found.contains(it.key()), qPrintable(it.key()));
        const QJsonObject line = found.value(it.key());
        QCOMPARE(line[u"source"_s].toString(), it.value()[u"source"_s].toString());
        QCOMPARE(line[u"url"_s].toString(), m_prometheus.base());
        if (it.value()[u"source"_s].toString() == u"resilience4j"_s) // opossum's state needs two samples
            QCOMPARE(line[u"state"_s].toString(), it.value()[u"state"_s].toString());
    }
    const QString bulkInstance = u"127.0.0.1:%1"_s.arg(m_bulk->port());
    for (const int i : {0, 3, 4999}) {
        const QString id = u"bulk5000 %1 %2"_s.arg(bulkInstance, breakerName(i));
        QVERIFY2(found.contains(id), qPrintable(id));
        QCOMPARE(found.value(id)[u"state"_s].toString(), i == 3 ? u"open"_s : u"closed"_s);
    }
    QVERIFY2(asked.err.contains("5"), asked.err.constData());
}

void TestPrometheusFleet::theQueryCountIsTheSameForFiftyAndFiveThousandBreakers()
{
    QList<double> queries;
    for (const int size : {50, 5000}) {
        const QByteArray yaml =
            u"global: {interval: 1s}\n"
            "prometheus: {url: '%1', breakers: {selector: '{job=\"bulk%2\"}'}}\n"_s.arg(m_prometheus.base())
                .arg(size)
                .toUtf8();
        const double before = queriesServed();
        const CliOutput asked = runCli({u"discover"_s, u"--config"_s, writeConfig(u"bulk%1.yml"_s.arg(size), yaml)});
        const double after = queriesServed();
        QVERIFY2(asked.exitCode == 0, asked.err.constData());
        QCOMPARE(asked.objects().size(), size);
        queries << after - before;
    }
    qInfo("instant queries for one interval: %g with 50 breakers, %g with 5,000", queries[0], queries[1]);
    QCOMPARE(queries[0], queries[1]);
    QCOMPARE(queries[0], 6.0); // one per metric family (PrometheusFleetReader::queries)
}

void TestPrometheusFleet::serveFollowsStateChangesWithinTwoIntervals()
{
    // A breaker that opened before serve started: serve reads it back from the server's history first.
    // The server has seen it closed for a while (at least 8 s), then open.
    const qint64 closedFor = QDateTime::currentMSecsSinceEpoch() - m_scrapedSinceMs;
    if (closedFor < 8000)
        QTest::qWait(static_cast<int>(8000 - closedFor));
    m_openInBulk.insert(11);
    QTRY_VERIFY_WITH_TIMEOUT(
        !promQuery(u"resilience4j_circuitbreaker_state{job=\"bulk50\",name=\"b0011\",state=\"open\"} == 1"_s).isEmpty(),
        10'000);
    QTest::qWait(2500); // more samples of the server, open
    // A span that starts 1 s after the server's first scrape: closed at its start, then open (serve's start-up,
    // however slow, moves the span's end and start later, still before the change while it takes under 7 s).
    const qint64 historyMs = QDateTime::currentMSecsSinceEpoch() - m_scrapedSinceMs - 1000;
    const QByteArray yaml =
        u"global: {interval: 1s}\nprometheus: {url: '%1', breakers: {interval: 1s, history: %2ms}}\n"_s
            .arg(m_prometheus.base())
            .arg(historyMs)
            .toUtf8();
    QProcess serve;
    serve.start(QStringLiteral(BW_CLI_PATH), {u"serve"_s, u"--config"_s, writeConfig(u"serve.yml"_s, yaml),
                                              u"--data-dir"_s, m_dir.filePath(u"serve-data"_s)});
    QVERIFY(serve.waitForStarted());
    QByteArray out;
    const auto lineWith = [&](const QList<QByteArray> &parts) {
        out += serve.readAllStandardOutput();
        for (const QByteArray &line : out.split('\n')) {
            bool all = true;
            for (const QByteArray &part : parts)
                all = all && line.contains(part);
            if (all && !parts.isEmpty())
                return true;
        }
        return false;
    };
    QTRY_VERIFY2_WITH_TIMEOUT(lineWith({"\"event\":\"prometheus_ok\"", "\"breakers\":"}), out.constData(), 20'000);
    // The history follows the first answer.
    QTRY_VERIFY2_WITH_TIMEOUT(lineWith({"\"event\":\"transition\"", "\"origin\":\"real\"", "\"breaker\":\"b0011\"",
                                        "\"from\":\"closed\"", "\"to\":\"open\"", "\"between_scrapes\":true"}),
                              out.right(2000).constData(), 10'000);
    m_openInBulk.remove(11);

    // A breaker on the generated page opens: Prometheus scrapes it within 1 s, Breakerwatch asks within 1 s more.
    m_openInBulk.insert(7);
    QElapsedTimer followed;
    followed.start();
    QTRY_VERIFY2_WITH_TIMEOUT(lineWith({"\"event\":\"transition\"", "\"origin\":\"real\"", "\"service\":\"bulk50\"",
                                        "\"breaker\":\"b0007\"", "\"to\":\"open\""}),
                              out.constData(), 10'000);
    const qint64 bulkMs = followed.elapsed();
    // A demo instance's breaker forced open through its actuator, as an operator would.
    const auto &checkout = m_fleet->instancesOf(u"checkout"_s);
    QVERIFY(!checkout.empty());
    const QString name = checkout.front()->breakers().front().name();
    QNetworkAccessManager network;
    QNetworkRequest force(checkout.front()->baseUrl().resolved(QUrl(u"/actuator/circuitbreakers/"_s + name)));
    force.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
    QNetworkReply *reply = network.post(force, R"({"updateState":"FORCE_OPEN"})");
    QTRY_VERIFY(reply->isFinished());
    QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
    delete reply;
    followed.restart();
    QTRY_VERIFY2_WITH_TIMEOUT(
        lineWith({"\"event\":\"transition\"", "\"origin\":\"real\"", "\"service\":\"checkout\"",
                  "\"instance\":\"127.0.0.1:" + QByteArray::number(checkout.front()->port()) + '"',
                  "\"breaker\":\"" + name.toUtf8() + '"', "\"to\":\"forced-open\""}),
        out.constData(), 10'000);
    const qint64 demoMs = followed.elapsed();
    qInfo("followed within %lld ms (generated page) and %lld ms (demo instance)", bulkMs, demoMs);
    // One scrape interval plus one Breakerwatch interval, plus the time to answer, parse and print.
    QVERIFY2(bulkMs < 3000 && demoMs < 3000, qPrintable(u"%1 ms, %2 ms"_s.arg(bulkMs).arg(demoMs)));
    m_openInBulk.remove(7);
    serve.terminate();
    QVERIFY(serve.waitForFinished(10'000));
}

// A second real Prometheus holding three hours of one breaker's states, backfilled with promtool: `ledger` was open
// from 50 to 40 minutes ago. The monitor reads 10 minutes at start; the timeline scrolled back two hours asks the
// server for the rest, and the open lands on the timeline, marked as seen between two samples.
void TestPrometheusFleet::scrollingBackReadsOlderHistoryFromTheServer()
{
    if (!ExternalServer::available(u"promtool"_s))
        QSKIP("promtool is not installed (it comes with Debian's prometheus package)");
    constexpr qint64 kStep = 15;
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const qint64 openedAt = now - 50 * 60;
    const qint64 closedAt = now - 40 * 60;
    QByteArray samples = "# TYPE ledger_circuit_breaker_state gauge\n";
    for (qint64 t = now - 3 * 3600; t <= now + 900; t += kStep)
        samples += "ledger_circuit_breaker_state{job=\"past\",instance=\"10.9.9.9:8080\",name=\"ledger\"} " +
                   QByteArray(t >= openedAt && t < closedAt ? "1" : "0") + ' ' + QByteArray::number(t) + '\n';
    // opossum's counter for `billing` on the same instance: opened and closed at the same times.
    samples += "# TYPE circuit unknown\n";
    for (const auto &[event, at] :
         {std::pair{"open", openedAt}, std::pair{"close", closedAt}, std::pair{"failure", openedAt}})
        for (qint64 t = now - 3 * 3600; t <= now + 900; t += kStep)
            samples += "circuit{job=\"past\",instance=\"10.9.9.9:8080\",name=\"billing\",event=\"" + QByteArray(event) +
                       "\"} " + QByteArray(t >= at ? (qstrcmp(event, "failure") == 0 ? "10" : "1") : "0") + ' ' +
                       QByteArray::number(t) + '\n';
    samples += "# EOF\n";
    const QString tsdb = m_dir.filePath(u"past-tsdb"_s);
    QProcess promtool;
    promtool.setProcessChannelMode(QProcess::MergedChannels);
    promtool.start(u"promtool"_s,
                   {u"tsdb"_s, u"create-blocks-from"_s, u"openmetrics"_s, writeConfig(u"past.om"_s, samples), tsdb});
    QVERIFY(promtool.waitForFinished(60'000));
    QVERIFY2(promtool.exitCode() == 0, promtool.readAll().constData());
    ExternalServer server;
    const quint16 port = freeLoopbackPort();
    QVERIFY2(server.start(u"prometheus"_s,
                          {u"--config.file="_s + writeConfig(u"past.yml"_s, "global: {scrape_interval: 15s}\n"),
                           u"--storage.tsdb.path="_s + tsdb, u"--storage.tsdb.retention.time=30d"_s,
                           u"--web.listen-address=127.0.0.1:%1"_s.arg(port)},
                          port, u"/-/ready"_s),
             server.output().constData());

    QNetworkAccessManager network;
    bw::HttpProber prober(&network);
    bw::Config config;
    config.global.intervalMs = 1000;
    config.global.timeoutMs = 5000;
    bw::PrometheusServerConfig prometheus;
    prometheus.url = QUrl(server.base());
    prometheus.timeoutMs = 30'000;
    prometheus.breakers = bw::PrometheusBreakersConfig{};
    prometheus.breakers->policy = *bw::PresetCatalog().build(u"resilience4j");
    prometheus.breakers->historyMs = 600'000;
    config.prometheus = prometheus;
    bw::FleetMonitor monitor(&prober, [] { return QDateTime::currentMSecsSinceEpoch(); });
    bw::FleetHistory display;
    const bw::HistoryRecorder recorder(&monitor, &display);
    monitor.setConfig(config);
    monitor.start();
    const auto status = [&] { return *monitor.prometheusStatus(); };
    const bw::BreakerId ledger{u"past"_s, u"10.9.9.9:8080"_s, u"ledger"_s};
    QTRY_VERIFY_WITH_TIMEOUT(monitor.contains(ledger) && status().historyFromMs > 0 && !status().historyReading,
                             30'000);
    const qint64 firstFrom = status().historyFromMs;
    QVERIFY2(std::abs(firstFrom - (now * 1000 - 600'000)) < 60'000, qPrintable(QString::number(firstFrom)));
    const bw::TrackHistory &track = display.service(recorder.rowOf(ledger)).track(bw::TrackKind::Observed);
    QVERIFY(!track.runAt(openedAt * 1000 + 60'000)); // not read yet: before what the track holds

    const double rangesBefore = prometheusRequestsServed(server.base(), u"/api/v1/query_range"_s);
    monitor.readServerHistoryFrom(now * 1000 - 2 * 3'600'000);
    QTRY_VERIFY_WITH_TIMEOUT(!status().historyReading && status().historyFromMs < firstFrom, 30'000);
    QVERIFY(std::abs(status().historyFromMs - (now * 1000 - 2 * 3'600'000)) < 60'000);
    const auto historyQueries = bw::PrometheusHistory::queries({}, 1000);
    const auto rangeQueries =
        std::count_if(historyQueries.begin(), historyQueries.end(), [](const auto &q) { return q.range; });
    QCOMPARE(prometheusRequestsServed(server.base(), u"/api/v1/query_range"_s) - rangesBefore,
             double(rangeQueries * bw::PrometheusBreakerSource::kHistoryQueryPieces));
    QVERIFY(status().health == bw::PrometheusSourceStatus::Health::Ok);

    const auto opened = track.runAt(openedAt * 1000 + 60'000);
    QVERIFY(opened);
    QCOMPARE(opened->state, bw::BreakerState::Open);
    const std::int64_t step = bw::PrometheusHistory::stepFor(firstFrom - status().historyFromMs, 1000);
    QVERIFY2(opened->start >= openedAt * 1000 && opened->start <= openedAt * 1000 + step + kStep * 1000,
             qPrintable(u"%1 s after the open"_s.arg((opened->start - openedAt * 1000) / 1000)));
    QCOMPARE(display.service(recorder.rowOf(ledger)).reasonText(opened->reason), bw::kBetweenScrapesReason.toString());
    const auto before = track.runAt(openedAt * 1000 - 10 * 60'000);
    QVERIFY(before);
    QCOMPARE(before->state, bw::BreakerState::Closed);
    const auto after = track.runAt(closedAt * 1000 + 5 * 60'000);
    QVERIFY(after);
    QCOMPARE(after->state, bw::BreakerState::Closed);
    QCOMPARE(*track.currentState(), bw::BreakerState::Closed);

    // The same from opossum's counters, replayed as scrapes one step apart.
    const bw::BreakerId billing{u"past"_s, u"10.9.9.9:8080"_s, u"billing"_s};
    QVERIFY(monitor.contains(billing));
    const bw::TrackHistory &counted = display.service(recorder.rowOf(billing)).track(bw::TrackKind::Observed);
    const auto counterOpen = counted.runAt(openedAt * 1000 + 60'000);
    QVERIFY(counterOpen);
    QCOMPARE(counterOpen->state, bw::BreakerState::Open);
    QVERIFY2(counterOpen->start > openedAt * 1000 - step && counterOpen->start <= openedAt * 1000 + step + kStep * 1000,
             qPrintable(u"%1 s after the open"_s.arg((counterOpen->start - openedAt * 1000) / 1000)));
    QCOMPARE(counted.runAt(openedAt * 1000 - 10 * 60'000)->state, bw::BreakerState::Closed);
    QCOMPARE(counted.runAt(closedAt * 1000 + 5 * 60'000)->state, bw::BreakerState::Closed);
    monitor.stop();
}

void TestPrometheusFleet::aStoppedPrometheusLeavesTheBreakersStaleAndSaysSo()
{
    const QByteArray yaml =
        u"global: {interval: 1s, timeout: 1s}\n"
        "prometheus: {url: '%1', breakers: {selector: '{job=\"bulk50\"}'}}\n"_s.arg(m_prometheus.base())
            .toUtf8();
    const QString config = writeConfig(u"stopped.yml"_s, yaml);
    QProcess serve;
    serve.start(QStringLiteral(BW_CLI_PATH),
                {u"serve"_s, u"--config"_s, config, u"--data-dir"_s, m_dir.filePath(u"stopped-data"_s)});
    QVERIFY(serve.waitForStarted());
    QByteArray out;
    QTRY_VERIFY_WITH_TIMEOUT((out += serve.readAllStandardOutput()).contains("\"event\":\"prometheus_ok\""), 20'000);

    m_prometheus.stop();
    QTRY_VERIFY2_WITH_TIMEOUT((out += serve.readAllStandardOutput()).contains("\"event\":\"prometheus_down\""),
                              out.constData(), 10'000);
    const QByteArray down = out.mid(out.indexOf("\"event\":\"prometheus_down\""));
    QVERIFY2(down.contains("\"error\":") && down.contains("refused"), down.constData());
    QCOMPARE(serve.state(), QProcess::Running); // nothing else stops
    serve.terminate();
    QVERIFY(serve.waitForFinished(10'000));

    // discover says which server did not answer, and fails.
    const CliOutput asked = runCli({u"discover"_s, u"--config"_s, config});
    QCOMPARE(asked.exitCode, 1);
    QVERIFY2(asked.err.contains(m_prometheus.base().toUtf8()) && asked.err.contains("refused"), asked.err.constData());
}

void TestPrometheusFleet::cleanupTestCase()
{
    m_prometheus.stop();
    m_bulk.reset();
    m_fleet.reset();
}

QTEST_GUILESS_MAIN(TestPrometheusFleet)
#include "tst_prometheusfleet.moc"
