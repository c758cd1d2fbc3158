#pragma once

#include "prometheus/expositionformat.h"
#include "prometheus/metricsample.h"

#include <vector>

namespace bw {

// A fully materialised page: every sample in page order and the metadata of every family that declared any
// (HELP/TYPE/UNIT), in order of first declaration. A value type: its strings are implicitly shared QByteArrays
// (shared with each other, see ExpositionParser::parse), never views into the parsed page.
struct ParsedPage
{
    ExpositionFormat format = ExpositionFormat::PrometheusText; // the format actually used (never Auto)
    std::vector<MetricSample> samples;
    std::vector<MetricFamilyInfo> families;
};

} // namespace bw
