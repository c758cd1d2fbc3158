// libFuzzer target for bw::JsonlReader (the replay format, one JSON object a line).
// Checks: no crash, no sanitizer report; an error names its line; an accepted stream has t non-decreasing.

#include "events/jsonlreader.h"
#include "fuzzsupport.h"

using namespace Qt::StringLiterals;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const auto stream = bw::JsonlReader::parse(fuzz::bytes(data, size));
    if (!stream) {
        fuzz::require(stream.error().startsWith(u"line "_s), "error without a line");
        return 0;
    }
    for (std::size_t i = 1; i < stream->events.size(); ++i)
        fuzz::require(stream->events[i - 1].t <= stream->events[i].t, "t decreases");
    return 0;
}
