#pragma once

#include <QByteArray>

#include <cstdint>

namespace bw {

// Which text format a scraped page is in.
enum class ExpositionFormat : std::uint8_t
{
    Auto,           // from ParseOptions::contentType, else OpenMetrics if the page ends with "# EOF"
    PrometheusText, // text/plain; version=0.0.4, parsed as leniently as Prometheus' own parser
    OpenMetrics     // application/openmetrics-text; version=1.0.0, parsed strictly
};

// How to parse one page. A value type.
struct ParseOptions
{
    ExpositionFormat format = ExpositionFormat::Auto;
    // The response's Content-Type header value (may be empty); only used with ExpositionFormat::Auto.
    QByteArray contentType;
};

} // namespace bw
