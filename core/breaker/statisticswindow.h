#pragma once

#include "breaker/breakerpolicy.h"

#include <cstdint>
#include <vector>

namespace bw {

// Closed-state call statistics over one of the window kinds of BreakerPolicy. Calls must arrive with
// non-decreasing t. Every kind keeps running sums, so reading the counts is O(1) and recording is O(1)
// amortised: no allocation after construction. Not thread-safe; owned by one CircuitBreaker.
class StatisticsWindow
{
public:
    StatisticsWindow() = default;
    StatisticsWindow(WindowKind kind, int size, std::int64_t durationMs);

    void record(std::int64_t t, bool failed, bool slow)
    {
        switch (m_kind) {
        case WindowKind::None:
            return;
        case WindowKind::Count:
            recordCount(failed, slow);
            return;
        case WindowKind::FixedBuckets:
            if (t >= m_bucketEnd)
                advanceFixed(t);
            addToSlot(m_current, failed, slow);
            return;
        case WindowKind::SamplingRing:
            if (t - m_slots[m_current].startedAt >= m_slotMs)
                rotateSampling(t);
            addToSlot(m_current, failed, slow);
            return;
        case WindowKind::AgedWindows:
            recordAged(t, failed, slow);
            return;
        }
    }

    // A refused call that still counts in the volume (opossum's `fires`): total only.
    void recordRejected(std::int64_t t);

    // Fresh statistics (a close with fresh metrics, cockatiel's resetWindows).
    void clear();

    std::int64_t total() const { return m_total; }
    std::int64_t failures() const { return m_failures; }
    std::int64_t slow() const { return m_slow; }
    WindowKind kind() const { return m_kind; }
    std::int64_t slotMs() const { return m_slotMs; }

private:
    struct Slot
    {
        std::int64_t startedAt = 0; // SamplingRing / AgedWindows: the call that opened it
        std::int64_t total = 0;
        std::int64_t failures = 0;
        std::int64_t slow = 0;
    };

    void recordCount(bool failed, bool slow)
    {
        const std::uint8_t flags = static_cast<std::uint8_t>(failed) | static_cast<std::uint8_t>(slow << 1);
        if (m_filled == m_size) {
            const std::uint8_t old = m_ring[m_position];
            m_failures -= old & 1u;
            m_slow -= (old >> 1) & 1u;
        } else {
            ++m_filled;
            ++m_total;
        }
        m_ring[m_position] = flags;
        m_failures += failed;
        m_slow += slow;
        if (++m_position == m_size)
            m_position = 0;
    }
    void addToSlot(int index, bool failed, bool slow)
    {
        Slot &slot = m_slots[index];
        ++slot.total;
        slot.failures += failed;
        slot.slow += slow;
        ++m_total;
        m_failures += failed;
        m_slow += slow;
    }
    void advanceFixed(std::int64_t t);
    void rotateSampling(std::int64_t t);
    void recordAged(std::int64_t t, bool failed, bool slow);
    void dropSlot(int index);

    WindowKind m_kind = WindowKind::None;
    int m_size = 0;
    std::int64_t m_durationMs = 0;
    std::int64_t m_slotMs = 0;

    std::int64_t m_total = 0;
    std::int64_t m_failures = 0;
    std::int64_t m_slow = 0;

    // Count
    std::vector<std::uint8_t> m_ring;
    int m_position = 0;
    int m_filled = 0;

    // Time kinds
    std::vector<Slot> m_slots;
    int m_current = 0;
    std::int64_t m_bucketIndex = 0; // FixedBuckets: absolute index of the current bucket
    std::int64_t m_bucketEnd = 0;   // FixedBuckets: first t of the next bucket
    int m_head = 0;                 // AgedWindows: oldest live slot
    int m_live = 0;                 // AgedWindows: live slots
};

} // namespace bw
