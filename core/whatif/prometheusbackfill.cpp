#include "whatif/prometheusbackfill.h"

#include "breaker/batchcalls.h"
#include "probe/httpprober.h"
#include "prometheus/prometheusclient.h"

#include <QDateTime>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

using namespace Qt::StringLiterals;

namespace bw {

namespace {

using Points = std::map<std::int64_t, double>; // t -> value summed over the series

Points summed(const PromQueryResult &result)
{
    Points points;
    for (const PromSeries &series : result.series)
        for (const auto &[t, value] : series.points)
            if (std::isfinite(value))
                points[t] += value;
    return points;
}

QString utcText(std::int64_t ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODate);
}

QString rangeText(std::int64_t fromMs, std::int64_t toMs)
{
    const QDateTime from = QDateTime::fromMSecsSinceEpoch(fromMs);
    const QDateTime to = QDateTime::fromMSecsSinceEpoch(toMs);
    const QString toFormat = from.date() == to.date() ? u"HH:mm"_s : u"yyyy-MM-dd HH:mm"_s;
    return u"%1–%2"_s.arg(from.toString(u"yyyy-MM-dd HH:mm"_s), to.toString(toFormat));
}

// Turns exact (fractional) amounts into whole counts whose running total follows the rounded running sum. A count
// held back by `cap` (failures in a step with fewer calls) is carried to the next step that has room.
class CumulativeRounder
{
public:
    std::int64_t add(double amount, std::int64_t cap = std::numeric_limits<std::int64_t>::max())
    {
        m_sum += std::max(0.0, amount);
        const auto total = static_cast<std::int64_t>(std::llround(m_sum));
        const std::int64_t count = std::clamp<std::int64_t>(total - m_emitted, 0, std::max<std::int64_t>(0, cap));
        m_emitted += count;
        return count;
    }

private:
    double m_sum = 0;
    std::int64_t m_emitted = 0;
};

// Per point: the amount of the step that ends there, as rate * step or as the counter's increase. Only steps inside
// the range count: a rate point at `from` covers the step before it, a counter's first point is its baseline.
std::vector<std::pair<std::int64_t, double>> amounts(const Points &points, bool counters, std::int64_t fromMs,
                                                     std::int64_t stepMs)
{
    std::vector<std::pair<std::int64_t, double>> out;
    std::optional<double> previous;
    for (const auto &[t, value] : points) {
        if (!counters) {
            if (t - stepMs >= fromMs)
                out.emplace_back(t, value * static_cast<double>(stepMs) / 1000.0);
            continue;
        }
        if (previous)
            out.emplace_back(t, value >= *previous ? value - *previous : value);
        previous = value;
    }
    return out;
}

} // namespace

Status BackfillRequest::validate() const
{
    if (!server.url.isValid() || server.url.scheme().isEmpty() || server.url.host().isEmpty())
        return Error{u"the Prometheus URL \"%1\" is not a valid http(s) URL"_s.arg(server.url.toString())};
    if (requestsQuery.trimmed().isEmpty())
        return Error{u"a requests query is needed"_s};
    if (failuresQuery.trimmed().isEmpty() == errorRatioQuery.trimmed().isEmpty())
        return Error{u"give exactly one of a failures query or an error ratio query"_s};
    if (stepMs <= 0)
        return Error{u"the step must be positive, got %1 ms"_s.arg(stepMs)};
    if (fromMs >= toMs)
        return Error{u"empty range: %1 is not before %2"_s.arg(utcText(fromMs), utcText(toMs))};
    if (outageMinSteps < 1 || !(outageFailureRatio > 0 && outageFailureRatio <= 1))
        return Error{u"outages need at least 1 step and a failure ratio in (0, 1]"_s};
    return success();
}

QString BackfillRequest::sourceKey() const
{
    const QString failures = failuresQuery.isEmpty() ? u"ratio="_s + errorRatioQuery : failuresQuery;
    const QString queries =
        QStringList{requestsQuery, failures, upQuery, counters ? u"counters"_s : u"rates"_s}.join(u'|');
    return u"prometheus:%1:%2:%3:%4:%5"_s.arg(server.url.toString(QUrl::RemoveUserInfo), queries)
        .arg(fromMs)
        .arg(toMs)
        .arg(stepMs);
}

