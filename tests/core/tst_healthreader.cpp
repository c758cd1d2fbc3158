#include "health/healthreader.h"

#include <QFile>
#include <QTest>

using namespace Qt::StringLiterals;
using bw::HealthFormat;
using bw::HealthStatus;

namespace {

QByteArray fixture(const char *name)
{
    QFile file(QStringLiteral(BW_TEST_DATA_DIR "/health/") + QString::fromUtf8(name));
    if (!file.open(QIODevice::ReadOnly))
        qFatal("missing fixture %s", name);
    return file.readAll();
}

// The literal shapes of docs/formats.md, "Health endpoints".
const QByteArray kSpringUp = R"({"status":"UP","components":{"db":{"status":"UP"}}})";
const QByteArray kHealthJsonPass =
    R"({"status":"pass","checks":{"db:responseTime":[{"status":"pass","observedValue":250,"observedUnit":"ms"}]}})";
const QByteArray kCircuitBreakerPage =
    R"({"circuit_breakers":{"https://api.example.com":{"state":"closed","failure_count":0,)"
    R"("success_count":0,"last_failure_time":null,"failure_threshold":5,"recovery_timeout":60}}})";
const QByteArray kResilience4jIndicator =
    R"({"status":"CIRCUIT_OPEN","details":{"failureRate":"37.5%","failureRateThreshold":"30.0%",)"
    R"("bufferedCalls":8,"failedCalls":3,"notPermittedCalls":0,"state":"OPEN"}})";

QByteArray underCircuitBreakers(const QByteArray &indicator, const char *name = "backendA")
{
    return R"({"status":"UP","components":{"circuitBreakers":{"status":"UNKNOWN","details":{")" + QByteArray(name) +
           "\":" + indicator + "}}}}";
}

QByteArray deeplyNested(int depth)
{
    return QByteArray(R"({"status":"UP","x":)") + QByteArray(depth, '[') + QByteArray(depth, ']') + '}';
}

} // namespace

class TestHealthReader final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void shapes_data();
    void shapes();
    void components();
    void resilience4jIndicatorReadsStateNotStatus();
    void resilience4jFullActuatorBody();
    void circuitBreakerPage();
    void ietfChecks();
    void kubernetesVerbose();
    void malformed_data();
    void malformed();
    void deepSpringComponentsAreSummarised();
    void truncatedAndMutatedNeverCrash();
    void detectsFormat_data();
    void detectsFormat();
    void outcome_data();
    void outcome();
};

