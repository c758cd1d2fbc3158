#pragma once

// Starts a real server binary (prometheus, prometheus-node-exporter) on a free loopback port for integration
// tests, waits until it answers, and stops it when destroyed. Skips cleanly when the binary is missing.

#include <QDir>
#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

inline quint16 freeLoopbackPort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

class ExternalServer
{
public:
    ExternalServer() = default;
    ExternalServer(const ExternalServer &) = delete;
    ExternalServer &operator=(const ExternalServer &) = delete;
    ~ExternalServer() { stop(); }

    static bool available(const QString &binary) { return !QStandardPaths::findExecutable(binary).isEmpty(); }

    // Starts `binary arguments...` and waits until GET readyPath on the port answers 200.
    bool start(const QString &binary, const QStringList &arguments, quint16 port, const QString &readyPath,
               int timeoutMs = 30'000)
    {
        m_port = port;
        m_process.setProcessChannelMode(QProcess::MergedChannels);
        m_process.start(binary, arguments);
        if (!m_process.waitForStarted(5000))
            return false;
        QNetworkAccessManager network;
        QElapsedTimer clock;
        clock.start();
        while (clock.elapsed() < timeoutMs && m_process.state() == QProcess::Running) {
            QNetworkReply *reply = network.get(QNetworkRequest(QUrl(base() + readyPath)));
            QElapsedTimer wait;
            wait.start();
            while (!reply->isFinished() && wait.elapsed() < 5000)
                QTest::qWait(20);
            const bool ready = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 200;
            delete reply;
            if (ready)
                return true;
            QTest::qWait(100);
        }
        return false;
    }

    void stop()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.terminate();
            if (!m_process.waitForFinished(5000)) {
                m_process.kill();
                m_process.waitForFinished(2000);
            }
        }
    }

    QString base() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_port); }
    quint16 port() const { return m_port; }
    QByteArray output() { return m_process.readAll(); }

private:
    QProcess m_process;
    quint16 m_port = 0;
};
