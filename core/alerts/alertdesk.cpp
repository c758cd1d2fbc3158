#include "alerts/alertdesk.h"

#include "alerts/alertcenter.h"
#include "alerts/alertmanagerpayload.h"
#include "alerts/alertmanagersilences.h"
#include "common/durations.h"
#include "control/auditlog.h"

#include <QDateTime>
#include <QPointer>

using namespace Qt::StringLiterals;

namespace bw {

namespace {

QString originName(AlertSource source)
{
    return source == AlertSource::Simulated ? u"simulated breaker"_s : u"real breaker"_s;
}

} // namespace

AlertDesk::AlertDesk(AlertCenter *center, AuditLog *audit, Clock clock, QObject *parent)
    : QObject(parent), m_center(center), m_audit(audit), m_clock(std::move(clock))
{
    Q_ASSERT(m_center && m_audit);
    connect(center, &AlertCenter::alertFired, this, &AlertDesk::alertFired);
    connect(center, &AlertCenter::alertResolved, this, &AlertDesk::alertResolved);
}

void AlertDesk::setAlertmanager(AlertmanagerSilences *silences)
{
    if (m_alertmanager)
        disconnect(m_alertmanager, nullptr, this, nullptr);
    m_alertmanager = silences;
    if (m_alertmanager)
        connect(m_alertmanager, &AlertmanagerSilences::silencesChanged, this, &AlertDesk::changed);
    Q_EMIT changed();
}

bool AlertDesk::silencesGoToAlertmanager() const
{
    return m_alertmanager && m_alertmanager->configured();
}

void AlertDesk::setIncidentLookup(IncidentLookup lookup)
{
    m_incidentOf = std::move(lookup);
    Q_EMIT changed();
}

AlertDesk::Marks AlertDesk::marks(const Alert &alert, std::int64_t nowMs) const
{
    Marks out;
    if (!alert.active())
        return out;
    for (const Acknowledgement &ack : m_acks)
        if (ack.covers(alert)) {
            out.acknowledgement = ack;
            break;
        }
    const QMap<QString, QString> labels = alertLabels(alert);
    for (const Silence &s : silences(nowMs))
        if (s.matches(labels))
            out.silencedBy << s;
    return out;
}

QList<AlertGroup> AlertDesk::groups(const QList<Alert> &alerts, std::int64_t nowMs) const
{
    return groupAlerts(
        alerts,
        [&](const Alert &a) {
            const Marks m = marks(a, nowMs);
            return AlertMarks{m.acknowledged(), m.silenced()};
        },
        m_incidentOf);
}

QList<Alert> AlertDesk::alertsOfGroup(const QString &groupKey) const
{
    QList<Alert> out;
    for (const Alert &a : m_center->alerts())
        if (alertGroupKey(a, m_incidentOf) == groupKey)
            out << a;
    return out;
}

int AlertDesk::acknowledge(const QList<Alert> &alerts, const QString &who, const QString &comment)
{
    const std::int64_t now = m_clock();
    int count = 0;
    for (const Alert &alert : alerts) {
        if (!alert.active() ||
            std::any_of(m_acks.cbegin(), m_acks.cend(), [&](const Acknowledgement &a) { return a.covers(alert); }))
            continue;
        Acknowledgement ack;
        ack.id = u"ack-%1-%2"_s.arg(now).arg(++m_serial);
        ack.alert = AlertKey::of(alert);
        ack.firedAtMs = alert.firedAtMs;
        ack.atMs = now;
        ack.who = who;
        ack.comment = comment;
        m_acks << ack;
        ++count;
        QString detail = u"%1: %2"_s.arg(alertmanagerAlertName(alert.kind), alert.summary);
        if (!comment.isEmpty())
            detail += u" (%1)"_s.arg(comment);
        m_audit->append({now, who, alert.service, originName(alert.source), u"acknowledge"_s, u"done"_s, detail});
        Q_EMIT acknowledgementChanged(ack);
    }
    if (count > 0)
        Q_EMIT changed();
    return count;
}

void AlertDesk::alertFired(const Alert &alert)
{
    // A carried acknowledgement (from before a restart) takes the first new episode of its alert.
    for (Acknowledgement &ack : m_acks) {
        if (ack.carried && ack.alert == AlertKey::of(alert)) {
            ack.carried = false;
            ack.firedAtMs = alert.firedAtMs;
            Q_EMIT acknowledgementChanged(ack);
            Q_EMIT changed();
            return;
        }
    }
}

void AlertDesk::alertResolved(const Alert &alert)
{
    bool any = false;
    for (auto it = m_acks.begin(); it != m_acks.end();) {
        if (!it->carried && it->alert == AlertKey::of(alert) && it->firedAtMs == alert.firedAtMs) {
            Acknowledgement ended = *it;
            ended.endedAtMs = alert.resolvedAtMs.value_or(m_clock());
            it = m_acks.erase(it);
            any = true;
            Q_EMIT acknowledgementChanged(ended);
        } else {
            ++it;
        }
    }
    if (any)
        Q_EMIT changed();
}

void AlertDesk::auditSilence(const Silence &silence, const QString &action, const QString &outcome,
                             const QString &detail)
{
    const QString target = silence.origin == SilenceOrigin::Local ? u"local silence"_s : u"Alertmanager silence"_s;
    m_audit->append({m_clock(), action == u"silence" ? silence.createdBy : operatorName(), silence.describeMatchers(),
                     target, action, outcome, detail});
}

Result<Silence> AlertDesk::addLocalSilence(Silence silence)
{
    const std::int64_t now = m_clock();
    if (Status ok = checkSilence(silence, now); !ok)
        return Error{ok.error()};
    silence.origin = SilenceOrigin::Local;
    silence.alertmanager.clear();
    silence.id = u"local-%1-%2"_s.arg(now).arg(++m_serial);
    m_local.removeIf([&](const Silence &s) { return !s.activeAt(now) && s.endsAtMs <= now; });
    m_local << silence;
    auditSilence(silence, u"silence"_s, u"done"_s,
                 u"for %1, until %2: %3 (%4)"_s.arg(
                     formatDurationMs(silence.endsAtMs - silence.startsAtMs),
                     QDateTime::fromMSecsSinceEpoch(silence.endsAtMs).toString(u"yyyy-MM-dd HH:mm"_s), silence.comment,
                     silence.id));
    Q_EMIT silenceChanged(silence);
    Q_EMIT changed();
    return silence;
}

void AlertDesk::silence(const Silence &silence, std::function<void(const Result<SilenceOutcome> &)> done)
{
    if (Status ok = checkSilence(silence, m_clock()); !ok) {
        done(Error{ok.error()});
        return;
    }
    if (!m_alertmanager || !m_alertmanager->configured()) {
        auto local = addLocalSilence(silence);
        done(local ? Result<SilenceOutcome>(SilenceOutcome{*local, {}}) : Result<SilenceOutcome>(Error{local.error()}));
        return;
    }
    QPointer<AlertDesk> self(this);
    m_alertmanager->create(silence, [self, silence, done](const Result<Silence> &created) {
        if (!self) {
            done(Error{u"Breakerwatch is shutting down"_s});
            return;
        }
        if (created) {
            self->auditSilence(*created, u"silence"_s, u"done"_s,
                               u"in Alertmanager %1 for %2: %3 (%4)"_s.arg(
                                   created->alertmanager, formatDurationMs(created->endsAtMs - created->startsAtMs),
                                   created->comment, created->id));
            Q_EMIT self->alertmanagerSilenceCreated(*created);
            Q_EMIT self->changed();
            done(SilenceOutcome{*created, {}});
            return;
        }
        // Refused or unreachable: say so, and keep the silence here so the desktop goes quiet anyway.
        Silence attempted = silence;
        attempted.origin = SilenceOrigin::Alertmanager;
        self->auditSilence(attempted, u"silence"_s, u"refused"_s, created.error());
        auto local = self->addLocalSilence(silence);
        if (!local) {
            done(Error{created.error() + u"; "_s + local.error()});
            return;
        }
        done(SilenceOutcome{*local, created.error()});
    });
}

void AlertDesk::expireSilence(const QString &id, const QString &who, std::function<void(const Status &)> done)
{
    const std::int64_t now = m_clock();
    for (Silence &s : m_local) {
        if (s.id != id)
            continue;
        s.expiredAtMs = now;
        const Silence expired = s;
        m_local.removeIf([&](const Silence &x) { return x.id == id; });
        m_audit->append(
            {now, who, expired.describeMatchers(), u"local silence"_s, u"expire silence"_s, u"done"_s, expired.id});
        Q_EMIT silenceChanged(expired);
        Q_EMIT changed();
        if (done)
            done(success());
        return;
    }
    if (m_alertmanager) {
        for (const Silence &s : m_alertmanager->silences()) {
            if (s.id != id)
                continue;
            QPointer<AlertDesk> self(this);
            m_alertmanager->expire(s, [self, s, who, done, now](const Status &status) {
                if (self)
                    self->m_audit->append({now, who, s.describeMatchers(), u"Alertmanager silence"_s,
                                           u"expire silence"_s, status ? u"done"_s : u"refused"_s,
                                           status ? s.id : status.error()});
                if (done)
                    done(status);
            });
            return;
        }
    }
    if (done)
        done(Error{u"no silence %1"_s.arg(id)});
}

QList<Silence> AlertDesk::silences(std::int64_t nowMs) const
{
    QList<Silence> out;
    for (const Silence &s : m_local)
        if (s.activeAt(nowMs))
            out << s;
    if (m_alertmanager)
        for (const Silence &s : m_alertmanager->silences())
            if (s.activeAt(nowMs))
                out << s;
    return out;
}

void AlertDesk::restore(const QList<Acknowledgement> &acknowledgements, const QList<Silence> &silences,
                        std::int64_t nowMs)
{
    for (Acknowledgement ack : acknowledgements) {
        if (ack.endedAtMs)
            continue;
        ack.carried = true;
        m_acks << ack;
    }
    for (const Silence &s : silences)
        if (s.origin == SilenceOrigin::Local && !s.expiredAtMs && s.endsAtMs > nowMs)
            m_local << s;
    Q_EMIT changed();
}

} // namespace bw
