// A real Alertmanager (the Debian package prometheus-alertmanager) on a free loopback port, fed by an Application
// configured with alerting.alertmanagers: a breaker forced open raises BreakerOpen there with Breakerwatch's labels,
// closing it resolves it there, and an Alertmanager stopped and started again (it keeps alerts only in memory) gets
// the firing alert back with the next resend. Silences go both ways: one made in Alertmanager shows the alert
// silenced in Breakerwatch, one made from Breakerwatch is created there (and silences the alert there too), and
// expiring it from Breakerwatch expires it there.
#include "../support/externalprocess.h"

#include "app/application.h"
#include "breaker/presetcatalog.h"
#include "config/configloader.h"
#include "httpserver/httpserver.h"
#include "probe/httpprober.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QScopeGuard>
#include <QTest>

using namespace Qt::StringLiterals;
using State = bw::AlertmanagerStatus::State;

namespace {
const QString kBinary = u"/usr/bin/prometheus-alertmanager"_s;
}

class TestAlertmanager final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void alertsReachAlertmanagerResolveAndSurviveItsRestart();
    void silencesBothWays();
    void httpsWithPathPrefixAndTheConfiguredCa();

private:
    bool startAlertmanager()
    {
        return m_alertmanager.start(kBinary,
                                    {u"--config.file="_s + m_dir.filePath(u"alertmanager.yml"_s),
                                     u"--storage.path="_s + m_dir.filePath(u"data"_s),
                                     u"--web.listen-address=127.0.0.1:%1"_s.arg(m_port),
                                     u"--cluster.listen-address="_s},
                                    m_port, u"/-/ready"_s);
    }
    // One request to the real Alertmanager's API; the body of its answer.
    QByteArray request(const QByteArray &method, const QString &path, const QByteArray &body = {})
    {
        QNetworkRequest request(QUrl(m_alertmanager.base() + path));
        request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
        QNetworkReply *reply = m_network.sendCustomRequest(request, method, body);
        QElapsedTimer wait;
        wait.start();
        while (!reply->isFinished() && wait.elapsed() < 5000)
            QTest::qWait(10);
        const QByteArray out = reply->readAll();
        delete reply;
        return out;
    }
    // The alerts the real Alertmanager holds for `service` (only the active ones when asked).
    QJsonArray alerts(bool activeOnly, const QString &service = u"svc"_s)
    {
        return QJsonDocument::fromJson(
                   request("GET", u"/api/v2/alerts?filter=service%3D%22"_s + service + u"%22"_s +
                                      (activeOnly ? u"&active=true&silenced=false&inhibited=false&unprocessed=false"_s
                                                  : QString())))
            .array();
    }
    QJsonObject silence(const QString &id)
    {
        return QJsonDocument::fromJson(request("GET", u"/api/v2/silence/"_s + id)).object();
    }
    QJsonObject breakerOpen(bool activeOnly)
    {
        for (const QJsonValue &v : alerts(activeOnly))
            if (v[u"labels"_s][u"alertname"_s] == u"BreakerOpen"_s)
                return v.toObject();
        return {};
    }

    QTemporaryDir m_dir;
    quint16 m_port = 0;
    ExternalServer m_alertmanager;
    QNetworkAccessManager m_network;
};

void TestAlertmanager::initTestCase()
{
    if (!QFile::exists(kBinary))
        QSKIP("prometheus-alertmanager is not installed (apt-get install prometheus-alertmanager)");
    QVERIFY(m_dir.isValid());
    QFile config(m_dir.filePath(u"alertmanager.yml"_s));
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write("route: {receiver: blackhole, group_wait: 1s}\nreceivers: [{name: blackhole}]\n");
    config.close();
    m_port = freeLoopbackPort();
    QVERIFY2(startAlertmanager(), m_alertmanager.output().constData());
}

