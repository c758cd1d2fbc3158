#pragma once

#include "fleet/breakerreading.h"
#include "fleet/metricspagebreakers.h"
#include "prometheus/promqlresponse.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <cstdint>
#include <map>

namespace bw {

// Turns the answers of a Prometheus server to a fixed set of instant queries into the per-breaker readings a
// direct scrape of each instance would give (MetricsPageBreakers), grouped by job (the service) and instance.
//
// One query per metric family and interval, whatever the number of breakers (queries()):
// - Resilience4j: the state gauge (`== 1`, one series per breaker), failure_rate, and the calls and not-permitted
//   counters as sum by (job, instance, name[, kind]) (increase(...[interval])): the calls of the interval that
//   ends at the query's time, the batch each breaker's simulation is fed;
// - opossum-prometheus: the counter `circuit{name,event}` itself, since its state is inferred from how the
//   open/close/success/reject counts moved since the previous interval (OpossumCounterTracker);
// - the common gauge <prefix>_circuit_breaker_state.
// The optional selector's matchers are added to every query.
//
// Keeps, per instance, what a direct scrape keeps (opossum's previous counts). Pure: time comes with each read.
class PrometheusFleetReader
{
public:
    enum class Family : std::uint8_t
    {
        Resilience4jState,
        Resilience4jCalls,
        Resilience4jNotPermitted,
        Resilience4jFailureRate,
        Opossum,
        Gauge,
    };
    struct Query
    {
        Family family = Family::Resilience4jState;
        QString expression;
    };
    // The queries of one interval. `selector` as the configuration holds it (`{env="prod"}` or empty).
    static QList<Query> queries(const QString &selector, std::int64_t intervalMs);
    // The selector's matchers to append to a query's own: `{env="prod"}` -> `,env="prod"`; empty for none.
    static QString extraMatchers(const QString &selector);

    struct InstanceReadings
    {
        QString job;      // the service
        QString instance; // host:port, as Prometheus names the target
        QList<BreakerReading> breakers;
        QStringList problems; // series that could not be read (as MetricsPageBreakers reports them)
    };
    struct Read
    {
        QList<InstanceReadings> instances; // ordered by job, instance
        int series = 0;                    // series in the answers, for people
    };

    // The answers of one interval's queries (every family queries() gave), evaluated at nowMs; `intervalMs` is the
    // span the increase() queries covered. Series without a job or instance label are not breakers of a target and
    // are skipped.
    Read read(const std::map<Family, PromQueryResult> &answers, std::int64_t nowMs, std::int64_t intervalMs);

    qsizetype instanceCount() const { return m_pages.size(); }

private:
    QHash<QString, MetricsPageBreakers> m_pages; // by "job\ninstance"
};

} // namespace bw
