#pragma once

#include "common/result.h"
#include "prometheus/expositionformat.h"
#include "prometheus/expositionvisitor.h"
#include "prometheus/metricsample.h"
#include "prometheus/parsedpage.h"

#include <QByteArray>
#include <QByteArrayView>

namespace bw {

// Parses Prometheus text exposition 0.0.4 and OpenMetrics 1.0 pages.
//
// - visit(): streaming; hands out views into the page (no allocation for labels without escapes).
// - parse(): materialises every sample (MetricSample) and every family's metadata (MetricFamilyInfo). Equal
//   strings and equal label sets are shared between samples, and strings live in a few blocks of at most 64 KB
//   (see StringArena): keeping any sample keeps its blocks.
//
// Prometheus text is read as Prometheus' own scrape parser reads it (lenient where it is: blank lines, free
// whitespace, trailing commas, metadata anywhere); OpenMetrics strictly (every rule of the conformance suite).
// Both: label values and HELP text must be valid UTF-8; values are floats, NaN, +Inf, -Inf; timestamps end up in
// integer ms; OpenMetrics exemplars are validated and skipped; duplicated series are kept as written. Errors are values
// naming the line ("line 12: invalid label value escape"); the first one stops the parse. Stateless: every function is
// reentrant and thread-safe; the page is only read.
class ExpositionParser
{
public:
    // The format actually used: the explicit one; for Auto, from the Content-Type
    // (application/openmetrics-text -> OpenMetrics, text/plain -> PrometheusText), else OpenMetrics when the
    // page ends with a "# EOF" line, else PrometheusText.
    static ExpositionFormat resolveFormat(QByteArrayView page, const ParseOptions &options);

    static Status visit(QByteArrayView page, const ParseOptions &options, ExpositionVisitor &visitor);
    static Result<ParsedPage> parse(QByteArrayView page, const ParseOptions &options = {});

    // One sample as a line: name{labels sorted by name} value [timestamp], label values escaped as in the
    // formats, the value in its shortest round-trip form (NaN, +Inf, -Inf), the timestamp in ms. For
    // `breakerwatch-cli parse-metrics --dump`.
    static QByteArray dumpLine(const MetricSample &sample);
};

} // namespace bw
