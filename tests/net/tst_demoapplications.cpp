// The demo fleet as real fleets look (FleetLayout::Applications): applications with named breakers and several
// instances in the three shapes, served over real sockets in the libraries' own formats, a shared downstream that
// opens breakers in several services together, one flapping instance, and FleetMonitor finding every breaker of it.
#include "config/configloader.h"
#include "demo/demofleet.h"
#include "flapping/flappingrule.h"
#include "history/fleethistory.h"
#include "history/historyrecorder.h"
#include "monitor/fleetmonitor.h"
#include "probe/httpprober.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QSet>
#include <QTest>

using namespace Qt::StringLiterals;

class TestDemoApplications final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void applicationsLookLikeRealOnes();
    void everyShapeServesItsBreakersTheLibrarysWay();
    void hystrixStreamCarriesEveryCommand();
    void sharedDownstreamOpensBreakersInSeveralServices();
    void onlyTheFlappingInstanceFlaps();
    void monitorFindsEveryBreakerOfTheFleet();
    void reloadAddingAndRemovingInstancesKeepsEveryOtherBreakersHistory();

private:
    QByteArray get(const QUrl &url, int *status = nullptr);
    QNetworkAccessManager m_network;
};

QByteArray TestDemoApplications::get(const QUrl &url, int *status)
{
    std::unique_ptr<QNetworkReply> reply(m_network.get(QNetworkRequest(url)));
    [&] { QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), 10'000); }();
    if (status)
        *status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    return reply->readAll();
}

void TestDemoApplications::applicationsLookLikeRealOnes()
{
    const auto apps = bw::demoApplications(120, std::nullopt, 1);
    QCOMPARE(apps.size(), std::size_t(120));
    QSet<QString> names;
    QSet<bw::AppShape> shapes;
    QSet<QString> sharing; // applications with a breaker in front of the shared downstream
    int flapping = 0;
    int dead = 0;
    for (const bw::DemoApplication &app : apps) {
        QVERIFY2(!names.contains(app.name), qPrintable(app.name));
        names.insert(app.name);
        shapes.insert(app.shape);
        QVERIFY2(app.instances.size() >= 2 && app.instances.size() <= 3, qPrintable(app.name));
        for (const bw::DemoInstanceSpec &instance : app.instances) {
            QCOMPARE(instance.service, app.name);
            QCOMPARE(instance.shape, app.shape);
            QVERIFY2(instance.breakers.size() >= 2 && instance.breakers.size() <= 4, qPrintable(app.name));
            QCOMPARE(instance.breakers.size(), app.instances.front().breakers.size()); // same breakers everywhere
            dead += instance.health.mode() == bw::BehaviourMode::Dead ? 1 : 0;
            for (const bw::DemoBreakerSpec &b : instance.breakers) {
                if (b.downstream == QLatin1StringView(bw::kSharedDownstream)) {
                    sharing.insert(app.name);
                    QCOMPARE(b.behaviour.mode(), bw::BehaviourMode::Outage);
                }
                flapping += b.behaviour.mode() == bw::BehaviourMode::Flapping ? 1 : 0;
            }
        }
    }
    QCOMPARE(shapes.size(), 3);
    QVERIFY2(sharing.size() >= 5, qPrintable(QString::number(sharing.size())));
    QCOMPARE(flapping, 1); // one flapping instance, not a flapping application
    QCOMPARE(dead, 1);
    const auto checkout = apps.front();
    QCOMPARE(checkout.name, u"checkout"_s);
    QCOMPARE(checkout.instances[1].breakers[1].behaviour.mode(), bw::BehaviourMode::Flapping);
    QCOMPARE(checkout.instances[0].breakers[1].behaviour.mode(), bw::BehaviourMode::Healthy);

    // One scenario for everyone overrides the mix, and the same seed gives the same fleet.
    for (const bw::DemoApplication &app : bw::demoApplications(10, bw::BehaviourMode::Healthy, 1)) {
        for (const bw::DemoInstanceSpec &instance : app.instances) {
            QCOMPARE(instance.health.mode(), bw::BehaviourMode::Healthy);
            for (const bw::DemoBreakerSpec &b : instance.breakers)
                QCOMPARE(b.behaviour.mode(), bw::BehaviourMode::Healthy);
        }
    }
    const auto again = bw::demoApplications(120, std::nullopt, 1);
    QCOMPARE(again[57].instances[1].breakers[0].name, apps[57].instances[1].breakers[0].name);
    QCOMPARE(again[57].instances[1].breakers[0].behaviour.seed(), apps[57].instances[1].breakers[0].behaviour.seed());
}

