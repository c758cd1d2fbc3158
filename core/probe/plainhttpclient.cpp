#include "probe/plainhttpclient.h"

#include "httpserver/socketreactor.h"

#include <QHostAddress>
#include <QHostInfo>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace bw {

namespace {

constexpr qsizetype kMaxHeaderBytes = 64 * 1024;
constexpr std::size_t kMaxIdlePerPeer = 4;

QString systemError(int error)
{
    return QString::fromLocal8Bit(std::strerror(error));
}

// "Content-Type" -> the value of the first header of that name (case-insensitive), trimmed.
QByteArray headerValue(const QList<QByteArray> &lines, QByteArrayView name)
{
    for (const QByteArray &line : lines) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0 && QByteArrayView(line).first(colon).trimmed().compare(name, Qt::CaseInsensitive) == 0)
            return line.sliced(colon + 1).trimmed();
    }
    return {};
}

} // namespace

struct PlainHttpClient::Connection
{
    enum class Phase : std::uint8_t
    {
        Headers,
        Length,
        ChunkSize,
        ChunkData,
        ChunkDataEnd,
        Trailers,
        UntilClose,
        Complete
    };

    int fd = -1;
    QString peer;               // "address:port", the idle pool's key
    std::uint64_t exchange = 0; // 0: idle
    bool connected = false;
    bool reused = false;
    bool answerStarted = false; // a byte of the answer arrived
    QByteArray out;
    qsizetype written = 0;
    QByteArray in;
    Phase phase = Phase::Headers;
    std::int64_t remaining = 0; // Length and ChunkData
    bool keepAlive = false;
    bool headOnly = false;
};

struct PlainHttpClient::Exchange
{
    std::uint64_t id = 0;
    QUrl url;
    QByteArray request;
    std::int64_t limit = 0;
    Hooks hooks;
    Done done;
    int lookup = -1;
    QString peer;
    QHostAddress address;
    quint16 port = 80;
    bool retried = false;
    bool head = false;
    Connection *connection = nullptr;
    PlainHttpResponse response;
};

// The reactor is a child: it follows the client (and its prober) to their thread.
PlainHttpClient::PlainHttpClient(QObject *parent) : QObject(parent), m_reactor(new SocketReactor(this)) {}

PlainHttpClient::~PlainHttpClient()
{
    for (const auto &exchange : std::as_const(m_exchanges))
        if (exchange->lookup >= 0)
            QHostInfo::abortHostLookup(exchange->lookup);
    m_exchanges.clear();
    for (const auto &connection : m_connections) {
        m_reactor->unwatch(connection->fd);
        ::close(connection->fd);
    }
}

bool PlainHttpClient::handles(const QUrl &url)
{
    return url.scheme() == u"http" && !url.host().isEmpty();
}

int PlainHttpClient::idleConnections() const
{
    int count = 0;
    for (const auto &connections : m_idle)
        count += static_cast<int>(connections.size());
    return count;
}

