#include "prometheus/openmetricsvalidator.h"

#include "prometheus/expositiontext.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <span>

using namespace Qt::StringLiterals;

namespace bw {

namespace et = expositiontext;

namespace {

std::string_view view(QByteArrayView bytes)
{
    return {bytes.data(), static_cast<std::size_t>(bytes.size())};
}

QString text(std::string_view bytes)
{
    return QString::fromUtf8(bytes.data(), static_cast<qsizetype>(bytes.size()));
}

std::optional<MetricType> openMetricsType(std::string_view word)
{
    if (word == "counter")
        return MetricType::Counter;
    if (word == "gauge")
        return MetricType::Gauge;
    if (word == "histogram")
        return MetricType::Histogram;
    if (word == "gaugehistogram")
        return MetricType::GaugeHistogram;
    if (word == "summary")
        return MetricType::Summary;
    if (word == "info")
        return MetricType::Info;
    if (word == "stateset")
        return MetricType::StateSet;
    if (word == "unknown")
        return MetricType::Unknown;
    return std::nullopt;
}

// The sample names a family of this type may have, as suffixes of the family name.
std::span<const std::string_view> sampleSuffixes(std::optional<MetricType> type)
{
    static constexpr std::string_view plain[] = {""};
    static constexpr std::string_view counter[] = {"_total", "_created"};
    static constexpr std::string_view summary[] = {"_count", "_sum", "_created", ""};
    static constexpr std::string_view histogram[] = {"_count", "_sum", "_bucket", "_created"};
    static constexpr std::string_view gaugeHistogram[] = {"_gcount", "_gsum", "_bucket"};
    static constexpr std::string_view info[] = {"_info"};
    switch (type.value_or(MetricType::Unknown)) {
    case MetricType::Counter:
        return counter;
    case MetricType::Summary:
        return summary;
    case MetricType::Histogram:
        return histogram;
    case MetricType::GaugeHistogram:
        return gaugeHistogram;
    case MetricType::Info:
        return info;
    case MetricType::Unknown:
    case MetricType::Gauge:
    case MetricType::StateSet:
        break;
    }
    return plain;
}

bool isOneOf(std::string_view suffix, std::span<const std::string_view> list)
{
    return std::find(list.begin(), list.end(), suffix) != list.end();
}

constexpr std::string_view kCounterLike[] = {"_total", "_sum", "_count", "_bucket", "_gcount", "_gsum"};
// Those that cannot be negative: all but _gsum.
constexpr std::string_view kNonNegative[] = {"_total", "_sum", "_count", "_bucket", "_gcount"};

bool isInteger(double value)
{
    return std::isfinite(value) && value == std::floor(value);
}

const LabelView *findLabel(const SampleView &sample, std::string_view name)
{
    for (const LabelView &label : sample.labels) {
        if (view(label.name) == name)
            return &label;
    }
    return nullptr;
}

} // namespace

void OpenMetricsValidator::reset()
{
    m_active = false;
    m_hasGroup = false;
    m_histogram = {};
    m_seenGroups.clear();
    m_seenNames.clear();
    m_error.clear();
}

bool OpenMetricsValidator::fail(qsizetype line, const QString &message)
{
    m_error = u"line %1: %2"_s.arg(line).arg(message);
    return false;
}

bool OpenMetricsValidator::belongsToFamily(std::string_view name) const
{
    if (!m_active || !name.starts_with(m_name))
        return false;
    return isOneOf(name.substr(m_name.size()), sampleSuffixes(m_type));
}

bool OpenMetricsValidator::startFamily(std::string_view name, std::optional<MetricType> type, qsizetype line)
{
    if (!closeFamily())
        return false;
    m_active = true;
    m_name.assign(name);
    m_type = type;
    m_hasHelp = false;
    m_hasUnit = false;
    m_unit.clear();
    m_hasSamples = false;
    m_firstLine = line;
    m_hasGroup = false;
    m_seenGroups.clear();
    m_histogram = {};
    return true;
}

bool OpenMetricsValidator::closeFamily()
{
    if (!m_active)
        return true;
    m_active = false;
    auto claim = [this](std::string_view suffix) {
        std::string name = m_name;
        name.append(suffix);
        if (m_seenNames.insert(name).second)
            return true;
        return fail(m_firstLine, u"metric family \"%1\" clashes with an earlier family (a family's lines must be "
                                 u"together, and each name used once)"_s.arg(text(m_name)));
    };
    if (!claim(""))
        return false;
    for (std::string_view suffix : sampleSuffixes(m_type)) {
        if (!suffix.empty() && !claim(suffix))
            return false;
    }
    if (!m_unit.empty()) {
        if (m_type == MetricType::Info || m_type == MetricType::StateSet)
            return fail(m_firstLine, u"info and stateset metrics cannot have a unit"_s);
        if (m_name.size() <= m_unit.size() || !std::string_view(m_name).ends_with(m_unit) ||
            m_name[m_name.size() - m_unit.size() - 1] != '_') {
            return fail(m_firstLine,
                        u"metric name \"%1\" does not end with its unit \"_%2\""_s.arg(text(m_name), text(m_unit)));
        }
    }
    if (m_histogram.active && !checkHistogram())
        return false;
    return true;
}

bool OpenMetricsValidator::checkHistogram()
{
    const Histogram &h = m_histogram;
    const qsizetype line = h.lastLine;
    const bool gauge = m_type == MetricType::GaugeHistogram;
    if (!h.hasBucket || h.lastLe != std::numeric_limits<double>::infinity())
        return fail(line, u"histogram without a le=\"+Inf\" bucket"_s);
    if (h.count && *h.count != h.lastBucketValue)
        return fail(line, gauge ? u"_gcount differs from the +Inf bucket"_s : u"_count differs from the +Inf bucket"_s);
    if (h.hasSum && !h.count)
        return fail(line, u"histogram with _sum but no _count"_s);
    if (h.hasGsum && !h.count)
        return fail(line, u"gauge histogram with _gsum but no _gcount"_s);
    if (!h.hasSum && !h.hasGsum && h.count)
        return fail(line,
                    gauge ? u"gauge histogram with _gcount but no _gsum"_s : u"histogram with _count but no _sum"_s);
    if (h.negativeBuckets && h.hasSum)
        return fail(line, u"histogram with negative buckets cannot have a _sum"_s);
    if (!h.negativeBuckets && h.negativeGsum)
        return fail(line, u"negative _gsum without negative buckets"_s);
    return true;
}

bool OpenMetricsValidator::metadata(Metadata kind, std::string_view family, std::string_view word, qsizetype line,
                                    MetricType *type)
{
    if (m_active && m_name == family) {
        if (m_hasSamples)
            return fail(line, u"metadata for \"%1\" after its samples"_s.arg(text(family)));
    } else if (!startFamily(family, std::nullopt, line)) {
        return false;
    }
    switch (kind) {
    case Metadata::Help:
        if (m_hasHelp)
            return fail(line, u"second HELP for \"%1\""_s.arg(text(family)));
        m_hasHelp = true;
        break;
    case Metadata::Type: {
        if (m_type)
            return fail(line, u"second TYPE for \"%1\""_s.arg(text(family)));
        const auto parsed = openMetricsType(word);
        if (!parsed) {
            return fail(line, u"invalid metric type %1"_s.arg(
                                  QString::fromStdString(et::excerpt(word.data(), word.data() + word.size()))));
        }
        m_type = parsed;
        if (type)
            *type = *parsed;
        break;
    }
    case Metadata::Unit:
        if (m_hasUnit)
            return fail(line, u"second UNIT for \"%1\""_s.arg(text(family)));
        m_hasUnit = true;
        m_unit.assign(word);
        break;
    }
    return true;
}

void OpenMetricsValidator::buildGroupKey(const SampleView &sample, std::string_view excluded)
{
    // Labels sorted by name, length-prefixed (values may hold any byte).
    m_sorted.clear();
    for (const LabelView &label : sample.labels) {
        if (view(label.name) != excluded)
            m_sorted.push_back(&label);
    }
    std::sort(m_sorted.begin(), m_sorted.end(),
              [](const LabelView *a, const LabelView *b) { return view(a->name) < view(b->name); });
    m_candidate.clear();
    auto append = [this](QByteArrayView bytes) {
        const auto size = static_cast<std::uint32_t>(bytes.size());
        m_candidate.append(reinterpret_cast<const char *>(&size), sizeof size);
        m_candidate.append(bytes.data(), static_cast<std::size_t>(bytes.size()));
    };
    for (const LabelView *label : m_sorted) {
        append(label->name);
        append(label->value);
    }
}

bool OpenMetricsValidator::sample(const SampleView &sample, std::optional<double> timestamp, bool hasExemplar)
{
    const std::string_view name = view(sample.name);
    const qsizetype line = sample.line;
    if (!belongsToFamily(name) && !startFamily(name, MetricType::Unknown, line))
        return false;
    m_hasSamples = true;
    const std::string_view suffix = name.substr(m_name.size());
    const MetricType type = m_type.value_or(MetricType::Unknown);
    const bool histogram = type == MetricType::Histogram || type == MetricType::GaugeHistogram;
    const double value = sample.value;

    std::string_view groupExcluded;
    double le = 0;
    if (type == MetricType::StateSet) {
        if (!findLabel(sample, m_name))
            return fail(line, u"stateset sample without a \"%1\" label"_s.arg(text(m_name)));
        groupExcluded = m_name;
    }
    if (histogram && suffix == "_bucket") {
        const LabelView *label = findLabel(sample, "le");
        if (!label)
            return fail(line, u"histogram bucket without a le label"_s);
        const auto bound = et::parseFloat(label->value.data(), label->value.data() + label->value.size());
        if (!bound || std::isnan(*bound) || (std::isinf(*bound) && label->value != "+Inf" && label->value != "-Inf")) {
            return fail(line, u"invalid le label value"_s);
        }
        le = *bound;
        if (!isInteger(value))
            return fail(line, u"histogram bucket value must be an integer"_s);
        groupExcluded = "le";
    }
    if ((suffix == "_count" || suffix == "_gcount") && !isInteger(value))
        return fail(line, u"count value must be an integer"_s);
    if (type == MetricType::Summary && suffix.empty()) {
        const LabelView *label = findLabel(sample, "quantile");
        if (!label)
            return fail(line, u"summary quantile sample without a quantile label"_s);
        const auto q = et::parseFloat(label->value.data(), label->value.data() + label->value.size());
        if (!q || !(*q >= 0 && *q <= 1))
            return fail(line, u"invalid quantile label value (must be a number from 0 to 1)"_s);
        if (value < 0)
            return fail(line, u"quantile values cannot be negative"_s);
        groupExcluded = "quantile";
    }

    if (type == MetricType::Info)
        m_candidate.clear();
    else
        buildGroupKey(sample, groupExcluded);
    if (m_hasGroup && m_candidate != m_group && m_seenGroups.count(m_candidate))
        return fail(line, u"samples of one series are not together"_s);
    if (m_hasGroup && m_candidate == m_group) {
        if (timestamp.has_value() != m_groupTimestamp.has_value())
            return fail(line, u"some samples of a series have a timestamp and some do not"_s);
        if (timestamp && *m_groupTimestamp > *timestamp && type != MetricType::Info)
            return fail(line, u"timestamps go backwards within a series"_s);
    }
    if (!m_hasGroup || m_candidate != m_group) {
        m_seenGroups.insert(m_candidate);
        m_group.swap(m_candidate);
        m_hasGroup = true;
    }
    m_groupTimestamp = timestamp;

    if (type == MetricType::StateSet && value != 0 && value != 1)
        return fail(line, u"stateset values must be 0 or 1"_s);
    if (type == MetricType::Info && value != 1)
        return fail(line, u"info values must be 1"_s);
    if (std::isnan(value) && isOneOf(suffix, kCounterLike))
        return fail(line, u"counter-like value cannot be NaN"_s);
    if (value < 0 && isOneOf(suffix, kNonNegative))
        return fail(line, u"counter-like value cannot be negative"_s);
    if (hasExemplar && !((histogram && suffix == "_bucket") || (type == MetricType::Counter && suffix == "_total")))
        return fail(line, u"exemplars are only allowed on histogram buckets and counter totals"_s);

    if (histogram) {
        Histogram &h = m_histogram;
        if (h.active && (h.group != m_group || h.timestamp != timestamp)) {
            if (!checkHistogram())
                return false;
            h = {};
        }
        if (!h.active) {
            h.active = true;
            h.group = m_group;
            h.timestamp = timestamp;
        }
        h.lastLine = line;
        if (suffix == "_bucket") {
            if (le < 0)
                h.negativeBuckets = true;
            if (h.hasBucket && le <= h.lastLe)
                return fail(line, u"histogram buckets out of order (le must increase)"_s);
            if (value < h.lastBucketValue)
                return fail(line, u"histogram bucket counts decrease"_s);
            h.hasBucket = true;
            h.lastLe = le;
            h.lastBucketValue = value;
        } else if (suffix == "_count" || suffix == "_gcount") {
            h.count = value;
        } else if (suffix == "_sum") {
            h.hasSum = true;
        } else if (suffix == "_gsum") {
            h.hasGsum = true;
            if (value < 0)
                h.negativeGsum = true;
        }
    }
    return true;
}

bool OpenMetricsValidator::finish()
{
    return closeFamily();
}

} // namespace bw
