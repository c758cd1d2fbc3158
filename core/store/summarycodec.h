#pragma once

#include "history/bucketstats.h"

#include "common/result.h"
#include "history/historytypes.h"
#include "store/storetypes.h"

#include <QByteArray>
#include <QByteArrayView>

#include <array>
#include <cstdint>
#include <vector>

namespace bw {

// The downsampled form of one service-hour: six 10-minute buckets per series, each first/last/min/max/mean/count
// of the samples it covers (the display store's SeriesPoint). What the store keeps once raw blocks have aged out,
// and what restore() reads for the part of a range older than the display store's 1-minute level.
//
// Layout (format 1): byte 0 format, bytes 1-4 CRC-32 of the rest, then bit-packed integer streams (bitcoder.h) per
// series: the six counts (deltas of the previous count; 0 = no samples), then for the m buckets with samples the
// mean's Quantiser code (deltas of the previous mean's code), and the min, max, first and last codes as offsets
// from their bucket's mean code. Values are quantised as in raw blocks (the mean of a quantised set is quantised
// again). Pure functions.
class SummaryCodec
{
public:
    static constexpr std::uint8_t kFormat = 1;
    static constexpr std::int64_t kSpanMs = 3'600'000;
    static constexpr std::int64_t kBucketMs = 600'000;
    static constexpr int kBuckets = 6;

    using Bucket = BucketStats;
    using Buckets = std::array<std::array<Bucket, kBuckets>, kSeriesKindCount>;

    static std::int64_t hourStart(std::int64_t t);
    // Folds one observation (of the hour starting at hourStart) into its buckets; ignores other hours.
    static void accumulate(Buckets &buckets, std::int64_t hourStart, const Observation &observation);

    static QByteArray encode(const Buckets &buckets);
    static Status decode(QByteArrayView bytes, Buckets &out);
    // The buckets with samples as display points of one series, oldest first.
    static std::vector<SeriesPoint> points(const Buckets &buckets, SeriesKind kind, std::int64_t hourStart);
};

} // namespace bw
