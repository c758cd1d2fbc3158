// Application with a history store over real loopback HTTP: a named breaker that a metrics page shows only after
// start gets its recorded history back into its row of the display history, as the breakers named at start do.
// Acknowledgements and local silences are kept in the store (real SQLite) and hold again after a restart; a silence
// that the configured Alertmanager cannot take is kept locally and says why.
#include "app/application.h"
#include "breaker/presetcatalog.h"
#include "config/configloader.h"
#include "httpserver/httpserver.h"
#include "store/historystore.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

class TestApplication final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void breakerFoundAfterStartGetsItsHistoryBack();
    void acknowledgementsAndSilencesSurviveARestart();
    void aSilenceAlertmanagerCannotTakeIsKeptLocally();
};

void TestApplication::breakerFoundAfterStartGetsItsHistoryBack()
{
    QElapsedTimer elapsed;
    elapsed.start();
    const std::int64_t wallStart = QDateTime::currentMSecsSinceEpoch();
    const auto clock = [&] { return wallStart + elapsed.elapsed(); };

    QByteArray page = "# nothing yet\n";
    bw::HttpServer server;
    server.route("GET", u"/up"_s, [](const bw::HttpRequest &, bw::HttpResponder r) {
        r.send(bw::HttpResponse::json(200, R"({"status":"UP"})"));
    });
    server.route("GET", u"/metrics"_s,
                 [&page](const bw::HttpRequest &, bw::HttpResponder r) { r.send(bw::HttpResponse::text(200, page)); });
    QVERIFY(server.listen(QHostAddress::LocalHost, 0).ok());
    const QString base = u"http://127.0.0.1:%1"_s.arg(server.port());
    const bw::BreakerId health{u"svc"_s, u"127.0.0.1:%1"_s.arg(server.port()), {}};
    const bw::BreakerId pay{u"svc"_s, health.instance, u"paymentGateway"_s};

    // A previous session's history of svc/paymentGateway@127.0.0.1:port.
    QTemporaryDir dir;
    bw::StoreOptions storeOptions;
    storeOptions.dataDir = dir.path();
    const std::int64_t opened = wallStart - 10 * 60'000;
    const std::int64_t halfOpen = wallStart - 5 * 60'000;
    {
        bw::HistoryStore store(storeOptions);
        QVERIFY(store.open(opened).ok());
        QVERIFY(store
                    .appendTransition(pay, bw::TrackKind::Simulated,
                                      {opened, bw::BreakerState::Closed, bw::BreakerState::Open, {}})
                    .ok());
        QVERIFY(store
                    .appendTransition(pay, bw::TrackKind::Simulated,
                                      {halfOpen, bw::BreakerState::Open, bw::BreakerState::HalfOpen, {}})
                    .ok());
        QVERIFY(store
                    .appendTransition(health, bw::TrackKind::Simulated,
                                      {opened + 1, bw::BreakerState::Closed, bw::BreakerState::Open, {}})
                    .ok());
    }

    const bw::PresetCatalog catalog;
    const QByteArray yaml = u"global: {interval: 100ms, timeout: 100ms}\nservices:\n"
                            u"  - name: svc\n    health: {url: %1/up, format: spring}\n"
                            u"    metrics: {url: '%1/metrics'}\n"_s.arg(base)
                                .toUtf8();
    auto config = bw::ConfigLoader(catalog).loadText(yaml, u"test.yml"_s, {});
    QVERIFY2(config.ok(), qPrintable(config.ok() ? QString() : config.error()));
    bw::Application::Options options;
    options.config = *config;
    options.store = storeOptions;
    QNetworkAccessManager network;
    bw::Application app(&network, clock, catalog, options);
    QVERIFY2(app.storeProblem().isEmpty(), qPrintable(app.storeProblem()));
    QCOMPARE(app.recorder().ids(), QList<bw::BreakerId>{health});
    // The breaker named at start has its history, as before.
    QCOMPARE(app.history().service(0).track(bw::TrackKind::Simulated).currentState(),
             std::optional(bw::BreakerState::Open));
    app.start();
    QTest::qWait(300); // a few polls with nothing but the health breaker

    page = "resilience4j_circuitbreaker_state{name=\"paymentGateway\",state=\"closed\"} 1\n";
    QTRY_VERIFY_WITH_TIMEOUT(app.recorder().rowOf(pay) >= 0, 5000);
    const int row = app.recorder().rowOf(pay);
    const auto transitions =
        app.history().service(row).track(bw::TrackKind::Simulated).transitions(opened - 1, clock() + 1);
    QVERIFY2(transitions.size() >= 1, qPrintable(QString::number(transitions.size())));
    QCOMPARE(transitions.front().t, halfOpen);
    QCOMPARE(transitions.front().from, bw::BreakerState::Open);
    QCOMPARE(transitions.front().to, bw::BreakerState::HalfOpen);
    QCOMPARE(app.history().service(row).track(bw::TrackKind::Simulated).runAt(opened)->state, bw::BreakerState::Open);
    // The health breaker's row kept its own history.
    const int healthRow = app.recorder().rowOf(health);
    QCOMPARE(app.history().service(healthRow).track(bw::TrackKind::Simulated).runAt(opened + 1)->state,
             bw::BreakerState::Open);
    app.stop();
}

