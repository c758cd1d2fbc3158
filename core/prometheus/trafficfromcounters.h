#pragma once

#include "breaker/calloutcome.h"
#include "common/result.h"
#include "prometheus/metricsample.h"
#include "prometheus/seriesselector.h"

#include <QHash>
#include <QRegularExpression>

#include <optional>
#include <vector>

namespace bw {

// Turns successive scrapes of request counters into call batches for a breaker:
// - requests: a counter selector such as http_requests_total{job="api"}; a series whose `code` (or `status`)
//   label matches failureCodes counts as failures;
// - durationHistogram (optional): <name>_bucket{le}; calls slower than the slow threshold are the count above the
//   largest bucket bound <= the threshold (so it may count a few calls just under the threshold as slow);
// - counter resets (a value lower than last time) count the new value as the increase, as Prometheus' rate() does.
// The first scrape only sets the baseline. Pure: time comes with each scrape.
class TrafficFromCounters
{
public:
    struct Settings
    {
        SeriesSelector requests;
        QRegularExpression failureCodes{QStringLiteral("^(?:5..)$")};
        QByteArray durationHistogram; // base name, without _bucket
        double slowThresholdSeconds = 0;
    };

    explicit TrafficFromCounters(Settings settings) : m_settings(std::move(settings)) {}

    // A batch covering (previous scrape, t]; nullopt for the first scrape or when time did not advance.
    std::optional<CallBatch> onScrape(std::int64_t t, const std::vector<MetricSample> &samples);

private:
    double increase(const QByteArray &key, double value);

    Settings m_settings;
    QHash<QByteArray, double> m_previous;
    std::optional<std::int64_t> m_lastT;
};

// name{k="v",...} with labels sorted: identifies a series regardless of label order.
QByteArray seriesKey(const MetricSample &sample);

} // namespace bw
