#include "prometheus/trafficfromcounters.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace bw {

QByteArray seriesKey(const MetricSample &sample)
{
    auto labels = sample.labels;
    std::sort(labels.begin(), labels.end());
    QByteArray key = sample.name + '{';
    for (const auto &[name, value] : labels)
        key += name + "=\"" + value + "\",";
    key += '}';
    return key;
}

double TrafficFromCounters::increase(const QByteArray &key, double value)
{
    auto it = m_previous.find(key);
    const bool known = it != m_previous.end();
    const double previous = known ? *it : 0.0;
    m_previous.insert(key, value);
    if (!known || !std::isfinite(value))
        return known ? 0.0 : std::numeric_limits<double>::quiet_NaN(); // new series: baseline only
    return value >= previous ? value - previous : value;               // reset
}

std::optional<CallBatch> TrafficFromCounters::onScrape(std::int64_t t, const std::vector<MetricSample> &samples)
{
    double ok = 0;
    double failed = 0;
    // Histogram: increase of the +Inf bucket and of the largest bucket at or under the threshold.
    double histogramTotal = 0;
    double histogramFast = 0;
    double bestLe = -1;
    QHash<QByteArray, double> fastBySeries;
    const QByteArray bucketName = m_settings.durationHistogram + "_bucket";

    for (const MetricSample &sample : samples) {
        if (m_settings.requests.matches(sample)) {
            const double delta = increase(seriesKey(sample), sample.value);
            if (std::isnan(delta))
                continue;
            QByteArray code = sample.label("code");
            if (code.isEmpty())
                code = sample.label("status");
            if (m_settings.failureCodes.match(QString::fromUtf8(code)).hasMatch())
                failed += delta;
            else
                ok += delta;
        } else if (!m_settings.durationHistogram.isEmpty() && sample.name == bucketName) {
            const QByteArray le = sample.label("le");
            const double bound = le == "+Inf" ? std::numeric_limits<double>::infinity() : le.toDouble();
            const double delta = increase(seriesKey(sample), sample.value);
            if (std::isnan(delta))
                continue;
            if (std::isinf(bound)) {
                histogramTotal += delta;
            } else if (bound <= m_settings.slowThresholdSeconds) {
                // Keep, per series without `le`, the bucket with the largest bound under the threshold.
                MetricSample withoutLe = sample;
                withoutLe.labels.removeIf([](const auto &label) { return label.first == "le"; });
                const QByteArray key = seriesKey(withoutLe);
                if (bound >= bestLe) {
                    if (bound > bestLe)
                        fastBySeries.clear();
                    bestLe = bound;
                    fastBySeries.insert(key, delta);
                }
            }
        }
    }
    for (double fast : std::as_const(fastBySeries))
        histogramFast += fast;

    const std::optional<std::int64_t> from = m_lastT;
    m_lastT = t;
    if (!from || t <= *from)
        return std::nullopt;
    CallBatch batch;
    batch.t0 = *from;
    batch.t1 = t;
    const auto okCalls = static_cast<std::int64_t>(std::llround(ok));
    batch.failures = static_cast<std::int64_t>(std::llround(failed));
    const auto slowCalls = m_settings.durationHistogram.isEmpty()
                               ? std::int64_t{0}
                               : static_cast<std::int64_t>(std::llround(std::max(0.0, histogramTotal - histogramFast)));
    batch.slow = std::min(slowCalls, okCalls); // slow failures are already failures
    batch.successes = okCalls - batch.slow;
    batch.fastLatencyMs = 0;
    batch.slowLatencyMs = static_cast<float>(m_settings.slowThresholdSeconds * 1000.0 + 1.0);
    return batch;
}

} // namespace bw
