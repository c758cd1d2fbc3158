// PrometheusBreakerSource and the monitor's prometheus.breakers against a loopback server that answers the
// Prometheus HTTP API as the test says: healthy, an error envelope, warnings, or not at all.
#include "breaker/presetcatalog.h"
#include "fleet/prometheusbreakersource.h"
#include "history/historyrecorder.h"
#include "httpserver/httpserver.h"
#include "monitor/fleetmonitor.h"
#include "probe/httpprober.h"

#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTest>

#include <limits>

using namespace Qt::StringLiterals;

namespace {

enum class Mode
{
    Healthy,
    ErrorEnvelope,
    Warnings,
    Silent,
};

} // namespace

class TestPrometheusBreakerSource final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void oneQueryPerFamilyPerIntervalAllAtOneTime();
    void theMonitorFollowsEveryBreakerTheServerKnows();
    void anErrorEnvelopeLeavesTheLastStatesStale();
    void warningsAreAPartialAnswer();
    void aSlowServerTimesOutWithinTheInterval();
    void aBreakerSeenBothWaysIsOneBreakerFedByTheFasterSource();
    void historyFirstThenLive();
    void scrollingBackReadsFurtherBack();
    void aMonitorKeepingLessSaysThePastBeforeForgettingIt();

private:
    bw::Config serverConfig(std::int64_t intervalMs) const;
    QByteArray answer(const QString &query) const;

    QElapsedTimer m_clock;
    QNetworkAccessManager m_network;
    std::unique_ptr<bw::HttpProber> m_prober;
    std::unique_ptr<bw::HttpServer> m_prometheus;
    std::unique_ptr<bw::HttpServer> m_direct; // an instance's own /metrics
    Mode m_mode = Mode::Healthy;
    QString m_paymentsState = u"closed"_s;
    QList<bw::HttpRequest> m_queries;
};

void TestPrometheusBreakerSource::init()
{
    m_clock.start();
    m_mode = Mode::Healthy;
    m_paymentsState = u"closed"_s;
    m_queries.clear();
    m_prober = std::make_unique<bw::HttpProber>(&m_network);
    m_prometheus = std::make_unique<bw::HttpServer>();
    m_prometheus->route("GET", u"/api/v1/query"_s, [this](const bw::HttpRequest &request, bw::HttpResponder r) {
        m_queries << request;
        switch (m_mode) {
        case Mode::Silent:
            return; // never answers
        case Mode::ErrorEnvelope:
            return r.send(bw::HttpResponse::json(
                422,
                R"({"status":"error","errorType":"execution","error":"query processing would load too many samples into memory"})"));
        case Mode::Healthy:
        case Mode::Warnings:
            r.send(bw::HttpResponse::json(200, answer(request.queryItem(u"query"_s))));
        }
    });
    QVERIFY(m_prometheus->listen(QHostAddress::LocalHost, 0).ok());
    m_direct = std::make_unique<bw::HttpServer>();
    m_direct->route("GET", u"/metrics"_s, [this](const bw::HttpRequest &, bw::HttpResponder r) {
        r.send(bw::HttpResponse::text(200, "resilience4j_circuitbreaker_state{name=\"payments\",state=\"" +
                                               m_paymentsState.toUtf8() + "\"} 1\n"));
    });
    QVERIFY(m_direct->listen(QHostAddress::LocalHost, 0).ok());
}

void TestPrometheusBreakerSource::cleanup()
{
    m_direct.reset();
    m_prometheus.reset();
    m_prober.reset();
}

