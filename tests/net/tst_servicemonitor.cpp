// ServiceMonitor over real loopback HTTP: the demo fleet's metrics drive the simulated breaker and show the
// real (in-process) breaker; bad pages are reported without stopping anything else; reloads keep what did not
// change.
#include "alerts/alertcenter.h"
#include "config/configloader.h"
#include "demo/demofleet.h"
#include "history/historyrecorder.h"
#include "httpserver/httpserver.h"
#include "monitor/servicemonitor.h"
#include "probe/httpprober.h"

#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;

class TestServiceMonitor final : public QObject
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

private:
    bw::Config load(const QByteArray &yaml);
    QByteArray serviceYaml(const QString &name, const QString &extra = {}) const;

    QElapsedTimer m_clock;
    QNetworkAccessManager m_network;
    std::unique_ptr<bw::HttpProber> m_prober;
    std::unique_ptr<bw::ServiceMonitor> m_monitor;
    std::unique_ptr<bw::HttpServer> m_server;
    int m_opossumOpens = 0;
};

void TestServiceMonitor::init()
{
    m_clock.start();
    m_prober = std::make_unique<bw::HttpProber>(&m_network);
    m_monitor = std::make_unique<bw::ServiceMonitor>(m_prober.get(), [this] { return m_clock.elapsed(); });

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
    QVERIFY(m_server->listen(QHostAddress::LocalHost, 0).ok());
}

void TestServiceMonitor::cleanup()
{
    m_monitor.reset();
    m_server.reset();
    m_opossumOpens = 0;
}

bw::Config TestServiceMonitor::load(const QByteArray &yaml)
{
    const bw::PresetCatalog catalog;
    auto config = bw::ConfigLoader(catalog).loadText(yaml, u"test.yml"_s, {});
    if (!config)
        qFatal("%s", qPrintable(config.error()));
    return *config;
}

QByteArray TestServiceMonitor::serviceYaml(const QString &name, const QString &extra) const
{
    const QString base = u"http://127.0.0.1:%1"_s.arg(m_server->port());
    return (u"  - name: %1\n    health: {url: %2/up, format: spring}\n"_s.arg(name, base) + extra).toUtf8();
}

