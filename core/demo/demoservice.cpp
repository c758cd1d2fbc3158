#include "demo/demoservice.h"

#include "breaker/presetcatalog.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace bw {

namespace {

constexpr std::array kBounds{0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0};

BreakerPolicy inProcessPolicy()
{
    // A Resilience4j breaker tuned to move within a demo's first minutes.
    return *PresetCatalog{}.buildText(u"resilience4j"_s, {{u"slidingWindowSize"_s, u"20"_s},
                                                          {u"minimumNumberOfCalls"_s, u"10"_s},
                                                          {u"waitDurationInOpenState"_s, u"10s"_s},
                                                          {u"permittedNumberOfCallsInHalfOpenState"_s, u"3"_s}});
}

QByteArray r4jState(BreakerState state)
{
    switch (state) {
    case BreakerState::Closed:
        return "CLOSED";
    case BreakerState::Open:
        return "OPEN";
    case BreakerState::HalfOpen:
        return "HALF_OPEN";
    case BreakerState::ForcedOpen:
        return "FORCED_OPEN";
    case BreakerState::Disabled:
        return "DISABLED";
    case BreakerState::MetricsOnly:
        return "METRICS_ONLY";
    }
    return "CLOSED";
}

// Resilience4j reports -1 until minimumNumberOfCalls (10 here) calls are buffered.
QByteArray failureRateText(const BreakerSnapshot &s)
{
    if (s.windowCalls < 10)
        return "-1.0";
    return QByteArray::number(100.0 * static_cast<double>(s.windowFailures) / static_cast<double>(s.windowCalls), 'f',
                              1);
}

} // namespace

DemoService::DemoService(QString name, ServiceBehaviour behaviour, Clock clock, std::int64_t wallEpochMs,
                         SocketReactor *reactor, DelayedCalls *delays, QObject *parent)
    : QObject(parent), m_name(std::move(name)), m_behaviour(behaviour), m_clock(std::move(clock)),
      m_wallEpochMs(wallEpochMs), m_server(reactor), m_delays(delays ? delays : new DelayedCalls(10, this)),
      m_breaker(inProcessPolicy())
{
    m_server.route("GET", u"/actuator/health"_s,
                   [this](const HttpRequest &request, HttpResponder r) { answerHealth(request, r, true); });
    m_server.route("GET", u"/health"_s,
                   [this](const HttpRequest &request, HttpResponder r) { answerHealth(request, r, false); });
    m_server.route("GET", u"/metrics"_s, [this](const HttpRequest &, HttpResponder r) { r.send(metrics(m_clock())); });
    m_server.route("GET", u"/actuator/circuitbreakers"_s, [this](const HttpRequest &, HttpResponder r) {
        advanceTraffic(m_clock());
        r.send(circuitBreakers());
    });
    m_server.route("POST", u"/actuator/circuitbreakers/*"_s,
                   [this](const HttpRequest &request, HttpResponder r) { r.send(updateState(request)); });
    m_server.route("GET", u"/actuator/circuitbreakerevents/*"_s, [this](const HttpRequest &, HttpResponder r) {
        advanceTraffic(m_clock());
        r.send(events());
    });
    m_server.route("POST", u"/admin/fault"_s,
                   [this](const HttpRequest &request, HttpResponder r) { r.send(fault(request)); });
}

Result<quint16> DemoService::listen(const QHostAddress &address, quint16 port)
{
    m_address = address;
    auto result = m_server.listen(address, port);
    if (result)
        m_port = *result;
    updateListening();
    return result;
}

QUrl DemoService::baseUrl() const
{
    return QUrl(u"http://%1:%2"_s.arg(m_address.toString()).arg(m_port));
}

BehaviourMode DemoService::modeAt(std::int64_t t) const
{
    if (m_faultMode && t < m_faultUntil)
        return *m_faultMode;
    return m_behaviour.mode();
}

