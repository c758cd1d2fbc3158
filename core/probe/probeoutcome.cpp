#include "probe/probeoutcome.h"

using namespace Qt::StringLiterals;

namespace bw {

QString outcomeKindName(ProbeOutcomeKind kind)
{
    switch (kind) {
    case ProbeOutcomeKind::Success:
        return u"success"_s;
    case ProbeOutcomeKind::Slow:
        return u"slow"_s;
    case ProbeOutcomeKind::Timeout:
        return u"timeout"_s;
    case ProbeOutcomeKind::DnsFailure:
        return u"dns"_s;
    case ProbeOutcomeKind::ConnectionRefused:
        return u"connection_refused"_s;
    case ProbeOutcomeKind::ConnectionReset:
        return u"connection_reset"_s;
    case ProbeOutcomeKind::TlsError:
        return u"tls"_s;
    case ProbeOutcomeKind::HttpStatus:
        return u"http_status"_s;
    case ProbeOutcomeKind::BodyMismatch:
        return u"body_mismatch"_s;
    case ProbeOutcomeKind::BodyTooLarge:
        return u"body_too_large"_s;
    case ProbeOutcomeKind::ParseError:
        return u"parse_error"_s;
    case ProbeOutcomeKind::RedirectRefused:
        return u"redirect_refused"_s;
    case ProbeOutcomeKind::Other:
        break;
    }
    return u"other"_s;
}

} // namespace bw
