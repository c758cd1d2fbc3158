#include "alerts/alertmanagerclient.h"

#include "alerts/alertcenter.h"
#include "alerts/alertmanagerpayload.h"
#include "probe/httpprober.h"

#include <QLoggingCategory>
#include <QPointer>

Q_LOGGING_CATEGORY(lcAlertmanager, "breakerwatch.alertmanager")

using namespace Qt::StringLiterals;

namespace bw {

AlertmanagerClient::AlertmanagerClient(HttpProber *prober, Clock clock, Options options, QObject *parent)
    : QObject(parent), m_prober(prober), m_clock(std::move(clock)), m_options(std::move(options))
{
    Q_ASSERT(m_prober);
    m_options.resendMs = std::max<std::int64_t>(m_options.resendMs, 1);
    m_options.firstRetryMs = std::max<std::int64_t>(m_options.firstRetryMs, 1);
    m_options.maxRetryMs = std::max(m_options.maxRetryMs, m_options.firstRetryMs);
    connect(&m_tick, &QTimer::timeout, this, &AlertmanagerClient::sendDue);
    m_tick.start(std::chrono::milliseconds(std::max<std::int64_t>(m_options.tickMs, 10)));
}

AlertmanagerClient::~AlertmanagerClient() = default;

QString AlertmanagerClient::keyOf(const Alert &alert)
{
    return alert.service + u'\x1f' + QString::number(static_cast<int>(alert.source)) + u'\x1f' +
           QString::number(static_cast<int>(alert.kind));
}

void AlertmanagerClient::setAlertmanagers(const std::vector<AlertmanagerConfig> &alertmanagers)
{
    std::map<QString, Endpoint> next;
    for (const AlertmanagerConfig &config : alertmanagers) {
        for (const QUrl &url : config.alertsUrls()) {
            Endpoint endpoint;
            ProbeRequest &request = endpoint.request;
            request.url = url;
            request.method = "POST";
            request.headers.insert(u"Content-Type"_s, u"application/json"_s);
            request.auth = config.auth;
            request.tls = config.tls;
            request.timeoutMs = config.timeoutMs;
            request.bodySizeLimit = 1024 * 1024;
            request.followRedirects = false; // a POST goes where it is configured to, or fails saying so
            request.maxRedirects = 0;
            const QString key = url.toString();
            if (auto old = m_endpoints.find(key);
                old != m_endpoints.end() && old->second.request.auth == request.auth &&
                old->second.request.tls == request.tls && old->second.request.timeoutMs == request.timeoutMs) {
                next.emplace(key, std::move(old->second)); // keeps its status, its backoff and what it owes
                continue;
            }
            if (next.count(key))
                continue; // listed twice: posted once
            endpoint.status.url = url;
            endpoint.serial = m_nextSerial++;
            next.emplace(key, std::move(endpoint));
        }
    }
    m_endpoints = std::move(next);
    sendSoon();
}

void AlertmanagerClient::follow(AlertCenter *center)
{
    connect(center, &AlertCenter::alertFired, this, &AlertmanagerClient::alertFired);
    connect(center, &AlertCenter::alertResolved, this, &AlertmanagerClient::alertResolved);
    for (const Alert &alert : center->alerts())
        if (alert.active())
            alertFired(alert);
}

void AlertmanagerClient::alertFired(const Alert &alert)
{
    const QString key = keyOf(alert);
    m_firing[key] = alert;
    for (auto &[url, endpoint] : m_endpoints) {
        // A new episode of the same alert replaces the resolution not yet delivered: same labels, newer start.
        std::erase_if(endpoint.pendingResolved, [&](const Alert &a) { return keyOf(a) == key; });
        endpoint.dirty = true;
    }
    sendSoon();
}

void AlertmanagerClient::alertResolved(const Alert &alert)
{
    m_firing.erase(keyOf(alert));
    for (auto &[url, endpoint] : m_endpoints) {
        endpoint.pendingResolved.push_back(alert);
        const auto excess =
            static_cast<std::ptrdiff_t>(endpoint.pendingResolved.size()) - std::max(m_options.maxPendingResolved, 1);
        if (excess > 0)
            endpoint.pendingResolved.erase(endpoint.pendingResolved.begin(), endpoint.pendingResolved.begin() + excess);
        endpoint.dirty = true;
    }
    sendSoon();
}

void AlertmanagerClient::sendSoon()
{
    if (m_sendQueued)
        return;
    m_sendQueued = true;
    QTimer::singleShot(0, this, [this] {
        m_sendQueued = false;
        sendDue();
    });
}

void AlertmanagerClient::sendDue()
{
    const std::int64_t now = m_clock();
    for (auto &[url, endpoint] : m_endpoints) {
        if (endpoint.inFlight)
            continue;
        if (endpoint.status.state == AlertmanagerStatus::State::Failing && now < endpoint.status.retryAtMs)
            continue;
        // With nothing firing the post is an empty list: it shows an Alertmanager that cannot be reached before
        // the first alert needs it.
        const bool resendDue = endpoint.status.lastSentMs < 0 || now - endpoint.status.lastSentMs >= m_options.resendMs;
        if (endpoint.dirty || resendDue)
            post(endpoint, now);
    }
}

void AlertmanagerClient::post(Endpoint &endpoint, std::int64_t now)
{
    QList<Alert> batch;
    batch.reserve(static_cast<qsizetype>(m_firing.size() + endpoint.pendingResolved.size()));
    for (const auto &[key, alert] : m_firing)
        batch << alert;
    std::vector<std::pair<QString, std::int64_t>> resolvedSent;
    for (const Alert &alert : endpoint.pendingResolved) {
        batch << alert;
        resolvedSent.emplace_back(keyOf(alert), alert.resolvedAtMs.value_or(0));
    }
    ProbeRequest request = endpoint.request;
    request.body = toAlertmanagerJson(batch, now + 4 * m_options.resendMs, m_options.generatorUrl);
    endpoint.dirty = false;
    endpoint.inFlight = true;
    const QString url = endpoint.status.url.toString();
    const quint64 serial = endpoint.serial;
    QPointer<AlertmanagerClient> self(this);
    m_prober->probe(request, now, [self, url, serial, resolvedSent](const ProbeResult &result) {
        if (self)
            self->finished(url, serial, result, resolvedSent);
    });
}

void AlertmanagerClient::finished(const QString &url, quint64 serial, const ProbeResult &result,
                                  const std::vector<std::pair<QString, std::int64_t>> &resolvedSent)
{
    const auto it = m_endpoints.find(url);
    if (it == m_endpoints.end() || it->second.serial != serial)
        return; // removed (or replaced) by a reload meanwhile
    Endpoint &endpoint = it->second;
    endpoint.inFlight = false;
    const std::int64_t now = m_clock();
    const AlertmanagerStatus before = endpoint.status;
    AlertmanagerStatus &status = endpoint.status;
    if (result.ok()) {
        std::erase_if(endpoint.pendingResolved, [&](const Alert &a) {
            const std::pair<QString, std::int64_t> id{keyOf(a), a.resolvedAtMs.value_or(0)};
            return std::find(resolvedSent.begin(), resolvedSent.end(), id) != resolvedSent.end();
        });
        if (status.state != AlertmanagerStatus::State::Ok)
            status.sinceMs = now;
        status.state = AlertmanagerStatus::State::Ok;
        status.lastError.clear();
        status.lastSentMs = now;
        status.failures = 0;
        status.retryAtMs = -1;
        endpoint.backoffMs = 0;
    } else {
        QString message = u"%1: %2"_s.arg(outcomeKindName(result.kind), result.message);
        if (result.kind == ProbeOutcomeKind::HttpStatus && !result.body.isEmpty())
            message += u" ("_s + QString::fromUtf8(result.body.left(200)).simplified() + u')';
        if (status.state != AlertmanagerStatus::State::Failing)
            status.sinceMs = now;
        status.state = AlertmanagerStatus::State::Failing;
        status.lastError = message;
        ++status.failures;
        endpoint.backoffMs =
            endpoint.backoffMs == 0 ? m_options.firstRetryMs : std::min(endpoint.backoffMs * 2, m_options.maxRetryMs);
        status.retryAtMs = now + endpoint.backoffMs;
        endpoint.dirty = true; // the retry posts whatever the resend interval says
        qCDebug(lcAlertmanager).noquote()
            << url << "post failed:" << message << "retry in" << endpoint.backoffMs << "ms";
    }
    if (status.state != before.state || status.lastError != before.lastError) {
        if (status.state != before.state)
            qCInfo(lcAlertmanager).noquote()
                << url << (status.ok() ? u"reachable"_s : u"unreachable: "_s + status.lastError);
        Q_EMIT statusChanged(status);
    }
    if (endpoint.dirty && status.ok())
        sendSoon(); // something changed while the post was under way
}

QList<AlertmanagerStatus> AlertmanagerClient::statuses() const
{
    QList<AlertmanagerStatus> out;
    for (const auto &[url, endpoint] : m_endpoints)
        out << endpoint.status;
    return out;
}

} // namespace bw
