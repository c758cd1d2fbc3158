// libFuzzer target for bw::ExpositionParser (Prometheus text 0.0.4 and OpenMetrics 1.0). Built by tests/fuzz's
// CMake project; tests/fuzz/run-short.sh runs it for seconds, docs/FUZZING.md says how to run it for long. Seeds:
// tests/fuzz/corpus/fuzz_exposition, tests/data/exposition and the OpenMetrics conformance cases
// (tests/data/openmetrics/parsers).
//
// Beyond "no crash, no sanitizer report" it checks, for both formats: errors name a line; every accepted sample
// has a valid name and unique, valid label names; the views a visitor gets lie inside the page (or are unescaped
// copies); dumping the accepted samples and parsing the dump as Prometheus text gives the same dump; Auto agrees
// with the format it resolves to, from the page alone and from each format's Content-Type.

#include "prometheus/expositionparser.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <utility>

namespace {

void require(bool condition, const char *what)
{
    if (!condition) {
        std::fprintf(stderr, "fuzz_exposition: invariant violated: %s\n", what);
        std::abort();
    }
}

bool isMetricName(const QByteArray &name)
{
    if (name.isEmpty())
        return false;
    for (qsizetype i = 0; i < name.size(); ++i) {
        const char c = name[i];
        const bool ok =
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || (i > 0 && c >= '0' && c <= '9');
        if (!ok)
            return false;
    }
    return true;
}

bool isLabelName(QByteArrayView name)
{
    if (name.isEmpty())
        return false;
    for (qsizetype i = 0; i < name.size(); ++i) {
        const char c = name[i];
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (i > 0 && c >= '0' && c <= '9');
        if (!ok)
            return false;
    }
    return true;
}

class CheckingVisitor final : public bw::ExpositionVisitor
{
public:
    explicit CheckingVisitor(QByteArrayView page) : m_page(page) {}

    void sample(const bw::SampleView &sample) override
    {
        require(inside(sample.name), "sample name outside the page");
        require(sample.labelText.isEmpty() || inside(sample.labelText), "label text outside the page");
        for (const bw::LabelView &label : sample.labels) {
            require(inside(label.name), "label name outside the page");
            require(isLabelName(label.name), "invalid label name accepted");
        }
        require(sample.line >= 1, "line numbers start at 1");
    }

private:
    bool inside(QByteArrayView view) const
    {
        return view.data() >= m_page.data() && view.data() + view.size() <= m_page.data() + m_page.size();
    }

    QByteArrayView m_page;
};

QByteArray dump(const bw::ParsedPage &page)
{
    QByteArray out;
    for (const bw::MetricSample &sample : page.samples)
        out += bw::ExpositionParser::dumpLine(sample) + '\n';
    return out;
}

void check(QByteArrayView page, bw::ExpositionFormat format)
{
    bw::ParseOptions options;
    options.format = format;
    const auto parsed = bw::ExpositionParser::parse(page, options);
    CheckingVisitor visitor(page);
    const bw::Status visited = bw::ExpositionParser::visit(page, options, visitor);
    require(parsed.ok() == visited.ok(), "parse() and visit() disagree");
    if (!parsed.ok()) {
        require(parsed.error().startsWith(QLatin1StringView("line ")), "error without a line");
        require(parsed.error() == visited.error(), "parse() and visit() report different errors");
        return;
    }
    bool negativeTimestamp = false;
    for (const bw::MetricSample &sample : parsed->samples) {
        require(isMetricName(sample.name), "invalid metric name accepted");
        for (qsizetype i = 0; i < sample.labels.size(); ++i) {
            for (qsizetype j = 0; j < i; ++j)
                require(sample.labels[i].first != sample.labels[j].first, "duplicate label name accepted");
        }
        negativeTimestamp |= sample.timestampMs && *sample.timestampMs < 0;
    }
    if (negativeTimestamp)
        return; // Prometheus text has no negative timestamps
    const QByteArray once = dump(*parsed);
    bw::ParseOptions text;
    text.format = bw::ExpositionFormat::PrometheusText;
    const auto again = bw::ExpositionParser::parse(once, text);
    require(again.ok(), "a dump does not parse back");
    require(dump(*again) == once, "a dump changes when parsed back");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArrayView page(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));
    check(page, bw::ExpositionFormat::PrometheusText);
    check(page, bw::ExpositionFormat::OpenMetrics);
    const auto automatic = bw::ExpositionParser::parse(page);
    bw::ParseOptions resolved;
    resolved.format = bw::ExpositionParser::resolveFormat(page, {});
    require(automatic.ok() == bw::ExpositionParser::parse(page, resolved).ok(), "Auto disagrees with its format");

    // Auto with the Content-Type each format is served with: the same answer as that format.
    for (const auto &[contentType, format] :
         {std::pair{"application/openmetrics-text; version=1.0.0; charset=utf-8", bw::ExpositionFormat::OpenMetrics},
          std::pair{"text/plain; version=0.0.4; charset=utf-8", bw::ExpositionFormat::PrometheusText}}) {
        bw::ParseOptions byHeader;
        byHeader.contentType = contentType;
        require(bw::ExpositionParser::resolveFormat(page, byHeader) == format, "Content-Type not followed");
        bw::ParseOptions explicitFormat;
        explicitFormat.format = format;
        const auto viaHeader = bw::ExpositionParser::parse(page, byHeader);
        const auto direct = bw::ExpositionParser::parse(page, explicitFormat);
        require(viaHeader.ok() == direct.ok(), "Auto by Content-Type disagrees with the format");
        require(viaHeader.ok() ? viaHeader->samples.size() == direct->samples.size()
                               : viaHeader.error() == direct.error(),
                "Auto by Content-Type gives another result");
    }
    return 0;
}
