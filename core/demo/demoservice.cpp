#include "demo/demoservice.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace bw {

namespace {

constexpr std::array kBounds{0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0};

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

// A label value or JSON string: the demo's names are plain, but a status page's keys are URLs.
QByteArray quoted(const QString &text)
{
    QByteArray out = text.toUtf8();
    out.replace('\\', "\\\\").replace('"', "\\\"");
    return '"' + out + '"';
}

bool rejectsCalls(BreakerState state)
{
    return state == BreakerState::Open || state == BreakerState::ForcedOpen;
}

} // namespace

DemoService::DemoService(DemoInstanceSpec spec, Clock clock, std::int64_t wallEpochMs, SocketReactor *reactor,
                         DelayedCalls *delays, QObject *parent)
    : QObject(parent), m_name(std::move(spec.service)), m_shape(spec.shape), m_behaviour(spec.health),
      m_clock(std::move(clock)), m_wallEpochMs(wallEpochMs), m_server(reactor),
      m_delays(delays ? delays : new DelayedCalls(10, this))
{
    Q_ASSERT(!spec.breakers.empty());
    m_breakers.reserve(spec.breakers.size());
    for (DemoBreakerSpec &b : spec.breakers)
        m_breakers.emplace_back(std::move(b.name), std::move(b.downstream), b.behaviour, m_shape, b.openWaitMs);
    m_streamTimer.setInterval(1000); // opossum-hystrix: rollingCountTimeout / rollingCountBuckets
    connect(&m_streamTimer, &QTimer::timeout, this, &DemoService::writeStreams);
    addRoutes();
}

DemoService::DemoService(QString name, ServiceBehaviour behaviour, Clock clock, std::int64_t wallEpochMs,
                         SocketReactor *reactor, DelayedCalls *delays, QObject *parent)
    : DemoService(
          DemoInstanceSpec{
              name, AppShape::Resilience4j, behaviour, {{QString::fromLatin1(kBreakerName), name, behaviour}}},
          std::move(clock), wallEpochMs, reactor, delays, parent)
{}

