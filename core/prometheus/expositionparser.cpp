#include "prometheus/expositionparser.h"

#include "prometheus/expositiontext.h"
#include "prometheus/openmetricsreader.h"
#include "prometheus/prometheustextreader.h"
#include "prometheus/samplecollector.h"

#include <algorithm>
#include <cstring>
#include <numeric>

namespace bw {

namespace {

struct LineCounts
{
    qsizetype samples = 0;  // lines not starting with '#': an upper bound for reserving
    qsizetype comments = 0; // lines starting with '#'
};

LineCounts countLines(QByteArrayView page)
{
    LineCounts counts;
    const char *p = page.data();
    const char *const end = p + page.size();
    while (p < end) {
        ++(*p == '#' ? counts.comments : counts.samples);
        const void *eol = std::memchr(p, '\n', static_cast<std::size_t>(end - p));
        if (!eol)
            break;
        p = static_cast<const char *>(eol) + 1;
    }
    return counts;
}

void appendEscaped(QByteArray &out, const QByteArray &value)
{
    for (const char c : value) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
}

} // namespace

ExpositionFormat ExpositionParser::resolveFormat(QByteArrayView page, const ParseOptions &options)
{
    if (options.format != ExpositionFormat::Auto)
        return options.format;
    QByteArrayView mediaType = options.contentType;
    if (const qsizetype semicolon = mediaType.indexOf(';'); semicolon >= 0)
        mediaType = mediaType.first(semicolon);
    mediaType = mediaType.trimmed();
    if (mediaType.compare("application/openmetrics-text", Qt::CaseInsensitive) == 0)
        return ExpositionFormat::OpenMetrics;
    if (mediaType.compare("text/plain", Qt::CaseInsensitive) == 0)
        return ExpositionFormat::PrometheusText;
    QByteArrayView tail = page;
    if (tail.endsWith('\n'))
        tail.chop(1);
    if (tail.endsWith("# EOF") && (tail.size() == 5 || tail.at(tail.size() - 6) == '\n'))
        return ExpositionFormat::OpenMetrics;
    return ExpositionFormat::PrometheusText;
}

Status ExpositionParser::visit(QByteArrayView page, const ParseOptions &options, ExpositionVisitor &visitor)
{
    if (resolveFormat(page, options) == ExpositionFormat::OpenMetrics) {
        OpenMetricsReader reader;
        return reader.read(page, visitor);
    }
    PrometheusTextReader reader;
    return reader.read(page, visitor);
}

Result<ParsedPage> ExpositionParser::parse(QByteArrayView page, const ParseOptions &options)
{
    ParsedPage parsed;
    parsed.format = resolveFormat(page, options);
    const LineCounts lines = countLines(page);
    parsed.samples.reserve(static_cast<std::size_t>(lines.samples));
    // HELP and TYPE usually come in pairs; bounded by the samples so that a page of comments reserves little.
    parsed.families.reserve(static_cast<std::size_t>(std::min(lines.comments / 2 + 1, lines.samples + 16)));
    ParseOptions resolved = options;
    resolved.format = parsed.format;
    SampleCollector collector(parsed, {page.size(), lines.samples, lines.comments});
    if (Status status = visit(page, resolved, collector); !status)
        return Error{status.error()};
    return parsed;
}

QByteArray ExpositionParser::dumpLine(const MetricSample &sample)
{
    QByteArray out = sample.name;
    if (!sample.labels.isEmpty()) {
        std::vector<qsizetype> order(static_cast<std::size_t>(sample.labels.size()));
        std::iota(order.begin(), order.end(), 0);
        std::stable_sort(order.begin(), order.end(),
                         [&](qsizetype a, qsizetype b) { return sample.labels[a].first < sample.labels[b].first; });
        out += '{';
        for (std::size_t i = 0; i < order.size(); ++i) {
            const auto &[name, value] = sample.labels[order[i]];
            if (i > 0)
                out += ',';
            out += name;
            out += "=\"";
            appendEscaped(out, value);
            out += '"';
        }
        out += '}';
    }
    out += ' ';
    out += QByteArray::fromStdString(expositiontext::formatFloat(sample.value));
    if (sample.timestampMs) {
        out += ' ';
        out += QByteArray::number(static_cast<qlonglong>(*sample.timestampMs));
    }
    return out;
}

} // namespace bw
