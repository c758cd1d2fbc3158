// keepLargeBlocksInHeap: a block far above glibc's default mmap threshold comes from the heap afterwards.
// releaseFreeHeap: the free pages between blocks still in use leave the resident set.
#include "common/heaptuning.h"

#include <QFile>
#include <QTest>

#include <cstdlib>
#include <memory>
#include <vector>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

class TestHeapTuning final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void largeBlocksComeFromTheHeap();
    void freePagesBetweenLiveBlocksAreReturned();
    void theTrimmerCanBeTurnedOff();
};

namespace {

// Resident pages of this process, in bytes (the second field of /proc/self/statm).
std::size_t residentBytes()
{
    QFile statm(QStringLiteral("/proc/self/statm"));
    if (!statm.open(QIODevice::ReadOnly))
        return 0;
    const QList<QByteArray> fields = statm.readAll().split(' ');
    return fields.size() > 1 ? fields[1].toULongLong() * 4096 : 0;
}

} // namespace

void TestHeapTuning::largeBlocksComeFromTheHeap()
{
#if defined(__SANITIZE_ADDRESS__)
    QSKIP("AddressSanitizer has its own allocator");
#elif defined(__GLIBC__)
    constexpr std::size_t kBlock = 64 * 1024 * 1024; // twice glibc's largest default threshold
    const std::size_t mapped = mallinfo2().hblks;    // blocks mapped on their own so far (Qt's, the test's)
    void *before = std::malloc(kBlock);
    QVERIFY(before);
    QCOMPARE(mallinfo2().hblks, mapped + 1); // mapped on its own, by default
    std::free(before);
    bw::keepLargeBlocksInHeap();
    void *after = std::malloc(kBlock);
    QVERIFY(after);
    QCOMPARE(mallinfo2().hblks, mapped); // from the heap now
    static_cast<char *>(after)[kBlock - 1] = 1;
    std::free(after);
#else
    QSKIP("glibc only");
#endif
}

void TestHeapTuning::freePagesBetweenLiveBlocksAreReturned()
{
#if defined(__SANITIZE_ADDRESS__)
    QSKIP("AddressSanitizer has its own allocator");
#elif defined(__GLIBC__)
    if (residentBytes() == 0)
        QSKIP("no /proc/self/statm");
    bw::keepLargeBlocksInHeap(); // nothing is trimmed from the top by itself
    // 64 MiB of 4 KiB blocks, every page touched; then all freed but every 512th, so that the free space lies
    // between live blocks (2 MiB apart) and no free space is at the heap's top.
    constexpr std::size_t kBlock = 4096;
    constexpr std::size_t kBlocks = 16 * 1024;
    std::vector<char *> blocks(kBlocks);
    for (char *&b : blocks) {
        b = static_cast<char *>(std::malloc(kBlock));
        QVERIFY(b);
        std::fill(b, b + kBlock, 'x');
    }
    for (std::size_t i = 0; i < kBlocks; ++i)
        if (i % 512 != 511) {
            std::free(blocks[i]);
            blocks[i] = nullptr;
        }
    const std::size_t before = residentBytes();
    QVERIFY(bw::releaseFreeHeap());
    const std::size_t after = residentBytes();
    QVERIFY2(before > after + 48 * 1024 * 1024,
             qPrintable(QStringLiteral("resident %1 MiB before, %2 MiB after").arg(before >> 20).arg(after >> 20)));
    for (char *b : blocks) {
        if (b)
            QCOMPARE(b[kBlock - 1], 'x'); // the live blocks are untouched
        std::free(b);
    }
#else
    QSKIP("glibc only");
#endif
}

void TestHeapTuning::theTrimmerCanBeTurnedOff()
{
    QVERIFY(bw::HeapTrimmer(nullptr).isActive());
    qputenv("BREAKERWATCH_HEAP_TRIM_S", "0");
    QVERIFY(!bw::HeapTrimmer(nullptr).isActive());
    qunsetenv("BREAKERWATCH_HEAP_TRIM_S");
}

QTEST_GUILESS_MAIN(TestHeapTuning)
#include "tst_heaptuning.moc"
