#include "httpserver/httprequest.h"

#include <QUrl>
#include <QUrlQuery>

namespace bw {

QByteArray HttpRequest::header(QByteArrayView name) const
{
    for (const auto &[key, value] : headers) {
        if (key == name)
            return value;
    }
    return {};
}

QString HttpRequest::queryItem(const QString &name) const
{
    return QUrlQuery(QString::fromUtf8(query)).queryItemValue(name, QUrl::FullyDecoded);
}

} // namespace bw
