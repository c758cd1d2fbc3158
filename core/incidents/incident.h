#pragma once

#include "fleet/breakerid.h"
#include "fleet/breakerstatus.h"

#include <QString>

#include <cstdint>
#include <optional>
#include <vector>

namespace bw {

// The dependency a named breaker guards, normalised so that the spellings different libraries use for one
// downstream meet: "paymentGateway" (Resilience4j), "payments-gateway" (opossum) and
// "https://payments-gateway.internal/v1" (the seed's status page keyed by URL) are all "payment gateway".
struct Downstream
{
    QString key;     // normalised words: "payment gateway"
    QString display; // how people spell it: the URL's host name, else the breaker's own name
};
// nullopt for a health breaker (it guards the instance, not a dependency) or a name with nothing left once the
// generic words (client, service, api, breaker, ...) are dropped.
std::optional<Downstream> downstreamOf(const BreakerId &id);

// When breakers in several services open close together and guard the same downstream, they are one incident.
struct IncidentRule
{
    std::int64_t windowMs = 60'000; // opens no further apart than this from the first one
    int minServices = 2;            // one service's breakers opening together are that service's trouble
};

struct IncidentMember
{
    BreakerId id;
    std::int64_t openedAtMs = 0;
};

struct Incident
{
    QString key; // stable while the incident lasts: "payment gateway@<first open ms>"
    Downstream downstream;
    std::vector<IncidentMember> members; // by open time
    int services = 0;

    std::int64_t firstOpenMs() const { return members.front().openedAtMs; }
    std::int64_t lastOpenMs() const { return members.back().openedAtMs; }
    bool contains(const BreakerId &id) const;
    // "payments-gateway: 7 breakers in 4 services opened within 40 s".
    QString title() const;
};

// The incidents among breakers that are open now (not closed, since notClosedSince()), most members first.
// A breaker is in at most one incident. Pure: no clock, the same input gives the same incidents.
std::vector<Incident> findIncidents(std::vector<IncidentMember> opened, const IncidentRule &rule = {});
std::vector<Incident> findIncidents(const std::vector<BreakerStatus> &statuses, const IncidentRule &rule = {});
// Whether a breaker takes part in incidents, and since when: open, or half-open on its way back (a breaker probing
// its downstream is still in the incident); never a stale one.
std::optional<IncidentMember> incidentMemberOf(const BreakerStatus &status);

} // namespace bw