void TestHealthReader::shapes_data()
{
    QTest::addColumn<int>("format");
    QTest::addColumn<int>("httpStatus");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("detail");

    const auto row = [](const char *name, HealthFormat format, int http, const QByteArray &type, const QByteArray &body,
                        HealthStatus status, const QString &detail) {
        QTest::newRow(name) << int(format) << http << type << body << int(status) << detail;
    };
    const QByteArray json = "application/json";
    const QByteArray vndSpring = "application/vnd.spring-boot.actuator.v3+json";
    const QByteArray healthJson = "application/health+json";
    const QByteArray text = "text/plain; charset=utf-8";

    // Spring Boot Actuator.
    row("spring: literal UP", HealthFormat::Spring, 200, vndSpring, kSpringUp, HealthStatus::Up, QString());
    row("spring: db DOWN", HealthFormat::Spring, 503, json,
        R"({"status":"DOWN","components":{"db":{"status":"DOWN"},"ping":{"status":"UP"}}})", HealthStatus::Down,
        u"db DOWN"_s);
    row("spring: OUT_OF_SERVICE, no components", HealthFormat::Spring, 503, json, R"({"status":"OUT_OF_SERVICE"})",
        HealthStatus::Down, u"status OUT_OF_SERVICE"_s);
    row("spring: UNKNOWN", HealthFormat::Spring, 200, json, R"({"status":"UNKNOWN"})", HealthStatus::Unknown,
        u"status UNKNOWN"_s);
    row("spring: custom code is unknown", HealthFormat::Spring, 200, json, R"({"status":"DEGRADED"})",
        HealthStatus::Unknown, u"status DEGRADED"_s);
    row("spring: a fixture with two components not UP", HealthFormat::Spring, 503, vndSpring,
        fixture("spring-db-down.json"), HealthStatus::Down, u"db DOWN, readinessState OUT_OF_SERVICE"_s);
    row("spring: nested composite", HealthFormat::Spring, 503, json,
        R"({"status":"DOWN","components":{"db":{"status":"DOWN","components":)"
        R"({"primary":{"status":"UP"},"secondary":{"status":"DOWN"}}}}})",
        HealthStatus::Down, u"db.secondary DOWN"_s);
    row("spring: 2.0 'details' shape", HealthFormat::Spring, 200, json,
        R"({"status":"UP","details":{"db":{"status":"UP","details":{"database":"H2"}}}})", HealthStatus::Up, QString());
    row("spring: UP body with HTTP 503", HealthFormat::Spring, 503, json, kSpringUp, HealthStatus::Down,
        u"HTTP 503 while the body says up"_s);
    row("spring: HTTP status unknown (0)", HealthFormat::Spring, 0, QByteArray(), kSpringUp, HealthStatus::Up,
        QString());

    // IETF health+json.
    row("health+json: literal pass", HealthFormat::HealthJson, 200, healthJson, kHealthJsonPass, HealthStatus::Up,
        QString());
    row("health+json: alias ok", HealthFormat::HealthJson, 200, healthJson, R"({"status":"ok"})", HealthStatus::Up,
        QString());
    row("health+json: alias up", HealthFormat::HealthJson, 200, healthJson, R"({"status":"up"})", HealthStatus::Up,
        QString());
    row("health+json: warn", HealthFormat::HealthJson, 200, healthJson, R"({"status":"warn"})", HealthStatus::Warn,
        u"status warn"_s);
    row("health+json: fail with a failing check", HealthFormat::HealthJson, 503, healthJson,
        R"({"status":"fail","checks":{"db:responseTime":[{"status":"fail","observedValue":250,"observedUnit":"ms"}]}})",
        HealthStatus::Down, u"db:responseTime fail (250 ms)"_s);
    row("health+json: alias error with output", HealthFormat::HealthJson, 500, healthJson,
        R"({"status":"error","output":"db unreachable"})", HealthStatus::Down, u"db unreachable"_s);
    row("health+json: alias down", HealthFormat::HealthJson, 503, healthJson, R"({"status":"down"})",
        HealthStatus::Down, u"status down"_s);
    row("health+json: pass with HTTP 500", HealthFormat::HealthJson, 500, healthJson, R"({"status":"pass"})",
        HealthStatus::Down, u"HTTP 500 while the body says up"_s);

    // Kubernetes.
    row("kubernetes: ok", HealthFormat::Kubernetes, 200, text, "ok", HealthStatus::Up, QString());
    row("kubernetes: ok with newline", HealthFormat::Kubernetes, 200, text, "ok\n", HealthStatus::Up, QString());
    row("kubernetes: verbose passing", HealthFormat::Kubernetes, 200, text, fixture("kubernetes-livez-verbose.txt"),
        HealthStatus::Up, QString());
    row("kubernetes: literal [-]etcd failed", HealthFormat::Kubernetes, 500, text,
        "[+]ping ok\n[-]etcd failed\nlivez check failed\n", HealthStatus::Down, u"etcd failed"_s);
    row("kubernetes: [-] with HTTP 200 is still down", HealthFormat::Kubernetes, 200, text, "[-]etcd failed",
        HealthStatus::Down, u"etcd failed"_s);
    row("kubernetes: CRLF verbose", HealthFormat::Kubernetes, 500, text, "[+]ping ok\r\n[-]etcd failed\r\n",
        HealthStatus::Down, u"etcd failed"_s);
    row("kubernetes: two failures", HealthFormat::Kubernetes, 500, text,
        fixture("kubernetes-readyz-verbose-failed.txt"), HealthStatus::Down, u"etcd failed, informer-sync failed"_s);
    row("kubernetes: HTTP 500 without check lines", HealthFormat::Kubernetes, 500, text, "internal error\n",
        HealthStatus::Down, u"HTTP 500: internal error"_s);
    row("kubernetes: HTTP 503, empty body", HealthFormat::Kubernetes, 503, text, QByteArray(), HealthStatus::Down,
        u"HTTP 503"_s);

    // The hand-rolled circuit-breaker page.
    row("breaker page: literal closed", HealthFormat::CircuitBreakerPage, 200, json, kCircuitBreakerPage,
        HealthStatus::Up, QString());
    row("breaker page: one open", HealthFormat::CircuitBreakerPage, 200, json, fixture("circuit-breakers-page.json"),
        HealthStatus::Down, u"https://payments.example.com open"_s);
    row("breaker page: empty", HealthFormat::CircuitBreakerPage, 200, json, R"({"circuit_breakers":{}})",
        HealthStatus::Up, QString());

    // The Resilience4j health indicator.
    row("resilience4j: literal OPEN", HealthFormat::Resilience4jHealth, 200, vndSpring,
        underCircuitBreakers(kResilience4jIndicator), HealthStatus::Down, u"backendA open"_s);
    row("resilience4j: half-open warns", HealthFormat::Resilience4jHealth, 200, json,
        underCircuitBreakers(R"({"status":"CIRCUIT_HALF_OPEN","details":{"state":"HALF_OPEN"}})"), HealthStatus::Warn,
        u"backendA half-open"_s);
    row("resilience4j: closed", HealthFormat::Resilience4jHealth, 200, json,
        underCircuitBreakers(R"({"status":"UP","details":{"failureRate":"-1.0%","state":"CLOSED"}})"), HealthStatus::Up,
        QString());
    row("resilience4j: /actuator/health/circuitBreakers itself", HealthFormat::Resilience4jHealth, 200, json,
        R"({"status":"UNKNOWN","details":{"backendA":)" + kResilience4jIndicator + "}}", HealthStatus::Down,
        u"backendA open"_s);
    row("resilience4j: Spring Boot 2.0 'details' container", HealthFormat::Resilience4jHealth, 200, json,
        R"({"status":"UP","details":{"circuitBreakers":{"status":"UNKNOWN","details":{"b":)" + kResilience4jIndicator +
            "}}}}",
        HealthStatus::Down, u"b open"_s);
    row("resilience4j: other component down", HealthFormat::Resilience4jHealth, 503, json,
        R"({"status":"DOWN","components":{"db":{"status":"DOWN"},"circuitBreakers":{"status":"UP","details":)"
        R"({"a":{"status":"UP","details":{"state":"CLOSED"}}}}}})",
        HealthStatus::Down, u"db DOWN"_s);
    row("resilience4j: forced open", HealthFormat::Resilience4jHealth, 200, json,
        underCircuitBreakers(R"({"status":"UNKNOWN","details":{"state":"FORCED_OPEN"}})"), HealthStatus::Down,
        u"backendA forced-open"_s);

    // Plain.
    row("plain: 200", HealthFormat::Plain, 200, text, "<html>fine</html>", HealthStatus::Up, QString());
    row("plain: 204 empty", HealthFormat::Plain, 204, QByteArray(), QByteArray(), HealthStatus::Up, QString());
    row("plain: 503", HealthFormat::Plain, 503, text, "busy", HealthStatus::Down, u"HTTP 503"_s);
    row("plain: 301 is not 2xx", HealthFormat::Plain, 301, text, QByteArray(), HealthStatus::Down, u"HTTP 301"_s);
    row("plain: no status", HealthFormat::Plain, 0, text, QByteArray(), HealthStatus::Unknown, u"no HTTP status"_s);

    // Auto: the same shapes, detected.
    row("auto: spring", HealthFormat::Auto, 200, vndSpring, kSpringUp, HealthStatus::Up, QString());
    row("auto: spring down, no content type", HealthFormat::Auto, 503, QByteArray(), fixture("spring-db-down.json"),
        HealthStatus::Down, u"db DOWN, readinessState OUT_OF_SERVICE"_s);
    row("auto: health+json by content type", HealthFormat::Auto, 200, "application/health+json; charset=utf-8",
        R"({"status":"up"})", HealthStatus::Up, QString());
    row("auto: health+json by shape", HealthFormat::Auto, 200, json, kHealthJsonPass, HealthStatus::Up, QString());
    row("auto: health+json fail by word", HealthFormat::Auto, 503, json, R"({"status":"fail"})", HealthStatus::Down,
        u"status fail"_s);
    row("auto: kubernetes ok", HealthFormat::Auto, 200, text, "ok", HealthStatus::Up, QString());
    row("auto: kubernetes verbose", HealthFormat::Auto, 500, text, "[+]ping ok\n[-]etcd failed\n", HealthStatus::Down,
        u"etcd failed"_s);
    row("auto: breaker page", HealthFormat::Auto, 200, json, fixture("circuit-breakers-page.json"), HealthStatus::Down,
        u"https://payments.example.com open"_s);
    row("auto: spring with a circuitBreakers component", HealthFormat::Auto, 200, json,
        underCircuitBreakers(kResilience4jIndicator), HealthStatus::Up, u"circuitBreakers UNKNOWN"_s);
    row("auto: html is plain", HealthFormat::Auto, 200, "text/html", "<html><body>OK</body></html>", HealthStatus::Up,
        QString());
    row("auto: empty 503 is plain", HealthFormat::Auto, 503, json, QByteArray(), HealthStatus::Down, u"HTTP 503"_s);
}

