#include "httpserver/httpserver.h"

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
    void limitsAndMalformedRequests_data();
    void limitsAndMalformedRequests();
    void answerAfterClientLeftIsHarmless();
    void listenErrorNamesTheAddress();

private:
    QByteArray raw(const QByteArray &request, int expectedResponses = 1);
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
        r.send(
            bw::HttpResponse::text(200, request.path.toUtf8() + '?' + request.query.queryItemValue(u"x"_s).toUtf8()));
    });
    m_server->route("GET", u"/later"_s, [](const bw::HttpRequest &request, bw::HttpResponder r) {
        QTimer::singleShot(request.query.queryItemValue(u"ms"_s).toInt(),
                           [r] { r.send(bw::HttpResponse::text(200, "late")); });
    });
    m_server->route("GET", u"/park"_s, [this](const bw::HttpRequest &, bw::HttpResponder r) { m_parked.push_back(r); });
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
