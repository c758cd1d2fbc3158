// The demo fleet over real sockets: endpoint shapes, fault injection, reproducibility, and a real Prometheus
// (Debian package) scraping it.
#include "../support/externalprocess.h"

#include "demo/delayedcalls.h"
#include "demo/demofleet.h"
#include "probe/httpprober.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QTest>

using namespace Qt::StringLiterals;

class TestDemoFleet final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void endpointsAnswerInTheDocumentedShapes();
    void remoteStateChange();
    void faultInjectionChangesTheNextPoll();
    void deadAndHangingServices();
    void sameSeedSameOutcomes();
    void configWatchesTheFleet();
    void badOptionsAreExplained();
    void prometheusScrapesTheFleet();
    void delayedCallsRunInOrderOnTicks();
    void answersTakeTheirSimulatedLatency();

private:
    std::pair<int, QByteArray> request(const QUrl &url, const QByteArray &method = "GET", const QByteArray &body = {},
                                       QByteArray *contentType = nullptr);

    std::int64_t m_now = 0;
    std::unique_ptr<bw::DemoFleet> m_fleet;
    QNetworkAccessManager m_network;
};

void TestDemoFleet::init()
{
    m_now = 30'000;
    m_fleet = std::make_unique<bw::DemoFleet>([this] { return m_now; }, 1'700'000'000'000LL);
    QVERIFY(
        m_fleet->start({QHostAddress::LocalHost, 0, 8, u"default"_s, 1, bw::FleetLayout::OneBreakerPerService}).ok());
}

std::pair<int, QByteArray> TestDemoFleet::request(const QUrl &url, const QByteArray &method, const QByteArray &body,
                                                  QByteArray *contentType)
{
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
    std::unique_ptr<QNetworkReply> reply(m_network.sendCustomRequest(request, method, body));
    [&] { QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), 10'000); }();
    if (contentType)
        *contentType = reply->header(QNetworkRequest::ContentTypeHeader).toByteArray();
    return {reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), reply->readAll()};
}

void TestDemoFleet::endpointsAnswerInTheDocumentedShapes()
{
    const QUrl base = m_fleet->service(u"checkout"_s)->baseUrl();
    const auto [springStatus, spring] = request(base.resolved(QUrl(u"/actuator/health"_s)));
    QCOMPARE(springStatus, 200);
    const QJsonObject springJson = QJsonDocument::fromJson(spring).object();
    QCOMPARE(springJson[u"status"_s].toString(), u"UP"_s);
    QCOMPARE(springJson[u"components"_s][u"db"_s][u"status"_s].toString(), u"UP"_s);
    const QJsonObject breaker =
        springJson[u"components"_s][u"circuitBreakers"_s][u"details"_s][u"downstream"_s][u"details"_s].toObject();
    QCOMPARE(breaker[u"state"_s].toString(), u"CLOSED"_s);
    QVERIFY(breaker[u"failureRate"_s].toString().endsWith(u'%'));

    QByteArray contentType;
    const auto [ietfStatus, ietf] = request(base.resolved(QUrl(u"/health"_s)), "GET", {}, &contentType);
    QCOMPARE(ietfStatus, 200);
    QCOMPARE(contentType, QByteArray("application/health+json"));
    const QJsonObject ietfJson = QJsonDocument::fromJson(ietf).object();
    QCOMPARE(ietfJson[u"status"_s].toString(), u"pass"_s);
    QCOMPARE(ietfJson[u"checks"_s][u"db:responseTime"_s][0][u"observedUnit"_s].toString(), u"ms"_s);

    const auto [metricsStatus, metrics] = request(base.resolved(QUrl(u"/metrics"_s)));
    QCOMPARE(metricsStatus, 200);
    // 10 background calls a second for 30 s (slots 0..300), about 1 % of them failing.
    auto counter = [&metrics](const QByteArray &series) {
        const qsizetype at = metrics.indexOf(QByteArray(series + ' '));
        return at < 0 ? -1
                      : metrics.mid(at + series.size() + 1, metrics.indexOf('\n', at) - at - series.size() - 1).toInt();
    };
    const int ok = counter("http_requests_total{code=\"200\"}");
    const int failed = counter("http_requests_total{code=\"503\"}");
    QCOMPARE(ok + failed, 301);
    QVERIFY(failed < 15);
    QCOMPARE(counter("http_request_duration_seconds_bucket{le=\"+Inf\"}"), 301);
    QCOMPARE(metrics.count("resilience4j_circuitbreaker_state{name=\"downstream\",state=\"closed\"} 1"), 1);
    int hot = 0; // one-hot: exactly one state line is 1
    for (const QByteArray &line : metrics.split('\n'))
        hot += line.startsWith("resilience4j_circuitbreaker_state{") && line.endsWith(" 1");
    QCOMPARE(hot, 1);

    const auto [listStatus, list] = request(base.resolved(QUrl(u"/actuator/circuitbreakers"_s)));
    QCOMPARE(listStatus, 200);
    QCOMPARE(QJsonDocument::fromJson(list)[u"circuitBreakers"_s][u"downstream"_s][u"state"_s].toString(), u"CLOSED"_s);

    // The outage service's in-process breaker opened during its outage (from 20 s): events say so.
    m_now = 60'000;
    const QUrl payments = m_fleet->service(u"payments"_s)->baseUrl();
    const auto [eventsStatus, events] =
        request(payments.resolved(QUrl(u"/actuator/circuitbreakerevents/downstream/state_transition"_s)));
    QCOMPARE(eventsStatus, 200);
    const QJsonArray list2 = QJsonDocument::fromJson(events)[u"circuitBreakerEvents"_s].toArray();
    QVERIFY(!list2.isEmpty());
    QCOMPARE(list2[0][u"stateTransition"_s].toString(), u"CLOSED_TO_OPEN"_s);
    QCOMPARE(list2[0][u"type"_s].toString(), u"STATE_TRANSITION"_s);
    QVERIFY2(list2[0][u"creationTime"_s].toString().endsWith(u"Z[UTC]"_s),
             qPrintable(list2[0][u"creationTime"_s].toString()));
    const auto [downStatus, down] = request(payments.resolved(QUrl(u"/actuator/health"_s)));
    QCOMPARE(downStatus, 503);
    QCOMPARE(QJsonDocument::fromJson(down)[u"status"_s].toString(), u"DOWN"_s);
}