void TestHealthReader::shapes()
{
    QFETCH(int, format);
    QFETCH(int, httpStatus);
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, body);
    const auto verdict = bw::readHealth(static_cast<HealthFormat>(format), httpStatus, contentType, body);
    QVERIFY2(verdict.ok(), qPrintable(verdict.ok() ? QString() : verdict.error()));
    QFETCH(int, status);
    QCOMPARE(bw::healthStatusName(verdict->status), bw::healthStatusName(static_cast<HealthStatus>(status)));
    QTEST(verdict->detail, "detail");
}

void TestHealthReader::components()
{
    const auto verdict = bw::readHealth(HealthFormat::Spring, 503, "application/json", fixture("spring-db-down.json"));
    QVERIFY(verdict.ok());
    QCOMPARE(verdict->components.size(), 5);
    QCOMPARE(verdict->components.at(0), (bw::ComponentHealth{u"db"_s, HealthStatus::Down, u"DOWN"_s}));
    QCOMPARE(verdict->components.at(4),
             (bw::ComponentHealth{u"readinessState"_s, HealthStatus::Down, u"OUT_OF_SERVICE"_s}));

    const auto nested = bw::readHealth(
        HealthFormat::Spring, 503, {},
        R"({"status":"DOWN","components":{"db":{"status":"DOWN","components":{"primary":{"status":"UP"},)"
        R"("secondary":{"status":"DOWN"}}},"ping":{"status":"UP"}}})");
    QVERIFY(nested.ok());
    QCOMPARE(nested->components.size(), 3);
    QCOMPARE(nested->components.at(0).name, u"db.primary"_s);
    QCOMPARE(nested->components.at(1).name, u"db.secondary"_s);
    QCOMPARE(nested->components.at(2).name, u"ping"_s);

    const auto literal = bw::readHealth(HealthFormat::Spring, 200, {}, kSpringUp);
    QVERIFY(literal.ok());
    QCOMPARE(literal->components, (QList<bw::ComponentHealth>{{u"db"_s, HealthStatus::Up, u"UP"_s}}));
    QVERIFY(literal->breakers.isEmpty());
}

