// The fleet readers against what the real libraries emit (tests/data/fleet, captured from opossum 9.0.0 with
// opossum-prometheus 0.3.0 and opossum-hystrix 0.1.1; see its README): states and open counts match what the pages
// and streams imply, with no halfOpen series, opens between 15 s scrapes, and a reconnect backlog burst. Plus the
// small value types: BreakerId, BreakerFilter, SourcedPolicy.
#include "breaker/presetcatalog.h"
#include "fleet/breakerfilter.h"
#include "fleet/breakerid.h"
#include "fleet/hystrixcommandtracker.h"
#include "fleet/metricspagebreakers.h"
#include "fleet/sourcedpolicy.h"
#include "observed/hystrixstream.h"
#include "observed/opossumcountertracker.h"
#include "prometheus/expositionparser.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace Qt::StringLiterals;
using bw::BreakerState;

namespace {

QByteArray fixture(const QString &path)
{
    QFile file(QStringLiteral(BW_TEST_DATA_DIR "/fleet/") + path);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(file.fileName()));
    return file.readAll();
}

QJsonObject json(const QString &path)
{
    return QJsonDocument::fromJson(fixture(path)).object();
}

BreakerState stateOf(const QString &name)
{
    return *bw::stateFromName(name);
}

// The state a timeline says at t (the last change at or before t).
BreakerState truthAt(const QJsonArray &timeline, std::int64_t t)
{
    BreakerState state = BreakerState::Closed;
    for (const QJsonValue &change : timeline)
        if (change[u"t"_s].toInteger() <= t)
            state = stateOf(change[u"state"_s].toString());
    return state;
}

} // namespace

class TestFleetReaders final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void opossumPagesGiveTheRealStatesAndOpens();
    void opossumRulesWithoutHalfOpen_data();
    void opossumRulesWithoutHalfOpen();
    void resilience4jCallsFeedEachBreaker();
    void hystrixLiveStreamFollowsEveryCommand();
    void hystrixBacklogBurstIsNotReplayedAsLive();
    void breakerIdKeysRoundTrip();
    void filterNamesAndRegex();
    void sourcedPolicyFromRealSettings();
};

