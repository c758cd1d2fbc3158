#pragma once

// A loopback HTTP/1.1 server that misbehaves on request, for prober tests over real sockets.
// Paths:
//   /ok                     200 "ok"
//   /status/<code>          that status
//   /json?body=<text>       200 application/json with that body
//   /slow?ms=<n>            200 after n ms
//   /silent                 accepts, reads the request, never answers
//   /drip                   headers for a 100-byte body, then one byte every 700 ms
//   /reset                  headers for a 1000-byte body, 10 bytes, then a TCP reset
//   /big?bytes=<n>          200 with n bytes (Content-Length)
//   /bigchunked?bytes=<n>   200 with n bytes, chunked, no Content-Length
//   /gzip?bytes=<n>         200, Content-Encoding: gzip, n zero bytes once decompressed
//   /redirect?to=<url>      302 to that URL
//   /loop                   302 to /loop
//   anything else           404
// Every request's headers are kept in requests() for inspection (e.g. Authorization on a redirect).

#include <QFile>
#include <QMap>
#include <QPointer>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslServer>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QUrl>
#include <QUrlQuery>

#include <zlib.h>

#include <memory>

class FaultServer final : public QObject
{
public:
    struct Request
    {
        QByteArray method;
        QByteArray path;
        QMap<QByteArray, QByteArray> headers; // lower-case names
    };

    // tlsDir: folder with server.crt/server.key to serve https; empty for http. protocol: the TLS versions it
    // speaks (e.g. QSsl::TlsV1_2 for a server that knows nothing newer).
    explicit FaultServer(const QHostAddress &address = QHostAddress::LocalHost, const QString &tlsDir = {},
                         QSsl::SslProtocol protocol = QSsl::SecureProtocols)
    {
        if (tlsDir.isEmpty()) {
            m_server = new QTcpServer(this);
        } else {
            auto *ssl = new QSslServer(this);
            QSslConfiguration config = QSslConfiguration::defaultConfiguration();
            config.setLocalCertificate(QSslCertificate::fromPath(tlsDir + QStringLiteral("/server.crt")).value(0));
            QFile key(tlsDir + QStringLiteral("/server.key"));
            key.open(QIODevice::ReadOnly);
            config.setPrivateKey(QSslKey(&key, QSsl::Rsa));
            config.setPeerVerifyMode(QSslSocket::VerifyNone);
            config.setProtocol(protocol);
            ssl->setSslConfiguration(config);
            m_server = ssl;
        }
        connect(m_server, &QTcpServer::pendingConnectionAvailable, this, &FaultServer::accept);
        m_server->listen(address, 0);
    }