void TestHealthReader::resilience4jIndicatorReadsStateNotStatus()
{
    const auto verdict =
        bw::readHealth(HealthFormat::Resilience4jHealth, 200, {}, underCircuitBreakers(kResilience4jIndicator));
    QVERIFY2(verdict.ok(), qPrintable(verdict.ok() ? QString() : verdict.error()));
    QCOMPARE(verdict->breakers.size(), 1);
    const bw::ObservedBreakerState &breaker = verdict->breakers.front();
    QCOMPARE(breaker.name, u"backendA"_s);
    QCOMPARE(breaker.state, bw::BreakerState::Open);
    QVERIFY(breaker.stateKnown);
    QCOMPARE(breaker.failureRatePercent, std::optional<double>(37.5));
    QCOMPARE(breaker.bufferedCalls, std::optional<int>(8));
    QCOMPARE(breaker.failedCalls, std::optional<int>(3));
    QCOMPARE(breaker.notPermittedCalls, std::optional<int>(0));
    QVERIFY(verdict->components.isEmpty()); // circuitBreakers became breakers, not a component

    // "-1.0%" means not computed yet.
    const auto closed =
        bw::readHealth(HealthFormat::Resilience4jHealth, 200, {},
                       underCircuitBreakers(
                           R"({"status":"UP","details":{"failureRate":"-1.0%","bufferedCalls":1,"state":"CLOSED"}})"));
    QVERIFY(closed.ok());
    QCOMPARE(closed->breakers.front().failureRatePercent, std::nullopt);
    QCOMPARE(closed->breakers.front().bufferedCalls, std::optional<int>(1));
    QCOMPARE(closed->breakers.front().failedCalls, std::nullopt);

    // The Spring reader keeps the application's status but still reports the breakers.
    const auto spring = bw::readHealth(HealthFormat::Spring, 200, {}, underCircuitBreakers(kResilience4jIndicator));
    QVERIFY(spring.ok());
    QCOMPARE(spring->status, HealthStatus::Up);
    QCOMPARE(spring->breakers.size(), 1);
    QCOMPARE(spring->breakers.front().state, bw::BreakerState::Open);
}

