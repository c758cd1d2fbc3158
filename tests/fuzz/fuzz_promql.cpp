// libFuzzer target for bw::parsePromResponse (the Prometheus HTTP API envelope of /api/v1/query and query_range),
// read as if answered with 200, 400, 422 and 503.
// Checks: no crash, no sanitizer report; errors are not empty; a scalar result is one point of one series without
// labels, a string result (stringValue) has no series.

#include "fuzzsupport.h"
#include "prometheus/promqlresponse.h"

#include <array>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArrayView body = fuzz::bytes(data, size);
    for (int status : std::array{200, 400, 422, 503}) {
        const auto result = bw::parsePromResponse(status, body);
        if (!result) {
            fuzz::require(!result.error().isEmpty(), "empty error");
            continue;
        }
        using Type = bw::PromQueryResult::Type;
        if (result->type == Type::Scalar) {
            fuzz::require(result->series.size() == 1, "a scalar result is not one series");
            fuzz::require(result->series.front().metric.isEmpty(), "a scalar result has labels");
            fuzz::require(result->series.front().points.size() == 1, "a scalar result is not one point");
        }
        if (result->type == Type::String)
            fuzz::require(result->series.empty(), "a string result has series");
    }
    return 0;
}
