#pragma once

#include "fleet/breakerstatus.h"

#include <QString>

#include <cstdint>
#include <optional>
#include <vector>

namespace bw {

// How much a breaker needs a look, most urgent first: the order of the overview, the fleet wall's emphasis and the
// roll-ups. Open (or forced open) before half-open, then flapping, then a failing check, then stale, then fine.
enum class Severity : std::uint8_t
{
    Open,
    HalfOpen,
    Flapping,
    Failing,
    Stale,
    Fine
};

// "open", "half-open", "flapping", "failing", "stale", "fine".
QString severityName(Severity severity);

// The worse of the simulated and the real breaker's state (open before forced open before half-open before the
// states that pass calls): what a display shows a breaker as when it can show one state only.
BreakerState worstState(const BreakerStatus &status);
// Whether `a` is worse than `b` in that order.
bool worseState(BreakerState a, BreakerState b);
// Whether either breaker is not closed (disabled and metrics-only count: they are not the normal state).
bool notClosed(const BreakerStatus &status);
// Whether the latest poll concerning the breaker failed (not success or slow); never polled is not failing.
bool checkFailing(const BreakerStatus &status);
// Since when the breaker has not been closed: the earlier of the simulated and the real breaker's not-closed
// times; nullopt when both are closed.
std::optional<std::int64_t> notClosedSince(const BreakerStatus &status);
Severity severityOf(const BreakerStatus &status);
// The order "most urgent first" of one breaker's instances and of the timeline's rows: by severity, then the one
// not closed for longest, then by key (stable for equals).
bool moreUrgent(const BreakerStatus &a, const BreakerStatus &b);

// What a parent row (a breaker over its instances, a service over its breakers, a group over its services) says
// of its members.
struct RollUp
{
    int members = 0;
    int open = 0;      // worst state open or forced open
    int halfOpen = 0;  // worst state half-open
    int notClosed = 0; // notClosed(), includes open and halfOpen
    int flapping = 0;
    int failing = 0;
    int stale = 0;
    BreakerState worst = BreakerState::Closed;
    Severity severity = Severity::Fine;           // the most urgent member's
    std::optional<std::int64_t> notClosedSinceMs; // the earliest not-closed member's
    double requestsPerSecond = -1;                // the members' sum; -1: none known
    int opensInWindow = 0;                        // the members' opens in their flapping window, summed

    void add(const BreakerStatus &status);
    bool operator==(const RollUp &) const = default;
    // "2 of 3 instances open", "1 of 3 instances half-open", "3 of 12 breakers not closed", "3 instances":
    // `noun` is the plural of what the members are ("instances", "breakers").
    QString describe(const QString &noun) const;
};

template<typename Statuses>
RollUp rollUp(const Statuses &statuses)
{
    RollUp result;
    for (const BreakerStatus &status : statuses)
        result.add(status);
    return result;
}

} // namespace bw