void TestHealthReader::resilience4jFullActuatorBody()
{
    const auto verdict =
        bw::readHealth(HealthFormat::Resilience4jHealth, 200, "application/vnd.spring-boot.actuator.v3+json",
                       fixture("resilience4j-health.json"));
    QVERIFY2(verdict.ok(), qPrintable(verdict.ok() ? QString() : verdict.error()));
    QCOMPARE(verdict->status, HealthStatus::Down);
    QCOMPARE(verdict->detail, u"backendA open"_s);
    QCOMPARE(verdict->breakers.size(), 2);
    QCOMPARE(verdict->breakers.at(1).name, u"backendB"_s);
    QCOMPARE(verdict->breakers.at(1).state, bw::BreakerState::Closed);
    QCOMPARE(verdict->breakers.at(1).failureRatePercent, std::nullopt);
    QCOMPARE(verdict->components.size(), 2); // diskSpace, ping
    QCOMPARE(verdict->components.at(0).name, u"diskSpace"_s);
}

void TestHealthReader::circuitBreakerPage()
{
    const auto literal = bw::readHealth(HealthFormat::CircuitBreakerPage, 200, {}, kCircuitBreakerPage);
    QVERIFY(literal.ok());
    QCOMPARE(literal->breakers.size(), 1);
    QCOMPARE(literal->breakers.front().name, u"https://api.example.com"_s);
    QCOMPARE(literal->breakers.front().state, bw::BreakerState::Closed);
    QCOMPARE(literal->breakers.front().failedCalls, std::optional<int>(0));

    const auto page = bw::readHealth(HealthFormat::CircuitBreakerPage, 200, {}, fixture("circuit-breakers-page.json"));
    QVERIFY(page.ok());
    QCOMPARE(page->breakers.size(), 3);
    QCOMPARE(page->breakers.at(1).state, bw::BreakerState::Open);
    QCOMPARE(page->breakers.at(1).failedCalls, std::optional<int>(5));
    QCOMPARE(page->breakers.at(2).state, bw::BreakerState::HalfOpen);
}

void TestHealthReader::ietfChecks()
{
    const auto literal = bw::readHealth(HealthFormat::HealthJson, 200, "application/health+json", kHealthJsonPass);
    QVERIFY(literal.ok());
    QCOMPARE(literal->components, (QList<bw::ComponentHealth>{{u"db:responseTime"_s, HealthStatus::Up, u"250 ms"_s}}));

    const auto draft =
        bw::readHealth(HealthFormat::HealthJson, 200, "application/health+json", fixture("health-json-warn.json"));
    QVERIFY2(draft.ok(), qPrintable(draft.ok() ? QString() : draft.error()));
    QCOMPARE(draft->status, HealthStatus::Warn);
    QCOMPARE(draft->components.size(), 5); // cpu:utilization has two nodes
    QCOMPARE(draft->detail, u"cassandra:connections warn (75), cpu:utilization warn (85 percent), "
                            u"cpu:utilization warn (85 percent)"_s);
}

void TestHealthReader::kubernetesVerbose()
{
    const auto verdict =
        bw::readHealth(HealthFormat::Kubernetes, 500, "text/plain", fixture("kubernetes-readyz-verbose-failed.txt"));
    QVERIFY(verdict.ok());
    QCOMPARE(verdict->components.size(), 6);
    QCOMPARE(verdict->components.at(2),
             (bw::ComponentHealth{u"etcd"_s, HealthStatus::Down, u"failed: reason withheld"_s}));
    QCOMPARE(verdict->components.at(3).name, u"poststarthook/start-apiextensions-informers"_s);
    QCOMPARE(verdict->components.at(3).status, HealthStatus::Up);
}

