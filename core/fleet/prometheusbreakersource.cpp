#include "fleet/prometheusbreakersource.h"

#include <QLoggingCategory>
#include <QPointer>

#include <algorithm>
#include <utility>

Q_LOGGING_CATEGORY(lcPromSource, "breakerwatch.prometheus.breakers")

using namespace Qt::StringLiterals;

namespace bw {

QString healthName(PrometheusSourceStatus::Health health)
{
    switch (health) {
    case PrometheusSourceStatus::Health::Unknown:
        return u"unknown"_s;
    case PrometheusSourceStatus::Health::Ok:
        return u"ok"_s;
    case PrometheusSourceStatus::Health::Partial:
        return u"partial"_s;
    case PrometheusSourceStatus::Health::Down:
        return u"down"_s;
    }
    return {};
}

struct PrometheusBreakerSource::HistoryReading
{
    std::int64_t startMs = 0;
    std::int64_t endMs = 0;
    std::int64_t stepMs = 0;
    bool first = false; // the read after the first live answer
    int waiting = 0;
    std::map<PrometheusHistory::Part, PromQueryResult> answers;
    QStringList problems;
};

struct PrometheusBreakerSource::Round
{
    std::int64_t atMs = 0;
    int waiting = 0;
    std::map<PrometheusFleetReader::Family, PromQueryResult> answers;
    QStringList problems;
    QStringList warnings;
};

namespace {

PrometheusServerConfig withDeadline(PrometheusServerConfig server, std::int64_t intervalMs)
{
    server.timeoutMs = std::min(server.timeoutMs, intervalMs);
    return server;
}

} // namespace

PrometheusBreakerSource::PrometheusBreakerSource(HttpProber *prober, Clock clock, const PrometheusServerConfig &server,
                                                 std::int64_t intervalMs, QObject *parent)
    : QObject(parent), m_clock(std::move(clock)), m_server(server), m_intervalMs(std::max<std::int64_t>(1, intervalMs)),
      m_queries(PrometheusFleetReader::queries(server.breakers ? server.breakers->selector : QString(), m_intervalMs)),
      m_client(std::make_unique<PrometheusClient>(prober, withDeadline(server, m_intervalMs))),
      m_historyClient(std::make_unique<PrometheusClient>(prober, server)) // hours of history may take longer
{
    m_status.url = server.url.toString(QUrl::RemoveUserInfo);
    m_status.queriesPerInterval = static_cast<int>(m_queries.size());
    m_timer.setInterval(std::chrono::milliseconds(m_intervalMs));
    connect(&m_timer, &QTimer::timeout, this, &PrometheusBreakerSource::ask);
}

PrometheusBreakerSource::~PrometheusBreakerSource() = default;

void PrometheusBreakerSource::start()
{
    m_timer.start();
    ask();
}

void PrometheusBreakerSource::stop()
{
    m_timer.stop();
    m_round.reset(); // answers still in flight are dropped
    if (m_history) {
        forgetHistoryRead(*m_history, true);
        m_history.reset();
    }
}

void PrometheusBreakerSource::pollNow()
{
    if (m_timer.isActive())
        m_timer.start(); // the next one an interval from now
    ask();
}

void PrometheusBreakerSource::ask()
{
    if (m_round)
        return; // the previous interval is still out: do not pile up
    auto round = std::make_shared<Round>();
    round->atMs = m_clock();
    round->waiting = static_cast<int>(m_queries.size());
    m_round = round;
    const QPointer<PrometheusBreakerSource> self(this);
    for (const PrometheusFleetReader::Query &query : std::as_const(m_queries)) {
        m_client->query(query.expression, round->atMs,
                        [self, round, family = query.family](const Result<PromQueryResult> &answer) {
                            if (!self || self->m_round != round)
                                return; // stopped, or destroyed
                            if (answer) {
                                round->warnings << answer->warnings;
                                round->answers.emplace(family, *answer);
                            } else if (!round->problems.contains(answer.error())) {
                                round->problems << answer.error();
                            }
                            if (--round->waiting == 0)
                                self->finish(*round);
                        });
    }
}

void PrometheusBreakerSource::finish(Round &round)
{
    const std::shared_ptr<Round> keep = std::exchange(m_round, nullptr);
    m_status.lastAttemptMs = round.atMs;
    if (!round.problems.isEmpty()) {
        m_status.health = PrometheusSourceStatus::Health::Down;
        m_status.problem = round.problems.join(u"; "_s);
        qCWarning(lcPromSource).noquote() << m_status.url << m_status.problem;
        Q_EMIT failed(m_status.problem, round.atMs);
        Q_EMIT statusChanged(m_status);
        return;
    }
    round.warnings.removeDuplicates();
    const PrometheusFleetReader::Read read = m_reader.read(round.answers, round.atMs, m_intervalMs);
    m_status.lastAnsweredMs = round.atMs;
    m_status.health =
        round.warnings.isEmpty() ? PrometheusSourceStatus::Health::Ok : PrometheusSourceStatus::Health::Partial;
    m_status.problem = round.warnings.isEmpty() ? QString() : u"partial answer: "_s + round.warnings.join(u"; "_s);
    m_status.instances = static_cast<int>(read.instances.size());
    m_status.breakers = 0;
    for (const PrometheusFleetReader::InstanceReadings &instance : read.instances)
        m_status.breakers += static_cast<int>(instance.breakers.size());
    m_status.series = read.series;
    Q_EMIT answered(read, round.atMs);
    Q_EMIT statusChanged(m_status);
    // The present first (a full wall within one answer), then the past for the timelines, the event log and serve.
    if (!m_historyAsked && m_server.breakers && m_server.breakers->historyMs > 0) {
        m_historyAsked = true;
        askHistory(round.atMs - m_server.breakers->historyMs, round.atMs);
        m_history->first = true;
    }
}

void PrometheusBreakerSource::readHistoryFrom(std::int64_t startMs)
{
    if (!m_server.breakers || m_server.breakers->historyMs <= 0)
        return;
    startMs = std::max(startMs, m_clock() - kMaxHistoryBackMs);
    if (m_history || m_status.historyFromMs < 0) { // one read at a time; the first one comes after the live answer
        if (m_historyWantedFromMs < 0 || startMs < m_historyWantedFromMs)
            m_historyWantedFromMs = startMs;
        return;
    }
    // Less than a step of the server's: nothing new to read (and no request per pixel while dragging).
    if (startMs > m_status.historyFromMs - m_intervalMs)
        return;
    askHistory(startMs, m_status.historyFromMs);
}

void PrometheusBreakerSource::askHistory(std::int64_t startMs, std::int64_t endMs)
{
    const std::int64_t stepMs = PrometheusHistory::stepFor(endMs - startMs, m_intervalMs);
    const QList<PrometheusHistory::Query> queries = PrometheusHistory::queries(m_server.breakers->selector, stepMs);
    auto reading = std::make_shared<HistoryReading>();
    reading->startMs = startMs;
    reading->endMs = endMs;
    reading->stepMs = stepMs;
    reading->waiting = static_cast<int>(queries.size());
    m_history = reading;
    m_status.historyFromMs = startMs;
    m_status.historyReading = true;
    Q_EMIT statusChanged(m_status);
    const QPointer<PrometheusBreakerSource> self(this);
    for (const PrometheusHistory::Query &query : queries) {
        auto done = [self, reading, part = query.part](const Result<PromQueryResult> &answer) {
            if (!self || self->m_history != reading)
                return; // stopped, or destroyed
            if (answer)
                reading->answers.emplace(part, *answer);
            else
                reading->problems << answer.error();
            if (--reading->waiting == 0)
                self->historyDone(*reading);
        };
        if (query.range) // from one step after the start: the instant queries hold the start
            m_historyClient->queryRange(query.expression, startMs + stepMs, endMs, stepMs, done, kHistoryQueryPieces);
        else
            m_historyClient->query(query.expression, startMs, done);
    }
}

void PrometheusBreakerSource::forgetHistoryRead(const HistoryReading &reading, bool stopping)
{
    // The span was not read. A failed read is not repeated by itself (a server too slow for it would be asked every
    // interval): scrolling back asks for it again. A first read cut short by stop() is asked again after a restart.
    m_status.historyReading = false;
    const bool again = stopping && reading.first;
    m_status.historyFromMs = again ? -1 : reading.endMs;
    if (again)
        m_historyAsked = false;
}

void PrometheusBreakerSource::historyDone(const HistoryReading &reading)
{
    m_history.reset(); // `reading` lives on in the reply's callback
    m_status.historyReading = false;
    if (reading.problems.isEmpty()) {
        Q_EMIT historyRead(PrometheusHistory::read(reading.answers, reading.startMs, reading.stepMs));
    } else {
        qCWarning(lcPromSource).noquote() << m_status.url << "history not read:" << reading.problems.join(u"; "_s);
        forgetHistoryRead(reading, false);
    }
    Q_EMIT statusChanged(m_status);
    if (m_historyWantedFromMs >= 0 && m_status.historyFromMs >= 0) {
        const std::int64_t wanted = std::exchange(m_historyWantedFromMs, -1);
        readHistoryFrom(wanted);
    }
}

} // namespace bw
