#pragma once

#include "common/result.h"

#include <QString>

#include <cstdint>

namespace bw {

// Parses "250ms", "5s", "1m30s", "2h", "1d" or a bare number of milliseconds ("1500").
Result<std::int64_t> parseDurationMs(QStringView text);

// "1m 30s", "250 ms", "2h 5m": for reasons and tooltips.
QString formatDurationMs(std::int64_t ms);

} // namespace bw
