#pragma once

#include "whatif/whatifmetrics.h"

#include <QString>

#include <optional>
#include <vector>

namespace bw {

// The what-if figures an operator compares policies by: the summary table's columns, the heat map's metric and
// the CLI's. Pure functions over WhatIfMetrics; no formatting of colours.
enum class WhatIfColumn : std::uint8_t
{
    Opens,
    TimeOpen,
    FailedLetThrough,
    GoodRejected,
    Rejected,
    FlappingEpisodes,
    OutagesDetected,
    DetectionDelay,
    RecoveryDelay,
};
inline constexpr int kWhatIfColumnCount = 9;

struct WhatIfColumnInfo
{
    WhatIfColumn column;
    QString id;      // "opens", "failed_let_through", ... (CSV header, CLI)
    QString title;   // "Failed let through"
    QString tooltip; // one sentence: what it counts
    bool lowerIsBetter = true;
};

const std::vector<WhatIfColumnInfo> &whatIfColumns();
const WhatIfColumnInfo &whatIfColumnInfo(WhatIfColumn column);

// The figure, or nothing when the history cannot tell (delays without outages, or with none detected).
std::optional<double> whatIfValue(const WhatIfMetrics &metrics, WhatIfColumn column);
// "12", "3 m 05 s", "1 of 2", "—".
QString formatWhatIfValue(const WhatIfMetrics &metrics, WhatIfColumn column);
// Against a reference: "+3", "−1 m 10 s", "±0"; empty when either side has no value.
QString formatWhatIfDelta(const WhatIfMetrics &metrics, const WhatIfMetrics &reference, WhatIfColumn column);
// The rows holding the best value of the column (all of them on a tie); none when no row has a value or all rows
// hold the same value (nothing stands out).
std::vector<int> bestWhatIfRows(const std::vector<WhatIfMetrics> &rows, WhatIfColumn column);

// A duration for people: "850 ms", "42 s", "3 m 05 s", "2 h 10 m".
QString formatWhatIfDuration(double ms);

} // namespace bw