Result<ReplayHistory> historyFromPrometheus(const BackfillRequest &request, const BackfillData &data)
{
    if (const Status valid = request.validate(); !valid)
        return Error{valid.error()};
    const Points requests = summed(data.requests);
    if (requests.empty())
        return Error{u"the requests query `%1` returned no data between %2 and %3"_s.arg(
            request.requestsQuery, utcText(request.fromMs), utcText(request.toMs))};

    ReplayHistory history;
    history.originMs = request.fromMs;
    history.endMs = request.toMs - request.fromMs;
    history.label = u"%1, %2 (Prometheus)"_s.arg(request.service.isEmpty() ? u"prometheus"_s : request.service,
                                                 rangeText(request.fromMs, request.toMs));
    history.sourceKey = request.sourceKey();

    const bool byRatio = request.failuresQuery.isEmpty();
    const Points failures = byRatio ? Points{} : (data.failures ? summed(*data.failures) : Points{});
    const Points ratios = byRatio && data.errorRatio ? summed(*data.errorRatio) : Points{};
    if ((byRatio ? ratios : failures).empty())
        history.notes << u"the %1 query returned no data: counted as no failures"_s.arg(byRatio ? u"error ratio"_s
                                                                                                : u"failures"_s);

    // Failure amounts by the point they end at (counters: the increase since the failures series' previous point).
    std::map<std::int64_t, double> failureAmount;
    for (const auto &[t, amount] : amounts(failures, request.counters, request.fromMs, request.stepMs))
        failureAmount[t] = amount;

    CumulativeRounder callRounder;
    CumulativeRounder failureRounder;
    std::vector<Observation> steps; // one per step for the outage rule; t = the step's start
    std::int64_t previousT = requests.begin()->first;
    std::int64_t callsTotal = 0;
    for (const auto &[t, amount] : amounts(requests, request.counters, request.fromMs, request.stepMs)) {
        const std::int64_t stepStart = request.counters ? previousT : t - request.stepMs;
        previousT = t;
        double failed = 0;
        if (byRatio) {
            const auto ratio = ratios.find(t);
            failed = ratio == ratios.end() ? 0.0 : std::clamp(ratio->second, 0.0, 1.0) * std::max(0.0, amount);
        } else if (const auto found = failureAmount.find(t); found != failureAmount.end()) {
            failed = found->second;
        }
        CallBatch batch;
        batch.t0 = stepStart - request.fromMs;
        batch.t1 = t - request.fromMs;
        const std::int64_t calls = callRounder.add(amount);
        if (callsTotal + calls > request.maxCalls)
            return Error{u"%1 between %2 and %3 holds more than %4 calls; replay a shorter range"_s.arg(
                request.requestsQuery, utcText(request.fromMs), utcText(request.toMs),
                QString::number(request.maxCalls))};
        batch.failures = failureRounder.add(failed, calls);
        batch.successes = calls - batch.failures;
        forEachCallInBatch(batch, [&](const CallOutcome &call) { history.stream.events.push_back(call); });
        callsTotal += calls;

        Observation step;
        step.t = batch.t0;
        if (calls > 0)
            step.outcome =
                static_cast<double>(batch.failures) >= request.outageFailureRatio * static_cast<double>(calls)
                    ? PollOutcome::Failed
                    : PollOutcome::Ok;
        steps.push_back(step);
    }
    if (callsTotal == 0)
        return Error{u"the requests query `%1` shows no requests between %2 and %3: nothing to replay"_s.arg(
            request.requestsQuery, utcText(request.fromMs), utcText(request.toMs))};

    if (data.up && !request.upQuery.isEmpty()) {
        const Points up = summed(*data.up);
        if (up.empty())
            history.notes << u"the up query returned no data: no outages"_s;
        std::vector<Observation> points;
        for (const auto &[t, value] : up) {
            Observation point;
            point.t = t - request.fromMs;
            point.outcome = value > 0 ? PollOutcome::Ok : PollOutcome::Failed;
            points.push_back(point);
        }
        history.outages = outagesFromPolls(points, 1);
    } else {
        Observation end; // the end of the data: the last step's end
        end.t = previousT - request.fromMs;
        steps.push_back(end);
        history.outages = outagesFromPolls(steps, request.outageMinSteps);
    }
    if (const auto expected = (request.toMs - request.fromMs) / request.stepMs + 1;
        static_cast<std::int64_t>(requests.size()) < expected)
        history.notes
            << u"%1 of %2 steps without request data"_s.arg(expected - std::int64_t(requests.size())).arg(expected);
    return history;
}

