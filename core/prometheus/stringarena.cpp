#include "prometheus/stringarena.h"

#include <cstring>

namespace bw {

StringArena::StringArena(qsizetype blockSize) : m_blockSize(qMax<qsizetype>(blockSize, 64)) {}

StringArena::~StringArena()
{
    settle();
}

StringArena::Stored StringArena::store(QByteArrayView bytes)
{
    const qsizetype size = bytes.size();
    if (size == 0)
        return {};
    const bool dedicated = size + 1 > m_blockSize / 4;
    if (dedicated || m_current < 0 || m_blocks[std::size_t(m_current)].used + size + 1 > m_blockSize) {
        Block block;
        block.owner = QByteArray(dedicated ? size + 1 : m_blockSize, Qt::Uninitialized);
        block.base = block.owner.data(); // taken while the block has one owner: it never detaches later
        m_blocks.push_back(std::move(block));
        if (!dedicated)
            m_current = static_cast<std::int32_t>(m_blocks.size() - 1);
    }
    const auto index = dedicated ? static_cast<std::int32_t>(m_blocks.size() - 1) : m_current;
    Block &block = m_blocks[std::size_t(index)];
    char *data = block.base + block.used;
    std::memcpy(data, bytes.data(), static_cast<std::size_t>(size));
    data[size] = '\0';
    block.used += size + 1;
    return {data, size, index};
}

QByteArray StringArena::share(const Stored &stored)
{
    if (stored.block < 0)
        return QByteArray("", 0); // empty, not null; no allocation
    Block &block = m_blocks[std::size_t(stored.block)];
    ++block.pending;
    return QByteArray(QByteArray::DataPointer(block.owner.data_ptr().d, const_cast<char *>(stored.data), stored.size));
}

void StringArena::settle()
{
    for (Block &block : m_blocks) {
        if (block.pending > 0) {
            block.owner.data_ptr().d->ref_.fetchAndAddOrdered(block.pending);
            block.pending = 0;
        }
    }
}

} // namespace bw
