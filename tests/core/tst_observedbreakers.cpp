#include "observed/eventdeduplicator.h"
#include "observed/hystrixstream.h"
#include "observed/metricsbreakerstate.h"
#include "observed/observedbreakertracker.h"
#include "observed/opossumcountertracker.h"
#include "observed/resilience4jactuator.h"
#include "observed/resilience4jevents.h"

#include <QDateTime>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTest>

using namespace Qt::StringLiterals;
using bw::BreakerState;

Q_DECLARE_METATYPE(std::vector<bw::MetricSample>)

namespace bw {

// Readable QCOMPARE failures.
char *toString(const ObservedBreakerState &b)
{
    const auto opt = [](const auto &value) { return value ? QString::number(*value) : u"-"_s; };
    return qstrdup(u"%1 %2%3 rate=%4 buffered=%5 failed=%6 notPermitted=%7"_s
                       .arg(b.name, stateName(b.state), b.stateKnown ? QString() : u"(unknown)"_s,
                            opt(b.failureRatePercent), opt(b.bufferedCalls), opt(b.failedCalls),
                            opt(b.notPermittedCalls))
                       .toUtf8()
                       .constData());
}

char *toString(const ObservedTransition &t)
{
    return qstrdup(
        u"t=%1 %2 -> %3%4"_s
            .arg(QString::number(t.t), stateName(t.from), stateName(t.to), t.fromGauge ? u" (gauge)"_s : QString())
            .toUtf8()
            .constData());
}

} // namespace bw

namespace {

QByteArray fixture(const char *name)
{
    QFile file(QStringLiteral(BW_TEST_DATA_DIR "/health/") + QString::fromUtf8(name));
    if (!file.open(QIODevice::ReadOnly))
        qFatal("missing fixture %s", name);
    return file.readAll();
}

// The literal shapes of docs/formats.md, "Real breakers".
const QByteArray kActuator2 =
    R"({"circuitBreakers":{"backendA":{"failureRate":"-1.0%","slowCallRate":"-1.0%",)"
    R"("failureRateThreshold":"50.0%","slowCallRateThreshold":"100.0%","bufferedCalls":3,)"
    R"("failedCalls":1,"slowCalls":0,"slowFailedCalls":0,"notPermittedCalls":0,"state":"CLOSED"}}})";
const QByteArray kActuator1 = R"({"circuitBreakers":["backendA"]})";
const QByteArray kStateChangeAnswer =
    R"({"circuitBreakerName":"backendA","currentState":"FORCED_OPEN","message":"Circuit Breaker backendA state has been changed to FORCED_OPEN"})";
const QByteArray kEvents =
    R"({"circuitBreakerEvents":[{"circuitBreakerName":"backendA","type":"STATE_TRANSITION",)"
    R"("creationTime":"2026-05-05T09:24:17.1+02:00[Europe/Berlin]","stateTransition":"CLOSED_TO_OPEN"}]})";
constexpr qint64 kLiteralEventMs = 1777965857100; // 2026-05-05T07:24:17.100Z

bw::ObservedBreakerState breaker(const char *name, BreakerState state, std::optional<double> rate,
                                 std::optional<int> buffered, std::optional<int> failed,
                                 std::optional<int> notPermitted, QList<QPair<QString, QString>> settings = {})
{
    return {QString::fromUtf8(name), state, true, rate, buffered, failed, notPermitted, std::move(settings)};
}

// The thresholds the actuator reports, as written (they start a named breaker's simulation).
const QList<QPair<QString, QString>> kDefaultThresholds{{u"failureRateThreshold"_s, u"50.0%"_s},
                                                        {u"slowCallRateThreshold"_s, u"100.0%"_s}};

bw::Resilience4jTransitionEvent ev(const char *name, qint64 t, const char *transition)
{
    bw::Resilience4jTransitionEvent e;
    e.breakerName = QString::fromUtf8(name);
    e.timeMs = t;
    e.transition = QString::fromUtf8(transition);
    const auto states = bw::Resilience4jEvents::parseStateTransition(e.transition);
    if (states) {
        e.from = states->first;
        e.to = states->second;
    }
    return e;
}

QString describeTimes(const QList<bw::Resilience4jTransitionEvent> &events)
{
    QStringList parts;
    for (const auto &e : events)
        parts.append(u"%1@%2 %3"_s.arg(e.breakerName, QString::number(e.timeMs), e.transition));
    return parts.join(u", ");
}

bw::MetricSample sample(const QByteArray &name, const QList<QPair<QByteArray, QByteArray>> &labels, double value)
{
    bw::MetricSample s;
    s.name = name;
    s.labels = labels;
    s.value = value;
    return s;
}

// Resilience4j's one-hot gauge for one breaker.
void addOneHot(std::vector<bw::MetricSample> &samples, const QByteArray &name, const QByteArray &hot)
{
    for (const char *state : {"closed", "disabled", "forced_open", "half_open", "metrics_only", "open"})
        samples.push_back(
            sample("resilience4j_circuitbreaker_state", {{"name", name}, {"state", state}}, hot == state ? 1 : 0));
}

std::vector<bw::MetricSample> opossum(const QList<std::tuple<QByteArray, QByteArray, double>> &counters)
{
    std::vector<bw::MetricSample> samples;
    for (const auto &[name, eventName, value] : counters)
        samples.push_back(sample("circuit", {{"name", name}, {"event", eventName}}, value));
    return samples;
}

QString describeStates(const bw::MetricBreakerStates &states)
{
    QStringList parts;
    for (const auto &s : states.states)
        parts.append(s.endpoint.isEmpty() ? u"%1=%2"_s.arg(s.name, bw::stateName(s.state))
                                          : u"%1 %2=%3"_s.arg(s.name, s.endpoint, bw::stateName(s.state)));
    return parts.join(u';');
}

QString describeCommands(const QList<bw::HystrixCommandSample> &commands)
{
    QStringList parts;
    for (const auto &c : commands)
        parts.append(u"%1:%2:%3/%4/%5/%6"_s.arg(c.name, c.isCircuitBreakerOpen ? u"open"_s : u"closed"_s)
                         .arg(c.requestCount)
                         .arg(c.rollingCountSuccess)
                         .arg(c.rollingCountFailure)
                         .arg(c.rollingCountShortCircuited));
    return parts.join(u", ");
}

} // namespace

class TestObservedBreakers final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // Resilience4j actuator
    void actuatorLiteralShapes();
    void actuatorFixture();
    void actuatorMalformed_data();
    void actuatorMalformed();
    void stateChangeAnswer_data();
    void stateChangeAnswer();
    void stateChangeBody();

    // Resilience4j events
    void eventsLiteral();
    void eventsFixtureAndOtherTypes();
    void creationTime_data();
    void creationTime();
    void creationTimeMatchesQDateTime();
    void stateTransition_data();
    void stateTransition();
    void eventsMalformed_data();
    void eventsMalformed();
    void dedupeScript();
    void dedupeRingBuffer();

    // hystrix.stream
    void hystrixFixture();
    void hystrixSplitsAnywhere_data();
    void hystrixSplitsAnywhere();
    void hystrixLines_data();
    void hystrixLines();
    void hystrixLineGuard();
    void hystrixResetDropsPartial();
    void truncatedAndMutatedNeverCrash();

    // Metrics
    void resilience4jGauge_data();
    void resilience4jGauge();
    void prefixedGauge_data();
    void prefixedGauge();
    void opossumLastState_data();
    void opossumLastState();
    void opossumTracker();

    // Events first; gauges reconcile
    void trackerEventsWinOverMissedOpen();
    void trackerGaugeFillsWhatEventsMissed();
    void trackerLateEventsExplainGauge();
    void trackerTiesAndDuplicates();
    void trackerForgetsAndIsBounded();
    void trackerKeepsTwoPollsPerOldRun();
    void trackerReopenedTakesAPastLearntLate();
};

// ---- Resilience4j actuator ---------------------------------------------------------------------------------

void TestObservedBreakers::actuatorLiteralShapes()
{
    const auto current = bw::Resilience4jActuator::parseCircuitBreakers(kActuator2);
    QVERIFY2(current.ok(), qPrintable(current.ok() ? QString() : current.error()));
    QCOMPARE(current->size(), 1);
    QCOMPARE(current->front(), breaker("backendA", BreakerState::Closed, std::nullopt, 3, 1, 0, kDefaultThresholds));

    const auto old = bw::Resilience4jActuator::parseCircuitBreakers(kActuator1);
    QVERIFY(old.ok());
    QCOMPARE(old->size(), 1);
    bw::ObservedBreakerState namesOnly;
    namesOnly.name = u"backendA"_s;
    namesOnly.stateKnown = false;
    QCOMPARE(old->front(), namesOnly);

    QVERIFY(bw::Resilience4jActuator::parseCircuitBreakers(R"({"circuitBreakers":{}})")->isEmpty());
    QVERIFY(bw::Resilience4jActuator::parseCircuitBreakers(R"({"circuitBreakers":[]})")->isEmpty());
}