void TestDemoFleet::remoteStateChange()
{
    const QUrl url =
        m_fleet->service(u"checkout"_s)->baseUrl().resolved(QUrl(u"/actuator/circuitbreakers/downstream"_s));
    const auto [status, body] = request(url, "POST", R"({"updateState":"FORCE_OPEN"})");
    QCOMPARE(status, 200);
    QCOMPARE(QJsonDocument::fromJson(body)[u"currentState"_s].toString(), u"FORCED_OPEN"_s);
    QCOMPARE(QJsonDocument::fromJson(body)[u"circuitBreakerName"_s].toString(), u"downstream"_s);
    QCOMPARE(m_fleet->service(u"checkout"_s)->breaker().state(), bw::BreakerState::ForcedOpen);
    QCOMPARE(request(url, "POST", R"({"updateState":"CLOSE"})").first, 200);
    QCOMPARE(m_fleet->service(u"checkout"_s)->breaker().state(), bw::BreakerState::Closed);
    QCOMPARE(request(url, "POST", R"({"updateState":"HALF_OPEN"})").first, 400);
    QCOMPARE(request(url, "POST", R"(not json)").first, 400);
}

void TestDemoFleet::faultInjectionChangesTheNextPoll()
{
    const QUrl base = m_fleet->service(u"checkout"_s)->baseUrl();
    QCOMPARE(request(base.resolved(QUrl(u"/actuator/health"_s))).first, 200);
    const auto [status, body] =
        request(base.resolved(QUrl(u"/admin/fault"_s)), "POST", R"({"mode":"down","for_s":30})");
    QCOMPARE(status, 200);
    QVERIFY(body.contains("\"mode\":\"down\""));
    QCOMPARE(request(base.resolved(QUrl(u"/actuator/health"_s))).first, 503);
    m_now += 30'001; // the fault ends
    QCOMPARE(request(base.resolved(QUrl(u"/actuator/health"_s))).first, 200);
    QCOMPARE(request(base.resolved(QUrl(u"/admin/fault"_s)), "POST", R"({"mode":"nap"})").first, 400);
}

