#include "probe/httpprober.h"

#include "probe/plainhttpclient.h"

#include <QElapsedTimer>

#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QPointer>
#include <QRegularExpression>
#include <QStringList>
#include <QTimer>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace bw {

Q_LOGGING_CATEGORY(lcProbe, "breakerwatch.probe", QtInfoMsg)

namespace {

bool isRedirect(int status)
{
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

std::optional<QString> jsonPath(const QJsonDocument &document, const QString &path)
{
    QJsonValue value = document.object();
    for (const QString &part : path.split(u'.')) {
        if (!value.isObject())
            return std::nullopt;
        value = value.toObject().value(part);
        if (value.isUndefined())
            return std::nullopt;
    }
    if (value.isString())
        return value.toString();
    if (value.isBool())
        return value.toBool() ? u"true"_s : u"false"_s;
    if (value.isDouble())
        return QString::number(value.toDouble());
    if (value.isNull())
        return u"null"_s;
    return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
}

} // namespace

// One probe: owns its reply and deadline; deletes itself after the callback.
class HttpProber::Run final : public QObject
{
public:
    Run(HttpProber *owner, QNetworkAccessManager *network, PlainHttpClient *plain, ProbeRequest request,
        std::int64_t startedAtMs, Callback done)
        : QObject(owner), m_network(network), m_plain(plain), m_request(std::move(request)), m_done(std::move(done))
    {
        m_result.startedAtMs = startedAtMs;
        m_deadline.setSingleShot(true);
        m_deadline.setTimerType(Qt::PreciseTimer);
        connect(&m_deadline, &QTimer::timeout, this, [this] { abortWith(Abort::Deadline); });
    }

    ~Run() override
    {
        if (m_plainId != 0 && m_plain)
            m_plain->cancel(m_plainId);
        if (m_reply) {
            m_reply->disconnect(this);
            m_reply->abort();
            m_reply->deleteLater();
        }
    }

    void begin()
    {
        m_clock.start();
        m_deadline.start(std::chrono::milliseconds(std::max<std::int64_t>(1, m_request.timeoutMs)));
        send(m_request.url, true);
    }

private:
    enum class Abort
    {
        None,
        Deadline,
        TooLarge
    };

    double elapsed() const { return static_cast<double>(m_clock.nsecsElapsed()) / 1e6; }

    void send(const QUrl &url, bool withCredentials)
    {
        if (m_plain && !m_qtOnly && PlainHttpClient::handles(url))
            return sendPlain(url, withCredentials);
        QNetworkRequest request = toNetworkRequest(m_request, url, withCredentials);
        // Qt stops decompressing a body that inflates past this with a bomb-like ratio; below it, our own
        // limit applies to the decompressed bytes as they are read.
        request.setDecompressedSafetyCheckThreshold(m_request.bodySizeLimit);

        m_reply = m_network->sendCustomRequest(request, m_request.method, m_request.body);
        // Bounded buffering paces Qt's decompression with our reads, so a gzip bomb stops near the limit.
        m_reply->setReadBufferSize(std::min<qint64>(m_request.bodySizeLimit + 1, 256 * 1024));
        m_currentUrl = url;
        connect(m_reply, &QNetworkReply::socketStartedConnecting, this,
                [this] { m_result.timings.connectStartMs = elapsed(); });
        connect(m_reply, &QNetworkReply::encrypted, this, [this] { m_result.timings.encryptedMs = elapsed(); });
        connect(m_reply, &QNetworkReply::requestSent, this, [this] { m_result.timings.requestSentMs = elapsed(); });
        connect(m_reply, &QNetworkReply::metaDataChanged, this, [this] { onHeaders(); });
        connect(m_reply, &QNetworkReply::readyRead, this, [this] { onReadyRead(); });
        connect(m_reply, &QNetworkReply::sslErrors, this, [this](const QList<QSslError> &errors) {
            QStringList texts;
            for (const QSslError &error : errors)
                texts << error.errorString();
            m_sslErrors = texts.join(u"; "_s);
        });
        connect(m_reply, &QNetworkReply::finished, this, [this] { onFinished(); });
    }