void TestObservedBreakers::actuatorFixture()
{
    const auto list = bw::Resilience4jActuator::parseCircuitBreakers(fixture("resilience4j-circuitbreakers.json"));
    QVERIFY(list.ok());
    QCOMPARE(list->size(), 3);
    QCOMPARE(list->at(0), breaker("backendA", BreakerState::Closed, std::nullopt, 3, 1, 0, kDefaultThresholds));
    QCOMPARE(list->at(1), breaker("backendB", BreakerState::Open, 60.0, 10, 6, 42, kDefaultThresholds));
    QCOMPARE(list->at(2), breaker("backendC", BreakerState::HalfOpen, std::nullopt, 1, 0, 0, kDefaultThresholds));

    const auto states = bw::Resilience4jActuator::parseCircuitBreakers(
        R"({"circuitBreakers":{"a":{"state":"FORCED_OPEN"},"b":{"state":"DISABLED","failureRate":0},)"
        R"("c":{"state":"METRICS_ONLY","failureRate":"100.0%"}}})");
    QVERIFY(states.ok());
    QCOMPARE(states->at(0),
             breaker("a", BreakerState::ForcedOpen, std::nullopt, std::nullopt, std::nullopt, std::nullopt));
    QCOMPARE(states->at(1), breaker("b", BreakerState::Disabled, 0.0, std::nullopt, std::nullopt, std::nullopt));
    QCOMPARE(states->at(2), breaker("c", BreakerState::MetricsOnly, 100.0, std::nullopt, std::nullopt, std::nullopt));
}

void TestObservedBreakers::actuatorMalformed_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("message");
    QTest::newRow("empty") << QByteArray() << u"empty body"_s;
    QTest::newRow("truncated") << kActuator2.left(80) << u"not JSON"_s;
    QTest::newRow("huge nesting") << QByteArray(200000, '[') << u"not JSON"_s;
    QTest::newRow("top-level array") << QByteArray(R"(["backendA"])") << u"expected a JSON object"_s;
    QTest::newRow("missing circuitBreakers") << QByteArray(R"({"breakers":{}})") << u"missing \"circuitBreakers\""_s;
    QTest::newRow("circuitBreakers is a string")
        << QByteArray(R"({"circuitBreakers":"backendA"})")
        << u"\"circuitBreakers\" must be an object or an array, not a string"_s;
    QTest::newRow("name is a number") << QByteArray(R"({"circuitBreakers":["a",7]})")
                                      << u"circuitBreakers[1] must be a name, not a number"_s;
    QTest::newRow("entry is an array") << QByteArray(R"({"circuitBreakers":{"a":[]}})")
                                       << u"breaker \"a\": expected an object, not an array"_s;
    QTest::newRow("missing state") << QByteArray(R"({"circuitBreakers":{"a":{"failureRate":"-1.0%"}}})")
                                   << u"breaker \"a\": missing \"state\""_s;
    QTest::newRow("state is null") << QByteArray(R"({"circuitBreakers":{"a":{"state":null}}})")
                                   << u"breaker \"a\": \"state\" must be a string, not null"_s;
    QTest::newRow("unknown state") << QByteArray(R"({"circuitBreakers":{"a":{"state":"FORCE_OPEN"}}})")
                                   << u"breaker \"a\": unknown state \"FORCE_OPEN\""_s;
    QTest::newRow("failureRate garbage") << QByteArray(
                                                R"({"circuitBreakers":{"a":{"state":"OPEN","failureRate":"%"}}})")
                                         << u"\"failureRate\" is not a percentage"_s;
    QTest::newRow("failureRate boolean") << QByteArray(
                                                R"({"circuitBreakers":{"a":{"state":"OPEN","failureRate":true}}})")
                                         << u"\"failureRate\" must be a percentage, not a boolean"_s;
    QTest::newRow("bufferedCalls string")
        << QByteArray(R"({"circuitBreakers":{"a":{"state":"OPEN","bufferedCalls":"3"}}})")
        << u"\"bufferedCalls\" must be a non-negative integer, not a string"_s;
    QTest::newRow("notPermittedCalls too large")
        << QByteArray(R"({"circuitBreakers":{"a":{"state":"OPEN","notPermittedCalls":1e12}}})")
        << u"\"notPermittedCalls\" must be a non-negative integer"_s;
}

void TestObservedBreakers::actuatorMalformed()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, message);
    const auto list = bw::Resilience4jActuator::parseCircuitBreakers(body);
    QVERIFY(!list.ok());
    QVERIFY2(list.error().contains(message), qPrintable(list.error()));
}

void TestObservedBreakers::stateChangeAnswer_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("state");
    QTest::addColumn<QString>("error");
    QTest::newRow("literal FORCED_OPEN") << kStateChangeAnswer << u"backendA"_s << int(BreakerState::ForcedOpen)
                                         << QString();
    QTest::newRow("CLOSED, no message") << QByteArray(R"({"circuitBreakerName":"b","currentState":"CLOSED"})") << u"b"_s
                                        << int(BreakerState::Closed) << QString();
    QTest::newRow("DISABLED") << QByteArray(R"({"circuitBreakerName":"b","currentState":"DISABLED","message":null})")
                              << u"b"_s << int(BreakerState::Disabled) << QString();
    QTest::newRow("empty") << QByteArray() << QString() << 0 << u"empty body"_s;
    QTest::newRow("truncated") << kStateChangeAnswer.left(40) << QString() << 0 << u"not JSON"_s;
    QTest::newRow("missing name") << QByteArray(R"({"currentState":"CLOSED"})") << QString() << 0
                                  << u"missing \"circuitBreakerName\""_s;
    QTest::newRow("request verb is not a state")
        << QByteArray(R"({"circuitBreakerName":"b","currentState":"FORCE_OPEN"})") << QString() << 0
        << u"unknown state \"FORCE_OPEN\""_s;
    QTest::newRow("state is a number") << QByteArray(R"({"circuitBreakerName":"b","currentState":1})") << QString() << 0
                                       << u"\"currentState\" must be a string, not a number"_s;
    QTest::newRow("message is an object")
        << QByteArray(R"({"circuitBreakerName":"b","currentState":"OPEN","message":{}})") << QString() << 0
        << u"\"message\" must be a string, not an object"_s;
}

void TestObservedBreakers::stateChangeAnswer()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, error);
    const auto answer = bw::Resilience4jActuator::parseStateChange(body);
    if (!error.isEmpty()) {
        QVERIFY(!answer.ok());
        QVERIFY2(answer.error().contains(error), qPrintable(answer.error()));
        return;
    }
    QVERIFY2(answer.ok(), qPrintable(answer.ok() ? QString() : answer.error()));
    QTEST(answer->breakerName, "name");
    QTEST(int(answer->currentState), "state");
    if (QByteArrayView(QTest::currentDataTag()).startsWith("literal"))
        QCOMPARE(answer->message, u"Circuit Breaker backendA state has been changed to FORCED_OPEN"_s);
}

void TestObservedBreakers::stateChangeBody()
{
    using bw::Resilience4jActuator;
    using bw::Resilience4jUpdate;
    QCOMPARE(Resilience4jActuator::stateChangeBody(Resilience4jUpdate::Close),
             QByteArray(R"({"updateState":"CLOSE"})"));
    QCOMPARE(Resilience4jActuator::stateChangeBody(Resilience4jUpdate::ForceOpen),
             QByteArray(R"({"updateState":"FORCE_OPEN"})"));
    QCOMPARE(Resilience4jActuator::stateChangeBody(Resilience4jUpdate::Disable),
             QByteArray(R"({"updateState":"DISABLE"})"));
    for (const auto update : {Resilience4jUpdate::Close, Resilience4jUpdate::ForceOpen, Resilience4jUpdate::Disable}) {
        const QJsonDocument document = QJsonDocument::fromJson(Resilience4jActuator::stateChangeBody(update));
        QVERIFY(document.isObject());
        QCOMPARE(document.object().size(), 1);
    }
}

// ---- Resilience4j events -----------------------------------------------------------------------------------

void TestObservedBreakers::eventsLiteral()
{
    const auto events = bw::Resilience4jEvents::parseStateTransitions(kEvents);
    QVERIFY2(events.ok(), qPrintable(events.ok() ? QString() : events.error()));
    QCOMPARE(events->size(), 1);
    const auto &e = events->front();
    QCOMPARE(e.breakerName, u"backendA"_s);
    QCOMPARE(e.timeMs, kLiteralEventMs);
    QCOMPARE(e.from, BreakerState::Closed);
    QCOMPARE(e.to, BreakerState::Open);
    QCOMPARE(e.transition, u"CLOSED_TO_OPEN"_s);
    QCOMPARE(e.toObserved(),
             (bw::ObservedTransition{kLiteralEventMs, BreakerState::Closed, BreakerState::Open, false}));
    QVERIFY(bw::Resilience4jEvents::parseStateTransitions(R"({"circuitBreakerEvents":[]})")->isEmpty());
}