std::uint64_t PlainHttpClient::start(const QUrl &url, const QByteArray &method, const Headers &headers,
                                     const QByteArray &body, std::int64_t bodyLimit, Hooks hooks, Done done)
{
    auto exchange = std::make_shared<Exchange>();
    exchange->id = ++m_nextId;
    exchange->url = url;
    exchange->limit = bodyLimit;
    exchange->hooks = std::move(hooks);
    exchange->done = std::move(done);
    exchange->port = static_cast<quint16>(url.port(80));
    exchange->head = method == "HEAD";

    QByteArray target = url.path(QUrl::FullyEncoded).toUtf8();
    if (target.isEmpty())
        target = "/";
    if (url.hasQuery())
        target += '?' + url.query(QUrl::FullyEncoded).toUtf8();
    const QString host = url.host(QUrl::FullyEncoded);
    QByteArray hostHeader = host.contains(u':') ? '[' + host.toUtf8() + ']' : host.toUtf8();
    if (exchange->port != 80)
        hostHeader += ':' + QByteArray::number(exchange->port);
    QByteArray &request = exchange->request;
    request.reserve(256 + body.size());
    request += method + ' ' + target + " HTTP/1.1\r\nHost: " + hostHeader + "\r\n";
    for (const auto &[name, value] : headers)
        if (name.compare("host", Qt::CaseInsensitive) != 0 && name.compare("content-length", Qt::CaseInsensitive) != 0)
            request += name + ": " + value + "\r\n";
    if (!body.isEmpty() || method == "POST" || method == "PUT" || method == "PATCH")
        request += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    request += "\r\n" + body;

    const std::uint64_t id = exchange->id;
    m_exchanges.insert(id, exchange);
    // Everything else from the event loop: the callback never runs inside start().
    QMetaObject::invokeMethod(
        this,
        [this, id, host] {
            const std::shared_ptr<Exchange> waiting = m_exchanges.value(id);
            if (!waiting)
                return;
            QHostAddress literal;
            if (literal.setAddress(host))
                return resolved(id, literal.toString());
            if (host == u"localhost")
                return resolved(id, u"127.0.0.1"_s);
            waiting->lookup = QHostInfo::lookupHost(host, this, [this, id, host](const QHostInfo &info) {
                const std::shared_ptr<Exchange> looked = m_exchanges.value(id);
                if (!looked)
                    return;
                looked->lookup = -1;
                const QList<QHostAddress> addresses = info.addresses();
                const auto v4 = std::find_if(addresses.cbegin(), addresses.cend(), [](const QHostAddress &a) {
                    return a.protocol() == QAbstractSocket::IPv4Protocol;
                });
                if (info.error() != QHostInfo::NoError || addresses.isEmpty())
                    return fail(id, PlainHttpFailure::Dns, u"host %1 not found"_s.arg(host));
                resolved(id, (v4 != addresses.cend() ? *v4 : addresses.front()).toString());
            });
        },
        Qt::QueuedConnection);
    return id;
}

void PlainHttpClient::resolved(std::uint64_t id, const QString &address)
{
    const std::shared_ptr<Exchange> exchange = m_exchanges.value(id);
    if (!exchange)
        return;
    exchange->address = QHostAddress(address);
    exchange->peer = address + u':' + QString::number(exchange->port);
    // A kept-alive connection to the same peer if there is one: no connect, no handshake.
    auto idle = m_idle.find(exchange->peer);
    if (idle != m_idle.end() && !idle->empty() && !exchange->retried) {
        Connection *connection = idle->back();
        idle->pop_back();
        if (idle->empty())
            m_idle.erase(idle);
        connection->exchange = id;
        connection->reused = true;
        exchange->connection = connection;
        connection->out = exchange->request;
        connection->written = 0;
        writeSome(*connection);
        return;
    }
    connectTo(*exchange);
}

void PlainHttpClient::connectTo(Exchange &exchange)
{
    const bool v6 = exchange.address.protocol() == QAbstractSocket::IPv6Protocol;
    const int fd = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return fail(exchange.id, PlainHttpFailure::Reset, u"cannot open a socket: %1"_s.arg(systemError(errno)));
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one); // a request is one small write
    sockaddr_storage storage{};
    socklen_t length = 0;
    if (v6) {
        auto *in6 = reinterpret_cast<sockaddr_in6 *>(&storage);
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(exchange.port);
        const Q_IPV6ADDR bytes = exchange.address.toIPv6Address();
        std::memcpy(&in6->sin6_addr, &bytes, sizeof bytes);
        length = sizeof(sockaddr_in6);
    } else {
        auto *in4 = reinterpret_cast<sockaddr_in *>(&storage);
        in4->sin_family = AF_INET;
        in4->sin_port = htons(exchange.port);
        in4->sin_addr.s_addr = htonl(exchange.address.toIPv4Address());
        length = sizeof(sockaddr_in);
    }
    if (exchange.hooks.connecting)
        exchange.hooks.connecting();
    const int result = ::connect(fd, reinterpret_cast<const sockaddr *>(&storage), length);
    if (result != 0 && errno != EINPROGRESS) {
        const int error = errno;
        ::close(fd);
        return fail(exchange.id, error == ECONNREFUSED ? PlainHttpFailure::Refused : PlainHttpFailure::Reset,
                    error == ECONNREFUSED ? u"connection refused"_s : systemError(error));
    }
    auto owned = std::make_unique<Connection>();
    Connection *connection = owned.get();
    connection->fd = fd;
    connection->peer = exchange.peer;
    connection->exchange = exchange.id;
    connection->connected = result == 0;
    connection->out = exchange.request;
    exchange.connection = connection;
    if (!m_reactor->watch(fd, [this, connection](SocketReactor::Ready ready) {
            onReady(connection, ready.readable, ready.writable);
        })) {
        const int error = errno;
        ::close(fd);
        exchange.connection = nullptr;
        return fail(exchange.id, PlainHttpFailure::Reset, u"cannot watch the socket: %1"_s.arg(systemError(error)));
    }
    m_connections.push_back(std::move(owned));
    m_reactor->setWantWrite(fd, true); // connected, or ready to write the request
}

