#pragma once

// How many requests a real Prometheus has served on one API handler, from its own /metrics (the server does not
// scrape itself in the tests' configurations): prometheus_http_requests_total{handler="..."} summed over codes.

#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QTest>

inline double prometheusRequestsServed(const QString &base, const QString &handler)
{
    QNetworkAccessManager network;
    QNetworkReply *reply = network.get(QNetworkRequest(QUrl(base + QStringLiteral("/metrics"))));
    QElapsedTimer wait;
    wait.start();
    while (!reply->isFinished() && wait.elapsed() < 10'000)
        QTest::qWait(10);
    const QString page = QString::fromUtf8(reply->readAll());
    delete reply;
    const QRegularExpression line(QStringLiteral(R"(^prometheus_http_requests_total\{[^}]*handler="%1"[^}]*\} (\S+)$)")
                                      .arg(QRegularExpression::escape(handler)),
                                  QRegularExpression::MultilineOption);
    double total = 0;
    for (auto it = line.globalMatch(page); it.hasNext();)
        total += it.next().captured(1).toDouble();
    return total;
}