void TestHealthReader::malformed_data()
{
    QTest::addColumn<int>("format");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("message");

    const auto row = [](const QByteArray &name, HealthFormat format, const QByteArray &body, const QString &message,
                        const QByteArray &type = "application/json") {
        QTest::newRow(name.constData()) << int(format)
                                        << (format == HealthFormat::Kubernetes ? QByteArray("text/plain") : type)
                                        << body << message;
    };
    for (const auto &[label, format] :
         {std::pair{"spring", HealthFormat::Spring}, std::pair{"health+json", HealthFormat::HealthJson},
          std::pair{"breaker page", HealthFormat::CircuitBreakerPage},
          std::pair{"resilience4j", HealthFormat::Resilience4jHealth}}) {
        const QByteArray prefix = QByteArray(label) + ": ";
        row(prefix + "empty body", format, QByteArray(), u"empty body"_s);
        row(prefix + "whitespace body", format, " \r\n\t", u"empty body"_s);
        row(prefix + "truncated", format, R"({"status":"UP","compo)", u"not JSON"_s);
        row(prefix + "array", format, "[1,2]", u"expected a JSON object"_s);
        row(prefix + "huge nesting", format, QByteArray(100000, '['), u"not JSON"_s);
        row(prefix + "huge nesting, closed", format, deeplyNested(5000), u"not JSON"_s);
        row(prefix + "NUL byte", format, QByteArray("{\"status\":\0\"UP\"}", 16), u"not JSON"_s);
        row(prefix + "trailing garbage", format, R"({"status":"UP"} x)", u"not JSON"_s);
        row(prefix + "plain text", format, "ok", u"not JSON"_s);
    }

    row("spring: missing status", HealthFormat::Spring, R"({"components":{}})", u"missing \"status\""_s);
    row("spring: status is a number", HealthFormat::Spring, R"({"status":1})",
        u"\"status\" must be a string, not a number"_s);
    row("spring: status is null", HealthFormat::Spring, R"({"status":null})",
        u"\"status\" must be a string, not null"_s);
    row("spring: components is an array", HealthFormat::Spring, R"({"status":"UP","components":[]})",
        u"\"components\" must be an object, not an array"_s);
    row("spring: component is a string", HealthFormat::Spring, R"({"status":"UP","components":{"db":"UP"}})",
        u"component \"db\": expected an object, not a string"_s);
    row("spring: component without status", HealthFormat::Spring, R"({"status":"UP","components":{"db":{}}})",
        u"component \"db\": missing \"status\""_s);
    row("spring: nested component wrong type", HealthFormat::Spring,
        R"({"status":"UP","components":{"db":{"status":"UP","components":{"a":{"status":true}}}}})",
        u"component \"db.a\": \"status\" must be a string, not a boolean"_s);
    row("spring: nested components not an object", HealthFormat::Spring,
        R"({"status":"UP","components":{"db":{"status":"UP","components":5}}})",
        u"component \"db\": \"components\" must be an object, not a number"_s);

    row("health+json: unknown status", HealthFormat::HealthJson, R"({"status":"great"})",
        u"unknown status \"great\" (expected pass, warn or fail)"_s);
    row("health+json: missing status", HealthFormat::HealthJson, R"({"checks":{}})", u"missing \"status\""_s);
    row("health+json: checks is an array", HealthFormat::HealthJson, R"({"status":"pass","checks":[]})",
        u"\"checks\" must be an object, not an array"_s);
    row("health+json: check is an object", HealthFormat::HealthJson, R"({"status":"pass","checks":{"db":{}}})",
        u"check \"db\": expected an array, not an object"_s);
    row("health+json: check entry is a number", HealthFormat::HealthJson, R"({"status":"pass","checks":{"db":[1]}})",
        u"check \"db\"[0]: expected an object, not a number"_s);
    row("health+json: check status is a number", HealthFormat::HealthJson,
        R"({"status":"pass","checks":{"db":[{"status":0}]}})", u"check \"db\": \"status\" must be a string"_s);
    row("health+json: check status unknown", HealthFormat::HealthJson,
        R"({"status":"pass","checks":{"db":[{"status":"meh"}]}})", u"check \"db\": unknown status \"meh\""_s);

    row("kubernetes: empty 200", HealthFormat::Kubernetes, QByteArray(), u"empty body"_s);
    row("kubernetes: something else", HealthFormat::Kubernetes, "hello", u"not a Kubernetes health body"_s);
    row("kubernetes: nameless check", HealthFormat::Kubernetes, "[+] ok\n", u"a check line without a name"_s);
    row("kubernetes: JSON", HealthFormat::Kubernetes, kSpringUp, u"not a Kubernetes health body"_s);

    row("breaker page: missing circuit_breakers", HealthFormat::CircuitBreakerPage, R"({"status":"UP"})",
        u"missing \"circuit_breakers\""_s);
    row("breaker page: circuit_breakers is a list", HealthFormat::CircuitBreakerPage, R"({"circuit_breakers":["a"]})",
        u"\"circuit_breakers\" must be an object, not an array"_s);
    row("breaker page: entry is a string", HealthFormat::CircuitBreakerPage, R"({"circuit_breakers":{"a":"open"}})",
        u"breaker \"a\": expected an object, not a string"_s);
    row("breaker page: missing state", HealthFormat::CircuitBreakerPage,
        R"({"circuit_breakers":{"a":{"failure_count":0}}})", u"breaker \"a\": missing \"state\""_s);
    row("breaker page: unknown state", HealthFormat::CircuitBreakerPage,
        R"({"circuit_breakers":{"a":{"state":"ajar"}}})", u"breaker \"a\": unknown state \"ajar\""_s);
    row("breaker page: failure_count is a string", HealthFormat::CircuitBreakerPage,
        R"({"circuit_breakers":{"a":{"state":"closed","failure_count":"3"}}})",
        u"breaker \"a\": \"failure_count\" must be a non-negative integer, not a string"_s);
    row("breaker page: failure_count is fractional", HealthFormat::CircuitBreakerPage,
        R"({"circuit_breakers":{"a":{"state":"closed","failure_count":1.5}}})",
        u"\"failure_count\" must be a non-negative integer, not 1.5"_s);

    row("resilience4j: no indicator", HealthFormat::Resilience4jHealth, kSpringUp,
        u"no Resilience4j health indicator"_s);
    row("resilience4j: details is a list", HealthFormat::Resilience4jHealth,
        R"({"status":"UP","components":{"circuitBreakers":{"status":"UP","details":[]}}})",
        u"circuitBreakers: \"details\" must be an object, not an array"_s);
    row("resilience4j: breaker without details", HealthFormat::Resilience4jHealth,
        underCircuitBreakers(R"({"status":"UP"})"), u"breaker \"backendA\": missing \"details\""_s);
    row("resilience4j: breaker without state", HealthFormat::Resilience4jHealth,
        underCircuitBreakers(R"({"status":"UP","details":{"failureRate":"1.0%"}})"),
        u"breaker \"backendA\": missing \"state\""_s);
    row("resilience4j: unknown state", HealthFormat::Resilience4jHealth,
        underCircuitBreakers(R"({"status":"UP","details":{"state":"SIDEWAYS"}})"),
        u"breaker \"backendA\": unknown state \"SIDEWAYS\""_s);
    row("resilience4j: failureRate not a percentage", HealthFormat::Resilience4jHealth,
        underCircuitBreakers(R"({"details":{"failureRate":"abc%","state":"OPEN"}})"),
        u"\"failureRate\" is not a percentage: \"abc%\""_s);
    row("resilience4j: failureRate is an object", HealthFormat::Resilience4jHealth,
        underCircuitBreakers(R"({"details":{"failureRate":{},"state":"OPEN"}})"),
        u"\"failureRate\" must be a percentage, not an object"_s);
    row("resilience4j: bufferedCalls is a string", HealthFormat::Resilience4jHealth,
        underCircuitBreakers(R"({"details":{"bufferedCalls":"8","state":"OPEN"}})"),
        u"\"bufferedCalls\" must be a non-negative integer, not a string"_s);
    row("resilience4j: failedCalls negative", HealthFormat::Resilience4jHealth,
        underCircuitBreakers(R"({"details":{"failedCalls":-3,"state":"OPEN"}})"),
        u"\"failedCalls\" must be a non-negative integer, not -3"_s);

    row("auto: unrecognised JSON", HealthFormat::Auto, R"({"foo":1})", u"unrecognised JSON health body"_s);
    row("auto: truncated JSON", HealthFormat::Auto, R"({"status":"UP")", u"not JSON"_s);
    row("auto: huge nesting", HealthFormat::Auto, QByteArray(100000, '['), u"not JSON"_s);
    row("auto: wrong types inside", HealthFormat::Auto, R"({"status":"UP","components":{"db":7}})",
        u"component \"db\": expected an object, not a number"_s);
    row("auto: health+json content type, Spring body", HealthFormat::Auto, R"({"status":"OUT_OF_SERVICE"})",
        u"unknown status \"OUT_OF_SERVICE\""_s, "application/health+json");
}

