#include "httpserver/httpserver.h"
#include "httpserver/socketreactor.h"

#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>

using namespace Qt::StringLiterals;

class TestHttpServer final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void routesMethodsAndFallback();
    void postBodyArrives();
    void delayedAnswer();
    void pipelinedRequestsAnswerInOrder();
    void keepAliveAnswersManyRequestsOnOneConnection();
    void clientKeepsItsConnection();
    void requestSplitAcrossPackets_data();
    void requestSplitAcrossPackets();
    void pipelinedBurstWithATornTail();
    void connectionCloseIsHonoured();
    void idleConnectionsAreClosed();
    void streamOutlivesTheIdleTimeoutAndEndsWithTheClient();
    void largeAnswerSurvivesAFullSocketBuffer();
    void pathAndQueryAreDecoded();
    void serversShareAReactor();
    void limitsAndMalformedRequests_data();
    void limitsAndMalformedRequests();
    void answerAfterClientLeftIsHarmless();
    void listenErrorNamesTheAddress();

private:
    QByteArray raw(const QByteArray &request, int expectedResponses = 1);
    // Reads from an open connection until `received` holds `needle`; false after 5 s.
    static bool readUntil(QTcpSocket &socket, QByteArray &received, const QByteArray &needle);
    std::pair<int, QByteArray> get(const QString &path, const QByteArray &method = "GET", const QByteArray &body = {});

    std::unique_ptr<bw::HttpServer> m_server;
    QNetworkAccessManager m_network;
    std::vector<bw::HttpResponder> m_parked;
};

void TestHttpServer::init()
{
    m_server = std::make_unique<bw::HttpServer>();
    QVERIFY(m_server->listen(QHostAddress::LocalHost, 0).ok());
    m_server->route("GET", u"/health"_s, [](const bw::HttpRequest &, bw::HttpResponder r) {
        r.send(bw::HttpResponse::json(200, R"({"status":"UP"})"));
    });
    m_server->route("POST", u"/echo"_s, [](const bw::HttpRequest &request, bw::HttpResponder r) {
        r.send(bw::HttpResponse::text(200, request.method + ' ' + request.body));
    });
    m_server->route({}, u"/svc/*"_s, [](const bw::HttpRequest &request, bw::HttpResponder r) {
        r.send(bw::HttpResponse::text(200, request.path.toUtf8() + '?' + request.queryItem(u"x"_s).toUtf8()));
    });
    m_server->route("GET", u"/later"_s, [](const bw::HttpRequest &request, bw::HttpResponder r) {
        QTimer::singleShot(request.queryItem(u"ms"_s).toInt(), [r] { r.send(bw::HttpResponse::text(200, "late")); });
    });
    m_server->route("GET", u"/park"_s, [this](const bw::HttpRequest &, bw::HttpResponder r) { m_parked.push_back(r); });
    m_server->route("GET", u"/big"_s, [](const bw::HttpRequest &request, bw::HttpResponder r) {
        r.send(bw::HttpResponse::text(200, QByteArray(request.queryItem(u"mb"_s).toInt() * 1024 * 1024, 'b')));
    });
}

bool TestHttpServer::readUntil(QTcpSocket &socket, QByteArray &received, const QByteArray &needle)
{
    QElapsedTimer clock;
    clock.start();
    while (!received.contains(needle) && clock.elapsed() < 5000) {
        QTest::qWait(5); // the server lives in this thread: let it run
        received += socket.readAll();
    }
    return received.contains(needle);
}

std::pair<int, QByteArray> TestHttpServer::get(const QString &path, const QByteArray &method, const QByteArray &body)
{
    QNetworkRequest request(QUrl(u"http://127.0.0.1:%1%2"_s.arg(m_server->port()).arg(path)));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("text/plain"));
    std::unique_ptr<QNetworkReply> reply(m_network.sendCustomRequest(request, method, body));
    [&] { QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), 5000); }();
    return {reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), reply->readAll()};
}

QByteArray TestHttpServer::raw(const QByteArray &request, int expectedResponses)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_server->port());
    [&] { QVERIFY(socket.waitForConnected(3000)); }();
    socket.write(request);
    QByteArray received;
    QElapsedTimer clock;
    clock.start();
    while (received.count("HTTP/1.1 ") < expectedResponses && clock.elapsed() < 5000) {
        QTest::qWait(10);
        received += socket.readAll();
    }
    QTest::qWait(20);
    received += socket.readAll();
    return received;
}

