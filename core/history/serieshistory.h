#pragma once

#include "history/bucketstats.h"

#include "history/compactring.h"
#include "history/historytypes.h"

#include <QFloat16>

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

namespace bw {

// One numeric series of one service at four resolutions (1 s, 10 s, 1 min, 10 min buckets, see
// kSeriesLevelWidthMs). Each bucket holds first/last/min/max/mean/count of its samples. Every level folds each
// sample into its open bucket at full precision; when time leaves a bucket it is sealed into a 12-byte packed
// bucket (qfloat16 values, uint16 count) in that level's ring, so a coarse bucket equals the roll-up of the finer
// ones without compounding the float16 rounding. Bucket times are implicit (rings are contiguous in time).
//
// Time is whatever the caller passes (epoch ms); nothing here reads a clock.
// Late samples: a sample older than the current 1 s bucket is dropped and counted in droppedSamples(); samples
// inside the current second are accepted in any order, duplicates included (each one counts).
// NaN and infinities are dropped; values are clamped to ±65504 (the float16 range).
// A jump forward longer than a level's retention empties that level. Not thread-safe; a value type.
class SeriesHistory
{
public:
    struct PackedBucket
    {
        qfloat16 first;
        qfloat16 last;
        qfloat16 min;
        qfloat16 max;
        qfloat16 mean;
        std::uint16_t count = 0; // saturates at 65535
    };

    explicit SeriesHistory(const HistoryRetention &retention = {});

    void append(std::int64_t t, double value);
    // Restores a pre-reduced bucket (read back from the history store): the samples of
    // [point.t, point.t + point.durationMs), folded into every level at least that wide as if they had been appended
    // one by one (first/last/min/max/count exact, the sum from the mean). Finer levels cannot hold it: they are
    // emptied and start after it, so queries there fall back to the coarser levels. The point must lie within one
    // bucket of each level it feeds (e.g. a 1 min point aligned to the minute); points not after what a level holds
    // already are dropped and counted like late samples.
    void appendReduced(const SeriesPoint &point);

    // Pre-reduced points covering [t0, t1): uses the coarsest level whose bucket is no wider than
    // (t1 - t0) / maxPoints, merged into groups of whole buckets at least that wide, so at most maxPoints + 1
    // points per level used come back and a 24 h chart never touches 86,400 one-second buckets. Where that level no
    // longer holds the older part of the range, the next coarser level that does fills it in (stitched at a coarse
    // bucket boundary, so no time is counted twice). The current, still open bucket of each level is included.
    std::vector<SeriesPoint> buckets(std::int64_t t0, std::int64_t t1, int maxPoints) const;

    // The level buckets() would start from for this span and point count.
    static int levelFor(std::int64_t spanMs, int maxPoints);

    // The latest 1 s bucket (open), if any sample was accepted.
    std::optional<SeriesPoint> latest() const;

    // Earliest time any level still covers; nullopt when empty.
    std::optional<std::int64_t> earliest() const;

    std::uint64_t droppedSamples() const { return m_dropped; }
    std::size_t memoryBytes() const;

    // For tests: how many sealed buckets a level holds.
    std::size_t sealedCount(int level) const { return m_levels[static_cast<std::size_t>(level)].ring.size(); }

private:
    struct Accumulator : BucketStats
    {
        void mergePacked(const PackedBucket &bucket);
    };
    struct Level
    {
        std::int64_t width = 0;
        CompactRing<PackedBucket> ring; // sealed buckets, contiguous, the newest ending at openStart
        std::int64_t openStart = 0;     // start of the open bucket
        Accumulator open;
        // Every sample accepted since then is in this level: a coarser level only has something to add before it.
        std::int64_t heldFrom = 0;
    };

    void advance(Level &level, std::int64_t newStart);
    void collect(int level, std::int64_t from, std::int64_t to, std::int64_t target,
                 std::vector<SeriesPoint> &out) const;
    void emit(const Level &level, std::int64_t from, std::int64_t to, std::int64_t group,
              std::vector<SeriesPoint> &out) const;
    static PackedBucket pack(const Accumulator &accumulator);

    std::array<Level, kSeriesLevelCount> m_levels;
    bool m_started = false;
    std::uint64_t m_dropped = 0;
};

} // namespace bw
