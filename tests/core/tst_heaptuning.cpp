// keepLargeBlocksInHeap: a block far above glibc's default mmap threshold comes from the heap afterwards.
#include "common/heaptuning.h"

#include <QTest>

#include <cstdlib>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

class TestHeapTuning final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void largeBlocksComeFromTheHeap();
};

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

QTEST_GUILESS_MAIN(TestHeapTuning)
#include "tst_heaptuning.moc"
