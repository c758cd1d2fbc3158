#include "store/stagingrow.h"

#include "store/bitcoder.h"
#include "store/observationcodec.h"

#include <algorithm>
#include <limits>

namespace bw {

namespace {

constexpr std::uint64_t kMaxService = std::uint64_t{1} << 20;

std::int64_t blockIndex(std::int64_t start)
{
    std::int64_t q = start / ObservationCodec::kBlockSpanMs;
    if (start % ObservationCodec::kBlockSpanMs != 0 && start < 0)
        --q;
    return q;
}

} // namespace

QByteArray StagingRow::build(const std::vector<std::tuple<int, std::int64_t, QByteArray>> &chunks)
{
    std::int64_t first = std::numeric_limits<std::int64_t>::max();
    for (const auto &[service, start, bytes] : chunks)
        first = std::min(first, blockIndex(start));
    if (chunks.empty())
        first = 0;
    QByteArray row;
    appendVarint(row, zigzag(first));
    for (const auto &[service, start, bytes] : chunks) {
        appendVarint(row, static_cast<std::uint64_t>(service));
        appendVarint(row, static_cast<std::uint64_t>(blockIndex(start) - first));
        appendVarint(row, static_cast<std::uint64_t>(bytes.size()));
        row += bytes;
    }
    return row;
}

bool StagingRow::split(QByteArrayView row, std::vector<Chunk> &out)
{
    std::int64_t pos = 0;
    std::uint64_t first = 0;
    if (!readVarint(row, pos, first))
        return false;
    while (pos < row.size()) {
        std::uint64_t service = 0;
        std::uint64_t block = 0;
        std::uint64_t length = 0;
        if (!readVarint(row, pos, service) || !readVarint(row, pos, block) || !readVarint(row, pos, length) ||
            service >= kMaxService || block > (std::uint64_t{1} << 40) ||
            length > static_cast<std::uint64_t>(row.size() - pos))
            return false;
        const std::int64_t index = unzigzag(first) + static_cast<std::int64_t>(block);
        out.push_back({static_cast<int>(service), index * ObservationCodec::kBlockSpanMs,
                       row.sliced(pos, static_cast<qsizetype>(length))});
        pos += static_cast<std::int64_t>(length);
    }
    return true;
}

} // namespace bw
