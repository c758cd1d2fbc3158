#include "events/eventstream.h"

namespace bw {

std::int64_t EventStream::applyLatencyTimeout(double timeoutMs)
{
    std::int64_t changed = 0;
    for (CallOutcome &call : events) {
        if (call.ok && static_cast<double>(call.latencyMs) > timeoutMs) {
            call.ok = false;
            ++changed;
        }
    }
    return changed;
}

} // namespace bw
