#pragma once

#include "alerts/alerttracker.h"
#include "config/config.h"
#include "probe/probeoutcome.h"
#include "probe/proberequest.h"

#include <QList>
#include <QMetaType>
#include <QObject>
#include <QTimer>
#include <QUrl>

#include <cstdint>
#include <functional>
#include <map>
#include <vector>

namespace bw {

class AlertCenter;
class HttpProber;

// How the posts to one Alertmanager go. A value type.
struct AlertmanagerStatus
{
    enum class State : std::uint8_t
    {
        Unknown, // the first post is under way
        Ok,      // the latest post was accepted
        Failing  // the latest post failed; retried with backoff
    };
    QUrl url; // its alerts endpoint
    State state = State::Unknown;
    QString lastError;            // Failing: why the latest post failed
    std::int64_t sinceMs = -1;    // when it entered this state
    std::int64_t lastSentMs = -1; // the latest accepted post; -1: none yet
    int failures = 0;             // failed posts in a row
    std::int64_t retryAtMs = -1;  // Failing: when the next post goes

    bool ok() const { return state == State::Ok; }
    bool operator==(const AlertmanagerStatus &) const = default;
};

// Pushes Breakerwatch's alerts to Alertmanagers (alerting.alertmanagers), as Prometheus does:
// - every firing alert is posted again every resend interval (1 min, Prometheus' resend_delay), with endsAt four
//   intervals ahead, so an Alertmanager that stops hearing from us resolves it by itself; with nothing firing, an
//   empty list is posted as often (from the start), so an unreachable Alertmanager shows before an alert needs it;
// - a change (an alert fires or resolves) is posted at once; a resolved alert goes with its endsAt once, and again
//   in the next post if that one failed;
// - every Alertmanager gets every alert; a failed post is retried after 1 s, doubling up to 1 min, then every
//   minute, and the Alertmanager's status says so (statusChanged, statuses()).
// Never blocks: posts go through the HttpProber (not owned, must outlive this), one at a time per Alertmanager.
// Lives in the prober's thread. Time comes from the clock given; its timer only looks at what is due.
class AlertmanagerClient final : public QObject
{
    Q_OBJECT
public:
    using Clock = std::function<std::int64_t()>;
    struct Options
    {
        std::int64_t resendMs = 60'000;
        std::int64_t firstRetryMs = 1'000;
        std::int64_t maxRetryMs = 60'000;
        std::int64_t tickMs = 1'000;     // how often the timer looks for what is due
        QString generatorUrl;            // sent as generatorURL when set
        int maxPendingResolved = 10'000; // per Alertmanager that cannot be reached; the oldest go first
    };

    AlertmanagerClient(HttpProber *prober, Clock clock, Options options, QObject *parent = nullptr);
    ~AlertmanagerClient() override;

    // Which Alertmanagers to post to. One that stays (same URL and settings) keeps its status and what it still
    // owes; a new one is sent every firing alert at once.
    void setAlertmanagers(const std::vector<AlertmanagerConfig> &alertmanagers);
    // Takes the alerts of `center` from now on (and those active now). Not owned; must outlive this or be
    // destroyed first (the connections go with it).
    void follow(AlertCenter *center);
    void alertFired(const Alert &alert);
    void alertResolved(const Alert &alert);

    // Posts what is due now to every Alertmanager not waiting for an answer or a retry (the timer calls it; tests
    // may call it after moving the clock).
    void sendDue();

    QList<AlertmanagerStatus> statuses() const;
    int firingCount() const { return static_cast<int>(m_firing.size()); }
    const Options &options() const { return m_options; }

Q_SIGNALS:
    // An Alertmanager's state or error changed.
    void statusChanged(const bw::AlertmanagerStatus &status);

private:
    struct Endpoint
    {
        ProbeRequest request; // everything but the body
        AlertmanagerStatus status;
        std::vector<Alert> pendingResolved;
        bool dirty = true; // something to tell before the next resend
        bool inFlight = false;
        std::int64_t backoffMs = 0;
        quint64 serial = 0; // tells a callback whether its endpoint is still the same
    };
    static QString keyOf(const Alert &alert);
    void post(Endpoint &endpoint, std::int64_t now);
    void finished(const QString &url, quint64 serial, const ProbeResult &result,
                  const std::vector<std::pair<QString, std::int64_t>> &resolvedSent);
    void sendSoon();

    HttpProber *m_prober;
    Clock m_clock;
    Options m_options;
    std::map<QString, Alert> m_firing;       // by service, origin and kind
    std::map<QString, Endpoint> m_endpoints; // by alerts URL
    quint64 m_nextSerial = 1;
    bool m_sendQueued = false;
    QTimer m_tick;
};

} // namespace bw

Q_DECLARE_METATYPE(bw::AlertmanagerStatus)
