#include "common/heaptuning.h"

#include <cstdlib> // defines __GLIBC__ where it is glibc

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace bw {

void keepLargeBlocksInHeap()
{
#if defined(__GLIBC__)
    // Blocks up to 512 MiB come from the heap, and up to 1 GiB of free space at its top is kept.
    mallopt(M_MMAP_THRESHOLD, 512 * 1024 * 1024);
    mallopt(M_TRIM_THRESHOLD, 1024 * 1024 * 1024);
#endif
}

} // namespace bw