void TestHealthReader::malformed()
{
    QFETCH(int, format);
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, body);
    QFETCH(QString, message);
    const auto verdict = bw::readHealth(static_cast<HealthFormat>(format), 200, contentType, body);
    QVERIFY2(!verdict.ok(), "expected an error");
    QVERIFY2(verdict.error().contains(message), qPrintable(verdict.error()));
    QVERIFY(!verdict.error().contains(u'\n'));
}

void TestHealthReader::deepSpringComponentsAreSummarised()
{
    // 500 levels of nested components: well inside Qt's parser limit, far beyond what we flatten.
    QByteArray body = R"({"status":"DOWN","components":)";
    for (int i = 0; i < 500; ++i)
        body += R"({"c":{"status":"DOWN","components":)";
    body += "{}";
    for (int i = 0; i < 500; ++i)
        body += "}}";
    body += "}";
    const auto verdict = bw::readHealth(HealthFormat::Spring, 503, {}, body);
    QVERIFY2(verdict.ok(), qPrintable(verdict.ok() ? QString() : verdict.error()));
    QCOMPARE(verdict->status, HealthStatus::Down);
    QCOMPARE(verdict->components.size(), 1);
    QCOMPARE(verdict->components.front().name, u"c.c.c.c.c.c.c.c"_s);
}

