#pragma once

#include "config/config.h"
#include "fleet/prometheusfleetreader.h"
#include "fleet/prometheushistory.h"
#include "prometheus/prometheusclient.h"

#include <QMetaType>
#include <QObject>
#include <QTimer>

#include <functional>
#include <memory>

namespace bw {

// How a Prometheus server that is a source of breakers answered lately, for the status bar, a tooltip and serve.
// A value type.
struct PrometheusSourceStatus
{
    enum class Health : std::uint8_t
    {
        Unknown, // not asked yet
        Ok,
        Partial, // answered, with warnings (e.g. a Thanos store or a Mimir querier was missing)
        Down,    // unreachable, too slow, or an error envelope: the breakers it showed are stale
    };
    QString url;
    Health health = Health::Unknown;
    QString problem;                  // what went wrong, or the warnings; empty when Ok
    std::int64_t lastAttemptMs = -1;  // the latest interval's query time
    std::int64_t lastAnsweredMs = -1; // the latest interval every query answered
    int queriesPerInterval = 0;
    int instances = 0; // in the latest answer
    int breakers = 0;
    int series = 0;
    // The past read back with query_range: from here to the first live answer (-1: none yet), and whether a read is
    // out (at start, or the timeline scrolled back past it).
    std::int64_t historyFromMs = -1;
    bool historyReading = false;

    bool operator==(const PrometheusSourceStatus &) const = default;
};

QString healthName(PrometheusSourceStatus::Health health); // "unknown", "ok", "partial", "down"

// Asks a Prometheus-compatible server every interval for every breaker it knows of: one instant query per metric
// family (PrometheusFleetReader::queries()), all evaluated at the same time, never one per breaker. When every
// query of an interval has answered, emits `answered` with the readings of each job/instance; when one failed (down,
// timeout, error envelope), emits `failed` instead and the readings wait for the next interval. An interval whose
// queries are still out when the next one is due is not overlapped: that tick is skipped. After its first answered
// interval it reads the last prometheus.breakers.history of states once (PrometheusHistory, six queries, beside
// the live ones) and emits `historyRead`; a failure there is logged and changes nothing else. readHistoryFrom() reads
// further back the same way, when a timeline is scrolled past what was read.
//
// Owns its timer and client; the prober is not owned. Lives in the prober's thread. Time comes from the clock
// given.
class PrometheusBreakerSource final : public QObject
{
    Q_OBJECT
public:
    using Clock = std::function<std::int64_t()>;

    // `intervalMs`: prometheus.breakers.interval, or global.interval when that is unset. Each request's deadline is
    // the server's timeout, at most the interval.
    PrometheusBreakerSource(HttpProber *prober, Clock clock, const PrometheusServerConfig &server,
                            std::int64_t intervalMs, QObject *parent = nullptr);
    ~PrometheusBreakerSource() override;

    void start();
    void stop();
    // Asks now (unless an interval's queries are still out), then every interval from here.
    void pollNow();

    // How far back readHistoryFrom() reads: what the monitor keeps of a real breaker's past.
    static constexpr std::int64_t kMaxHistoryBackMs = 24LL * 3600 * 1000;
    // Each history range query is asked as this many pieces at once: the server evaluates a query on one core, and
    // hours of thousands of breakers take it seconds.
    static constexpr int kHistoryQueryPieces = 4;
    // Reads the states of [startMs, what was read) from the server, if startMs is before it (a timeline scrolled
    // back); at most kMaxHistoryBackMs before now, one read at a time (a wish made meanwhile waits, the earliest
    // wins). Does nothing when prometheus.breakers.history is off, and waits for the first history read.
    void readHistoryFrom(std::int64_t startMs);

    std::int64_t intervalMs() const { return m_intervalMs; }
    const PrometheusServerConfig &server() const { return m_server; }
    const PrometheusSourceStatus &status() const { return m_status; }

Q_SIGNALS:
    void answered(const bw::PrometheusFleetReader::Read &read, std::int64_t atMs);
    void failed(const QString &problem, std::int64_t atMs);
    void historyRead(const QList<bw::PrometheusHistory::BreakerPast> &past);
    void statusChanged(const bw::PrometheusSourceStatus &status);

private:
    struct Round;
    struct HistoryReading;
    void ask();
    void finish(Round &round);
    void askHistory(std::int64_t startMs, std::int64_t endMs);
    void historyDone(const HistoryReading &reading);
    void forgetHistoryRead(const HistoryReading &reading, bool stopping);

    Clock m_clock;
    PrometheusServerConfig m_server;
    std::int64_t m_intervalMs;
    QList<PrometheusFleetReader::Query> m_queries;
    std::unique_ptr<PrometheusClient> m_client;
    std::unique_ptr<PrometheusClient> m_historyClient; // the server's own timeout, not the interval
    PrometheusFleetReader m_reader;
    QTimer m_timer;
    std::shared_ptr<Round> m_round; // the interval whose queries are out, if any
    bool m_historyAsked = false;
    std::shared_ptr<HistoryReading> m_history; // the history's queries, while out
    std::int64_t m_historyWantedFromMs = -1;   // a read further back asked for while one was out
    PrometheusSourceStatus m_status;
};

} // namespace bw

Q_DECLARE_METATYPE(bw::PrometheusSourceStatus)
