#pragma once

#include "alerts/acknowledgement.h"
#include "alerts/alertgroups.h"
#include "alerts/silence.h"

#include <QList>
#include <QObject>

#include <functional>
#include <optional>

namespace bw {

class AlertCenter;
class AlertmanagerSilences;
class AuditLog;

// What operators did about the alerts of an AlertCenter, and what silences them:
// - acknowledgements ("seen, I'm on it"): one per firing episode, ended when it resolves (see Acknowledgement);
// - local silences, made here and kept in the history store (the app restores them at start);
// - Alertmanager's silences (AlertmanagerSilences), matched against the same labels Breakerwatch pushes.
// A silenced alert is still tracked, listed and pushed to Alertmanager; it is not notified on the desktop and is
// shown silenced. That is what Alertmanager's own silences do: they mute notifications, the alert still exists. A
// local silence mutes this desktop only; to mute the team's paging, silence in Alertmanager (silence() does that
// whenever one is configured).
// Every acknowledgement, silence and expiry is audited (AuditLog), and announced for the store
// (acknowledgementChanged, silenceChanged). Lives in the center's thread; time comes from the clock given.
class AlertDesk final : public QObject
{
    Q_OBJECT
public:
    using Clock = std::function<std::int64_t()>;

    struct Marks
    {
        std::optional<Acknowledgement> acknowledgement;
        QList<Silence> silencedBy; // the active silences that match it, local ones first

        bool acknowledged() const { return acknowledgement.has_value(); }
        bool silenced() const { return !silencedBy.isEmpty(); }
    };
    // Where a silence went: `silence` as made; `problem` set when Alertmanager did not take it and `silence` is the
    // local one kept instead.
    struct SilenceOutcome
    {
        Silence silence;
        QString problem;
    };

    // None is owned; `center` and `audit` must outlive this.
    AlertDesk(AlertCenter *center, AuditLog *audit, Clock clock, QObject *parent = nullptr);

    // Alertmanager's silences to follow and to create silences in; nullptr (or none configured): local only.
    void setAlertmanager(AlertmanagerSilences *silences);
    // Whether silence() makes its silences in Alertmanager (one is configured).
    bool silencesGoToAlertmanager() const;
    // The hook for correlated incidents (core/incidents/): grouping files a breaker's alerts under its incident.
    void setIncidentLookup(IncidentLookup lookup);
    const IncidentLookup &incidentLookup() const { return m_incidentOf; }
    // What the lookup answers changed (a breaker joined or left an incident, a title changed): emits changed().
    void regroup() { Q_EMIT changed(); }

    Marks marks(const Alert &alert, std::int64_t nowMs) const;
    // groupAlerts() with these marks and the incident hook.
    QList<AlertGroup> groups(const QList<Alert> &alerts, std::int64_t nowMs) const;
    // The alerts of the center in one group (by its key).
    QList<Alert> alertsOfGroup(const QString &groupKey) const;

    // Acknowledges those of `alerts` that fire and are not acknowledged yet, as `who`; returns how many.
    int acknowledge(const QList<Alert> &alerts, const QString &who, const QString &comment = {});

    // Makes a silence (its id and origin are set here): in Alertmanager when one is configured, else locally. When
    // Alertmanager refuses or cannot be reached, the silence is kept locally and the outcome says why. An invalid
    // silence (checkSilence) is refused at once. `done` may be called before this returns.
    void silence(const Silence &silence, std::function<void(const Result<SilenceOutcome> &)> done);
    // A local silence only.
    Result<Silence> addLocalSilence(Silence silence);
    // Ends a silence now, local or Alertmanager's (there), as `who`.
    void expireSilence(const QString &id, const QString &who, std::function<void(const Status &)> done = {});

    // Every silence active at `nowMs`: local ones, then Alertmanager's.
    QList<Silence> silences(std::int64_t nowMs) const;
    const QList<Silence> &localSilences() const { return m_local; }
    const QList<Acknowledgement> &acknowledgements() const { return m_acks; }

    // What the store kept: acknowledgements not ended (carried over to their alert's next episode) and local
    // silences not ended by `nowMs`.
    void restore(const QList<Acknowledgement> &acknowledgements, const QList<Silence> &silences, std::int64_t nowMs);

Q_SIGNALS:
    void acknowledgementChanged(const bw::Acknowledgement &acknowledgement); // made, adopted or ended
    void silenceChanged(const bw::Silence &silence);                         // a local silence made or expired
    void alertmanagerSilenceCreated(const bw::Silence &silence);
    // Anything that changes marks(): acknowledgements, silences (either kind).
    void changed();

private:
    void alertFired(const Alert &alert);
    void alertResolved(const Alert &alert);
    void auditSilence(const Silence &silence, const QString &action, const QString &outcome, const QString &detail);

    AlertCenter *m_center;
    AuditLog *m_audit;
    Clock m_clock;
    AlertmanagerSilences *m_alertmanager = nullptr;
    IncidentLookup m_incidentOf;
    QList<Acknowledgement> m_acks; // not ended
    QList<Silence> m_local;        // not ended
    int m_serial = 0;
};

} // namespace bw