void TestObservedBreakers::eventsFixtureAndOtherTypes()
{
    const auto events = bw::Resilience4jEvents::parseStateTransitions(fixture("resilience4j-events.json"));
    QVERIFY(events.ok());
    QCOMPARE(describeTimes(*events),
             u"backendA@1777965857100 CLOSED_TO_OPEN, backendA@1777965862104 OPEN_TO_HALF_OPEN, "
             u"backendA@1777965863556 HALF_OPEN_TO_CLOSED"_s);

    // The unfiltered endpoint mixes in other event types, without stateTransition: they are skipped.
    const auto mixed = bw::Resilience4jEvents::parseStateTransitions(
        R"({"circuitBreakerEvents":[)"
        R"({"circuitBreakerName":"a","type":"ERROR","creationTime":"2026-05-05T09:24:16.9+02:00[Europe/Berlin]",)"
        R"("errorMessage":"java.io.IOException: boom","durationInMs":12},)"
        R"({"circuitBreakerName":"a","type":"NOT_PERMITTED","creationTime":"2026-05-05T09:24:18+02:00[Europe/Berlin]"},)"
        R"({"circuitBreakerName":"a","type":"STATE_TRANSITION","creationTime":"2026-05-05T07:24:17.1Z[UTC]",)"
        R"("stateTransition":"CLOSED_TO_OPEN"}]})");
    QVERIFY2(mixed.ok(), qPrintable(mixed.ok() ? QString() : mixed.error()));
    QCOMPARE(describeTimes(*mixed), u"a@1777965857100 CLOSED_TO_OPEN"_s);
}

void TestObservedBreakers::creationTime_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("ms");
    QTest::addColumn<QString>("error");
    const auto good = [](const char *name, const QString &text, qint64 ms) {
        QTest::newRow(name) << text << ms << QString();
    };
    const auto bad = [](const char *name, const QString &text, const QString &error) {
        QTest::newRow(name) << text << qint64(0) << error;
    };
    good("literal", u"2026-05-05T09:24:17.1+02:00[Europe/Berlin]"_s, kLiteralEventMs);
    good("no zone id", u"2026-05-05T09:24:17.1+02:00"_s, kLiteralEventMs);
    good("Z", u"2026-05-05T07:24:17.123Z"_s, 1777965857123);
    good("Z[UTC]", u"2026-05-05T07:24:17.123Z[UTC]"_s, 1777965857123);
    good("nanoseconds truncate", u"2026-05-05T07:24:17.123999999Z[Etc/UTC]"_s, 1777965857123);
    good("two fraction digits", u"2026-05-05T07:24:17.12Z"_s, 1777965857120);
    good("seconds omitted when zero", u"2026-05-05T09:24+02:00[Europe/Berlin]"_s, 1777965840000);
    good("negative offset, leap day", u"2024-02-29T23:59:59.999-05:00[America/New_York]"_s, 1709269199999);
    good("half-hour offset", u"2026-01-01T05:30:00+05:30[Asia/Kolkata]"_s, 1767225600000);
    good("offset with seconds", u"2026-05-05T09:24:17.100+02:00:00"_s, kLiteralEventMs);
    good("epoch", u"1970-01-01T00:00Z"_s, 0);
    good("before the epoch", u"1969-12-31T23:59:59.999Z"_s, -1);
    good("DST fall-back hour: the offset decides", u"2026-10-25T02:30:00+01:00[Europe/Berlin]"_s, 1792891800000);
    good("year 2000 is leap", u"2000-02-29T00:00Z"_s, 951782400000);
    bad("empty", QString(), u"expected yyyy-MM-dd"_s);
    bad("epoch millis", u"1777965857100"_s, u"expected yyyy-MM-dd"_s);
    bad("space instead of T", u"2026-05-05 09:24:17Z"_s, u"expected yyyy-MM-ddTHH:mm"_s);
    bad("no offset", u"2026-05-05T09:24:17.1"_s, u"missing the UTC offset"_s);
    bad("zone id without offset", u"2026-05-05T09:24:17.1[Europe/Berlin]"_s, u"missing the UTC offset"_s);
    bad("month 13", u"2026-13-05T09:24:17Z"_s, u"out of range"_s);
    bad("29 February 2025", u"2025-02-29T00:00Z"_s, u"out of range"_s);
    bad("1900 is not leap", u"1900-02-29T00:00Z"_s, u"out of range"_s);
    bad("hour 24", u"2026-05-05T24:00Z"_s, u"out of range"_s);
    bad("second 60", u"2026-05-05T23:59:60Z"_s, u"out of range"_s);
    bad("empty fraction", u"2026-05-05T09:24:17.+02:00"_s, u"fraction"_s);
    bad("ten fraction digits", u"2026-05-05T09:24:17.1234567891Z"_s, u"fraction"_s);
    bad("offset too large", u"2026-05-05T09:24:17.1+19:00"_s, u"offset out of range"_s);
    bad("offset without minutes", u"2026-05-05T09:24:17.1+02"_s, u"expected an offset"_s);
    bad("unterminated zone", u"2026-05-05T09:24:17.1+02:00[Europe/Berlin"_s, u"unterminated zone id"_s);
    bad("empty zone", u"2026-05-05T09:24:17.1+02:00[]"_s, u"unterminated zone id"_s);
    bad("text after zone", u"2026-05-05T09:24:17.1+02:00[Europe/Berlin]x"_s, u"unexpected text"_s);
    bad("non-ASCII digit", u"2026-05-05T09:24:1\u0667Z"_s, u"seconds"_s);
}

void TestObservedBreakers::creationTime()
{
    QFETCH(QString, text);
    QFETCH(QString, error);
    const auto ms = bw::Resilience4jEvents::parseCreationTime(text);
    if (!error.isEmpty()) {
        QVERIFY(!ms.ok());
        QVERIFY2(ms.error().contains(error), qPrintable(ms.error()));
        return;
    }
    QVERIFY2(ms.ok(), qPrintable(ms.ok() ? QString() : ms.error()));
    QTEST(qint64(*ms), "ms");
}

void TestObservedBreakers::creationTimeMatchesQDateTime()
{
    // An independent oracle: QDateTime formats random instants at random offsets the way Java prints them.
    QRandomGenerator random(20260505);
    for (int i = 0; i < 2000; ++i) {
        const qint64 ms = random.bounded(Q_INT64_C(4102444800000)); // 1970..2100
        const int offsetMinutes = int(random.bounded(-18 * 60 + 1, 18 * 60)) / 15 * 15;
        const QDateTime local = QDateTime::fromMSecsSinceEpoch(ms, Qt::OffsetFromUTC, offsetMinutes * 60);
        QString text = local.toString(u"yyyy-MM-ddTHH:mm:ss.zzz"_s);
        if (offsetMinutes == 0) {
            text += u'Z';
        } else {
            const int absolute = std::abs(offsetMinutes);
            text += u"%1%2:%3"_s.arg(QChar(offsetMinutes < 0 ? u'-' : u'+'))
                        .arg(absolute / 60, 2, 10, QChar(u'0'))
                        .arg(absolute % 60, 2, 10, QChar(u'0'));
        }
        text += u"[Some/Zone]"_s;
        const auto parsed = bw::Resilience4jEvents::parseCreationTime(text);
        QVERIFY2(parsed.ok(), qPrintable(text));
        QVERIFY2(*parsed == ms, qPrintable(u"%1: %2 != %3"_s.arg(text).arg(*parsed).arg(ms)));
    }
}

void TestObservedBreakers::stateTransition_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("from");
    QTest::addColumn<int>("to");
    QTest::addColumn<bool>("ok");
    const auto row = [](const QString &text, BreakerState from, BreakerState to) {
        QTest::newRow(qPrintable(text)) << text << int(from) << int(to) << true;
    };
    row(u"CLOSED_TO_OPEN"_s, BreakerState::Closed, BreakerState::Open);
    row(u"OPEN_TO_HALF_OPEN"_s, BreakerState::Open, BreakerState::HalfOpen);
    row(u"HALF_OPEN_TO_CLOSED"_s, BreakerState::HalfOpen, BreakerState::Closed);
    row(u"HALF_OPEN_TO_OPEN"_s, BreakerState::HalfOpen, BreakerState::Open);
    row(u"CLOSED_TO_FORCED_OPEN"_s, BreakerState::Closed, BreakerState::ForcedOpen);
    row(u"HALF_OPEN_TO_FORCED_OPEN"_s, BreakerState::HalfOpen, BreakerState::ForcedOpen);
    row(u"FORCED_OPEN_TO_CLOSED"_s, BreakerState::ForcedOpen, BreakerState::Closed);
    row(u"CLOSED_TO_DISABLED"_s, BreakerState::Closed, BreakerState::Disabled);
    row(u"DISABLED_TO_METRICS_ONLY"_s, BreakerState::Disabled, BreakerState::MetricsOnly);
    row(u"METRICS_ONLY_TO_CLOSED"_s, BreakerState::MetricsOnly, BreakerState::Closed);
    row(u"OPEN_TO_METRICS_ONLY"_s, BreakerState::Open, BreakerState::MetricsOnly);
    row(u"CLOSED_TO_CLOSED"_s, BreakerState::Closed, BreakerState::Closed);
    for (const char *bad : {"", "CLOSED", "CLOSED_TO_", "_TO_OPEN", "FOO_TO_OPEN", "CLOSED_TO_AJAR", "CLOSED-TO-OPEN"})
        QTest::newRow(bad[0] ? bad : "empty") << QString::fromUtf8(bad) << 0 << 0 << false;
}

