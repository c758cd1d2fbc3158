#pragma once

#include <QString>

#include <cstdint>
#include <vector>

namespace bw {

// One labelled tick of a time axis.
struct TimeTick
{
    std::int64_t t = 0;
    double x = 0;
    QString label;
    bool dayStart = false; // local midnight: labelled with the date
};

// The time <-> pixel mapping of the timeline, and its zoom, pan and ticks. Pure arithmetic, no widget: the
// visible time range [start, start + span) maps linearly onto [left, left + width) pixels.
// The span is kept within [kMinSpanMs, kMaxSpanMs]. Tick labels are in the time zone given by utcOffsetSeconds
// (the view passes the local offset; tests pass 0).
class TimeAxis
{
public:
    static constexpr std::int64_t kMinSpanMs = 10'000;
    static constexpr std::int64_t kMaxSpanMs = 7LL * 24 * 3'600'000;

    TimeAxis() = default;
    TimeAxis(std::int64_t start, std::int64_t span, double left, double width);

    std::int64_t start() const { return m_start; }
    std::int64_t span() const { return m_span; }
    std::int64_t end() const { return m_start + m_span; }
    double left() const { return m_left; }
    double width() const { return m_width; }
    double msPerPixel() const { return static_cast<double>(m_span) / m_width; }

    void setPixels(double left, double width);
    void setRange(std::int64_t start, std::int64_t span); // span clamped
    void setEnd(std::int64_t end) { m_start = end - m_span; }

    double xForTime(std::int64_t t) const;
    std::int64_t timeForX(double x) const;

    // factor < 1 zooms in. The time under x stays under x (as far as the span limits allow).
    void zoomAround(double x, double factor);
    // Moves the content by dx pixels: dragging right (dx > 0) shows earlier times.
    void panPixels(double dx);

    // Ticks at a "nice" step (1 s ... 1 day) at least minSpacingPx apart, inside [start, end).
    // Labels: HH:mm:ss below a minute step, HH:mm below a day, the date at local midnights and for day steps.
    std::vector<TimeTick> ticks(double minSpacingPx, int utcOffsetSeconds = 0) const;
    static std::int64_t tickStepFor(double msPerPixel, double minSpacingPx);

    // "45 s", "10 min", "2 h", "1 d 6 h": for the span shown in the header.
    static QString spanText(std::int64_t ms);
    // The span a view opens on when it has `extentMs` of history: 5 min, 15 min or 1 h, the smallest that holds it
    // all (so 20 s of data is not squeezed into the right edge of a quarter hour), 1 h when there is more.
    static std::int64_t initialSpanFor(std::int64_t extentMs);

private:
    std::int64_t m_start = 0;
    std::int64_t m_span = 3'600'000;
    double m_left = 0;
    double m_width = 1;
};

} // namespace bw