namespace {

struct HealthService
{
    HealthService()
    {
        server.route("GET", u"/up"_s, [](const bw::HttpRequest &, bw::HttpResponder r) {
            r.send(bw::HttpResponse::json(200, R"({"status":"UP"})"));
        });
        listening = server.listen(QHostAddress::LocalHost, 0).ok();
    }
    bw::BreakerId id(const QString &service) const { return {service, u"127.0.0.1:%1"_s.arg(server.port()), {}}; }
    bw::HttpServer server;
    bool listening = false;
};

std::optional<bw::Alert> firing(bw::Application &app, const bw::BreakerId &id)
{
    for (const bw::Alert &a : app.alerts().alerts())
        if (a.active() && a.kind == bw::AlertKind::OpenLong && a.service == id.key())
            return a;
    return std::nullopt;
}

} // namespace

void TestApplication::acknowledgementsAndSilencesSurviveARestart()
{
    const auto clock = [] { return QDateTime::currentMSecsSinceEpoch(); };
    HealthService svc;
    QVERIFY(svc.listening);
    const bw::BreakerId checkout = svc.id(u"checkout"_s);
    const bw::BreakerId search = svc.id(u"search"_s);
    const bw::PresetCatalog catalog;
    // Two services on the same endpoint; BreakerOpen fires as soon as a breaker is seen open.
    const QByteArray yaml =
        u"global: {interval: 100ms, timeout: 100ms}\n"
        u"alerting: {rules: {open_after: 1ms}}\n"
        u"services:\n"
        u"  - name: checkout\n    health: {url: 'http://%1/up', format: spring}\n"
        u"  - name: search\n    health: {url: 'http://%1/up', format: spring}\n"_s.arg(checkout.instance)
            .toUtf8();
    auto config = bw::ConfigLoader(catalog).loadText(yaml, u"test.yml"_s, {});
    QVERIFY2(config.ok(), qPrintable(config.ok() ? QString() : config.error()));
    QTemporaryDir dir;
    bw::Application::Options options;
    options.config = *config;
    bw::StoreOptions storeOptions;
    storeOptions.dataDir = dir.path();
    options.store = storeOptions;
    QNetworkAccessManager network;
    QString silenceId;
    {
        bw::Application app(&network, clock, catalog, options);
        QVERIFY2(app.storeProblem().isEmpty(), qPrintable(app.storeProblem()));
        app.start();
        QTRY_VERIFY_WITH_TIMEOUT(app.monitor().status(checkout).lastCheckMs >= 0, 5000);
        QVERIFY(app.monitor().forceOpen(checkout).ok());
        QTRY_VERIFY_WITH_TIMEOUT(firing(app, checkout).has_value(), 5000);
        QCOMPARE(app.alertDesk().acknowledge({*firing(app, checkout)}, u"alice"_s, u"on it"_s), 1);
        QCOMPARE(app.alertDesk().acknowledge({*firing(app, checkout)}, u"bob"_s), 0); // once per episode
        bw::Silence quiet;
        quiet.matchers = {{u"service"_s, u"search"_s}};
        quiet.startsAtMs = clock();
        quiet.endsAtMs = quiet.startsAtMs + 3600'000;
        quiet.createdBy = u"alice"_s;
        quiet.comment = u"search reindex"_s;
        std::optional<bw::Result<bw::AlertDesk::SilenceOutcome>> outcome;
        app.alertDesk().silence(quiet, [&](const auto &r) { outcome = r; }); // no Alertmanager: locally, at once
        QVERIFY(outcome.has_value() && outcome->ok());
        QCOMPARE((*outcome)->silence.origin, bw::SilenceOrigin::Local);
        silenceId = (*outcome)->silence.id;
        app.storeRecorder()->flush();
        app.stop();
    }

    // The next session: the acknowledgement waits for checkout's alert and takes its first episode; the silence
    // holds for search's alerts; the audit log tells the story.
    bw::Application app(&network, clock, catalog, options);
    QVERIFY2(app.storeProblem().isEmpty(), qPrintable(app.storeProblem()));
    QCOMPARE(app.alertDesk().localSilences().size(), 1);
    QCOMPARE(app.alertDesk().localSilences()[0].id, silenceId);
    QCOMPARE(app.alertDesk().localSilences()[0].comment, u"search reindex"_s);
    QCOMPARE(app.alertDesk().acknowledgements().size(), 1);
    QVERIFY(app.alertDesk().acknowledgements()[0].carried);
    const auto audited = [&](const QString &action) {
        QStringList who;
        for (const bw::AuditEntry &e : app.audit().entries())
            if (e.action == action)
                who << e.who + u' ' + e.service;
        return who;
    };
    QCOMPARE(audited(u"acknowledge"_s), QStringList{u"alice "_s + checkout.key()});
    QCOMPARE(audited(u"silence"_s), QStringList{u"alice service=\"search\""_s});
    app.start();
    QTRY_VERIFY_WITH_TIMEOUT(app.monitor().status(search).lastCheckMs >= 0, 5000);
    QVERIFY(app.monitor().forceOpen(checkout).ok());
    QVERIFY(app.monitor().forceOpen(search).ok());
    QTRY_VERIFY_WITH_TIMEOUT(firing(app, checkout) && firing(app, search), 5000);
    const bw::AlertDesk::Marks checkoutMarks = app.alertDesk().marks(*firing(app, checkout), clock());
    QVERIFY(checkoutMarks.acknowledged());
    QCOMPARE(checkoutMarks.acknowledgement->who, u"alice"_s);
    QCOMPARE(checkoutMarks.acknowledgement->comment, u"on it"_s);
    QCOMPARE(checkoutMarks.acknowledgement->firedAtMs, firing(app, checkout)->firedAtMs); // adopted
    QVERIFY(!checkoutMarks.silenced());
    const bw::AlertDesk::Marks searchMarks = app.alertDesk().marks(*firing(app, search), clock());
    QVERIFY(!searchMarks.acknowledged());
    QVERIFY(searchMarks.silenced());
    QCOMPARE(searchMarks.silencedBy[0].id, silenceId);

    // The episode ends: so does its acknowledgement, in the store too; the next episode is news again.
    QVERIFY(app.monitor().reset(checkout).ok());
    QTRY_VERIFY_WITH_TIMEOUT(!firing(app, checkout), 5000);
    QVERIFY(app.alertDesk().acknowledgements().isEmpty());
    QVERIFY(app.monitor().forceOpen(checkout).ok());
    QTRY_VERIFY_WITH_TIMEOUT(firing(app, checkout).has_value(), 5000);
    QVERIFY(!app.alertDesk().marks(*firing(app, checkout), clock()).acknowledged());
    // Expired by hand: gone from the store as well.
    std::optional<bw::Status> expired;
    app.alertDesk().expireSilence(silenceId, u"alice"_s, [&](const bw::Status &s) { expired = s; });
    QVERIFY(expired.has_value() && expired->ok());
    QVERIFY(!app.alertDesk().marks(*firing(app, search), clock()).silenced());
    app.storeRecorder()->flush();
    app.stop();
    const auto [acks, silences] = app.store()->call([&](bw::HistoryStore &s) {
        return std::pair{s.acknowledgements(0), s.silences(clock())};
    });
    QVERIFY(acks.ok() && silences.ok());
    QCOMPARE(acks->size(), 1u);
    QVERIFY((*acks)[0].endedAtMs.has_value());
    QCOMPARE(silences->size(), 0u);
}

