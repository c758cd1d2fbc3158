#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QHostAddress>
#include <QString>

#include <utility>
#include <vector>

namespace bw {

// One request as HttpServer hands it to a handler. A value type.
struct HttpRequest
{
    QByteArray method;
    QString path;                                           // percent-decoded, without the query
    QByteArray query;                                       // as sent (still percent-encoded), without the '?'
    std::vector<std::pair<QByteArray, QByteArray>> headers; // names lower-case, in the order sent
    QByteArray body;
    QHostAddress peer;

    // The first header of that (lower-case) name, or empty.
    QByteArray header(QByteArrayView name) const;
    // The decoded value of a query item, or empty.
    QString queryItem(const QString &name) const;
};

} // namespace bw