void TestObservedBreakers::stateTransition()
{
    QFETCH(QString, text);
    QFETCH(bool, ok);
    const auto states = bw::Resilience4jEvents::parseStateTransition(text);
    QCOMPARE(states.ok(), ok);
    if (!ok) {
        QVERIFY(states.error().contains(u"stateTransition"));
        return;
    }
    QTEST(int(states->first), "from");
    QTEST(int(states->second), "to");
}

void TestObservedBreakers::eventsMalformed_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("message");
    const QByteArray good =
        R"({"circuitBreakerName":"a","type":"STATE_TRANSITION","creationTime":"2026-05-05T07:24:17Z","stateTransition":"CLOSED_TO_OPEN"})";
    const auto wrap = [&good](const QByteArray &second) -> QByteArray {
        return "{\"circuitBreakerEvents\":[" + good + "," + second + "]}";
    };
    QTest::newRow("empty") << QByteArray() << u"empty body"_s;
    QTest::newRow("truncated") << kEvents.left(kEvents.size() - 3) << u"not JSON"_s;
    QTest::newRow("huge nesting") << QByteArray("{\"circuitBreakerEvents\":") + QByteArray(50000, '[') << u"not JSON"_s;
    QTest::newRow("missing list") << QByteArray("{}") << u"missing \"circuitBreakerEvents\""_s;
    QTest::newRow("list is an object") << QByteArray(R"({"circuitBreakerEvents":{}})")
                                       << u"\"circuitBreakerEvents\" must be an array, not an object"_s;
    QTest::newRow("event is a string") << wrap(R"("x")") << u"event 2: expected an object, not a string"_s;
    QTest::newRow("missing type") << wrap(R"({"circuitBreakerName":"a"})") << u"event 2: missing \"type\""_s;
    QTest::newRow("missing name") << wrap(R"({"type":"STATE_TRANSITION"})")
                                  << u"event 2: missing \"circuitBreakerName\""_s;
    QTest::newRow("missing creationTime")
        << wrap(R"({"circuitBreakerName":"a","type":"STATE_TRANSITION","stateTransition":"OPEN_TO_HALF_OPEN"})")
        << u"event 2: missing \"creationTime\""_s;
    QTest::newRow("creationTime is epoch ms")
        << wrap(
               R"({"circuitBreakerName":"a","type":"STATE_TRANSITION","creationTime":1777965857100,"stateTransition":"OPEN_TO_HALF_OPEN"})")
        << u"event 2: \"creationTime\" must be a string, not a number"_s;
    QTest::newRow("creationTime without offset")
        << wrap(
               R"({"circuitBreakerName":"a","type":"STATE_TRANSITION","creationTime":"2026-05-05T07:24:18","stateTransition":"OPEN_TO_HALF_OPEN"})")
        << u"event 2: creationTime \"2026-05-05T07:24:18\": missing the UTC offset"_s;
    QTest::newRow("missing stateTransition")
        << wrap(R"({"circuitBreakerName":"a","type":"STATE_TRANSITION","creationTime":"2026-05-05T07:24:18Z"})")
        << u"event 2: missing \"stateTransition\""_s;
    QTest::newRow("bad stateTransition")
        << wrap(
               R"({"circuitBreakerName":"a","type":"STATE_TRANSITION","creationTime":"2026-05-05T07:24:18Z","stateTransition":"OPEN"})")
        << u"event 2: stateTransition \"OPEN\" is not FROM_TO_TO"_s;
}

void TestObservedBreakers::eventsMalformed()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, message);
    const auto events = bw::Resilience4jEvents::parseStateTransitions(body);
    QVERIFY(!events.ok());
    QVERIFY2(events.error().contains(message), qPrintable(events.error()));
}

void TestObservedBreakers::dedupeScript()
{
    bw::EventDeduplicator dedupe;
    // Poll 1: two events, listed newest first; both are new, returned oldest first.
    QCOMPARE(describeTimes(dedupe.accept({ev("A", 200, "OPEN_TO_HALF_OPEN"), ev("A", 100, "CLOSED_TO_OPEN")})),
             u"A@100 CLOSED_TO_OPEN, A@200 OPEN_TO_HALF_OPEN"_s);
    QCOMPARE(dedupe.rememberedCount(), 2);
    // Poll 2: the same two and one more.
    QCOMPARE(describeTimes(dedupe.accept({ev("A", 100, "CLOSED_TO_OPEN"), ev("A", 200, "OPEN_TO_HALF_OPEN"),
                                          ev("A", 300, "HALF_OPEN_TO_CLOSED")})),
             u"A@300 HALF_OPEN_TO_CLOSED"_s);
    QCOMPARE(dedupe.rememberedCount(), 3);
    // Poll 3: the ring buffer dropped @100; @100 is forgotten too.
    QCOMPARE(describeTimes(dedupe.accept({ev("A", 200, "OPEN_TO_HALF_OPEN"), ev("A", 300, "HALF_OPEN_TO_CLOSED"),
                                          ev("A", 400, "CLOSED_TO_OPEN")})),
             u"A@400 CLOSED_TO_OPEN"_s);
    QCOMPARE(dedupe.rememberedCount(), 3);
    // Poll 4: something older than the last poll's oldest event cannot be new.
    QCOMPARE(describeTimes(dedupe.accept({ev("A", 150, "CLOSED_TO_OPEN"), ev("A", 200, "OPEN_TO_HALF_OPEN")})),
             QString());
    // Poll 5: nothing; memory unchanged.
    QVERIFY(dedupe.accept({}).isEmpty());
    QCOMPARE(dedupe.rememberedCount(), 3);
    // Same time, another transition: a different event. Repeated within one poll: once.
    QCOMPARE(describeTimes(dedupe.accept({ev("A", 400, "OPEN_TO_HALF_OPEN"), ev("A", 400, "OPEN_TO_HALF_OPEN"),
                                          ev("A", 400, "CLOSED_TO_OPEN")})),
             u"A@400 OPEN_TO_HALF_OPEN"_s);
    // Another breaker has its own horizon: its old events are new.
    QCOMPARE(describeTimes(dedupe.accept({ev("B", 50, "CLOSED_TO_OPEN"), ev("A", 400, "CLOSED_TO_OPEN")})),
             u"B@50 CLOSED_TO_OPEN"_s);
    // Ties in time keep the poll's order.
    QCOMPARE(describeTimes(dedupe.accept({ev("B", 60, "OPEN_TO_HALF_OPEN"), ev("B", 60, "HALF_OPEN_TO_OPEN")})),
             u"B@60 OPEN_TO_HALF_OPEN, B@60 HALF_OPEN_TO_OPEN"_s);
    dedupe.clear();
    QCOMPARE(dedupe.rememberedCount(), 0);
    QCOMPARE(dedupe.accept({ev("A", 100, "CLOSED_TO_OPEN")}).size(), 1);
}

void TestObservedBreakers::dedupeRingBuffer()
{
    // 350 events; the actuator keeps the last 100; we poll after every 37 new ones.
    const char *kinds[] = {"CLOSED_TO_OPEN", "OPEN_TO_HALF_OPEN", "HALF_OPEN_TO_CLOSED"};
    QList<bw::Resilience4jTransitionEvent> all;
    for (int i = 0; i < 350; ++i)
        all.append(ev("backendA", 1'000'000 + i * 10 + (i % 3), kinds[i % 3]));
    bw::EventDeduplicator dedupe;
    QList<bw::Resilience4jTransitionEvent> seen;
    for (qsizetype produced = 37;; produced = std::min<qsizetype>(produced + 37, all.size())) {
        const qsizetype first = std::max<qsizetype>(0, produced - 100);
        seen += dedupe.accept(all.mid(first, produced - first));
        QVERIFY(dedupe.rememberedCount() <= 100);
        if (produced == all.size())
            break;
    }
    QCOMPARE(seen.size(), all.size());
    QCOMPARE(seen, all);
}

// ---- hystrix.stream ----------------------------------------------------------------------------------------