void TestFleetReaders::opossumPagesGiveTheRealStatesAndOpens()
{
    const QJsonObject truth = json(u"opossum/truth.json"_s);
    const std::int64_t epoch = truth[u"start_epoch_ms"_s].toInteger();
    bw::MetricsPageBreakers page;
    QHash<QString, int> opensSeen; // transitions into open counted from the readings, after the first page
    QHash<QString, int> opensAtFirst;
    const QJsonArray scrapes = truth[u"scrapes"_s].toArray();
    QCOMPARE(scrapes.size(), 20);
    for (qsizetype k = 0; k < scrapes.size(); ++k) {
        const QJsonObject scrape = scrapes[k].toObject();
        const QByteArray body = fixture(u"opossum/"_s + scrape[u"page"_s].toString());
        QVERIFY2(!body.contains("event=\"halfOpen\""), "the README wiring has no halfOpen series");
        const auto parsed = bw::ExpositionParser::parse(body);
        QVERIFY2(parsed.ok(), qPrintable(parsed.ok() ? QString() : parsed.error()));
        const std::int64_t t = epoch + scrape[u"t_ms"_s].toInteger();
        const bw::MetricsPageBreakers::Read read = page.read(parsed->samples, t);
        const QJsonObject breakers = scrape[u"breakers"_s].toObject();
        QCOMPARE(read.breakers.size(), breakers.size());
        for (const bw::BreakerReading &reading : read.breakers) {
            QCOMPARE(reading.source, bw::BreakerSource::Opossum);
            const QJsonObject real = breakers[reading.name].toObject();
            const BreakerState expected = stateOf(real[u"state"_s].toString());
            const QString where = u"%1 at %2 ms"_s.arg(reading.name).arg(scrape[u"t_ms"_s].toInteger());
            // A page cannot tell half-open from open (it only has the open and close counters).
            if (expected == BreakerState::HalfOpen)
                QVERIFY2(reading.state == BreakerState::Open || reading.state == BreakerState::HalfOpen,
                         qPrintable(where));
            else
                QVERIFY2(reading.state == expected, qPrintable(where + u": "_s + bw::stateName(*reading.state)));
            for (const bw::ObservedTransition &tr : reading.betweenScrapes) {
                QVERIFY(tr.betweenScrapes);
                QVERIFY(tr.t > t - 15'000 && tr.t < t);
                opensSeen[reading.name] += tr.to == BreakerState::Open;
            }
            if (k == 0) {
                opensAtFirst[reading.name] = real[u"open"_s].toInt();
                QVERIFY(reading.betweenScrapes.isEmpty()); // counts since start have no times
                QVERIFY(!reading.calls);                   // nor a rate
            } else {
                QVERIFY(reading.calls);
                // Every open the counter holds is one transition into open, including those between scrapes.
                QCOMPARE(opensSeen.value(reading.name), real[u"open"_s].toInt() - opensAtFirst.value(reading.name));
            }
        }
    }
    // The scenario's breakers did what the capture says: payments opened 6 times in all, fraud-check is open.
    QVERIFY(opensSeen.value(u"payments"_s) >= 5);
    QCOMPARE(opensSeen.value(u"inventory"_s), 0);
}

void TestFleetReaders::opossumRulesWithoutHalfOpen_data()
{
    QTest::addColumn<int>("start");
    QTest::addColumn<int>("opens");
    QTest::addColumn<int>("closes");
    QTest::addColumn<int>("successes");
    QTest::addColumn<int>("failures");
    QTest::addColumn<int>("rejects");
    QTest::addColumn<int>("expected");
    const auto row = [](const char *name, BreakerState start, int o, int c, int s, int f, int r,
                        BreakerState expected) {
        QTest::newRow(name) << int(start) << o << c << s << f << r << int(expected);
    };
    using S = BreakerState;
    row("closed, nothing", S::Closed, 0, 0, 0, 0, 0, S::Closed);
    row("closed, one open", S::Closed, 1, 0, 0, 6, 3, S::Open);
    row("closed, open and close", S::Closed, 1, 1, 4, 6, 2, S::Closed);
    row("closed, two opens one close", S::Closed, 2, 1, 2, 12, 2, S::Open);
    row("open, a close", S::Open, 0, 1, 1, 0, 0, S::Closed);
    row("open, a success and no open", S::Open, 0, 0, 1, 0, 0, S::Closed);
    row("open, only rejects", S::Open, 0, 0, 0, 0, 5, S::Open);
    row("open, failed probe", S::Open, 1, 0, 0, 1, 5, S::Open);
    row("open, failed probe then a good one", S::Open, 1, 1, 4, 1, 5, S::Closed);
    row("open, closed then opened by a run of failures", S::Open, 1, 1, 3, 6, 3, S::Open);
    row("open, close open close", S::Open, 1, 2, 3, 6, 3, S::Closed);
    row("first sight: recovered before", S::Closed, 1, 1, 65, 5, 5, S::Closed);
}

void TestFleetReaders::opossumRulesWithoutHalfOpen()
{
    QFETCH(int, start);
    QFETCH(int, opens);
    QFETCH(int, closes);
    QFETCH(int, successes);
    QFETCH(int, failures);
    QFETCH(int, rejects);
    QTEST(int(bw::OpossumCounterTracker::lastState(static_cast<BreakerState>(start),
                                                   {opens, 0, closes, successes, failures, rejects, false})),
          "expected");
}

void TestFleetReaders::resilience4jCallsFeedEachBreaker()
{
    const auto page = [](int okA, int failedA, int okB) {
        return bw::ExpositionParser::parse(
                   QByteArray("resilience4j_circuitbreaker_state{name=\"a\",state=\"closed\"} 1\n"
                              "resilience4j_circuitbreaker_state{name=\"b\",state=\"closed\"} 1\n"
                              "resilience4j_circuitbreaker_calls_seconds_count{kind=\"successful\",name=\"a\"} " +
                              QByteArray::number(okA) +
                              "\nresilience4j_circuitbreaker_calls_seconds_count{kind=\"failed\",name=\"a\"} " +
                              QByteArray::number(failedA) +
                              "\nresilience4j_circuitbreaker_calls_seconds_count{kind=\"successful\",name=\"b\"} " +
                              QByteArray::number(okB) +
                              "\nresilience4j_circuitbreaker_not_permitted_calls_total{name=\"a\"} 2\n"
                              "resilience4j_circuitbreaker_failure_rate{name=\"a\"} -1\n"))
            ->samples;
    };
    bw::MetricsPageBreakers reader;
    auto first = reader.read(page(10, 1, 5), 1000);
    QCOMPARE(first.breakers.size(), 2);
    QVERIFY(!first.breakers[0].calls);              // the baseline
    QVERIFY(!first.breakers[0].failureRatePercent); // -1: not computed yet
    auto second = reader.read(page(17, 4, 5), 16'000);
    QVERIFY(second.breakers[0].calls);
    QCOMPARE(second.breakers[0].calls->successes, 7);
    QCOMPARE(second.breakers[0].calls->failures, 3);
    QCOMPARE(second.breakers[0].calls->t0, 1000);
    QCOMPARE(second.breakers[0].calls->t1, 16'000);
    QCOMPARE(second.breakers[1].calls->successes, 0);
    // A restart (counters down) counts the new values as the increase.
    auto third = reader.read(page(3, 0, 1), 31'000);
    QCOMPARE(third.breakers[0].calls->successes, 3);
    QCOMPARE(third.breakers[1].calls->successes, 1);
}

void TestFleetReaders::hystrixLiveStreamFollowsEveryCommand()
{
    const QJsonObject truth = json(u"hystrix/stream-truth.json"_s);
    const std::int64_t epoch = truth[u"start_epoch_ms"_s].toInteger();
    const QJsonObject timelines = truth[u"timelines"_s].toObject();
    const QJsonObject live = truth[u"connections"_s].toArray().at(0).toObject();
    QCOMPARE(live[u"file"_s].toString(), u"stream-live.txt"_s);
    const QByteArray bytes = fixture(u"hystrix/stream-live.txt"_s);
    QVERIFY(bytes.startsWith("retry: 10000\nevent: connecttime\n"));
    bw::HystrixStreamParser parser;
    bw::HystrixCommandTracker tracker;
    QSet<QString> seen;
    for (const QJsonValue &chunk : live[u"chunks"_s].toArray()) {
        const std::int64_t arrival = epoch + chunk[u"t"_s].toInteger();
        const bw::HystrixStreamParser::Output out =
            parser.feed(QByteArrayView(bytes).sliced(chunk[u"offset"_s].toInteger(), chunk[u"length"_s].toInteger()));
        QVERIFY2(out.errors.isEmpty(), qPrintable(out.errors.join(u"; "_s)));
        for (const bw::HystrixCommandTracker::Reading &r : tracker.onSamples(out.commands, arrival)) {
            QVERIFY(!r.backlog);
            seen.insert(r.reading.name);
            // isCircuitBreakerOpen is !closed: half-open reads as open.
            BreakerState expected = truthAt(timelines[r.reading.name].toArray(), r.reading.atMs - epoch);
            if (expected == BreakerState::HalfOpen)
                expected = BreakerState::Open;
            QCOMPARE(*r.reading.state, expected);
            QVERIFY(r.reading.atMs <= arrival); // timed by currentTime, not by arrival
        }
    }
    QCOMPARE(seen.size(), truth[u"commands"_s].toArray().size()); // every command of the one stream
}

void TestFleetReaders::hystrixBacklogBurstIsNotReplayedAsLive()
{
    const QJsonObject truth = json(u"hystrix/stream-truth.json"_s);
    const std::int64_t epoch = truth[u"start_epoch_ms"_s].toInteger();
    const QJsonObject timelines = truth[u"timelines"_s].toObject();
    const QJsonObject reconnect = truth[u"connections"_s].toArray().at(1).toObject();
    const QByteArray bytes = fixture(u"hystrix/stream-reconnect.txt"_s);
    bw::HystrixStreamParser parser;
    bw::HystrixCommandTracker tracker;
    const QJsonArray chunks = reconnect[u"chunks"_s].toArray();
    const std::int64_t burstAt = epoch + chunks[0][u"t"_s].toInteger();
    const auto out = parser.feed(QByteArrayView(bytes).sliced(0, chunks[0][u"length"_s].toInteger()));
    QVERIFY(out.commands.size() >= 50); // the queued snapshots, all at once
    const QList<bw::HystrixCommandTracker::Reading> burst = tracker.onSamples(out.commands, burstAt);
    QHash<QString, int> liveReadings;
    int backlog = 0;
    for (const bw::HystrixCommandTracker::Reading &r : burst) {
        if (r.backlog) {
            ++backlog;
            QVERIFY(r.reading.atMs < burstAt - 3000); // kept at its own time, for the history
            QVERIFY(!r.reading.calls);
            continue;
        }
        ++liveReadings[r.reading.name];
        // The one live reading is the newest snapshot: the command's state now.
        BreakerState expected = truthAt(timelines[r.reading.name].toArray(), burstAt - epoch);
        if (expected == BreakerState::HalfOpen)
            expected = BreakerState::Open;
        QCOMPARE(*r.reading.state, expected);
    }
    QVERIFY(backlog > 0);
    QCOMPARE(liveReadings.size(), truth[u"commands"_s].toArray().size());
    for (auto it = liveReadings.cbegin(); it != liveReadings.cend(); ++it)
        QCOMPARE(it.value(), 1); // not ~20 snapshots stamped with the same reconnect time
    // Then the stream is live again, a sample per command per second.
    for (qsizetype i = 1; i < chunks.size(); ++i) {
        const std::int64_t arrival = epoch + chunks[i][u"t"_s].toInteger();
        const auto more = parser.feed(
            QByteArrayView(bytes).sliced(chunks[i][u"offset"_s].toInteger(), chunks[i][u"length"_s].toInteger()));
        for (const auto &r : tracker.onSamples(more.commands, arrival)) {
            QVERIFY(!r.backlog);
            BreakerState expected = truthAt(timelines[r.reading.name].toArray(), r.reading.atMs - epoch);
            if (expected == BreakerState::HalfOpen)
                expected = BreakerState::Open;
            QCOMPARE(*r.reading.state, expected);
        }
    }
}

void TestFleetReaders::breakerIdKeysRoundTrip()
{
    const bw::BreakerId health{u"checkout"_s, u"10.0.0.7:8080"_s, {}};
    const bw::BreakerId named{u"seed"_s, u"[::1]:9000"_s, u"https://api.example.com/v2"_s};
    QCOMPARE(health.key(), u"checkout@10.0.0.7:8080"_s);
    QCOMPARE(named.key(), u"seed/https://api.example.com/v2@[::1]:9000"_s);
    QCOMPARE(bw::BreakerId::parse(health.key()), health);
    QCOMPARE(bw::BreakerId::parse(named.key()), named);
    QCOMPARE(health.breakerLabel(), u"health"_s);
    QVERIFY(health.sameBreaker(health.withInstance(u"10.0.0.8:8080"_s)));
    QVERIFY(!health.sameBreaker(named));
    // Ordered by service, breaker, instance: a breaker's instances are neighbours.
    QVERIFY((bw::BreakerId{u"a"_s, u"z"_s, u"x"_s}) < (bw::BreakerId{u"a"_s, u"a"_s, u"y"_s}));
    QVERIFY(qHash(health) == qHash(bw::BreakerId::parse(health.key())));
}

void TestFleetReaders::filterNamesAndRegex()
{
    QVERIFY(bw::BreakerFilter{}.matches(u"anything"));
    bw::BreakerFilter names{{u"db"_s}, {}};
    QVERIFY(names.matches(u"db"));
    QVERIFY(!names.matches(u"db2"));
    bw::BreakerFilter regex{{}, QRegularExpression(u"^(?:pay.*)$"_s)};
    QVERIFY(regex.matches(u"payments"));
    QVERIFY(!regex.matches(u"repay"));
}

void TestFleetReaders::sourcedPolicyFromRealSettings()
{
    const bw::PresetCatalog catalog;
    bw::ServiceConfig service;
    service.preset = u"resilience4j"_s;
    service.parameters = {{u"slidingWindowSize"_s, u"20"_s}};
    service.policy = *catalog.buildText(service.preset, service.parameters);
    const auto actuator = bw::SourcedPolicy::forBreaker(service, bw::BreakerSource::Actuator,
                                                        {{u"failureRateThreshold"_s, u"30.0%"_s}}, catalog);
    QVERIFY(actuator.fromSource);
    QCOMPARE(actuator.preset, u"resilience4j"_s);
    QCOMPARE(actuator.parameters,
             (QList<QPair<QString, QString>>{{u"slidingWindowSize"_s, u"20"_s}, {u"failureRateThreshold"_s, u"30"_s}}));
    QCOMPARE(actuator.policy.failureRateThreshold, 30.0);
    const auto hystrix =
        bw::SourcedPolicy::forBreaker(service, bw::BreakerSource::Hystrix,
                                      {{u"propertyValue_circuitBreakerErrorThresholdPercentage"_s, u"40"_s},
                                       {u"propertyValue_circuitBreakerSleepWindowInMilliseconds"_s, u"7000"_s}},
                                      catalog);
    QCOMPARE(hystrix.preset, u"hystrix"_s);
    QCOMPARE(hystrix.policy.failureRateThreshold, 40.0);
    QCOMPARE(hystrix.policy.openDurationMs, 7000);
    // Nothing to go by: the service's own policy; a value the preset refuses is left out.
    const auto gauge = bw::SourcedPolicy::forBreaker(service, bw::BreakerSource::Gauge, {}, catalog);
    QVERIFY(!gauge.fromSource);
    QCOMPARE(gauge.parameters, service.parameters);
    const auto refused = bw::SourcedPolicy::forBreaker(service, bw::BreakerSource::Actuator,
                                                       {{u"failureRateThreshold"_s, u"250%"_s}}, catalog);
    QVERIFY(!refused.fromSource);
}

QTEST_GUILESS_MAIN(TestFleetReaders)
#include "tst_fleetreaders.moc"