void PlainHttpClient::onReady(Connection *connection, bool readable, bool writable)
{
    if (!connection->connected) {
        int error = 0;
        socklen_t size = sizeof error;
        ::getsockopt(connection->fd, SOL_SOCKET, SO_ERROR, &error, &size);
        if (error != 0) {
            const std::uint64_t id = connection->exchange;
            closeConnection(connection);
            return fail(id, error == ECONNREFUSED ? PlainHttpFailure::Refused : PlainHttpFailure::Reset,
                        error == ECONNREFUSED ? u"connection refused"_s : systemError(error));
        }
        if (!writable)
            return;
        connection->connected = true;
    }
    if (connection->exchange == 0) {
        // Idle: the peer closed it (or sent what nobody asked for). Either way it is done.
        if (readable)
            closeConnection(connection);
        return;
    }
    if (writable && connection->written < connection->out.size()) {
        const std::uint64_t id = connection->exchange;
        writeSome(*connection);
        const std::shared_ptr<Exchange> exchange = m_exchanges.value(id);
        if (!exchange || exchange->connection != connection)
            return; // failed, or retried on another connection: this one is gone
    }
    if (readable)
        readSome(*connection);
}

void PlainHttpClient::writeSome(Connection &connection)
{
    while (connection.written < connection.out.size()) {
        const ssize_t sent = ::send(connection.fd, connection.out.constData() + connection.written,
                                    static_cast<std::size_t>(connection.out.size() - connection.written), MSG_NOSIGNAL);
        if (sent > 0) {
            connection.written += sent;
            continue;
        }
        if (sent < 0 && (errno == EAGAIN || errno == EINTR)) {
            m_reactor->setWantWrite(connection.fd, true);
            return;
        }
        const int error = errno;
        const std::uint64_t id = connection.exchange;
        const std::shared_ptr<Exchange> exchange = m_exchanges.value(id);
        const bool retry = connection.reused && exchange && !exchange->retried;
        closeConnection(&connection);
        if (retry) {
            // A kept-alive connection the peer closed while it sat idle: once more on a new one.
            exchange->retried = true;
            exchange->connection = nullptr;
            return connectTo(*exchange);
        }
        return fail(id, PlainHttpFailure::Reset, u"connection broke while sending: %1"_s.arg(systemError(error)));
    }
    m_reactor->setWantWrite(connection.fd, false);
    connection.out.clear();
    connection.written = 0;
    if (const std::shared_ptr<Exchange> exchange = m_exchanges.value(connection.exchange);
        exchange && exchange->hooks.sent)
        exchange->hooks.sent();
}

void PlainHttpClient::readSome(Connection &connection)
{
    const std::uint64_t id = connection.exchange;
    std::array<char, 64 * 1024> buffer;
    bool closed = false;
    int error = 0;
    for (;;) {
        const ssize_t got = ::recv(connection.fd, buffer.data(), buffer.size(), 0);
        if (got > 0) {
            connection.answerStarted = true;
            connection.in.append(buffer.data(), got);
            if (got < static_cast<ssize_t>(buffer.size()))
                break; // drained for now; level triggering brings us back
            continue;
        }
        if (got == 0) {
            closed = true;
            break;
        }
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN) {
            error = errno;
            closed = true;
        }
        break;
    }
    if (!connection.in.isEmpty() && parse(connection))
        return complete(id);
    if (!m_exchanges.contains(id) || !closed)
        return; // cancelled or failed by parse(), or more to come
    if (connection.phase == Connection::Phase::UntilClose) {
        connection.keepAlive = false;
        return complete(id);
    }
    const std::shared_ptr<Exchange> exchange = m_exchanges.value(id);
    const bool retry = connection.reused && !connection.answerStarted && !exchange->retried;
    closeConnection(&connection);
    if (retry) {
        exchange->retried = true;
        exchange->connection = nullptr;
        return connectTo(*exchange);
    }
    fail(id, PlainHttpFailure::Reset,
         error != 0 ? u"connection broke before the answer was complete: %1"_s.arg(systemError(error))
                    : u"connection closed before the answer was complete"_s);
}

