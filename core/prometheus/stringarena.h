#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <cstdint>
#include <vector>

namespace bw {

// Copies many small strings into a few large blocks and hands them out as ordinary, implicitly shared
// QByteArrays whose data lies inside a block (Qt 6 allows the data pointer anywhere in its allocation, as for
// prepend; every string is '\0'-terminated). A block is freed when its last string is: one allocation per block
// instead of one per string, at the cost that a block lives as long as any string in it. Strings larger than a
// quarter of a block get a block of their own.
//
// Reference counting is batched: share() does not touch the block's atomic reference count; settle() adds all
// shares handed out so far in one operation per block. Until then no shared QByteArray may be destroyed or
// overwritten (copying is fine): call settle() first. The destructor settles. One thread, while filling; the
// strings themselves are as thread-safe as any QByteArray.
class StringArena
{
public:
    // A string copied into a block.
    struct Stored
    {
        const char *data = nullptr;
        qsizetype size = 0;
        std::int32_t block = -1; // -1: the empty string
    };

    explicit StringArena(qsizetype blockSize = qsizetype{16} * 1024);
    ~StringArena();
    Q_DISABLE_COPY_MOVE(StringArena)

    Stored store(QByteArrayView bytes);
    QByteArray share(const Stored &stored);
    void settle();

private:
    struct Block
    {
        QByteArray owner; // size() is the capacity
        char *base = nullptr;
        qsizetype used = 0;
        int pending = 0; // shares not yet added to the reference count
    };

    std::vector<Block> m_blocks;
    std::int32_t m_current = -1; // the block small strings go to
    qsizetype m_blockSize;
};

} // namespace bw
