// `breakerwatch-cli serve` as a server runs it: the real binary against the demo fleet on loopback. /metrics
// answers, transitions and alerts come out as JSON lines, a broken configuration save keeps it running, SIGTERM
// stops it cleanly. Acknowledgements and silences kept in the history store (as the GUI leaves them) come out as
// lines of their own, and on the alerts they cover.
#include "../support/externalprocess.h"
#include "demo/demofleet.h"
#include "httpserver/httpserver.h"
#include "store/historystore.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace Qt::StringLiterals;

class TestServe final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void servesMetricsAndLogsTransitions();
    void refusesABrokenConfiguration();
    void saysWhenAnAlertmanagerCannotBeReachedAndWhenItCanAgain();
    void printsAcknowledgementsAndSilences();
};

void TestServe::servesMetricsAndLogsTransitions()
{
    QElapsedTimer clock;
    clock.start();
    bw::DemoFleet fleet([&clock] { return clock.elapsed(); }, 0);
    QVERIFY(fleet.start({QHostAddress::LocalHost, 0, 2, u"healthy"_s, 9, bw::FleetLayout::OneBreakerPerService}).ok());
    QTemporaryDir dir;
    const QString configPath = dir.filePath(u"bw.yml"_s);
    QFile config(configPath);
    QVERIFY(config.open(QIODevice::WriteOnly));
    const QByteArray yaml = fleet.configYaml(250);
    config.write(yaml);
    config.close();

    const quint16 port = freeLoopbackPort();
    QProcess serve;
    serve.start(QStringLiteral(BW_CLI_PATH), {u"serve"_s, u"--config"_s, configPath, u"--metrics-listen"_s,
                                              u"127.0.0.1:%1"_s.arg(port), u"--data-dir"_s, dir.filePath(u"data"_s)});
    QVERIFY(serve.waitForStarted());
    QNetworkAccessManager network;
    const auto metrics = [&] {
        QNetworkReply *reply = network.get(QNetworkRequest(QUrl(u"http://127.0.0.1:%1/metrics"_s.arg(port))));
        QElapsedTimer wait;
        wait.start();
        while (!reply->isFinished() && wait.elapsed() < 3000)
            QTest::qWait(20);
        const QByteArray body = reply->readAll();
        reply->deleteLater();
        return body;
    };
    const QByteArray checkout =
        "service=\"checkout\",instance=\"127.0.0.1:" + QByteArray::number(fleet.services()[0]->port()) + "\"";
    QTRY_VERIFY_WITH_TIMEOUT(
        metrics().contains(QByteArray("breakerwatch_probe_success{" + checkout + ",breaker=\"health\"} 1")), 10'000);

    // A fault opens the simulated breaker: a transition line, then the state gauge says open.
    fleet.services()[1]->injectFault(bw::BehaviourMode::Down, 60'000);
    // The instance's health breaker opens (so do its named breaker's simulation and real breaker, fed by the demo's
    // own calls counters and gauge: lines of their own).
    QByteArray output;
    const auto healthOpened = [&] {
        for (const QByteArray &l : output.split('\n')) {
            const QJsonObject object = QJsonDocument::fromJson(l).object();
            if (object[u"to"_s] == u"open"_s && object[u"breaker"_s] == u"health"_s)
                return object;
        }
        return QJsonObject();
    };
    QTRY_VERIFY_WITH_TIMEOUT(!(output += serve.readAllStandardOutput(), healthOpened()).isEmpty(), 10'000);
    const QJsonObject transition = healthOpened();
    QCOMPARE(transition[u"event"_s].toString(), u"transition"_s);
    // The same four fields name the breaker everywhere: service, instance, breaker, origin.
    QCOMPARE(transition[u"service"_s].toString(), u"search"_s);
    const QString searchInstance = u"127.0.0.1:%1"_s.arg(fleet.services()[1]->port());
    QCOMPARE(transition[u"instance"_s].toString(), searchInstance);
    QCOMPARE(transition[u"breaker"_s].toString(), u"health"_s);
    QCOMPARE(transition[u"origin"_s].toString(), u"simulated"_s);
    QVERIFY(!transition[u"reason"_s].toString().isEmpty());
    const QByteArray search =
        "service=\"search\",instance=\"127.0.0.1:" + QByteArray::number(fleet.services()[1]->port()) + "\"";
    QVERIFY(metrics().contains(
        QByteArray("breakerwatch_breaker_state{" + search + ",breaker=\"health\",origin=\"simulated\"} 1")));
    // The real breakers found on the demo's pages are announced.
    QVERIFY2(output.contains("\"event\":\"breaker_found\"") && output.contains("\"breaker\":\"downstream\""),
             output.constData());

    // A broken save keeps it running with the previous configuration, and says so.
    QVERIFY(config.open(QIODevice::WriteOnly | QIODevice::Truncate));
    config.write(yaml + "  - name: [broken\n");
    config.close();
    QByteArray errors;
    QTRY_VERIFY_WITH_TIMEOUT((errors += serve.readAllStandardError()).contains("previous one stays in force"), 5000);
    QVERIFY(metrics().contains("service=\"checkout\""));

    ::kill(static_cast<pid_t>(serve.processId()), SIGTERM);
    QVERIFY(serve.waitForFinished(5000));
    QCOMPARE(serve.exitStatus(), QProcess::NormalExit);
    QCOMPARE(serve.exitCode(), 0);
    errors += serve.readAllStandardError();
    QVERIFY(errors.contains("stopped"));
    QVERIFY2(errors.contains("history in "), errors.constData());
    QVERIFY2(QFile::exists(dir.filePath(u"data/breakerwatch.sqlite"_s)), errors.constData()); // history on disk

    // What serve recorded comes out of `history export`: the transitions as CSV, the polls as replay JSONL.
    const auto cli = [](const QStringList &arguments) {
        QProcess process;
        process.start(QStringLiteral(BW_CLI_PATH), arguments);
        process.waitForFinished(20'000);
        return std::pair{process.exitCode(),
                         QByteArray(process.readAllStandardOutput() + process.readAllStandardError())};
    };
    const QString data = dir.filePath(u"data"_s);
    const auto [csvCode, csv] = cli({u"history"_s, u"export"_s, u"--data-dir"_s, data, u"--transitions"_s});
    // The store files each breaker under its key (service@instance for an instance's health breaker).
    const QString searchKey = u"search@"_s + searchInstance;
    QVERIFY2(csvCode == 0 && csv.startsWith("t_ms,") &&
                 csv.contains(QByteArray("," + searchKey.toUtf8() + ",simulated,closed,open,")),
             csv.constData());
    const QString events = dir.filePath(u"search.jsonl"_s);
    const auto [jsonlCode, jsonlOut] =
        cli({u"history"_s, u"export"_s, u"--data-dir"_s, data, u"--service"_s, searchKey, u"--out"_s, events});
    QVERIFY2(jsonlCode == 0, jsonlOut.constData());
    const auto [replayCode, replay] = cli({u"replay"_s, u"--in"_s, events, u"--preset"_s, u"resilience4j"_s, u"--set"_s,
                                           u"minimumNumberOfCalls=5"_s, u"--set"_s, u"slidingWindowSize=10"_s});
    QVERIFY2(replayCode == 0, replay.constData());
    // Each recorded health poll is one event; the ones during the fault are failures.
    const QJsonObject summary = QJsonDocument::fromJson(replay.trimmed().split('\n').back())[u"summary"_s].toObject();
    QVERIFY2(summary[u"events"_s].toInt() >= 2, replay.constData());
    QVERIFY2(summary[u"failed_let_through"_s].toInt() >= 1, replay.constData());
    const auto [badCode, bad] = cli({u"history"_s, u"export"_s, u"--data-dir"_s, data});
    QCOMPARE(badCode, 1);
    QVERIFY(bad.contains("say what to export"));
}

void TestServe::refusesABrokenConfiguration()
{
    QTemporaryDir dir;
    QFile config(dir.filePath(u"bw.yml"_s));
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write("services:\n  - name: a\n    health: {url: 'http://127.0.0.1:1/', interval: soon}\n");
    config.close();
    QProcess serve;
    serve.start(QStringLiteral(BW_CLI_PATH), {u"serve"_s, u"--config"_s, config.fileName()});
    QVERIFY(serve.waitForFinished(5000));
    QCOMPARE(serve.exitCode(), 1);
    const QByteArray errors = serve.readAllStandardError();
    QVERIFY2(errors.contains("bw.yml:3:") && errors.contains("soon"), errors.constData());
    QProcess usage;
    usage.start(QStringLiteral(BW_CLI_PATH),
                {u"serve"_s, u"--config"_s, config.fileName(), u"--metrics-listen"_s, u"localhost"_s});
    QVERIFY(usage.waitForFinished(5000));
    QCOMPARE(usage.exitCode(), 1); // the configuration is checked first
}

void TestServe::saysWhenAnAlertmanagerCannotBeReachedAndWhenItCanAgain()
{
    // Nothing listens on the Alertmanager's port at first; then something that takes alerts does.
    const quint16 amPort = freeLoopbackPort();
    QTemporaryDir dir;
    QFile config(dir.filePath(u"bw.yml"_s));
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write(
        u"services:\n  - name: a\n    health: {url: 'http://127.0.0.1:%1/'}\n"
        u"alerting:\n  alertmanagers:\n    - static_configs: [{targets: ['127.0.0.1:%2']}]\n"_s.arg(freeLoopbackPort())
            .arg(amPort)
            .toUtf8());
    config.close();
    QProcess serve;
    serve.start(QStringLiteral(BW_CLI_PATH), {u"serve"_s, u"--config"_s, config.fileName(), u"--metrics-listen"_s,
                                              u"off"_s, u"--data-dir"_s, dir.filePath(u"data"_s)});
    QVERIFY(serve.waitForStarted());
    const QString url = u"http://127.0.0.1:%1/api/v2/alerts"_s.arg(amPort);
    QByteArray output;
    const auto lineWith = [&](const QByteArray &event) {
        output += serve.readAllStandardOutput();
        for (const QByteArray &l : output.split('\n'))
            if (l.contains(QByteArray("\"event\":\"" + event + '"')))
                return QJsonDocument::fromJson(l).object();
        return QJsonObject();
    };
    QTRY_VERIFY_WITH_TIMEOUT(!lineWith("alertmanager_unreachable").isEmpty(), 10'000);
    const QJsonObject down = lineWith("alertmanager_unreachable");
    QCOMPARE(down[u"url"_s].toString(), url);
    QVERIFY2(down[u"error"_s].toString().startsWith(u"connection_refused"_s), qPrintable(down[u"error"_s].toString()));
    QVERIFY(down[u"retry_at"_s].toInteger() > down[u"t"_s].toInteger());
    QVERIFY(lineWith("alertmanager_reachable").isEmpty());

    bw::HttpServer alertmanager;
    int posts = 0;
    alertmanager.route("POST", u"/api/v2/alerts"_s, [&posts](const bw::HttpRequest &, bw::HttpResponder r) {
        ++posts;
        r.send(bw::HttpResponse::json(200, ""));
    });
    QVERIFY(alertmanager.listen(QHostAddress::LocalHost, amPort).ok());
    QTRY_VERIFY_WITH_TIMEOUT(!lineWith("alertmanager_reachable").isEmpty(), 10'000);
    QCOMPARE(lineWith("alertmanager_reachable")[u"url"_s].toString(), url);
    QVERIFY(posts >= 1);
    ::kill(static_cast<pid_t>(serve.processId()), SIGTERM);
    QVERIFY(serve.waitForFinished(5000));
    QVERIFY2(serve.readAllStandardError().contains(QByteArray("alerts go to " + url.toUtf8())),
             "serve says where alerts go");
}

void TestServe::printsAcknowledgementsAndSilences()
{
    bool up = true;
    bw::HttpServer service;
    service.route("GET", u"/up"_s, [&up](const bw::HttpRequest &, bw::HttpResponder r) {
        r.send(up ? bw::HttpResponse::json(200, R"({"status":"UP"})") : bw::HttpResponse::json(503, "{}"));
    });
    QVERIFY(service.listen(QHostAddress::LocalHost, 0).ok());
    const QString instance = u"127.0.0.1:%1"_s.arg(service.port());
    QTemporaryDir dir;
    QFile config(dir.filePath(u"bw.yml"_s));
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write(u"global: {interval: 100ms, timeout: 100ms}\n"
                 u"services:\n  - name: search\n    health: {url: 'http://%1/up', format: spring}\n"
                 u"    breaker: {preset: resilience4j, parameters: {minimumNumberOfCalls: 2, slidingWindowSize: 2, "
                 u"waitDurationInOpenState: 1s, "
                 u"permittedNumberOfCallsInHalfOpenState: 1}}\n"
                 u"    alert_rules: {open_after: 1ms}\n"_s.arg(instance)
                     .toUtf8());
    config.close();

    // What an operator did in the GUI on the same history: search's BreakerOpen acknowledged (its episode still
    // firing when the GUI stopped), and every search alert silenced for an hour.
    const std::int64_t t0 = QDateTime::currentMSecsSinceEpoch();
    bw::StoreOptions storeOptions;
    storeOptions.dataDir = dir.filePath(u"data"_s);
    const bw::BreakerId health{u"search"_s, instance, {}};
    {
        bw::HistoryStore store(storeOptions);
        QVERIFY(store.open(t0 - 60'000).ok());
        bw::Acknowledgement ack;
        ack.id = u"ack-1-1"_s;
        ack.alert = {health.key(), bw::AlertSource::Simulated, bw::AlertKind::OpenLong};
        ack.firedAtMs = t0 - 50'000;
        ack.atMs = t0 - 40'000;
        ack.who = u"alice"_s;
        ack.comment = u"on it"_s;
        QVERIFY(store.recordAcknowledgement(ack).ok());
        bw::Silence silence;
        silence.id = u"local-1-2"_s;
        silence.matchers = {{u"service"_s, u"search"_s}};
        silence.startsAtMs = t0 - 30'000;
        silence.endsAtMs = t0 + 3600'000;
        silence.createdBy = u"alice"_s;
        silence.comment = u"reindexing"_s;
        QVERIFY(store.recordSilence(silence).ok());
    }

    QProcess serve;
    serve.start(QStringLiteral(BW_CLI_PATH), {u"serve"_s, u"--config"_s, config.fileName(), u"--metrics-listen"_s,
                                              u"off"_s, u"--data-dir"_s, storeOptions.dataDir});
    QVERIFY(serve.waitForStarted());
    QByteArray output;
    const auto lineWith = [&](const QByteArray &event) {
        output += serve.readAllStandardOutput();
        for (const QByteArray &l : output.split('\n'))
            if (l.contains(QByteArray("\"event\":\"" + event + '"')))
                return QJsonDocument::fromJson(l).object();
        return QJsonObject();
    };
    // At start: the silence that holds, and the acknowledgement waiting for its alert.
    QTRY_VERIFY2_WITH_TIMEOUT(!lineWith("silence_active").isEmpty(),
                              QByteArray(output + serve.readAllStandardError()).constData(), 10'000);
    const QJsonObject silence = lineWith("silence_active");
    QCOMPARE(silence[u"id"_s].toString(), u"local-1-2"_s);
    QCOMPARE(silence[u"kept"_s].toString(), u"local"_s);
    QCOMPARE(silence[u"matchers"_s].toArray(), QJsonArray{u"service=\"search\""_s});
    QCOMPARE(silence[u"ends_at"_s].toInteger(), t0 + 3600'000);
    QCOMPARE(silence[u"created_by"_s].toString(), u"alice"_s);
    QCOMPARE(silence[u"comment"_s].toString(), u"reindexing"_s);
    const QJsonObject carried = lineWith("alert_acknowledged");
    QCOMPARE(carried[u"service"_s].toString(), u"search"_s);
    QCOMPARE(carried[u"instance"_s].toString(), instance);
    QCOMPARE(carried[u"breaker"_s].toString(), u"health"_s);
    QCOMPARE(carried[u"alertname"_s].toString(), u"BreakerOpen"_s);
    QCOMPARE(carried[u"who"_s].toString(), u"alice"_s);
    QCOMPARE(carried[u"comment"_s].toString(), u"on it"_s);
    QCOMPARE(carried[u"carried"_s].toBool(), true);

    // The service goes down: its breaker opens, BreakerOpen fires acknowledged and silenced, and the acknowledgement
    // says which episode it took.
    up = false;
    QTRY_VERIFY_WITH_TIMEOUT(!lineWith("alert_fired").isEmpty(), 15'000);
    const QJsonObject fired = lineWith("alert_fired");
    QCOMPARE(fired[u"alertname"_s].toString(), u"BreakerOpen"_s);
    QCOMPARE(fired[u"acknowledged"_s].toBool(), true);
    QCOMPARE(fired[u"silenced"_s].toBool(), true);
    QCOMPARE(fired[u"silenced_by"_s].toArray(), QJsonArray{u"local-1-2"_s});
    const auto taken = [&] {
        output += serve.readAllStandardOutput();
        for (const QByteArray &l : output.split('\n')) {
            const QJsonObject o = QJsonDocument::fromJson(l).object();
            if (o[u"event"_s] == u"alert_acknowledged"_s && !o[u"carried"_s].toBool())
                return o;
        }
        return QJsonObject();
    };
    QTRY_VERIFY_WITH_TIMEOUT(!taken().isEmpty(), 5000);
    QCOMPARE(taken()[u"fired_at"_s].toInteger(), fired[u"t"_s].toInteger());
    // Back up: the alert resolves and its acknowledgement ends with it.
    up = true;
    QTRY_VERIFY_WITH_TIMEOUT(!lineWith("acknowledgement_ended").isEmpty(), 20'000);
    QCOMPARE(lineWith("acknowledgement_ended")[u"who"_s].toString(), u"alice"_s);
    QVERIFY(!lineWith("alert_resolved").isEmpty());
    ::kill(static_cast<pid_t>(serve.processId()), SIGTERM);
    QVERIFY(serve.waitForFinished(5000));
    QCOMPARE(serve.exitCode(), 0);
}

QTEST_MAIN(TestServe)
#include "tst_serve.moc"