QByteArray TestPrometheusBreakerSource::answer(const QString &query) const
{
    QByteArray result = "[]";
    const QByteArray direct = "127.0.0.1:" + QByteArray::number(m_direct->port());
    if (query.contains(u"resilience4j_circuitbreaker_state"_s)) {
        result = R"([{"metric":{"__name__":"resilience4j_circuitbreaker_state","job":"checkout","instance":")" +
                 direct + R"(","name":"payments","state":")" + m_paymentsState.toUtf8() +
                 R"("},"value":[1,"1"]},
            {"metric":{"__name__":"resilience4j_circuitbreaker_state","job":"checkout","instance":"10.0.0.2:8080","name":"payments","state":")" +
                 m_paymentsState.toUtf8() + R"("},"value":[1,"1"]}])";
    } else if (query.contains(u"resilience4j_circuitbreaker_calls"_s)) {
        result =
            R"([{"metric":{"job":"checkout","instance":"10.0.0.2:8080","name":"payments","kind":"successful"},"value":[1,"20"]},
                     {"metric":{"job":"checkout","instance":"10.0.0.2:8080","name":"payments","kind":"failed"},"value":[1,"5"]}])";
    } else if (query.contains(u"circuit_breaker_state"_s)) {
        result =
            R"([{"metric":{"__name__":"shop_circuit_breaker_state","job":"shop","instance":"10.0.1.1:9000","name":"search"},"value":[1,"1"]}])";
    }
    QByteArray body = R"({"status":"success","data":{"resultType":"vector","result":)" + result + "}";
    if (m_mode == Mode::Warnings)
        body += R"(,"warnings":["store 10.0.9.9:10901 is unreachable: results may be incomplete"])";
    return body + "}";
}

bw::Config TestPrometheusBreakerSource::serverConfig(std::int64_t intervalMs) const
{
    bw::Config config;
    config.global.intervalMs = intervalMs;
    config.global.timeoutMs = intervalMs;
    bw::PrometheusServerConfig server;
    server.url = QUrl(u"http://127.0.0.1:%1"_s.arg(m_prometheus->port()));
    server.breakers = bw::PrometheusBreakersConfig{};
    server.breakers->policy = *bw::PresetCatalog().build(u"resilience4j");
    server.breakers->historyMs = 0; // the live queries alone; historyFirstThenLive reads the past
    config.prometheus = server;
    return config;
}