void DemoService::injectFault(BehaviourMode mode, std::int64_t forMs)
{
    m_faultMode = mode;
    m_faultUntil = m_clock() + forMs;
    // Let the answer to the request that asked for this leave before a "dead" fault closes the port.
    QTimer::singleShot(50, this, [this] { updateListening(); });
    // A dead service cannot hear the end of its fault: come back by timer. Precise: from 2 s on, Qt's default
    // (coarse) timers may fire up to 5 % early, while the fault still holds, and the service stayed dead.
    if (forMs > 0)
        QTimer::singleShot(std::chrono::milliseconds(forMs + 1), Qt::PreciseTimer, this, [this] { updateListening(); });
}

void DemoService::updateListening()
{
    const bool dead = modeAt(m_clock()) == BehaviourMode::Dead;
    if (dead && m_server.isListening())
        m_server.close();
    else if (!dead && !m_server.isListening() && m_port != 0)
        (void)m_server.listen(m_address, m_port);
}

void DemoService::advanceTraffic(std::int64_t t)
{
    // 10 background calls a second, one per 100 ms slot; at most a day is simulated after a long pause.
    const std::int64_t last = t / 100;
    m_trafficSlot = std::max(m_trafficSlot, last - 864'000);
    for (; m_trafficSlot <= last; ++m_trafficSlot) {
        const std::int64_t slotT = m_trafficSlot * 100;
        const BehaviourMode mode = modeAt(slotT);
        const auto n = static_cast<std::uint64_t>(m_trafficSlot);
        const BehaviourDecision decision = m_behaviour.decide(
            mode == BehaviourMode::Dead || mode == BehaviourMode::Hanging ? BehaviourMode::Outage : mode, slotT,
            n + (1ULL << 40));
        const bool ok = mode != BehaviourMode::Dead && mode != BehaviourMode::Hanging && decision.ok;
        if (!m_breaker.onCall(slotT, ok, static_cast<float>(decision.latencyMs))) {
            ++m_notPermitted;
            ++m_failed; // refused by the breaker: the caller sees a 503
            ++m_buckets[0];
            continue;
        }
        ok ? ++m_ok : ++m_failed;
        const double seconds = decision.latencyMs / 1000.0;
        std::size_t bucket = 0;
        while (bucket < kBounds.size() && seconds > kBounds[bucket])
            ++bucket;
        ++m_buckets[bucket];
        m_latencySum += seconds;
    }
    for (const Transition &transition : m_breaker.transitions()) {
        m_events.push_back(transition);
        if (m_events.size() > 100)
            m_events.pop_front();
    }
    m_breaker.clearTransitions();
}

void DemoService::answerHealth(const HttpRequest &, HttpResponder responder, bool springShape)
{
    const std::int64_t t = m_clock();
    advanceTraffic(t);
    const BehaviourDecision decision = m_behaviour.decide(modeAt(t), t, m_requests++);
    if (!decision.answer)
        return; // hanging: keep the connection, say nothing
    QByteArray body;
    HttpResponse response;
    if (springShape) {
        const QByteArray status = decision.ok ? "UP" : "DOWN";
        body = "{\"status\":\"" + status + "\",\"components\":{\"db\":{\"status\":\"" + status +
               "\"},\"circuitBreakers\":{\"status\":\"UNKNOWN\",\"details\":{\"" + kBreakerName +
               "\":" + breakerDetails() + "}}}}";
        response = HttpResponse::json(decision.ok ? 200 : 503, body);
    } else {
        const QByteArray status = decision.ok ? "pass" : "fail";
        body = "{\"status\":\"" + status + "\",\"checks\":{\"db:responseTime\":[{\"status\":\"" + status +
               "\",\"observedValue\":" + QByteArray::number(qRound(decision.latencyMs)) +
               ",\"observedUnit\":\"ms\"}]}}";
        response = HttpResponse::json(decision.ok ? 200 : 503, body);
        response.contentType = "application/health+json";
    }
    m_delays->after(qRound64(decision.latencyMs), [responder, response] { responder.send(response); });
}

QByteArray DemoService::breakerDetails() const
{
    const BreakerSnapshot s = m_breaker.snapshot();
    const QByteArray rate = failureRateText(s);
    const QByteArray health = s.state == BreakerState::Open || s.state == BreakerState::ForcedOpen ? "CIRCUIT_OPEN"
                              : s.state == BreakerState::HalfOpen                                  ? "CIRCUIT_HALF_OPEN"
                                                                                                   : "UP";
    return "{\"status\":\"" + health + "\",\"details\":{\"failureRate\":\"" + rate +
           "%\",\"failureRateThreshold\":\"50.0%\",\"bufferedCalls\":" + QByteArray::number(s.windowCalls) +
           ",\"failedCalls\":" + QByteArray::number(s.windowFailures) +
           ",\"notPermittedCalls\":" + QByteArray::number(m_notPermitted) + ",\"state\":\"" + r4jState(s.state) +
           "\"}}";
}

HttpResponse DemoService::metrics(std::int64_t t)
{
    advanceTraffic(t);
    QByteArray out;
    out += "# HELP http_requests_total Requests handled by the service, by status code.\n"
           "# TYPE http_requests_total counter\n";
    out += "http_requests_total{code=\"200\"} " + QByteArray::number(m_ok) + '\n';
    out += "http_requests_total{code=\"503\"} " + QByteArray::number(m_failed) + '\n';
    out += "# HELP http_request_duration_seconds Time to answer a request.\n"
           "# TYPE http_request_duration_seconds histogram\n";
    std::int64_t cumulative = 0;
    for (std::size_t i = 0; i < kBounds.size(); ++i) {
        cumulative += m_buckets[i];
        out += "http_request_duration_seconds_bucket{le=\"" + QByteArray::number(kBounds[i]) + "\"} " +
               QByteArray::number(cumulative) + '\n';
    }
    cumulative += m_buckets[kBounds.size()];
    out += "http_request_duration_seconds_bucket{le=\"+Inf\"} " + QByteArray::number(cumulative) + '\n';
    out += "http_request_duration_seconds_sum " + QByteArray::number(m_latencySum, 'f', 3) + '\n';
    out += "http_request_duration_seconds_count " + QByteArray::number(cumulative) + '\n';
    out += "# HELP resilience4j_circuitbreaker_state The states of the circuit breaker\n"
           "# TYPE resilience4j_circuitbreaker_state gauge\n";
    const BreakerState state = m_breaker.state();
    for (const auto &[name, s] :
         {std::pair{"closed", BreakerState::Closed}, std::pair{"open", BreakerState::Open},
          std::pair{"half_open", BreakerState::HalfOpen}, std::pair{"forced_open", BreakerState::ForcedOpen},
          std::pair{"disabled", BreakerState::Disabled}, std::pair{"metrics_only", BreakerState::MetricsOnly}})
        out += QByteArray("resilience4j_circuitbreaker_state{name=\"") + kBreakerName + "\",state=\"" + name + "\"} " +
               (state == s ? "1" : "0") + '\n';
    const BreakerSnapshot snapshot = m_breaker.snapshot();
    out += "# HELP resilience4j_circuitbreaker_failure_rate The failure rate of the circuit breaker\n"
           "# TYPE resilience4j_circuitbreaker_failure_rate gauge\n";
    out += QByteArray("resilience4j_circuitbreaker_failure_rate{name=\"") + kBreakerName + "\"} " +
           failureRateText(snapshot) + '\n';
    out += "# HELP resilience4j_circuitbreaker_not_permitted_calls_total Calls not permitted by the breaker\n"
           "# TYPE resilience4j_circuitbreaker_not_permitted_calls_total counter\n";
    out += QByteArray("resilience4j_circuitbreaker_not_permitted_calls_total{name=\"") + kBreakerName + "\"} " +
           QByteArray::number(m_notPermitted) + '\n';
    HttpResponse response = HttpResponse::text(200, out);
    response.contentType = "text/plain; version=0.0.4; charset=utf-8";
    return response;
}

HttpResponse DemoService::circuitBreakers() const
{
    const BreakerSnapshot s = m_breaker.snapshot();
    const QByteArray rate = failureRateText(s);
    return HttpResponse::json(
        200,
        QByteArray("{\"circuitBreakers\":{\"") + kBreakerName + "\":{\"failureRate\":\"" + rate +
            "%\",\"slowCallRate\":\"-1.0%\",\"failureRateThreshold\":\"50.0%\",\"slowCallRateThreshold\":\"100.0%\","
            "\"bufferedCalls\":" +
            QByteArray::number(s.windowCalls) + ",\"failedCalls\":" + QByteArray::number(s.windowFailures) +
            ",\"slowCalls\":0,\"slowFailedCalls\":0,\"notPermittedCalls\":" + QByteArray::number(m_notPermitted) +
            ",\"state\":\"" + r4jState(s.state) + "\"}}}");
}

QString DemoService::isoTime(std::int64_t t) const
{
    return QDateTime::fromMSecsSinceEpoch(m_wallEpochMs + t, Qt::UTC).toString(Qt::ISODateWithMs) + u"[UTC]"_s;
}

HttpResponse DemoService::events() const
{
    QByteArray list;
    for (const Transition &transition : m_events) {
        if (!list.isEmpty())
            list += ',';
        list += QByteArray("{\"circuitBreakerName\":\"") + kBreakerName +
                "\",\"type\":\"STATE_TRANSITION\",\"creationTime\":\"" + isoTime(transition.t).toUtf8() +
                "\",\"stateTransition\":\"" + r4jState(transition.from) + "_TO_" + r4jState(transition.to) + "\"}";
    }
    return HttpResponse::json(200, "{\"circuitBreakerEvents\":[" + list + "]}");
}

HttpResponse DemoService::updateState(const HttpRequest &request)
{
    const std::int64_t t = m_clock();
    advanceTraffic(t);
    if (request.path != u"/actuator/circuitbreakers/"_s + QLatin1StringView(kBreakerName))
        return HttpResponse::json(404, "{\"message\":\"no such circuit breaker\"}");
    const QString action = QJsonDocument::fromJson(request.body).object().value(u"updateState"_s).toString();
    Status status = success();
    if (action == u"CLOSE")
        status = m_breaker.reset(t);
    else if (action == u"FORCE_OPEN")
        status = m_breaker.forceOpen(t);
    else if (action == u"DISABLE")
        status = m_breaker.disable(t);
    else
        return HttpResponse::json(400, "{\"message\":\"updateState must be CLOSE, FORCE_OPEN or DISABLE\"}");
    advanceTraffic(t); // record the transition in the event ring
    return HttpResponse::json(200,
                              QByteArray("{\"circuitBreakerName\":\"") + kBreakerName + "\",\"currentState\":\"" +
                                  r4jState(m_breaker.state()) + "\",\"message\":\"" +
                                  (status ? QByteArray("Circuit breaker '") + kBreakerName + "' state has been changed"
                                          : status.error().toUtf8()) +
                                  "\"}");
}

HttpResponse DemoService::fault(const HttpRequest &request)
{
    const QJsonObject body = QJsonDocument::fromJson(request.body).object();
    const auto mode = modeFromName(body.value(u"mode"_s).toString());
    const double seconds = body.value(u"for_s"_s).toDouble(60);
    if (!mode || seconds < 0)
        return HttpResponse::json(400, "{\"message\":\"mode must be one of " + modeNames().join(u", "_s).toUtf8() +
                                           "; for_s a number of seconds >= 0\"}");
    injectFault(*mode, static_cast<std::int64_t>(seconds * 1000));
    return HttpResponse::json(200, "{\"service\":\"" + m_name.toUtf8() + "\",\"mode\":\"" + modeName(*mode).toUtf8() +
                                       "\",\"for_s\":" + QByteArray::number(seconds) + "}");
}

} // namespace bw
