#include "httpserver/httpserver.h"

#include "httpserver/httprequestparser.h"
#include "httpserver/socketreactor.h"

#include <QLoggingCategory>

#include <array>
#include <cerrno>
#include <cstring>
#include <deque>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <optional>
#include <sys/socket.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace bw {

Q_LOGGING_CATEGORY(lcHttpServer, "breakerwatch.httpserver", QtInfoMsg)

namespace {

// How long a connection we are closing keeps reading (and discarding) what the client still sends: closing a
// socket with unread data makes the kernel send a reset, which can destroy the answer before the client reads it.
constexpr std::int64_t kLingerMs = 2000;

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

QString systemError()
{
    return QString::fromLocal8Bit(std::strerror(errno));
}

// QHostAddress::Any means dual-stack, as it does for QTcpServer.
socklen_t toSockaddr(const QHostAddress &address, quint16 port, sockaddr_storage &storage)
{
    storage = {};
    if (address.protocol() == QAbstractSocket::IPv4Protocol) {
        auto *in = reinterpret_cast<sockaddr_in *>(&storage);
        in->sin_family = AF_INET;
        in->sin_port = htons(port);
        in->sin_addr.s_addr = htonl(address.toIPv4Address());
        return sizeof(sockaddr_in);
    }
    auto *in6 = reinterpret_cast<sockaddr_in6 *>(&storage);
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(port);
    const Q_IPV6ADDR bytes = address.toIPv6Address(); // all zero for Any
    std::memcpy(&in6->sin6_addr, bytes.c, sizeof(bytes.c));
    in6->sin6_scope_id = address.scopeId().toUInt();
    return sizeof(sockaddr_in6);
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
    std::optional<QByteArray> bytes; // the serialised answer once sent (for a stream: what is not written yet)
    bool keepAlive = true;
    bool cancelled = false;
    bool streaming = false;
    std::weak_ptr<HttpConnection> connection;
};

// One accepted socket. Owned by its server's map; responders only hold weak references to it.
struct HttpConnection
{
    HttpServer *server = nullptr;
    int fd = -1; // -1 once dropped
    QHostAddress peer;
    QByteArray in;         // received and not yet parsed
    qsizetype scanned = 0; // bytes of `in` already searched for the end of the header
    QByteArray out;        // answers the kernel has not taken yet, from outSent on
    qsizetype outSent = 0;
    bool wantWrite = false;                                    // told the reactor to wake us when the kernel takes more
    std::deque<std::shared_ptr<HttpResponder::State>> pending; // in request order
    std::int64_t lastReadMs = 0;
    bool lastRequest = false;     // a request asked to close, or was refused: parse nothing after it
    bool closeAfterWrite = false; // the answer to that request is on its way
    bool lingering = false;       // our side is shut; discarding input until the client closes
    bool streaming = false;       // a stream is being answered: no idle timeout
    std::int64_t lingerUntilMs = 0;