bool PlainHttpClient::parse(Connection &connection)
{
    using Phase = Connection::Phase;
    const std::shared_ptr<Exchange> exchange = m_exchanges.value(connection.exchange);
    if (!exchange)
        return false;
    PlainHttpResponse &response = exchange->response;
    const auto tooLarge = [&] {
        fail(exchange->id, PlainHttpFailure::TooLarge, u"body larger than the %1-byte limit"_s.arg(exchange->limit));
        return false;
    };
    qsizetype at = 0; // consumed bytes of connection.in
    const QByteArray &in = connection.in;
    for (;;) {
        switch (connection.phase) {
        case Phase::Headers: {
            const qsizetype end = in.indexOf("\r\n\r\n", at);
            if (end < 0) {
                if (in.size() - at > kMaxHeaderBytes) {
                    fail(exchange->id, PlainHttpFailure::Protocol, u"answer headers longer than 64 KiB"_s);
                    return false;
                }
                connection.in.remove(0, at);
                return false;
            }
            const QList<QByteArray> lines = in.sliced(at, end - at).split('\n'); // values are trimmed of '\r'
            at = end + 4;
            const QByteArray statusLine = lines.value(0).trimmed();
            if (!statusLine.startsWith("HTTP/1.") || statusLine.size() < 12) {
                fail(exchange->id, PlainHttpFailure::Protocol, u"not an HTTP/1.x answer"_s);
                return false;
            }
            bool ok = false;
            const int status = statusLine.mid(9, 3).toInt(&ok);
            if (!ok || status < 100) {
                fail(exchange->id, PlainHttpFailure::Protocol, u"unreadable status line"_s);
                return false;
            }
            if (status < 200)
                continue; // 100 Continue and friends: the real answer follows
            response.status = status;
            response.contentType = headerValue(lines, "Content-Type");
            response.location = headerValue(lines, "Location");
            const QByteArray connectionHeader = headerValue(lines, "Connection").toLower();
            connection.keepAlive = statusLine.startsWith("HTTP/1.1") ? !connectionHeader.contains("close")
                                                                     : connectionHeader.contains("keep-alive");
            if (exchange->hooks.headers) {
                exchange->hooks.headers(status);
                if (!m_exchanges.contains(exchange->id))
                    return false; // the caller gave up on it
            }
            const QByteArray encoding = headerValue(lines, "Content-Encoding").toLower();
            if (!encoding.isEmpty() && encoding != "identity") {
                fail(exchange->id, PlainHttpFailure::Unsupported,
                     u"Content-Encoding %1"_s.arg(QString::fromLatin1(encoding)));
                return false;
            }
            const QByteArray length = headerValue(lines, "Content-Length");
            if (exchange->head || status == 204 || status == 304) {
                connection.phase = Phase::Complete;
            } else if (headerValue(lines, "Transfer-Encoding").toLower().contains("chunked")) {
                connection.phase = Phase::ChunkSize;
            } else if (!length.isEmpty()) {
                connection.remaining = length.toLongLong(&ok);
                if (!ok || connection.remaining < 0) {
                    fail(exchange->id, PlainHttpFailure::Protocol, u"unreadable Content-Length"_s);
                    return false;
                }
                if (connection.remaining > exchange->limit)
                    return tooLarge();
                response.body.reserve(static_cast<qsizetype>(connection.remaining));
                connection.phase = connection.remaining > 0 ? Phase::Length : Phase::Complete;
            } else {
                connection.phase = Phase::UntilClose;
                connection.keepAlive = false;
            }
            break;
        }
        case Phase::Length:
        case Phase::ChunkData: {
            const qsizetype take = std::min<qsizetype>(in.size() - at, static_cast<qsizetype>(connection.remaining));
            response.body.append(in.constData() + at, take);
            at += take;
            connection.remaining -= take;
            if (response.body.size() > exchange->limit)
                return tooLarge();
            if (connection.remaining > 0) {
                connection.in.remove(0, at);
                return false;
            }
            connection.phase = connection.phase == Phase::Length ? Phase::Complete : Phase::ChunkDataEnd;
            break;
        }
        case Phase::ChunkSize:
        case Phase::ChunkDataEnd:
        case Phase::Trailers: {
            const qsizetype end = in.indexOf("\r\n", at);
            if (end < 0) {
                if (in.size() - at > kMaxHeaderBytes) {
                    fail(exchange->id, PlainHttpFailure::Protocol, u"chunk line longer than 64 KiB"_s);
                    return false;
                }
                connection.in.remove(0, at);
                return false;
            }
            const QByteArrayView line = QByteArrayView(in).sliced(at, end - at);
            at = end + 2;
            if (connection.phase == Phase::ChunkDataEnd) {
                if (!line.isEmpty()) {
                    fail(exchange->id, PlainHttpFailure::Protocol, u"chunk not followed by CRLF"_s);
                    return false;
                }
                connection.phase = Phase::ChunkSize;
            } else if (connection.phase == Phase::Trailers) {
                if (line.isEmpty())
                    connection.phase = Phase::Complete;
            } else {
                const qsizetype semicolon = line.indexOf(';');
                bool ok = false;
                const std::int64_t size = (semicolon >= 0 ? line.first(semicolon) : line).trimmed().toLongLong(&ok, 16);
                if (!ok || size < 0) {
                    fail(exchange->id, PlainHttpFailure::Protocol, u"unreadable chunk size"_s);
                    return false;
                }
                if (response.body.size() + size > exchange->limit)
                    return tooLarge();
                connection.remaining = size;
                connection.phase = size == 0 ? Phase::Trailers : Phase::ChunkData;
            }
            break;
        }
        case Phase::UntilClose:
            response.body.append(in.constData() + at, in.size() - at);
            connection.in.clear();
            if (response.body.size() > exchange->limit)
                return tooLarge();
            return false;
        case Phase::Complete:
            if (at < in.size())
                connection.keepAlive = false; // bytes nobody asked for: do not trust this connection again
            connection.in.clear();
            return true;
        }
    }
}

