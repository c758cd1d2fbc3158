#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <cstdint>
#include <tuple>
#include <vector>

namespace bw {

// One row of the store's staging area (obs_recent since schema version 4): what one flush added to the blocks that
// are not sealed yet, for every service at once.
//   zigzag varint   the first block index (block start / ObservationCodec::kBlockSpanMs)
//   per chunk       varint service id, varint block index minus the first, varint length, then that many bytes of
//                   an ObservationCodec block (which carries its own CRC)
// Pure functions.
class StagingRow
{
public:
    struct Chunk
    {
        int service = 0;
        std::int64_t start = 0; // block start, epoch ms
        QByteArrayView bytes;
    };

    // (service id, block start, encoded observations)
    static QByteArray build(const std::vector<std::tuple<int, std::int64_t, QByteArray>> &chunks);
    // Appends the row's chunks (views into `row`) to `out`; false when the framing is damaged, after appending the
    // chunks before the damage.
    static bool split(QByteArrayView row, std::vector<Chunk> &out);
};

} // namespace bw