void TestApplication::aSilenceAlertmanagerCannotTakeIsKeptLocally()
{
    // An Alertmanager is configured, but nothing listens there.
    QTcpServer closed;
    QVERIFY(closed.listen(QHostAddress::LocalHost, 0));
    const quint16 port = closed.serverPort();
    closed.close();
    const bw::PresetCatalog catalog;
    auto config = bw::ConfigLoader(catalog).loadText(
        u"services:\n  - name: a\n    health: {url: 'http://127.0.0.1:1/'}\n"
        u"alerting:\n  alertmanagers:\n    - static_configs: [{targets: ['127.0.0.1:%1']}]\n"_s.arg(port)
            .toUtf8(),
        u"test.yml"_s, {});
    QVERIFY2(config.ok(), qPrintable(config.ok() ? QString() : config.error()));
    bw::Application::Options options;
    options.config = *config;
    QNetworkAccessManager network;
    const auto clock = [] { return QDateTime::currentMSecsSinceEpoch(); };
    bw::Application app(&network, clock, catalog, options);
    bw::Silence s;
    s.matchers = {{u"service"_s, u"a"_s}};
    s.startsAtMs = clock();
    s.endsAtMs = s.startsAtMs + 60'000;
    s.createdBy = u"alice"_s;
    s.comment = u"deploy"_s;
    std::optional<bw::Result<bw::AlertDesk::SilenceOutcome>> outcome;
    app.alertDesk().silence(s, [&](const auto &r) { outcome = r; });
    QTRY_VERIFY_WITH_TIMEOUT(outcome.has_value(), 5000);
    QVERIFY(outcome->ok());
    QCOMPARE((*outcome)->silence.origin, bw::SilenceOrigin::Local);
    QVERIFY2((*outcome)->problem.contains(u"connection_refused"_s), qPrintable((*outcome)->problem));
    QCOMPARE(app.alertDesk().localSilences().size(), 1);
    // A silence that is not one is refused at once, wherever it would go.
    bw::Silence empty = s;
    empty.comment.clear();
    outcome.reset();
    app.alertDesk().silence(empty, [&](const auto &r) { outcome = r; });
    QVERIFY(outcome.has_value() && !outcome->ok());
    QVERIFY(outcome->error().contains(u"comment"_s));
}

QTEST_GUILESS_MAIN(TestApplication)
#include "tst_application.moc"