    quint16 port() const { return m_server->serverPort(); }
    QString base() const
    {
        const bool tls = qobject_cast<QSslServer *>(m_server) != nullptr;
        return QStringLiteral("%1://%2:%3")
            .arg(tls ? QStringLiteral("https") : QStringLiteral("http"), m_server->serverAddress().toString())
            .arg(port());
    }
    const QList<Request> &requests() const { return m_requests; }
    int openConnections() const { return static_cast<int>(findChildren<QTcpSocket *>().size()); }
    // Closes every kept-alive connection, as a server's idle timeout does.
    void closeConnections()
    {
        for (QTcpSocket *socket : findChildren<QTcpSocket *>())
            socket->disconnectFromHost();
    }

private:
    void accept()
    {
        while (QTcpSocket *socket = m_server->nextPendingConnection()) {
            socket->setParent(this);
            connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onData(socket); });
            connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        }
    }

    void onData(QTcpSocket *socket)
    {
        QByteArray &buffer = m_buffers[socket];
        buffer += socket->readAll();
        const qsizetype end = buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        const QList<QByteArray> lines = buffer.left(end).split('\n');
        buffer.remove(0, end + 4);
        const QList<QByteArray> first = lines.value(0).trimmed().split(' ');
        Request request{first.value(0), first.value(1), {}};
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const qsizetype colon = lines[i].indexOf(':');
            if (colon > 0)
                request.headers.insert(lines[i].left(colon).trimmed().toLower(), lines[i].mid(colon + 1).trimmed());
        }
        m_requests << request;
        respond(socket, request);
    }

    static void send(QTcpSocket *socket, int status, const QByteArray &body, const QByteArray &extra = {})
    {
        socket->write("HTTP/1.1 " + QByteArray::number(status) +
                      " X\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n" + extra + "\r\n" + body);
    }

    static QByteArray gzip(const QByteArray &data)
    {
        z_stream stream{};
        deflateInit2(&stream, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY); // +16: gzip wrapper
        QByteArray out(static_cast<qsizetype>(deflateBound(&stream, static_cast<uLong>(data.size()))), '\0');
        stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.data()));
        stream.avail_in = static_cast<uInt>(data.size());
        stream.next_out = reinterpret_cast<Bytef *>(out.data());
        stream.avail_out = static_cast<uInt>(out.size());
        deflate(&stream, Z_FINISH);
        out.resize(static_cast<qsizetype>(stream.total_out));
        deflateEnd(&stream);
        return out;
    }

    void respond(QTcpSocket *socket, const Request &request)
    {
        const QUrl url(QString::fromUtf8(request.path));
        const QUrlQuery query(url);
        const QString path = url.path();
        if (path == u"/ok") {
            send(socket, 200, "ok");
        } else if (path.startsWith(u"/status/")) {
            send(socket, path.mid(8).toInt(), "status");
        } else if (path == u"/json") {
            send(socket, 200, query.queryItemValue(QStringLiteral("body"), QUrl::FullyDecoded).toUtf8(),
                 "Content-Type: application/json\r\n");
        } else if (path == u"/slow") {
            QPointer<QTcpSocket> guard(socket);
            QTimer::singleShot(query.queryItemValue(QStringLiteral("ms")).toInt(), this, [guard] {
                if (guard)
                    send(guard, 200, "slow ok");
            });
        } else if (path == u"/silent") {
            // Say nothing, ever.
        } else if (path == u"/drip") {
            socket->write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n");
            auto *timer = new QTimer(socket);
            connect(timer, &QTimer::timeout, socket, [socket] { socket->write("x"); });
            timer->start(700);
        } else if (path == u"/reset") {
            socket->write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n0123456789");
            socket->flush();
            socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
            QPointer<QTcpSocket> guard(socket);
            QTimer::singleShot(50, this, [guard] {
                if (guard)
                    guard->abort(); // RST, not FIN
            });
        } else if (path == u"/big") {
            send(socket, 200, QByteArray(query.queryItemValue(QStringLiteral("bytes")).toInt(), 'b'));
        } else if (path == u"/bigchunked") {
            // Streamed like a real server: 64 KiB a millisecond, so the client can stop it part-way.
            const int total = query.queryItemValue(QStringLiteral("bytes")).toInt();
            socket->write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
            auto *timer = new QTimer(socket);
            auto sent = std::make_shared<int>(0);
            connect(timer, &QTimer::timeout, socket, [socket, timer, sent, total] {
                const QByteArray chunk(64 * 1024, 'c');
                socket->write(QByteArray::number(chunk.size(), 16) + "\r\n" + chunk + "\r\n");
                *sent += static_cast<int>(chunk.size());
                if (*sent >= total) {
                    socket->write("0\r\n\r\n");
                    timer->stop();
                }
            });
            timer->start(1);
        } else if (path == u"/gzip") {
            send(socket, 200, gzip(QByteArray(query.queryItemValue(QStringLiteral("bytes")).toInt(), '\0')),
                 "Content-Encoding: gzip\r\n");
        } else if (path == u"/redirect") {
            send(socket, 302, {},
                 "Location: " + query.queryItemValue(QStringLiteral("to"), QUrl::FullyDecoded).toUtf8() + "\r\n");
        } else if (path == u"/loop") {
            send(socket, 302, {}, "Location: /loop\r\n");
        } else {
            send(socket, 404, "not found");
        }
    }

    QTcpServer *m_server = nullptr;
    QMap<QTcpSocket *, QByteArray> m_buffers;
    QList<Request> m_requests;
};
