#pragma once

#include "config/config.h"

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QNetworkRequest>
#include <QString>
#include <QUrl>

#include <cstdint>
#include <optional>

namespace bw {

// One HTTP request to make, with everything needed to judge its answer.
struct ProbeRequest
{
    QUrl url;
    QByteArray method = "GET";
    QByteArray body;
    QMap<QString, QString> headers;
    AuthConfig auth;
    TlsConfig tls;
    std::int64_t timeoutMs = 10'000; // hard deadline for the whole exchange, redirects included
    std::int64_t bodySizeLimit = 10 * 1024 * 1024;
    std::int64_t slowMs = 0; // 0 = never slow
    bool followRedirects = true;
    int maxRedirects = 10;
    QList<int> validStatus; // empty = any 2xx
    std::optional<JsonFieldCondition> jsonField;
    QString bodyRegex;

    static ProbeRequest fromSource(const HttpSource &source, const GlobalConfig &global);
};

// The Qt request for `url` (the request's own URL, or a redirect's target): headers, credentials when
// `withCredentials`, TLS settings, manual redirects, no cache, no cookies.
QNetworkRequest toNetworkRequest(const ProbeRequest &request, const QUrl &url, bool withCredentials);

} // namespace bw