void TestServiceMonitor::demoTrafficDrivesTheBreakerAndShowsTheRealOne()
{
    bw::DemoFleet fleet([this] { return m_clock.elapsed(); }, 0);
    QVERIFY(fleet.start({QHostAddress::LocalHost, 0, 2, u"healthy"_s, 7}).ok());
    m_monitor->setConfig(load(fleet.configYaml(200)));
    QSignalSpy observed(m_monitor.get(), &bw::ServiceMonitor::observedTransitionsChanged);
    m_monitor->start();

    // Healthy: traffic from the counters (the demo serves about 10 requests a second), the real breaker closed.
    QTRY_VERIFY_WITH_TIMEOUT(m_monitor->status(0).trafficCalls > 5, 5000);
    bw::ServiceStatus healthy = m_monitor->status(0);
    QCOMPARE(healthy.feed, bw::BreakerFeed::PollsAndTraffic);
    QVERIFY2(healthy.requestsPerSecond > 2 && healthy.requestsPerSecond < 50,
             qPrintable(QString::number(healthy.requestsPerSecond)));
    QVERIFY(healthy.scrapeProblem.isEmpty());
    QCOMPARE(healthy.observedState, std::optional(bw::BreakerState::Closed));
    QCOMPARE(healthy.state, bw::BreakerState::Closed);

    // Break service 0: its 503s open our simulated breaker, and its own breaker opens too (gauge and events).
    fleet.services()[0]->injectFault(bw::BehaviourMode::Down, 60'000);
    QTRY_COMPARE_WITH_TIMEOUT(m_monitor->status(0).state, bw::BreakerState::Open, 8000);
    QTRY_COMPARE_WITH_TIMEOUT(m_monitor->status(0).observedState, std::optional(bw::BreakerState::Open), 8000);
    const QList<bw::ObservedTransition> history = m_monitor->observedTransitions(0);
    QVERIFY(std::any_of(history.cbegin(), history.cend(), [](const bw::ObservedTransition &t) {
        return t.from == bw::BreakerState::Closed && t.to == bw::BreakerState::Open;
    }));
    QVERIFY(!observed.isEmpty());
    QVERIFY(m_monitor->status(0).trafficFailurePercent > 50);
    // The other service is untouched.
    QCOMPARE(m_monitor->status(1).state, bw::BreakerState::Closed);
    QCOMPARE(m_monitor->status(1).observedState, std::optional(bw::BreakerState::Closed));
}

void TestServiceMonitor::badPagesAreReportedAndEverythingElseKeepsWorking()
{
    const QString base = u"http://127.0.0.1:%1"_s.arg(m_server->port());
    QByteArray yaml = "global: {interval: 200ms, timeout: 200ms}\nservices:\n";
    yaml += serviceYaml(u"garbled"_s, u"    metrics: {url: %1/garbled-metrics, requests: http_requests_total, "
                                      u"observed_breaker: {kind: resilience4j, name: a}}\n"
                                      u"    remote_breaker: {url: %1/x, events_url: %1/garbled-events}\n"_s.arg(base));
    yaml += serviceYaml(u"ambiguous"_s,
                        u"    metrics: {url: %1/two-breakers, observed_breaker: {kind: resilience4j}}\n"_s.arg(base));
    yaml += serviceYaml(u"missing"_s, u"    metrics: {url: %1/two-breakers, observed_breaker: {kind: resilience4j, "
                                      u"name: c}}\n"_s.arg(base));
    yaml += serviceYaml(u"dead-metrics"_s, u"    metrics: {url: 'http://127.0.0.1:1/metrics'}\n"_s);
    yaml += serviceYaml(u"plain"_s);
    m_monitor->setConfig(load(yaml));
    m_monitor->start();

    QTRY_VERIFY_WITH_TIMEOUT(m_monitor->status(0).scrapeProblem.contains(u"metrics page unreadable: line 1"_s), 3000);
    QTRY_VERIFY_WITH_TIMEOUT(m_monitor->status(0).observedProblem.contains(u"breaker events unreadable"_s), 3000);
    QTRY_VERIFY_WITH_TIMEOUT(m_monitor->status(1).observedProblem.contains(u"2 breakers"_s), 3000);
    QTRY_VERIFY_WITH_TIMEOUT(m_monitor->status(2).observedProblem.contains(u"no breaker named \"c\""_s), 3000);
    QTRY_VERIFY_WITH_TIMEOUT(m_monitor->status(3).scrapeProblem.contains(u"scrape failed"_s), 3000);
    for (int i = 0; i < m_monitor->serviceCount(); ++i) {
        const bw::ServiceStatus s = m_monitor->status(i);
        QVERIFY2(s.polls > 0, qPrintable(s.name));
        QCOMPARE(s.lastOutcome, bw::ProbeOutcomeKind::Success); // health polls are unaffected
        QCOMPARE(s.state, bw::BreakerState::Closed);
        QVERIFY(!s.observedState.has_value());
    }
    QCOMPARE(m_monitor->status(0).feed, bw::BreakerFeed::PollsAndTraffic);
    QCOMPARE(m_monitor->status(4).feed, bw::BreakerFeed::Polls);
}

void TestServiceMonitor::opossumCountersGiveTheObservedState()
{
    QByteArray yaml = "global: {interval: 200ms, timeout: 200ms}\nservices:\n";
    yaml += serviceYaml(u"api"_s, u"    metrics: {url: 'http://127.0.0.1:%1/opossum', "
                                  u"observed_breaker: {kind: opossum, name: db}}\n"_s.arg(m_server->port()));
    m_monitor->setConfig(load(yaml));
    m_monitor->start();
    QTRY_COMPARE_WITH_TIMEOUT(m_monitor->status(0).observedState, std::optional(bw::BreakerState::Closed), 3000);
    m_opossumOpens = 1; // opossum counted an open since the last scrape
    QTRY_COMPARE_WITH_TIMEOUT(m_monitor->status(0).observedState, std::optional(bw::BreakerState::Open), 3000);
    const QList<bw::ObservedTransition> history = m_monitor->observedTransitions(0);
    QVERIFY(!history.isEmpty());
    QCOMPARE(history.back().to, bw::BreakerState::Open);
    QVERIFY(history.back().fromGauge);
}

void TestServiceMonitor::reloadKeepsUnchangedServices()
{
    QByteArray yaml = "global: {interval: 200ms, timeout: 200ms}\nservices:\n";
    yaml += serviceYaml(u"a"_s) + serviceYaml(u"b"_s);
    m_monitor->setConfig(load(yaml));
    m_monitor->start();
    QTRY_VERIFY_WITH_TIMEOUT(m_monitor->status(0).polls > 0 && m_monitor->status(1).polls > 0, 3000);
    QVERIFY(m_monitor->forceOpen(0).ok());
    QVERIFY(m_monitor->forceOpen(1).ok());
    QCOMPARE(m_monitor->status(0).state, bw::BreakerState::ForcedOpen);

    // The same file again: both keep their state and counts.
    QSignalSpy reset(m_monitor.get(), &bw::ServiceMonitor::servicesReset);
    const std::int64_t pollsBefore = m_monitor->status(0).polls;
    m_monitor->setConfig(load(yaml));
    QCOMPARE(reset.size(), 1);
    QCOMPARE(m_monitor->status(0).state, bw::BreakerState::ForcedOpen);
    QVERIFY(m_monitor->status(0).polls >= pollsBefore);

    // `a` removed, `b` with another policy: `b` starts afresh at index 0.
    yaml = "global: {interval: 200ms, timeout: 200ms}\nservices:\n" +
           serviceYaml(u"b"_s, u"    breaker: {preset: opossum}\n"_s) + serviceYaml(u"c"_s);
    m_monitor->setConfig(load(yaml));
    QCOMPARE(m_monitor->serviceCount(), 2);
    QCOMPARE(m_monitor->status(0).name, u"b"_s);
    QCOMPARE(m_monitor->status(0).state, bw::BreakerState::Closed);
    QCOMPARE(m_monitor->status(0).polls, 0);
    QTRY_VERIFY_WITH_TIMEOUT(m_monitor->status(1).polls > 0, 3000);
    QCOMPARE(m_monitor->serviceConfig(0)->preset, u"opossum"_s);
}

void TestServiceMonitor::recorderFillsTheDisplayStore()
{
    bw::DemoFleet fleet([this] { return m_clock.elapsed(); }, 0);
    QVERIFY(fleet.start({QHostAddress::LocalHost, 0, 2, u"healthy"_s, 7}).ok());
    const bw::Config config = load(fleet.configYaml(200));
    m_monitor->setConfig(config);
    bw::FleetHistory history;
    bw::HistoryRecorder recorder(m_monitor.get(), &history);
    QCOMPARE(history.serviceCount(), 2);
    QCOMPARE(recorder.serviceNames(), (QStringList{u"checkout"_s, u"search"_s}));
    m_monitor->start();
    fleet.services()[1]->injectFault(bw::BehaviourMode::Down, 60'000);
    QTRY_COMPARE_WITH_TIMEOUT(m_monitor->status(1).state, bw::BreakerState::Open, 8000);
    QTRY_COMPARE_WITH_TIMEOUT(m_monitor->status(1).observedState, std::optional(bw::BreakerState::Open), 8000);

    const std::int64_t now = m_clock.elapsed();
    const auto &search = history.service(1);
    QCOMPARE(search.track(bw::TrackKind::Simulated).currentState(), std::optional(bw::BreakerState::Open));
    const auto transitions = search.track(bw::TrackKind::Simulated).transitions(0, now + 1);
    QVERIFY(!transitions.empty());
    QCOMPARE(transitions.back().to, bw::BreakerState::Open);
    QVERIFY2(search.reasonText(transitions.back().reason).contains(u"failure rate"_s),
             qPrintable(search.reasonText(transitions.back().reason)));
    QCOMPARE(search.track(bw::TrackKind::Observed).currentState(), std::optional(bw::BreakerState::Open));
    const auto errors = history.buckets(1, bw::SeriesKind::ErrorRate, 0, now + 1, 100);
    QVERIFY(!errors.empty());
    QVERIFY(std::any_of(errors.cbegin(), errors.cend(), [](const bw::SeriesPoint &p) { return p.max > 50; }));
    QVERIFY(!history.buckets(0, bw::SeriesKind::Latency, 0, now + 1, 100).empty());
    QVERIFY(!history.buckets(0, bw::SeriesKind::LatencyP95, 0, now + 1, 100).empty());
    QCOMPARE(history.service(0).track(bw::TrackKind::Simulated).currentState(),
             std::optional(bw::BreakerState::Closed));

    // Reload without the first service: `search` moves to index 0 and keeps its history.
    QSignalSpy changed(&recorder, &bw::HistoryRecorder::servicesChanged);
    bw::Config smaller = config;
    smaller.services.erase(smaller.services.begin());
    m_monitor->setConfig(smaller);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(history.serviceCount(), 1);
    QCOMPARE(recorder.serviceNames(), QStringList{u"search"_s});
    QCOMPARE(history.service(0).track(bw::TrackKind::Simulated).currentState(), std::optional(bw::BreakerState::Open));
}

QTEST_MAIN(TestServiceMonitor)
#include "tst_servicemonitor.moc"

// A breaker that never changed state has been in it since Breakerwatch started watching it (not since 1970), and a
// real breaker already open when first seen has been open since it was first seen: otherwise the "open for more than
// 10 min" alert fires at once on start (it did, for the demo's dead service).
void TestServiceMonitor::statesNeverChangedDateFromWhenWatchingBegan()
{
    constexpr std::int64_t kEpoch = 1'790'000'000'000; // the monitor's clock reads wall time in the app
    m_monitor = std::make_unique<bw::ServiceMonitor>(m_prober.get(), [this] { return kEpoch + m_clock.elapsed(); });
    QByteArray yaml = "global: {interval: 200ms, timeout: 200ms}\nservices:\n";
    yaml += serviceYaml(u"api"_s, u"    metrics: {url: 'http://127.0.0.1:%1/already-open', "
                                  u"observed_breaker: {kind: resilience4j, name: a}}\n"_s.arg(m_server->port()));
    const std::int64_t before = kEpoch + m_clock.elapsed();
    m_monitor->setConfig(load(yaml));
    m_monitor->start();
    QTRY_COMPARE_WITH_TIMEOUT(m_monitor->status(0).observedState, std::optional(bw::BreakerState::Open), 3000);
    const bw::ServiceStatus s = m_monitor->status(0);
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
