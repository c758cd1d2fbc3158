#pragma once

#include "observed/hystrixstream.h"
#include "probe/proberequest.h"

#include <QNetworkReply>
#include <QObject>
#include <QPointer>
#include <QTimer>

class QNetworkAccessManager;

namespace bw {

// Follows one hystrix.stream (server-sent events) over a long-lived GET. Command samples arrive through
// commands() as they are read. The connection is re-opened when it ends, fails, answers anything but 200
// or stays silent for `idleTimeoutMs` (Hystrix pings every few seconds). Waits 1 s before the first retry,
// doubling up to 30 s, and back to 1 s once data flows again. Redirects are not followed. Lives in the
// thread of the network manager, which is not owned.
class HystrixStreamClient final : public QObject
{
    Q_OBJECT
public:
    HystrixStreamClient(QNetworkAccessManager *network, ProbeRequest request, QObject *parent = nullptr);
    ~HystrixStreamClient() override;

    void start();
    void stop();
    bool connected() const { return m_reply && m_receiving; }
    void setIdleTimeout(std::chrono::milliseconds timeout) { m_idle.setInterval(timeout); }

Q_SIGNALS:
    // A new connection is being opened: what follows may start with a backlog.
    void opening();
    void commands(const QList<bw::HystrixCommandSample> &samples);
    // The stream is down or sent something unreadable; it is being retried. For people; no credentials.
    void problem(const QString &message);

private:
    void open();
    void onData();
    void onEnded(const QString &why);
    void closeReply();

    QNetworkAccessManager *m_network;
    ProbeRequest m_request;
    HystrixStreamParser m_parser;
    QPointer<QNetworkReply> m_reply;
    bool m_running = false;
    bool m_receiving = false;
    std::chrono::milliseconds m_retryDelay{1000};
    QTimer m_retry;
    QTimer m_idle;
};

} // namespace bw
