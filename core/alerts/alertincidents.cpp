#include "alerts/alertincidents.h"

namespace bw {

AlertIncidents::AlertIncidents(IncidentRule rule, std::int64_t keepMs) : m_rule(rule), m_keepMs(keepMs) {}

bool AlertIncidents::update(const std::vector<BreakerStatus> &statuses, std::int64_t nowMs)
{
    const std::map<QString, Known> knownBefore = m_known;
    const QHash<BreakerId, QString> filingBefore = m_filing;
    for (auto &[key, known] : m_known)
        known.current = false;
    for (const Incident &incident : findIncidents(statuses, m_rule)) {
        // The key of the incident its members were filed under, if that one was still current: the same incident.
        QString key = incident.key;
        for (const IncidentMember &member : incident.members) {
            const auto filed = filingBefore.constFind(member.id);
            if (filed == filingBefore.cend())
                continue;
            const auto before = knownBefore.find(*filed);
            if (before != knownBefore.end() && before->second.current && !m_known.at(*filed).current) {
                key = *filed;
                break;
            }
        }
        Known &known = m_known[key];
        known.ref = {key, incident.title()};
        known.lastSeenMs = nowMs;
        known.current = true;
        for (const IncidentMember &member : incident.members)
            m_filing.insert(member.id, key);
    }
    for (auto it = m_known.begin(); it != m_known.end();) {
        if (!it->second.current && nowMs - it->second.lastSeenMs >= m_keepMs)
            it = m_known.erase(it);
        else
            ++it;
    }
    m_filing.removeIf([this](const QHash<BreakerId, QString>::iterator it) { return !m_known.count(it.value()); });
    if (m_filing != filingBefore || m_known.size() != knownBefore.size())
        return true;
    for (const auto &[key, known] : m_known)
        if (const auto before = knownBefore.find(key); before == knownBefore.end() || before->second.ref != known.ref)
            return true;
    return false;
}

std::optional<IncidentRef> AlertIncidents::incidentOf(const BreakerId &id) const
{
    const auto filed = m_filing.constFind(id);
    if (filed == m_filing.cend())
        return std::nullopt;
    return m_known.at(*filed).ref;
}

std::vector<IncidentRef> AlertIncidents::incidents() const
{
    std::vector<IncidentRef> out;
    for (const auto &[key, known] : m_known)
        out.push_back(known.ref);
    return out;
}

} // namespace bw