void DemoService::addRoutes()
{
    m_server.route("GET", u"/actuator/health"_s,
                   [this](const HttpRequest &request, HttpResponder r) { answerHealth(request, r, true); });
    m_server.route("GET", u"/health"_s,
                   [this](const HttpRequest &request, HttpResponder r) { answerHealth(request, r, false); });
    m_server.route("GET", u"/metrics"_s, [this](const HttpRequest &, HttpResponder r) { r.send(metrics(m_clock())); });
    m_server.route("POST", u"/admin/fault"_s,
                   [this](const HttpRequest &request, HttpResponder r) { r.send(fault(request)); });
    switch (m_shape) {
    case AppShape::Resilience4j:
        m_server.route("GET", u"/actuator/circuitbreakers"_s, [this](const HttpRequest &, HttpResponder r) {
            advanceTraffic(m_clock());
            r.send(circuitBreakers());
        });
        m_server.route("POST", u"/actuator/circuitbreakers/*"_s,
                       [this](const HttpRequest &request, HttpResponder r) { r.send(updateState(request)); });
        for (const QString &events : {u"/actuator/circuitbreakerevents"_s, u"/actuator/circuitbreakerevents/*"_s}) {
            m_server.route("GET", events, [this](const HttpRequest &request, HttpResponder r) {
                advanceTraffic(m_clock());
                r.send(this->events(request));
            });
        }
        break;
    case AppShape::Opossum:
        m_server.route("GET", u"/hystrix.stream"_s,
                       [this](const HttpRequest &, HttpResponder r) { openStream(std::move(r)); });
        break;
    case AppShape::StatusPage:
        m_server.route("GET", u"/health/circuit-breakers"_s, [this](const HttpRequest &, HttpResponder r) {
            const std::int64_t t = m_clock();
            const BehaviourDecision decision = m_behaviour.decide(modeAt(t), t, m_requests++);
            if (!decision.answer)
                return; // hanging: keep the connection, say nothing
            m_delays->after(qRound64(decision.latencyMs), [r, page = statusPage()] { r.send(page); });
        });
        break;
    }
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

const DemoBreaker *DemoService::breaker(const QString &name) const
{
    for (const DemoBreaker &b : m_breakers) {
        if (b.name() == name)
            return &b;
    }
    return nullptr;
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
    if (dead && m_server.isListening()) {
        m_server.close();
        m_streams.clear();
    } else if (!dead && !m_server.isListening() && m_port != 0) {
        (void)m_server.listen(m_address, m_port);
    }
}

void DemoService::advanceTraffic(std::int64_t t)
{
    // One background call per breaker and 100 ms slot; at most a day is simulated after a long pause. A fault
    // injected into the instance decides every call; otherwise each breaker's downstream does.
    const std::int64_t last = t / 100;
    m_trafficSlot = std::max(m_trafficSlot, last - 864'000);
    for (; m_trafficSlot <= last; ++m_trafficSlot) {
        const std::int64_t slotT = m_trafficSlot * 100;
        const bool faulted = m_faultMode && slotT < m_faultUntil;
        for (std::size_t i = 0; i < m_breakers.size(); ++i) {
            DemoBreaker &b = m_breakers[i];
            const BehaviourMode mode = faulted ? *m_faultMode : b.behaviour().mode();
            const auto n = static_cast<std::uint64_t>(m_trafficSlot) + ((i + 1) << 40);
            const DemoBreaker::CallResult call = b.call(slotT, n, mode);
            if (!call.permitted) {
                ++m_failed; // refused by the breaker: the caller sees a 503
                ++m_buckets[0];
                continue;
            }
            call.ok ? ++m_ok : ++m_failed;
            const double seconds = call.latencyMs / 1000.0;
            std::size_t bucket = 0;
            while (bucket < kBounds.size() && seconds > kBounds[bucket])
                ++bucket;
            ++m_buckets[bucket];
            m_latencySum += seconds;
        }
    }
    for (DemoBreaker &b : m_breakers)
        b.settle(t);
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
        body = "{\"status\":\"" + status + "\",\"components\":{\"db\":{\"status\":\"" + status + "\"}";
        if (m_shape == AppShape::Resilience4j)
            body += ",\"circuitBreakers\":{\"status\":\"UNKNOWN\",\"details\":{" + healthIndicator() + "}}";
        body += "}}";
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

QByteArray DemoService::healthIndicator() const
{
    QByteArray out;
    for (const DemoBreaker &b : m_breakers) {
        const BreakerSnapshot s = b.breaker().snapshot();
        const QByteArray health = rejectsCalls(s.state)               ? "CIRCUIT_OPEN"
                                  : s.state == BreakerState::HalfOpen ? "CIRCUIT_HALF_OPEN"
                                                                      : "UP";
        if (!out.isEmpty())
            out += ',';
        out += quoted(b.name()) + ":{\"status\":\"" + health + "\",\"details\":{\"failureRate\":\"" +
               failureRateText(s) +
               "%\",\"failureRateThreshold\":\"50.0%\",\"bufferedCalls\":" + QByteArray::number(s.windowCalls) +
               ",\"failedCalls\":" + QByteArray::number(s.windowFailures) +
               ",\"notPermittedCalls\":" + QByteArray::number(b.totals().rejects) + ",\"state\":\"" +
               r4jState(s.state) + "\"}}";
    }
    return out;
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
    if (m_shape == AppShape::Resilience4j)
        out += resilience4jMetrics();
    else if (m_shape == AppShape::Opossum)
        out += opossumMetrics();
    HttpResponse response = HttpResponse::text(200, out);
    response.contentType = "text/plain; version=0.0.4; charset=utf-8";
    return response;
}

QByteArray DemoService::resilience4jMetrics() const
{
    QByteArray out = "# HELP resilience4j_circuitbreaker_state The states of the circuit breaker\n"
                     "# TYPE resilience4j_circuitbreaker_state gauge\n";
    for (const DemoBreaker &b : m_breakers) {
        const BreakerState state = b.breaker().state();
        for (const auto &[name, s] :
             {std::pair{"closed", BreakerState::Closed}, std::pair{"open", BreakerState::Open},
              std::pair{"half_open", BreakerState::HalfOpen}, std::pair{"forced_open", BreakerState::ForcedOpen},
              std::pair{"disabled", BreakerState::Disabled}, std::pair{"metrics_only", BreakerState::MetricsOnly}})
            out += "resilience4j_circuitbreaker_state{name=" + quoted(b.name()) + ",state=\"" + name + "\"} " +
                   (state == s ? "1" : "0") + '\n';
    }
    out += "# HELP resilience4j_circuitbreaker_failure_rate The failure rate of the circuit breaker\n"
           "# TYPE resilience4j_circuitbreaker_failure_rate gauge\n";
    for (const DemoBreaker &b : m_breakers)
        out += "resilience4j_circuitbreaker_failure_rate{name=" + quoted(b.name()) + "} " +
               failureRateText(b.breaker().snapshot()) + '\n';
    out += "# HELP resilience4j_circuitbreaker_calls_seconds Total number of successful or failed calls\n"
           "# TYPE resilience4j_circuitbreaker_calls_seconds summary\n";
    for (const DemoBreaker &b : m_breakers) {
        const DemoBreaker::Counts &c = b.totals();
        out += "resilience4j_circuitbreaker_calls_seconds_count{kind=\"successful\",name=" + quoted(b.name()) + "} " +
               QByteArray::number(c.successes) + '\n';
        out += "resilience4j_circuitbreaker_calls_seconds_count{kind=\"failed\",name=" + quoted(b.name()) + "} " +
               QByteArray::number(c.failures) + '\n';
    }
    out += "# HELP resilience4j_circuitbreaker_not_permitted_calls_total Calls not permitted by the breaker\n"
           "# TYPE resilience4j_circuitbreaker_not_permitted_calls_total counter\n";
    for (const DemoBreaker &b : m_breakers)
        out += "resilience4j_circuitbreaker_not_permitted_calls_total{name=" + quoted(b.name()) + "} " +
               QByteArray::number(b.totals().rejects) + '\n';
    return out;
}

QByteArray DemoService::opossumMetrics() const
{
    // opossum-prometheus: one counter named `circuit`; a series exists once its event happened. No halfOpen: opossum
    // does not listen to it itself, so it has no listener when the breaker is added.
    QByteArray out = "# HELP circuit A count of all circuit' events\n# TYPE circuit counter\n";
    for (const DemoBreaker &b : m_breakers) {
        const DemoBreaker::Counts &c = b.totals();
        for (const auto &[event, count] :
             {std::pair{"fire", c.fires}, std::pair{"success", c.successes}, std::pair{"failure", c.failures},
              std::pair{"timeout", c.timeouts}, std::pair{"reject", c.rejects}, std::pair{"open", c.opens},
              std::pair{"close", c.closes}}) {
            if (count > 0)
                out += "circuit{name=" + quoted(b.name()) + ",event=\"" + event + "\"} " + QByteArray::number(count) +
                       '\n';
        }
    }
    return out;
}

HttpResponse DemoService::circuitBreakers() const
{
    QByteArray list;
    for (const DemoBreaker &b : m_breakers) {
        const BreakerSnapshot s = b.breaker().snapshot();
        if (!list.isEmpty())
            list += ',';
        list +=
            quoted(b.name()) + ":{\"failureRate\":\"" + failureRateText(s) +
            "%\",\"slowCallRate\":\"-1.0%\",\"failureRateThreshold\":\"50.0%\",\"slowCallRateThreshold\":"
            "\"100.0%\",\"bufferedCalls\":" +
            QByteArray::number(s.windowCalls) + ",\"failedCalls\":" + QByteArray::number(s.windowFailures) +
            ",\"slowCalls\":0,\"slowFailedCalls\":0,\"notPermittedCalls\":" + QByteArray::number(b.totals().rejects) +
            ",\"state\":\"" + r4jState(s.state) + "\"}";
    }
    return HttpResponse::json(200, "{\"circuitBreakers\":{" + list + "}}");
}

QString DemoService::isoTime(std::int64_t t) const
{
    return QDateTime::fromMSecsSinceEpoch(m_wallEpochMs + t, Qt::UTC).toString(Qt::ISODateWithMs) + u"[UTC]"_s;
}

HttpResponse DemoService::events(const HttpRequest &request) const
{
    // /actuator/circuitbreakerevents: every breaker's; /actuator/circuitbreakerevents/{name}[/...]: one breaker's.
    const QString prefix = u"/actuator/circuitbreakerevents/"_s;
    const QString only =
        request.path.startsWith(prefix) ? request.path.mid(prefix.size()).section(u'/', 0, 0) : QString();
    if (!only.isEmpty() && !breaker(only))
        return HttpResponse::json(404, "{\"message\":\"no such circuit breaker\"}");
    std::vector<std::pair<const DemoBreaker *, const Transition *>> all;
    for (const DemoBreaker &b : m_breakers) {
        if (only.isEmpty() || b.name() == only) {
            for (const Transition &transition : b.events())
                all.emplace_back(&b, &transition);
        }
    }
    std::stable_sort(all.begin(), all.end(), [](const auto &a, const auto &b) { return a.second->t < b.second->t; });
    QByteArray list;
    for (const auto &[b, transition] : all) {
        if (!list.isEmpty())
            list += ',';
        list += "{\"circuitBreakerName\":" + quoted(b->name()) + ",\"type\":\"STATE_TRANSITION\",\"creationTime\":\"" +
                isoTime(transition->t).toUtf8() + "\",\"stateTransition\":\"" + r4jState(transition->from) + "_TO_" +
                r4jState(transition->to) + "\"}";
    }
    return HttpResponse::json(200, "{\"circuitBreakerEvents\":[" + list + "]}");
}

HttpResponse DemoService::updateState(const HttpRequest &request)
{
    const std::int64_t t = m_clock();
    advanceTraffic(t);
    const QString name = request.path.mid(QStringLiteral("/actuator/circuitbreakers/").size());
    auto it =
        std::find_if(m_breakers.begin(), m_breakers.end(), [&](const DemoBreaker &b) { return b.name() == name; });
    if (it == m_breakers.end())
        return HttpResponse::json(404, "{\"message\":\"no such circuit breaker\"}");
    const QString action = QJsonDocument::fromJson(request.body).object().value(u"updateState"_s).toString();
    Status status = success();
    if (action == u"CLOSE")
        status = it->breaker().reset(t);
    else if (action == u"FORCE_OPEN")
        status = it->breaker().forceOpen(t);
    else if (action == u"DISABLE")
        status = it->breaker().disable(t);
    else
        return HttpResponse::json(400, "{\"message\":\"updateState must be CLOSE, FORCE_OPEN or DISABLE\"}");
    it->settle(t); // record the transition in the event ring
    return HttpResponse::json(
        200, "{\"circuitBreakerName\":" + quoted(name) + ",\"currentState\":\"" + r4jState(it->breaker().state()) +
                 "\",\"message\":" +
                 quoted(status ? u"Circuit breaker '%1' state has been changed"_s.arg(name) : status.error()) + "}");
}

HttpResponse DemoService::statusPage()
{
    const std::int64_t t = m_clock();
    advanceTraffic(t);
    QByteArray map;
    bool anyOpen = false;
    for (const DemoBreaker &b : m_breakers) {
        const BreakerSnapshot s = b.breaker().snapshot();
        anyOpen = anyOpen || rejectsCalls(s.state);
        const QByteArray state = rejectsCalls(s.state)               ? "open"
                                 : s.state == BreakerState::HalfOpen ? "half_open"
                                                                     : "closed";
        if (!map.isEmpty())
            map += ',';
        map += quoted(b.name()) + ":{\"state\":\"" + state +
               "\",\"failure_count\":" + QByteArray::number(s.consecutiveFailures) +
               ",\"success_count\":" + QByteArray::number(b.totals().successes) + ",\"last_failure_time\":" +
               (b.lastFailureMs() < 0 ? QByteArray("null") : quoted(isoTime(b.lastFailureMs()))) +
               ",\"failure_threshold\":5,\"recovery_timeout\":" + QByteArray::number(b.openWaitMs() / 1000) + "}";
    }
    const bool down = anyOpen || !m_behaviour.decide(modeAt(t), t, m_requests).ok;
    return HttpResponse::json(down ? 503 : 200, "{\"circuit_breakers\":{" + map + "}}");
}

QByteArray DemoService::hystrixSnapshot(const DemoBreaker &b, std::int64_t t) const
{
    const DemoBreaker::Counts r = b.rolling();
    const std::int64_t errors = r.failures;
    const int errorPercentage = r.fires > 0 ? static_cast<int>(100 * errors / r.fires) : 0;
    const QByteArray mean = QByteArray::number(
        qRound(r.successes + r.failures > 0 ? r.latencySumMs / static_cast<double>(r.successes + r.failures) : 0.0));
    QByteArray latency = "{";
    for (const char *key : {"0", "25", "50", "75", "90", "95", "99", "99.5", "100"})
        latency += QByteArray(latency.size() > 1 ? "," : "") + '"' + key + "\":" + mean;
    latency += '}';
    return "{\"type\":\"HystrixCommand\",\"name\":" + quoted(b.name()) + ",\"group\":" + quoted(b.name()) +
           ",\"currentTime\":" + QByteArray::number(m_wallEpochMs + t) +
           ",\"isCircuitBreakerOpen\":" + (b.breaker().state() == BreakerState::Closed ? "false" : "true") +
           ",\"errorPercentage\":" + QByteArray::number(errorPercentage) +
           ",\"errorCount\":" + QByteArray::number(errors) + ",\"requestCount\":" + QByteArray::number(r.fires) +
           ",\"rollingCountFailure\":" + QByteArray::number(r.failures) +
           ",\"rollingCountShortCircuited\":" + QByteArray::number(r.rejects) +
           ",\"rollingCountSuccess\":" + QByteArray::number(r.successes) +
           ",\"rollingCountTimeout\":" + QByteArray::number(r.timeouts) + ",\"latencyExecute_mean\":" + mean +
           ",\"latencyExecute\":" + latency +
           ",\"propertyValue_circuitBreakerRequestVolumeThreshold\":5"
           ",\"propertyValue_circuitBreakerSleepWindowInMilliseconds\":" +
           QByteArray::number(b.openWaitMs()) +
           ",\"propertyValue_circuitBreakerErrorThresholdPercentage\":50"
           ",\"propertyValue_circuitBreakerForceOpen\":false,\"propertyValue_circuitBreakerForceClosed\":false"
           ",\"propertyValue_circuitBreakerEnabled\":true"
           ",\"propertyValue_metricsRollingStatisticalWindowInMilliseconds\":10000}";
}

void DemoService::openStream(HttpResponder responder)
{
    // What opossum-hystrix's README handler writes first; then every breaker's snapshot each second.
    responder.startStream(200, "text/event-stream; charset=utf-8");
    responder.write("retry: 10000\nevent: connecttime\n");
    m_streams.push_back(std::move(responder));
    if (!m_streamTimer.isActive())
        m_streamTimer.start();
}

void DemoService::writeStreams()
{
    std::erase_if(m_streams, [](const HttpResponder &r) { return !r.streaming(); });
    if (m_streams.empty()) {
        m_streamTimer.stop();
        return;
    }
    const std::int64_t t = m_clock();
    advanceTraffic(t);
    QByteArray batch;
    for (const DemoBreaker &b : m_breakers)
        batch += "data: " + hystrixSnapshot(b, t) + "\n\n";
    for (const HttpResponder &r : m_streams)
        r.write(batch);
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
