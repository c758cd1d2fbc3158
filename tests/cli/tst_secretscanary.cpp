// Secrets canary (issue 15): canary tokens configured as a bearer token file, a basic-auth password from the
// environment, a basic-auth password file and a Prometheus password file, used for real against loopback
// servers (which check them, so the test knows they were sent), then every way Breakerwatch writes something
// down is exercised: check-config, discover, serve (its output, /metrics, the history store), a remote reset
// that fails (the audit log), history exports, and the GUI offscreen with its own settings and store. The canaries
// (and the Authorization headers they make) must appear nowhere: files, standard output and error, pages.
#include "../support/externalprocess.h"

#include "app/application.h"
#include "breaker/presetcatalog.h"
#include "config/configloader.h"
#include "httpserver/httpserver.h"

#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QProcessEnvironment>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

const QByteArray kBearer = "CANARY-bearer-7f3a9e1c0b";
const QByteArray kMetricsPassword = "CANARY-env-5d2e8a61f4";
const QByteArray kActuatorPassword = "CANARY-file-91c07b3e2a";
const QByteArray kPrometheusPassword = "CANARY-prom-4be6d0a913";
const QByteArray kDeadToken = "CANARY-dead-c3f18e7a05";

QByteArray basic(const QByteArray &user, const QByteArray &password)
{
    return "Basic " + QByteArray(user + ':' + password).toBase64();
}

} // namespace

class TestSecretsCanary final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void noCanaryAnywhere();

private:
    struct Run
    {
        QString what;
        int exitCode = -1;
        QByteArray out;
        QByteArray err;
    };
    Run runCli(const QString &what, const QStringList &arguments, int waitMs = 60'000, bool interrupt = false);
    void expectNoCanary(const QString &where, const QByteArray &bytes);

    QTemporaryDir m_dir;
    QString m_secrets; // the files holding secrets: the only place they may be
    QString m_config;
    QProcessEnvironment m_env;
    std::unique_ptr<bw::HttpServer> m_service;
    std::unique_ptr<bw::HttpServer> m_prometheus;
    int m_authorised = 0; // requests that carried the right secret
    int m_refused = 0;
    QStringList m_checked; // what was looked at, for the record
};

