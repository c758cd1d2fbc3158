// FleetMonitor over real loopback HTTP: every breaker of every instance is found and followed by its BreakerId;
// the demo fleet's metrics drive the health breaker and show the real (in-process) breaker; bad pages are reported
// without stopping anything else; breakers a source stops showing go stale and leave; reloads keep what did not
// change; one instance's page with many breakers and many instances on one host are all seen.
#include "alerts/alertcenter.h"
#include "config/configloader.h"
#include "demo/demofleet.h"
#include "history/historyrecorder.h"
#include "httpserver/httpserver.h"
#include "monitor/fleetmonitor.h"
#include "probe/httpprober.h"

#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;

class TestFleetMonitor final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void demoTrafficDrivesTheBreakerAndShowsTheRealOne();
    void badPagesAreReportedAndEverythingElseKeepsWorking();
    void opossumCountersGiveTheObservedState();
    void reloadKeepsUnchangedServices();
    void recorderFillsTheDisplayStore();
    void statesNeverChangedDateFromWhenWatchingBegan();
    void everyBreakerOfEveryFamilyIsFound();
    void breakersAppearLiveGoStaleAndLeave();
    void filterNamesOrRegex();
    void actuatorBreakersStartFromTheirSettings();
    void statusPageMapIsReadEvenWhenItSaysDown();
    void fiftyInstancesOnOneHost();

private:
    bw::Config load(const QByteArray &yaml);
    QByteArray serviceYaml(const QString &name, const QString &extra = {}) const;
    QString instance() const { return u"127.0.0.1:%1"_s.arg(m_server->port()); }
    bw::BreakerId health(const QString &service) const { return {service, instance(), {}}; }
    bw::BreakerId named(const QString &service, const QString &breaker) const { return {service, instance(), breaker}; }

    QElapsedTimer m_clock;
    QNetworkAccessManager m_network;
    std::unique_ptr<bw::HttpProber> m_prober;
    std::unique_ptr<bw::FleetMonitor> m_monitor;
    std::unique_ptr<bw::HttpServer> m_server;
    int m_opossumOpens = 0;
    QByteArray m_changing; // the /changing page, as the test sets it
};

