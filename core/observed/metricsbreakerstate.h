#pragma once

#include "breaker/breakerstate.h"
#include "prometheus/metricsample.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <cstdint>
#include <optional>
#include <vector>

namespace bw {

// A breaker state read from one scrape's gauges.
struct MetricBreakerState
{
    QString name;     // Resilience4j: the name label; the common gauge: the service label (or name)
    QString endpoint; // the common gauge's endpoint label; empty for Resilience4j
    BreakerState state = BreakerState::Closed;
    std::optional<std::int64_t> timestampMs; // the sample's own timestamp, if the page had one

    bool operator==(const MetricBreakerState &) const = default;
};

struct MetricBreakerStates
{
    QList<MetricBreakerState> states; // in page order of first appearance
    QStringList problems;             // series that could not be read; the others are still returned
};

// Reads breaker state gauges from parsed samples. Pure functions; bad series become `problems`.
class MetricsBreakerState
{
public:
    // resilience4j_circuitbreaker_state{name, state} one-hot over closed|open|half_open|forced_open|disabled|
    // metrics_only. A name with no series at 1, or several, is a problem.
    static MetricBreakerStates resilience4j(const std::vector<MetricSample> &samples);

    // <prefix>_circuit_breaker_state{service, endpoint} with 0 = closed, 1 = open, 2 = half-open, any prefix
    // (and none). Other values are problems.
    static MetricBreakerStates prefixedGauge(const std::vector<MetricSample> &samples);
};

} // namespace bw
