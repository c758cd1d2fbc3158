#include "store/bitcoder.h"

#include <array>
#include <bit>
#include <limits>

namespace bw {

namespace {

constexpr int kEscapeOnes = 15;
constexpr int kMaxK = 31;

std::uint64_t mask(int bits)
{
    return bits >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << bits) - 1;
}

std::int64_t riceBits(std::uint64_t u, int k)
{
    const std::uint64_t q = u >> k;
    return q < kEscapeOnes ? static_cast<std::int64_t>(q) + 1 + k : kEscapeOnes + 7 + std::bit_width(u);
}

std::int64_t expGolombBits(std::uint64_t u)
{
    return 2 * static_cast<std::int64_t>(std::bit_width(u + 1)) - 1;
}

struct Choice
{
    bool runs = false;
    int k = 0;
    std::int64_t bits = 0;
};

Choice choose(std::span<const std::int64_t> values)
{
    std::array<std::int64_t, kMaxK + 1> plain{};
    std::array<std::int64_t, kMaxK + 1> runs{};
    std::int64_t runOverhead = 0; // bits of the run-mode flags and run lengths, independent of k
    bool afterRun = false;
    for (std::size_t i = 0; i < values.size();) {
        const std::int64_t v = values[i];
        const std::uint64_t u = zigzag(v);
        if (v == 0) {
            std::size_t r = 1;
            while (i + r < values.size() && values[i + r] == 0)
                ++r;
            for (std::size_t j = 0; j < r; ++j)
                for (int k = 0; k <= kMaxK; ++k)
                    plain[static_cast<std::size_t>(k)] += riceBits(0, k);
            runOverhead += 1 + expGolombBits(r - 1);
            afterRun = true;
            i += r;
            continue;
        }
        for (int k = 0; k <= kMaxK; ++k) {
            plain[static_cast<std::size_t>(k)] += riceBits(u, k);
            runs[static_cast<std::size_t>(k)] += riceBits(u - 1, k);
        }
        runOverhead += afterRun ? 0 : 1;
        afterRun = false;
        ++i;
    }
    Choice best{false, 0, std::numeric_limits<std::int64_t>::max()};
    for (int k = 0; k <= kMaxK; ++k) {
        if (plain[static_cast<std::size_t>(k)] < best.bits)
            best = {false, k, plain[static_cast<std::size_t>(k)]};
        const std::int64_t r = runs[static_cast<std::size_t>(k)] + runOverhead;
        if (r < best.bits)
            best = {true, k, r};
    }
    best.bits += 6;
    return best;
}

constexpr std::array<std::uint32_t, 256> makeCrcTable()
{
    std::array<std::uint32_t, 256> table{};
    for (std::uint32_t i = 0; i < 256; ++i) {
        std::uint32_t c = i;
        for (int j = 0; j < 8; ++j)
            c = (c & 1) ? 0xEDB8'8320U ^ (c >> 1) : c >> 1;
        table[i] = c;
    }
    return table;
}
constexpr auto kCrcTable = makeCrcTable();

} // namespace

void BitWriter::write(std::uint64_t value, int bits)
{
    if (bits <= 0)
        return;
    if (bits > 32) {
        write(value & mask(32), 32);
        write(value >> 32, bits - 32);
        return;
    }
    m_acc |= (value & mask(bits)) << m_pending;
    m_pending += bits;
    while (m_pending >= 8) {
        m_bytes.append(static_cast<char>(m_acc & 0xff));
        m_acc >>= 8;
        m_pending -= 8;
    }
}

void BitWriter::writeRice(std::uint64_t u, int k)
{
    const std::uint64_t q = u >> k;
    if (q < kEscapeOnes) {
        write(mask(static_cast<int>(q)), static_cast<int>(q) + 1); // q ones, then a zero
        write(u, k);
        return;
    }
    write(mask(kEscapeOnes), kEscapeOnes);
    const int length = std::bit_width(u);
    write(static_cast<std::uint64_t>(length), 7);
    write(u, length);
}

void BitWriter::writeExpGolomb(std::uint64_t u)
{
    const std::uint64_t v = u + 1;
    const int length = std::bit_width(v);
    for (int i = 0; i < length - 1; ++i)
        writeBit(true);
    writeBit(false);
    write(v, length - 1);
}

QByteArray BitWriter::finish()
{
    if (m_pending > 0) {
        m_bytes.append(static_cast<char>(m_acc & 0xff));
        m_acc = 0;
        m_pending = 0;
    }
    return m_bytes;
}

void BitReader::refill()
{
    while (m_available <= 56 && m_next < m_data.size()) {
        m_buffer |= static_cast<std::uint64_t>(static_cast<std::uint8_t>(m_data[m_next])) << m_available;
        m_available += 8;
        ++m_next;
    }
}

std::uint64_t BitReader::read(int bits)
{
    if (bits <= 0)
        return 0;
    if (bits > 32) {
        const std::uint64_t low = read(32);
        return low | (read(bits - 32) << 32);
    }
    if (m_available < bits) {
        refill();
        if (m_available < bits) {
            m_failed = true;
            m_buffer = 0;
            m_available = 0;
            return 0;
        }
    }
    const std::uint64_t value = m_buffer & mask(bits);
    m_buffer = bits == 64 ? 0 : m_buffer >> bits;
    m_available -= bits;
    return value;
}