void TestFleetMonitor::init()
{
    m_clock.start();
    m_prober = std::make_unique<bw::HttpProber>(&m_network);
    m_monitor = std::make_unique<bw::FleetMonitor>(m_prober.get(), [this] { return m_clock.elapsed(); });

    // A hand-made service whose pages the tests control.
    m_server = std::make_unique<bw::HttpServer>();
    const auto reply = [](int status, QByteArray body) {
        return [status, body](const bw::HttpRequest &, bw::HttpResponder r) {
            r.send(bw::HttpResponse::text(status, body));
        };
    };
    m_server->route("GET", u"/up"_s, [](const bw::HttpRequest &, bw::HttpResponder r) {
        r.send(bw::HttpResponse::json(200, R"({"status":"UP"})"));
    });
    m_server->route("GET", u"/already-open"_s,
                    reply(200, "resilience4j_circuitbreaker_state{name=\"a\",state=\"closed\"} 0\n"
                               "resilience4j_circuitbreaker_state{name=\"a\",state=\"open\"} 1\n"));
    m_server->route("GET", u"/garbled-metrics"_s, reply(200, "http_requests_total{code=\"200\" 5\n"));
    m_server->route("GET", u"/garbled-events"_s, reply(200, "<html>login</html>"));
    m_server->route("GET", u"/two-breakers"_s,
                    reply(200, "resilience4j_circuitbreaker_state{name=\"a\",state=\"closed\"} 1\n"
                               "resilience4j_circuitbreaker_state{name=\"b\",state=\"closed\"} 1\n"));
    m_server->route("GET", u"/opossum"_s, [this](const bw::HttpRequest &, bw::HttpResponder r) {
        r.send(bw::HttpResponse::text(200, "circuit{name=\"db\",event=\"open\"} " + QByteArray::number(m_opossumOpens) +
                                               "\ncircuit{name=\"db\",event=\"fire\"} 10\n"));
    });
    // Every family on one page: 3 Resilience4j breakers with calls, 2 opossum breakers, 2 common gauges.
    m_server->route(
        "GET", u"/many"_s,
        reply(200, "resilience4j_circuitbreaker_state{name=\"paymentGateway\",state=\"closed\"} 1\n"
                   "resilience4j_circuitbreaker_state{name=\"paymentGateway\",state=\"open\"} 0\n"
                   "resilience4j_circuitbreaker_state{name=\"inventoryClient\",state=\"closed\"} 0\n"
                   "resilience4j_circuitbreaker_state{name=\"inventoryClient\",state=\"open\"} 1\n"
                   "resilience4j_circuitbreaker_state{name=\"fraudCheck\",state=\"half_open\"} 1\n"
                   "resilience4j_circuitbreaker_calls_seconds_count{name=\"paymentGateway\",kind=\"successful\"} 10\n"
                   "resilience4j_circuitbreaker_calls_seconds_count{name=\"paymentGateway\",kind=\"failed\"} 1\n"
                   "circuit{name=\"db\",event=\"fire\"} 4\n"
                   "circuit{name=\"db\",event=\"success\"} 4\n"
                   "circuit{name=\"cache\",event=\"open\"} 1\n"
                   "circuit{name=\"cache\",event=\"reject\"} 3\n"
                   "shop_circuit_breaker_state{name=\"search\",endpoint=\"/q\"} 0\n"
                   "shop_circuit_breaker_state{name=\"ledger\"} 2\n"));
    m_server->route("GET", u"/changing"_s, [this](const bw::HttpRequest &, bw::HttpResponder r) {
        r.send(bw::HttpResponse::text(200, m_changing));
    });
    m_server->route("GET", u"/actuator/circuitbreakers"_s, [](const bw::HttpRequest &, bw::HttpResponder r) {
        r.send(bw::HttpResponse::json(
            200, R"({"circuitBreakers":{"backendA":{"failureRate":"-1.0%","slowCallRate":"-1.0%",)"
                 R"("failureRateThreshold":"30.0%","slowCallRateThreshold":"100.0%","bufferedCalls":3,"failedCalls":1,)"
                 R"("slowCalls":0,"slowFailedCalls":0,"notPermittedCalls":0,"state":"CLOSED"},)"
                 R"("backendB":{"failureRate":"60.0%","failureRateThreshold":"50.0%","bufferedCalls":10,)"
                 R"("failedCalls":6,"notPermittedCalls":4,"state":"OPEN"}}})"));
    });
    // The seed's status page: a map keyed by downstream URL; one open, so the page says so with a 503.
    m_server->route("GET", u"/health/circuit-breakers"_s, [](const bw::HttpRequest &, bw::HttpResponder r) {
        r.send(bw::HttpResponse::json(
            503, R"({"circuit_breakers":{"https://api.example.com":{"state":"closed","failure_count":0,)"
                 R"("success_count":4,"last_failure_time":null,"failure_threshold":5,"recovery_timeout":60},)"
                 R"("https://rates.example.com/v2":{"state":"open","failure_count":5,"success_count":0,)"
                 R"("last_failure_time":1777964400,"failure_threshold":3,"recovery_timeout":30}}})"));
    });
    QVERIFY(m_server->listen(QHostAddress::LocalHost, 0).ok());
}

void TestFleetMonitor::cleanup()
{
    m_monitor.reset();
    m_server.reset();
    m_opossumOpens = 0;
}

bw::Config TestFleetMonitor::load(const QByteArray &yaml)
{
    const bw::PresetCatalog catalog;
    auto config = bw::ConfigLoader(catalog).loadText(yaml, u"test.yml"_s, {});
    if (!config)
        qFatal("%s", qPrintable(config.error()));
    return *config;
}

QByteArray TestFleetMonitor::serviceYaml(const QString &name, const QString &extra) const
{
    const QString base = u"http://127.0.0.1:%1"_s.arg(m_server->port());
    return (u"  - name: %1\n    health: {url: %2/up, format: spring}\n"_s.arg(name, base) + extra).toUtf8();
}

