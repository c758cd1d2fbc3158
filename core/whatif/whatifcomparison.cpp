#include "whatif/whatifcomparison.h"

#include "flapping/flappingrule.h"

#include <QLocale>
#include <QStringList>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace bw {

const std::vector<WhatIfColumnInfo> &whatIfColumns()
{
    static const std::vector<WhatIfColumnInfo> columns = {
        {WhatIfColumn::Opens, u"opens"_s, u"Opens"_s, u"Times the breaker opened"_s, true},
        {WhatIfColumn::TimeOpen, u"time_open_ms"_s, u"Time open"_s,
         u"Time spent open or forced open: calls were refused"_s, true},
        {WhatIfColumn::FailedLetThrough, u"failed_let_through"_s, u"Failed let through"_s,
         u"Calls the breaker let through that failed: load on a sick backend, errors for users"_s, true},
        {WhatIfColumn::GoodRejected, u"good_rejected"_s, u"Good rejected"_s,
         u"Calls the breaker refused that would have succeeded: availability lost for nothing"_s, true},
        {WhatIfColumn::Rejected, u"rejected"_s, u"Rejected"_s,
         u"All calls refused while open or over the half-open probe limit"_s, true},
        {WhatIfColumn::FlappingEpisodes, u"flapping_episodes"_s, u"Flapping"_s,
         u"Episodes of "_s + FlappingRule{}.describe() + u" (the flapping rule)"_s, true},
        {WhatIfColumn::OutagesDetected, u"outages_detected"_s, u"Outages detected"_s,
         u"Outages during which the breaker opened (or was already open)"_s, false},
        {WhatIfColumn::DetectionDelay, u"mean_detection_delay_ms"_s, u"Detection delay"_s,
         u"Mean time from the start of an outage to the breaker opening"_s, true},
        {WhatIfColumn::RecoveryDelay, u"mean_recovery_delay_ms"_s, u"Recovery delay"_s,
         u"Mean time from the end of an outage to the breaker closing again"_s, true},
    };
    return columns;
}

const WhatIfColumnInfo &whatIfColumnInfo(WhatIfColumn column)
{
    return whatIfColumns()[static_cast<std::size_t>(column)];
}

std::optional<double> whatIfValue(const WhatIfMetrics &m, WhatIfColumn column)
{
    switch (column) {
    case WhatIfColumn::Opens:
        return static_cast<double>(m.opens);
    case WhatIfColumn::TimeOpen:
        return static_cast<double>(m.openMs);
    case WhatIfColumn::FailedLetThrough:
        return static_cast<double>(m.failedLetThrough);
    case WhatIfColumn::GoodRejected:
        return static_cast<double>(m.goodRejected);
    case WhatIfColumn::Rejected:
        return static_cast<double>(m.rejected);
    case WhatIfColumn::FlappingEpisodes:
        return static_cast<double>(m.flappingEpisodes);
    case WhatIfColumn::OutagesDetected:
        if (m.outages == 0)
            return std::nullopt;
        return static_cast<double>(m.outagesDetected);
    case WhatIfColumn::DetectionDelay:
        return m.meanDetectionDelayMs;
    case WhatIfColumn::RecoveryDelay:
        return m.meanRecoveryDelayMs;
    }
    return std::nullopt;
}

QString formatWhatIfDuration(double ms)
{
    const double a = std::abs(ms);
    const QString sign = ms < 0 ? u"−"_s : QString();
    if (a < 1000)
        return sign + u"%1 ms"_s.arg(std::llround(a));
    const auto s = std::llround(a / 1000);
    if (s < 60)
        return sign + u"%1 s"_s.arg(s);
    if (s < 3600)
        return sign + u"%1 m %2 s"_s.arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    return sign + u"%1 h %2 m"_s.arg(s / 3600).arg((s % 3600) / 60, 2, 10, QLatin1Char('0'));
}

namespace {

bool isDuration(WhatIfColumn column)
{
    return column == WhatIfColumn::TimeOpen || column == WhatIfColumn::DetectionDelay ||
           column == WhatIfColumn::RecoveryDelay;
}

QString formatCount(double value)
{
    static const QLocale english(QLocale::English, QLocale::UnitedStates); // "1,234" whatever the system says
    return english.toString(static_cast<qlonglong>(std::llround(value)));
}

} // namespace

QString formatWhatIfValue(const WhatIfMetrics &m, WhatIfColumn column)
{
    const auto value = whatIfValue(m, column);
    if (!value)
        return u"—"_s;
    if (column == WhatIfColumn::OutagesDetected)
        return u"%1 of %2"_s.arg(m.outagesDetected).arg(m.outages);
    return isDuration(column) ? formatWhatIfDuration(*value) : formatCount(*value);
}

QString formatWhatIfDelta(const WhatIfMetrics &m, const WhatIfMetrics &reference, WhatIfColumn column)
{
    const auto value = whatIfValue(m, column);
    const auto base = whatIfValue(reference, column);
    if (!value || !base)
        return {};
    const double delta = *value - *base;
    if (std::abs(delta) < (isDuration(column) ? 0.5 : 0.5))
        return u"±0"_s;
    if (isDuration(column))
        return (delta > 0 ? u"+"_s : QString()) + formatWhatIfDuration(delta);
    return (delta > 0 ? u"+"_s : u"−"_s) + formatCount(std::abs(delta));
}

std::vector<int> bestWhatIfRows(const std::vector<WhatIfMetrics> &rows, WhatIfColumn column)
{
    const bool lower = whatIfColumnInfo(column).lowerIsBetter;
    std::optional<double> best;
    std::optional<double> worst;
    for (const WhatIfMetrics &m : rows) {
        const auto v = whatIfValue(m, column);
        if (!v)
            continue;
        if (!best || (lower ? *v < *best : *v > *best))
            best = v;
        if (!worst || (lower ? *v > *worst : *v < *worst))
            worst = v;
    }
    std::vector<int> result;
    if (!best || *best == *worst)
        return result;
    for (int i = 0; i < static_cast<int>(rows.size()); ++i) {
        const auto v = whatIfValue(rows[static_cast<std::size_t>(i)], column);
        if (v && *v == *best)
            result.push_back(i);
    }
    return result;
}

} // namespace bw
