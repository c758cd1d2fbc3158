#include "probe/proberequest.h"

namespace bw {

ProbeRequest ProbeRequest::fromSource(const HttpSource &source, const GlobalConfig &global)
{
    ProbeRequest request;
    request.url = source.url;
    request.headers = source.headers;
    request.auth = source.auth;
    request.tls = source.tls;
    request.timeoutMs = source.timeoutMs > 0 ? source.timeoutMs : global.timeoutMs;
    request.bodySizeLimit = source.bodySizeLimit >= 0 ? source.bodySizeLimit : global.bodySizeLimit;
    request.slowMs = source.slowMs > 0 ? source.slowMs : global.slowMs;
    request.followRedirects = source.followRedirects;
    request.validStatus = source.validStatus;
    request.jsonField = source.jsonField;
    request.bodyRegex = source.bodyRegex;
    return request;
}

} // namespace bw
