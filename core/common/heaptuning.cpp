#include "common/heaptuning.h"

#include <QtGlobal>

#include <cstdlib> // defines __GLIBC__ where it is glibc

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace bw {

void keepLargeBlocksInHeap()
{
#if defined(__GLIBC__)
    if (qEnvironmentVariableIntValue("BREAKERWATCH_GLIBC_HEAP") == 1)
        return; // glibc's own defaults, to compare memory and speed
    // Blocks up to 512 MiB come from the heap, and up to 1 GiB of free space at its top is kept.
    mallopt(M_MMAP_THRESHOLD, 512 * 1024 * 1024);
    mallopt(M_TRIM_THRESHOLD, 1024 * 1024 * 1024);
#endif
}

bool releaseFreeHeap()
{
#if defined(__GLIBC__)
    return malloc_trim(0) == 1;
#else
    return false;
#endif
}

HeapTrimmer::HeapTrimmer(QObject *parent, std::chrono::seconds period) : QObject(parent)
{
    bool set = false;
    const int seconds = qEnvironmentVariableIntValue("BREAKERWATCH_HEAP_TRIM_S", &set);
    if (set)
        period = std::chrono::seconds(std::max(0, seconds));
    if (period.count() == 0)
        return;
    m_timer.setTimerType(Qt::VeryCoarseTimer);
    connect(&m_timer, &QTimer::timeout, this, [] { releaseFreeHeap(); });
    m_timer.start(period);
}

} // namespace bw
