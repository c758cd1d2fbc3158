#include "history/serieshistory.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace bw {

namespace {

constexpr double kFloat16Max = 65504.0;

std::int64_t floorTo(std::int64_t t, std::int64_t width)
{
    std::int64_t q = t / width;
    if (t % width != 0 && t < 0)
        --q;
    return q * width;
}

std::int64_t ceilTo(std::int64_t t, std::int64_t width)
{
    const std::int64_t down = floorTo(t, width);
    return down == t ? t : down + width;
}

qfloat16 half(double value)
{
    return qfloat16(static_cast<float>(value));
}

SeriesPoint toPoint(std::int64_t t, std::int64_t duration, double first, double last, double min, double max,
                    double sum, std::uint32_t count)
{
    SeriesPoint p;
    p.t = t;
    p.durationMs = duration;
    p.first = static_cast<float>(first);
    p.last = static_cast<float>(last);
    p.min = static_cast<float>(min);
    p.max = static_cast<float>(max);
    p.mean = static_cast<float>(sum / count);
    p.count = count;
    return p;
}

} // namespace

void SeriesHistory::Accumulator::mergePacked(const PackedBucket &bucket)
{
    if (bucket.count == 0)
        return;
    Accumulator other;
    other.first = static_cast<float>(bucket.first);
    other.last = static_cast<float>(bucket.last);
    other.min = static_cast<float>(bucket.min);
    other.max = static_cast<float>(bucket.max);
    other.count = bucket.count;
    other.sum = static_cast<double>(static_cast<float>(bucket.mean)) * bucket.count;
    merge(other);
}

SeriesHistory::SeriesHistory(const HistoryRetention &retention)
{
    for (std::size_t i = 0; i < m_levels.size(); ++i) {
        m_levels[i].width = kSeriesLevelWidthMs[i];
        m_levels[i].ring = CompactRing<PackedBucket>(retention.buckets[i]);
    }
}

SeriesHistory::PackedBucket SeriesHistory::pack(const Accumulator &a)
{
    PackedBucket b;
    if (a.count == 0)
        return b;
    b.first = half(a.first);
    b.last = half(a.last);
    b.min = half(a.min);
    b.max = half(a.max);
    b.mean = half(a.sum / a.count);
    b.count = static_cast<std::uint16_t>(std::min<std::uint32_t>(a.count, std::numeric_limits<std::uint16_t>::max()));
    return b;
}

void SeriesHistory::advance(Level &level, std::int64_t newStart)
{
    Q_ASSERT(newStart > level.openStart);
    const std::int64_t steps = (newStart - level.openStart) / level.width;
    bool dropped = false;
    if (steps - 1 >= static_cast<std::int64_t>(level.ring.limit())) {
        level.ring.clear(); // the gap alone is longer than the retention
        dropped = true;
    } else {
        dropped = level.ring.pushBack(pack(level.open));
        for (std::int64_t i = 1; i < steps; ++i)
            dropped = level.ring.pushBack(PackedBucket{}) || dropped;
    }
    level.open = {};
    level.openStart = newStart;
    if (dropped)
        level.heldFrom =
            std::max(level.heldFrom, newStart - static_cast<std::int64_t>(level.ring.size()) * level.width);
}

void SeriesHistory::append(std::int64_t t, double value)
{
    if (!std::isfinite(value)) {
        ++m_dropped;
        return;
    }
    value = std::clamp(value, -kFloat16Max, kFloat16Max);
    if (!m_started) {
        for (Level &level : m_levels) {
            level.openStart = floorTo(t, level.width);
            level.heldFrom = t;
        }
        m_started = true;
    } else if (t < m_levels[0].openStart) {
        ++m_dropped;
        return;
    }
    for (Level &level : m_levels) {
        const std::int64_t start = floorTo(t, level.width);
        if (start > level.openStart)
            advance(level, start);
        level.open.add(value);
    }
}

