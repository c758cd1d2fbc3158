#pragma once

#include <QByteArray>
#include <QMetaType>
#include <QString>
#include <QUrl>

#include <cstdint>

namespace bw {

// How one poll ended. Success and Slow count as successful calls for a breaker; every other kind is a failure.
enum class ProbeOutcomeKind : std::uint8_t
{
    Success,
    Slow,    // succeeded, but slower than the slow threshold
    Timeout, // the hard deadline for the whole request fired
    DnsFailure,
    ConnectionRefused,
    ConnectionReset, // the peer closed or reset the connection before the response was complete
    TlsError,
    HttpStatus,      // an unexpected status code (httpStatus says which)
    BodyMismatch,    // the body failed a configured condition (regex, JSON field, health status)
    BodyTooLarge,    // the body exceeded the size limit (checked while reading, after decompression)
    ParseError,      // the body could not be read in its declared format
    RedirectRefused, // an https -> http downgrade, a redirect loop, or a redirect where none is allowed
    Other,
};

QString outcomeKindName(ProbeOutcomeKind kind); // "success", "timeout", "dns", "connection_refused", ...

// What Qt lets us time. -1 = phase not observed (e.g. no TLS on http).
struct ProbeTimings
{
    double connectStartMs = -1; // name resolution done, connecting (Qt gives no separate DNS phase end)
    double encryptedMs = -1;    // TLS handshake done
    double requestSentMs = -1;
    double firstByteMs = -1; // response headers arrived
    double totalMs = 0;
};

// The result of one poll: a value type, safe to queue across threads.
struct ProbeResult
{
    std::int64_t startedAtMs = 0; // scheduler's clock
    ProbeOutcomeKind kind = ProbeOutcomeKind::Other;
    int httpStatus = 0;
    double latencyMs = 0;
    std::int64_t bytes = 0;
    QString message; // for people; never contains credentials
    ProbeTimings timings;
    QUrl finalUrl; // after redirects
    QByteArray contentType;
    QByteArray body; // kept for readers (health formats, metrics); empty when the probe failed early

    bool ok() const { return kind == ProbeOutcomeKind::Success || kind == ProbeOutcomeKind::Slow; }
};

} // namespace bw

Q_DECLARE_METATYPE(bw::ProbeResult)
