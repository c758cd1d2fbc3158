// HystrixStreamClient against a real loopback server that streams server-sent events over a long-lived
// connection: events arrive as sent, and a closed, silent or failing stream is re-opened. Also the whole way
// through FleetMonitor: a `hystrix_stream` service shows its command's breaker.
#include "config/configloader.h"
#include "monitor/fleetmonitor.h"
#include "observed/hystrixstreamclient.h"
#include "probe/httpprober.h"

#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

QByteArray sseEvent(const char *name, bool open)
{
    return QByteArray("data: {\"type\":\"HystrixCommand\",\"name\":\"") + name +
           "\",\"group\":\"G\",\"isCircuitBreakerOpen\":" + (open ? "true" : "false") +
           ",\"errorPercentage\":0,\"requestCount\":1}\n\n";
}

// Accepts connections and keeps them; the test writes to them when it likes.
class StreamServer final : public QObject
{
public:
    StreamServer()
    {
        QVERIFY(m_server.listen(QHostAddress::LocalHost));
        QObject::connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                connections.push_back(socket);
                socket->write(status == 200
                                  ? "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                                    "Connection: close\r\n\r\n"
                                  : "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                socket->flush();
                if (status != 200)
                    socket->disconnectFromHost();
            }
        });
    }
    QUrl url() const { return QUrl(u"http://127.0.0.1:%1/hystrix.stream"_s.arg(m_server.serverPort())); }
    void send(const QByteArray &bytes)
    {
        connections.back()->write(bytes);
        connections.back()->flush();
    }

    int status = 200;
    QList<QPointer<QTcpSocket>> connections;

private:
    QTcpServer m_server;
};

} // namespace

class TestHystrixStreamClient final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void eventsArriveAsSent();
    void closedStreamIsReopened();
    void silentStreamIsReopened();
    void non200IsReportedAndRetried();
    void monitorShowsTheCommandsBreaker();
    void twentyCommandsOnOneConnection();

private:
    QNetworkAccessManager m_network;
};

void TestHystrixStreamClient::eventsArriveAsSent()
{
    StreamServer server;
    bw::ProbeRequest request;
    request.url = server.url();
    bw::HystrixStreamClient client(&m_network, request);
    QSignalSpy commands(&client, &bw::HystrixStreamClient::commands);
    client.start();
    QTRY_COMPARE(server.connections.size(), 1);

    server.send(": a comment\n\n" + sseEvent("GetUser", false));
    QTRY_COMPARE(commands.size(), 1);
    auto samples = commands.at(0).at(0).value<QList<bw::HystrixCommandSample>>();
    QCOMPARE(samples.size(), 1);
    QCOMPARE(samples.front().name, u"GetUser"_s);
    QCOMPARE(samples.front().isCircuitBreakerOpen, false);
    QVERIFY(client.connected());

    // Same connection, an event split across two writes.
    const QByteArray next = sseEvent("GetUser", true);
    server.send(next.left(20));
    QTest::qWait(50);
    server.send(next.mid(20));
    QTRY_COMPARE(commands.size(), 2);
    samples = commands.at(1).at(0).value<QList<bw::HystrixCommandSample>>();
    QCOMPARE(samples.front().isCircuitBreakerOpen, true);
    QCOMPARE(server.connections.size(), 1);
}

void TestHystrixStreamClient::closedStreamIsReopened()
{
    StreamServer server;
    bw::ProbeRequest request;
    request.url = server.url();
    bw::HystrixStreamClient client(&m_network, request);
    QSignalSpy problems(&client, &bw::HystrixStreamClient::problem);
    client.start();
    QTRY_COMPARE(server.connections.size(), 1);
    server.send(sseEvent("A", false));
    server.connections.back()->disconnectFromHost();
    QTRY_VERIFY(!problems.isEmpty());
    QVERIFY2(problems.back().at(0).toString().contains(u"retrying in 1 s"_s),
             qPrintable(problems.back().at(0).toString()));
    QTRY_COMPARE_WITH_TIMEOUT(server.connections.size(), 2, 3000);
    client.stop();
}

void TestHystrixStreamClient::silentStreamIsReopened()
{
    StreamServer server;
    bw::ProbeRequest request;
    request.url = server.url();
    bw::HystrixStreamClient client(&m_network, request);
    client.setIdleTimeout(std::chrono::milliseconds(300));
    QSignalSpy problems(&client, &bw::HystrixStreamClient::problem);
    client.start();
    QTRY_COMPARE(server.connections.size(), 1); // headers, then silence
    QTRY_VERIFY(!problems.isEmpty());
    QVERIFY2(problems.front().at(0).toString().contains(u"no data"_s), qPrintable(problems.front().at(0).toString()));
    QTRY_COMPARE_WITH_TIMEOUT(server.connections.size(), 2, 3000);
}