void SeriesHistory::appendReduced(const SeriesPoint &point)
{
    if (point.count == 0 || point.durationMs <= 0 || !std::isfinite(point.mean) || !std::isfinite(point.min) ||
        !std::isfinite(point.max) || !std::isfinite(point.first) || !std::isfinite(point.last)) {
        m_dropped += point.count;
        return;
    }
    int lowest = kSeriesLevelCount;
    for (int i = 0; i < kSeriesLevelCount; ++i) {
        const std::int64_t width = kSeriesLevelWidthMs[static_cast<std::size_t>(i)];
        if (width >= point.durationMs && floorTo(point.t, width) == floorTo(point.t + point.durationMs - 1, width)) {
            lowest = i;
            break;
        }
    }
    if (lowest == kSeriesLevelCount) {
        m_dropped += point.count;
        return;
    }
    const std::int64_t end = point.t + point.durationMs;
    if (!m_started) {
        for (Level &level : m_levels) {
            level.openStart = floorTo(point.t, level.width);
            level.heldFrom = point.t;
        }
        m_started = true;
    } else if (floorTo(point.t, m_levels[static_cast<std::size_t>(lowest)].width) <
               m_levels[static_cast<std::size_t>(lowest)].openStart) {
        m_dropped += point.count;
        return;
    }
    Accumulator reduced;
    reduced.first = std::clamp<double>(point.first, -kFloat16Max, kFloat16Max);
    reduced.last = std::clamp<double>(point.last, -kFloat16Max, kFloat16Max);
    reduced.min = std::clamp<double>(point.min, -kFloat16Max, kFloat16Max);
    reduced.max = std::clamp<double>(point.max, -kFloat16Max, kFloat16Max);
    reduced.sum = std::clamp<double>(point.mean, -kFloat16Max, kFloat16Max) * point.count;
    reduced.count = point.count;
    for (int i = 0; i < kSeriesLevelCount; ++i) {
        Level &level = m_levels[static_cast<std::size_t>(i)];
        if (i < lowest) {
            level.ring.clear();
            level.open = {};
            level.openStart = std::max(level.openStart, ceilTo(end, level.width));
            level.heldFrom = level.openStart;
            continue;
        }
        const std::int64_t start = floorTo(point.t, level.width);
        if (start > level.openStart)
            advance(level, start);
        level.open.merge(reduced);
    }
}

int SeriesHistory::levelFor(std::int64_t spanMs, int maxPoints)
{
    const std::int64_t target = maxPoints > 0 ? std::max<std::int64_t>(1, (spanMs + maxPoints - 1) / maxPoints) : 1;
    int chosen = 0;
    for (int i = 1; i < kSeriesLevelCount; ++i) {
        if (kSeriesLevelWidthMs[static_cast<std::size_t>(i)] <= target)
            chosen = i;
    }
    return chosen;
}