void TestObservedBreakers::hystrixFixture()
{
    bw::HystrixStreamParser parser;
    const auto out = parser.feed(fixture("hystrix.stream"));
    QVERIFY2(out.errors.isEmpty(), qPrintable(out.errors.join(u"; ")));
    QCOMPARE(out.commands.size(), 2);
    const auto &user = out.commands.at(0);
    QCOMPARE(user.name, u"GetUser"_s);
    QCOMPARE(user.group, u"UserService"_s);
    QCOMPARE(user.currentTimeMs, std::optional<std::int64_t>(1777965857100));
    QCOMPARE(user.isCircuitBreakerOpen, false);
    QCOMPARE(user.errorPercentage, 0.0);
    QCOMPARE(user.requestCount, 121);
    QCOMPARE(user.rollingCountSuccess, 121);
    QCOMPARE(user.rollingCountFailure, 0);
    QCOMPARE(user.rollingCountShortCircuited, 0);
    QCOMPARE(user.latencyExecuteMeanMs, std::optional<double>(13));
    QCOMPARE(user.latencyExecute.size(), 9);
    QCOMPARE(user.latencyExecute.front(), (QPair<double, double>(0, 3)));
    QCOMPARE(user.latencyExecute.at(7), (QPair<double, double>(99.5, 92)));
    QCOMPARE(user.latencyExecute.back(), (QPair<double, double>(100, 252)));
    const auto &charge = out.commands.at(1);
    QCOMPARE(charge.name, u"ChargeCard"_s);
    QCOMPARE(charge.isCircuitBreakerOpen, true);
    QCOMPARE(charge.errorPercentage, 62.0);
    QCOMPARE(describeCommands(out.commands), u"GetUser:closed:121/121/0/0, ChargeCard:open:50/19/31/17"_s);
}

void TestObservedBreakers::hystrixSplitsAnywhere_data()
{
    QTest::addColumn<QByteArray>("stream");
    const QByteArray lf = fixture("hystrix.stream");
    QTest::newRow("LF") << lf;
    QTest::newRow("CRLF") << QByteArray(lf).replace("\r\n", "\n").replace("\n", "\r\n");
    QTest::newRow("CR") << QByteArray(lf).replace("\r\n", "\n").replace('\n', '\r');
    QTest::newRow("BOM") << "\xEF\xBB\xBF" + lf;
}

void TestObservedBreakers::hystrixSplitsAnywhere()
{
    QFETCH(QByteArray, stream);
    const QString expected = u"GetUser:closed:121/121/0/0, ChargeCard:open:50/19/31/17"_s;
    // Every split into two chunks.
    for (qsizetype at = 0; at <= stream.size(); ++at) {
        bw::HystrixStreamParser parser;
        auto out = parser.feed(QByteArrayView(stream).first(at));
        const auto rest = parser.feed(QByteArrayView(stream).sliced(at));
        out.commands += rest.commands;
        out.errors += rest.errors;
        QVERIFY2(out.errors.isEmpty(), qPrintable(u"split at %1: %2"_s.arg(at).arg(out.errors.join(u"; "))));
        QVERIFY2(describeCommands(out.commands) == expected, qPrintable(u"split at %1"_s.arg(at)));
    }
    // Byte by byte, and in random chunks.
    for (const bool byteByByte : {true, false}) {
        bw::HystrixStreamParser parser;
        QRandomGenerator random(7);
        QList<bw::HystrixCommandSample> commands;
        for (qsizetype pos = 0; pos < stream.size();) {
            const qsizetype size = byteByByte ? 1 : qsizetype(random.bounded(1, 64));
            const auto out = parser.feed(QByteArrayView(stream).sliced(pos, std::min(size, stream.size() - pos)));
            QVERIFY(out.errors.isEmpty());
            commands += out.commands;
            pos += size;
        }
        QCOMPARE(describeCommands(commands), expected);
    }
}

void TestObservedBreakers::hystrixLines_data()
{
    QTest::addColumn<QByteArray>("stream");
    QTest::addColumn<QString>("commands");
    QTest::addColumn<QStringList>("errors");
    const QByteArray ok = R"({"type":"HystrixCommand","name":"X","isCircuitBreakerOpen":false,"requestCount":3,)"
                          R"("rollingCountSuccess":2,"rollingCountFailure":1,"rollingCountShortCircuited":0})";
    const QString x = u"X:closed:3/2/1/0"_s;
    QTest::newRow("one event") << "data: " + ok + "\n\n" << x << QStringList();
    QTest::newRow("no space after colon") << "data:" + ok + "\n\n" << x << QStringList();
    QTest::newRow("not dispatched before the blank line") << "data: " + ok + "\n" << QString() << QStringList();
    QTest::newRow("comments, ping and other fields")
        << ": comment\nping: \n\nevent: message\nid: 7\nretry: 500\nfoo\ndata: " + ok + "\n\n"
        << x << QStringList();
    QTest::newRow("other types ignored") << QByteArray(R"(data: {"type":"HystrixThreadPool","name":"pool"})"
                                                       "\n\n"
                                                       R"(data: {"type":"HystrixCollapser","name":"c"})"
                                                       "\n\n"
                                                       R"(data: {"type":"meta","reportingHosts":1})"
                                                       "\n\n")
                                         << QString() << QStringList();
    QTest::newRow("one JSON split over data lines")
        << QByteArray("data: {\"type\":\"HystrixCommand\",\ndata: \"name\":\"X\",\"isCircuitBreakerOpen\":false}\n\n")
        << u"X:closed:0/0/0/0"_s << QStringList();
    QTest::newRow("two objects in one event") << "data: " + ok + "\ndata: " + ok + "\n\n"
                                              << x + u", "_s + x << QStringList();
    QTest::newRow("Turbine spellings")
        << QByteArray(R"(data: {"type":"HystrixCommand","name":"T","isCircuitBreakerOpen":"true","requestCount":12.0,)"
                      R"("rollingCountSuccess":4.4,"errorPercentage":66.7})"
                      "\n\n")
        << u"T:open:12/4/0/0"_s << QStringList();
    QTest::newRow("truncated JSON, then a good event")
        << QByteArray("data: {\"type\":\"HystrixCommand\",\"name\":\n\ndata: ") + ok + "\n\n"
        << x << QStringList{u"data: not JSON"_s};
    QTest::newRow("array") << QByteArray("data: [1,2]\n\n") << QString()
                           << QStringList{u"data: expected a JSON object"_s};
    QTest::newRow("no type") << QByteArray("data: {\"name\":\"X\"}\n\n") << QString()
                             << QStringList{u"data: \"type\" must be a string, not missing"_s};
    QTest::newRow("no name") << QByteArray(R"(data: {"type":"HystrixCommand","isCircuitBreakerOpen":false})"
                                           "\n\n")
                             << QString() << QStringList{u"HystrixCommand: missing \"name\""_s};
    QTest::newRow("isCircuitBreakerOpen missing")
        << QByteArray(R"(data: {"type":"HystrixCommand","name":"X"})"
                      "\n\n")
        << QString() << QStringList{u"HystrixCommand \"X\": \"isCircuitBreakerOpen\" must be a boolean, not missing"_s};
    QTest::newRow("isCircuitBreakerOpen maybe")
        << QByteArray(R"(data: {"type":"HystrixCommand","name":"X","isCircuitBreakerOpen":"maybe"})"
                      "\n\n")
        << QString()
        << QStringList{u"HystrixCommand \"X\": \"isCircuitBreakerOpen\" must be a boolean, not a string"_s};
    QTest::newRow("requestCount string")
        << QByteArray(R"(data: {"type":"HystrixCommand","name":"X","isCircuitBreakerOpen":false,"requestCount":"3"})"
                      "\n\n")
        << QString() << QStringList{u"HystrixCommand \"X\": \"requestCount\" must be a number, not a string"_s};
    QTest::newRow("negative count")
        << QByteArray(
               R"(data: {"type":"HystrixCommand","name":"X","isCircuitBreakerOpen":false,"rollingCountFailure":-1})"
               "\n\n")
        << QString() << QStringList{u"HystrixCommand \"X\": \"rollingCountFailure\" is out of range: -1"_s};
    QTest::newRow("latencyExecute array")
        << QByteArray(R"(data: {"type":"HystrixCommand","name":"X","isCircuitBreakerOpen":false,"latencyExecute":[]})"
                      "\n\n")
        << QString() << QStringList{u"HystrixCommand \"X\": \"latencyExecute\" must be an object, not an array"_s};
    QTest::newRow("latencyExecute bad key")
        << QByteArray(
               R"(data: {"type":"HystrixCommand","name":"X","isCircuitBreakerOpen":false,"latencyExecute":{"p99":1}})"
               "\n\n")
        << QString() << QStringList{u"HystrixCommand \"X\": latencyExecute: \"p99\" is not a percentile"_s};
    QTest::newRow("huge nesting") << "data: " + QByteArray(100000, '[') + "\n\n"
                                  << QString() << QStringList{u"data: not JSON"_s};
    QTest::newRow("empty data line") << QByteArray("data:\n\n") << QString() << QStringList{u"data: empty body"_s};
}

void TestObservedBreakers::hystrixLines()
{
    QFETCH(QByteArray, stream);
    QFETCH(QStringList, errors);
    bw::HystrixStreamParser parser;
    const auto out = parser.feed(stream);
    QTEST(describeCommands(out.commands), "commands");
    QCOMPARE(out.errors.size(), errors.size());
    for (qsizetype i = 0; i < errors.size(); ++i)
        QVERIFY2(out.errors.at(i).startsWith(errors.at(i)), qPrintable(out.errors.at(i)));
}

