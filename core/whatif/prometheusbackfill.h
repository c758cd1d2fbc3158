#pragma once

#include "common/result.h"
#include "config/config.h"
#include "prometheus/promqlresponse.h"
#include "whatif/replayhistory.h"

#include <QObject>
#include <QString>

#include <cstdint>
#include <memory>
#include <optional>

class QNetworkAccessManager;

namespace bw {

class HttpProber;
class PrometheusClient;

// What to backfill a service's history from. Every query is run as one query_range over [fromMs, toMs] at stepMs
// (split by PrometheusClient when long); when a query returns several series their values are summed per step.
//
// Rates (the default, counters == false):
//   requestsQuery  per-second request rate, e.g. sum(rate(http_requests_total{job="checkout"}[1m]))
//   failuresQuery  per-second failure rate, e.g. sum(rate(http_requests_total{job="checkout",code=~"5.."}[1m]))
//   The point at t covers the step (t - step, t]: it holds rate * step / 1000 calls. The counts are rounded
//   cumulatively (calls up to a point = round(sum of rate * step so far)), so the total of a range is within one
//   call of the sum of rate * step, however many steps there are; the same for failures.
// Counters (counters == true):
//   requestsQuery  a cumulative request count, e.g. sum(http_requests_total{job="checkout"})
//   failuresQuery  a cumulative failure count
//   The increase from one point to the next is the calls of (previous t, t]; a value lower than the previous one is
//   a counter reset and counts as the increase, as rate() and live metrics (TrafficFromCounters) do. The first
//   point is the baseline. The totals are exact (the increases add up to the counter's growth, whatever the step);
//   with the step at the scrape interval each call also lands within a step of when it was counted.
// errorRatioQuery can stand in for failuresQuery: the failed fraction (0..1) of each step's requests.
// A failures query that returns nothing means no failures (a note says so); a requests query that returns nothing,
// or only zeros, is an error.
//
// Each step's counts become a CallBatch and its calls come from forEachCallInBatch (breaker/batchcalls.h), as live
// metrics feed the simulated breaker: spread evenly over the step, failures interleaved, latency 0.
//
// Outages: with upQuery, runs of steps whose (summed) value is 0, from the first such point to the next point
// above 0 (or the end of the data); use min(up{...}) if one instance down should count. Without it, runs of at
// least outageMinSteps steps whose failure ratio is >= outageFailureRatio, from the start of the first such step to
// the start of the first step below it (or the end of the data); steps without calls neither start nor end one.
struct BackfillRequest
{
    PrometheusServerConfig server; // url, auth, TLS and per-request deadline, as PrometheusClient takes them
    QString requestsQuery;
    QString failuresQuery;
    QString errorRatioQuery;
    QString upQuery; // optional
    bool counters = false;
    std::int64_t fromMs = 0; // epoch ms
    std::int64_t toMs = 0;
    std::int64_t stepMs = 15'000;
    QString service; // for the label
    double outageFailureRatio = 0.5;
    int outageMinSteps = 3;
    // A call costs 16 bytes in the stream: past this many the conversion stops with an error that names the total
    // (1000 requests/s over 6 h is 21.6 million calls).
    std::int64_t maxCalls = 20'000'000;

    // Names what is missing or inconsistent (no URL, no requests query, both or neither failure query, bad range).
    Status validate() const;
    QString sourceKey() const; // "prometheus:<url>:<queries>:<t0>:<t1>:<step>"
};

// The answers of the request's queries (matrices, as parsePromResponse returns them).
struct BackfillData
{
    PromQueryResult requests;
    std::optional<PromQueryResult> failures;   // of failuresQuery
    std::optional<PromQueryResult> errorRatio; // of errorRatioQuery
    std::optional<PromQueryResult> up;         // of upQuery
};

// The pure conversion: matrices to the history a what-if replays (originMs = fromMs, endMs = toMs - fromMs).
Result<ReplayHistory> historyFromPrometheus(const BackfillRequest &request, const BackfillData &data);

// Runs the request's range queries one after the other and converts them. Lives in the thread of `network` (not
// owned; must outlive it), the GUI's or the CLI's: nothing blocks, everything arrives through the event loop.
// Each start() ends in exactly one finished(), unless start() is called again first (the older run then ends
// silently): cancel() emits finished() with a "cancelled" error at once and drops whatever the queries in flight
// still bring (they are aborted when control returns to the event loop). start() and cancel() may be called from
// slots of these signals. Errors name the query and what
// Prometheus (or the network) said.
class PrometheusBackfill final : public QObject
{
    Q_OBJECT
public:
    explicit PrometheusBackfill(QNetworkAccessManager *network, QObject *parent = nullptr);
    ~PrometheusBackfill() override;

    void start(const BackfillRequest &request);
    void cancel();
    bool isRunning() const;

Q_SIGNALS:
    void progress(double fraction); // 0..1, after each query
    void finished(const bw::Result<bw::ReplayHistory> &history);

private:
    struct Job;
    void runNext();
    void finish(const Result<ReplayHistory> &history);
    void retireJob();

    QNetworkAccessManager *m_network;
    std::unique_ptr<Job> m_job;
};

} // namespace bw
