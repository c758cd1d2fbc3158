#include "breaker/statisticswindow.h"

#include <QtGlobal>

#include <algorithm>
#include <cmath>

namespace bw {

StatisticsWindow::StatisticsWindow(WindowKind kind, int size, std::int64_t durationMs)
    : m_kind(kind), m_size(std::max(size, 1)), m_durationMs(durationMs)
{
    switch (m_kind) {
    case WindowKind::None:
        break;
    case WindowKind::Count:
        m_ring.assign(static_cast<std::size_t>(m_size), 0);
        break;
    case WindowKind::FixedBuckets:
        // opossum: setInterval(rotate, floor(timeout / buckets)) started at construction (t = 0).
        m_slotMs = std::max<std::int64_t>(1, durationMs / m_size);
        m_slots.assign(static_cast<std::size_t>(m_size), Slot{});
        m_bucketEnd = m_slotMs;
        break;
    case WindowKind::SamplingRing:
        // cockatiel: windowSize = Math.round(duration / windowCount).
        m_slotMs = std::max<std::int64_t>(
            1, static_cast<std::int64_t>(std::floor(static_cast<double>(durationMs) / m_size + 0.5)));
        m_slots.assign(static_cast<std::size_t>(m_size), Slot{});
        break;
    case WindowKind::AgedWindows:
        // Polly: samplingDuration / numberOfWindows; one spare slot for the window being opened.
        m_slotMs = std::max<std::int64_t>(1, durationMs / m_size);
        m_slots.assign(static_cast<std::size_t>(m_size) + 1, Slot{});
        break;
    }
}

void StatisticsWindow::recordRejected(std::int64_t t)
{
    switch (m_kind) {
    case WindowKind::None:
        return;
    case WindowKind::Count:
        // A rejected call has no outcome; in a count window it occupies a slot as a non-failure.
        recordCount(false, false);
        return;
    case WindowKind::FixedBuckets:
        if (t >= m_bucketEnd)
            advanceFixed(t);
        ++m_slots[m_current].total;
        ++m_total;
        return;
    case WindowKind::SamplingRing:
        if (t - m_slots[m_current].startedAt >= m_slotMs)
            rotateSampling(t);
        ++m_slots[m_current].total;
        ++m_total;
        return;
    case WindowKind::AgedWindows:
        recordAged(t, false, false);
        return;
    }
}

void StatisticsWindow::clear()
{
    m_total = m_failures = m_slow = 0;
    std::fill(m_ring.begin(), m_ring.end(), 0);
    m_position = 0;
    m_filled = 0;
    if (m_kind == WindowKind::FixedBuckets) {
        // The grid stays aligned to t = 0; only the counts go.
        for (Slot &slot : m_slots)
            slot.total = slot.failures = slot.slow = 0;
    } else {
        std::fill(m_slots.begin(), m_slots.end(), Slot{});
        m_current = 0;
        m_head = 0;
        m_live = 0;
    }
}

void StatisticsWindow::dropSlot(int index)
{
    Slot &slot = m_slots[index];
    m_total -= slot.total;
    m_failures -= slot.failures;
    m_slow -= slot.slow;
    slot = Slot{};
}

void StatisticsWindow::advanceFixed(std::int64_t t)
{
    const std::int64_t index = t / m_slotMs;
    const std::int64_t steps = index - m_bucketIndex;
    Q_ASSERT(steps > 0);
    if (steps >= m_size) {
        for (int i = 0; i < m_size; ++i)
            m_slots[i] = Slot{};
        m_total = m_failures = m_slow = 0;
        m_current = static_cast<int>(index % m_size);
    } else {
        for (std::int64_t s = 0; s < steps; ++s) {
            if (++m_current == m_size)
                m_current = 0;
            dropSlot(m_current);
        }
    }
    m_bucketIndex = index;
    m_bucketEnd = (index + 1) * m_slotMs;
}

void StatisticsWindow::rotateSampling(std::int64_t t)
{
    // cockatiel rotates one window per call however long the gap: old counts survive quiet periods.
    int next = m_current + 1;
    if (next == m_size)
        next = 0;
    dropSlot(next);
    m_slots[next].startedAt = t;
    m_current = next;
}

void StatisticsWindow::recordAged(std::int64_t t, bool failed, bool slow)
{
    const int capacity = static_cast<int>(m_slots.size());
    if (m_live == 0 || t - m_slots[m_current].startedAt >= m_slotMs) {
        if (m_live == capacity) {
            dropSlot(m_head);
            m_head = (m_head + 1) % capacity;
            --m_live;
        }
        m_current = (m_head + m_live) % capacity;
        m_slots[m_current] = Slot{t, 0, 0, 0};
        ++m_live;
    }
    while (m_live > 1 && t - m_slots[m_head].startedAt >= m_durationMs) {
        dropSlot(m_head);
        m_head = (m_head + 1) % capacity;
        --m_live;
    }
    addToSlot(m_current, failed, slow);
}

} // namespace bw
