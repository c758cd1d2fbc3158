#include "probe/proberequest.h"

#include <QFile>
#include <QSslConfiguration>
#include <QSslKey>

using namespace Qt::StringLiterals;

namespace bw {

namespace {

QSslKey readKey(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QByteArray pem = file.readAll();
    for (QSsl::KeyAlgorithm algorithm : {QSsl::Rsa, QSsl::Ec, QSsl::Opaque}) {
        QSslKey key(pem, algorithm);
        if (!key.isNull())
            return key;
    }
    return {};
}

} // namespace

ProbeRequest ProbeRequest::fromSource(const HttpSource &source, const GlobalConfig &global)
{
    ProbeRequest request;
    request.url = source.url;
    request.headers = source.headers;
    request.auth = source.auth;
    request.tls = source.tls;
    request.timeoutMs = source.timeoutMs > 0 ? source.timeoutMs : global.timeoutMs;
    request.bodySizeLimit = source.bodySizeLimit >= 0 ? source.bodySizeLimit : global.bodySizeLimit;
    request.slowMs = source.slowMs > 0 ? source.slowMs : global.slowMs;
    request.followRedirects = source.followRedirects;
    request.validStatus = source.validStatus;
    request.jsonField = source.jsonField;
    request.bodyRegex = source.bodyRegex;
    return request;
}

QNetworkRequest toNetworkRequest(const ProbeRequest &probe, const QUrl &url, bool withCredentials)
{
    QNetworkRequest request(url);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    request.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
    request.setAttribute(QNetworkRequest::CacheSaveControlAttribute, false);
    request.setAttribute(QNetworkRequest::CookieLoadControlAttribute, QNetworkRequest::Manual);
    request.setAttribute(QNetworkRequest::CookieSaveControlAttribute, QNetworkRequest::Manual);
    request.setHeader(QNetworkRequest::UserAgentHeader, u"Breakerwatch/0.1"_s);
    for (auto it = probe.headers.cbegin(); it != probe.headers.cend(); ++it)
        request.setRawHeader(it.key().toUtf8(), it.value().toUtf8());
    if (withCredentials) {
        const AuthConfig &auth = probe.auth;
        if (auth.kind == AuthConfig::Kind::Authorization)
            request.setRawHeader("Authorization", (auth.scheme + u' ' + auth.credentials.reveal()).toUtf8());
        else if (auth.kind == AuthConfig::Kind::Basic)
            request.setRawHeader("Authorization",
                                 "Basic " + (auth.username + u':' + auth.password.reveal()).toUtf8().toBase64());
    }
    if (url.scheme() == u"https") {
        const TlsConfig &tls = probe.tls;
        QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
        ssl.setProtocol(tls.minVersion == TlsVersion::Tls13 ? QSsl::TlsV1_3OrLater : QSsl::TlsV1_2OrLater);
        if (!tls.caFile.isEmpty())
            ssl.setCaCertificates(QSslCertificate::fromPath(tls.caFile)); // replaces the system roots
        if (!tls.certFile.isEmpty()) {
            ssl.setLocalCertificate(QSslCertificate::fromPath(tls.certFile).value(0));
            ssl.setPrivateKey(readKey(tls.keyFile));
        }
        if (tls.insecureSkipVerify)
            ssl.setPeerVerifyMode(QSslSocket::VerifyNone);
        request.setSslConfiguration(ssl);
        if (!tls.serverName.isEmpty())
            request.setPeerVerifyName(tls.serverName);
    }
    return request;
}

} // namespace bw