void TestObservedBreakers::hystrixLineGuard()
{
    const QByteArray ok = R"(data: {"type":"HystrixCommand","name":"X","isCircuitBreakerOpen":true})"
                          "\n\n";
    const QByteArray huge = "data: {\"type\":\"HystrixCommand\",\"name\":\"" + QByteArray(5000, 'y') + "\"}\n\n";
    for (const qsizetype chunk : {qsizetype(1), qsizetype(100), huge.size()}) {
        bw::HystrixStreamParser parser(1024);
        QStringList errors;
        QList<bw::HystrixCommandSample> commands;
        const QByteArray stream = ok + huge + ok;
        for (qsizetype pos = 0; pos < stream.size(); pos += chunk) {
            const auto out = parser.feed(QByteArrayView(stream).sliced(pos, std::min(chunk, stream.size() - pos)));
            errors += out.errors;
            commands += out.commands;
        }
        QCOMPARE(errors, QStringList{u"line longer than 1024 bytes dropped"_s});
        QCOMPARE(describeCommands(commands), u"X:open:0/0/0/0, X:open:0/0/0/0"_s);
    }
    // An event built from many short data lines is bounded too.
    bw::HystrixStreamParser parser(1024);
    QByteArray many;
    for (int i = 0; i < 200; ++i)
        many += "data: 0123456789\n";
    const auto out = parser.feed(QByteArray(many + "\n" + ok));
    QCOMPARE(out.errors, QStringList{u"event longer than 1024 bytes dropped"_s});
    QCOMPARE(out.commands.size(), 1);
}

void TestObservedBreakers::hystrixResetDropsPartial()
{
    bw::HystrixStreamParser parser;
    QVERIFY(parser
                .feed(R"(data: {"type":"HystrixCommand","name":"X","isCircuitBreakerOpen":true})"
                      "\n")
                .commands.isEmpty());
    parser.reset();
    const auto out = parser.feed("\n");
    QVERIFY(out.commands.isEmpty());
    QVERIFY(out.errors.isEmpty());
}

void TestObservedBreakers::truncatedAndMutatedNeverCrash()
{
    const QList<QByteArray> bodies{fixture("resilience4j-circuitbreakers.json"), fixture("resilience4j-events.json"),
                                   fixture("hystrix.stream"), kStateChangeAnswer, kActuator1};
    const auto check = [](QByteArrayView body) {
        const auto breakers = bw::Resilience4jActuator::parseCircuitBreakers(body);
        const auto events = bw::Resilience4jEvents::parseStateTransitions(body);
        const auto change = bw::Resilience4jActuator::parseStateChange(body);
        bw::HystrixStreamParser parser(512);
        const auto out = parser.feed(body);
        return (breakers.ok() || !breakers.error().isEmpty()) && (events.ok() || !events.error().isEmpty()) &&
               (change.ok() || !change.error().isEmpty()) && out.commands.size() <= 2;
    };
    quint32 seed = 1;
    for (const QByteArray &body : bodies) {
        for (qsizetype length = 0; length < body.size(); ++length)
            QVERIFY(check(QByteArrayView(body).first(length)));
        for (int i = 0; i < 300; ++i) {
            QByteArray mutated = body;
            for (int flips = 0; flips < 3; ++flips) {
                seed = seed * 1103515245 + 12345;
                mutated[qsizetype(seed % quint32(mutated.size()))] = char(seed >> 16);
            }
            QVERIFY(check(mutated));
        }
    }
}

// ---- Metrics -----------------------------------------------------------------------------------------------

void TestObservedBreakers::resilience4jGauge_data()
{
    QTest::addColumn<std::vector<bw::MetricSample>>("samples");
    QTest::addColumn<QString>("states");
    QTest::addColumn<QStringList>("problems");

    std::vector<bw::MetricSample> two;
    addOneHot(two, "backendA", "open");
    addOneHot(two, "backendB", "closed");
    two.push_back(sample("resilience4j_circuitbreaker_failure_rate", {{"name", "backendA"}}, 62.5));
    QTest::newRow("two breakers") << two << u"backendA=open;backendB=closed"_s << QStringList();

    std::vector<bw::MetricSample> every;
    for (const char *state : {"closed", "open", "half_open", "forced_open", "disabled", "metrics_only"})
        addOneHot(every, QByteArray("b_") + state, state);
    QTest::newRow("every state") << every
                                 << u"b_closed=closed;b_open=open;b_half_open=half-open;b_forced_open=forced-open;"
                                    u"b_disabled=disabled;b_metrics_only=metrics-only"_s
                                 << QStringList();

    std::vector<bw::MetricSample> labelled{
        sample("resilience4j_circuitbreaker_state", {{"application", "shop"}, {"name", "a"}, {"state", "half_open"}},
               1),
        sample("resilience4j_circuitbreaker_state", {{"application", "shop"}, {"name", "a"}, {"state", "closed"}}, 0)};
    QTest::newRow("extra labels") << labelled << u"a=half-open"_s << QStringList();

    std::vector<bw::MetricSample> none;
    addOneHot(none, "c", "");
    QTest::newRow("no state at 1") << none << QString()
                                   << QStringList{u"resilience4j_circuitbreaker_state{name=\"c\"}: no state is 1"_s};

    std::vector<bw::MetricSample> several;
    addOneHot(several, "d", "open");
    several.push_back(sample("resilience4j_circuitbreaker_state", {{"name", "d"}, {"state", "closed"}}, 1));
    addOneHot(several, "e", "closed");
    QTest::newRow("several at 1")
        << several << u"e=closed"_s
        << QStringList{u"resilience4j_circuitbreaker_state{name=\"d\"}: several states are 1 (open, closed)"_s};

    std::vector<bw::MetricSample> odd{
        sample("resilience4j_circuitbreaker_state", {{"name", "f"}, {"state", "sideways"}}, 1),
        sample("resilience4j_circuitbreaker_state", {{"name", "f"}, {"state", "closed"}}, 1),
        sample("resilience4j_circuitbreaker_state", {{"name", "g"}, {"state", "open"}}, 0.5),
        sample("resilience4j_circuitbreaker_state", {{"name", "g"}, {"state", "closed"}}, 1)};
    QTest::newRow("unknown state label, non-binary value")
        << odd << u"f=closed"_s
        << QStringList{u"resilience4j_circuitbreaker_state{name=\"f\"}: unknown state \"sideways\""_s,
                       u"resilience4j_circuitbreaker_state{name=\"g\",state=\"open\"}: value 0.5 is not 0 or 1"_s};
    QTest::newRow("nothing") << std::vector<bw::MetricSample>{} << QString() << QStringList();
}

void TestObservedBreakers::resilience4jGauge()
{
    QFETCH(std::vector<bw::MetricSample>, samples);
    const auto states = bw::MetricsBreakerState::resilience4j(samples);
    QTEST(describeStates(states), "states");
    QTEST(states.problems, "problems");
}

void TestObservedBreakers::prefixedGauge_data()
{
    QTest::addColumn<std::vector<bw::MetricSample>>("samples");
    QTest::addColumn<QString>("states");
    QTest::addColumn<QStringList>("problems");
    const auto gauge = [](const QByteArray &name, const QByteArray &service, const QByteArray &endpoint, double v) {
        return sample(name, {{"service", service}, {"endpoint", endpoint}}, v);
    };
    QTest::newRow("0/1/2")
        << std::vector<bw::MetricSample>{gauge("myapp_circuit_breaker_state", "payments", "/charge", 1),
                                         gauge("myapp_circuit_breaker_state", "payments", "/refund", 0),
                                         gauge("other_circuit_breaker_state", "search", "/q", 2)}
        << u"payments /charge=open;payments /refund=closed;search /q=half-open"_s << QStringList();
    QTest::newRow("no prefix, name label")
        << std::vector<bw::MetricSample>{sample("circuit_breaker_state", {{"name", "db"}}, 0)} << u"db=closed"_s
        << QStringList();
    QTest::newRow("other series ignored")
        << std::vector<bw::MetricSample>{gauge("myapp_circuit_breaker_opens_total", "a", "/", 3),
                                         gauge("myapp_circuit_breaker_failures_total", "a", "/", 3),
                                         sample("resilience4j_circuitbreaker_state", {{"name", "x"}, {"state", "open"}},
                                                1),
                                         gauge("myapp_circuit_breaker_state_bucket", "a", "/", 1)}
        << QString() << QStringList();
    QTest::newRow("value 3")
        << std::vector<bw::MetricSample>{gauge("myapp_circuit_breaker_state", "a", "/x", 3),
                                         gauge("myapp_circuit_breaker_state", "b", "/y", 1)}
        << u"b /y=open"_s
        << QStringList{u"myapp_circuit_breaker_state{service=\"a\",endpoint=\"/x\"}: value 3 is not 0, 1 or 2"_s};
    QTest::newRow("NaN") << std::vector<bw::MetricSample>{gauge("x_circuit_breaker_state", "a", "/", qQNaN())}
                         << QString()
                         << QStringList{
                                u"x_circuit_breaker_state{service=\"a\",endpoint=\"/\"}: value nan is not 0, 1 or 2"_s};
}

