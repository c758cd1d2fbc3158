#pragma once

#include "common/result.h"
#include "httpserver/httprequest.h"

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QPair>
#include <QString>

#include <functional>
#include <memory>
#include <unordered_map>
#include <utility>
#include <vector>

namespace bw {

class SocketReactor;
struct HttpConnection;

struct HttpResponse
{
    int status = 200;
    QByteArray contentType = "text/plain; charset=utf-8";
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;

    static HttpResponse text(int status, const QByteArray &body);
    static HttpResponse json(int status, const QByteArray &body);
};

// Sends the answer to one request, now or later (a handler may keep it to answer after a delay, or never).
// Copyable; only the first send() counts; sending after the client went away does nothing.
//
// Or streams it (server-sent events): startStream() sends the status line and headers with no length and
// "Connection: close", then each write() goes out as it comes, until the client leaves. Nothing after a streamed
// request is answered on its connection, and the idle timeout does not apply to it.
class HttpResponder
{
public:
    void send(const HttpResponse &response) const;
    bool alive() const; // not answered yet (or, for a stream: still connected)

    void startStream(int status, const QByteArray &contentType) const;
    void write(const QByteArray &bytes) const; // does nothing unless streaming to a client still there
    bool streaming() const;

private:
    friend class HttpServer;
    friend struct HttpConnection;
    struct State;
    std::shared_ptr<State> m_state;
};

// A small HTTP/1.1 server for the demo fleet and for Breakerwatch's own /metrics: keep-alive, pipelined requests
// answered in order, Content-Length bodies, limits on header and body size (431/413), an idle timeout, exact or
// prefix routes. Its sockets are watched by a SocketReactor, which many servers can share (the demo fleet runs a
// thousand of them on one); without one it makes its own. The reactor is not owned and must outlive the server.
// Lives in the reactor's thread; handlers run there. Linux only. Not for the open internet.
class HttpServer final : public QObject
{
    Q_OBJECT
public:
    using Handler = std::function<void(const HttpRequest &, HttpResponder)>;

    explicit HttpServer(SocketReactor *reactor = nullptr, QObject *parent = nullptr);
    ~HttpServer() override;

    // Port 0 picks a free one. The error names the address and the reason.
    Result<quint16> listen(const QHostAddress &address, quint16 port);
    // Stops listening (new connections are refused) and drops open connections; unanswered requests stay so.
    void close();
    quint16 port() const { return m_port; }
    bool isListening() const { return m_listener >= 0; }

    // "/actuator/health" matches exactly; "/admin/*" matches the prefix. method empty = any. First match wins.
    void route(const QByteArray &method, const QString &pattern, Handler handler);
    void setFallback(Handler handler);

    std::int64_t requestsServed() const { return m_served; }
    int openConnections() const { return static_cast<int>(m_connections.size()); }
    std::int64_t maxHeaderBytes = 16 * 1024;
    std::int64_t maxBodyBytes = 1024 * 1024;
    int idleTimeoutMs = 30'000; // no bytes from the client for this long closes the connection (checked each second)

private:
    struct Route
    {
        QByteArray method;
        QString pattern;
        bool prefix = false;
        Handler handler;
    };
    friend class HttpResponder;
    void onAcceptable();
    void onConnectionReady(const std::shared_ptr<HttpConnection> &connection, bool readable, bool writable);
    void dispatch(const std::shared_ptr<HttpConnection> &connection);
    void answer(const HttpRequest &request, const HttpResponder &responder);
    void fail(const std::shared_ptr<HttpConnection> &connection, int status, const QByteArray &message);
    void flush(const std::shared_ptr<HttpConnection> &connection); // writes the answers that are ready, in order
    bool writeOut(HttpConnection &connection);                     // false: the connection is broken
    void drop(HttpConnection &connection);
    void closeIdle();

    SocketReactor *m_reactor; // a child when the server made its own
    int m_listener = -1;
    quint16 m_port = 0;
    std::vector<Route> m_routes;
    Handler m_fallback;
    std::int64_t m_served = 0;
    std::unordered_map<int, std::shared_ptr<HttpConnection>> m_connections; // by descriptor
};

} // namespace bw