void TestPrometheusBreakerSource::historyFirstThenLive()
{
    // The last 10 minutes: payments opened 5 minutes ago (and is closed again now, live); `gone` was on a pod that
    // no longer exists.
    m_prometheus->route("GET", u"/api/v1/query_range"_s, [this](const bw::HttpRequest &request, bw::HttpResponder r) {
        m_queries << request;
        const QString query = request.queryItem(u"query"_s);
        const qint64 now = (1'000'000 + m_clock.elapsed()) / 1000;
        QByteArray result = "[]";
        if (query.contains(u"resilience4j_circuitbreaker_state"_s))
            result =
                R"([{"metric":{"__name__":"resilience4j_circuitbreaker_state","job":"checkout","instance":"10.0.0.2:8080","name":"payments","state":"open"},"values":[[)" +
                QByteArray::number(now - 300) + R"(,"1"]]},
                     {"metric":{"__name__":"resilience4j_circuitbreaker_state","job":"checkout","instance":"10.0.0.9:8080","name":"gone","state":"closed"},"values":[[)" +
                QByteArray::number(now - 500) + R"(,"1"]]}])";
        r.send(bw::HttpResponse::json(200, R"({"status":"success","data":{"resultType":"matrix","result":)" + result +
                                               "}}"));
    });
    bw::Config config = serverConfig(300);
    config.prometheus->breakers->historyMs = 600'000;
    bw::FleetMonitor monitor(m_prober.get(), [this] { return 1'000'000 + m_clock.elapsed(); });
    bw::FleetHistory display;
    const bw::HistoryRecorder recorder(&monitor, &display); // what the timelines draw
    QSignalSpy answered(&monitor, &bw::FleetMonitor::prometheusAnswered);
    monitor.setConfig(config);
    monitor.start();
    QVERIFY(answered.wait(5000));
    // The six live queries first (the wall is full after one answer), then the history's: three instant at the
    // start of the span, three ranges, each asked in pieces.
    const bw::BreakerId payments{u"checkout"_s, u"10.0.0.2:8080"_s, u"payments"_s};
    QTRY_VERIFY_WITH_TIMEOUT(monitor.observedTransitions(payments).size() >= 2, 3000);
    constexpr int kHistoryRequests = 3 + 3 * bw::PrometheusBreakerSource::kHistoryQueryPieces;
    QVERIFY2(m_queries.size() >= 6 + kHistoryRequests, qPrintable(QString::number(m_queries.size())));
    const auto rangesAmong = [this](int from, int to) {
        int ranges = 0;
        for (int i = from; i < to; ++i)
            ranges += m_queries[i].path == u"/api/v1/query_range" ? 1 : 0;
        return ranges;
    };
    QCOMPARE(rangesAmong(0, 6), 0);
    QCOMPARE(rangesAmong(6, 6 + kHistoryRequests), 3 * bw::PrometheusBreakerSource::kHistoryQueryPieces);

    const QList<bw::ObservedTransition> past = monitor.observedTransitions(payments);
    QVERIFY2(past.size() >= 2, qPrintable(QString::number(past.size())));
    QCOMPARE(past[0].to, bw::BreakerState::Open);
    QVERIFY(past[0].betweenScrapes); // seen between two of the server's samples
    QVERIFY(past[0].t < 1'000'000 + m_clock.elapsed() - 250'000);
    QCOMPARE(past.back().to, bw::BreakerState::Closed); // live, now
    QCOMPARE(monitor.status(payments).observedState, bw::BreakerState::Closed);

    // The timeline holds the past too, although the live state came first: closed from the start of the span,
    // open between two scrapes 5 minutes ago, closed now.
    const int row = recorder.rowOf(payments);
    QVERIFY(row >= 0);
    const bw::TrackHistory &track = display.service(row).track(bw::TrackKind::Observed);
    QVERIFY(track.earliestTime());
    const std::int64_t spanStart = 1'000'000 + m_clock.elapsed() - 600'000;
    QVERIFY2(*track.earliestTime() < spanStart + 60'000,
             qPrintable(QString::number(spanStart - *track.earliestTime())));
    QCOMPARE(track.runAt(*track.earliestTime())->state, bw::BreakerState::Closed);
    const auto opened = track.runAt(past[0].t);
    QVERIFY(opened);
    QCOMPARE(opened->state, bw::BreakerState::Open);
    QCOMPARE(opened->start, past[0].t);
    QCOMPARE(display.service(row).reasonText(opened->reason), bw::kBetweenScrapesReason.toString());
    QCOMPARE(*track.currentState(), bw::BreakerState::Closed);
    QCOMPARE(track.transitions(spanStart - 60'000, spanStart + 700'000).size(), 2u);

    // Known only from the past: followed, and stale since the server no longer shows it.
    const bw::BreakerId gone{u"checkout"_s, u"10.0.0.9:8080"_s, u"gone"_s};
    QVERIFY(monitor.contains(gone));
    QTRY_VERIFY_WITH_TIMEOUT(monitor.status(gone).stale, 2000);
    QVERIFY2(monitor.status(gone).observedProblem.contains(u"no longer shown by Prometheus"_s),
             qPrintable(monitor.status(gone).observedProblem));
}

void TestPrometheusBreakerSource::scrollingBackReadsFurtherBack()
{
    // payments opened 50 minutes ago: beyond the 10 minutes read at start, found when the timeline scrolls back.
    const auto nowMs = [this] { return 1'000'000'000 + m_clock.elapsed(); };
    QList<QPair<double, double>> ranges; // (start, end) in seconds, as the server was asked
    m_prometheus->route("GET", u"/api/v1/query_range"_s, [&, this](const bw::HttpRequest &request, bw::HttpResponder r) {
        m_queries << request;
        const double start = request.queryItem(u"start"_s).toDouble();
        ranges << qMakePair(start, request.queryItem(u"end"_s).toDouble());
        const qint64 opened = nowMs() / 1000 - 3000;
        QByteArray result = "[]";
        if (request.queryItem(u"query"_s).contains(u"resilience4j_circuitbreaker_state"_s) && start < opened)
            result =
                R"([{"metric":{"__name__":"resilience4j_circuitbreaker_state","job":"checkout","instance":"10.0.0.2:8080","name":"payments","state":"open"},"values":[[)" +
                QByteArray::number(opened) + R"(,"1"]]}])";
        r.send(bw::HttpResponse::json(200, R"({"status":"success","data":{"resultType":"matrix","result":)" + result +
                                               "}}"));
    });
    bw::Config config = serverConfig(300);
    config.prometheus->breakers->historyMs = 600'000;
    bw::FleetMonitor monitor(m_prober.get(), nowMs);
    bw::FleetHistory display;
    const bw::HistoryRecorder recorder(&monitor, &display);
    monitor.setConfig(config);
    monitor.readServerHistoryFrom(nowMs() - 3'600'000); // before the first answer: waits for it
    QCOMPARE(ranges.size(), 0);
    monitor.start();
    const auto status = [&] { return *monitor.prometheusStatus(); };
    // Each read asks its two range queries in pieces; `read` is the span the pieces of the nth read cover.
    const auto historyQueries = bw::PrometheusHistory::queries({}, 1000);
    const int kPerRead = static_cast<int>(std::count_if(historyQueries.begin(), historyQueries.end(),
                                                        [](const auto &q) { return q.range; })) *
                         bw::PrometheusBreakerSource::kHistoryQueryPieces;
    const auto read = [&](int n) {
        QPair<double, double> span{std::numeric_limits<double>::max(), std::numeric_limits<double>::lowest()};
        for (int i = n * kPerRead; i < (n + 1) * kPerRead && i < ranges.size(); ++i)
            span = {std::min(span.first, ranges[i].first), std::max(span.second, ranges[i].second)};
        return span;
    };
    // The start's 10 minutes, then the wish made before it: [-1 h, -10 min).
    QTRY_VERIFY_WITH_TIMEOUT(ranges.size() == 2 * kPerRead && !status().historyReading, 5000);
    // It ends where the first read began, one step before that read's ranges.
    QVERIFY2(read(1).second < read(0).first && read(0).first - read(1).second < 1.0,
             qPrintable(u"%1 %2"_s.arg(read(1).second, 0, 'f', 3).arg(read(0).first, 0, 'f', 3)));
    const double firstFrom = status().historyFromMs / 1000.0;
    QVERIFY2(std::abs(firstFrom - (nowMs() - 3'600'000) / 1000.0) < 5, qPrintable(QString::number(firstFrom)));

    // Two wishes while a read is out: one more read, from the earlier of them.
    monitor.readServerHistoryFrom(nowMs() - 2 * 3'600'000);
    QVERIFY(status().historyReading);
    monitor.readServerHistoryFrom(nowMs() - 3 * 3'600'000);
    monitor.readServerHistoryFrom(nowMs() - 2 * 3'600'000);
    QTRY_VERIFY_WITH_TIMEOUT(ranges.size() == 4 * kPerRead && !status().historyReading, 5000);
    QVERIFY(std::abs(status().historyFromMs - (nowMs() - 3 * 3'600'000)) < 5'000);
    // Within a step of what was read: nothing asked. Further than 24 h back: read to 24 h back only.
    monitor.readServerHistoryFrom(status().historyFromMs + 100);
    QCOMPARE(status().historyReading, false);
    monitor.readServerHistoryFrom(nowMs() - 48 * 3'600'000);
    QTRY_VERIFY_WITH_TIMEOUT(ranges.size() == 5 * kPerRead && !status().historyReading, 5000);
    QVERIFY(std::abs(status().historyFromMs - (nowMs() - bw::PrometheusBreakerSource::kMaxHistoryBackMs)) < 5'000);

    // The timeline holds what was read: the open 50 minutes ago, known since 24 h back.
    const bw::BreakerId payments{u"checkout"_s, u"10.0.0.2:8080"_s, u"payments"_s};
    const bw::TrackHistory &track = display.service(recorder.rowOf(payments)).track(bw::TrackKind::Observed);
    const auto opened = track.runAt(nowMs() - 2'900'000);
    QVERIFY(opened);
    QCOMPARE(opened->state, bw::BreakerState::Open);
    QVERIFY(std::abs(*track.earliestTime() - status().historyFromMs) < 5'000);
    QCOMPARE(track.runAt(*track.earliestTime())->state, bw::BreakerState::Closed);
}

// serve keeps 15 minutes of each real breaker's transitions: the hour read from the server still reaches the
// listeners (serve's output, the store) once, and then only the flapping window's worth stays in memory.
void TestPrometheusBreakerSource::aMonitorKeepingLessSaysThePastBeforeForgettingIt()
{
    const auto nowMs = [this] { return 1'000'000'000 + m_clock.elapsed(); };
    m_prometheus->route("GET", u"/api/v1/query_range"_s, [&, this](const bw::HttpRequest &request, bw::HttpResponder r) {
        m_queries << request;
        const qint64 now = nowMs() / 1000;
        QByteArray result = "[]";
        if (request.queryItem(u"query"_s).contains(u"resilience4j_circuitbreaker_state"_s)) {
            const auto entered = [&](const char *state, qint64 at) -> QByteArray {
                return R"({"metric":{"__name__":"resilience4j_circuitbreaker_state","job":"checkout","instance":"10.0.0.2:8080","name":"payments","state":")" +
                       QByteArray(state) + R"("},"values":[[)" + QByteArray::number(at) + R"(,"1"]]})";
            };
            // Open 50 and 5 minutes ago, closed in between and now; each piece of the range answers its own part.
            const double start = request.queryItem(u"start"_s).toDouble();
            const double end = request.queryItem(u"end"_s).toDouble();
            QByteArrayList series;
            for (const auto &[state, at] : {std::pair{"open", now - 3000}, std::pair{"closed", now - 2700},
                                            std::pair{"open", now - 300}, std::pair{"closed", now - 240}})
                if (at >= start && at <= end)
                    series << entered(state, at);
            result = '[' + series.join(',') + ']';
        }
        r.send(bw::HttpResponse::json(200, R"({"status":"success","data":{"resultType":"matrix","result":)" + result +
                                               "}}"));
    });
    bw::Config config = serverConfig(300);
    config.prometheus->breakers->historyMs = 3'600'000;
    bw::FleetMonitor monitor(m_prober.get(), nowMs);
    monitor.setObservedHistoryMs(15 * 60'000);
    const bw::BreakerId payments{u"checkout"_s, u"10.0.0.2:8080"_s, u"payments"_s};
    QList<bw::ObservedTransition> said;
    connect(&monitor, &bw::FleetMonitor::observedTransitionsChanged, this,
            [&](const bw::BreakerId &id, const QList<bw::ObservedTransition> &all) {
                if (id == payments && all.size() > said.size())
                    said = all;
            });
    monitor.setConfig(config);
    monitor.start();
    QTRY_VERIFY2_WITH_TIMEOUT(said.size() >= 4,
                              qPrintable(u"%1 said, %2 kept, %3 asked"_s.arg(said.size())
                                             .arg(monitor.observedTransitions(payments).size())
                                             .arg(m_queries.size())),
                              5000);
    QCOMPARE(said[0].to, bw::BreakerState::Open);
    QVERIFY(said[0].t < nowMs() - 45 * 60'000);
    // Kept: the last 15 minutes (the flapping window, 10 minutes, is shorter): the open 5 minutes ago and after.
    const QList<bw::ObservedTransition> kept = monitor.observedTransitions(payments);
    QVERIFY(!kept.isEmpty());
    for (const bw::ObservedTransition &tr : kept)
        QVERIFY2(tr.t >= nowMs() - 15 * 60'000 - 5'000, qPrintable(QString::number((nowMs() - tr.t) / 1000)));
    QVERIFY(std::any_of(kept.begin(), kept.end(), [](const auto &tr) { return tr.to == bw::BreakerState::Open; }));
    QCOMPARE(monitor.status(payments).observedState, bw::BreakerState::Closed);
    QCOMPARE(monitor.status(payments).observedOpensLast10Min, 1);
}

void TestPrometheusBreakerSource::oneQueryPerFamilyPerIntervalAllAtOneTime()
{
    bw::PrometheusServerConfig server = *serverConfig(250).prometheus;
    server.breakers->selector = u"{env=\"prod\"}"_s;
    bw::PrometheusBreakerSource source(
        m_prober.get(), [this] { return 1'000'000 + m_clock.elapsed(); }, server, 250);
    QSignalSpy answered(&source, &bw::PrometheusBreakerSource::answered);
    source.start();
    QVERIFY(answered.wait(5000));
    QCOMPARE(m_queries.size(), 6);
    QSet<QString> times;
    for (const bw::HttpRequest &request : std::as_const(m_queries)) {
        times.insert(request.queryItem(u"time"_s));
        QVERIFY2(request.queryItem(u"query"_s).contains(u"env=\"prod\""_s), qPrintable(request.queryItem(u"query"_s)));
    }
    QCOMPARE(times.size(), 1); // every family at the same instant
    const auto read = answered.first().at(0).value<bw::PrometheusFleetReader::Read>();
    QCOMPARE(read.instances.size(), 3);
    QCOMPARE(source.status().health, bw::PrometheusSourceStatus::Health::Ok);
    QCOMPARE(source.status().breakers, 3);
    QCOMPARE(source.status().queriesPerInterval, 6);

    // The next interval asks the same six again.
    QVERIFY(answered.wait(5000));
    QCOMPARE(m_queries.size(), 12);
}

void TestPrometheusBreakerSource::theMonitorFollowsEveryBreakerTheServerKnows()
{
    bw::FleetMonitor monitor(m_prober.get(), [this] { return 1'000'000 + m_clock.elapsed(); });
    QSignalSpy answered(&monitor, &bw::FleetMonitor::prometheusAnswered);
    monitor.setConfig(serverConfig(300));
    monitor.start();
    QVERIFY(answered.wait(5000));
    const QList<bw::BreakerId> ids = monitor.breakers();
    QCOMPARE(ids.size(), 3);
    const bw::BreakerId remote{u"checkout"_s, u"10.0.0.2:8080"_s, u"payments"_s};
    QVERIFY(ids.contains(remote));
    QVERIFY(ids.contains((bw::BreakerId{u"shop"_s, u"10.0.1.1:9000"_s, u"search"_s})));
    const bw::BreakerStatus status = monitor.status(remote);
    QCOMPARE(status.source, bw::BreakerSource::Resilience4j);
    QCOMPARE(*status.observedState, bw::BreakerState::Closed);
    QCOMPARE(status.url, u"http://127.0.0.1:%1"_s.arg(m_prometheus->port()));
    QVERIFY(!status.stale);
    // increase() of its calls feeds its simulation.
    QCOMPARE(status.feed, bw::BreakerFeed::OwnCalls);
    QCOMPARE(status.trafficCalls, 25);
    QCOMPARE(monitor.status({u"shop"_s, u"10.0.1.1:9000"_s, u"search"_s}).observedState, bw::BreakerState::Open);

    // A state change is followed at the next interval.
    m_paymentsState = u"open"_s;
    QTRY_COMPARE_WITH_TIMEOUT(monitor.status(remote).observedState, bw::BreakerState::Open, 3000);
    QCOMPARE(monitor.prometheusStatus()->health, bw::PrometheusSourceStatus::Health::Ok);
}

void TestPrometheusBreakerSource::anErrorEnvelopeLeavesTheLastStatesStale()
{
    bw::FleetMonitor monitor(m_prober.get(), [this] { return 1'000'000 + m_clock.elapsed(); });
    QSignalSpy answered(&monitor, &bw::FleetMonitor::prometheusAnswered);
    monitor.setConfig(serverConfig(300));
    monitor.start();
    QVERIFY(answered.wait(5000));
    const bw::BreakerId shop{u"shop"_s, u"10.0.1.1:9000"_s, u"search"_s};
    QCOMPARE(monitor.status(shop).observedState, bw::BreakerState::Open);

    m_mode = Mode::ErrorEnvelope;
    QTRY_COMPARE_WITH_TIMEOUT(monitor.prometheusStatus()->health, bw::PrometheusSourceStatus::Health::Down, 3000);
    const bw::PrometheusSourceStatus down = *monitor.prometheusStatus();
    QVERIFY2(down.problem.contains(u"execution"_s) && down.problem.contains(u"too many samples"_s),
             qPrintable(down.problem));
    const bw::BreakerStatus stale = monitor.status(shop);
    QVERIFY(stale.stale);
    QCOMPARE(stale.observedState, bw::BreakerState::Open); // the last known state stays
    QVERIFY2(stale.observedProblem.contains(u"too many samples"_s), qPrintable(stale.observedProblem));
    QCOMPARE(monitor.breakerCount(), 3); // nothing leaves before stale_breakers_leave_after

    m_mode = Mode::Healthy;
    QTRY_VERIFY_WITH_TIMEOUT(!monitor.status(shop).stale, 3000);
    QCOMPARE(monitor.prometheusStatus()->health, bw::PrometheusSourceStatus::Health::Ok);
    QVERIFY(monitor.status(shop).observedProblem.isEmpty());
}

void TestPrometheusBreakerSource::warningsAreAPartialAnswer()
{
    m_mode = Mode::Warnings;
    bw::FleetMonitor monitor(m_prober.get(), [this] { return 1'000'000 + m_clock.elapsed(); });
    QSignalSpy answered(&monitor, &bw::FleetMonitor::prometheusAnswered);
    monitor.setConfig(serverConfig(300));
    monitor.start();
    QVERIFY(answered.wait(5000));
    const bw::PrometheusSourceStatus status = *monitor.prometheusStatus();
    QCOMPARE(status.health, bw::PrometheusSourceStatus::Health::Partial);
    QVERIFY2(status.problem.contains(u"partial answer: store 10.0.9.9:10901 is unreachable"_s),
             qPrintable(status.problem));
    const bw::BreakerStatus shop = monitor.status({u"shop"_s, u"10.0.1.1:9000"_s, u"search"_s});
    QVERIFY(!shop.stale); // what came is shown, with the warning
    QCOMPARE(shop.observedState, bw::BreakerState::Open);
    QVERIFY2(shop.observedProblem.contains(u"unreachable"_s), qPrintable(shop.observedProblem));
}

void TestPrometheusBreakerSource::aSlowServerTimesOutWithinTheInterval()
{
    bw::FleetMonitor monitor(m_prober.get(), [this] { return 1'000'000 + m_clock.elapsed(); });
    QSignalSpy answered(&monitor, &bw::FleetMonitor::prometheusAnswered);
    monitor.setConfig(serverConfig(400));
    monitor.start();
    QVERIFY(answered.wait(5000));
    m_mode = Mode::Silent;
    QElapsedTimer waited;
    waited.start();
    QTRY_COMPARE_WITH_TIMEOUT(monitor.prometheusStatus()->health, bw::PrometheusSourceStatus::Health::Down, 3000);
    QVERIFY(waited.elapsed() < 2000); // the deadline is the interval, not Prometheus' 30 s default
    QVERIFY2(monitor.prometheusStatus()->problem.contains(u"timeout"_s, Qt::CaseInsensitive),
             qPrintable(monitor.prometheusStatus()->problem));
    QVERIFY(monitor.status({u"shop"_s, u"10.0.1.1:9000"_s, u"search"_s}).stale);
}

void TestPrometheusBreakerSource::aBreakerSeenBothWaysIsOneBreakerFedByTheFasterSource()
{
    bw::Config config = serverConfig(1000);
    config.prometheus->breakers->intervalMs = 1000;
    bw::ServiceConfig checkout;
    checkout.name = u"checkout"_s;
    checkout.policy = config.prometheus->breakers->policy;
    bw::MetricsSource metrics;
    metrics.http.url = QUrl(u"http://127.0.0.1:%1/metrics"_s.arg(m_direct->port()));
    metrics.http.intervalMs = 200; // faster than the server's 1 s
    checkout.metrics = metrics;
    config.services.push_back(checkout);

    bw::FleetMonitor monitor(m_prober.get(), [this] { return 1'000'000 + m_clock.elapsed(); });
    QSignalSpy answered(&monitor, &bw::FleetMonitor::prometheusAnswered);
    monitor.setConfig(config);
    monitor.start();
    QVERIFY(answered.wait(5000));
    const bw::BreakerId both{u"checkout"_s, u"127.0.0.1:%1"_s.arg(m_direct->port()), u"payments"_s};
    QTRY_VERIFY_WITH_TIMEOUT(monitor.contains(both), 3000);
    int named = 0;
    for (const bw::BreakerId &id : monitor.breakers())
        named += id.sameBreaker(both) ? 1 : 0;
    QCOMPARE(named, 2); // this instance (seen both ways, one breaker) and 10.0.0.2:8080 (through the server only)
    QTRY_COMPARE_WITH_TIMEOUT(monitor.status(both).url, metrics.http.url.toString(), 3000); // the direct one feeds it

    // The direct scrape sees a change first; the server, a second later, only confirms it.
    m_paymentsState = u"open"_s;
    QTRY_COMPARE_WITH_TIMEOUT(monitor.status(both).observedState, bw::BreakerState::Open, 900);
    QCOMPARE(monitor.status(both).url, metrics.http.url.toString());
}

QTEST_GUILESS_MAIN(TestPrometheusBreakerSource)
#include "tst_prometheusbreakersource.moc"