void TestObservedBreakers::prefixedGauge()
{
    QFETCH(std::vector<bw::MetricSample>, samples);
    const auto states = bw::MetricsBreakerState::prefixedGauge(samples);
    QTEST(describeStates(states), "states");
    QTEST(states.problems, "problems");
}

void TestObservedBreakers::opossumLastState_data()
{
    QTest::addColumn<int>("start");
    QTest::addColumn<int>("opens");
    QTest::addColumn<int>("halfOpens");
    QTest::addColumn<int>("closes");
    QTest::addColumn<int>("expected");
    const auto row = [](const char *name, BreakerState start, int o, int h, int c, BreakerState expected) {
        QTest::newRow(name) << int(start) << o << h << c << int(expected);
    };
    using S = BreakerState;
    row("closed, nothing", S::Closed, 0, 0, 0, S::Closed);
    row("closed: O", S::Closed, 1, 0, 0, S::Open);
    row("closed: O H", S::Closed, 1, 1, 0, S::HalfOpen);
    row("closed: O H C", S::Closed, 1, 1, 1, S::Closed);
    row("closed: O H O", S::Closed, 2, 1, 0, S::Open);
    row("closed: O H O H", S::Closed, 2, 2, 0, S::HalfOpen);
    row("closed: O H C O H | O H O H C (ambiguous, close taken last)", S::Closed, 2, 2, 1, S::Closed);
    row("closed: O H C O", S::Closed, 2, 1, 1, S::Open);
    row("closed: O H O H O", S::Closed, 3, 2, 0, S::Open);
    row("open: nothing", S::Open, 0, 0, 0, S::Open);
    row("open: H", S::Open, 0, 1, 0, S::HalfOpen);
    row("open: H C", S::Open, 0, 1, 1, S::Closed);
    row("open: H O", S::Open, 1, 1, 0, S::Open);
    row("open: H O H", S::Open, 1, 2, 0, S::HalfOpen);
    row("open: H C O", S::Open, 1, 1, 1, S::Open);
    row("open: manual close", S::Open, 0, 0, 1, S::Closed);
    row("half-open: C", S::HalfOpen, 0, 0, 1, S::Closed);
    row("half-open: O", S::HalfOpen, 1, 0, 0, S::Open);
    row("half-open: O H", S::HalfOpen, 1, 1, 0, S::HalfOpen);
    row("half-open: nothing", S::HalfOpen, 0, 0, 0, S::HalfOpen);
}

void TestObservedBreakers::opossumLastState()
{
    QFETCH(int, start);
    QFETCH(int, opens);
    QFETCH(int, halfOpens);
    QFETCH(int, closes);
    // These rows are for a page with a halfOpen series (opossum-prometheus added after a halfOpen listener).
    QTEST(int(bw::OpossumCounterTracker::lastState(static_cast<BreakerState>(start),
                                                   {opens, halfOpens, closes, 0, 0, 0, true})),
          "expected");
}

void TestObservedBreakers::opossumTracker()
{
    bw::OpossumCounterTracker tracker;
    // Scrape 1: api opened once since start; db never did (only its success counter exists).
    auto seen = tracker.update(opossum({{"api", "success", 10}, {"api", "open", 1}, {"db", "success", 5}}), 1000);
    QCOMPARE(seen.size(), 2);
    QCOMPARE(seen[0].name, u"api"_s);
    QCOMPARE(seen[0].previous, std::nullopt);
    QCOMPARE(seen[0].state, BreakerState::Open);
    QCOMPARE(seen[0].opens, 1);
    QVERIFY(seen[0].changed());
    QVERIFY(!seen[0].mayHaveMissed);
    QCOMPARE(seen[0].atMs, 1000);
    QCOMPARE(seen[1].name, u"db"_s);
    QCOMPARE(seen[1].state, BreakerState::Closed);

    // Scrape 2: one halfOpen.
    seen = tracker.update(
        opossum({{"api", "success", 10}, {"api", "open", 1}, {"api", "halfOpen", 1}, {"db", "success", 6}}), 2000);
    QCOMPARE(seen[0].previous, std::optional(BreakerState::Open));
    QCOMPARE(seen[0].state, BreakerState::HalfOpen);
    QCOMPARE(seen[0].halfOpens, 1);
    QVERIFY(!seen[0].mayHaveMissed);
    QVERIFY(!seen[1].changed());

    // Scrape 3: open, halfOpen and close all went up by one: the last state is Closed, with a warning.
    seen = tracker.update(opossum({{"api", "success", 11},
                                   {"api", "open", 2},
                                   {"api", "halfOpen", 2},
                                   {"api", "close", 1},
                                   {"db", "success", 6}}),
                          3000);
    QCOMPARE(seen[0].state, BreakerState::Closed);
    QCOMPARE((std::tuple{seen[0].opens, seen[0].halfOpens, seen[0].closes}), (std::tuple{1, 1, 1}));
    QVERIFY(seen[0].mayHaveMissed);
    QVERIFY(!seen[0].counterReset);

    // Scrape 4: nothing happened.
    seen = tracker.update(opossum({{"api", "success", 11},
                                   {"api", "open", 2},
                                   {"api", "halfOpen", 2},
                                   {"api", "close", 1},
                                   {"db", "success", 6}}),
                          4000);
    QCOMPARE(seen[0].state, BreakerState::Closed);
    QVERIFY(!seen[0].changed());
    QVERIFY(!seen[0].mayHaveMissed);

    // Scrape 5: the process restarted (the open series is gone, success went down): counted from zero, Closed.
    seen = tracker.update(opossum({{"api", "success", 2}, {"db", "success", 7}}), 5000);
    QVERIFY(seen[0].counterReset);
    QVERIFY(seen[0].mayHaveMissed);
    QCOMPARE(seen[0].state, BreakerState::Closed);
    QCOMPARE(seen[0].opens, 0);
    QVERIFY(!seen[1].counterReset);

    // Scrape 6: after the restart it opens again; db is gone and forgotten.
    seen = tracker.update(opossum({{"api", "success", 2}, {"api", "open", 1}}), 6000);
    QCOMPARE(seen.size(), 1);
    QCOMPARE(seen[0].state, BreakerState::Open);
    QCOMPARE(seen[0].previous, std::optional(BreakerState::Closed));
    QVERIFY(!seen[0].counterReset);
    QCOMPARE(tracker.trackedCount(), 1);

    // A restart that already opened again: open went from 1 to... 1, but success went down.
    seen = tracker.update(opossum({{"api", "success", 1}, {"api", "open", 1}}), 7000);
    QVERIFY(seen[0].counterReset);
    QCOMPARE(seen[0].state, BreakerState::Open);
    QCOMPARE(seen[0].opens, 1);

    // Prefixed metric names and the _total suffix.
    bw::OpossumCounterTracker prefixed("myapp_circuit");
    std::vector<bw::MetricSample> samples{
        sample("myapp_circuit_total", {{"name", "x"}, {"event", "open"}}, 3),
        sample("myapp_circuit_total", {{"name", "x"}, {"event", "halfOpen"}}, 3),
        sample("circuit", {{"name", "ignored"}, {"event", "open"}}, 1),
        sample("myapp_circuit_total", {{"name", "x"}, {"event", "failure"}}, qQNaN())};
    seen = prefixed.update(samples, 1);
    QCOMPARE(seen.size(), 1);
    QCOMPARE(seen[0].state, BreakerState::HalfOpen);
    QVERIFY(seen[0].mayHaveMissed);
}

// ---- Events first; gauges reconcile ----------------------------------------------------------------------

void TestObservedBreakers::trackerEventsWinOverMissedOpen()
{
    // A 60 ms OPEN between two polls: the gauge never saw it, the events did.
    bw::ObservedBreakerTracker tracker;
    QCOMPARE(tracker.addGaugeState(0, BreakerState::Closed), std::nullopt); // sets the starting state
    tracker.addEvents({{100, BreakerState::Closed, BreakerState::Open},
                       {150, BreakerState::Open, BreakerState::HalfOpen},
                       {160, BreakerState::HalfOpen, BreakerState::Closed}});
    QCOMPARE(tracker.addGaugeState(200, BreakerState::Closed), std::nullopt);
    QCOMPARE(tracker.transitions().size(), 3);
    QVERIFY(std::none_of(tracker.transitions().cbegin(), tracker.transitions().cend(),
                         [](const auto &t) { return t.fromGauge; }));
    QCOMPARE(tracker.stateAt(-1), std::nullopt);
    QCOMPARE(tracker.stateAt(50), std::optional(BreakerState::Closed));
    QCOMPARE(tracker.stateAt(120), std::optional(BreakerState::Open));
    QCOMPARE(tracker.stateAt(155), std::optional(BreakerState::HalfOpen));
    QCOMPARE(tracker.stateAt(1000), std::optional(BreakerState::Closed));
}

