#pragma once

#include "common/result.h"
#include "store/storetypes.h"

#include <QByteArray>
#include <QByteArrayView>

#include <cstdint>
#include <span>
#include <vector>

namespace bw {

// The encoded block of one service's observations: what one row of the store holds (one service, one 10-minute
// span). Pure functions, no state.
//
// Layout (format 1):
//   byte 0       format (1)
//   bytes 1-4    CRC-32 (little endian) of everything after it
//   varint       n, the number of observations (1 .. kMaxObservations; 0 for an empty block)
//   varint       zigzag(t[0] - base), base being the block's start
//   then integer streams (see bitcoder.h), bit-packed, to the end of the blob:
//     time      n-1 values: t[1]-t[0], then each delta minus the previous one (delta-of-delta: a steady 1 s poll
//               with a few ms of jitter costs 3-5 bits, a perfectly steady one almost nothing)
//     outcome   n values: each PollOutcome code minus the previous one (0 for a repeat: runs cost bits per run)
//     state     n values, the same for the simulated breaker's BreakerState
//     observed  n values, the same for 0 = no real breaker, 1 + BreakerState
//     per series (error rate, latency, p95): 2 bits, 0 = never present, 1 = always present, 2 = mixed; if mixed a
//               presence stream (n values, 0/1, delta coded); then the m present values as deltas of their
//               Quantiser codes (the first from 0).
// Observations are sorted by t (stable) before encoding; decoding gives them back in that order, quantised.
// Non-finite values are stored as absent. Decoding checks the CRC, every code's range and that the bits end where
// they should, and fails with a message instead of returning garbage; it never reads out of bounds.
class ObservationCodec
{
public:
    static constexpr std::uint8_t kFormat = 1;
    static constexpr std::int64_t kBlockSpanMs = 600'000;
    static constexpr std::size_t kMaxObservations = 1 << 17;

    static std::int64_t blockStart(std::int64_t t);

    // The observation as the store keeps it: values quantised, non-finite values absent.
    static Observation quantised(const Observation &observation);

    // At most kMaxObservations (the caller enforces it; extra ones are not encoded).
    static QByteArray encode(std::span<const Observation> observations, std::int64_t base);
    // Appends the block's observations to `out`; on failure `out` is left as it was.
    static Status decode(QByteArrayView bytes, std::int64_t base, std::vector<Observation> &out);
};

} // namespace bw