void TestHystrixStreamClient::non200IsReportedAndRetried()
{
    StreamServer server;
    server.status = 404;
    bw::ProbeRequest request;
    request.url = server.url();
    bw::HystrixStreamClient client(&m_network, request);
    QSignalSpy problems(&client, &bw::HystrixStreamClient::problem);
    client.start();
    QTRY_VERIFY(!problems.isEmpty());
    QVERIFY2(problems.front().at(0).toString().contains(u"HTTP status 404"_s),
             qPrintable(problems.front().at(0).toString()));
    QTRY_COMPARE_WITH_TIMEOUT(server.connections.size(), 2, 3000);
    // Stopped: no more attempts.
    client.stop();
    QTest::qWait(2500);
    QCOMPARE(server.connections.size(), 2);
}

void TestHystrixStreamClient::monitorShowsTheCommandsBreaker()
{
    StreamServer server;
    const QByteArray yaml = "global: {interval: 200ms, timeout: 200ms}\nservices:\n"
                            "  - name: cards\n    health: {url: 'http://127.0.0.1:1/health'}\n"
                            "    hystrix_stream: {url: '" +
                            server.url().toString().toUtf8() + "', command: ChargeCard}\n";
    const bw::PresetCatalog catalog;
    const auto config = bw::ConfigLoader(catalog).loadText(yaml, u"test.yml"_s, {});
    QVERIFY2(config.ok(), qPrintable(config.ok() ? QString() : config.error()));
    bw::HttpProber prober(&m_network);
    QElapsedTimer clock;
    clock.start();
    bw::FleetMonitor monitor(&prober, [&clock] { return clock.elapsed(); });
    monitor.setConfig(*config);
    monitor.start();
    QTRY_COMPARE(server.connections.size(), 1);
    const bw::BreakerId chargeCard{u"cards"_s, config->services[0].instanceName(), u"ChargeCard"_s};

    // The command the old `command:` key names is followed (it joins the filter); GetUser is not.
    server.send(sseEvent("GetUser", false) + sseEvent("ChargeCard", false));
    QTRY_COMPARE(monitor.status(chargeCard).observedState, std::optional(bw::BreakerState::Closed));
    QVERIFY(!monitor.contains({u"cards"_s, chargeCard.instance, u"GetUser"_s}));
    server.send(sseEvent("GetUser", false) + sseEvent("ChargeCard", true));
    QTRY_COMPARE(monitor.status(chargeCard).observedState, std::optional(bw::BreakerState::Open));
    QCOMPARE(monitor.observedTransitions(chargeCard).back().to, bw::BreakerState::Open);
    QVERIFY(monitor.status(chargeCard).observedOpenMayBeHalfOpen); // isCircuitBreakerOpen is `!closed`

    server.connections.back()->disconnectFromHost(); // the stream drops: said, and the last state stays
    QTRY_VERIFY(monitor.status(chargeCard).observedProblem.contains(u"hystrix stream down"_s));
    QCOMPARE(monitor.status(chargeCard).observedState, std::optional(bw::BreakerState::Open));
    QVERIFY(monitor.status(chargeCard).stale);
    monitor.stop();
}

// One stream carries every command of a process: 20 commands are 20 breakers over one connection, and two
// instances naming the same URL share it too (no per-host connection limit can hide a breaker).
void TestHystrixStreamClient::twentyCommandsOnOneConnection()
{
    StreamServer server;
    const QByteArray url = server.url().toString().toUtf8();
    const QByteArray yaml = "global: {interval: 200ms, timeout: 200ms}\nservices:\n"
                            "  - name: shop\n    instance: pod-1\n    hystrix_stream: {url: '" +
                            url +
                            "'}\n"
                            "  - name: shop\n    instance: pod-1-again\n    hystrix_stream: {url: '" +
                            url + "'}\n";
    const bw::PresetCatalog catalog;
    const auto config = bw::ConfigLoader(catalog).loadText(yaml, u"test.yml"_s, {});
    QVERIFY2(config.ok(), qPrintable(config.ok() ? QString() : config.error()));
    bw::HttpProber prober(&m_network);
    QElapsedTimer clock;
    clock.start();
    bw::FleetMonitor monitor(&prober, [&clock] { return clock.elapsed(); });
    monitor.setConfig(*config);
    QCOMPARE(monitor.streamCount(), 1);
    monitor.start();
    QTRY_COMPARE(server.connections.size(), 1);
    QByteArray burst;
    for (int i = 0; i < 20; ++i)
        burst += sseEvent(QByteArray("command-" + QByteArray::number(i)).constData(), i % 7 == 3);
    server.send(burst);
    QTRY_COMPARE(monitor.breakerCount(), 2 * 20);
    for (const QString &instance : {u"pod-1"_s, u"pod-1-again"_s}) {
        for (int i = 0; i < 20; ++i) {
            const bw::BreakerStatus s = monitor.status({u"shop"_s, instance, u"command-%1"_s.arg(i)});
            QCOMPARE(s.source, bw::BreakerSource::Hystrix);
            QCOMPARE(s.observedState, std::optional(i % 7 == 3 ? bw::BreakerState::Open : bw::BreakerState::Closed));
        }
    }
    QTest::qWait(300);
    QCOMPARE(server.connections.size(), 1); // still the one connection
    monitor.stop();
}

QTEST_GUILESS_MAIN(TestHystrixStreamClient)
#include "tst_hystrixstreamclient.moc"
