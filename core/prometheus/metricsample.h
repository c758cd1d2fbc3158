#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>

#include <cstdint>
#include <optional>

namespace bw {

// One materialised sample of a Prometheus/OpenMetrics page: the full series name (with _total, _bucket, ...
// suffixes as written), labels in the order written, value, optional timestamp in ms. A value type.
struct MetricSample
{
    QByteArray name;
    QList<QPair<QByteArray, QByteArray>> labels; // unescaped values
    double value = 0;
    std::optional<std::int64_t> timestampMs;

    QByteArray label(QByteArrayView key) const
    {
        for (const auto &[k, v] : labels) {
            if (k == key)
                return v;
        }
        return {};
    }
    bool hasLabel(QByteArrayView key) const
    {
        for (const auto &entry : labels) {
            if (entry.first == key)
                return true;
        }
        return false;
    }
};

enum class MetricType : std::uint8_t
{
    Unknown,
    Counter,
    Gauge,
    Histogram,
    GaugeHistogram,
    Summary,
    Info,
    StateSet
};

// A metric family's metadata (HELP/TYPE/UNIT) as declared on the page.
struct MetricFamilyInfo
{
    QByteArray name;
    MetricType type = MetricType::Unknown;
    QByteArray help;
    QByteArray unit;
};

} // namespace bw
