#pragma once

#include "httpserver/httprequest.h"

#include <QByteArray>
#include <QByteArrayView>

#include <cstdint>

namespace bw {

// What parseHttpRequest() found at the start of a connection's input.
struct HttpRequestParse
{
    enum class Kind : std::uint8_t
    {
        Incomplete, // not a whole request yet: call again when more has arrived, from `scanned`
        Request,    // `request` took the first `consumed` bytes
        Refused     // answer `status` with `message` and close: nothing after it can be parsed
    };
    Kind kind = Kind::Incomplete;
    HttpRequest request;    // Request: everything but the peer
    qsizetype consumed = 0; // Request
    bool keepAlive = true;  // Request: HTTP/1.1 unless "Connection: close", HTTP/1.0 only with "keep-alive"
    qsizetype scanned = 0;  // Incomplete: how far the input was searched for the end of the header
    int status = 0;         // Refused: 400 (malformed), 413 (body too large), 431 (header too large), 501 (chunked)
    QByteArray message;     // Refused: why, one line for the client
};

// Parses the first HTTP/1.x request of `input` (request line, header lines, a Content-Length body). `scannedFrom`
// is the `scanned` of the previous Incomplete answer for the same input (0 the first time), so a request arriving
// in many small reads is searched once. Header larger than maxHeaderBytes: 431; body larger than maxBodyBytes: 413;
// Transfer-Encoding: 501. Pure and reentrant; the input is only read.
HttpRequestParse parseHttpRequest(QByteArrayView input, qsizetype scannedFrom, std::int64_t maxHeaderBytes,
                                  std::int64_t maxBodyBytes);

} // namespace bw