    void sendPlain(const QUrl &url, bool withCredentials)
    {
        m_currentUrl = url;
        // The same headers Qt would send (credentials, User-Agent, the caller's), from the one place that says.
        const QNetworkRequest request = toNetworkRequest(m_request, url, withCredentials);
        PlainHttpClient::Headers headers;
        for (const QByteArray &name : request.rawHeaderList())
            headers.append({name, request.rawHeader(name)});
        PlainHttpClient::Hooks hooks;
        hooks.connecting = [this] { m_result.timings.connectStartMs = elapsed(); };
        hooks.sent = [this] { m_result.timings.requestSentMs = elapsed(); };
        hooks.headers = [this](int status) {
            if (m_result.timings.firstByteMs < 0)
                m_result.timings.firstByteMs = elapsed();
            m_result.httpStatus = status;
        };
        m_plainId =
            m_plain->start(url, m_request.method, headers, m_request.body, m_request.bodySizeLimit, std::move(hooks),
                           [this](PlainHttpFailure failure, const QString &message, PlainHttpResponse response) {
                               onPlainDone(failure, message, std::move(response));
                           });
    }

    void onPlainDone(PlainHttpFailure failure, const QString &message, PlainHttpResponse response)
    {
        m_plainId = 0;
        m_result.httpStatus = response.status;
        m_result.finalUrl = m_currentUrl;
        m_result.contentType = response.contentType;
        switch (failure) {
        case PlainHttpFailure::None:
            break;
        case PlainHttpFailure::Unsupported:
            // e.g. compressed although we did not ask: Qt's client decodes it, with its bomb checks.
            m_qtOnly = true;
            return send(m_currentUrl, m_credentials);
        case PlainHttpFailure::TooLarge:
            return finish(ProbeOutcomeKind::BodyTooLarge, message);
        case PlainHttpFailure::Refused:
            return finish(ProbeOutcomeKind::ConnectionRefused, message);
        case PlainHttpFailure::Reset:
            return finish(ProbeOutcomeKind::ConnectionReset, message);
        case PlainHttpFailure::Dns:
            return finish(ProbeOutcomeKind::DnsFailure, message);
        case PlainHttpFailure::Protocol:
            return finish(ProbeOutcomeKind::ParseError, message);
        }
        m_body = std::move(response.body);
        if (redirected(response.status, QUrl::fromEncoded(response.location)))
            return;
        judge(response.status);
    }

    void onHeaders()
    {
        if (m_result.timings.firstByteMs < 0)
            m_result.timings.firstByteMs = elapsed();
        const QVariant length = m_reply->header(QNetworkRequest::ContentLengthHeader);
        const bool compressed = !m_reply->rawHeader("Content-Encoding").isEmpty();
        if (!compressed && length.isValid() && length.toLongLong() > m_request.bodySizeLimit)
            abortWith(Abort::TooLarge);
    }

    void onReadyRead()
    {
        if (m_abort != Abort::None)
            return;
        m_body += m_reply->readAll();
        if (m_body.size() > m_request.bodySizeLimit)
            abortWith(Abort::TooLarge);
    }

    void abortWith(Abort reason)
    {
        if (m_plainId != 0 && m_abort == Abort::None) {
            m_plain->cancel(m_plainId);
            m_plainId = 0;
            m_abort = reason;
            m_result.finalUrl = m_currentUrl;
            return finish(ProbeOutcomeKind::Timeout, u"no complete answer within %1 ms"_s.arg(m_request.timeoutMs));
        }
        if (m_abort != Abort::None || !m_reply)
            return;
        m_abort = reason;
        m_reply->abort(); // emits finished synchronously
    }

    void onFinished()
    {
        QNetworkReply *reply = m_reply;
        m_reply = nullptr;
        reply->disconnect(this);
        reply->deleteLater();
        if (m_abort == Abort::None && reply->error() == QNetworkReply::NoError)
            m_body += reply->readAll();

        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        m_result.httpStatus = status;
        m_result.finalUrl = m_currentUrl;
        m_result.contentType = reply->header(QNetworkRequest::ContentTypeHeader).toByteArray();

        if (m_abort == Abort::Deadline)
            return finish(ProbeOutcomeKind::Timeout, u"no complete answer within %1 ms"_s.arg(m_request.timeoutMs));
        if (m_abort == Abort::TooLarge)
            return finish(ProbeOutcomeKind::BodyTooLarge,
                          u"body larger than the %1-byte limit"_s.arg(m_request.bodySizeLimit));

        QUrl location = reply->header(QNetworkRequest::LocationHeader).toUrl();
        if (location.isEmpty())
            location = QUrl(QString::fromUtf8(reply->rawHeader("Location")));
        if (redirected(status, location))
            return;

        const QNetworkReply::NetworkError error = reply->error();
        if (error != QNetworkReply::NoError && reply->errorString().contains(u"decompress"_s, Qt::CaseInsensitive))
            return finish(ProbeOutcomeKind::BodyTooLarge,
                          u"compressed body inflates past the %1-byte limit"_s.arg(m_request.bodySizeLimit));
        const bool httpLevelError = status > 0 && error >= QNetworkReply::ContentAccessDenied;
        if (error != QNetworkReply::NoError && !httpLevelError) {
            const ProbeOutcomeKind kind = classifyNetworkError(error);
            QString message = networkMessage(reply);
            if (kind == ProbeOutcomeKind::TlsError && m_request.tls.minVersion == TlsVersion::Tls13)
                message += u" (tls_config.min_version is TLS13: the server must speak TLS 1.3)"_s;
            return finish(kind, message);
        }
        judge(status);
    }