void TestSecretsCanary::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_secrets = m_dir.filePath(u"secrets"_s);
    QVERIFY(QDir().mkpath(m_secrets));
    const auto writeFile = [](const QString &path, const QByteArray &bytes) {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(bytes);
    };
    writeFile(m_secrets + u"/bearer"_s, kBearer + '\n');
    writeFile(m_secrets + u"/actuator-password"_s, kActuatorPassword);
    writeFile(m_secrets + u"/prometheus-password"_s, kPrometheusPassword);

    // The service checks every secret and says 401 otherwise; its reset fails with a 500 whose body names nothing.
    m_service = std::make_unique<bw::HttpServer>();
    const auto check = [this](const bw::HttpRequest &request, const QByteArray &expected) {
        const bool ok = request.header("authorization") == expected;
        ++(ok ? m_authorised : m_refused);
        return ok;
    };
    m_service->route("GET", u"/health"_s, [check](const bw::HttpRequest &request, bw::HttpResponder r) {
        if (!check(request, "Bearer " + kBearer))
            return r.send(bw::HttpResponse::text(401, "unauthorised\n"));
        r.send(bw::HttpResponse::json(200, R"({"status":"UP"})"));
    });
    m_service->route("GET", u"/metrics"_s, [check](const bw::HttpRequest &request, bw::HttpResponder r) {
        if (!check(request, basic("scraper", kMetricsPassword)))
            return r.send(bw::HttpResponse::text(401, "unauthorised\n"));
        r.send(bw::HttpResponse::text(200, "resilience4j_circuitbreaker_state{name=\"payments\",state=\"closed\"} 1\n"
                                           "resilience4j_circuitbreaker_state{name=\"payments\",state=\"open\"} 0\n"));
    });
    m_service->route("POST", u"/actuator/circuitbreakers/payments"_s,
                     [check](const bw::HttpRequest &request, bw::HttpResponder r) {
                         if (!check(request, basic("ops", kActuatorPassword)))
                             return r.send(bw::HttpResponse::text(401, "unauthorised\n"));
                         r.send(bw::HttpResponse::json(500, R"({"error":"state change failed"})"));
                     });
    QVERIFY(m_service->listen(QHostAddress::LocalHost, 0).ok());
    // A Prometheus that refuses its queries with an error envelope.
    m_prometheus = std::make_unique<bw::HttpServer>();
    m_prometheus->route("GET", u"/api/v1/*"_s, [check](const bw::HttpRequest &request, bw::HttpResponder r) {
        if (!check(request, basic("prom", kPrometheusPassword)))
            return r.send(bw::HttpResponse::text(401, "unauthorised\n"));
        r.send(bw::HttpResponse::json(
            422,
            R"({"status":"error","errorType":"execution","error":"query processing would load too many samples"})"));
    });
    QVERIFY(m_prometheus->listen(QHostAddress::LocalHost, 0).ok());

    const quint16 dead = freeLoopbackPort();
    const QString base = u"http://127.0.0.1:%1"_s.arg(m_service->port());
    const QByteArray yaml = u"global: {interval: 500ms, timeout: 500ms}\n"
                            "services:\n"
                            "  - name: checkout\n"
                            "    breakers: [payments]\n"
                            "    health:\n"
                            "      url: %1/health\n"
                            "      authorization: {type: Bearer, credentials_file: '%2/bearer'}\n"
                            "    metrics:\n"
                            "      url: %1/metrics\n"
                            "      basic_auth: {username: scraper, password_env: BW_CANARY_METRICS_PASSWORD}\n"
                            "    remote_breaker:\n"
                            "      kind: resilience4j\n"
                            "      url: %1/actuator/circuitbreakers/payments\n"
                            "      basic_auth: {username: ops, password_file: '%2/actuator-password'}\n"
                            "  - name: gone\n"
                            "    health:\n"
                            "      url: http://127.0.0.1:%3/health\n"
                            "      authorization: {type: Bearer, credentials_env: BW_CANARY_DEAD_TOKEN}\n"
                            "prometheus:\n"
                            "  url: http://127.0.0.1:%4\n"
                            "  basic_auth: {username: prom, password_file: '%2/prometheus-password'}\n"
                            "  breakers: {history: 0s}\n"_s.arg(base, m_secrets)
                                .arg(dead)
                                .arg(m_prometheus->port())
                                .toUtf8();
    m_config = m_dir.filePath(u"bw.yml"_s);
    writeFile(m_config, yaml);
    // The GUI and serve keep their settings and data under a home of their own.
    m_env = QProcessEnvironment::systemEnvironment();
    m_env.insert(u"BW_CANARY_METRICS_PASSWORD"_s, QString::fromLatin1(kMetricsPassword));
    m_env.insert(u"BW_CANARY_DEAD_TOKEN"_s, QString::fromLatin1(kDeadToken));
    m_env.insert(u"HOME"_s, m_dir.filePath(u"home"_s));
    m_env.insert(u"XDG_CONFIG_HOME"_s, m_dir.filePath(u"home/config"_s));
    m_env.insert(u"XDG_DATA_HOME"_s, m_dir.filePath(u"home/data"_s));
    m_env.insert(u"XDG_CACHE_HOME"_s, m_dir.filePath(u"home/cache"_s));
    m_env.insert(u"QT_QPA_PLATFORM"_s, u"offscreen"_s);
}