void TestHttpServer::routesMethodsAndFallback()
{
    QCOMPARE(get(u"/health"_s), std::make_pair(200, QByteArray(R"({"status":"UP"})")));
    QCOMPARE(get(u"/svc/a/b?x=1"_s), std::make_pair(200, QByteArray("/svc/a/b?1")));
    QCOMPARE(get(u"/nothing"_s).first, 404);
    QCOMPARE(get(u"/health"_s, "DELETE").first, 405);
    m_server->setFallback(
        [](const bw::HttpRequest &, bw::HttpResponder r) { r.send(bw::HttpResponse::text(418, "tea")); });
    QCOMPARE(get(u"/nothing"_s).first, 418);
    QVERIFY(m_server->requestsServed() >= 5);
}

void TestHttpServer::postBodyArrives()
{
    QCOMPARE(get(u"/echo"_s, "POST", "hello body"), std::make_pair(200, QByteArray("POST hello body")));
}

void TestHttpServer::delayedAnswer()
{
    QCOMPARE(get(u"/later?ms=100"_s), std::make_pair(200, QByteArray("late")));
}

void TestHttpServer::pipelinedRequestsAnswerInOrder()
{
    // The first answer comes later than the second is ready; the wire order must still be first, second.
    const QByteArray out =
        raw("GET /later?ms=150 HTTP/1.1\r\nHost: x\r\n\r\nGET /health HTTP/1.1\r\nHost: x\r\n\r\n", 2);
    const qsizetype late = out.indexOf("late");
    const qsizetype up = out.indexOf("UP");
    QVERIFY2(late > 0 && up > 0, out.constData());
    QVERIFY(late < up);
}

void TestHttpServer::keepAliveAnswersManyRequestsOnOneConnection()
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_server->port());
    QVERIFY(socket.waitForConnected(3000));
    for (int i = 0; i < 3; ++i) {
        socket.write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
        QByteArray received;
        QVERIFY(readUntil(socket, received, R"({"status":"UP"})"));
        QVERIFY2(received.startsWith("HTTP/1.1 200 OK\r\n"), received.constData());
        QVERIFY(received.contains("Content-Length: 15\r\n"));
        QVERIFY(!received.contains("Connection: close"));
        QCOMPARE(m_server->openConnections(), 1);
    }
    QCOMPARE(socket.state(), QAbstractSocket::ConnectedState);
    QCOMPARE(m_server->requestsServed(), std::int64_t{3});
}

void TestHttpServer::clientKeepsItsConnection()
{
    // Qt's client reuses a kept-alive connection: a poller costs one connection per service, not one per poll.
    for (int i = 0; i < 5; ++i)
        QCOMPARE(get(u"/health"_s).first, 200);
    QCOMPARE(m_server->openConnections(), 1);
}

void TestHttpServer::requestSplitAcrossPackets_data()
{
    QTest::addColumn<int>("cut");
    const QByteArray request = "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello";
    const int end = static_cast<int>(request.indexOf("\r\n\r\n"));
    QTest::newRow("in the request line") << 7;
    QTest::newRow("in a header") << 20;
    for (int i = 0; i < 4; ++i)
        QTest::addRow("in the blank line, after %d bytes of it", i) << end + i;
    QTest::newRow("in the body") << static_cast<int>(request.size()) - 2;
}

void TestHttpServer::requestSplitAcrossPackets()
{
    QFETCH(int, cut);
    const QByteArray request = "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello";
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_server->port());
    QVERIFY(socket.waitForConnected(3000));
    socket.write(request.left(cut));
    QVERIFY(socket.waitForBytesWritten(3000));
    QTest::qWait(30); // the first part arrives on its own
    QCOMPARE(m_server->requestsServed(), std::int64_t{0});
    socket.write(request.mid(cut));
    QByteArray received;
    QVERIFY(readUntil(socket, received, "POST hello"));
    QVERIFY(received.startsWith("HTTP/1.1 200 OK\r\n"));
    QCOMPARE(m_server->requestsServed(), std::int64_t{1});
}

