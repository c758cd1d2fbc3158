#include "common/durations.h"

#include <QStringList>

#include <cmath>

using namespace Qt::StringLiterals;

namespace bw {

namespace {

// Longer than any interval, timeout or retention means anything: a typo. Also keeps every conversion and sum
// below the range of std::int64_t (a double beyond it is undefined behaviour to convert; found by fuzz_config).
constexpr double kMaxDurationMs = 100.0 * 366 * 86'400'000;

Error tooLong(QStringView text)
{
    return Error{u"duration \"%1\" is too long (at most 100 years)"_s.arg(text)};
}

} // namespace

Result<std::int64_t> parseDurationMs(QStringView text)
{
    const QStringView trimmed = text.trimmed();
    if (trimmed.isEmpty())
        return Error{u"empty duration"_s};

    bool plain = false;
    const double bare = trimmed.toDouble(&plain);
    if (plain && std::isnan(bare))
        return Error{u"invalid duration \"%1\""_s.arg(trimmed)};
    if (plain) {
        if (bare < 0)
            return Error{u"negative duration \"%1\""_s.arg(trimmed)};
        if (!(bare <= kMaxDurationMs)) // NaN too
            return tooLong(trimmed);
        return static_cast<std::int64_t>(bare);
    }

    // Prometheus-style sequence of <number><unit>, units largest first.
    std::int64_t total = 0;
    qsizetype i = 0;
    bool any = false;
    while (i < trimmed.size()) {
        const qsizetype numberStart = i;
        while (i < trimmed.size() && (trimmed[i].isDigit() || trimmed[i] == u'.'))
            ++i;
        if (i == numberStart)
            return Error{u"invalid duration \"%1\": expected a number at position %2"_s.arg(trimmed).arg(i + 1)};
        bool numberOk = false;
        const double number = trimmed.mid(numberStart, i - numberStart).toDouble(&numberOk);
        if (!numberOk)
            return Error{u"invalid number in duration \"%1\""_s.arg(trimmed)};
        const qsizetype unitStart = i;
        while (i < trimmed.size() && trimmed[i].isLetter())
            ++i;
        const QStringView unit = trimmed.mid(unitStart, i - unitStart);
        double factor = 0;
        if (unit == u"ms")
            factor = 1;
        else if (unit == u"s")
            factor = 1000;
        else if (unit == u"m")
            factor = 60'000;
        else if (unit == u"h")
            factor = 3'600'000;
        else if (unit == u"d")
            factor = 86'400'000;
        else if (unit == u"w")
            factor = 7 * 86'400'000.0;
        else
            return Error{u"invalid duration \"%1\": unknown unit \"%2\" (use ms, s, m, h, d, w)"_s.arg(trimmed, unit)};
        const double ms = number * factor;
        if (!(ms <= kMaxDurationMs) || static_cast<double>(total) + ms > kMaxDurationMs)
            return tooLong(trimmed);
        total += static_cast<std::int64_t>(ms);
        any = true;
    }
    if (!any)
        return Error{u"invalid duration \"%1\""_s.arg(trimmed)};
    return total;
}

QString formatDurationMs(std::int64_t ms)
{
    if (ms < 0)
        return u"-"_s + formatDurationMs(-ms);
    if (ms < 1000)
        return u"%1 ms"_s.arg(ms);
    if (ms < 60'000) {
        if (ms % 1000 == 0)
            return u"%1 s"_s.arg(ms / 1000);
        return u"%1 s"_s.arg(static_cast<double>(ms) / 1000.0, 0, 'f', 1);
    }
    QStringList parts;
    std::int64_t rest = ms / 1000;
    const std::int64_t days = rest / 86'400;
    rest %= 86'400;
    const std::int64_t hours = rest / 3600;
    rest %= 3600;
    const std::int64_t minutes = rest / 60;
    const std::int64_t seconds = rest % 60;
    if (days)
        parts << u"%1d"_s.arg(days);
    if (hours)
        parts << u"%1h"_s.arg(hours);
    if (minutes)
        parts << u"%1m"_s.arg(minutes);
    if (seconds && !days)
        parts << u"%1s"_s.arg(seconds);
    return parts.join(u' ');
}

} // namespace bw
