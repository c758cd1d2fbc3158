#pragma once

#include "config/config.h"
#include "observed/resilience4jactuator.h"
#include "probe/httpprober.h"

#include <QObject>

#include <functional>

namespace bw {

enum class RemoteAction : std::uint8_t
{
    Reset,
    ForceOpen,
    Disable
};

QString remoteActionName(RemoteAction action); // "reset", "force open", "disable"

struct RemoteActionResult
{
    // Done: the service confirmed; Refused: it answered no (4xx/5xx or a parse error); Unknown: no answer in time,
    // so the change may or may not have been applied: check the breaker's state before trying again.
    enum class Outcome : std::uint8_t
    {
        Done,
        Refused,
        Unknown
    };
    Outcome outcome = Outcome::Unknown;
    std::optional<BreakerState> currentState;
    int httpStatus = 0;
    QString message;
};

// Changes a real breaker's state through its admin endpoint: the Resilience4j actuator
// (POST {"updateState": "CLOSE"|"FORCE_OPEN"|"DISABLE"}) or a configured request whose body template has
// {action} replaced by close / force_open / disable. Exactly one request: never retried, never redirected.
// Lives in the prober's thread; one callback per call.
class RemoteBreakerClient final : public QObject
{
    Q_OBJECT
public:
    using Callback = std::function<void(const RemoteActionResult &)>;

    RemoteBreakerClient(HttpProber *prober, RemoteBreakerBinding binding, std::int64_t timeoutMs = 10'000,
                        QObject *parent = nullptr);
    void perform(RemoteAction action, Callback done);

private:
    HttpProber *m_prober;
    RemoteBreakerBinding m_binding;
    std::int64_t m_timeoutMs;
};

} // namespace bw