    void cancelPending()
    {
        for (const auto &state : pending)
            state->cancelled = true;
        pending.clear();
    }
};

void HttpResponder::send(const HttpResponse &response) const
{
    if (!m_state || m_state->bytes || m_state->cancelled)
        return;
    QByteArray out;
    out.reserve(160 + response.contentType.size() + response.body.size());
    out += "HTTP/1.1 " + QByteArray::number(response.status) + ' ' + reason(response.status) + "\r\n";
    out += "Content-Type: " + response.contentType + "\r\n";
    out += "Content-Length: " + QByteArray::number(response.body.size()) + "\r\n";
    for (const auto &[name, value] : response.headers)
        out += name + ": " + value + "\r\n";
    if (!m_state->keepAlive)
        out += "Connection: close\r\n";
    out += "\r\n";
    out += response.body;
    m_state->bytes = std::move(out);
    if (const std::shared_ptr<HttpConnection> connection = m_state->connection.lock())
        connection->server->flush(connection);
}

bool HttpResponder::alive() const
{
    if (m_state && m_state->streaming)
        return !m_state->cancelled && !m_state->connection.expired();
    return m_state && !m_state->cancelled && !m_state->bytes;
}

void HttpResponder::startStream(int status, const QByteArray &contentType) const
{
    if (!m_state || m_state->bytes || m_state->cancelled)
        return;
    const std::shared_ptr<HttpConnection> connection = m_state->connection.lock();
    if (!connection)
        return;
    m_state->streaming = true;
    m_state->bytes = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reason(status) +
                     "\r\nContent-Type: " + contentType + "\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n";
    connection->streaming = true;
    connection->lastRequest = true; // the stream ends only with the connection
    connection->in.clear();
    connection->server->flush(connection);
}

void HttpResponder::write(const QByteArray &bytes) const
{
    if (!streaming())
        return;
    if (const std::shared_ptr<HttpConnection> connection = m_state->connection.lock()) {
        *m_state->bytes += bytes;
        connection->server->flush(connection);
    }
}

bool HttpResponder::streaming() const
{
    return m_state && m_state->streaming && !m_state->cancelled && !m_state->connection.expired();
}

HttpServer::HttpServer(SocketReactor *reactor, QObject *parent)
    : QObject(parent), m_reactor(reactor ? reactor : new SocketReactor(this))
{
    Q_ASSERT(m_reactor->thread() == thread());
    connect(m_reactor, &SocketReactor::heartbeat, this, &HttpServer::closeIdle);
}

HttpServer::~HttpServer()
{
    close();
}

Result<quint16> HttpServer::listen(const QHostAddress &address, quint16 port)
{
    const auto failed = [&](const QString &why) {
        return Error{u"cannot listen on %1:%2: %3"_s.arg(address.toString()).arg(port).arg(why)};
    };
    if (isListening())
        return failed(u"already listening on port %1"_s.arg(m_port));
    if (!m_reactor->isValid())
        return failed(m_reactor->error());
    sockaddr_storage storage;
    const socklen_t length = toSockaddr(address, port, storage);
    const int fd = ::socket(storage.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return failed(systemError());
    const int on = 1;
    // SO_REUSEADDR lets a service that played dead listen again while its old connections sit in TIME_WAIT;
    // it does not let two servers share a port.
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
    if (storage.ss_family == AF_INET6) {
        const int v6only = address.protocol() == QAbstractSocket::AnyIPProtocol ? 0 : 1;
        ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof(v6only));
    }
    if (::bind(fd, reinterpret_cast<const sockaddr *>(&storage), length) != 0 || ::listen(fd, SOMAXCONN) != 0 ||
        !m_reactor->watch(fd, [this](SocketReactor::Ready) { onAcceptable(); })) {
        const QString why = systemError();
        ::close(fd);
        return failed(why);
    }
    socklen_t boundLength = sizeof(storage);
    ::getsockname(fd, reinterpret_cast<sockaddr *>(&storage), &boundLength);
    m_listener = fd;
    m_port = ntohs(storage.ss_family == AF_INET6 ? reinterpret_cast<const sockaddr_in6 *>(&storage)->sin6_port
                                                 : reinterpret_cast<const sockaddr_in *>(&storage)->sin_port);
    return m_port;
}

void HttpServer::close()
{
    if (m_listener >= 0) {
        m_reactor->unwatch(m_listener);
        ::close(m_listener);
        m_listener = -1;
        m_port = 0;
    }
    std::vector<std::shared_ptr<HttpConnection>> connections;
    connections.reserve(m_connections.size());
    for (const auto &[fd, connection] : m_connections)
        connections.push_back(connection);
    for (const auto &connection : connections)
        drop(*connection);
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

void HttpServer::onAcceptable()
{
    // Bounded, so one busy port cannot starve the others sharing the reactor; level triggering brings us back.
    for (int i = 0; i < 64; ++i) {
        sockaddr_storage peer{};
        socklen_t peerLength = sizeof(peer);
        const int fd =
            ::accept4(m_listener, reinterpret_cast<sockaddr *>(&peer), &peerLength, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                qCWarning(lcHttpServer) << "accept on port" << m_port << "failed:" << systemError();
            return;
        }
        // Answers go out in one write each; there is nothing to gain from Nagle's delay.
        const int on = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
        auto connection = std::make_shared<HttpConnection>();
        connection->server = this;
        connection->fd = fd;
        connection->peer = QHostAddress(reinterpret_cast<const sockaddr *>(&peer));
        connection->lastReadMs = m_reactor->nowMs();
        const bool watched =
            m_reactor->watch(fd, [this, weak = std::weak_ptr<HttpConnection>(connection)](SocketReactor::Ready ready) {
                if (const std::shared_ptr<HttpConnection> c = weak.lock())
                    onConnectionReady(c, ready.readable, ready.writable);
            });
        if (!watched) {
            qCWarning(lcHttpServer) << "cannot watch a connection on port" << m_port << ":" << systemError();
            ::close(fd);
            continue;
        }
        m_connections.emplace(fd, std::move(connection));
    }
}

void HttpServer::onConnectionReady(const std::shared_ptr<HttpConnection> &connection, bool readable, bool writable)
{
    if (writable && !writeOut(*connection))
        return drop(*connection);
    if (!readable || connection->fd < 0)
        return;
    std::array<char, 16 * 1024> chunk;
    bool peerClosed = false;
    for (;;) {
        const ssize_t n = ::recv(connection->fd, chunk.data(), chunk.size(), 0);
        if (n > 0) {
            if (!connection->lingering && !connection->lastRequest)
                connection->in.append(chunk.data(), n);
            // A short read means the kernel has nothing more; a full one may be followed by more, within limits.
            if (static_cast<std::size_t>(n) < chunk.size() || connection->in.size() > maxHeaderBytes + maxBodyBytes)
                break;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        peerClosed = true; // end of stream, or an error such as a reset
        break;
    }
    connection->lastReadMs = m_reactor->nowMs();
    if (!connection->lingering)
        dispatch(connection); // what arrived before the end of the stream is still answered if it can be now
    if (peerClosed && connection->fd >= 0)
        drop(*connection);
}

void HttpServer::fail(const std::shared_ptr<HttpConnection> &connection, int status, const QByteArray &message)
{
    auto state = std::make_shared<HttpResponder::State>();
    state->keepAlive = false;
    state->connection = connection;
    connection->pending.push_back(state);
    connection->in.clear();
    connection->lastRequest = true;
    HttpResponder responder;
    responder.m_state = std::move(state);
    responder.send(HttpResponse::text(status, message + '\n'));
}

void HttpServer::dispatch(const std::shared_ptr<HttpConnection> &connection)
{
    HttpConnection &c = *connection;
    while (c.fd >= 0 && !c.lastRequest && !c.in.isEmpty()) {
        HttpRequestParse parsed = parseHttpRequest(c.in, c.scanned, maxHeaderBytes, maxBodyBytes);
        if (parsed.kind == HttpRequestParse::Kind::Incomplete) {
            c.scanned = parsed.scanned;
            return;
        }
        if (parsed.kind == HttpRequestParse::Kind::Refused)
            return fail(connection, parsed.status, parsed.message);
        HttpRequest &request = parsed.request;
        request.peer = c.peer;
        const bool keepAlive = parsed.keepAlive;
        c.in.remove(0, parsed.consumed);
        c.scanned = 0;

        auto state = std::make_shared<HttpResponder::State>();
        state->keepAlive = keepAlive;
        state->connection = connection;
        c.pending.push_back(state);
        c.lastRequest = !keepAlive;
        HttpResponder responder;
        responder.m_state = std::move(state);
        ++m_served;
        answer(request, responder);
    }
}

void HttpServer::answer(const HttpRequest &request, const HttpResponder &responder)
{
    bool pathMatched = false;
    for (const Route &route : m_routes) {
        const bool matches = route.prefix ? request.path.startsWith(route.pattern) : request.path == route.pattern;
        if (!matches)
            continue;
        pathMatched = true;
        if (route.method.isEmpty() || route.method == request.method)
            return route.handler(request, responder);
    }
    if (pathMatched)
        responder.send(HttpResponse::text(405, "method not allowed\n"));
    else if (m_fallback)
        m_fallback(request, responder);
    else
        responder.send(HttpResponse::text(404, "not found\n"));
}

void HttpServer::flush(const std::shared_ptr<HttpConnection> &connection)
{
    HttpConnection &c = *connection;
    if (c.fd < 0 || c.closeAfterWrite)
        return;
    while (!c.pending.empty() && c.pending.front()->bytes) {
        if (c.pending.front()->streaming) { // stays at the front: later writes follow
            c.out += std::exchange(*c.pending.front()->bytes, QByteArray());
            break;
        }
        const std::shared_ptr<HttpResponder::State> state = std::move(c.pending.front());
        c.pending.pop_front();
        if (c.out.isEmpty())
            c.out = std::move(*state->bytes); // the usual case: no copy
        else
            c.out += *state->bytes;
        if (!state->keepAlive) {
            c.closeAfterWrite = true;
            c.cancelPending(); // nothing after it will be answered
            break;
        }
    }
    if (!writeOut(c))
        drop(c);
}

bool HttpServer::writeOut(HttpConnection &c)
{
    while (c.outSent < c.out.size()) {
        const ssize_t n = ::send(c.fd, c.out.constData() + c.outSent,
                                 static_cast<std::size_t>(c.out.size() - c.outSent), MSG_NOSIGNAL);
        if (n >= 0) {
            c.outSent += n;
        } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
            if (!c.wantWrite)
                m_reactor->setWantWrite(c.fd, true);
            c.wantWrite = true;
            return true;
        } else if (errno != EINTR) {
            return false;
        }
    }
    c.out = QByteArray();
    c.outSent = 0;
    if (c.wantWrite)
        m_reactor->setWantWrite(c.fd, false);
    c.wantWrite = false;
    if (c.closeAfterWrite && !c.lingering) {
        ::shutdown(c.fd, SHUT_WR);
        c.lingering = true;
        c.lingerUntilMs = m_reactor->nowMs() + kLingerMs;
    }
    return true;
}

void HttpServer::drop(HttpConnection &c)
{
    if (c.fd < 0)
        return;
    c.cancelPending();
    const int fd = std::exchange(c.fd, -1);
    m_reactor->unwatch(fd);
    ::close(fd);
    m_connections.erase(fd); // may destroy c; callers hold a reference when they still need it
}

void HttpServer::closeIdle()
{
    const std::int64_t now = m_reactor->nowMs();
    std::vector<std::shared_ptr<HttpConnection>> expired;
    for (const auto &[fd, connection] : m_connections) {
        if (connection->streaming)
            continue;
        if (connection->lingering ? now >= connection->lingerUntilMs : now - connection->lastReadMs >= idleTimeoutMs)
            expired.push_back(connection);
    }
    for (const auto &connection : expired)
        drop(*connection);
}

} // namespace bw
