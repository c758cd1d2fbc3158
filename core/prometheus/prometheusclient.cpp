#include "prometheus/prometheusclient.h"

#include <QUrlQuery>

#include <algorithm>
#include <map>

using namespace Qt::StringLiterals;

namespace bw {

struct RangeJob
{
    QString expression;
    std::vector<TimeRange> ranges;
    std::vector<std::vector<PromSeries>> answers; // per range, merged in range order once all have come
    std::size_t next = 0;                         // the next range to ask
    std::size_t answered = 0;
    std::size_t inFlightLimit = 1;
    std::int64_t stepMs = 0;
    bool failed = false;
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
                                  std::int64_t stepMs, Callback done, int pieces)
{
    if (stepMs <= 0 || endMs < startMs)
        return done(Error{u"a range query needs start <= end and a positive step"_s});
    const std::int64_t points = (endMs - startMs) / stepMs + 1;
    const std::int64_t parts = std::clamp<std::int64_t>(pieces, 1, points);
    auto job = std::make_shared<RangeJob>();
    job->expression = expression;
    job->ranges =
        splitRange(startMs, endMs, stepMs, std::min<std::int64_t>(kMaxPointsPerQuery, (points + parts - 1) / parts));
    job->answers.resize(job->ranges.size());
    job->inFlightLimit = static_cast<std::size_t>(parts);
    job->stepMs = stepMs;
    job->done = std::move(done);
    runRanges(job);
}

void PrometheusClient::runRanges(const std::shared_ptr<RangeJob> &job)
{
    while (job->next < job->ranges.size() && job->next - job->answered < job->inFlightLimit)
        askRange(job, job->next++);
}

void PrometheusClient::askRange(const std::shared_ptr<RangeJob> &job, std::size_t index)
{
    const TimeRange range = job->ranges[index];
    const QList<QPair<QString, QString>> parameters{{u"query"_s, job->expression},
                                                    {u"start"_s, seconds(range.startMs)},
                                                    {u"end"_s, seconds(range.endMs)},
                                                    {u"step"_s, seconds(job->stepMs)}};
    m_prober->probe(request(u"/api/v1/query_range"_s, parameters), 0, [this, job, index](const ProbeResult &probe) {
        if (job->failed)
            return; // the first failure has answered for the whole range
        auto parsed = probe.ok() ? parsePromResponse(probe.httpStatus, probe.body)
                                 : Result<PromQueryResult>(Error{u"Prometheus range query failed: %1 (%2)"_s.arg(
                                       outcomeKindName(probe.kind), probe.message)});
        if (!parsed) {
            job->failed = true;
            return job->done(Error{parsed.error()});
        }
        job->warnings << parsed->warnings;
        job->answers[index] = std::move(parsed->series);
        if (++job->answered < job->ranges.size())
            return runRanges(job);
        std::map<QString, PromSeries> merged; // by the series' labels, serialised
        for (std::vector<PromSeries> &answer : job->answers) {
            for (PromSeries &series : answer) {
                QStringList key;
                for (auto it = series.metric.cbegin(); it != series.metric.cend(); ++it)
                    key << it.key() + u'=' + it.value();
                PromSeries &into = merged[key.join(u'\n')];
                into.metric = series.metric;
                into.points.insert(into.points.end(), series.points.begin(), series.points.end());
            }
            answer = {};
        }
        PromQueryResult result;
        result.type = PromQueryResult::Type::Matrix;
        result.warnings = job->warnings;
        for (auto &[key, series] : merged)
            result.series.push_back(std::move(series));
        job->done(result);
    });
}

} // namespace bw
