#pragma once

namespace bw {

// Keeps large freed blocks in the process's heap instead of handing them back to the kernel. glibc maps every
// allocation above its mmap threshold (at most 32 MiB) afresh and unmaps it when freed, so parsing a 50 MB page
// (a 32 MB samples array) page-faults through all of its memory on every scrape: bench_exposition measured
// 129 MB/s at 50 MB against 729 MB/s with this. The cost is that the heap stays as large as its peak, as in a
// garbage-collected scraper. Call once, first thing in main(); does nothing outside glibc, or with
// BREAKERWATCH_GLIBC_HEAP=1 in the environment (glibc's defaults, for comparing memory and speed).
void keepLargeBlocksInHeap();

} // namespace bw