// ---------------------------------------------------------------------------------------------- the async part

struct PrometheusBackfill::Job
{
    BackfillRequest request;
    BackfillData data;
    std::unique_ptr<HttpProber> prober;
    std::unique_ptr<PrometheusClient> client;
    int next = 0; // index into the queries below
    QStringList queries;
};

PrometheusBackfill::PrometheusBackfill(QNetworkAccessManager *network, QObject *parent)
    : QObject(parent), m_network(network)
{}

PrometheusBackfill::~PrometheusBackfill() = default;

bool PrometheusBackfill::isRunning() const
{
    return m_job != nullptr;
}

void PrometheusBackfill::start(const BackfillRequest &request)
{
    retireJob(); // a previous run ends without a finished()
    if (const Status valid = request.validate(); !valid) {
        Q_EMIT finished(Error{valid.error()});
        return;
    }
    auto job = std::make_unique<Job>();
    job->request = request;
    job->prober = std::make_unique<HttpProber>(m_network);
    job->client = std::make_unique<PrometheusClient>(job->prober.get(), request.server);
    job->queries << request.requestsQuery
                 << (request.failuresQuery.isEmpty() ? request.errorRatioQuery : request.failuresQuery);
    if (!request.upQuery.isEmpty())
        job->queries << request.upQuery;
    m_job = std::move(job);
    Q_EMIT progress(0.0);
    runNext();
}

void PrometheusBackfill::cancel()
{
    if (!m_job)
        return;
    retireJob();
    Q_EMIT finished(Error{u"the Prometheus backfill was cancelled"_s});
}

void PrometheusBackfill::runNext()
{
    Job *job = m_job.get();
    const int index = job->next;
    const QString query = job->queries.at(index);
    // The client lives as long as the job; destroying it aborts this query without calling back.
    job->client->queryRange(
        query, job->request.fromMs, job->request.toMs, job->request.stepMs,
        [this, job, index, query](const Result<PromQueryResult> &result) {
            if (m_job.get() != job)
                return;
            if (!result) {
                finish(Error{u"query `%1` at %2: %3"_s.arg(
                    query, job->request.server.url.toString(QUrl::RemoveUserInfo), result.error())});
                return;
            }
            if (index == 0)
                job->data.requests = *result;
            else if (index == 1 && !job->request.failuresQuery.isEmpty())
                job->data.failures = *result;
            else if (index == 1)
                job->data.errorRatio = *result;
            else
                job->data.up = *result;
            job->next = index + 1;
            Q_EMIT progress(double(job->next) / double(job->queries.size()));
            if (job->next < job->queries.size())
                runNext();
            else
                finish(historyFromPrometheus(job->request, job->data));
        });
}

void PrometheusBackfill::finish(const Result<ReplayHistory> &history)
{
    retireJob();
    Q_EMIT finished(history);
}

void PrometheusBackfill::retireJob()
{
    if (!m_job)
        return;
    // We may be inside the client's callback (or a slot of progress()): the client goes once that has returned.
    // Its query is aborted then; until then an answer finds m_job changed and is dropped.
    QMetaObject::invokeMethod(
        this, [job = std::shared_ptr<Job>(std::move(m_job))] {}, Qt::QueuedConnection);
}

} // namespace bw
