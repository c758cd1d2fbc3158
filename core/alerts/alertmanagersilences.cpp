#include "alerts/alertmanagersilences.h"

#include "probe/httpprober.h"

#include <QLoggingCategory>
#include <QPointer>

Q_LOGGING_CATEGORY(lcSilences, "breakerwatch.alertmanager.silences")

using namespace Qt::StringLiterals;

namespace bw {

AlertmanagerSilences::AlertmanagerSilences(HttpProber *prober, Clock clock, Options options, QObject *parent)
    : QObject(parent), m_prober(prober), m_clock(std::move(clock)), m_options(options)
{
    Q_ASSERT(m_prober);
    m_options.pollMs = std::max<std::int64_t>(m_options.pollMs, 1);
    m_options.firstRetryMs = std::max<std::int64_t>(m_options.firstRetryMs, 1);
    m_options.maxRetryMs = std::max(m_options.maxRetryMs, m_options.firstRetryMs);
    connect(&m_tick, &QTimer::timeout, this, &AlertmanagerSilences::pollDue);
    m_tick.start(std::chrono::milliseconds(std::max<std::int64_t>(m_options.tickMs, 10)));
}

AlertmanagerSilences::~AlertmanagerSilences() = default;

void AlertmanagerSilences::setAlertmanagers(const std::vector<AlertmanagerConfig> &alertmanagers)
{
    std::map<QString, Endpoint> next;
    QStringList order;
    for (const AlertmanagerConfig &config : alertmanagers) {
        for (const QUrl &url : config.apiUrls(u"/api/v2/silences"_s)) {
            const QString key = url.toString();
            if (next.count(key))
                continue;
            Endpoint endpoint;
            ProbeRequest &request = endpoint.request;
            request.url = url;
            request.auth = config.auth;
            request.tls = config.tls;
            request.timeoutMs = config.timeoutMs;
            request.bodySizeLimit = 8 * 1024 * 1024;
            request.followRedirects = false;
            request.maxRedirects = 0;
            order << key;
            if (auto old = m_endpoints.find(key);
                old != m_endpoints.end() && old->second.request.auth == request.auth &&
                old->second.request.tls == request.tls && old->second.request.timeoutMs == request.timeoutMs) {
                next.emplace(key, std::move(old->second));
                continue;
            }
            endpoint.base = key.left(key.size() - QStringLiteral("/silences").size());
            endpoint.status.url = url;
            endpoint.serial = m_nextSerial++;
            next.emplace(key, std::move(endpoint));
        }
    }
    const bool hadSilences = !silences().isEmpty();
    m_endpoints = std::move(next);
    m_order = order;
    if (hadSilences || !silences().isEmpty())
        Q_EMIT silencesChanged();
    QTimer::singleShot(0, this, &AlertmanagerSilences::pollDue);
}

void AlertmanagerSilences::pollDue()
{
    const std::int64_t now = m_clock();
    for (auto &[url, endpoint] : m_endpoints)
        if (!endpoint.inFlight && now >= endpoint.nextPollMs)
            poll(endpoint, now);
}

void AlertmanagerSilences::pollNow()
{
    const std::int64_t now = m_clock();
    for (auto &[url, endpoint] : m_endpoints) {
        if (endpoint.inFlight)
            endpoint.again = true;
        else
            poll(endpoint, now);
    }
}

void AlertmanagerSilences::poll(Endpoint &endpoint, std::int64_t now)
{
    endpoint.inFlight = true;
    const QString url = endpoint.status.url.toString();
    const quint64 serial = endpoint.serial;
    QPointer<AlertmanagerSilences> self(this);
    m_prober->probe(endpoint.request, now, [self, url, serial](const ProbeResult &result) {
        if (self)
            self->polled(url, serial, result);
    });
}

QString AlertmanagerSilences::describeFailure(const ProbeResult &result)
{
    QString message = u"%1: %2"_s.arg(outcomeKindName(result.kind), result.message);
    if (result.kind == ProbeOutcomeKind::HttpStatus && !result.body.isEmpty())
        message += u" ("_s + QString::fromUtf8(result.body.left(200)).simplified() + u')';
    return message;
}

void AlertmanagerSilences::polled(const QString &url, quint64 serial, const ProbeResult &result)
{
    const auto it = m_endpoints.find(url);
    if (it == m_endpoints.end() || it->second.serial != serial)
        return; // removed or replaced by a reload meanwhile
    Endpoint &endpoint = it->second;
    endpoint.inFlight = false;
    const std::int64_t now = m_clock();
    const SilencePollStatus before = endpoint.status;
    SilencePollStatus &status = endpoint.status;
    QString problem;
    if (result.ok()) {
        int skipped = 0;
        auto read = parseAlertmanagerSilences(result.body, url, &skipped);
        if (read) {
            status.state = SilencePollStatus::State::Ok;
            status.lastError.clear();
            status.lastReadMs = now;
            status.failures = 0;
            status.retryAtMs = -1;
            status.skipped = skipped;
            endpoint.backoffMs = 0;
            endpoint.nextPollMs = now + m_options.pollMs;
            const bool changed = endpoint.silences != *read;
            endpoint.silences = std::move(*read);
            if (changed)
                Q_EMIT silencesChanged();
        } else {
            problem = read.error();
        }
    } else {
        problem = describeFailure(result);
    }
    if (!problem.isEmpty()) {
        // The silences of the latest good answer stay: they still hold in that Alertmanager.
        status.state = SilencePollStatus::State::Failing;
        status.lastError = problem;
        ++status.failures;
        endpoint.backoffMs =
            endpoint.backoffMs == 0 ? m_options.firstRetryMs : std::min(endpoint.backoffMs * 2, m_options.maxRetryMs);
        status.retryAtMs = now + endpoint.backoffMs;
        endpoint.nextPollMs = status.retryAtMs;
        qCDebug(lcSilences).noquote() << url << "poll failed:" << problem;
    }
    if (endpoint.again) {
        endpoint.again = false;
        endpoint.nextPollMs = now;
        QTimer::singleShot(0, this, &AlertmanagerSilences::pollDue);
    }
    if (status != before)
        Q_EMIT statusChanged(status);
}

QList<Silence> AlertmanagerSilences::silences() const
{
    QList<Silence> out;
    for (const QString &key : m_order)
        if (auto it = m_endpoints.find(key); it != m_endpoints.end())
            out << it->second.silences;
    return out;
}

QList<SilencePollStatus> AlertmanagerSilences::statuses() const
{
    QList<SilencePollStatus> out;
    for (const QString &key : m_order)
        if (auto it = m_endpoints.find(key); it != m_endpoints.end())
            out << it->second.status;
    return out;
}

void AlertmanagerSilences::create(const Silence &silence, Created done)
{
    if (m_endpoints.empty()) {
        done(Error{u"no Alertmanager is configured (alerting.alertmanagers)"_s});
        return;
    }
    QString target = m_order.value(0);
    for (const QString &key : std::as_const(m_order))
        if (m_endpoints.at(key).status.ok()) {
            target = key;
            break;
        }
    const Endpoint &endpoint = m_endpoints.at(target);
    ProbeRequest request = endpoint.request;
    request.method = "POST";
    request.headers.insert(u"Content-Type"_s, u"application/json"_s);
    request.body = toAlertmanagerSilenceJson(silence);
    QPointer<AlertmanagerSilences> self(this);
    m_prober->probe(request, m_clock(), [self, target, silence, done](const ProbeResult &result) {
        if (!result.ok()) {
            done(Error{u"%1 did not take the silence: %2"_s.arg(target, describeFailure(result))});
            return;
        }
        const auto id = parseCreatedSilenceId(result.body);
        if (!id) {
            done(Error{u"%1: %2"_s.arg(target, id.error())});
            return;
        }
        Silence created = silence;
        created.id = *id;
        created.origin = SilenceOrigin::Alertmanager;
        created.alertmanager = target;
        done(created);
        if (self)
            self->pollNow();
    });
}

void AlertmanagerSilences::expire(const Silence &silence, Expired done)
{
    const auto it = m_endpoints.find(silence.alertmanager);
    if (silence.origin != SilenceOrigin::Alertmanager || it == m_endpoints.end()) {
        done(Error{u"silence %1 is not held by a configured Alertmanager"_s.arg(silence.id)});
        return;
    }
    ProbeRequest request = it->second.request;
    request.method = "DELETE";
    request.url = QUrl(it->second.base + u"/silence/"_s + QString::fromLatin1(QUrl::toPercentEncoding(silence.id)));
    QPointer<AlertmanagerSilences> self(this);
    m_prober->probe(request, m_clock(), [self, done, url = request.url](const ProbeResult &result) {
        if (!result.ok())
            done(Error{u"%1: %2"_s.arg(url.toString(), describeFailure(result))});
        else
            done(success());
        if (self)
            self->pollNow();
    });
}

} // namespace bw
