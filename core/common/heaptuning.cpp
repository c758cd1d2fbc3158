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

} // namespace bw
