#pragma once

#include "history/historytypes.h"

#include <QString>

#include <cstdint>
#include <vector>

namespace bw {

// Interned reason texts of one service, stored once each as UTF-8 in one arena and named by a 16-bit ReasonId
// (0 is the empty reason). A flapping breaker repeats a handful of sentences thousands of times; each run then
// costs two bytes for its reason. When full, compact() keeps only the ids still referenced and renumbers them.
// Not thread-safe; a value type.
class ReasonPool
{
public:
    static constexpr std::size_t kMaxEntries = 65'535;

    // Id of `text`, adding it if new. Returns 0 for an empty text, or when the pool is full (see compact()).
    ReasonId intern(QStringView text);
    // The id of `text` if present, without adding it.
    ReasonId find(QStringView text) const;
    QString text(ReasonId id) const;

    std::size_t size() const { return m_offsets.empty() ? 0 : m_offsets.size() - 1; } // entries, without id 0
    bool full() const { return size() >= kMaxEntries; }

    // Keeps the entries whose ids are marked in `live` (indexed by id) and renumbers them; returns the map from
    // old id to new id (0 for dropped entries).
    std::vector<ReasonId> compact(const std::vector<bool> &live);

    std::size_t memoryBytes() const;

private:
    ReasonId lookup(const QByteArray &utf8, std::size_t hash) const;
    void rehash(std::size_t slots);
    std::size_t hashOf(const char *data, std::size_t size) const;

    std::vector<char> m_arena;            // UTF-8 texts back to back
    std::vector<std::uint32_t> m_offsets; // entry i spans [m_offsets[i-1], m_offsets[i]); m_offsets[0] == 0
    std::vector<ReasonId> m_slots;        // open addressing, power-of-two size, 0 = free
};

} // namespace bw
