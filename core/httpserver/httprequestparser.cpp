#include "httpserver/httprequestparser.h"

#include <QUrl>

#include <algorithm>

namespace bw {

namespace {

HttpRequestParse refused(int status, const char *message)
{
    HttpRequestParse parse;
    parse.kind = HttpRequestParse::Kind::Refused;
    parse.status = status;
    parse.message = message;
    return parse;
}

} // namespace

HttpRequestParse parseHttpRequest(QByteArrayView input, qsizetype scannedFrom, std::int64_t maxHeaderBytes,
                                  std::int64_t maxBodyBytes)
{
    // Resume the search where the last one stopped (less three bytes, in case "\r\n\r\n" straddles reads).
    const qsizetype headerEnd = input.indexOf("\r\n\r\n", std::max<qsizetype>(0, scannedFrom - 3));
    if (headerEnd < 0) {
        // A header of maxHeaderBytes may still be followed by its "\r\n\r\n": too large only when even that is past.
        if (input.size() > maxHeaderBytes + 3)
            return refused(431, "request header too large");
        HttpRequestParse incomplete;
        incomplete.scanned = input.size();
        return incomplete;
    }
    if (headerEnd > maxHeaderBytes)
        return refused(431, "request header too large");

    // The request line and header lines, by hand over the buffer: this runs for every request.
    const QByteArrayView head = input.first(headerEnd);
    qsizetype lineStart = 0;
    const auto nextLine = [&] {
        qsizetype end = head.indexOf('\n', lineStart);
        if (end < 0)
            end = head.size();
        const QByteArrayView line = head.sliced(lineStart, end - lineStart).trimmed();
        lineStart = end + 1;
        return line;
    };
    const QByteArrayView requestLine = nextLine();
    const qsizetype space1 = requestLine.indexOf(' ');
    const qsizetype space2 = space1 < 0 ? -1 : requestLine.indexOf(' ', space1 + 1);
    if (space1 <= 0 || space2 <= space1 + 1 || requestLine.indexOf(' ', space2 + 1) >= 0)
        return refused(400, "malformed request line");
    const QByteArrayView version = requestLine.sliced(space2 + 1);
    if (!version.startsWith("HTTP/1."))
        return refused(400, "malformed request line");

    HttpRequestParse parse;
    HttpRequest &request = parse.request;
    request.method = requestLine.first(space1).toByteArray();
    QByteArrayView target = requestLine.sliced(space1 + 1, space2 - space1 - 1);
    if (!target.startsWith('/')) { // absolute form, http://host/path
        const qsizetype authority = target.indexOf("//");
        const qsizetype pathStart = authority < 0 ? -1 : target.indexOf('/', authority + 2);
        target = pathStart < 0 ? QByteArrayView("/") : target.sliced(pathStart);
    }
    if (const qsizetype hash = target.indexOf('#'); hash >= 0)
        target = target.first(hash);
    const qsizetype question = target.indexOf('?');
    const QByteArrayView rawPath = question < 0 ? target : target.first(question);
    request.path =
        rawPath.contains('%') ? QUrl::fromPercentEncoding(rawPath.toByteArray()) : QString::fromUtf8(rawPath);
    if (question >= 0)
        request.query = target.sliced(question + 1).toByteArray();
    request.headers.reserve(8);
    while (lineStart < head.size()) {
        const QByteArrayView line = nextLine();
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            return refused(400, "malformed header line");
        request.headers.emplace_back(line.first(colon).trimmed().toByteArray().toLower(),
                                     line.sliced(colon + 1).trimmed().toByteArray());
    }
    if (!request.header("transfer-encoding").isEmpty())
        return refused(501, "chunked request bodies are not supported");
    qint64 length = 0;
    if (const QByteArray contentLength = request.header("content-length"); !contentLength.isNull()) {
        bool lengthOk = false;
        length = contentLength.toLongLong(&lengthOk);
        if (!lengthOk || length < 0)
            return refused(400, "bad Content-Length");
    }
    if (length > maxBodyBytes)
        return refused(413, "request body too large");
    const qsizetype consumed = headerEnd + 4 + static_cast<qsizetype>(length);
    if (input.size() < consumed) {
        HttpRequestParse incomplete; // the header is whole; wait for the rest of the body
        incomplete.scanned = headerEnd;
        return incomplete;
    }
    if (length > 0)
        request.body = input.sliced(headerEnd + 4, length).toByteArray();
    const QByteArray connectionHeader = request.header("connection");
    parse.keepAlive = version == "HTTP/1.1" ? connectionHeader.compare("close", Qt::CaseInsensitive) != 0
                                            : connectionHeader.compare("keep-alive", Qt::CaseInsensitive) == 0;
    parse.kind = HttpRequestParse::Kind::Request;
    parse.consumed = consumed;
    return parse;
}

} // namespace bw
