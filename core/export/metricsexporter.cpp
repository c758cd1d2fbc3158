#include "export/metricsexporter.h"

#include "httpserver/httpserver.h"
#include "monitor/fleetmonitor.h"

using namespace Qt::StringLiterals;

namespace bw {

namespace {

// Label values escaped as the text format wants: backslash, double quote and newline.
QByteArray labelValue(const QString &value)
{
    QByteArray out;
    for (const char c : value.toUtf8()) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

bool isOpen(BreakerState state)
{
    return state == BreakerState::Open || state == BreakerState::ForcedOpen;
}

bool isRecovery(BreakerState from, BreakerState to)
{
    return to == BreakerState::Closed &&
           (from == BreakerState::Open || from == BreakerState::HalfOpen || from == BreakerState::ForcedOpen);
}

} // namespace

Result<std::pair<QHostAddress, quint16>> parseListenAddress(const QString &text)
{
    const qsizetype colon = text.lastIndexOf(u':');
    bool portOk = false;
    const int port = colon < 0 ? -1 : text.mid(colon + 1).toInt(&portOk);
    QString host = text.left(std::max<qsizetype>(0, colon));
    if (host.startsWith(u'[') && host.endsWith(u']'))
        host = host.mid(1, host.size() - 2);
    const QHostAddress address(host);
    if (colon < 0 || !portOk || port < 0 || port > 65535 || address.isNull())
        return Error{u"expected HOST:PORT with a numeric address, e.g. 127.0.0.1:9847; got \"%1\""_s.arg(text)};
    return std::pair{address, static_cast<quint16>(port)};
}

int stateGaugeValue(BreakerState state)
{
    switch (state) {
    case BreakerState::Open:
    case BreakerState::ForcedOpen:
        return 1;
    case BreakerState::HalfOpen:
        return 2;
    case BreakerState::Closed:
    case BreakerState::Disabled:
    case BreakerState::MetricsOnly:
        return 0;
    }
    return 0;
}

MetricsExporter::MetricsExporter(FleetMonitor *monitor, QObject *parent) : QObject(parent), m_monitor(monitor)
{
    connect(monitor, &FleetMonitor::transition, this, [this](const BreakerId &id, const Transition &tr) {
        Counters &c = m_counters[id];
        c.opens[0] += isOpen(tr.to) && !isOpen(tr.from);
        c.recoveries[0] += isRecovery(tr.from, tr.to);
    });
    connect(monitor, &FleetMonitor::observedTransitionsChanged, this,
            [this](const BreakerId &id, const QList<ObservedTransition> &all) {
                std::int64_t &seenUpTo = m_realTransitionsSeen[id]; // 0: nothing yet
                Counters &c = m_counters[id];
                for (const ObservedTransition &tr : all) {
                    if (tr.t <= seenUpTo)
                        continue;
                    c.opens[1] += isOpen(tr.to) && !isOpen(tr.from);
                    c.recoveries[1] += isRecovery(tr.from, tr.to);
                    seenUpTo = tr.t;
                }
            });
}

MetricsExporter::~MetricsExporter() = default;

QByteArray MetricsExporter::render() const
{
    struct Family
    {
        const char *name;
        const char *type;
        const char *help;
    };
    static const Family families[] = {
        {"breakerwatch_breaker_state", "gauge", "Breaker state: 0 closed, 1 open, 2 half-open."},
        {"breakerwatch_breaker_opens_total", "counter", "Transitions into open."},
        {"breakerwatch_breaker_recoveries_total", "counter", "Transitions into closed from open or half-open."},
        {"breakerwatch_breaker_stale", "gauge", "1 when the breaker's source no longer shows it."},
        {"breakerwatch_breaker_failures_total", "counter", "Failed calls seen by the simulated breaker."},
        {"breakerwatch_breaker_calls_total", "counter", "Calls seen by the simulated breaker (polls and traffic)."},
        {"breakerwatch_probe_success", "gauge", "1 when the latest poll of the service succeeded."},
        {"breakerwatch_probe_duration_seconds", "gauge", "Latency of the latest poll of the service."},
    };
    std::vector<BreakerStatus> statuses;
    for (const BreakerId &id : m_monitor->breakers())
        statuses.push_back(m_monitor->status(id));

    QByteArray out;
    out.reserve(static_cast<qsizetype>(statuses.size()) * 900 + 1024);
    for (std::size_t f = 0; f < std::size(families); ++f) {
        const Family &family = families[f];
        out += QByteArray("# HELP ") + family.name + ' ' + family.help + "\n# TYPE " + family.name + ' ' + family.type +
               '\n';
        for (const BreakerStatus &s : statuses) {
            const QByteArray labels = "service=\"" + labelValue(s.id.service) + "\",instance=\"" +
                                      labelValue(s.id.instance) + "\",breaker=\"" + labelValue(s.id.breakerLabel()) +
                                      '"';
            const Counters counters = m_counters.value(s.id);
            const auto line = [&](const QByteArray &lineLabels, const QByteArray &value) {
                out += QByteArray(family.name) + '{' + lineLabels + "} " + value + '\n';
            };
            const auto both = [&](std::int64_t simulated, std::int64_t real) {
                line(labels + ",origin=\"simulated\"", QByteArray::number(simulated));
                if (s.observedState)
                    line(labels + ",origin=\"real\"", QByteArray::number(real));
            };
            const bool polled = s.id.isHealth() && s.lastCheckMs >= 0;
            switch (f) {
            case 0:
                both(stateGaugeValue(s.state), s.observedState ? stateGaugeValue(*s.observedState) : 0);
                break;
            case 1:
                both(counters.opens[0], counters.opens[1]);
                break;
            case 2:
                both(counters.recoveries[0], counters.recoveries[1]);
                break;
            case 3:
                line(labels, s.stale ? "1" : "0");
                break;
            case 4:
                line(labels, QByteArray::number(s.failures + s.trafficFailures));
                break;
            case 5:
                line(labels, QByteArray::number(s.polls + s.trafficCalls));
                break;
            case 6:
                if (polled)
                    line(labels, s.lastOutcome == ProbeOutcomeKind::Success || s.lastOutcome == ProbeOutcomeKind::Slow
                                     ? "1"
                                     : "0");
                break;
            case 7:
                if (polled)
                    line(labels, QByteArray::number(s.lastLatencyMs / 1000.0, 'g', 6));
                break;
            }
        }
    }
    return out;
}

Result<quint16> MetricsExporter::listen(const QHostAddress &address, quint16 port)
{
    m_server = std::make_unique<HttpServer>();
    m_server->route("GET", u"/metrics"_s, [this](const HttpRequest &, HttpResponder responder) {
        HttpResponse response;
        response.contentType = "text/plain; version=0.0.4; charset=utf-8";
        response.body = render();
        responder.send(response);
    });
    m_server->route("GET", u"/"_s, [](const HttpRequest &, HttpResponder responder) {
        responder.send(HttpResponse::text(200, "Breakerwatch: metrics at /metrics\n"));
    });
    return m_server->listen(address, port);
}

} // namespace bw
