#pragma once

#include "common/result.h"

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QMap>
#include <QObject>
#include <QPair>
#include <QPointer>
#include <QUrlQuery>

#include <functional>
#include <memory>
#include <vector>

class QTcpServer;
class QTcpSocket;

namespace bw {

struct HttpRequest
{
    QByteArray method;
    QString path; // decoded, without the query
    QUrlQuery query;
    QMap<QByteArray, QByteArray> headers; // names lower-case
    QByteArray body;
    QHostAddress peer;
};

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
class HttpResponder
{
public:
    void send(const HttpResponse &response) const;
    bool alive() const;

private:
    friend class HttpServer;
    struct State;
    std::shared_ptr<State> m_state;
};

// A small HTTP/1.1 server on QTcpServer for the demo fleet and for Breakerwatch's own /metrics: keep-alive,
// pipelined requests answered in order, Content-Length bodies, limits on header and body size (431/413), an idle
// timeout, exact or prefix routes. Lives in its thread; handlers run there. Not for the open internet.
class HttpServer final : public QObject
{
    Q_OBJECT
public:
    using Handler = std::function<void(const HttpRequest &, HttpResponder)>;

    explicit HttpServer(QObject *parent = nullptr);
    ~HttpServer() override;

    // Port 0 picks a free one. The error names the address and the reason.
    Result<quint16> listen(const QHostAddress &address, quint16 port);
    void close();
    quint16 port() const;
    bool isListening() const;

    // "/actuator/health" matches exactly; "/admin/*" matches the prefix. method empty = any. First match wins.
    void route(const QByteArray &method, const QString &pattern, Handler handler);
    void setFallback(Handler handler);

    std::int64_t requestsServed() const { return m_served; }
    int openConnections() const;
    std::int64_t maxHeaderBytes = 16 * 1024;
    std::int64_t maxBodyBytes = 1024 * 1024;
    int idleTimeoutMs = 30'000;

private:
    struct Connection;
    struct Route
    {
        QByteArray method;
        QString pattern;
        bool prefix = false;
        Handler handler;
    };
    void onNewConnection();
    void onReadyRead(QTcpSocket *socket);
    void dispatch(const std::shared_ptr<Connection> &connection);

    QTcpServer *m_server;
    std::vector<Route> m_routes;
    Handler m_fallback;
    std::int64_t m_served = 0;
    QMap<QTcpSocket *, std::shared_ptr<Connection>> m_connections;
};

} // namespace bw