void TestDemoApplications::everyShapeServesItsBreakersTheLibrarysWay()
{
    std::int64_t now = 5'000;
    bw::DemoFleet fleet([&now] { return now; }, 1'700'000'000'000LL);
    QVERIFY(fleet.start({QHostAddress::LocalHost, 0, 3, u"default"_s, 1}).ok());
    QCOMPARE(fleet.applicationCount(), 3);
    QCOMPARE(fleet.services().size(), std::size_t(3 + 2 + 2));
    QCOMPARE(fleet.breakerCount(), 3 * 3 + 2 * 3 + 2 * 3);

    // Resilience4j: every breaker on the metrics page, the actuator, the health indicator and the events.
    bw::DemoService *checkout = fleet.service(u"checkout"_s);
    QCOMPARE(checkout->shape(), bw::AppShape::Resilience4j);
    const QByteArray r4jMetrics = get(checkout->baseUrl().resolved(QUrl(u"/metrics"_s)));
    const QJsonObject actuator =
        QJsonDocument::fromJson(get(checkout->baseUrl().resolved(QUrl(u"/actuator/circuitbreakers"_s))))
            .object()[u"circuitBreakers"_s]
            .toObject();
    const QJsonObject indicator =
        QJsonDocument::fromJson(get(checkout->baseUrl().resolved(QUrl(u"/actuator/health"_s))))
            .object()[u"components"_s][u"circuitBreakers"_s][u"details"_s]
            .toObject();
    for (const QString &name : {u"paymentGateway"_s, u"inventoryClient"_s, u"fraudCheck"_s}) {
        QVERIFY2(r4jMetrics.contains(QByteArray("resilience4j_circuitbreaker_state{name=\"" + name.toUtf8() +
                                                "\",state=\"closed\"} 1")),
                 qPrintable(name));
        QVERIFY(r4jMetrics.contains(QByteArray(
            "resilience4j_circuitbreaker_calls_seconds_count{kind=\"successful\",name=\"" + name.toUtf8() + "\"}")));
        QCOMPARE(actuator[name][u"state"_s].toString(), u"CLOSED"_s);
        QCOMPARE(indicator[name][u"details"_s][u"state"_s].toString(), u"CLOSED"_s);
    }
    QCOMPARE(actuator.size(), 3);
    int status = 0;
    get(checkout->baseUrl().resolved(QUrl(u"/actuator/circuitbreakerevents/nope/state_transition"_s)), &status);
    QCOMPARE(status, 404);

    // opossum: opossum-prometheus counters, no state gauge and no halfOpen series.
    bw::DemoService *search = fleet.service(u"search"_s);
    QCOMPARE(search->shape(), bw::AppShape::Opossum);
    const QByteArray opossum = get(search->baseUrl().resolved(QUrl(u"/metrics"_s)));
    QVERIFY(opossum.contains("# TYPE circuit counter\n"));
    for (const char *name : {"catalog", "suggest", "rates"})
        QVERIFY2(opossum.contains(QByteArray(QByteArray("circuit{name=\"") + name + "\",event=\"fire\"} 51")), name);
    QVERIFY(!opossum.contains("halfOpen"));
    QVERIFY(!opossum.contains("resilience4j"));
    get(search->baseUrl().resolved(QUrl(u"/actuator/circuitbreakers"_s)), &status);
    QCOMPARE(status, 404);

    // The seed's status page: a map keyed by downstream URL.
    bw::DemoService *payments = fleet.service(u"payments"_s);
    QCOMPARE(payments->shape(), bw::AppShape::StatusPage);
    const QJsonObject page =
        QJsonDocument::fromJson(get(payments->baseUrl().resolved(QUrl(u"/health/circuit-breakers"_s)), &status))
            .object()[u"circuit_breakers"_s]
            .toObject();
    QCOMPARE(status, 200);
    QCOMPARE(page.keys(), (QStringList{u"https://ledger.internal"_s, u"https://payments-gateway.internal/v1"_s,
                                       u"https://tax.internal"_s}));
    QCOMPARE(page[u"https://ledger.internal"_s][u"state"_s].toString(), u"closed"_s);
    QCOMPARE(page[u"https://ledger.internal"_s][u"failure_threshold"_s].toInt(), 5);
    QVERIFY(page[u"https://ledger.internal"_s][u"last_failure_time"_s].isNull());

    // Operator actions reach one named breaker of one instance.
    QNetworkRequest post(checkout->baseUrl().resolved(QUrl(u"/actuator/circuitbreakers/fraudCheck"_s)));
    post.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
    std::unique_ptr<QNetworkReply> reply(m_network.post(post, QByteArray(R"({"updateState":"FORCE_OPEN"})")));
    QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), 10'000);
    QCOMPARE(checkout->breaker(u"fraudCheck"_s)->breaker().state(), bw::BreakerState::ForcedOpen);
    QCOMPARE(checkout->breaker(u"paymentGateway"_s)->breaker().state(), bw::BreakerState::Closed);
    QCOMPARE(fleet.instancesOf(u"checkout"_s)[1]->breaker(u"fraudCheck"_s)->breaker().state(),
             bw::BreakerState::Closed);
    const QByteArray events =
        get(checkout->baseUrl().resolved(QUrl(u"/actuator/circuitbreakerevents/fraudCheck/state_transition"_s)));
    QVERIFY2(events.contains("\"circuitBreakerName\":\"fraudCheck\"") && events.contains("CLOSED_TO_FORCED_OPEN"),
             events.constData());
}

