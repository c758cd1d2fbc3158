#include "history/reasonpool.h"

#include <QHashFunctions>

#include <cstring>

namespace bw {

std::size_t ReasonPool::hashOf(const char *data, std::size_t size) const
{
    return qHash(QByteArrayView(data, static_cast<qsizetype>(size)));
}

ReasonId ReasonPool::lookup(const QByteArray &utf8, std::size_t hash) const
{
    if (m_slots.empty())
        return 0;
    const std::size_t mask = m_slots.size() - 1;
    for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
        const ReasonId id = m_slots[i];
        if (id == 0)
            return 0;
        const std::uint32_t begin = m_offsets[id - 1u];
        const std::uint32_t end = m_offsets[id];
        if (end - begin == static_cast<std::uint32_t>(utf8.size()) &&
            std::memcmp(m_arena.data() + begin, utf8.constData(), end - begin) == 0)
            return id;
    }
}

ReasonId ReasonPool::find(QStringView text) const
{
    if (text.isEmpty())
        return 0;
    const QByteArray utf8 = text.toUtf8();
    return lookup(utf8, hashOf(utf8.constData(), static_cast<std::size_t>(utf8.size())));
}

ReasonId ReasonPool::intern(QStringView text)
{
    if (text.isEmpty())
        return 0;
    const QByteArray utf8 = text.toUtf8();
    const std::size_t hash = hashOf(utf8.constData(), static_cast<std::size_t>(utf8.size()));
    if (const ReasonId id = lookup(utf8, hash))
        return id;
    if (full())
        return 0;
    if (m_offsets.empty())
        m_offsets.push_back(0);
    m_arena.insert(m_arena.end(), utf8.constBegin(), utf8.constEnd());
    m_offsets.push_back(static_cast<std::uint32_t>(m_arena.size()));
    const auto id = static_cast<ReasonId>(size());
    if (m_slots.size() < 2 * (size() + 1)) {
        rehash(std::max<std::size_t>(16, m_slots.size() * 2));
    } else {
        const std::size_t mask = m_slots.size() - 1;
        std::size_t i = hash & mask;
        while (m_slots[i] != 0)
            i = (i + 1) & mask;
        m_slots[i] = id;
    }
    return id;
}

void ReasonPool::rehash(std::size_t slots)
{
    m_slots = std::vector<ReasonId>(slots, 0); // not assign(): that would keep a larger old capacity
    const std::size_t mask = slots - 1;
    for (std::size_t id = 1; id <= size(); ++id) {
        const std::uint32_t begin = m_offsets[id - 1];
        std::size_t i = hashOf(m_arena.data() + begin, m_offsets[id] - begin) & mask;
        while (m_slots[i] != 0)
            i = (i + 1) & mask;
        m_slots[i] = static_cast<ReasonId>(id);
    }
}

QString ReasonPool::text(ReasonId id) const
{
    if (id == 0 || id > size())
        return {};
    const std::uint32_t begin = m_offsets[id - 1u];
    return QString::fromUtf8(m_arena.data() + begin, static_cast<qsizetype>(m_offsets[id] - begin));
}

std::vector<ReasonId> ReasonPool::compact(const std::vector<bool> &live)
{
    std::vector<ReasonId> map(size() + 1, 0);
    std::vector<char> arena;
    std::vector<std::uint32_t> offsets{0};
    for (std::size_t id = 1; id <= size(); ++id) {
        if (id >= live.size() || !live[id])
            continue;
        const std::uint32_t begin = m_offsets[id - 1];
        arena.insert(arena.end(), m_arena.begin() + begin, m_arena.begin() + m_offsets[id]);
        offsets.push_back(static_cast<std::uint32_t>(arena.size()));
        map[id] = static_cast<ReasonId>(offsets.size() - 1);
    }
    arena.shrink_to_fit();
    m_arena = std::move(arena);
    m_offsets = std::move(offsets);
    std::size_t slots = 16;
    while (slots < 2 * (size() + 1))
        slots *= 2;
    rehash(slots);
    return map;
}

std::size_t ReasonPool::memoryBytes() const
{
    return m_arena.capacity() + m_offsets.capacity() * sizeof(std::uint32_t) + m_slots.capacity() * sizeof(ReasonId);
}

} // namespace bw