    // A redirect to follow (sent again) or refuse (finished); false when the answer is not one.
    bool redirected(int status, QUrl location)
    {
        if (status <= 0 || !isRedirect(status) || !m_request.followRedirects)
            return false;
        const auto refuse = [this](const QString &why) {
            finish(ProbeOutcomeKind::RedirectRefused, why);
            return true;
        };
        {
            location = m_currentUrl.resolved(location);
            if (!location.isValid() || location.host().isEmpty())
                return refuse(u"redirect without a usable Location"_s);
            if (m_currentUrl.scheme() == u"https" && location.scheme() != u"https")
                return refuse(u"refused redirect from https to %1 (%2)"_s.arg(location.scheme(),
                                                                              location.toString(QUrl::RemoveUserInfo)));
            if (++m_redirects > m_request.maxRedirects)
                return refuse(u"more than %1 redirects (loop?)"_s.arg(m_request.maxRedirects));
            // Prometheus' rule: credentials go only to the host they were configured for.
            const bool sameHost = location.host() == m_request.url.host() &&
                                  location.port(location.scheme() == u"https" ? 443 : 80) ==
                                      m_request.url.port(m_request.url.scheme() == u"https" ? 443 : 80);
            m_credentials = m_credentials && sameHost;
            m_body.clear();
            send(location, m_credentials);
            return true;
        }
    }

    // The answer's status and body against what the request asks of them.
    void judge(int status)
    {
        const bool statusOk =
            m_request.validStatus.isEmpty() ? (status >= 200 && status < 300) : m_request.validStatus.contains(status);
        if (!statusOk)
            return finish(ProbeOutcomeKind::HttpStatus, u"HTTP %1"_s.arg(status));

        if (!m_request.bodyRegex.isEmpty()) {
            const QRegularExpression regex(m_request.bodyRegex);
            if (!regex.match(QString::fromUtf8(m_body)).hasMatch())
                return finish(ProbeOutcomeKind::BodyMismatch, u"body does not match /%1/"_s.arg(m_request.bodyRegex));
        }
        if (m_request.jsonField) {
            QJsonParseError parseError;
            const QJsonDocument document = QJsonDocument::fromJson(m_body, &parseError);
            if (parseError.error != QJsonParseError::NoError)
                return finish(
                    ProbeOutcomeKind::ParseError,
                    u"body is not JSON: %1 at offset %2"_s.arg(parseError.errorString()).arg(parseError.offset));
            const auto value = jsonPath(document, m_request.jsonField->path);
            if (!value || *value != m_request.jsonField->equals)
                return finish(ProbeOutcomeKind::BodyMismatch,
                              u"%1 is %2, expected %3"_s.arg(m_request.jsonField->path, value.value_or(u"missing"_s),
                                                             m_request.jsonField->equals));
        }
        const double total = elapsed();
        if (m_request.slowMs > 0 && total > static_cast<double>(m_request.slowMs))
            return finish(ProbeOutcomeKind::Slow,
                          u"took %1 ms (slow above %2 ms)"_s.arg(qRound(total)).arg(m_request.slowMs));
        finish(ProbeOutcomeKind::Success, u"HTTP %1"_s.arg(status));
    }

    ProbeOutcomeKind classifyNetworkError(QNetworkReply::NetworkError error) const
    {
        switch (error) {
        case QNetworkReply::HostNotFoundError:
            return ProbeOutcomeKind::DnsFailure;
        case QNetworkReply::ConnectionRefusedError:
            return ProbeOutcomeKind::ConnectionRefused;
        case QNetworkReply::RemoteHostClosedError:
        case QNetworkReply::TemporaryNetworkFailureError:
        case QNetworkReply::NetworkSessionFailedError:
        case QNetworkReply::UnknownNetworkError:
            return m_sslErrors.isEmpty() ? ProbeOutcomeKind::ConnectionReset : ProbeOutcomeKind::TlsError;
        case QNetworkReply::SslHandshakeFailedError:
            return ProbeOutcomeKind::TlsError;
        case QNetworkReply::TimeoutError:
            return ProbeOutcomeKind::Timeout;
        case QNetworkReply::ProtocolFailure:
            return ProbeOutcomeKind::ParseError;
        default:
            return ProbeOutcomeKind::Other;
        }
    }

