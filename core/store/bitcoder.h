#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <QString>

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace bw {

// The bit-level coding under the store's blocks. Bits are packed least significant first into bytes.
//
// An integer stream (writeStream/readStream) codes n signed integers, usually deltas, in one of two modes chosen by
// the writer for the fewest bits, behind a 6-bit header (1 bit mode, 5 bits Rice parameter k):
//   plain: each value as Rice_k(zigzag(v));
//   runs:  a run of r zeros as bit 0 + ExpGolomb0(r - 1); a non-zero value as bit 1 + Rice_k(zigzag(v) - 1); the
//          flag bit is left out after a run (the next value cannot be zero).
// Rice_k(u): q = u >> k in unary (q one bits, then a zero) and the k low bits of u; when q >= 15, fifteen one bits,
// then the bit length L of u in 7 bits, then u in L bits (so any 64-bit value costs at most 86 bits).
// An empty stream costs nothing, not even its header; the reader must know n.
class BitWriter
{
public:
    void write(std::uint64_t value, int bits); // bits in [0, 64]
    void writeBit(bool bit) { write(bit ? 1 : 0, 1); }
    void writeRice(std::uint64_t u, int k);
    void writeExpGolomb(std::uint64_t u);
    // Pads to a byte boundary with zero bits and returns the bytes written so far.
    QByteArray finish();
    std::int64_t bitCount() const { return static_cast<std::int64_t>(m_bytes.size()) * 8 + m_pending; }

private:
    QByteArray m_bytes;
    std::uint64_t m_acc = 0;
    int m_pending = 0; // bits in m_acc
};

// Reads what BitWriter wrote. Reading past the end yields zero bits and sets failed(); it never reads out of bounds.
class BitReader
{
public:
    explicit BitReader(QByteArrayView bytes) : m_data(bytes) {}

    std::uint64_t read(int bits);
    bool readBit() { return read(1) != 0; }
    std::uint64_t readRice(int k);
    std::uint64_t readExpGolomb();

    bool failed() const { return m_failed; }
    void fail() { m_failed = true; }
    // True when every whole byte was consumed and the padding bits are zero.
    bool atCleanEnd();

private:
    void refill();

    QByteArrayView m_data;
    std::int64_t m_next = 0; // next byte to load
    std::uint64_t m_buffer = 0;
    int m_available = 0; // valid bits in m_buffer
    bool m_failed = false;
};

inline std::uint64_t zigzag(std::int64_t v)
{
    return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
}
inline std::int64_t unzigzag(std::uint64_t u)
{
    return static_cast<std::int64_t>(u >> 1) ^ -static_cast<std::int64_t>(u & 1);
}

// Writes/reads an integer stream as described above. readStream appends exactly n values to `out` (zeros after a
// failure; check reader.failed()).
void writeStream(BitWriter &writer, std::span<const std::int64_t> values);
void readStream(BitReader &reader, std::size_t n, std::vector<std::int64_t> &out);
// Bits writeStream would use; for tests and size reports.
std::int64_t streamBits(std::span<const std::int64_t> values);

// Little-endian base-128 varints for the byte-aligned headers. readVarint returns false on truncation or overflow.
void appendVarint(QByteArray &out, std::uint64_t value);
bool readVarint(QByteArrayView bytes, std::int64_t &pos, std::uint64_t &value);

// CRC-32 (IEEE 802.3, as zlib's crc32) of the bytes.
std::uint32_t crc32(QByteArrayView bytes);

// The frame of a stored block: a format byte, the body's CRC-32 (little-endian), the body.
inline constexpr int kBlockHeaderBytes = 5;
QByteArray frameBlock(std::uint8_t format, QByteArrayView body);
// The body of a framed block, or why not ("N bytes is too short", "unknown format F", "checksum mismatch").
std::optional<QByteArrayView> unframeBlock(QByteArrayView bytes, std::uint8_t format, QString *why);

} // namespace bw