void TestDemoApplications::hystrixStreamCarriesEveryCommand()
{
    QElapsedTimer clock;
    clock.start();
    bw::DemoFleet fleet([&clock] { return 5'000 + clock.elapsed(); }, 1'700'000'000'000LL);
    QVERIFY(fleet.start({QHostAddress::LocalHost, 0, 2, u"healthy"_s, 1}).ok());
    bw::DemoService *search = fleet.service(u"search"_s);
    std::unique_ptr<QNetworkReply> stream(
        m_network.get(QNetworkRequest(search->baseUrl().resolved(QUrl(u"/hystrix.stream"_s)))));
    QByteArray received;
    connect(stream.get(), &QNetworkReply::readyRead, this, [&] { received += stream->readAll(); });
    QTRY_VERIFY_WITH_TIMEOUT(received.count("data: ") >= 6, 5000); // two snapshots of each of the three commands
    QVERIFY(received.startsWith("retry: 10000\nevent: connecttime\n"));
    QVERIFY(!stream->isFinished());
    QSet<QString> commands;
    for (const QByteArray &line : received.split('\n')) {
        if (!line.startsWith("data: "))
            continue;
        const QJsonObject command = QJsonDocument::fromJson(line.mid(6)).object();
        QCOMPARE(command[u"type"_s].toString(), u"HystrixCommand"_s);
        QCOMPARE(command[u"isCircuitBreakerOpen"_s].toBool(), false);
        QVERIFY(command[u"requestCount"_s].toInt() > 0);
        QVERIFY(command[u"currentTime"_s].toInteger() > 1'700'000'000'000LL);
        commands.insert(command[u"name"_s].toString());
    }
    QCOMPARE(commands, (QSet<QString>{u"catalog"_s, u"suggest"_s, u"rates"_s}));
    // Still streaming well past the server's idle timeout check (once a second), then the client leaves.
    const qsizetype before = received.size();
    QTRY_VERIFY_WITH_TIMEOUT(received.size() > before, 3000);
    stream->abort();
}

void TestDemoApplications::sharedDownstreamOpensBreakersInSeveralServices()
{
    // The shared downstream's outage runs from 20 s to 80 s of every 4 minutes.
    std::int64_t now = 10'000;
    bw::DemoFleet fleet([&now] { return now; }, 1'700'000'000'000LL);
    QVERIFY(fleet.start({QHostAddress::LocalHost, 0, 8, u"default"_s, 1}).ok());
    const auto poll = [&] {
        for (const auto &instance : fleet.services()) {
            if (instance->modeAt(now) != bw::BehaviourMode::Dead)
                get(instance->baseUrl().resolved(QUrl(u"/metrics"_s)));
        }
    };
    const auto openBehindShared = [&] {
        QSet<QString> services;
        int breakers = 0;
        for (const auto &instance : fleet.services()) {
            for (const bw::DemoBreaker &b : instance->breakers()) {
                if (b.downstream() == QLatin1StringView(bw::kSharedDownstream) &&
                    b.breaker().state() != bw::BreakerState::Closed) {
                    services.insert(instance->name());
                    ++breakers;
                }
            }
        }
        return std::pair{services, breakers};
    };
    poll();
    QVERIFY(openBehindShared().first.isEmpty());
    now = 30'000;
    poll();
    const auto [services, breakers] = openBehindShared();
    QVERIFY2(services.size() >= 4, qPrintable(QStringList(services.values()).join(u", ")));
    // Breakers in front of other (healthy) downstreams stay closed.
    int otherOpen = 0;
    for (const auto &instance : fleet.services()) {
        for (const bw::DemoBreaker &b : instance->breakers())
            otherOpen +=
                b.behaviour().mode() == bw::BehaviourMode::Healthy && b.breaker().state() != bw::BreakerState::Closed;
    }
    QCOMPARE(otherOpen, 0);
    // After the outage, they recover.
    now = 120'000;
    poll();
    QVERIFY(openBehindShared().first.isEmpty());
    QVERIFY(breakers >= services.size());
}

void TestDemoApplications::onlyTheFlappingInstanceFlaps()
{
    // Every breaker of the default fleet through 20 minutes of its traffic (one call per 100 ms, as served): only the
    // one flapping instance has more than 3 opens in any 10 minutes; the shared outage opens its breakers again and
    // again, but once per outage.
    const bw::FlappingRule rule;
    QStringList flapping;
    int sharedOpens = 0;
    for (const bw::DemoApplication &app : bw::demoApplications(8, std::nullopt, 1)) {
        for (std::size_t n = 0; n < app.instances.size(); ++n) {
            for (const bw::DemoBreakerSpec &spec : app.instances[n].breakers) {
                bw::DemoBreaker b(spec.name, spec.downstream, spec.behaviour, app.shape, spec.openWaitMs);
                for (std::int64_t slot = 0; slot <= 12'000; ++slot)
                    b.call(slot * 100, static_cast<std::uint64_t>(slot) + (1ULL << 40), spec.behaviour.mode());
                std::deque<std::int64_t> opens;
                int most = 0;
                for (const bw::Transition &t : b.events()) {
                    if (t.to != bw::BreakerState::Open)
                        continue;
                    opens.push_back(t.t);
                    while (opens.front() <= t.t - rule.windowMs)
                        opens.pop_front();
                    most = std::max(most, static_cast<int>(opens.size()));
                }
                if (rule.isFlapping(most))
                    flapping << u"%1#%2/%3 (%4 opens)"_s.arg(app.name).arg(n).arg(spec.name).arg(most);
                if (spec.downstream == QLatin1StringView(bw::kSharedDownstream))
                    sharedOpens += static_cast<int>(b.totals().opens);
            }
        }
    }
    QVERIFY2(flapping.size() == 1, qPrintable(flapping.join(u", ")));
    QVERIFY2(flapping.front().startsWith(u"checkout#1/inventoryClient"_s), qPrintable(flapping.join(u", ")));
    QVERIFY(sharedOpens >= 5 * 2); // five services' breakers, in each of the outages of 20 minutes
}

void TestDemoApplications::monitorFindsEveryBreakerOfTheFleet()
{
    QElapsedTimer clock;
    clock.start();
    bw::DemoFleet fleet([&clock] { return 2'000 + clock.elapsed(); }, -2'000); // events in the monitor's time
    QVERIFY(fleet.start({QHostAddress::LocalHost, 0, 8, u"default"_s, 1}).ok());
    const bw::PresetCatalog catalog;
    const auto config = bw::ConfigLoader(catalog).loadText(fleet.configYaml(500), u"<demo>"_s, {});
    QVERIFY2(config.ok(), config ? "" : qPrintable(config.error()));
    bw::HttpProber prober(&m_network);
    bw::FleetMonitor monitor(&prober, [&clock] { return clock.elapsed(); });
    monitor.setConfig(*config);
    monitor.start();

    // Every named breaker of every live instance, by (service, host:port, name), with its library as the source.
    QHash<bw::BreakerId, bw::BreakerSource> expected;
    for (const auto &instance : fleet.services()) {
        if (instance->modeAt(0) == bw::BehaviourMode::Dead)
            continue;
        const QString where = u"%1:%2"_s.arg(instance->baseUrl().host()).arg(instance->port());
        for (const bw::DemoBreaker &b : instance->breakers()) {
            expected.insert({instance->name(), where, b.name()},
                            instance->shape() == bw::AppShape::Resilience4j ? bw::BreakerSource::Resilience4j
                            : instance->shape() == bw::AppShape::Opossum    ? bw::BreakerSource::Opossum
                                                                            : bw::BreakerSource::StatusPage);
        }
    }
    QVERIFY(expected.size() > 40);
    const auto missing = [&] {
        QStringList out;
        for (auto it = expected.begin(); it != expected.end(); ++it) {
            const bw::BreakerStatus status = monitor.status(it.key());
            if (status.id != it.key() || status.source != it.value() || !status.observedState)
                out << it.key().key();
        }
        return out;
    };
    QTRY_VERIFY_WITH_TIMEOUT(missing().isEmpty(), 15'000);
    // One hystrix.stream connection per opossum instance (the dead one's keeps retrying), shared by its commands.
    int opossumInstances = 0;
    for (const auto &instance : fleet.services())
        opossumInstances += instance->shape() == bw::AppShape::Opossum ? 1 : 0;
    QCOMPARE(monitor.streamCount(), opossumInstances);
    // The dead instance's breakers were never seen; its health breaker is there, and open.
    const bw::DemoService *dead = fleet.instancesOf(u"notifications"_s)[1];
    const bw::BreakerId deadHealth{u"notifications"_s, u"%1:%2"_s.arg(dead->baseUrl().host()).arg(dead->port()), {}};
    QTRY_COMPARE_WITH_TIMEOUT(monitor.status(deadHealth).state, bw::BreakerState::Open, 15'000);
}

void TestDemoApplications::reloadAddingAndRemovingInstancesKeepsEveryOtherBreakersHistory()
{
    // The fleet starts a second before the shared outage, so real breakers open and the history has transitions.
    QElapsedTimer clock;
    clock.start();
    // Its events are stamped in the monitor's time base (the wall clock is the monitor's clock here).
    bw::DemoFleet fleet([&clock] { return 19'000 + clock.elapsed(); }, -19'000);
    QVERIFY(fleet.start({QHostAddress::LocalHost, 0, 3, u"default"_s, 1}).ok());
    const bw::PresetCatalog catalog;
    const auto full = bw::ConfigLoader(catalog).loadText(fleet.configYaml(300), u"<demo>"_s, {});
    QVERIFY(full.ok());
    const auto only = [&](const std::function<bool(const bw::ServiceConfig &, int)> &keep) {
        bw::Config config = *full;
        config.services.clear();
        QHash<QString, int> nth;
        for (const bw::ServiceConfig &service : full->services) {
            if (keep(service, nth[service.name]++))
                config.services.push_back(service);
        }
        return config;
    };
    // checkout's three instances and search's two; then checkout's third leaves and payments' two arrive.
    const bw::Config before = only([](const bw::ServiceConfig &s, int) { return s.name != u"payments"; });
    const bw::Config after = only([](const bw::ServiceConfig &s, int n) { return s.name != u"checkout" || n < 2; });
    QCOMPARE(before.services.size(), std::size_t(5));
    QCOMPARE(after.services.size(), std::size_t(6));

    bw::HttpProber prober(&m_network);
    bw::FleetMonitor monitor(&prober, [&clock] { return clock.elapsed(); });
    monitor.setConfig(before);
    bw::FleetHistory history;
    bw::HistoryRecorder recorder(&monitor, &history);
    monitor.start();
    const bw::DemoService *first = fleet.instancesOf(u"checkout"_s)[0];
    const bw::BreakerId paymentGateway{u"checkout"_s, u"127.0.0.1:%1"_s.arg(first->port()), u"paymentGateway"_s};
    QTRY_COMPARE_WITH_TIMEOUT(monitor.status(paymentGateway).observedState, std::optional(bw::BreakerState::Open),
                              10'000);

    // What every breaker's history holds up to now.
    const std::int64_t cut = clock.elapsed();
    const auto snapshot = [&](const bw::BreakerId &id) {
        const int row = recorder.rowOf(id);
        const auto &h = history.service(row);
        QStringList out;
        for (const bw::TrackKind track : {bw::TrackKind::Simulated, bw::TrackKind::Observed}) {
            for (const bw::TrackTransition &t : h.track(track).transitions(0, cut))
                out << u"%1:%2->%3@%4"_s.arg(int(track)).arg(int(t.from)).arg(int(t.to)).arg(t.t);
            for (const bw::DisplayRun &run : history.runs(row, track, 0, cut, 0))
                out << u"run%1:%2@%3"_s.arg(int(track)).arg(int(run.state)).arg(run.start);
        }
        for (const bw::SeriesPoint &p : history.buckets(row, bw::SeriesKind::ErrorRate, 0, cut, 100'000))
            out << u"e@%1=%2"_s.arg(p.t).arg(p.mean);
        return out;
    };
    QHash<bw::BreakerId, QStringList> held;
    for (const bw::BreakerId &id : recorder.ids())
        held.insert(id, snapshot(id));
    // Its real breaker's open is in the history (a transition, or the state it was first seen in).
    const QString paymentGatewayHistory = held.value(paymentGateway).join(u' ');
    QVERIFY2(paymentGatewayHistory.contains(u"1:0->1@"_s) || paymentGatewayHistory.contains(u"run1:1@"_s),
             qPrintable(paymentGatewayHistory));
    const bw::DemoService *third = fleet.instancesOf(u"checkout"_s)[2];
    const QString thirdInstance = u"127.0.0.1:%1"_s.arg(third->port());
    QVERIFY(held.contains({u"checkout"_s, thirdInstance, u"paymentGateway"_s}));

    monitor.setConfig(after);

    int kept = 0;
    for (auto it = held.cbegin(); it != held.cend(); ++it) {
        if (it.key().instance == thirdInstance) {
            QCOMPARE(recorder.rowOf(it.key()), -1); // gone with its instance
            continue;
        }
        QVERIFY2(recorder.rowOf(it.key()) >= 0, qPrintable(it.key().key()));
        QCOMPARE(snapshot(it.key()), it.value());
        ++kept;
    }
    QVERIFY(kept >= 4 * 4); // four instances, each with its health breaker and three named ones
    // The new instances' breakers get rows of their own as they are found.
    const bw::DemoService *payments = fleet.instancesOf(u"payments"_s)[1];
    const bw::BreakerId ledger{u"payments"_s, u"127.0.0.1:%1"_s.arg(payments->port()), u"https://ledger.internal"_s};
    QTRY_VERIFY_WITH_TIMEOUT(recorder.rowOf(ledger) >= 0, 10'000);
    QCOMPARE(recorder.ids().size(), history.serviceCount());
}

QTEST_GUILESS_MAIN(TestDemoApplications)
#include "tst_demoapplications.moc"
