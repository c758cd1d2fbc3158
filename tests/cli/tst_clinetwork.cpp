// probe, check-config and discover through the real binary, against loopback servers.
#include "../support/faultserver.h"
#include "cliprocess.h"

#include "config/configloader.h"
#include "httpserver/httpserver.h"
#include "monitor/fleetmonitor.h"
#include "probe/httpprober.h"

#include <QNetworkAccessManager>
#include <QSet>

#include <QElapsedTimer>
#include <QTemporaryDir>

using namespace Qt::StringLiterals;

namespace {

// Runs the CLI while this thread keeps serving the fault server.
CliRun runCliServing(const QStringList &arguments)
{
    QProcess process;
    process.start(QStringLiteral(BW_CLI_PATH), arguments);
    process.closeWriteChannel();
    QElapsedTimer clock;
    clock.start();
    while (process.state() != QProcess::NotRunning && clock.elapsed() < 20'000)
        QTest::qWait(10);
    return {process.exitCode(), process.readAllStandardOutput(), process.readAllStandardError()};
}

} // namespace

class TestCliNetwork final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void probeSuccess();
    void probeClassifiesFailures();
    void probeRejectsBadUrls();
    void checkConfig();
    void discoverListsEveryBreaker();
};

void TestCliNetwork::probeSuccess()
{
    FaultServer server;
    const CliRun run = runCliServing({u"probe"_s, server.base() + u"/ok"_s});
    QCOMPARE(run.exitCode, 0);
    const QJsonObject result = QJsonDocument::fromJson(run.out).object();
    QCOMPARE(result[u"outcome"_s].toString(), u"success"_s);
    QCOMPARE(result[u"http_status"_s].toInt(), 200);
    QCOMPARE(result[u"bytes"_s].toInt(), 2);
    QVERIFY(result[u"timings"_s].toObject()[u"total_ms"_s].toDouble() > 0);
}

void TestCliNetwork::probeClassifiesFailures()
{
    FaultServer server;
    const CliRun status = runCliServing({u"probe"_s, server.base() + u"/status/503"_s});
    QCOMPARE(status.exitCode, 1);
    QCOMPARE(QJsonDocument::fromJson(status.out).object()[u"outcome"_s].toString(), u"http_status"_s);
    const CliRun silent = runCliServing({u"probe"_s, server.base() + u"/silent"_s, u"--timeout"_s, u"500ms"_s});
    QCOMPARE(silent.exitCode, 1);
    QCOMPARE(QJsonDocument::fromJson(silent.out).object()[u"outcome"_s].toString(), u"timeout"_s);
    QVERIFY(silent.err.isEmpty());
}

void TestCliNetwork::probeRejectsBadUrls()
{
    const CliRun run = runCliServing({u"probe"_s, u"localhost:80"_s});
    QCOMPARE(run.exitCode, 2);
    QVERIFY(run.err.contains("is not an absolute http:// or https:// URL"));
}

void TestCliNetwork::checkConfig()
{
    QTemporaryDir dir;
    QFile good(dir.filePath(u"good.yml"_s));
    QVERIFY(good.open(QIODevice::WriteOnly));
    good.write("services:\n  - name: api\n    health: {url: 'http://127.0.0.1:1/health'}\n");
    good.close();
    const CliRun ok = runCliServing({u"check-config"_s, good.fileName()});
    QCOMPARE(ok.exitCode, 0);
    QVERIFY(ok.out.contains("ok, 1 services"));
    QVERIFY(ok.out.contains("api [resilience4j]: health http://127.0.0.1:1/health"));

    QFile bad(dir.filePath(u"bad.yml"_s));
    QVERIFY(bad.open(QIODevice::WriteOnly));
    bad.write("services:\n  - name: api\n    health: {url: 'http://127.0.0.1:1/health', timeout: soon}\n");
    bad.close();
    const CliRun broken = runCliServing({u"check-config"_s, bad.fileName()});
    QCOMPARE(broken.exitCode, 1);
    QVERIFY2(broken.err.contains("bad.yml:3:57: timeout: invalid duration \"soon\""), broken.err.constData());
}