void TestHealthReader::truncatedAndMutatedNeverCrash()
{
    const QList<QByteArray> bodies{fixture("resilience4j-health.json"), fixture("spring-db-down.json"),
                                   fixture("health-json-warn.json"), fixture("circuit-breakers-page.json"),
                                   fixture("kubernetes-readyz-verbose-failed.txt")};
    const HealthFormat formats[] = {HealthFormat::Auto,
                                    HealthFormat::Spring,
                                    HealthFormat::HealthJson,
                                    HealthFormat::Kubernetes,
                                    HealthFormat::CircuitBreakerPage,
                                    HealthFormat::Resilience4jHealth};
    const auto check = [&formats](QByteArrayView body) {
        for (const HealthFormat format : formats) {
            const auto verdict = bw::readHealth(format, 200, "application/json", body);
            if (!verdict.ok() && verdict.error().isEmpty())
                return false;
        }
        return true;
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

void TestHealthReader::detectsFormat_data()
{
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("format");
    QTest::newRow("spring") << QByteArray("application/json") << kSpringUp << int(HealthFormat::Spring);
    QTest::newRow("health+json type") << QByteArray("Application/Health+JSON") << QByteArray("{}")
                                      << int(HealthFormat::HealthJson);
    QTest::newRow("health+json shape") << QByteArray() << kHealthJsonPass << int(HealthFormat::HealthJson);
    QTest::newRow("breaker page") << QByteArray("application/json") << kCircuitBreakerPage
                                  << int(HealthFormat::CircuitBreakerPage);
    QTest::newRow("kubernetes ok") << QByteArray("text/plain") << QByteArray("ok\n") << int(HealthFormat::Kubernetes);
    QTest::newRow("kubernetes verbose") << QByteArray("text/plain") << fixture("kubernetes-livez-verbose.txt")
                                        << int(HealthFormat::Kubernetes);
    QTest::newRow("html") << QByteArray("text/html") << QByteArray("<p>ok</p>") << int(HealthFormat::Plain);
    QTest::newRow("empty") << QByteArray("application/json") << QByteArray() << int(HealthFormat::Plain);
}

void TestHealthReader::detectsFormat()
{
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, body);
    QTEST(int(bw::detectHealthFormat(contentType, body)), "format");
}

void TestHealthReader::outcome_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("detail");
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("reason");
    QTest::newRow("up") << int(HealthStatus::Up) << QString() << int(bw::ProbeOutcomeKind::Success) << u"health up"_s;
    QTest::newRow("warn") << int(HealthStatus::Warn) << u"cpu 85 percent"_s << int(bw::ProbeOutcomeKind::Success)
                          << u"health warn: cpu 85 percent"_s;
    QTest::newRow("unknown") << int(HealthStatus::Unknown) << u"status UNKNOWN"_s << int(bw::ProbeOutcomeKind::Success)
                             << u"health unknown: status UNKNOWN"_s;
    QTest::newRow("down") << int(HealthStatus::Down) << u"db DOWN"_s << int(bw::ProbeOutcomeKind::BodyMismatch)
                          << u"health DOWN: db DOWN"_s;
    QTest::newRow("down, multi-line detail") << int(HealthStatus::Down) << u"a\nb\r\nc"_s
                                             << int(bw::ProbeOutcomeKind::BodyMismatch) << u"health DOWN: a b c"_s;
    QTest::newRow("down, very long detail")
        << int(HealthStatus::Down) << QString(500, u'x') << int(bw::ProbeOutcomeKind::BodyMismatch)
        << (u"health DOWN: "_s + QString(186, u'x') + QChar(0x2026));
}

void TestHealthReader::outcome()
{
    QFETCH(int, status);
    QFETCH(QString, detail);
    bw::HealthVerdict verdict;
    verdict.status = static_cast<HealthStatus>(status);
    verdict.detail = detail;
    QTEST(int(bw::healthOutcome(verdict)), "kind");
    QTEST(bw::healthReason(verdict), "reason");
}

QTEST_GUILESS_MAIN(TestHealthReader)
#include "tst_healthreader.moc"