void TestDemoFleet::deadAndHangingServices()
{
    bw::HttpProber prober(&m_network);
    std::optional<bw::ProbeResult> dead;
    std::optional<bw::ProbeResult> hanging;
    bw::ProbeRequest r;
    r.timeoutMs = 800;
    r.url = m_fleet->service(u"ledger"_s)->baseUrl().resolved(QUrl(u"/health"_s));
    prober.probe(r, 0, [&dead](const bw::ProbeResult &p) { dead = p; });
    r.url = m_fleet->service(u"notifications"_s)->baseUrl().resolved(QUrl(u"/health"_s));
    prober.probe(r, 0, [&hanging](const bw::ProbeResult &p) { hanging = p; });
    QTRY_VERIFY_WITH_TIMEOUT(dead && hanging, 3000);
    QCOMPARE(dead->kind, bw::ProbeOutcomeKind::ConnectionRefused);
    QCOMPARE(hanging->kind, bw::ProbeOutcomeKind::Timeout);
}

void TestDemoFleet::sameSeedSameOutcomes()
{
    auto sequence = [this](std::uint64_t seed) {
        bw::DemoFleet fleet([this] { return m_now; }, 0);
        [&] {
            QVERIFY(
                fleet.start({QHostAddress::LocalHost, 0, 1, u"flaky"_s, seed, bw::FleetLayout::OneBreakerPerService})
                    .ok());
        }();
        QByteArray statuses;
        for (int i = 0; i < 40; ++i)
            statuses +=
                request(fleet.services()[0]->baseUrl().resolved(QUrl(u"/actuator/health"_s))).first == 200 ? 'o' : 'x';
        return statuses;
    };
    const QByteArray first = sequence(7);
    QCOMPARE(sequence(7), first);
    QVERIFY(first.contains('x') && first.contains('o')); // flaky: both
    QVERIFY(sequence(8) != first);
}

void TestDemoFleet::configWatchesTheFleet()
{
    const QByteArray yaml = m_fleet->configYaml();
    QCOMPARE(yaml.count("  - name: "), 8);
    QVERIFY(
        yaml.contains(QByteArray(m_fleet->service(u"search"_s)->baseUrl().toString().toUtf8() + "/actuator/health")));
    QVERIFY(yaml.contains("observed_breaker: {kind: resilience4j, name: downstream}"));
}

void TestDemoFleet::badOptionsAreExplained()
{
    bw::DemoFleet fleet([] { return 0; }, 0);
    const bw::Status scenario =
        fleet.start({QHostAddress::LocalHost, 0, 2, u"chaos"_s, 1, bw::FleetLayout::OneBreakerPerService});
    QVERIFY(!scenario.ok());
    QVERIFY(scenario.error().contains(u"unknown scenario \"chaos\"; scenarios: default, healthy"_s));
    QVERIFY(!fleet.start({QHostAddress::LocalHost, 0, 0, u"default"_s, 1, bw::FleetLayout::OneBreakerPerService}).ok());
    // A taken port is reported with the service that wanted it.
    bw::DemoFleet other([] { return 0; }, 0);
    const quint16 taken = m_fleet->services()[0]->port();
    const bw::Status clash = other.start({QHostAddress::LocalHost, taken, 1, u"default"_s, 1});
    QVERIFY(!clash.ok());
    QVERIFY2(clash.error().contains(u"service checkout: cannot listen"_s), qPrintable(clash.error()));
}

