#pragma once

// Helpers shared by the fuzz targets.

#include <QByteArrayView>
#include <QString>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace fuzz {

// A broken invariant is a finding: say which, and abort so libFuzzer keeps the input.
inline void require(bool condition, const char *what)
{
    if (!condition) {
        std::fprintf(stderr, "fuzz: invariant violated: %s\n", what);
        std::abort();
    }
}

inline QByteArrayView bytes(const std::uint8_t *data, std::size_t size)
{
    return {reinterpret_cast<const char *>(data), static_cast<qsizetype>(size)};
}

// A message for people: one line, not empty.
inline bool isOneLine(const QString &text)
{
    return !text.isEmpty() && !text.contains(u'\n') && !text.contains(u'\r');
}

// Chunk sizes taken from the input itself (a small xorshift seeded by its bytes): the same input always splits the
// same way, and libFuzzer can steer the split by mutating it.
class ChunkSizes
{
public:
    explicit ChunkSizes(QByteArrayView input)
    {
        for (char c : input.first(std::min<qsizetype>(input.size(), 16)))
            m_state = (m_state ^ static_cast<std::uint8_t>(c)) * 0x100000001b3ULL;
        if (m_state == 0)
            m_state = 1;
    }
    // 1..max bytes; mostly small, sometimes large.
    qsizetype next(qsizetype max)
    {
        m_state ^= m_state << 13;
        m_state ^= m_state >> 7;
        m_state ^= m_state << 17;
        const qsizetype limit = (m_state & 0xf) == 0 ? max : std::min<qsizetype>(max, 16);
        return 1 + static_cast<qsizetype>((m_state >> 8) % static_cast<std::uint64_t>(std::max<qsizetype>(1, limit)));
    }

private:
    std::uint64_t m_state = 0xcbf29ce484222325ULL;
};

} // namespace fuzz
