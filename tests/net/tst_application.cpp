// Application with a history store over real loopback HTTP: a named breaker that a metrics page shows only after
// start gets its recorded history back into its row of the display history, as the breakers named at start do.
#include "app/application.h"
#include "breaker/presetcatalog.h"
#include "config/configloader.h"
#include "httpserver/httpserver.h"
#include "store/historystore.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

class TestApplication final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void breakerFoundAfterStartGetsItsHistoryBack();
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

QTEST_GUILESS_MAIN(TestApplication)
#include "tst_application.moc"