void TestFleetMonitor::demoTrafficDrivesTheBreakerAndShowsTheRealOne()
{
    bw::DemoFleet fleet([this] { return m_clock.elapsed(); }, 0);
    QVERIFY(fleet.start({QHostAddress::LocalHost, 0, 2, u"healthy"_s, 7, bw::FleetLayout::OneBreakerPerService}).ok());
    const bw::Config config = load(fleet.configYaml(200));
    m_monitor->setConfig(config);
    QSignalSpy observed(m_monitor.get(), &bw::FleetMonitor::observedTransitionsChanged);
    m_monitor->start();
    const bw::BreakerId first{config.services[0].name, config.services[0].instanceName(), {}};
    const bw::BreakerId second{config.services[1].name, config.services[1].instanceName(), {}};
    const bw::BreakerId firstReal = {first.service, first.instance, u"downstream"_s};
    const bw::BreakerId secondReal = {second.service, second.instance, u"downstream"_s};

    // Healthy: traffic from the counters (the demo serves about 10 requests a second), the real breaker closed.
    QTRY_VERIFY_WITH_TIMEOUT(m_monitor->status(first).trafficCalls > 5, 5000);
    bw::BreakerStatus healthy = m_monitor->status(first);
    QCOMPARE(healthy.feed, bw::BreakerFeed::PollsAndTraffic);
    QVERIFY2(healthy.requestsPerSecond > 2 && healthy.requestsPerSecond < 50,
             qPrintable(QString::number(healthy.requestsPerSecond)));
    QVERIFY(healthy.scrapeProblem.isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(m_monitor->status(firstReal).observedState, std::optional(bw::BreakerState::Closed),
                              5000);
    QVERIFY(!healthy.observedState); // the real breaker is its own BreakerId
    QCOMPARE(healthy.state, bw::BreakerState::Closed);

    // Break service 0: its 503s open our simulated breaker, and its own breaker opens too (gauge and events).
    fleet.services()[0]->injectFault(bw::BehaviourMode::Down, 60'000);
    QTRY_COMPARE_WITH_TIMEOUT(m_monitor->status(first).state, bw::BreakerState::Open, 8000);
    QTRY_COMPARE_WITH_TIMEOUT(m_monitor->status(firstReal).observedState, std::optional(bw::BreakerState::Open), 8000);
    const QList<bw::ObservedTransition> history = m_monitor->observedTransitions(firstReal);
    QVERIFY(std::any_of(history.cbegin(), history.cend(), [](const bw::ObservedTransition &t) {
        return t.from == bw::BreakerState::Closed && t.to == bw::BreakerState::Open;
    }));
    QVERIFY(!observed.isEmpty());
    QVERIFY(m_monitor->status(first).trafficFailurePercent > 50);
    // The other service is untouched.
    QCOMPARE(m_monitor->status(second).state, bw::BreakerState::Closed);
    QCOMPARE(m_monitor->status(secondReal).observedState, std::optional(bw::BreakerState::Closed));
}

void TestFleetMonitor::badPagesAreReportedAndEverythingElseKeepsWorking()
{
    const QString base = u"http://127.0.0.1:%1"_s.arg(m_server->port());
    QByteArray yaml = "global: {interval: 200ms, timeout: 200ms}\nservices:\n";
    yaml += serviceYaml(u"garbled"_s, u"    metrics: {url: %1/garbled-metrics, requests: http_requests_total}\n"
                                      u"    remote_breaker: {url: %1/x, events_url: %1/garbled-events}\n"_s.arg(base));
    // A name the page does not have is simply not found: the filter follows only what it admits.
    yaml += serviceYaml(u"missing"_s, u"    metrics: {url: %1/two-breakers, observed_breaker: {kind: resilience4j, "
                                      u"name: c}}\n"_s.arg(base));
    yaml += serviceYaml(u"dead-metrics"_s, u"    metrics: {url: 'http://127.0.0.1:1/metrics'}\n"_s);
    yaml += serviceYaml(u"plain"_s);
    m_monitor->setConfig(load(yaml));
    QSignalSpy answered(m_monitor.get(), &bw::FleetMonitor::sourceAnswered);
    m_monitor->start();

    QTRY_VERIFY_WITH_TIMEOUT(
        m_monitor->status(health(u"garbled"_s)).scrapeProblem.contains(u"metrics page unreadable: line 1"_s), 3000);
    QTRY_VERIFY_WITH_TIMEOUT(m_monitor->status(health(u"dead-metrics"_s)).scrapeProblem.contains(u"scrape failed"_s),
                             3000);
    QTRY_VERIFY_WITH_TIMEOUT(std::any_of(answered.cbegin(), answered.cend(),
                                         [](const QList<QVariant> &a) {
                                             return a[2].toString() == u"events" &&
                                                    a[3].toString().contains(u"breaker events unreadable"_s);
                                         }),
                             3000);
    QTRY_VERIFY_WITH_TIMEOUT(m_monitor->status(health(u"missing"_s)).lastScrapeMs > 0, 3000);
    for (const QString &service : {u"garbled"_s, u"missing"_s, u"dead-metrics"_s, u"plain"_s})
        QTRY_VERIFY_WITH_TIMEOUT(m_monitor->status(health(service)).polls > 0, 3000);
    QVERIFY(!m_monitor->contains(named(u"missing"_s, u"a"_s)));
    QVERIFY(!m_monitor->contains(named(u"missing"_s, u"c"_s)));
    for (const QString &service : {u"garbled"_s, u"missing"_s, u"dead-metrics"_s, u"plain"_s}) {
        const bw::BreakerStatus s = m_monitor->status(health(service));
        QVERIFY2(s.polls > 0, qPrintable(s.name));
        QCOMPARE(s.lastOutcome, bw::ProbeOutcomeKind::Success); // health polls are unaffected
        QCOMPARE(s.state, bw::BreakerState::Closed);
    }
    QCOMPARE(m_monitor->status(health(u"garbled"_s)).feed, bw::BreakerFeed::PollsAndTraffic);
    QCOMPARE(m_monitor->status(health(u"plain"_s)).feed, bw::BreakerFeed::Polls);
    QCOMPARE(m_monitor->breakerCount(), 4); // the four health breakers and nothing else
}

void TestFleetMonitor::opossumCountersGiveTheObservedState()
{
    QByteArray yaml = "global: {interval: 200ms, timeout: 200ms}\nservices:\n";
    yaml += serviceYaml(u"api"_s, u"    metrics: {url: 'http://127.0.0.1:%1/opossum'}\n"_s.arg(m_server->port()));
    m_monitor->setConfig(load(yaml));
    m_monitor->start();
    const bw::BreakerId db = named(u"api"_s, u"db"_s);
    QTRY_COMPARE_WITH_TIMEOUT(m_monitor->status(db).observedState, std::optional(bw::BreakerState::Closed), 3000);
    QCOMPARE(m_monitor->status(db).source, bw::BreakerSource::Opossum);
    m_opossumOpens = 1; // opossum counted an open since the last scrape
    QTRY_COMPARE_WITH_TIMEOUT(m_monitor->status(db).observedState, std::optional(bw::BreakerState::Open), 3000);
    const QList<bw::ObservedTransition> history = m_monitor->observedTransitions(db);
    QVERIFY(!history.isEmpty());
    QCOMPARE(history.back().to, bw::BreakerState::Open);
    QVERIFY(history.back().betweenScrapes); // counters say it happened since the last scrape, not when
}

void TestFleetMonitor::reloadKeepsUnchangedServices()
{
    QByteArray yaml = "global: {interval: 200ms, timeout: 200ms}\nservices:\n";
    yaml += serviceYaml(u"a"_s) + serviceYaml(u"b"_s);
    m_monitor->setConfig(load(yaml));
    m_monitor->start();
    QTRY_VERIFY_WITH_TIMEOUT(m_monitor->status(health(u"a"_s)).polls > 0 && m_monitor->status(health(u"b"_s)).polls > 0,
                             3000);
    QVERIFY(m_monitor->forceOpen(health(u"a"_s)).ok());
    QVERIFY(m_monitor->forceOpen(health(u"b"_s)).ok());
    QCOMPARE(m_monitor->status(health(u"a"_s)).state, bw::BreakerState::ForcedOpen);

    // The same file again: both keep their state and counts.
    QSignalSpy changed(m_monitor.get(), &bw::FleetMonitor::breakersChanged);
    QSignalSpy removed(m_monitor.get(), &bw::FleetMonitor::breakerRemoved);
    const std::int64_t pollsBefore = m_monitor->status(health(u"a"_s)).polls;
    m_monitor->setConfig(load(yaml));
    QCOMPARE(changed.size(), 1);
    QCOMPARE(removed.size(), 0);
    QCOMPARE(m_monitor->status(health(u"a"_s)).state, bw::BreakerState::ForcedOpen);
    QVERIFY(m_monitor->status(health(u"a"_s)).polls >= pollsBefore);

    // `a` removed, `b` with another policy: `b` starts afresh; `c` is new.
    yaml = "global: {interval: 200ms, timeout: 200ms}\nservices:\n" +
           serviceYaml(u"b"_s, u"    breaker: {preset: opossum}\n"_s) + serviceYaml(u"c"_s);
    m_monitor->setConfig(load(yaml));
    QCOMPARE(m_monitor->breakers(), (QList<bw::BreakerId>{health(u"b"_s), health(u"c"_s)}));
    QCOMPARE(removed.size(), 2); // a, and the old b
    QCOMPARE(m_monitor->status(health(u"b"_s)).state, bw::BreakerState::Closed);
    QCOMPARE(m_monitor->status(health(u"b"_s)).polls, 0);
    QTRY_VERIFY_WITH_TIMEOUT(m_monitor->status(health(u"c"_s)).polls > 0, 3000);
    QCOMPARE(m_monitor->instanceConfig(health(u"b"_s))->preset, u"opossum"_s);
    QVERIFY(!m_monitor->contains(health(u"a"_s)));
}

void TestFleetMonitor::recorderFillsTheDisplayStore()
{
    bw::DemoFleet fleet([this] { return m_clock.elapsed(); }, 0);
    QVERIFY(fleet.start({QHostAddress::LocalHost, 0, 2, u"healthy"_s, 7, bw::FleetLayout::OneBreakerPerService}).ok());
    const bw::Config config = load(fleet.configYaml(200));
    m_monitor->setConfig(config);
    bw::FleetHistory history;
    bw::HistoryRecorder recorder(m_monitor.get(), &history);
    const bw::BreakerId checkout{u"checkout"_s, config.services[0].instanceName(), {}};
    const bw::BreakerId search{u"search"_s, config.services[1].instanceName(), {}};
    QCOMPARE(history.serviceCount(), 2);
    QCOMPARE(recorder.ids(), (QList<bw::BreakerId>{checkout, search}));
    QCOMPARE(recorder.serviceNames(), (QStringList{checkout.key(), search.key()}));
    m_monitor->start();
    // The real breakers are found on the first scrapes and get rows of their own.
    QTRY_COMPARE_WITH_TIMEOUT(history.serviceCount(), 4, 5000);
    fleet.services()[1]->injectFault(bw::BehaviourMode::Down, 60'000);
    QTRY_COMPARE_WITH_TIMEOUT(m_monitor->status(search).state, bw::BreakerState::Open, 8000);
    const bw::BreakerId searchReal{u"search"_s, search.instance, u"downstream"_s};
    QTRY_COMPARE_WITH_TIMEOUT(m_monitor->status(searchReal).observedState, std::optional(bw::BreakerState::Open), 8000);

    const std::int64_t now = m_clock.elapsed();
    const auto &searchHistory = history.service(recorder.rowOf(search));
    QCOMPARE(searchHistory.track(bw::TrackKind::Simulated).currentState(), std::optional(bw::BreakerState::Open));
    const auto transitions = searchHistory.track(bw::TrackKind::Simulated).transitions(0, now + 1);
    QVERIFY(!transitions.empty());
    QCOMPARE(transitions.back().to, bw::BreakerState::Open);
    QVERIFY2(searchHistory.reasonText(transitions.back().reason).contains(u"failure rate"_s),
             qPrintable(searchHistory.reasonText(transitions.back().reason)));
    QCOMPARE(history.service(recorder.rowOf(searchReal)).track(bw::TrackKind::Observed).currentState(),
             std::optional(bw::BreakerState::Open));
    const int searchRow = recorder.rowOf(search);
    const auto errors = history.buckets(searchRow, bw::SeriesKind::ErrorRate, 0, now + 1, 100);
    QVERIFY(!errors.empty());
    QVERIFY(std::any_of(errors.cbegin(), errors.cend(), [](const bw::SeriesPoint &p) { return p.max > 50; }));
    const int checkoutRow = recorder.rowOf(checkout);
    QVERIFY(!history.buckets(checkoutRow, bw::SeriesKind::Latency, 0, now + 1, 100).empty());
    QVERIFY(!history.buckets(checkoutRow, bw::SeriesKind::LatencyP95, 0, now + 1, 100).empty());
    QCOMPARE(history.service(checkoutRow).track(bw::TrackKind::Simulated).currentState(),
             std::optional(bw::BreakerState::Closed));

    // Reload without the first instance: `search` and its real breaker keep their history, at their new rows.
    QSignalSpy changed(&recorder, &bw::HistoryRecorder::servicesChanged);
    bw::Config smaller = config;
    smaller.services.erase(smaller.services.begin());
    m_monitor->setConfig(smaller);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(recorder.ids(), (QList<bw::BreakerId>{search, searchReal}));
    QCOMPARE(history.serviceCount(), 2);
    QCOMPARE(history.service(recorder.rowOf(search)).track(bw::TrackKind::Simulated).currentState(),
             std::optional(bw::BreakerState::Open));
    QCOMPARE(history.service(recorder.rowOf(searchReal)).track(bw::TrackKind::Observed).currentState(),
             std::optional(bw::BreakerState::Open));
}

// A breaker that never changed state has been in it since Breakerwatch started watching it (not since 1970), and a
// real breaker already open when first seen has been open since it was first seen: otherwise the "open for more than
// 10 min" alert fires at once on start (it did, for the demo's dead service).
void TestFleetMonitor::statesNeverChangedDateFromWhenWatchingBegan()
{
    constexpr std::int64_t kEpoch = 1'790'000'000'000; // the monitor's clock reads wall time in the app
    m_monitor = std::make_unique<bw::FleetMonitor>(m_prober.get(), [this] { return kEpoch + m_clock.elapsed(); });
    QByteArray yaml = "global: {interval: 200ms, timeout: 200ms}\nservices:\n";
    yaml += serviceYaml(u"api"_s, u"    metrics: {url: 'http://127.0.0.1:%1/already-open', "
                                  u"observed_breaker: {kind: resilience4j, name: a}}\n"_s.arg(m_server->port()));
    const std::int64_t before = kEpoch + m_clock.elapsed();
    m_monitor->setConfig(load(yaml));
    m_monitor->start();
    const bw::BreakerId a = named(u"api"_s, u"a"_s);
    QTRY_COMPARE_WITH_TIMEOUT(m_monitor->status(a).observedState, std::optional(bw::BreakerState::Open), 3000);
    const bw::BreakerStatus s = m_monitor->status(a);
    QCOMPARE(s.state, bw::BreakerState::Closed);
    QVERIFY2(s.stateSinceMs >= before && s.stateSinceMs <= kEpoch + m_clock.elapsed(),
             qPrintable(QString::number(s.stateSinceMs)));
    QVERIFY2(s.observedSinceMs >= before && s.observedSinceMs <= kEpoch + m_clock.elapsed(),
             qPrintable(QString::number(s.observedSinceMs)));

    // And the alerts count from there: nothing fires in the first seconds.
    bw::AlertCenter alerts(m_monitor.get(), [this] { return kEpoch + m_clock.elapsed(); });
    QTest::qWait(1500);
    QCOMPARE(alerts.activeCount(), 0);
}

void TestFleetMonitor::everyBreakerOfEveryFamilyIsFound()
{
    QByteArray yaml = "global: {interval: 200ms, timeout: 200ms}\nservices:\n";
    yaml += serviceYaml(u"shop"_s, u"    metrics: {url: 'http://127.0.0.1:%1/many'}\n"_s.arg(m_server->port()));
    m_monitor->setConfig(load(yaml));
    QSignalSpy added(m_monitor.get(), &bw::FleetMonitor::breakerAdded);
    m_monitor->start();
    QTRY_COMPARE_WITH_TIMEOUT(m_monitor->breakerCount(), 8, 3000); // the health breaker and 7 named
    QCOMPARE(added.size(), 7);
    const struct
    {
        const char *name;
        bw::BreakerSource source;
        bw::BreakerState state;
    } expected[] = {
        {"paymentGateway", bw::BreakerSource::Resilience4j, bw::BreakerState::Closed},
        {"inventoryClient", bw::BreakerSource::Resilience4j, bw::BreakerState::Open},
        {"fraudCheck", bw::BreakerSource::Resilience4j, bw::BreakerState::HalfOpen},
        {"db", bw::BreakerSource::Opossum, bw::BreakerState::Closed},
        {"cache", bw::BreakerSource::Opossum, bw::BreakerState::Open},
        {"search /q", bw::BreakerSource::Gauge, bw::BreakerState::Closed},
        {"ledger", bw::BreakerSource::Gauge, bw::BreakerState::HalfOpen},
    };
    for (const auto &e : expected) {
        const bw::BreakerId id = named(u"shop"_s, QString::fromLatin1(e.name));
        QVERIFY2(m_monitor->contains(id), e.name);
        const bw::BreakerStatus s = m_monitor->status(id);
        QCOMPARE(s.source, e.source);
        QCOMPARE(s.observedState, std::optional(e.state));
        QVERIFY(!s.stale);
    }
    // Resilience4j's calls counters feed that breaker's own simulation from the second scrape on.
    QTRY_COMPARE_WITH_TIMEOUT(m_monitor->status(named(u"shop"_s, u"paymentGateway"_s)).feed, bw::BreakerFeed::OwnCalls,
                              3000);
    QCOMPARE(m_monitor->status(named(u"shop"_s, u"ledger"_s)).feed, bw::BreakerFeed::Nothing);
    // Ordered by service, breaker, instance; instancesOf finds one instance here.
    QCOMPARE(m_monitor->instancesOf(named(u"shop"_s, u"db"_s)), QList<bw::BreakerId>{named(u"shop"_s, u"db"_s)});
}

void TestFleetMonitor::breakersAppearLiveGoStaleAndLeave()
{
    m_changing = "resilience4j_circuitbreaker_state{name=\"a\",state=\"closed\"} 1\n";
    QByteArray yaml = "global: {interval: 100ms, timeout: 100ms, stale_breakers_leave_after: 600ms}\nservices:\n";
    yaml += serviceYaml(u"api"_s, u"    metrics: {url: 'http://127.0.0.1:%1/changing'}\n"_s.arg(m_server->port()));
    m_monitor->setConfig(load(yaml));
    QSignalSpy added(m_monitor.get(), &bw::FleetMonitor::breakerAdded);
    QSignalSpy removed(m_monitor.get(), &bw::FleetMonitor::breakerRemoved);
    m_monitor->start();
    QTRY_VERIFY_WITH_TIMEOUT(m_monitor->contains(named(u"api"_s, u"a"_s)), 3000);

    // b appears later: it shows up live.
    m_changing += "resilience4j_circuitbreaker_state{name=\"b\",state=\"open\"} 1\n";
    QTRY_VERIFY_WITH_TIMEOUT(m_monitor->contains(named(u"api"_s, u"b"_s)), 3000);
    QCOMPARE(m_monitor->status(named(u"api"_s, u"b"_s)).observedState, std::optional(bw::BreakerState::Open));

    // a goes from the page: stale at once (its last state kept, greyed), gone after the retention.
    m_changing = "resilience4j_circuitbreaker_state{name=\"b\",state=\"open\"} 1\n";
    QTRY_VERIFY_WITH_TIMEOUT(m_monitor->status(named(u"api"_s, u"a"_s)).stale, 3000);
    QCOMPARE(m_monitor->status(named(u"api"_s, u"a"_s)).observedState, std::optional(bw::BreakerState::Closed));
    QVERIFY(!m_monitor->status(named(u"api"_s, u"b"_s)).stale);
    QTRY_VERIFY_WITH_TIMEOUT(!m_monitor->contains(named(u"api"_s, u"a"_s)), 3000);
    QCOMPARE(removed.size(), 1);
    QCOMPARE(removed.front().front().value<bw::BreakerId>(), named(u"api"_s, u"a"_s));

    // A dead page makes b stale too, with the reason, and it comes back when the page does.
    m_changing = "this is no metrics page {\n";
    QTRY_VERIFY_WITH_TIMEOUT(m_monitor->status(named(u"api"_s, u"b"_s)).stale, 3000);
    QVERIFY(m_monitor->status(named(u"api"_s, u"b"_s)).observedProblem.contains(u"metrics page unreadable"_s));
    m_changing = "resilience4j_circuitbreaker_state{name=\"b\",state=\"closed\"} 1\n";
    QTRY_VERIFY_WITH_TIMEOUT(!m_monitor->status(named(u"api"_s, u"b"_s)).stale, 3000);
    QCOMPARE(m_monitor->status(named(u"api"_s, u"b"_s)).observedState, std::optional(bw::BreakerState::Closed));
    QCOMPARE(added.size(), 2);
}

void TestFleetMonitor::filterNamesOrRegex()
{
    const QString url = u"http://127.0.0.1:%1/many"_s.arg(m_server->port());
    QByteArray yaml = "global: {interval: 200ms, timeout: 200ms}\nservices:\n";
    yaml += serviceYaml(u"names"_s, u"    metrics: {url: '%1'}\n    breakers: [db, ledger]\n"_s.arg(url));
    yaml +=
        serviceYaml(u"regex"_s, u"    metrics: {url: '%1'}\n    breakers: {regex: '.*Client|payment.*'}\n"_s.arg(url));
    yaml +=
        serviceYaml(u"legacy"_s,
                    u"    metrics: {url: '%1', observed_breaker: {kind: resilience4j, name: fraudCheck}}\n"_s.arg(url));
    m_monitor->setConfig(load(yaml));
    m_monitor->start();
    QTRY_COMPARE_WITH_TIMEOUT(m_monitor->breakerCount(), 3 + 2 + 2 + 1, 3000);
    QVERIFY(m_monitor->contains(named(u"names"_s, u"db"_s)));
    QVERIFY(m_monitor->contains(named(u"names"_s, u"ledger"_s)));
    QVERIFY(m_monitor->contains(named(u"regex"_s, u"inventoryClient"_s)));
    QVERIFY(m_monitor->contains(named(u"regex"_s, u"paymentGateway"_s)));
    QVERIFY(m_monitor->contains(named(u"legacy"_s, u"fraudCheck"_s)));
    QVERIFY(!m_monitor->contains(named(u"regex"_s, u"fraudCheck"_s)));
}

void TestFleetMonitor::actuatorBreakersStartFromTheirSettings()
{
    QByteArray yaml = "global: {interval: 200ms, timeout: 200ms}\nservices:\n";
    yaml += serviceYaml(
        u"orders"_s, u"    actuator: {url: 'http://127.0.0.1:%1/actuator/circuitbreakers'}\n"_s.arg(m_server->port()));
    m_monitor->setConfig(load(yaml));
    m_monitor->start();
    const bw::BreakerId a = named(u"orders"_s, u"backendA"_s);
    const bw::BreakerId b = named(u"orders"_s, u"backendB"_s);
    QTRY_VERIFY_WITH_TIMEOUT(m_monitor->contains(a) && m_monitor->contains(b), 3000);
    QCOMPARE(m_monitor->status(a).source, bw::BreakerSource::Actuator);
    QCOMPARE(m_monitor->status(a).observedState, std::optional(bw::BreakerState::Closed));
    QCOMPARE(m_monitor->status(b).observedState, std::optional(bw::BreakerState::Open));
    // The simulation shadows the real breaker: Resilience4j with its own failureRateThreshold.
    const bw::BreakerStatus s = m_monitor->status(a);
    QVERIFY(s.policyFromSource);
    QCOMPARE(s.preset, u"resilience4j"_s);
    QVERIFY(s.parameters.contains(qMakePair(u"failureRateThreshold"_s, u"30"_s)));
    QCOMPARE(s.observedFailureRatePercent, std::optional<double>()); // -1 %: not computed yet
    QCOMPARE(m_monitor->status(b).observedFailureRatePercent, std::optional(60.0));
    // The actuator is also how the real breaker is changed: POST .../circuitbreakers/backendA.
    const auto binding = m_monitor->remoteBinding(a);
    QVERIFY(binding);
    QCOMPARE(binding->url.path(), u"/actuator/circuitbreakers/backendA"_s);
    QVERIFY(!m_monitor->remoteBinding(health(u"orders"_s)));
}

void TestFleetMonitor::statusPageMapIsReadEvenWhenItSaysDown()
{
    QByteArray yaml = "global: {interval: 200ms, timeout: 200ms}\nservices:\n";
    yaml +=
        u"  - name: seed\n    health: {url: 'http://127.0.0.1:%1/health/circuit-breakers', format: circuit-breakers}\n"_s
            .arg(m_server->port())
            .toUtf8();
    m_monitor->setConfig(load(yaml));
    m_monitor->start();
    const bw::BreakerId api = named(u"seed"_s, u"https://api.example.com"_s);
    const bw::BreakerId rates = named(u"seed"_s, u"https://rates.example.com/v2"_s);
    QTRY_VERIFY_WITH_TIMEOUT(m_monitor->contains(api) && m_monitor->contains(rates), 3000);
    QCOMPARE(m_monitor->status(api).source, bw::BreakerSource::StatusPage);
    QCOMPARE(m_monitor->status(api).observedState, std::optional(bw::BreakerState::Closed));
    QCOMPARE(m_monitor->status(rates).observedState, std::optional(bw::BreakerState::Open));
    // The seed's own settings start the simulation: the classic preset, 3 failures, 30 s.
    const bw::BreakerStatus s = m_monitor->status(rates);
    QCOMPARE(s.preset, u"classic"_s);
    QVERIFY(s.parameters.contains(qMakePair(u"failure_threshold"_s, u"3"_s)));
    QVERIFY(s.parameters.contains(qMakePair(u"recovery_timeout"_s, u"30s"_s)));
    // The 503 is a failed health poll for the instance's own breaker.
    QTRY_VERIFY_WITH_TIMEOUT(m_monitor->status(health(u"seed"_s)).failures > 0, 3000);
}

void TestFleetMonitor::fiftyInstancesOnOneHost()
{
    // 50 instances on one host (each its own port), each page with 5 breakers: every one of the 250 is found
    // on the first round of scrapes; no per-host connection limit hides any.
    std::vector<std::unique_ptr<bw::HttpServer>> servers;
    QByteArray yaml = "global: {interval: 500ms, timeout: 500ms}\nscrape_configs:\n  - job_name: fleet\n"
                      "    static_configs:\n      - targets: [";
    QByteArray page;
    for (int b = 0; b < 5; ++b)
        page += "resilience4j_circuitbreaker_state{name=\"b" + QByteArray::number(b) + "\",state=\"closed\"} 1\n";
    for (int i = 0; i < 50; ++i) {
        auto server = std::make_unique<bw::HttpServer>();
        server->route("GET", u"/metrics"_s, [page](const bw::HttpRequest &, bw::HttpResponder r) {
            r.send(bw::HttpResponse::text(200, page));
        });
        QVERIFY(server->listen(QHostAddress::LocalHost, 0).ok());
        yaml += (i ? ", " : "") + ("'127.0.0.1:" + QByteArray::number(server->port()) + "'");
        servers.push_back(std::move(server));
    }
    yaml += "]\n";
    m_monitor->setConfig(load(yaml));
    m_monitor->start();
    m_monitor->pollAllNow();
    QTRY_COMPARE_WITH_TIMEOUT(m_monitor->breakerCount(), 50 * 6, 5000);
    for (const auto &server : servers)
        for (int b = 0; b < 5; ++b)
            QVERIFY(m_monitor->contains({u"fleet"_s, u"127.0.0.1:%1"_s.arg(server->port()), u"b%1"_s.arg(b)}));
    QCOMPARE(m_monitor->instancesOf({u"fleet"_s, {}, u"b3"_s}).size(), 50);
}

QTEST_MAIN(TestFleetMonitor)
#include "tst_fleetmonitor.moc"