    QString networkMessage(QNetworkReply *reply) const
    {
        QString message = reply->errorString();
        if (!m_sslErrors.isEmpty())
            message += u" ("_s + m_sslErrors + u')';
        // errorString() may quote the URL; never let credentials in user info reach a message.
        return message.replace(m_currentUrl.toString(), m_currentUrl.toString(QUrl::RemoveUserInfo));
    }

    void finish(ProbeOutcomeKind kind, const QString &message)
    {
        m_deadline.stop();
        m_result.kind = kind;
        m_result.message = message;
        m_result.latencyMs = elapsed();
        m_result.timings.totalMs = m_result.latencyMs;
        m_result.bytes = m_body.size();
        if (kind != ProbeOutcomeKind::BodyTooLarge)
            m_result.body = std::move(m_body);
        qCDebug(lcProbe).noquote() << m_request.url.toString(QUrl::RemoveUserInfo) << outcomeKindName(kind) << message;
        Callback done = std::move(m_done);
        setParent(nullptr); // no longer in flight
        deleteLater();
        if (done)
            done(m_result);
    }

    QNetworkAccessManager *m_network;
    QPointer<PlainHttpClient> m_plain; // null: every request through Qt
    std::uint64_t m_plainId = 0;       // the plain exchange in flight
    bool m_qtOnly = false;             // the plain client cannot read this answer: Qt's from now on
    ProbeRequest m_request;
    Callback m_done;
    QPointer<QNetworkReply> m_reply;
    QUrl m_currentUrl;
    QTimer m_deadline;
    QElapsedTimer m_clock;
    QByteArray m_body;
    QString m_sslErrors;
    ProbeResult m_result;
    Abort m_abort = Abort::None;
    int m_redirects = 0;
    bool m_credentials = true;
};

HttpProber::HttpProber(QNetworkAccessManager *network, QObject *parent) : QObject(parent), m_network(network)
{
    Q_ASSERT(network);
}

HttpProber::~HttpProber() = default; // child Runs abort their replies without calling back

QNetworkAccessManager *HttpProber::networkFor(const TlsConfig &tls)
{
    if (tls == TlsConfig{})
        return m_network;
    const QString key = QStringList{tls.caFile,
                                    tls.certFile,
                                    tls.keyFile,
                                    tls.serverName,
                                    tls.insecureSkipVerify ? u"insecure"_s : u"verify"_s,
                                    tls.minVersion == TlsVersion::Tls13 ? u"TLS13"_s : u"TLS12"_s}
                            .join(u'\n');
    std::unique_ptr<QNetworkAccessManager> &network = m_tlsNetworks[key];
    if (!network) {
        network = std::make_unique<QNetworkAccessManager>();
        network->setProxy(m_network->proxy());
    }
    return network.get();
}

PlainHttpClient *HttpProber::plainClient()
{
    // Plain http goes through our own client unless a proxy is configured (Qt's business) or it is turned off
    // (BREAKERWATCH_HTTP_CLIENT=qt, for comparing the two).
    if (!m_direct) {
        const QNetworkProxy proxy = m_network->proxy();
        m_direct = (proxy.type() == QNetworkProxy::NoProxy ||
                    (proxy.type() == QNetworkProxy::DefaultProxy &&
                     QNetworkProxy::applicationProxy().type() == QNetworkProxy::NoProxy)) &&
                   qEnvironmentVariable("BREAKERWATCH_HTTP_CLIENT") != u"qt";
    }
    if (!*m_direct)
        return nullptr;
    if (!m_plain)
        m_plain = new PlainHttpClient(this);
    return m_plain;
}

void HttpProber::probe(const ProbeRequest &request, std::int64_t startedAtMs, Callback done)
{
    auto *run = new Run(this, networkFor(request.tls), plainClient(), request, startedAtMs, std::move(done));
    run->begin();
}

int HttpProber::inFlight() const
{
    // Run has no meta-object of its own: findChildren<Run *> would count the plain client too.
    const QObjectList &children = this->children();
    return static_cast<int>(
        std::count_if(children.cbegin(), children.cend(), [](QObject *child) { return dynamic_cast<Run *>(child); }));
}

} // namespace bw
