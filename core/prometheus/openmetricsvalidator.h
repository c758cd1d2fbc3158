#pragma once

#include "prometheus/expositiontext.h"
#include "prometheus/metricsample.h"
#include "prometheus/sampleview.h"

#include <QString>

#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace bw {

// The OpenMetrics 1.0 rules above the line syntax, as the reference parser (prometheus_client) and the
// conformance suite apply them: metadata before samples and at most once each, families contiguous and their
// names not clashing, series groups contiguous with consistent, non-decreasing timestamps, type-specific labels
// (le, quantile, stateset label) and values (counters, buckets, info, stateset), exemplars only on buckets and
// counter totals, histogram bucket order, +Inf bucket, _count/_sum pairing. Fed line by line by
// OpenMetricsReader; each call returns false with error() set. One page at a time; not thread-safe.
class OpenMetricsValidator
{
public:
    enum class Metadata : std::uint8_t
    {
        Help,
        Type,
        Unit
    };

    void reset();
    // For Type, text is the type word; the parsed type is returned through `type`.
    bool metadata(Metadata kind, std::string_view family, std::string_view text, qsizetype line,
                  MetricType *type = nullptr);
    bool sample(const SampleView &sample, std::optional<double> timestampSeconds, bool hasExemplar);
    // After "# EOF": closes the last family.
    bool finish();

    const QString &error() const { return m_error; }

private:
    struct Histogram
    {
        bool active = false;
        std::string group;
        std::optional<double> timestamp;
        bool hasBucket = false;
        double lastLe = 0;
        double lastBucketValue = 0;
        std::optional<double> count;
        bool hasSum = false;
        bool hasGsum = false;
        bool negativeBuckets = false;
        bool negativeGsum = false;
        qsizetype lastLine = 0;
    };

    bool startFamily(std::string_view name, std::optional<MetricType> type, qsizetype line);
    bool closeFamily();
    bool checkHistogram();
    bool belongsToFamily(std::string_view name) const;
    void buildGroupKey(const SampleView &sample, std::string_view excluded);
    bool fail(qsizetype line, const QString &message);

    // Current family.
    bool m_active = false;
    std::string m_name;
    std::optional<MetricType> m_type; // nullopt: no TYPE line (yet)
    bool m_hasHelp = false;
    bool m_hasUnit = false;
    std::string m_unit;
    bool m_hasSamples = false;
    qsizetype m_firstLine = 0;

    // Series groups of the current family.
    bool m_hasGroup = false;
    std::string m_group;
    std::string m_candidate;
    std::optional<double> m_groupTimestamp;
    std::unordered_set<std::string, expositiontext::SeededHash> m_seenGroups;
    Histogram m_histogram;

    std::unordered_set<std::string, expositiontext::SeededHash> m_seenNames; // every family name (+ suffixes)
    std::vector<const LabelView *> m_sorted;
    QString m_error;
};

} // namespace bw