void PlainHttpClient::fail(std::uint64_t id, PlainHttpFailure failure, const QString &message)
{
    const std::shared_ptr<Exchange> exchange = m_exchanges.take(id);
    if (!exchange)
        return;
    if (exchange->connection)
        closeConnection(exchange->connection);
    PlainHttpResponse response = std::move(exchange->response);
    if (failure == PlainHttpFailure::TooLarge)
        response.body.clear();
    if (exchange->done)
        exchange->done(failure, message, std::move(response));
}

void PlainHttpClient::complete(std::uint64_t id)
{
    const std::shared_ptr<Exchange> exchange = m_exchanges.take(id);
    if (!exchange)
        return;
    Connection *connection = exchange->connection;
    if (connection && connection->keepAlive)
        park(connection);
    else if (connection)
        closeConnection(connection);
    if (exchange->done)
        exchange->done(PlainHttpFailure::None, {}, std::move(exchange->response));
}

void PlainHttpClient::cancel(std::uint64_t id)
{
    const std::shared_ptr<Exchange> exchange = m_exchanges.take(id);
    if (!exchange)
        return;
    if (exchange->lookup >= 0)
        QHostInfo::abortHostLookup(exchange->lookup);
    if (exchange->connection)
        closeConnection(exchange->connection);
}

void PlainHttpClient::park(Connection *connection)
{
    std::vector<Connection *> &idle = m_idle[connection->peer];
    if (idle.size() >= kMaxIdlePerPeer)
        return closeConnection(connection);
    connection->exchange = 0;
    connection->reused = false;
    connection->answerStarted = false;
    connection->phase = Connection::Phase::Headers;
    connection->remaining = 0;
    connection->in.clear();
    idle.push_back(connection);
}

void PlainHttpClient::closeConnection(Connection *connection)
{
    if (const std::shared_ptr<Exchange> exchange = m_exchanges.value(connection->exchange))
        exchange->connection = nullptr;
    if (auto idle = m_idle.find(connection->peer); idle != m_idle.end()) {
        std::erase(*idle, connection);
        if (idle->empty())
            m_idle.erase(idle);
    }
    m_reactor->unwatch(connection->fd);
    ::close(connection->fd);
    std::erase_if(m_connections, [connection](const auto &owned) { return owned.get() == connection; });
}

} // namespace bw
