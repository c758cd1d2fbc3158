#include "remote/remotebreakerclient.h"

using namespace Qt::StringLiterals;

namespace bw {

QString remoteActionName(RemoteAction action)
{
    switch (action) {
    case RemoteAction::Reset:
        return u"reset"_s;
    case RemoteAction::ForceOpen:
        return u"force open"_s;
    case RemoteAction::Disable:
        return u"disable"_s;
    }
    return {};
}

RemoteBreakerClient::RemoteBreakerClient(HttpProber *prober, RemoteBreakerBinding binding, std::int64_t timeoutMs,
                                         QObject *parent)
    : QObject(parent), m_prober(prober), m_binding(std::move(binding)), m_timeoutMs(timeoutMs)
{}

void RemoteBreakerClient::perform(RemoteAction action, Callback done)
{
    ProbeRequest request;
    request.url = m_binding.url;
    request.method = m_binding.method.toUtf8();
    request.auth = m_binding.auth;
    request.tls = m_binding.tls;
    request.timeoutMs = m_timeoutMs;
    request.followRedirects = false; // an admin action goes to the URL configured, or nowhere
    request.maxRedirects = 0;
    request.validStatus = {200, 201, 202, 204};
    request.headers.insert(u"Content-Type"_s, u"application/json"_s);
    if (m_binding.kind == u"resilience4j") {
        const Resilience4jUpdate update = action == RemoteAction::Reset       ? Resilience4jUpdate::Close
                                          : action == RemoteAction::ForceOpen ? Resilience4jUpdate::ForceOpen
                                                                              : Resilience4jUpdate::Disable;
        request.body = Resilience4jActuator::stateChangeBody(update);
    } else {
        const QByteArray name = action == RemoteAction::Reset       ? "close"
                                : action == RemoteAction::ForceOpen ? "force_open"
                                                                    : "disable";
        request.body = QByteArray(m_binding.bodyTemplate).replace("{action}", name);
    }
    const bool resilience4j = m_binding.kind == u"resilience4j";
    m_prober->probe(request, 0, [done = std::move(done), resilience4j, action](const ProbeResult &probe) {
        RemoteActionResult result;
        result.httpStatus = probe.httpStatus;
        if (probe.kind == ProbeOutcomeKind::Timeout) {
            result.outcome = RemoteActionResult::Outcome::Unknown;
            result.message = u"no answer in time: the %1 may or may not have been applied; check the breaker's "
                             u"state before trying again"_s.arg(remoteActionName(action));
            return done(result);
        }
        if (!probe.ok()) {
            result.outcome = RemoteActionResult::Outcome::Refused;
            result.message =
                u"%1 refused: %2 (%3)"_s.arg(remoteActionName(action), outcomeKindName(probe.kind), probe.message);
            return done(result);
        }
        result.outcome = RemoteActionResult::Outcome::Done;
        if (resilience4j) {
            const auto change = Resilience4jActuator::parseStateChange(probe.body);
            if (!change) {
                result.outcome = RemoteActionResult::Outcome::Unknown;
                result.message =
                    u"the service answered HTTP %1 but not in the actuator's shape: %2"_s.arg(probe.httpStatus)
                        .arg(change.error());
                return done(result);
            }
            result.currentState = change->currentState;
            result.message = change->message;
        } else {
            result.message = u"HTTP %1"_s.arg(probe.httpStatus);
        }
        done(result);
    });
}

} // namespace bw
