#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QPair>
#include <QString>
#include <QUrl>

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace bw {

class SocketReactor;

// How a plain HTTP exchange ended, before the prober judges the answer.
enum class PlainHttpFailure : std::uint8_t
{
    None,
    Refused,     // nobody listens on the port
    Reset,       // the connection closed or broke before the answer was complete
    Dns,         // the host name did not resolve
    TooLarge,    // the body passed the limit (by Content-Length up front, or while reading)
    Protocol,    // not an HTTP/1.x answer we can read
    Unsupported, // an answer this client does not decode (a Content-Encoding): use Qt's client instead
};

struct PlainHttpResponse
{
    int status = 0; // 0 until the status line arrived
    QByteArray contentType;
    QByteArray location;
    QByteArray body;
};

// A small HTTP/1.1 client for plain http:// polls, on one epoll instance (SocketReactor) in the caller's thread.
// Polling a thousand endpoints a second through QNetworkAccessManager cost most of a core: a reply object, its
// signals, a hop to Qt's network thread and a poll(2) over every open socket per request. Here a request is a
// write and a read on a kept-alive connection. It keeps the prober's guarantees: the body limit from
// Content-Length up front and while reading (chunked or not), no cookies, no cache, no redirects of its own
// (the prober follows them), no compression asked for (an answer that is compressed anyway is Unsupported,
// and the prober asks Qt). TLS and proxies are not its business: handles() says which requests it takes.
// Each exchange ends in exactly one callback unless cancelled; destroying the client cancels all.
class PlainHttpClient final : public QObject
{
    Q_OBJECT
public:
    using Headers = QList<QPair<QByteArray, QByteArray>>;
    struct Hooks
    {
        std::function<void()> connecting; // a new connection is being opened (not for a reused one)
        std::function<void()> sent;       // the request is written
        std::function<void(int status)> headers;
    };
    using Done = std::function<void(PlainHttpFailure failure, const QString &message, PlainHttpResponse response)>;

    explicit PlainHttpClient(QObject *parent = nullptr);
    ~PlainHttpClient() override;

    // http:// with a host; the caller decides about proxies.
    static bool handles(const QUrl &url);

    // Starts an exchange; returns its id (never 0). `done` runs later, from the event loop, never from start().
    std::uint64_t start(const QUrl &url, const QByteArray &method, const Headers &headers, const QByteArray &body,
                        std::int64_t bodyLimit, Hooks hooks, Done done);
    // Ends an exchange without calling back; its connection is closed (its answer may be half read).
    void cancel(std::uint64_t id);

    int inFlight() const { return static_cast<int>(m_exchanges.size()); }
    int idleConnections() const;

private:
    struct Exchange;
    struct Connection;
    void resolved(std::uint64_t id, const QString &address);
    void connectTo(Exchange &exchange);
    void onReady(Connection *connection, bool readable, bool writable);
    void writeSome(Connection &connection);
    void readSome(Connection &connection);
    bool parse(Connection &connection); // true when the answer is complete
    void fail(std::uint64_t id, PlainHttpFailure failure, const QString &message);
    void complete(std::uint64_t id);
    void closeConnection(Connection *connection);
    void park(Connection *connection);

    SocketReactor *m_reactor; // child
    std::uint64_t m_nextId = 0;
    QHash<std::uint64_t, std::shared_ptr<Exchange>> m_exchanges;
    std::vector<std::unique_ptr<Connection>> m_connections; // open ones, busy or idle
    QHash<QString, std::vector<Connection *>> m_idle;       // by "address:port"
};

} // namespace bw
