#include "prometheus/prometheusclient.h"

#include <QUrlQuery>

#include <map>

using namespace Qt::StringLiterals;

namespace bw {

struct RangeJob
{
    QString expression;
    std::vector<TimeRange> ranges;
    std::size_t next = 0;
    std::int64_t stepMs = 0;
    std::map<QString, PromSeries> merged; // by the series' labels, serialised
    QStringList warnings;
    PrometheusClient::Callback done;
};

namespace {

QString seconds(std::int64_t ms)
{
    return QString::number(static_cast<double>(ms) / 1000.0, 'f', 3);
}

} // namespace

PrometheusClient::PrometheusClient(HttpProber *prober, PrometheusServerConfig server, QObject *parent)
    : QObject(parent), m_prober(prober), m_server(std::move(server))
{}

ProbeRequest PrometheusClient::request(const QString &path, const QList<QPair<QString, QString>> &query) const
{
    ProbeRequest request;
    QUrl url = m_server.url;
    url.setPath(url.path().endsWith(u'/') ? url.path().chopped(1) + path : url.path() + path);
    QUrlQuery urlQuery;
    for (const auto &[key, value] : query)
        urlQuery.addQueryItem(key, QString::fromUtf8(QUrl::toPercentEncoding(value)));
    url.setQuery(urlQuery);
    request.url = url;
    request.auth = m_server.auth;
    request.tls = m_server.tls;
    request.timeoutMs = m_server.timeoutMs;
    request.bodySizeLimit = 256LL * 1024 * 1024;
    request.validStatus = {200, 400, 422, 503}; // read the error envelope instead of failing on the status
    return request;
}

void PrometheusClient::query(const QString &expression, std::optional<std::int64_t> timeMs, Callback done)
{
    QList<QPair<QString, QString>> parameters{{u"query"_s, expression}};
    if (timeMs)
        parameters.append({u"time"_s, seconds(*timeMs)});
    m_prober->probe(request(u"/api/v1/query"_s, parameters), 0, [done = std::move(done)](const ProbeResult &result) {
        if (!result.ok() && result.kind != ProbeOutcomeKind::BodyMismatch)
            return done(Error{u"Prometheus query failed: %1 (%2)"_s.arg(outcomeKindName(result.kind), result.message)});
        done(parsePromResponse(result.httpStatus, result.body));
    });
}

void PrometheusClient::queryRange(const QString &expression, std::int64_t startMs, std::int64_t endMs,
                                  std::int64_t stepMs, Callback done)
{
    if (stepMs <= 0 || endMs < startMs)
        return done(Error{u"a range query needs start <= end and a positive step"_s});
    auto job = std::make_shared<RangeJob>();
    job->expression = expression;
    job->ranges = splitRange(startMs, endMs, stepMs);
    job->stepMs = stepMs;
    job->done = std::move(done);
    runRanges(job);
}

void PrometheusClient::runRanges(std::shared_ptr<RangeJob> job)
{
    if (job->next == job->ranges.size()) {
        PromQueryResult result;
        result.type = PromQueryResult::Type::Matrix;
        result.warnings = job->warnings;
        for (auto &[key, series] : job->merged)
            result.series.push_back(std::move(series));
        return job->done(result);
    }
    const TimeRange range = job->ranges[job->next++];
    const QList<QPair<QString, QString>> parameters{{u"query"_s, job->expression},
                                                    {u"start"_s, seconds(range.startMs)},
                                                    {u"end"_s, seconds(range.endMs)},
                                                    {u"step"_s, seconds(job->stepMs)}};
    m_prober->probe(request(u"/api/v1/query_range"_s, parameters), 0, [this, job](const ProbeResult &probe) {
        if (!probe.ok())
            return job->done(
                Error{u"Prometheus range query failed: %1 (%2)"_s.arg(outcomeKindName(probe.kind), probe.message)});
        auto parsed = parsePromResponse(probe.httpStatus, probe.body);
        if (!parsed)
            return job->done(Error{parsed.error()});
        job->warnings << parsed->warnings;
        for (PromSeries &series : parsed->series) {
            QStringList key;
            for (auto it = series.metric.cbegin(); it != series.metric.cend(); ++it)
                key << it.key() + u'=' + it.value();
            PromSeries &merged = job->merged[key.join(u'\n')];
            merged.metric = series.metric;
            merged.points.insert(merged.points.end(), series.points.begin(), series.points.end());
        }
        runRanges(job);
    });
}

} // namespace bw
