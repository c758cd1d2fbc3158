#pragma once

#include "alerts/silence.h"
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

class HttpProber;

// How reading one Alertmanager's silences goes. A value type.
struct SilencePollStatus
{
    enum class State : std::uint8_t
    {
        Unknown, // the first poll is under way
        Ok,      // the latest poll was read
        Failing  // the latest poll failed (unreachable, an error status, an answer that is not silences)
    };
    QUrl url; // its silences endpoint (…/api/v2/silences)
    State state = State::Unknown;
    QString lastError;
    std::int64_t lastReadMs = -1; // the latest good poll; -1: none yet
    int failures = 0;             // failed polls in a row
    std::int64_t retryAtMs = -1;  // Failing: when the next poll goes
    int skipped = 0;              // entries of the latest answer that were not silences Breakerwatch can read

    bool ok() const { return state == State::Ok; }
    bool operator==(const SilencePollStatus &) const = default;
};

// Alertmanager's silences, both ways (alerting.alertmanagers):
// - pull: GET /api/v2/silences from every Alertmanager every pollMs (30 s); a failing one is retried after
//   firstRetryMs, doubling up to maxRetryMs, and keeps the silences of its latest good answer (they still hold there)
//   while its status says it fails;
// - push: create() posts a new silence (POST /api/v2/silences) to one Alertmanager: the first whose latest poll
//   worked, else the first configured (Alertmanagers of one cluster share their silences); expire() deletes one
//   (DELETE /api/v2/silence/{id}) where it came from. Both then poll that Alertmanager again at once.
// Never blocks: requests go through the HttpProber (not owned, must outlive this). Lives in the prober's thread.
// Time comes from the clock given; its timer only looks at what is due.
class AlertmanagerSilences final : public QObject
{
    Q_OBJECT
public:
    using Clock = std::function<std::int64_t()>;
    struct Options
    {
        std::int64_t pollMs = 30'000;
        std::int64_t firstRetryMs = 2'000;
        std::int64_t maxRetryMs = 5 * 60'000;
        std::int64_t tickMs = 1'000;
    };
    using Created = std::function<void(const Result<Silence> &)>;
    using Expired = std::function<void(const Status &)>;

    AlertmanagerSilences(HttpProber *prober, Clock clock, Options options, QObject *parent = nullptr);
    ~AlertmanagerSilences() override;

    // Which Alertmanagers to read. One that stays keeps its silences and status.
    void setAlertmanagers(const std::vector<AlertmanagerConfig> &alertmanagers);
    bool configured() const { return !m_endpoints.empty(); }

    // Polls every Alertmanager that is due (the timer calls it; tests may call it after moving the clock).
    void pollDue();
    // Polls every Alertmanager now (not one already waiting for an answer).
    void pollNow();

    // The active and pending silences of every Alertmanager, as last read.
    QList<Silence> silences() const;
    QList<SilencePollStatus> statuses() const;

    // Creates `silence` (matchers, times, createdBy, comment; its id is ignored) in an Alertmanager. `done` gets
    // the silence as created (with Alertmanager's id) or why it was not. Not configured: an error at once.
    void create(const Silence &silence, Created done);
    // Expires an Alertmanager silence where it came from.
    void expire(const Silence &silence, Expired done);

Q_SIGNALS:
    void silencesChanged();
    void statusChanged(const bw::SilencePollStatus &status);

private:
    struct Endpoint
    {
        ProbeRequest request; // GET …/api/v2/silences
        QString base;         // …/api/v2 (no trailing slash)
        SilencePollStatus status;
        QList<Silence> silences;
        bool inFlight = false;
        bool again = false; // asked for while a poll was under way: poll again once it answers
        std::int64_t backoffMs = 0;
        std::int64_t nextPollMs = 0;
        quint64 serial = 0;
    };
    void poll(Endpoint &endpoint, std::int64_t now);
    void polled(const QString &url, quint64 serial, const ProbeResult &result);
    static QString describeFailure(const ProbeResult &result);

    HttpProber *m_prober;
    Clock m_clock;
    Options m_options;
    std::map<QString, Endpoint> m_endpoints; // by silences URL, in configuration order by `m_order`
    QStringList m_order;
    quint64 m_nextSerial = 1;
    QTimer m_tick;
};

} // namespace bw

Q_DECLARE_METATYPE(bw::SilencePollStatus)
