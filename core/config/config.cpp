#include "config/config.h"

using namespace Qt::StringLiterals;

namespace bw {

namespace {
QString authority(const QUrl &url)
{
    const int port = url.port(url.scheme() == QLatin1String("https") ? 443 : 80);
    const QString host = url.host().contains(u':') ? u'[' + url.host() + u']' : url.host();
    return host + u':' + QString::number(port);
}
} // namespace

QString ServiceConfig::instanceName() const
{
    if (!instance.isEmpty())
        return instance;
    for (const auto *source : {health ? &*health : nullptr, metrics ? &metrics->http : nullptr,
                               actuator ? &*actuator : nullptr, hystrixStream ? &*hystrixStream : nullptr}) {
        if (source && source->url.isValid())
            return authority(source->url);
    }
    return name;
}

QList<QUrl> AlertmanagerConfig::alertsUrls() const
{
    return apiUrls(u"/api/v2/alerts"_s);
}

QList<QUrl> AlertmanagerConfig::apiUrls(const QString &path) const
{
    QList<QUrl> urls;
    for (const QString &target : targets)
        urls << QUrl(scheme + u"://"_s + target + pathPrefix + path);
    return urls;
}

} // namespace bw
