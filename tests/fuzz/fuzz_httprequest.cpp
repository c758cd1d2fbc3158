// libFuzzer target for bw::parseHttpRequest (the request parser of Breakerwatch's own HTTP server: /metrics and
// the demo fleet). The input is a connection's byte stream, parsed request after request as the server does, once
// whole and once arriving in chunks whose sizes come from the input.
// Checks: no crash, no sanitizer report; a request consumes at least its header and never more than the input; a
// refusal has a 4xx/5xx status and a one-line message; how the stream arrives changes nothing.

#include "fuzzsupport.h"
#include "httpserver/httprequestparser.h"

namespace {

constexpr std::int64_t kMaxHeader = 4 * 1024; // small, so that the limits are reached
constexpr std::int64_t kMaxBody = 8 * 1024;

// One line per request (or refusal) the server would act on.
QList<QByteArray> serve(QByteArrayView stream, fuzz::ChunkSizes *sizes)
{
    QList<QByteArray> seen;
    QByteArray in;
    qsizetype scanned = 0;
    qsizetype pos = 0;
    while (pos < stream.size()) {
        const qsizetype n = sizes ? std::min(sizes->next(stream.size()), stream.size() - pos) : stream.size();
        in.append(stream.sliced(pos, n));
        pos += n;
        while (!in.isEmpty()) {
            const bw::HttpRequestParse p = bw::parseHttpRequest(in, scanned, kMaxHeader, kMaxBody);
            if (p.kind == bw::HttpRequestParse::Kind::Incomplete) {
                fuzz::require(p.scanned >= 0 && p.scanned <= in.size(), "scanned outside the input");
                scanned = p.scanned;
                break;
            }
            if (p.kind == bw::HttpRequestParse::Kind::Refused) {
                fuzz::require(p.status >= 400 && p.status < 600, "a refusal without an error status");
                fuzz::require(!p.message.isEmpty() && !p.message.contains('\n'), "a refusal without a message");
                seen << "refused " + QByteArray::number(p.status);
                return seen; // the server closes the connection
            }
            fuzz::require(p.consumed >= 4 && p.consumed <= in.size(), "consumed outside the input");
            const bw::HttpRequest &r = p.request;
            fuzz::require(!r.method.isEmpty() && !r.method.contains(' '), "a method with a space");
            fuzz::require(r.body.size() <= kMaxBody, "a body past the limit");
            for (const auto &[name, value] : r.headers)
                fuzz::require(!name.isEmpty() && name == name.toLower(), "a header name not lower-case");
            seen << r.method + ' ' + r.path.toUtf8() + '?' + r.query + ' ' + QByteArray::number(r.headers.size()) +
                        ' ' + r.body.toHex() + (p.keepAlive ? " keep" : " close");
            in.remove(0, p.consumed);
            scanned = 0;
            if (!p.keepAlive)
                return seen;
        }
    }
    return seen;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArrayView stream = fuzz::bytes(data, size);
    fuzz::ChunkSizes sizes(stream);
    fuzz::require(serve(stream, nullptr) == serve(stream, &sizes), "how the stream arrives changes the requests");
    return 0;
}
