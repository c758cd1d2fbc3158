#include "observed/hystrixstreamclient.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>

using namespace Qt::StringLiterals;

namespace bw {

namespace {
constexpr std::chrono::milliseconds kFirstRetry{1000};
constexpr std::chrono::milliseconds kLongestRetry{30'000};
} // namespace

HystrixStreamClient::HystrixStreamClient(QNetworkAccessManager *network, ProbeRequest request, QObject *parent)
    : QObject(parent), m_network(network), m_request(std::move(request))
{
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &HystrixStreamClient::open);
    m_idle.setSingleShot(true);
    m_idle.setInterval(std::chrono::seconds(30));
    connect(&m_idle, &QTimer::timeout, this, [this] { onEnded(tr("no data for %1 s").arg(m_idle.interval() / 1000)); });
}

HystrixStreamClient::~HystrixStreamClient()
{
    closeReply();
}

void HystrixStreamClient::start()
{
    if (m_running)
        return;
    m_running = true;
    m_retryDelay = kFirstRetry;
    open();
}

void HystrixStreamClient::stop()
{
    m_running = false;
    m_retry.stop();
    m_idle.stop();
    closeReply();
}

void HystrixStreamClient::closeReply()
{
    if (!m_reply)
        return;
    QNetworkReply *reply = m_reply;
    m_reply = nullptr;
    reply->disconnect(this);
    reply->abort();
    reply->deleteLater();
    m_receiving = false;
}

void HystrixStreamClient::open()
{
    closeReply();
    m_parser.reset();
    Q_EMIT opening();
    QNetworkRequest request = toNetworkRequest(m_request, m_request.url, true);
    request.setRawHeader("Accept", "text/event-stream");
    request.setTransferTimeout(0); // the idle timer below decides when the stream is dead
    m_reply = m_network->get(request);
    connect(m_reply, &QNetworkReply::metaDataChanged, this, [this] {
        const int status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (status != 200)
            onEnded(tr("HTTP status %1").arg(status));
    });
    connect(m_reply, &QNetworkReply::readyRead, this, &HystrixStreamClient::onData);
    connect(m_reply, &QNetworkReply::finished, this, [this] {
        onEnded(m_reply->error() == QNetworkReply::NoError ? tr("the server ended the stream")
                                                           : m_reply->errorString());
    });
    m_idle.start();
}

void HystrixStreamClient::onData()
{
    const QByteArray chunk = m_reply->readAll();
    if (chunk.isEmpty())
        return;
    m_receiving = true;
    m_retryDelay = kFirstRetry;
    m_idle.start();
    HystrixStreamParser::Output out = m_parser.feed(chunk);
    if (!out.errors.isEmpty())
        Q_EMIT problem(tr("hystrix stream: %1").arg(out.errors.front()));
    if (!out.commands.isEmpty())
        Q_EMIT commands(out.commands);
}

void HystrixStreamClient::onEnded(const QString &why)
{
    closeReply();
    m_idle.stop();
    if (!m_running)
        return;
    Q_EMIT problem(tr("hystrix stream down (%1); retrying in %2 s").arg(why).arg(m_retryDelay.count() / 1000.0));
    m_retry.start(m_retryDelay);
    m_retryDelay = std::min(m_retryDelay * 2, kLongestRetry);
}

} // namespace bw
