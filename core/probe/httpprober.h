#pragma once

#include "probe/probeoutcome.h"
#include "probe/proberequest.h"

#include <QObject>

#include <functional>
#include <map>
#include <memory>
#include <optional>

class QNetworkAccessManager;

namespace bw {

class PlainHttpClient;

// Makes HTTP probes and classifies how they end (see ProbeOutcomeKind). Careful where Qt is not:
// - a hard deadline for the whole exchange (Qt's transfer timeout only catches inactivity);
// - the body size limit enforced while reading, after decompression, and from Content-Length up front;
// - redirects followed by hand: never https -> http, credentials dropped when the host changes, loops cut;
// - TLS verification on unless the request opts out; per-request CA, client certificate, server name and
//   minimum TLS version;
// - no cookies, no cache;
// - plain http:// without a proxy through PlainHttpClient (a write and a read on a kept-alive connection, not a
//   Qt reply object and a hop to its network thread); https, proxies and answers it cannot decode through Qt.
// Lives in the thread of `network` (not owned; must outlive the prober). Each probe ends in exactly one
// callback, on that thread. Destroying the prober aborts what is in flight without calling back.
class HttpProber final : public QObject
{
    Q_OBJECT
public:
    using Callback = std::function<void(const ProbeResult &)>;

    explicit HttpProber(QNetworkAccessManager *network, QObject *parent = nullptr);
    ~HttpProber() override;

    void probe(const ProbeRequest &request, std::int64_t startedAtMs, Callback done);
    int inFlight() const;
    // The manager to use for a request with this TLS configuration (see m_tlsNetworks).
    QNetworkAccessManager *networkFor(const TlsConfig &tls);

private:
    class Run;
    PlainHttpClient *plainClient();

    QNetworkAccessManager *m_network;
    // Qt caches connections by scheme, host and port only: a connection opened with one TLS configuration
    // would serve a request with another. Each custom TLS configuration gets its own manager.
    std::map<QString, std::unique_ptr<QNetworkAccessManager>> m_tlsNetworks;
    // Plain http:// requests: a lean client of our own (see PlainHttpClient); child, made on first use.
    PlainHttpClient *m_plain = nullptr;
    // Whether plain http goes direct (no proxy), decided at the first request: asking Qt per request goes through
    // the system's proxy resolver (libproxy), a thread hop and a lookup for every poll.
    std::optional<bool> m_direct;
};

} // namespace bw