// Three shapes of application on loopback (Resilience4j metrics + actuator, opossum counters, the seed's status
// page), two instances of one: discover prints one line per breaker with the four fields, the same breakers the
// monitor behind the GUI and serve finds; a dead instance is named on stderr and the exit code says so.
void TestCliNetwork::discoverListsEveryBreaker()
{
    bw::HttpServer spring1;
    bw::HttpServer spring2;
    for (bw::HttpServer *server : {&spring1, &spring2}) {
        server->route("GET", u"/actuator/prometheus"_s, [](const bw::HttpRequest &, bw::HttpResponder r) {
            r.send(bw::HttpResponse::text(
                200, "resilience4j_circuitbreaker_state{name=\"paymentGateway\",state=\"closed\"} 1\n"
                     "resilience4j_circuitbreaker_state{name=\"inventoryClient\",state=\"open\"} 1\n"));
        });
        server->route("GET", u"/actuator/circuitbreakers"_s, [](const bw::HttpRequest &, bw::HttpResponder r) {
            r.send(bw::HttpResponse::json(
                200, R"({"circuitBreakers":{"paymentGateway":{"failureRateThreshold":"50.0%","state":"CLOSED"},)"
                     R"("inventoryClient":{"failureRateThreshold":"30.0%","state":"OPEN"},)"
                     R"("fraudCheck":{"failureRateThreshold":"50.0%","state":"HALF_OPEN"}}})"));
        });
        QVERIFY(server->listen(QHostAddress::LocalHost, 0).ok());
    }
    bw::HttpServer node;
    node.route("GET", u"/metrics"_s, [](const bw::HttpRequest &, bw::HttpResponder r) {
        r.send(bw::HttpResponse::text(
            200, "circuit{name=\"db\",event=\"fire\"} 9\ncircuit{name=\"db\",event=\"success\"} 9\n"
                 "circuit{name=\"cache\",event=\"open\"} 1\n"));
    });
    node.route("GET", u"/health/circuit-breakers"_s, [](const bw::HttpRequest &, bw::HttpResponder r) {
        r.send(bw::HttpResponse::json(
            200, R"({"circuit_breakers":{"https://api.example.com":{"state":"closed","failure_count":0,)"
                 R"("success_count":0,"last_failure_time":null,"failure_threshold":5,"recovery_timeout":60}}})"));
    });
    QVERIFY(node.listen(QHostAddress::LocalHost, 0).ok());

    QTemporaryDir dir;
    const auto writeConfig = [&](bool withDead) {
        QString yaml =
            u"global: {interval: 5s, timeout: 2s}\nscrape_configs:\n  - job_name: orders\n"
            u"    metrics_path: /actuator/prometheus\n"
            u"    static_configs: [{targets: ['127.0.0.1:%1', '127.0.0.1:%2']}]\n"
            u"services:\n"
            u"  - name: orders-actuator\n    actuator: {url: 'http://127.0.0.1:%1/actuator/circuitbreakers'}\n"
            u"  - name: node-api\n    metrics: {url: 'http://127.0.0.1:%3/metrics'}\n"
            u"    health: {url: 'http://127.0.0.1:%3/health/circuit-breakers', format: circuit-breakers}\n"_s
                .arg(spring1.port())
                .arg(spring2.port())
                .arg(node.port());
        if (withDead)
            yaml += u"  - name: gone\n    metrics: {url: 'http://127.0.0.1:1/metrics'}\n"_s;
        QFile file(dir.filePath(u"bw.yml"_s));
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(yaml.toUtf8());
    };
    writeConfig(false);
    const CliRun run = runCliServing({u"discover"_s, u"--config"_s, dir.filePath(u"bw.yml"_s)});
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QSet<QString> found;
    for (const QJsonObject &line : run.objects()) {
        for (const char *field : {"service", "instance", "breaker", "source", "state", "stale", "url"})
            QVERIFY2(line.contains(QLatin1String(field)), field);
        found << u"%1 %2 %3 %4 %5"_s.arg(line[u"service"_s].toString(), line[u"instance"_s].toString(),
                                         line[u"breaker"_s].toString(), line[u"source"_s].toString(),
                                         line[u"state"_s].toString());
    }
    const QString i1 = u"127.0.0.1:%1"_s.arg(spring1.port());
    const QString i2 = u"127.0.0.1:%1"_s.arg(spring2.port());
    const QString n = u"127.0.0.1:%1"_s.arg(node.port());
    const QSet<QString> expected{
        u"orders %1 inventoryClient resilience4j open"_s.arg(i1),
        u"orders %1 paymentGateway resilience4j closed"_s.arg(i1),
        u"orders %1 inventoryClient resilience4j open"_s.arg(i2),
        u"orders %1 paymentGateway resilience4j closed"_s.arg(i2),
        u"orders-actuator %1 fraudCheck actuator half-open"_s.arg(i1),
        u"orders-actuator %1 inventoryClient actuator open"_s.arg(i1),
        u"orders-actuator %1 paymentGateway actuator closed"_s.arg(i1),
        u"node-api %1 cache opossum open"_s.arg(n),
        u"node-api %1 db opossum closed"_s.arg(n),
        u"node-api %1 https://api.example.com status-page closed"_s.arg(n),
    };
    QCOMPARE(found, expected);
    QVERIFY2(run.err.contains("10 breakers found on 4 instances"), run.err.constData());
    // The actuator's settings come along.
    QVERIFY(run.out.contains("\"settings\":{\"failureRateThreshold\":\"30.0%\"}"));

    // The monitor that the GUI and serve are built on finds the same breakers for the same file.
    const bw::PresetCatalog catalog;
    const auto config = bw::ConfigLoader(catalog).loadFile(dir.filePath(u"bw.yml"_s));
    QVERIFY(config.ok());
    QNetworkAccessManager network;
    bw::HttpProber prober(&network);
    QElapsedTimer clock;
    clock.start();
    bw::FleetMonitor monitor(&prober, [&clock] { return clock.elapsed(); });
    monitor.setConfig(*config);
    monitor.start();
    monitor.pollAllNow();
    QTRY_COMPARE(monitor.breakerCount(),
                 10 + 3); // and the health breakers of the instances polled for health or metrics
    QSet<QString> monitored;
    for (const bw::BreakerId &id : monitor.breakers()) {
        if (id.isHealth())
            continue;
        const bw::BreakerStatus s = monitor.status(id);
        monitored << u"%1 %2 %3 %4 %5"_s.arg(id.service, id.instance, id.breaker, bw::sourceName(s.source),
                                             bw::stateName(*s.observedState));
    }
    QCOMPARE(monitored, expected);
    monitor.stop();

    // A dead instance: named on stderr, the others still listed, exit code 1.
    writeConfig(true);
    const CliRun dead = runCliServing({u"discover"_s, u"--config"_s, dir.filePath(u"bw.yml"_s)});
    QCOMPARE(dead.exitCode, 1);
    QCOMPARE(dead.lines().size(), 10);
    QVERIFY2(dead.err.contains("gone 127.0.0.1:1 metrics:"), dead.err.constData());
}

QTEST_GUILESS_MAIN(TestCliNetwork)
#include "tst_clinetwork.moc"
