#pragma once

#include "alerts/alertgroups.h"
#include "fleet/breakerstatus.h"
#include "incidents/incident.h"

#include <QHash>
#include <QString>

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

namespace bw {

// Which correlated incident (findIncidents(): a shared downstream opening in several services within a minute) each
// breaker's alerts are filed under, for the alert groups (IncidentLookup), titled by Incident::title(). Pure: update()
// takes the statuses and the time.
// - An incident keeps its key while it lasts, even when the breaker that opened first closes before the others (the
//   next clustering would name it after another first open): members carry the key over.
// - Its breakers stay filed under it after they close, until `keepMs` after the incident was last seen, so an
//   outage's alerts stay together while they resolve; a breaker in a newer incident moves to it.
class AlertIncidents
{
public:
    explicit AlertIncidents(IncidentRule rule = {}, std::int64_t keepMs = 30 * 60'000);

    // Recomputes from the monitor's statuses; returns whether any breaker's incident or any title changed.
    bool update(const std::vector<BreakerStatus> &statuses, std::int64_t nowMs);
    std::optional<IncidentRef> incidentOf(const BreakerId &id) const;
    // The incidents known (current and remembered), by key.
    std::vector<IncidentRef> incidents() const;

private:
    struct Known
    {
        IncidentRef ref;
        std::int64_t lastSeenMs = 0;
        bool current = false;
    };
    IncidentRule m_rule;
    std::int64_t m_keepMs;
    std::map<QString, Known> m_known;   // by key
    QHash<BreakerId, QString> m_filing; // breaker -> key
};

} // namespace bw