void TestObservedBreakers::trackerGaugeFillsWhatEventsMissed()
{
    // The ring buffer overflowed: the event saying it closed again was lost; the gauge says Closed.
    bw::ObservedBreakerTracker tracker;
    tracker.addEvents({{100, BreakerState::Closed, BreakerState::Open}});
    const bw::ObservedTransition expected{300, BreakerState::Open, BreakerState::Closed, true};
    QCOMPARE(tracker.addGaugeState(300, BreakerState::Closed), std::optional(expected));
    QCOMPARE(tracker.addGaugeState(400, BreakerState::Closed), std::nullopt); // agrees now
    QCOMPARE(tracker.transitions(),
             (QList<bw::ObservedTransition>{{100, BreakerState::Closed, BreakerState::Open, false}, expected}));

    // A later event that does not start where the gauge left off is still recorded as is.
    tracker.addEvents({{500, BreakerState::Open, BreakerState::HalfOpen}});
    QCOMPARE(tracker.transitions().size(), 3);
    QCOMPARE(tracker.addGaugeState(600, BreakerState::HalfOpen), std::nullopt);
}

void TestObservedBreakers::trackerLateEventsExplainGauge()
{
    bw::ObservedBreakerTracker tracker;
    QCOMPARE(tracker.addGaugeState(0, BreakerState::Closed), std::nullopt);
    const bw::ObservedTransition fromGauge{300, BreakerState::Closed, BreakerState::Open, true};
    QCOMPARE(tracker.addGaugeState(300, BreakerState::Open), std::optional(fromGauge));
    QCOMPARE(tracker.transitions(), QList<bw::ObservedTransition>{fromGauge});
    // The events poll arrives later and explains it: the gauge transition goes away.
    tracker.addEvents({{250, BreakerState::Closed, BreakerState::Open}});
    QCOMPARE(tracker.transitions(),
             (QList<bw::ObservedTransition>{{250, BreakerState::Closed, BreakerState::Open, false}}));
    QCOMPARE(tracker.stateAt(260), std::optional(BreakerState::Open));
    QCOMPARE(tracker.stateAt(100), std::optional(BreakerState::Closed));
    // Events that come in out of order are sorted.
    tracker.addEvents(
        {{700, BreakerState::HalfOpen, BreakerState::Closed}, {600, BreakerState::Open, BreakerState::HalfOpen}});
    QCOMPARE(tracker.transitions().size(), 3);
    QCOMPARE(tracker.transitions().at(1).t, 600);
    QCOMPARE(tracker.transitions().at(2).t, 700);
}

void TestObservedBreakers::trackerTiesAndDuplicates()
{
    bw::ObservedBreakerTracker tracker;
    const QList<bw::ObservedTransition> events{{100, BreakerState::Closed, BreakerState::Open, false}};
    tracker.addEvents(events);
    tracker.addEvents(events);                                              // a repeated poll
    QCOMPARE(tracker.addGaugeState(100, BreakerState::Open), std::nullopt); // the event at the same t comes first
    QCOMPARE(tracker.transitions(), events);
    // A gauge before any event sets the start; if it disagrees with the first event's "from", nothing is invented.
    bw::ObservedBreakerTracker other;
    QCOMPARE(other.addGaugeState(0, BreakerState::Closed), std::nullopt);
    other.addEvents({{50, BreakerState::Open, BreakerState::HalfOpen}});
    QCOMPARE(other.transitions().size(), 1);
    QCOMPARE(other.stateAt(10), std::optional(BreakerState::Closed));
    QCOMPARE(other.stateAt(60), std::optional(BreakerState::HalfOpen));
    // Nothing known before the first poll or event.
    QCOMPARE(bw::ObservedBreakerTracker().stateAt(0), std::nullopt);
}

void TestObservedBreakers::trackerForgetsAndIsBounded()
{
    bw::ObservedBreakerTracker tracker;
    tracker.addGaugeState(0, BreakerState::Closed);
    tracker.addEvents(
        {{100, BreakerState::Closed, BreakerState::Open}, {150, BreakerState::Open, BreakerState::HalfOpen}});
    tracker.forgetBefore(200);
    QVERIFY(tracker.transitions().isEmpty());
    QCOMPARE(tracker.stateAt(200), std::optional(BreakerState::HalfOpen));
    tracker.addEvents({{120, BreakerState::Closed, BreakerState::Open}}); // before the horizon: ignored
    QVERIFY(tracker.transitions().isEmpty());
    const bw::ObservedTransition expected{250, BreakerState::HalfOpen, BreakerState::Open, true};
    QCOMPARE(tracker.addGaugeState(250, BreakerState::Open), std::optional(expected));

    // A gauge flipping every ms for a long time stays within maxEntries.
    bw::ObservedBreakerTracker bounded(100);
    for (int t = 0; t < 5000; ++t) {
        const BreakerState state = t % 2 ? BreakerState::Open : BreakerState::Closed;
        const auto added = bounded.addGaugeState(t, state);
        if (t > 0) {
            QVERIFY(added.has_value());
            QCOMPARE(added->to, state);
        }
    }
    QVERIFY(bounded.transitions().size() <= 100);
    QVERIFY(bounded.transitions().size() >= 50);
    QCOMPARE(bounded.transitions().back().t, 4999);
    QCOMPARE(bounded.stateAt(4999), std::optional(BreakerState::Open));
}

// A server's past arrives after the present, older than what is kept: reopened, the tracker takes it (with its
// starting state from the past's first poll, not the forgotten one), and forgets it again at the next forgetBefore().
void TestObservedBreakers::trackerReopenedTakesAPastLearntLate()
{
    bw::ObservedBreakerTracker tracker;
    tracker.addGaugeState(10'000, BreakerState::Open);
    tracker.addGaugeState(11'000, BreakerState::Closed);
    tracker.forgetBefore(10'500); // the state at 10.5 s (open) becomes the start
    QCOMPARE(tracker.transitions().size(), 1);
    tracker.addEvents({{2'000, BreakerState::Closed, BreakerState::Open}}); // before the horizon: ignored
    QCOMPARE(tracker.transitions().size(), 1);

    tracker.reopenFrom(1'000);
    tracker.addGaugeState(1'000, BreakerState::Closed); // the past's first state
    tracker.addEvents({{2'000, BreakerState::Closed, BreakerState::Open},
                       {3'000, BreakerState::Open, BreakerState::Closed},
                       {9'000, BreakerState::Closed, BreakerState::Open}});
    QList<QPair<std::int64_t, BreakerState>> seen;
    for (const bw::ObservedTransition &tr : tracker.transitions())
        seen << qMakePair(tr.t, tr.to);
    const QList<QPair<std::int64_t, BreakerState>> expected{{2'000, BreakerState::Open},
                                                            {3'000, BreakerState::Closed},
                                                            {9'000, BreakerState::Open},
                                                            {11'000, BreakerState::Closed}};
    QCOMPARE(seen, expected);
    QCOMPARE(tracker.stateAt(1'500), std::optional(BreakerState::Closed));

    tracker.forgetBefore(10'500);
    QCOMPARE(tracker.transitions().size(), 1);
    QCOMPARE(tracker.stateAt(10'500), std::optional(BreakerState::Open));
    tracker.reopenFrom(20'000); // not earlier than the horizon: nothing changes
    QCOMPARE(tracker.transitions().size(), 1);
}

void TestObservedBreakers::trackerKeepsTwoPollsPerOldRun()
{
    // A poll a second for an hour: closed, open for 10 s at 30 min, closed again. What the soak does to 1,000
    // breakers; every poll used to be kept (10,000 per breaker at the cap).
    bw::ObservedBreakerTracker tracker;
    for (std::int64_t s = 0; s < 3600; ++s) {
        const bool open = s >= 1800 && s < 1810;
        tracker.addGaugeState(s * 1000, open ? BreakerState::Open : BreakerState::Closed);
    }
    const qsizetype exact = bw::ObservedBreakerTracker::kExactPollsMs / 1000;
    QVERIFY2(tracker.pollCount() <= exact + 8, qPrintable(QString::number(tracker.pollCount())));
    const QList<bw::ObservedTransition> all = tracker.transitions();
    QCOMPARE(all.size(), 2);
    QCOMPARE(all[0].t, 1'800'000);
    QCOMPARE(all[0].to, BreakerState::Open);
    QCOMPARE(all[1].t, 1'810'000);
    QCOMPARE(all[1].to, BreakerState::Closed);
    QCOMPARE(tracker.stateAt(1'000'000), std::optional(BreakerState::Closed));
    QCOMPARE(tracker.stateAt(1'805'000), std::optional(BreakerState::Open));

    // Within the exact span, a late event still lands between the polls it explains: the open it reports at
    // 3,550.5 s closes at the next poll (3,551 s), a gauge transition.
    tracker.addEvents({{3'550'500, BreakerState::Closed, BreakerState::Open}});
    const QList<bw::ObservedTransition> late = tracker.transitions();
    QCOMPARE(late.size(), 4);
    QCOMPARE(late[2].t, 3'550'500);
    QCOMPARE(late[3].t, 3'551'000);
    QVERIFY(late[3].fromGauge);
    QCOMPARE(late[3].to, BreakerState::Closed);
}

QTEST_GUILESS_MAIN(TestObservedBreakers)
#include "tst_observedbreakers.moc"
