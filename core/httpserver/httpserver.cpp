#include "httpserver/httpserver.h"

#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QUrl>

#include <deque>

using namespace Qt::StringLiterals;

namespace bw {

namespace {

QByteArray reason(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 204:
        return "No Content";
    case 302:
        return "Found";
    case 400:
        return "Bad Request";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 413:
        return "Content Too Large";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 503:
        return "Service Unavailable";
    default:
        return "Status";
    }
}

} // namespace

HttpResponse HttpResponse::text(int status, const QByteArray &body)
{
    HttpResponse response;
    response.status = status;
    response.body = body;
    return response;
}

HttpResponse HttpResponse::json(int status, const QByteArray &body)
{
    HttpResponse response;
    response.status = status;
    response.contentType = "application/json";
    response.body = body;
    return response;
}

// One request's answer slot; the connection writes answers strictly in request order.
struct HttpResponder::State
{
    std::optional<QByteArray> bytes; // the serialised answer once sent
    bool keepAlive = true;
    std::function<void()> ready; // tells the connection to flush what is ready
    bool cancelled = false;
};

void HttpResponder::send(const HttpResponse &response) const
{
    if (!m_state || m_state->bytes || m_state->cancelled)
        return;
    QByteArray out = "HTTP/1.1 " + QByteArray::number(response.status) + ' ' + reason(response.status) + "\r\n";
    out += "Content-Type: " + response.contentType + "\r\n";
    out += "Content-Length: " + QByteArray::number(response.body.size()) + "\r\n";
    for (const auto &[name, value] : response.headers)
        out += name + ": " + value + "\r\n";
    if (!m_state->keepAlive)
        out += "Connection: close\r\n";
    out += "\r\n";
    out += response.body;
    m_state->bytes = std::move(out);
    if (m_state->ready)
        m_state->ready();
}

bool HttpResponder::alive() const
{
    return m_state && !m_state->cancelled && !m_state->bytes;
}

struct HttpServer::Connection
{
    QPointer<QTcpSocket> socket;
    QByteArray buffer;
    std::deque<std::shared_ptr<HttpResponder::State>> pending; // in request order
    QTimer idle;
    bool closing = false;

    void flush()
    {
        while (!pending.empty() && pending.front()->bytes) {
            const bool keepAlive = pending.front()->keepAlive;
            if (socket)
                socket->write(*pending.front()->bytes);
            pending.pop_front();
            if (!keepAlive && socket) {
                closing = true;
                socket->disconnectFromHost();
                return;
            }
        }
    }
};

HttpServer::HttpServer(QObject *parent) : QObject(parent), m_server(new QTcpServer(this))
{
    connect(m_server, &QTcpServer::newConnection, this, &HttpServer::onNewConnection);
}

HttpServer::~HttpServer()
{
    for (const auto &connection : std::as_const(m_connections)) {
        for (const auto &state : connection->pending)
            state->cancelled = true;
    }
}

Result<quint16> HttpServer::listen(const QHostAddress &address, quint16 port)
{
    if (!m_server->listen(address, port))
        return Error{u"cannot listen on %1:%2: %3"_s.arg(address.toString()).arg(port).arg(m_server->errorString())};
    return m_server->serverPort();
}

void HttpServer::close()
{
    m_server->close();
    const auto connections = m_connections;
    for (const auto &connection : connections) {
        for (const auto &state : connection->pending)
            state->cancelled = true;
        if (connection->socket)
            connection->socket->abort();
    }
}

quint16 HttpServer::port() const
{
    return m_server->serverPort();
}

bool HttpServer::isListening() const
{
    return m_server->isListening();
}

int HttpServer::openConnections() const
{
    return static_cast<int>(m_connections.size());
}

void HttpServer::route(const QByteArray &method, const QString &pattern, Handler handler)
{
    const bool prefix = pattern.endsWith(u'*');
    m_routes.push_back({method, prefix ? pattern.chopped(1) : pattern, prefix, std::move(handler)});
}

void HttpServer::setFallback(Handler handler)
{
    m_fallback = std::move(handler);
}