void TestHttpServer::pipelinedBurstWithATornTail()
{
    // Two whole requests and the start of a third in one write; the rest of the third comes later.
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_server->port());
    QVERIFY(socket.waitForConnected(3000));
    socket.write("GET /health HTTP/1.1\r\n\r\nPOST /echo HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcGET /svc/t?x=");
    QByteArray received;
    QVERIFY(readUntil(socket, received, "POST abc"));
    QCOMPARE(m_server->requestsServed(), std::int64_t{2});
    socket.write("3 HTTP/1.1\r\n\r\n");
    QVERIFY(readUntil(socket, received, "/svc/t?3"));
    QCOMPARE(received.count("HTTP/1.1 200 OK"), 3);
    QVERIFY(received.indexOf("UP") < received.indexOf("POST abc"));
    QVERIFY(received.indexOf("POST abc") < received.indexOf("/svc/t?3"));
}

void TestHttpServer::connectionCloseIsHonoured()
{
    // The answer says so, the server closes, and a request pipelined behind it is not answered.
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_server->port());
    QVERIFY(socket.waitForConnected(3000));
    socket.write("GET /health HTTP/1.1\r\nConnection: close\r\n\r\nGET /svc/after HTTP/1.1\r\n\r\n");
    QByteArray received;
    QVERIFY(readUntil(socket, received, R"({"status":"UP"})"));
    QVERIFY(received.contains("Connection: close\r\n"));
    QTRY_COMPARE_WITH_TIMEOUT(socket.state(), QAbstractSocket::UnconnectedState, 5000);
    received += socket.readAll();
    QVERIFY2(!received.contains("/svc/after"), received.constData());
    QCOMPARE(received.count("HTTP/1.1 "), 1);
    QTRY_COMPARE_WITH_TIMEOUT(m_server->openConnections(), 0, 5000);
}

void TestHttpServer::idleConnectionsAreClosed()
{
    m_server->idleTimeoutMs = 100;
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_server->port());
    QVERIFY(socket.waitForConnected(3000));
    QTRY_COMPARE(m_server->openConnections(), 1);
    // Checked on the reactor's one-second heartbeat.
    QTRY_COMPARE_WITH_TIMEOUT(socket.state(), QAbstractSocket::UnconnectedState, 5000);
    QCOMPARE(m_server->openConnections(), 0);
}

void TestHttpServer::streamOutlivesTheIdleTimeoutAndEndsWithTheClient()
{
    m_server->idleTimeoutMs = 100;
    bw::HttpResponder stream;
    m_server->route("GET", u"/stream"_s, [&stream](const bw::HttpRequest &, bw::HttpResponder r) {
        r.startStream(200, "text/event-stream");
        r.write("retry: 10000\n");
        stream = r;
    });
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_server->port());
    QVERIFY(socket.waitForConnected(3000));
    // A pipelined request after the streamed one is never answered: the stream owns the connection.
    socket.write("GET /stream HTTP/1.1\r\nHost: x\r\n\r\nGET /health HTTP/1.1\r\nHost: x\r\n\r\n");
    QByteArray received;
    QVERIFY(readUntil(socket, received, "retry: 10000\n"));
    QVERIFY(received.startsWith("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"));
    QVERIFY(received.contains("Connection: close\r\n"));
    QVERIFY(!received.contains("Content-Length"));
    QVERIFY(stream.streaming());
    // Well past the idle timeout (checked each second) the stream still flows.
    QTest::qWait(2500);
    QCOMPARE(socket.state(), QAbstractSocket::ConnectedState);
    stream.write("data: {\"n\":1}\n\n");
    QVERIFY(readUntil(socket, received, "data: {\"n\":1}\n\n"));
    QVERIFY(!received.contains("UP"));
    socket.abort();
    QTRY_VERIFY_WITH_TIMEOUT(!stream.streaming(), 5000);
    stream.write("data: gone\n\n"); // harmless
    QCOMPARE(m_server->openConnections(), 0);
}

void TestHttpServer::largeAnswerSurvivesAFullSocketBuffer()
{
    // 32 MB is more than the kernel takes at once: the rest goes out as the client reads.
    const auto [status, body] = get(u"/big?mb=32"_s);
    QCOMPARE(status, 200);
    QCOMPARE(body.size(), 32 * 1024 * 1024);
    QVERIFY(body.count('b') == body.size());
}

void TestHttpServer::pathAndQueryAreDecoded()
{
    QCOMPARE(get(u"/svc/a%20b?x=hello%20world"_s), std::make_pair(200, QByteArray("/svc/a b?hello world")));
    QVERIFY(raw("GET http://example.org/svc/abs?x=1 HTTP/1.1\r\n\r\n").endsWith("/svc/abs?1"));
    QVERIFY(raw("GET /svc/frag?x=2#part HTTP/1.1\r\n\r\n").endsWith("/svc/frag?2"));
}