std::uint64_t BitReader::readRice(int k)
{
    if (m_available < kEscapeOnes + 1)
        refill();
    const int ones = std::min(std::countr_one(m_buffer), m_available);
    if (ones >= kEscapeOnes) {
        read(kEscapeOnes);
        const int length = static_cast<int>(read(7));
        if (length > 64) {
            m_failed = true;
            return 0;
        }
        return read(length);
    }
    if (ones == m_available) { // no terminating zero: truncated
        m_failed = true;
        m_buffer = 0;
        m_available = 0;
        return 0;
    }
    m_buffer >>= ones + 1;
    m_available -= ones + 1;
    const std::uint64_t q = static_cast<std::uint64_t>(ones);
    return (q << k) | read(k);
}

std::uint64_t BitReader::readExpGolomb()
{
    int ones = 0;
    while (readBit()) {
        if (++ones > 63 || m_failed) {
            m_failed = true;
            return 0;
        }
    }
    const std::uint64_t v = (std::uint64_t{1} << ones) | read(ones);
    return v - 1;
}

bool BitReader::atCleanEnd()
{
    return !m_failed && m_next == m_data.size() && m_available < 8 && m_buffer == 0;
}

void writeStream(BitWriter &writer, std::span<const std::int64_t> values)
{
    if (values.empty())
        return;
    const Choice choice = choose(values);
    writer.writeBit(choice.runs);
    writer.write(static_cast<std::uint64_t>(choice.k), 5);
    if (!choice.runs) {
        for (const std::int64_t v : values)
            writer.writeRice(zigzag(v), choice.k);
        return;
    }
    bool afterRun = false;
    for (std::size_t i = 0; i < values.size();) {
        if (values[i] == 0) {
            std::size_t r = 1;
            while (i + r < values.size() && values[i + r] == 0)
                ++r;
            writer.writeBit(false);
            writer.writeExpGolomb(r - 1);
            afterRun = true;
            i += r;
            continue;
        }
        if (!afterRun)
            writer.writeBit(true);
        writer.writeRice(zigzag(values[i]) - 1, choice.k);
        afterRun = false;
        ++i;
    }
}

void readStream(BitReader &reader, std::size_t n, std::vector<std::int64_t> &out)
{
    if (n == 0)
        return;
    const std::size_t target = out.size() + n;
    const bool runs = reader.readBit();
    const int k = static_cast<int>(reader.read(5));
    if (!runs) {
        for (std::size_t i = 0; i < n && !reader.failed(); ++i)
            out.push_back(unzigzag(reader.readRice(k)));
    } else {
        bool afterRun = false;
        while (out.size() < target && !reader.failed()) {
            if (!afterRun && !reader.readBit()) {
                const std::uint64_t r = reader.readExpGolomb() + 1;
                if (reader.failed() || r > target - out.size()) {
                    reader.fail();
                    break;
                }
                out.insert(out.end(), static_cast<std::size_t>(r), 0);
                afterRun = true;
                continue;
            }
            out.push_back(unzigzag(reader.readRice(k) + 1));
            afterRun = false;
        }
    }
    if (out.size() < target)
        out.resize(target, 0);
}

std::int64_t streamBits(std::span<const std::int64_t> values)
{
    return values.empty() ? 0 : choose(values).bits;
}

void appendVarint(QByteArray &out, std::uint64_t value)
{
    while (value >= 0x80) {
        out.append(static_cast<char>((value & 0x7f) | 0x80));
        value >>= 7;
    }
    out.append(static_cast<char>(value));
}

bool readVarint(QByteArrayView bytes, std::int64_t &pos, std::uint64_t &value)
{
    value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (pos >= bytes.size())
            return false;
        const auto byte = static_cast<std::uint8_t>(bytes[pos++]);
        value |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
        if ((byte & 0x80) == 0)
            return shift < 63 || byte <= 1;
    }
    return false;
}

std::uint32_t crc32(QByteArrayView bytes)
{
    std::uint32_t c = 0xFFFF'FFFFU;
    for (const char ch : bytes)
        c = kCrcTable[(c ^ static_cast<std::uint8_t>(ch)) & 0xff] ^ (c >> 8);
    return c ^ 0xFFFF'FFFFU;
}

QByteArray frameBlock(std::uint8_t format, QByteArrayView body)
{
    QByteArray out;
    out.reserve(kBlockHeaderBytes + body.size());
    out.append(static_cast<char>(format));
    const std::uint32_t crc = crc32(body);
    for (int i = 0; i < 4; ++i)
        out.append(static_cast<char>((crc >> (8 * i)) & 0xff));
    out += body;
    return out;
}

std::optional<QByteArrayView> unframeBlock(QByteArrayView bytes, std::uint8_t format, QString *why)
{
    using namespace Qt::StringLiterals;
    if (bytes.size() < kBlockHeaderBytes) {
        *why = u"%1 bytes is too short"_s.arg(bytes.size());
        return std::nullopt;
    }
    if (static_cast<std::uint8_t>(bytes[0]) != format) {
        *why = u"unknown format %1"_s.arg(static_cast<std::uint8_t>(bytes[0]));
        return std::nullopt;
    }
    std::uint32_t stored = 0;
    for (int i = 0; i < 4; ++i)
        stored |= static_cast<std::uint32_t>(static_cast<std::uint8_t>(bytes[1 + i])) << (8 * i);
    const QByteArrayView body = bytes.sliced(kBlockHeaderBytes);
    if (crc32(body) != stored) {
        *why = u"checksum mismatch"_s;
        return std::nullopt;
    }
    return body;
}

} // namespace bw