void HttpServer::onNewConnection()
{
    while (QTcpSocket *socket = m_server->nextPendingConnection()) {
        socket->setParent(this);
        auto connection = std::make_shared<Connection>();
        connection->socket = socket;
        connection->idle.setSingleShot(true);
        connect(&connection->idle, &QTimer::timeout, socket, [socket] { socket->disconnectFromHost(); });
        connection->idle.start(idleTimeoutMs);
        m_connections.insert(socket, connection);
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onReadyRead(socket); });
        connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
            if (auto it = m_connections.find(socket); it != m_connections.end()) {
                for (const auto &state : (*it)->pending)
                    state->cancelled = true;
                m_connections.erase(it);
            }
            socket->deleteLater();
        });
    }
}

void HttpServer::onReadyRead(QTcpSocket *socket)
{
    const auto it = m_connections.find(socket);
    if (it == m_connections.end())
        return;
    const std::shared_ptr<Connection> connection = *it;
    connection->buffer += socket->readAll();
    connection->idle.start(idleTimeoutMs);
    dispatch(connection);
}

void HttpServer::dispatch(const std::shared_ptr<Connection> &connection)
{
    auto fail = [&](int status, const QByteArray &message) {
        auto state = std::make_shared<HttpResponder::State>();
        state->keepAlive = false;
        connection->pending.push_back(state);
        HttpResponder responder;
        responder.m_state = state;
        state->ready = [weak = std::weak_ptr<Connection>(connection)] {
            if (auto c = weak.lock())
                c->flush();
        };
        connection->buffer.clear();
        responder.send(HttpResponse::text(status, message + '\n'));
    };

    while (!connection->closing) {
        const qsizetype headerEnd = connection->buffer.indexOf("\r\n\r\n");
        if (headerEnd < 0) {
            if (connection->buffer.size() > maxHeaderBytes)
                fail(431, "request header too large");
            return;
        }
        if (headerEnd > maxHeaderBytes)
            return fail(431, "request header too large");
        const QList<QByteArray> lines = connection->buffer.left(headerEnd).split('\n');
        const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
        if (requestLine.size() != 3 || !requestLine[2].startsWith("HTTP/1."))
            return fail(400, "malformed request line");
        HttpRequest request;
        request.method = requestLine[0];
        const QUrl target(QString::fromUtf8(requestLine[1]));
        request.path = target.path();
        request.query = QUrlQuery(target);
        request.peer = connection->socket ? connection->socket->peerAddress() : QHostAddress();
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const qsizetype colon = lines[i].indexOf(':');
            if (colon <= 0)
                return fail(400, "malformed header line");
            request.headers.insert(lines[i].left(colon).trimmed().toLower(), lines[i].mid(colon + 1).trimmed());
        }
        if (request.headers.contains("transfer-encoding"))
            return fail(501, "chunked request bodies are not supported");
        bool lengthOk = true;
        const qint64 length = request.headers.value("content-length", "0").toLongLong(&lengthOk);
        if (!lengthOk || length < 0)
            return fail(400, "bad Content-Length");
        if (length > maxBodyBytes)
            return fail(413, "request body too large");
        if (connection->buffer.size() < headerEnd + 4 + length)
            return; // wait for the rest of the body
        request.body = connection->buffer.mid(headerEnd + 4, length);
        connection->buffer.remove(0, headerEnd + 4 + length);

        auto state = std::make_shared<HttpResponder::State>();
        const QByteArray connectionHeader = request.headers.value("connection").toLower();
        state->keepAlive =
            requestLine[2] == "HTTP/1.1" ? connectionHeader != "close" : connectionHeader == "keep-alive";
        state->ready = [weak = std::weak_ptr<Connection>(connection)] {
            if (auto c = weak.lock())
                c->flush();
        };
        connection->pending.push_back(state);
        HttpResponder responder;
        responder.m_state = state;
        ++m_served;

        const Handler *handler = nullptr;
        bool pathMatched = false;
        for (const Route &route : m_routes) {
            const bool matches = route.prefix ? request.path.startsWith(route.pattern) : request.path == route.pattern;
            if (!matches)
                continue;
            pathMatched = true;
            if (route.method.isEmpty() || route.method == request.method) {
                handler = &route.handler;
                break;
            }
        }
        if (handler)
            (*handler)(request, responder);
        else if (pathMatched)
            responder.send(HttpResponse::text(405, "method not allowed\n"));
        else if (m_fallback)
            m_fallback(request, responder);
        else
            responder.send(HttpResponse::text(404, "not found\n"));
    }
}

} // namespace bw
