#include "timeline/timeaxis.h"

#include <QDate>
#include <QLocale>

#include <algorithm>
#include <array>
#include <cmath>

using namespace Qt::StringLiterals;

namespace bw {

namespace {

constexpr std::int64_t kSecond = 1'000;
constexpr std::int64_t kMinute = 60 * kSecond;
constexpr std::int64_t kHour = 60 * kMinute;
constexpr std::int64_t kDay = 24 * kHour;

constexpr std::array<std::int64_t, 20> kSteps = {kSecond,      2 * kSecond,  5 * kSecond, 10 * kSecond, 15 * kSecond,
                                                 30 * kSecond, kMinute,      2 * kMinute, 5 * kMinute,  10 * kMinute,
                                                 15 * kMinute, 30 * kMinute, kHour,       2 * kHour,    3 * kHour,
                                                 6 * kHour,    12 * kHour,   kDay,        2 * kDay,     7 * kDay};

std::int64_t floorDiv(std::int64_t a, std::int64_t b)
{
    std::int64_t q = a / b;
    if (a % b != 0 && a < 0)
        --q;
    return q;
}

QString twoDigits(std::int64_t v)
{
    return QString::number(v).rightJustified(2, u'0');
}

} // namespace

TimeAxis::TimeAxis(std::int64_t start, std::int64_t span, double left, double width)
{
    setPixels(left, width);
    setRange(start, span);
}

void TimeAxis::setPixels(double left, double width)
{
    m_left = left;
    m_width = std::max(1.0, width);
}

void TimeAxis::setRange(std::int64_t start, std::int64_t span)
{
    m_start = start;
    m_span = std::clamp(span, kMinSpanMs, kMaxSpanMs);
}

double TimeAxis::xForTime(std::int64_t t) const
{
    return m_left + static_cast<double>(t - m_start) * m_width / static_cast<double>(m_span);
}

std::int64_t TimeAxis::timeForX(double x) const
{
    return m_start + static_cast<std::int64_t>(std::llround((x - m_left) * static_cast<double>(m_span) / m_width));
}

void TimeAxis::zoomAround(double x, double factor)
{
    if (!(factor > 0))
        return;
    const std::int64_t anchor = timeForX(x);
    const double fraction = (x - m_left) / m_width;
    const auto span = std::clamp(static_cast<std::int64_t>(std::llround(static_cast<double>(m_span) * factor)),
                                 kMinSpanMs, kMaxSpanMs);
    m_span = span;
    m_start = anchor - static_cast<std::int64_t>(std::llround(fraction * static_cast<double>(span)));
}

void TimeAxis::panPixels(double dx)
{
    m_start -= static_cast<std::int64_t>(std::llround(dx * msPerPixel()));
}

std::int64_t TimeAxis::tickStepFor(double msPerPixel, double minSpacingPx)
{
    const double wanted = msPerPixel * minSpacingPx;
    for (const std::int64_t step : kSteps) {
        if (static_cast<double>(step) >= wanted)
            return step;
    }
    return kSteps.back();
}

std::vector<TimeTick> TimeAxis::ticks(double minSpacingPx, int utcOffsetSeconds) const
{
    std::vector<TimeTick> out;
    const std::int64_t step = tickStepFor(msPerPixel(), minSpacingPx);
    const std::int64_t offset = static_cast<std::int64_t>(utcOffsetSeconds) * kSecond;
    // Align in local time: a 1 h step ticks on local full hours.
    std::int64_t local = floorDiv(m_start + offset, step) * step;
    if (local < m_start + offset)
        local += step;
    for (; local < end() + offset; local += step) {
        TimeTick tick;
        tick.t = local - offset;
        tick.x = xForTime(tick.t);
        const std::int64_t ofDay = local - floorDiv(local, kDay) * kDay;
        tick.dayStart = ofDay == 0;
        if (tick.dayStart || step >= kDay) {
            const QDate date = QDate(1970, 1, 1).addDays(floorDiv(local, kDay));
            tick.label = QLocale::c().toString(date, u"ddd d MMM"_s);
        } else {
            tick.label = twoDigits(ofDay / kHour) + u':' + twoDigits(ofDay / kMinute % 60);
            if (step < kMinute)
                tick.label += u':' + twoDigits(ofDay / kSecond % 60);
        }
        out.push_back(tick);
    }
    return out;
}

QString TimeAxis::spanText(std::int64_t ms)
{
    if (ms < kMinute)
        return u"%1 s"_s.arg(ms / kSecond);
    if (ms < kHour)
        return ms % kMinute ? u"%1 min %2 s"_s.arg(ms / kMinute).arg(ms % kMinute / kSecond)
                            : u"%1 min"_s.arg(ms / kMinute);
    if (ms < kDay)
        return ms % kHour / kMinute ? u"%1 h %2 min"_s.arg(ms / kHour).arg(ms % kHour / kMinute)
                                    : u"%1 h"_s.arg(ms / kHour);
    return ms % kDay / kHour ? u"%1 d %2 h"_s.arg(ms / kDay).arg(ms % kDay / kHour) : u"%1 d"_s.arg(ms / kDay);
}

std::int64_t TimeAxis::initialSpanFor(std::int64_t extentMs)
{
    for (const std::int64_t span : {5 * 60'000LL, 15 * 60'000LL})
        if (extentMs <= span)
            return span;
    return 60 * 60'000LL;
}

} // namespace bw
