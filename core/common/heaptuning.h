#pragma once

#include <QObject>
#include <QTimer>

#include <chrono>

namespace bw {

// Keeps large freed blocks in the process's heap instead of handing them back to the kernel. glibc maps every
// allocation above its mmap threshold (at most 32 MiB) afresh and unmaps it when freed, so parsing a 50 MB page
// (a 32 MB samples array) page-faults through all of its memory on every scrape: bench_exposition measured
// 129 MB/s at 50 MB against 729 MB/s with this. The cost is that the heap stays as large as its peak, as in a
// garbage-collected scraper. Call once, first thing in main(); does nothing outside glibc, or with
// BREAKERWATCH_GLIBC_HEAP=1 in the environment (glibc's defaults, for comparing memory and speed).
void keepLargeBlocksInHeap();

// Hands the free pages inside the heap back to the kernel (glibc's malloc_trim), the ones between blocks still in use
// included, which glibc never returns by itself. Returns whether anything was returned; false outside glibc.
bool releaseFreeHeap();

// Calls releaseFreeHeap() every `period`, so that a long-running process's resident size follows what it uses, not
// its peak and the holes its allocations left (the soak's slow RSS growth). Once a minute costs one walk of the heap
// and the page faults of the next big page parsed after it, not those of every scrape.
// BREAKERWATCH_HEAP_TRIM_S in the environment overrides the period in seconds (0: never).
class HeapTrimmer final : public QObject
{
    Q_OBJECT
public:
    static constexpr std::chrono::seconds kDefaultPeriod{60};
    explicit HeapTrimmer(QObject *parent = nullptr, std::chrono::seconds period = kDefaultPeriod);

    bool isActive() const { return m_timer.isActive(); }

private:
    QTimer m_timer;
};

} // namespace bw