TestSecretsCanary::Run TestSecretsCanary::runCli(const QString &what, const QStringList &arguments, int waitMs,
                                                 bool interrupt)
{
    QProcess process;
    process.setProcessEnvironment(m_env);
    process.start(what == u"gui"_s ? QStringLiteral(BW_GUI_PATH) : QStringLiteral(BW_CLI_PATH), arguments);
    Run run;
    run.what = what;
    if (!process.waitForStarted(10'000))
        return run;
    QElapsedTimer clock;
    clock.start();
    while (process.state() != QProcess::NotRunning && clock.elapsed() < waitMs)
        QTest::qWait(20); // the loopback servers answer meanwhile
    if (process.state() != QProcess::NotRunning) {
        if (interrupt)
            process.terminate();
        else
            process.kill();
        process.waitForFinished(10'000);
    }
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.out = process.readAllStandardOutput();
    run.err = process.readAllStandardError();
    expectNoCanary(what + u" (standard output)"_s, run.out);
    expectNoCanary(what + u" (standard error)"_s, run.err);
    return run;
}

void TestSecretsCanary::expectNoCanary(const QString &where, const QByteArray &bytes)
{
    m_checked << where;
    for (const QByteArray &secret :
         {kBearer, kMetricsPassword, kActuatorPassword, kPrometheusPassword, kDeadToken,
          basic("scraper", kMetricsPassword), basic("ops", kActuatorPassword), basic("prom", kPrometheusPassword)}) {
        QVERIFY2(!bytes.contains(secret),
                 qPrintable(u"%1 holds a secret (%2...)"_s.arg(where, QString::fromLatin1(secret.left(12)))));
        QVERIFY2(!bytes.contains(secret.toBase64()), qPrintable(where + u" holds a secret in base64"_s));
    }
}

void TestSecretsCanary::noCanaryAnywhere()
{
    const QString data = m_dir.filePath(u"serve-data"_s);
    // check-config and discover, the second with a dead instance and a Prometheus that answers an error.
    const Run checked = runCli(u"check-config"_s, {u"check-config"_s, m_config});
    QVERIFY2(checked.exitCode == 0, checked.err.constData());
    const Run discovered = runCli(u"discover"_s, {u"discover"_s, u"--config"_s, m_config, u"--timeout"_s, u"3s"_s});
    QCOMPARE(discovered.exitCode, 1); // the dead instance and the error envelope
    QVERIFY2(discovered.err.contains("too many samples") && discovered.err.contains("gone"),
             discovered.err.constData());
    QVERIFY2(discovered.out.contains("\"breaker\":\"payments\""), discovered.out.constData());

    // serve: its lines, /metrics, and the history store it writes.
    const quint16 metricsPort = freeLoopbackPort();
    QProcess serve;
    serve.setProcessEnvironment(m_env);
    serve.start(QStringLiteral(BW_CLI_PATH), {u"serve"_s, u"--config"_s, m_config, u"--metrics-listen"_s,
                                              u"127.0.0.1:%1"_s.arg(metricsPort), u"--data-dir"_s, data});
    QVERIFY(serve.waitForStarted());
    QNetworkAccessManager network;
    QByteArray metrics;
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            QNetworkReply *reply =
                network.get(QNetworkRequest(QUrl(u"http://127.0.0.1:%1/metrics"_s.arg(metricsPort))));
            QElapsedTimer wait;
            wait.start();
            while (!reply->isFinished() && wait.elapsed() < 3000)
                QTest::qWait(20);
            metrics = reply->readAll();
            delete reply;
            return metrics.contains("breaker=\"payments\"");
        }(),
        15'000);
    QTest::qWait(1500); // a few more polls, errors included
    serve.terminate();
    QVERIFY(serve.waitForFinished(15'000));
    expectNoCanary(u"serve (standard output)"_s, serve.readAllStandardOutput());
    const QByteArray serveErr = serve.readAllStandardError();
    expectNoCanary(u"serve (standard error)"_s, serveErr);
    expectNoCanary(u"serve /metrics"_s, metrics);
    QVERIFY2(serveErr.contains("too many samples"), serveErr.constData()); // the errors were met

    // A remote reset that fails, through the application core serve and the GUI share: the audit log.
    {
        const bw::PresetCatalog catalog;
        qputenv("BW_CANARY_METRICS_PASSWORD", kMetricsPassword);
        qputenv("BW_CANARY_DEAD_TOKEN", kDeadToken);
        auto config = bw::ConfigLoader(catalog).loadFile(m_config);
        qunsetenv("BW_CANARY_METRICS_PASSWORD");
        qunsetenv("BW_CANARY_DEAD_TOKEN");
        QVERIFY2(config.ok(), qPrintable(config.ok() ? QString() : config.error()));
        bw::Application::Options options;
        options.config = *config;
        bw::StoreOptions store;
        store.dataDir = data;
        store.sealGraceMs = 0;
        options.store = store;
        QNetworkAccessManager appNetwork;
        bw::Application app(
            &appNetwork, [] { return QDateTime::currentMSecsSinceEpoch(); }, catalog, options);
        app.start();
        const bw::BreakerId payments{u"checkout"_s, u"127.0.0.1:%1"_s.arg(m_service->port()), u"payments"_s};
        QTRY_VERIFY_WITH_TIMEOUT(app.monitor().contains(payments), 10'000);
        QVERIFY(app.control().hasRemote(payments));
        QSignalSpy finished(&app.control(), &bw::BreakerControl::remoteFinished);
        QVERIFY(app.control().actOnRemote(payments, bw::OperatorAction::Reset).ok());
        QVERIFY(finished.wait(10'000));
        QVERIFY(!app.audit().entries().isEmpty());
        for (const bw::AuditEntry &entry : app.audit().entries())
            expectNoCanary(u"audit entry"_s, (entry.target + u' ' + entry.outcome + u' ' + entry.detail).toUtf8());
        app.stop();
    }

    // Exports out of the store.
    for (const QStringList &what :
         {QStringList{u"--service"_s, u"checkout"_s}, QStringList{u"--transitions"_s}, QStringList{u"--audit"_s}}) {
        const Run exported = runCli(u"history export "_s + what.join(u' '),
                                    QStringList{u"history"_s, u"export"_s} + what + QStringList{u"--data-dir"_s, data});
        QVERIFY2(exported.exitCode == 0, exported.err.constData());
        if (what.contains(u"--audit"_s))
            QVERIFY2(exported.out.contains("reset"), exported.out.constData()); // the failed reset is there
    }

    // The GUI, offscreen, for a few seconds: its settings, its store, its screenshot.
    const Run gui = runCli(
        u"gui"_s, {u"--config"_s, m_config, u"--screenshot"_s, m_dir.filePath(u"gui.png"_s), u"--after"_s, u"3"_s},
        30'000, true);
    QVERIFY2(QFile::exists(m_dir.filePath(u"gui.png"_s)), gui.err.constData());

    // Every file written, the SQLite files (and their -wal) included; the secrets' own folder is the only exception.
    int files = 0;
    for (QDirIterator it(m_dir.path(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories); it.hasNext();) {
        const QString path = it.next();
        if (path.startsWith(m_secrets + u'/'))
            continue;
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        expectNoCanary(path, file.readAll());
        ++files;
    }
    QVERIFY2(files >= 5, qPrintable(QString::number(files)));
    QVERIFY(QFile::exists(data + u"/breakerwatch.sqlite"_s));
    // The secrets were really sent (and checked), so their absence above means something.
    QVERIFY2(m_authorised >= 10, qPrintable(u"%1 authorised, %2 refused"_s.arg(m_authorised).arg(m_refused)));
    QCOMPARE(m_refused, 0);
    qInfo("checked %lld places and %d files:\n%s", static_cast<long long>(m_checked.size()), files,
          qPrintable(m_checked.join(u'\n')));
}

QTEST_GUILESS_MAIN(TestSecretsCanary)
#include "tst_secretscanary.moc"
