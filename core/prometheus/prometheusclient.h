#pragma once

#include "config/config.h"
#include "probe/httpprober.h"
#include "prometheus/promqlresponse.h"

#include <QObject>

#include <functional>

namespace bw {

// Instant and range queries against a Prometheus-compatible server (Prometheus, Thanos, Mimir, VictoriaMetrics).
// Range queries over more than 11,000 points per series are split and the pieces merged per series. Uses the
// prober's deadline, body limit, auth and TLS. Lives in the prober's thread; each call ends in one callback.
class PrometheusClient final : public QObject
{
    Q_OBJECT
public:
    using Callback = std::function<void(const Result<PromQueryResult> &)>;

    PrometheusClient(HttpProber *prober, PrometheusServerConfig server, QObject *parent = nullptr);

    void query(const QString &expression, std::optional<std::int64_t> timeMs, Callback done);
    // `pieces` > 1 splits the span into at least that many ranges, that many asked at once: a server evaluates
    // each query on one core, so a long span read in pieces comes back sooner. The answer is the same.
    void queryRange(const QString &expression, std::int64_t startMs, std::int64_t endMs, std::int64_t stepMs,
                    Callback done, int pieces = 1);

    static constexpr std::int64_t kMaxPointsPerQuery = 11'000; // Prometheus refuses more per series

private:
    ProbeRequest request(const QString &path, const QList<QPair<QString, QString>> &query) const;
    void runRanges(const std::shared_ptr<struct RangeJob> &job);
    void askRange(const std::shared_ptr<struct RangeJob> &job, std::size_t index);

    HttpProber *m_prober;
    PrometheusServerConfig m_server;
};

} // namespace bw