void TestAlertmanager::alertsReachAlertmanagerResolveAndSurviveItsRestart()
{
    bw::HttpServer service;
    service.route("GET", u"/up"_s, [](const bw::HttpRequest &, bw::HttpResponder r) {
        r.send(bw::HttpResponse::json(200, R"({"status":"UP"})"));
    });
    QVERIFY(service.listen(QHostAddress::LocalHost, 0).ok());
    const QString instance = u"127.0.0.1:%1"_s.arg(service.port());
    const bw::BreakerId health{u"svc"_s, instance, {}};

    const bw::PresetCatalog catalog;
    const QByteArray yaml = u"global: {interval: 200ms, timeout: 200ms}\n"
                            u"services:\n  - name: svc\n    health: {url: 'http://%1/up', format: spring}\n"
                            u"alerting:\n  alertmanagers:\n    - static_configs: [{targets: ['127.0.0.1:%2']}]\n"
                            u"      timeout: 2s\n"_s.arg(instance)
                                .arg(m_port)
                                .toUtf8();
    auto config = bw::ConfigLoader(catalog).loadText(yaml, u"test.yml"_s, {});
    QVERIFY2(config.ok(), qPrintable(config.ok() ? QString() : config.error()));
    bw::Application::Options options;
    options.config = *config;
    options.config.alertRules.openLongMs = 0; // BreakerOpen as soon as the breaker is seen open
    options.alertmanager.resendMs = 3000; // a firing alert's endsAt is 12 s ahead: only our resolution ends it sooner
    options.alertmanager.tickMs = 100;
    options.alertmanager.firstRetryMs = 200;
    options.alertmanager.maxRetryMs = 500;
    QNetworkAccessManager network;
    bw::Application app(
        &network, [] { return QDateTime::currentMSecsSinceEpoch(); }, catalog, options);
    app.start();
    QTRY_VERIFY_WITH_TIMEOUT(app.monitor().status(health).lastCheckMs >= 0, 5000);
    QVERIFY(breakerOpen(false).isEmpty());

    // Forced open: BreakerOpen reaches Alertmanager with our labels.
    QVERIFY(app.monitor().forceOpen(health).ok());
    QTRY_VERIFY_WITH_TIMEOUT(!breakerOpen(true).isEmpty(), 10'000);
    const QJsonObject fired = breakerOpen(true);
    QCOMPARE(fired[u"labels"_s].toObject(), (QJsonObject{{u"alertname"_s, u"BreakerOpen"_s},
                                                         {u"severity"_s, u"warning"_s},
                                                         {u"service"_s, u"svc"_s},
                                                         {u"breaker"_s, u"health"_s},
                                                         {u"instance"_s, instance},
                                                         {u"origin"_s, u"simulated"_s}}));
    QVERIFY(fired[u"annotations"_s][u"summary"_s].toString().startsWith(u"svc@"_s));
    QVERIFY(!fired[u"annotations"_s][u"why"_s].toString().isEmpty());
    QCOMPARE(fired[u"status"_s][u"state"_s].toString(), u"active"_s);
    QCOMPARE(app.alertmanager().statuses().size(), 1);
    QCOMPARE(app.alertmanager().statuses()[0].state, State::Ok);

    // Closed: resolved there (well before the endsAt it fired with).
    const QDateTime endsAt = QDateTime::fromString(fired[u"endsAt"_s].toString(), Qt::ISODateWithMs);
    QVERIFY(endsAt > QDateTime::currentDateTimeUtc().addSecs(6));
    QVERIFY(app.monitor().reset(health).ok());
    QTRY_VERIFY_WITH_TIMEOUT(breakerOpen(true).isEmpty(), 5000);
    QVERIFY(QDateTime::currentDateTimeUtc() < endsAt);
    QCOMPARE(app.alertmanager().firingCount(), 0);

    // Open again, then Alertmanager goes away and comes back empty: the firing alert is there again after the
    // next resend.
    QVERIFY(app.monitor().forceOpen(health).ok());
    QTRY_VERIFY_WITH_TIMEOUT(!breakerOpen(true).isEmpty(), 10'000);
    m_alertmanager.stop();
    QTRY_COMPARE_WITH_TIMEOUT(app.alertmanager().statuses()[0].state, State::Failing, 5000);
    QVERIFY(!app.alertmanager().statuses()[0].lastError.isEmpty());
    QVERIFY2(startAlertmanager(), m_alertmanager.output().constData());
    QTRY_VERIFY_WITH_TIMEOUT(!breakerOpen(true).isEmpty(), 10'000);
    QTRY_COMPARE_WITH_TIMEOUT(app.alertmanager().statuses()[0].state, State::Ok, 5000);
    QCOMPARE(breakerOpen(true)[u"labels"_s][u"instance"_s].toString(), instance);
    app.stop();
}

void TestAlertmanager::silencesBothWays()
{
    // Its own service ("quiet"), so that the silences made here touch no other test's alerts.
    bw::HttpServer service;
    service.route("GET", u"/up"_s, [](const bw::HttpRequest &, bw::HttpResponder r) {
        r.send(bw::HttpResponse::json(200, R"({"status":"UP"})"));
    });
    QVERIFY(service.listen(QHostAddress::LocalHost, 0).ok());
    const QString instance = u"127.0.0.1:%1"_s.arg(service.port());
    const bw::BreakerId health{u"quiet"_s, instance, {}};
    const bw::PresetCatalog catalog;
    // BreakerOpen as soon as the breaker is seen open, by this service's own alert rules.
    const QByteArray yaml =
        u"global: {interval: 200ms, timeout: 200ms}\n"
        u"services:\n  - name: quiet\n    health: {url: 'http://%1/up', format: spring}\n"
        u"    alert_rules: {open_after: 1ms}\n"
        u"alerting:\n  alertmanagers:\n    - static_configs: [{targets: ['127.0.0.1:%2']}]\n"_s.arg(instance)
            .arg(m_port)
            .toUtf8();
    auto config = bw::ConfigLoader(catalog).loadText(yaml, u"test.yml"_s, {});
    QVERIFY2(config.ok(), qPrintable(config.ok() ? QString() : config.error()));
    bw::Application::Options options;
    options.config = *config;
    options.alertmanager.tickMs = 100;
    options.silences.pollMs = 300;
    options.silences.tickMs = 100;
    QNetworkAccessManager network;
    const auto now = [] { return QDateTime::currentMSecsSinceEpoch(); };
    bw::Application app(&network, now, catalog, options);
    app.start();
    QVERIFY(app.alertmanagerSilences().configured());
    QTRY_VERIFY_WITH_TIMEOUT(app.monitor().status(health).lastCheckMs >= 0, 5000);
    QVERIFY(app.monitor().forceOpen(health).ok());
    const auto firing = [&]() -> std::optional<bw::Alert> {
        for (const bw::Alert &a : app.alerts().alerts())
            if (a.active() && a.kind == bw::AlertKind::OpenLong && a.service == health.key())
                return a;
        return std::nullopt;
    };
    QTRY_VERIFY_WITH_TIMEOUT(firing().has_value(), 5000);
    QVERIFY(!app.alertDesk().marks(*firing(), now()).silenced());

    // 1. A silence made in Alertmanager (as amtool or its web UI make them): the alert shows silenced here.
    const QDateTime start = QDateTime::currentDateTimeUtc();
    const QJsonObject made =
        QJsonDocument::fromJson(
            request("POST", u"/api/v2/silences"_s,
                    QJsonDocument(QJsonObject{{u"matchers"_s, QJsonArray{QJsonObject{{u"name"_s, u"service"_s},
                                                                                     {u"value"_s, u"quiet"_s},
                                                                                     {u"isRegex"_s, false},
                                                                                     {u"isEqual"_s, true}}}},
                                              {u"startsAt"_s, start.toString(Qt::ISODateWithMs)},
                                              {u"endsAt"_s, start.addSecs(3600).toString(Qt::ISODateWithMs)},
                                              {u"createdBy"_s, u"oncall"_s},
                                              {u"comment"_s, u"made in Alertmanager"_s}})
                        .toJson()))
            .object();
    const QString amId = made[u"silenceID"_s].toString();
    QVERIFY2(!amId.isEmpty(), QJsonDocument(made).toJson().constData());
    QTRY_VERIFY_WITH_TIMEOUT(app.alertDesk().marks(*firing(), now()).silenced(), 5000);
    const bw::AlertDesk::Marks marks = app.alertDesk().marks(*firing(), now());
    QCOMPARE(marks.silencedBy.size(), 1);
    QCOMPARE(marks.silencedBy[0].id, amId);
    QCOMPARE(marks.silencedBy[0].origin, bw::SilenceOrigin::Alertmanager);
    QCOMPARE(marks.silencedBy[0].createdBy, u"oncall"_s);
    QCOMPARE(marks.silencedBy[0].comment, u"made in Alertmanager"_s);
    QCOMPARE(app.alertmanagerSilences().statuses().size(), 1);
    QVERIFY(app.alertmanagerSilences().statuses()[0].ok());
    // Expired there: no longer silenced here.
    request("DELETE", u"/api/v2/silence/"_s + amId);
    QTRY_VERIFY_WITH_TIMEOUT(!app.alertDesk().marks(*firing(), now()).silenced(), 5000);

    // 2. A silence made from Breakerwatch (the GUI's Silence... dialog): created in Alertmanager, which silences the
    // alert too.
    bw::Silence wanted;
    wanted.matchers = bw::matchersFor(*firing(), bw::SilenceScope::Instance);
    wanted.startsAtMs = now();
    wanted.endsAtMs = wanted.startsAtMs + 2 * 3600'000;
    wanted.createdBy = u"alice"_s;
    wanted.comment = u"maintenance window, OPS-42"_s;
    std::optional<bw::Result<bw::AlertDesk::SilenceOutcome>> outcome;
    app.alertDesk().silence(wanted, [&](const bw::Result<bw::AlertDesk::SilenceOutcome> &r) { outcome = r; });
    QTRY_VERIFY_WITH_TIMEOUT(outcome.has_value(), 5000);
    QVERIFY2(outcome->ok(), qPrintable(outcome->ok() ? QString() : outcome->error()));
    const bw::Silence created = (*outcome)->silence;
    QVERIFY2((*outcome)->problem.isEmpty(), qPrintable((*outcome)->problem));
    QCOMPARE(created.origin, bw::SilenceOrigin::Alertmanager);
    QVERIFY(!created.id.isEmpty());
    QVERIFY(app.alertDesk().localSilences().isEmpty());
    const QJsonObject there = silence(created.id);
    QCOMPARE(there[u"status"_s][u"state"_s].toString(), u"active"_s);
    QCOMPARE(there[u"createdBy"_s].toString(), u"alice"_s);
    QCOMPARE(there[u"comment"_s].toString(), u"maintenance window, OPS-42"_s);
    QJsonObject labels;
    for (const QJsonValue &m : there[u"matchers"_s].toArray()) {
        QVERIFY(!m[u"isRegex"_s].toBool());
        labels.insert(m[u"name"_s].toString(), m[u"value"_s]);
    }
    QCOMPARE(labels, (QJsonObject{{u"service"_s, u"quiet"_s}, {u"breaker"_s, u"health"_s}, {u"instance"_s, instance}}));
    QCOMPARE(QDateTime::fromString(there[u"endsAt"_s].toString(), Qt::ISODateWithMs).toMSecsSinceEpoch(),
             wanted.endsAtMs);
    // Alertmanager itself holds the alert as suppressed by it: the team's paging is quiet too.
    const auto suppressedBy = [&] {
        for (const QJsonValue &a : alerts(false, u"quiet"_s))
            if (a[u"labels"_s][u"alertname"_s] == u"BreakerOpen"_s)
                return a[u"status"_s][u"silencedBy"_s].toArray();
        return QJsonArray();
    };
    QTRY_COMPARE_WITH_TIMEOUT(suppressedBy(), QJsonArray{created.id}, 5000);
    QTRY_VERIFY_WITH_TIMEOUT(app.alertDesk().marks(*firing(), now()).silenced(), 5000);
    QCOMPARE(app.alertDesk().marks(*firing(), now()).silencedBy[0].id, created.id);
    // The audit log says who silenced what, where.
    const auto audited = [&](const QString &action) {
        for (const bw::AuditEntry &e : app.audit().entries())
            if (e.action == action && e.target == u"Alertmanager silence"_s)
                return e;
        return bw::AuditEntry{};
    };
    QCOMPARE(audited(u"silence"_s).who, u"alice"_s);
    QCOMPARE(audited(u"silence"_s).outcome, u"done"_s);
    QVERIFY(audited(u"silence"_s).detail.contains(created.id));

    // 3. Expired from Breakerwatch: expired in Alertmanager, and the alert is news again.
    std::optional<bw::Status> expired;
    app.alertDesk().expireSilence(created.id, u"alice"_s, [&](const bw::Status &s) { expired = s; });
    QTRY_VERIFY_WITH_TIMEOUT(expired.has_value(), 5000);
    QVERIFY2(expired->ok(), qPrintable(expired->ok() ? QString() : expired->error()));
    QCOMPARE(silence(created.id)[u"status"_s][u"state"_s].toString(), u"expired"_s);
    QTRY_VERIFY_WITH_TIMEOUT(!app.alertDesk().marks(*firing(), now()).silenced(), 5000);
    QCOMPARE(audited(u"expire silence"_s).outcome, u"done"_s);
    app.stop();
}

void TestAlertmanager::httpsWithPathPrefixAndTheConfiguredCa()
{
    // Alertmanager behind TLS (its --web.config.file) under /am (--web.route-prefix), as a reverse proxy would put
    // it; Breakerwatch reaches it with scheme, path_prefix and tls_config.ca_file, and refuses it without the CA.
    const QString tls = QStringLiteral(BW_TEST_DATA_DIR "/tls");
    QFile web(m_dir.filePath(u"web.yml"_s));
    QVERIFY(web.open(QIODevice::WriteOnly));
    web.write(u"tls_server_config: {cert_file: '%1/server.crt', key_file: '%1/server.key'}\n"_s.arg(tls).toUtf8());
    web.close();
    const quint16 port = freeLoopbackPort();
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(kBinary, {u"--config.file="_s + m_dir.filePath(u"alertmanager.yml"_s),
                            u"--storage.path="_s + m_dir.filePath(u"data-tls"_s),
                            u"--web.listen-address=127.0.0.1:%1"_s.arg(port), u"--cluster.listen-address="_s,
                            u"--web.config.file="_s + web.fileName(), u"--web.route-prefix=/am"_s});
    QVERIFY(process.waitForStarted(5000));
    const auto stop = qScopeGuard([&] {
        process.terminate();
        if (!process.waitForFinished(5000))
            process.kill();
    });

    const bw::PresetCatalog catalog;
    const auto config =
        bw::ConfigLoader(catalog).loadText(u"services:\n  - name: svc\n    health: {url: 'http://127.0.0.1:1/'}\n"
                                           u"alerting:\n  alertmanagers:\n    - scheme: https\n      path_prefix: am/\n"
                                           u"      tls_config: {ca_file: '%1/ca.crt'}\n"
                                           u"      static_configs: [{targets: ['127.0.0.1:%2']}]\n"_s.arg(tls)
                                               .arg(port)
                                               .toUtf8(),
                                           u"test.yml"_s, {});
    QVERIFY2(config.ok(), qPrintable(config.ok() ? QString() : config.error()));
    bw::HttpProber prober(&m_network);
    const auto get = [&](const QString &path) {
        bw::ProbeRequest request;
        request.url = QUrl(u"https://127.0.0.1:%1/am%2"_s.arg(port).arg(path));
        request.tls = config->alertmanagers[0].tls;
        std::optional<bw::ProbeResult> result;
        prober.probe(request, 0, [&result](const bw::ProbeResult &r) { result = r; });
        QElapsedTimer wait;
        wait.start();
        while (!result && wait.elapsed() < 5000)
            QTest::qWait(10);
        return result.value_or(bw::ProbeResult{});
    };
    QTRY_VERIFY_WITH_TIMEOUT(get(u"/-/ready"_s).ok(), 15'000);

    bw::AlertmanagerClient::Options options;
    options.tickMs = 100;
    bw::AlertmanagerClient client(
        &prober, [] { return QDateTime::currentMSecsSinceEpoch(); }, options);
    client.setAlertmanagers(config->alertmanagers);
    bw::Alert alert;
    alert.service = u"svc/paymentGateway@127.0.0.1:8080"_s;
    alert.kind = bw::AlertKind::OpenVeryLong;
    alert.firedAtMs = QDateTime::currentMSecsSinceEpoch();
    alert.summary = u"svc/paymentGateway@127.0.0.1:8080: simulated breaker not closed for 10m"_s;
    client.alertFired(alert);
    const auto held = [&] {
        return QJsonDocument::fromJson(get(u"/api/v2/alerts?filter=service%3D%22svc%22"_s).body).array();
    };
    QTRY_COMPARE_WITH_TIMEOUT(held().size(), 1, 10'000);
    QCOMPARE(held()[0][u"labels"_s][u"alertname"_s].toString(), u"BreakerOpenLong"_s);
    QCOMPARE(held()[0][u"labels"_s][u"breaker"_s].toString(), u"paymentGateway"_s);
    QCOMPARE(client.statuses()[0].url, QUrl(u"https://127.0.0.1:%1/am/api/v2/alerts"_s.arg(port)));
    QCOMPARE(client.statuses()[0].state, State::Ok);

    // The same Alertmanager without our CA: its certificate is refused, and the status says why.
    std::vector<bw::AlertmanagerConfig> untrusted = config->alertmanagers;
    untrusted[0].tls = {};
    bw::AlertmanagerClient strict(
        &prober, [] { return QDateTime::currentMSecsSinceEpoch(); }, options);
    strict.setAlertmanagers(untrusted);
    strict.alertFired(alert);
    QTRY_COMPARE_WITH_TIMEOUT(strict.statuses()[0].state, State::Failing, 10'000);
    QVERIFY2(strict.statuses()[0].lastError.startsWith(u"tls"_s), qPrintable(strict.statuses()[0].lastError));
}

QTEST_GUILESS_MAIN(TestAlertmanager)
#include "tst_alertmanager.moc"