std::vector<SeriesPoint> SeriesHistory::buckets(std::int64_t t0, std::int64_t t1, int maxPoints) const
{
    std::vector<SeriesPoint> out;
    if (!m_started || t1 <= t0 || maxPoints <= 0)
        return out;
    const std::int64_t span = t1 - t0;
    const std::int64_t target = std::max<std::int64_t>(1, (span + maxPoints - 1) / maxPoints);
    out.reserve(static_cast<std::size_t>(std::min<std::int64_t>(maxPoints, 100'000)) + kSeriesLevelCount);
    collect(levelFor(span, maxPoints), t0, t1, target, out);
    return out;
}

void SeriesHistory::collect(int index, std::int64_t from, std::int64_t to, std::int64_t target,
                            std::vector<SeriesPoint> &out) const
{
    const Level &level = m_levels[static_cast<std::size_t>(index)];
    const std::int64_t available = level.openStart - static_cast<std::int64_t>(level.ring.size()) * level.width;
    // Older than this level keeps, and only where the coarser level holds samples this one lost (at start every
    // level holds the same samples: a coarse bucket around them would count them twice). The coarser level fills in
    // up to one of its own bucket boundaries, never past `to`, so none of its buckets reaches into this level's.
    const bool coarserHoldsOlder =
        std::any_of(m_levels.begin() + index + 1, m_levels.end(),
                    [&level](const Level &coarser) { return coarser.heldFrom < level.heldFrom; });
    if (from < level.heldFrom && coarserHoldsOlder) {
        const std::int64_t coarse = kSeriesLevelWidthMs[static_cast<std::size_t>(index) + 1];
        const std::int64_t boundary = floorTo(std::min(to, ceilTo(available, coarse)), coarse);
        collect(index + 1, from, boundary, target, out);
        from = std::max(from, boundary);
    }
    if (from >= to)
        return;
    const std::int64_t group = level.width * std::max<std::int64_t>(1, (target + level.width - 1) / level.width);
    emit(level, from, to, group, out);
}

void SeriesHistory::emit(const Level &level, std::int64_t from, std::int64_t to, std::int64_t group,
                         std::vector<SeriesPoint> &out) const
{
    const std::int64_t w = level.width;
    const auto size = static_cast<std::int64_t>(level.ring.size());
    const std::int64_t ringStart = level.openStart - size * w;

    // A point covers its group clipped to the whole buckets of [from, to), so stitched segments never overlap.
    const std::int64_t lowest = floorTo(from, w);
    const std::int64_t highest = ceilTo(to, w);
    Accumulator acc;
    std::int64_t groupStart = std::numeric_limits<std::int64_t>::min();
    auto flush = [&] {
        if (acc.count > 0) {
            const std::int64_t start = std::max(groupStart, lowest);
            const std::int64_t end = std::min(groupStart + group, highest);
            out.push_back(toPoint(start, end - start, acc.first, acc.last, acc.min, acc.max, acc.sum, acc.count));
        }
        acc = {};
    };
    auto visit = [&](std::int64_t start, auto &&mergeInto) {
        const std::int64_t key = floorTo(start, group);
        if (key != groupStart) {
            flush();
            groupStart = key;
        }
        mergeInto(acc);
    };

    // Buckets overlapping [from, to): from the one containing `from` to the last starting before `to`.
    const std::int64_t first = std::max<std::int64_t>(0, floorTo(from - ringStart, w) / w);
    const std::int64_t last = std::min<std::int64_t>(size, (ceilTo(to - ringStart, w)) / w);
    for (std::int64_t i = first; i < last; ++i) {
        const PackedBucket &bucket = level.ring[static_cast<std::size_t>(i)];
        if (bucket.count == 0)
            continue;
        visit(ringStart + i * w, [&bucket](Accumulator &a) { a.mergePacked(bucket); });
    }
    if (level.open.count > 0 && level.openStart < to && level.openStart + w > from)
        visit(level.openStart, [&level](Accumulator &a) { a.merge(level.open); });
    flush();
}

std::optional<SeriesPoint> SeriesHistory::latest() const
{
    const Level &level = m_levels[0];
    if (!m_started || level.open.count == 0)
        return std::nullopt;
    const Accumulator &a = level.open;
    return toPoint(level.openStart, level.width, a.first, a.last, a.min, a.max, a.sum, a.count);
}

std::optional<std::int64_t> SeriesHistory::earliest() const
{
    if (!m_started)
        return std::nullopt;
    std::int64_t earliest = std::numeric_limits<std::int64_t>::max();
    for (const Level &level : m_levels)
        earliest = std::min(earliest, level.openStart - static_cast<std::int64_t>(level.ring.size()) * level.width);
    return earliest;
}

std::size_t SeriesHistory::memoryBytes() const
{
    std::size_t bytes = sizeof(*this);
    for (const Level &level : m_levels)
        bytes += level.ring.memoryBytes();
    return bytes;
}

} // namespace bw
