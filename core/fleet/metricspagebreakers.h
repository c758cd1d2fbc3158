#pragma once

#include "fleet/breakerreading.h"
#include "observed/opossumcountertracker.h"
#include "prometheus/metricsample.h"

#include <QHash>
#include <QStringList>

#include <vector>

namespace bw {

// Finds every breaker on one instance's metrics page, whatever its library, and what each one did since the
// previous scrape. The metric family decides the kind:
// - Resilience4j: resilience4j_circuitbreaker_state{name,state} one-hot; its calls from
//   resilience4j_circuitbreaker_calls_seconds_count{name,kind} (or _calls_total), kind successful | failed |
//   ignored, and resilience4j_circuitbreaker_not_permitted_calls_total; failure_rate (-1 until minimum calls);
// - opossum-prometheus: circuit{name,event} (OpossumCounterTracker), its calls from success/failure/reject;
// - the common gauge <prefix>_circuit_breaker_state, named by its `name` label (else `service`, with the
//   `endpoint` label when there is one).
// Counter deltas need the previous scrape, so one instance keeps one object. Pure: time comes with each scrape.
class MetricsPageBreakers
{
public:
    struct Read
    {
        QList<BreakerReading> breakers; // page order within each family: Resilience4j, opossum, gauges
        QStringList problems;           // series that could not be read; the others are still returned
    };

    Read read(const std::vector<MetricSample> &samples, std::int64_t nowMs);

private:
    struct Counters
    {
        double successful = 0;
        double failed = 0;
        double notPermitted = 0;
        std::int64_t atMs = 0;
    };
    OpossumCounterTracker m_opossum;
    QHash<QString, Counters> m_resilience4j; // by breaker name, the previous scrape's counters
};

} // namespace bw