void TestHttpServer::serversShareAReactor()
{
    bw::SocketReactor reactor;
    reactor.setCoalescing(std::chrono::milliseconds(20)); // batching must not lose or stall anything
    bw::HttpServer one(&reactor);
    bw::HttpServer two(&reactor);
    for (bw::HttpServer *server : {&one, &two}) {
        QVERIFY(server->listen(QHostAddress::LocalHost, 0).ok());
        server->route("GET", u"/who"_s, [server](const bw::HttpRequest &, bw::HttpResponder r) {
            r.send(bw::HttpResponse::text(200, QByteArray::number(server->port())));
        });
    }
    auto ask = [this](quint16 port) {
        QNetworkRequest request(QUrl(u"http://127.0.0.1:%1/who"_s.arg(port)));
        std::unique_ptr<QNetworkReply> reply(m_network.get(request));
        [&] { QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), 5000); }();
        return std::make_pair(reply->error(), reply->readAll());
    };
    for (int i = 0; i < 3; ++i) {
        QCOMPARE(ask(one.port()), std::make_pair(QNetworkReply::NoError, QByteArray::number(one.port())));
        QCOMPARE(ask(two.port()), std::make_pair(QNetworkReply::NoError, QByteArray::number(two.port())));
    }
    const quint16 closedPort = one.port();
    one.close();
    QCOMPARE(ask(closedPort).first, QNetworkReply::ConnectionRefusedError);
    QCOMPARE(ask(two.port()).second, QByteArray::number(two.port()));
    QCOMPARE(reactor.watchedCount(), 2); // two's listener and its connection
}

void TestHttpServer::limitsAndMalformedRequests_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<QByteArray>("status");
    QTest::newRow("malformed request line") << QByteArray("HELLO\r\n\r\n") << QByteArray("HTTP/1.1 400");
    QTest::newRow("malformed header") << QByteArray("GET / HTTP/1.1\r\nnocolon\r\n\r\n") << QByteArray("HTTP/1.1 400");
    QTest::newRow("header too large") << QByteArray("GET / HTTP/1.1\r\nX: " + QByteArray(20'000, 'a') + "\r\n\r\n")
                                      << QByteArray("HTTP/1.1 431");
    QTest::newRow("body too large") << QByteArray("POST /echo HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n")
                                    << QByteArray("HTTP/1.1 413");
    QTest::newRow("bad length") << QByteArray("POST /echo HTTP/1.1\r\nContent-Length: lots\r\n\r\n")
                                << QByteArray("HTTP/1.1 400");
    QTest::newRow("chunked body") << QByteArray("POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n")
                                  << QByteArray("HTTP/1.1 501");
    QTest::newRow("HTTP/1.0 closes") << QByteArray("GET /health HTTP/1.0\r\n\r\n") << QByteArray("Connection: close");
}

void TestHttpServer::limitsAndMalformedRequests()
{
    QFETCH(QByteArray, request);
    QFETCH(QByteArray, status);
    const QByteArray out = raw(request);
    QVERIFY2(out.contains(status), out.left(200).constData());
    // The server keeps serving others.
    QCOMPARE(get(u"/health"_s).first, 200);
}

void TestHttpServer::answerAfterClientLeftIsHarmless()
{
    {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_server->port());
        QVERIFY(socket.waitForConnected(3000));
        socket.write("GET /park HTTP/1.1\r\n\r\n");
        QTRY_COMPARE(m_parked.size(), std::size_t{1});
        socket.abort();
    }
    QTRY_COMPARE(m_server->openConnections(), 0);
    QVERIFY(!m_parked.front().alive());
    m_parked.front().send(bw::HttpResponse::text(200, "nobody is listening"));
    QCOMPARE(get(u"/health"_s).first, 200);
}

void TestHttpServer::listenErrorNamesTheAddress()
{
    bw::HttpServer second;
    const auto result = second.listen(QHostAddress::LocalHost, m_server->port());
    QVERIFY(!result.ok());
    QVERIFY2(result.error().contains(u"cannot listen on 127.0.0.1:%1"_s.arg(m_server->port())),
             qPrintable(result.error()));
}

QTEST_GUILESS_MAIN(TestHttpServer)
#include "tst_httpserver.moc"
