#pragma once

#include "common/result.h"

#include <QByteArrayView>
#include <QMap>
#include <QString>
#include <QStringList>

#include <cstdint>
#include <utility>
#include <vector>

namespace bw {

struct PromSeries
{
    QMap<QString, QString> metric;                       // labels, __name__ included when present
    std::vector<std::pair<std::int64_t, double>> points; // (ms, value); NaN and +-Inf kept as doubles
};

struct PromQueryResult
{
    enum class Type : std::uint8_t
    {
        Vector,
        Matrix,
        Scalar,
        String
    };
    Type type = Type::Vector;
    std::vector<PromSeries> series; // scalar: one series without labels, one point; string: none
    QString stringValue;            // string only
    QStringList warnings;
};

// Reads the Prometheus HTTP API envelope ({"status":"success"|"error",...}). Errors name errorType, the HTTP
// status and Prometheus' message: "Prometheus bad_data (HTTP 400): invalid parameter ...".
Result<PromQueryResult> parsePromResponse(int httpStatus, QByteArrayView body);

// Splits [start, end] at `step` into ranges of at most maxPoints points each, aligned on the step, no point
// repeated: Prometheus refuses more than 11,000 points per series in one range query.
struct TimeRange
{
    std::int64_t startMs = 0;
    std::int64_t endMs = 0;
};
std::vector<TimeRange> splitRange(std::int64_t startMs, std::int64_t endMs, std::int64_t stepMs,
                                  std::int64_t maxPoints = 11'000);

} // namespace bw
