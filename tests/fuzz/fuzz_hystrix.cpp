// libFuzzer target for bw::HystrixStreamParser (hystrix.stream, Server-Sent Events), fed the input once whole and
// once in chunks whose sizes come from the input, and for HystrixStreamParser::parseCommand on the input itself.
// Checks: no crash, no sanitizer report; how the stream is cut into chunks changes nothing (same commands, same
// errors); a reset() parser reads the stream again the same way; percentiles come sorted.

#include "fuzzsupport.h"
#include "observed/hystrixstream.h"

namespace {

constexpr qsizetype kMaxLine = 1024; // small, so that long lines and events are reached

bool same(const bw::HystrixCommandSample &a, const bw::HystrixCommandSample &b)
{
    const auto sameDouble = [](double x, double y) { return x == y || (x != x && y != y); };
    return a.name == b.name && a.group == b.group && a.currentTimeMs == b.currentTimeMs &&
           a.isCircuitBreakerOpen == b.isCircuitBreakerOpen && sameDouble(a.errorPercentage, b.errorPercentage) &&
           a.requestCount == b.requestCount && a.rollingCountSuccess == b.rollingCountSuccess &&
           a.rollingCountFailure == b.rollingCountFailure &&
           a.rollingCountShortCircuited == b.rollingCountShortCircuited &&
           a.latencyExecuteMeanMs.has_value() == b.latencyExecuteMeanMs.has_value() &&
           (!a.latencyExecuteMeanMs || sameDouble(*a.latencyExecuteMeanMs, *b.latencyExecuteMeanMs)) &&
           a.latencyExecute == b.latencyExecute;
}

void append(bw::HystrixStreamParser::Output &into, bw::HystrixStreamParser::Output &&more)
{
    into.commands += std::move(more.commands);
    into.errors += std::move(more.errors);
}

void requireSame(const bw::HystrixStreamParser::Output &a, const bw::HystrixStreamParser::Output &b, const char *what)
{
    fuzz::require(a.errors == b.errors, what);
    fuzz::require(a.commands.size() == b.commands.size(), what);
    for (qsizetype i = 0; i < a.commands.size(); ++i)
        fuzz::require(same(a.commands[i], b.commands[i]), what);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArrayView stream = fuzz::bytes(data, size);

    bw::HystrixStreamParser whole(kMaxLine);
    const bw::HystrixStreamParser::Output once = whole.feed(stream);
    for (const bw::HystrixCommandSample &command : once.commands) {
        for (qsizetype i = 1; i < command.latencyExecute.size(); ++i)
            fuzz::require(command.latencyExecute[i - 1].first <= command.latencyExecute[i].first,
                          "percentiles not sorted");
    }

    bw::HystrixStreamParser chunked(kMaxLine);
    bw::HystrixStreamParser::Output pieces;
    fuzz::ChunkSizes sizes(stream);
    for (qsizetype pos = 0; pos < stream.size();) {
        const qsizetype n = std::min(sizes.next(stream.size()), stream.size() - pos);
        append(pieces, chunked.feed(stream.sliced(pos, n)));
        pos += n;
    }
    requireSame(once, pieces, "chunks change what the stream says");

    chunked.reset();
    requireSame(once, chunked.feed(stream), "a reset parser reads the stream another way");

    QString error;
    const auto command = bw::HystrixStreamParser::parseCommand(stream, &error);
    fuzz::require(!command || error.isEmpty(), "a command and an error");
    return 0;
}