void TestDemoFleet::prometheusScrapesTheFleet()
{
    if (!ExternalServer::available(u"prometheus"_s) || !ExternalServer::available(u"promtool"_s))
        QSKIP("prometheus / promtool are not installed (scripts/test installs them)");
    QElapsedTimer clock;
    clock.start();
    bw::DemoFleet fleet([&clock] { return clock.elapsed() + 30'000; }, 0);
    QVERIFY(fleet.start({QHostAddress::LocalHost, 0, 5, u"flaky"_s, 3, bw::FleetLayout::OneBreakerPerService}).ok());
    QTemporaryDir dir;
    QStringList targets;
    for (const auto &service : fleet.services())
        targets << u"'127.0.0.1:%1'"_s.arg(service->port());
    QFile config(dir.filePath(u"prometheus.yml"_s));
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write(
        u"global: {scrape_interval: 1s}\nscrape_configs:\n  - job_name: demo\n    static_configs: [{targets: [%1]}]\n"_s
            .arg(targets.join(u", "_s))
            .toUtf8());
    config.close();

    // promtool lints our exposition.
    const auto [status, metrics] = request(fleet.services()[0]->baseUrl().resolved(QUrl(u"/metrics"_s)));
    QCOMPARE(status, 200);
    QProcess promtool;
    promtool.start(u"promtool"_s, {u"check"_s, u"metrics"_s});
    promtool.write(metrics);
    promtool.closeWriteChannel();
    QVERIFY(promtool.waitForFinished(10'000));
    const QByteArray lint = promtool.readAllStandardOutput() + promtool.readAllStandardError();
    QVERIFY2(promtool.exitCode() == 0 && lint.trimmed().isEmpty(), lint.constData());

    ExternalServer prometheus;
    const quint16 port = freeLoopbackPort();
    QVERIFY(
        prometheus.start(u"prometheus"_s,
                         {u"--config.file="_s + config.fileName(), u"--storage.tsdb.path="_s + dir.filePath(u"data"_s),
                          u"--web.listen-address=127.0.0.1:%1"_s.arg(port)},
                         port, u"/-/ready"_s));
    // Serve while Prometheus scrapes; every target must come up.
    bool allUp = false;
    for (int attempt = 0; attempt < 40 && !allUp; ++attempt) {
        QTest::qWait(500);
        const auto [queryStatus, answer] =
            request(QUrl(prometheus.base() + u"/api/v1/query?query=sum(up%7Bjob%3D%22demo%22%7D)"_s));
        QCOMPARE(queryStatus, 200);
        const QJsonArray result = QJsonDocument::fromJson(answer)[u"data"_s][u"result"_s].toArray();
        allUp = !result.isEmpty() && result[0][u"value"_s][1].toString() == u"5"_s;
    }
    QVERIFY2(allUp, "every demo service should be up in Prometheus");
}

void TestDemoFleet::delayedCallsRunInOrderOnTicks()
{
    bw::DelayedCalls calls(20);
    QElapsedTimer clock;
    clock.start();
    std::vector<std::pair<int, qint64>> ran; // which call, when
    const auto record = [&](int which) { return [&ran, &clock, which] { ran.emplace_back(which, clock.elapsed()); }; };
    calls.after(60, record(3));
    calls.after(0, [&] {
        record(1)();
        calls.after(10, record(2)); // scheduled from a call
    });
    calls.after(55, record(4)); // same 20 ms tick as the 60 ms call, so it runs in that wake-up, after it
    QCOMPARE(calls.pending(), 3);
    QTRY_COMPARE_WITH_TIMEOUT(ran.size(), std::size_t{4}, 5000);
    QCOMPARE(calls.pending(), 0);
    QCOMPARE(ran[0].first, 1);
    QCOMPARE(ran[1].first, 2);
    QCOMPARE(ran[2].first, 3);
    QCOMPARE(ran[3].first, 4);
    QVERIFY(ran[1].second >= 10);
    QVERIFY2(ran[2].second >= 60, qPrintable(QString::number(ran[2].second))); // never early
}

void TestDemoFleet::answersTakeTheirSimulatedLatency()
{
    // The health+json body reports the latency the service simulated; the answer takes at least that long.
    const QUrl url = m_fleet->service(u"checkout"_s)->baseUrl().resolved(QUrl(u"/health"_s));
    for (int i = 0; i < 5; ++i) {
        QElapsedTimer clock;
        clock.start();
        const auto [status, body] = request(url);
        const qint64 took = clock.elapsed();
        QCOMPARE(status, 200);
        const int simulated =
            QJsonDocument::fromJson(body)[u"checks"_s][u"db:responseTime"_s][0][u"observedValue"_s].toInt();
        QVERIFY(simulated >= 10 && simulated <= 50);
        QVERIFY2(took >= simulated, qPrintable(u"%1 ms < %2 ms"_s.arg(took).arg(simulated)));
    }
}

QTEST_GUILESS_MAIN(TestDemoFleet)
#include "tst_demofleet.moc"
