#pragma once

#include "breaker/breakerstate.h"
#include "breaker/transition.h"
#include "history/historytypes.h"

#include <QString>

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>

namespace bw {

// How one poll ended, as far as the breaker is concerned: the `ok` of the replay format.
enum class PollOutcome : std::uint8_t
{
    Unknown, // not a call (e.g. a scrape that only carried an error rate)
    Ok,
    Failed,
};

// One poll of one service as the history store keeps it. The three values are the display store's SeriesKind
// series; NaN means "not measured at this poll". Values come back quantised (see ObservationCodec): error rate to
// 0.01 %, latencies to 1/64 of an octave (within 0.55 %), which is also what the store's readers see before the
// block reaches the disk.
struct Observation
{
    static constexpr float kNone = std::numeric_limits<float>::quiet_NaN();

    std::int64_t t = 0;      // epoch ms
    float errorRate = kNone; // percent (SeriesKind::ErrorRate)
    float latencyMs = kNone; // SeriesKind::Latency
    float p95Ms = kNone;     // SeriesKind::LatencyP95
    PollOutcome outcome = PollOutcome::Unknown;
    BreakerState state = BreakerState::Closed; // the simulated breaker after this poll
    std::optional<BreakerState> observedState; // the real breaker, when one is observed

    float value(SeriesKind kind) const
    {
        switch (kind) {
        case SeriesKind::ErrorRate:
            return errorRate;
        case SeriesKind::Latency:
            return latencyMs;
        case SeriesKind::LatencyP95:
            return p95Ms;
        }
        return kNone;
    }
    void setValue(SeriesKind kind, float v)
    {
        switch (kind) {
        case SeriesKind::ErrorRate:
            errorRate = v;
            break;
        case SeriesKind::Latency:
            latencyMs = v;
            break;
        case SeriesKind::LatencyP95:
            p95Ms = v;
            break;
        }
    }
    bool has(SeriesKind kind) const { return !std::isnan(value(kind)); }

    // Equal fields, NaN equal to NaN.
    bool sameAs(const Observation &o) const
    {
        auto same = [](float a, float b) { return (std::isnan(a) && std::isnan(b)) || a == b; };
        return t == o.t && same(errorRate, o.errorRate) && same(latencyMs, o.latencyMs) && same(p95Ms, o.p95Ms) &&
               outcome == o.outcome && state == o.state && observedState == o.observedState;
    }
};

// A breaker transition as stored: the simulated breaker's (with its reason) or an observed one.
struct StoredTransition
{
    QString service;
    TrackKind track = TrackKind::Simulated;
    std::int64_t t = 0; // epoch ms
    BreakerState from = BreakerState::Closed;
    BreakerState to = BreakerState::Closed;
    QString reason; // the sentence (TransitionReason::describe()), or how an observed one was seen
    TransitionReason::Kind reasonKind = TransitionReason::Kind::None;

    bool operator==(const StoredTransition &) const = default;
};

// An audit entry as stored; `id` is the row id (stable across sessions).
struct StoredAuditEntry
{
    std::int64_t id = 0;
    std::int64_t atMs = 0;
    QString who;
    QString service;
    QString target;
    QString action;
    QString outcome;
    QString detail;

    bool operator==(const StoredAuditEntry &) const = default;
};

// How much the store keeps. Raw observation blocks are kept rawMs; every complete hour is also summarised into
// 10-minute buckets (first/last/min/max/mean/count per series), kept summaryMs. Transitions and resolved alerts are
// kept transitionsMs; the audit log is never deleted.
struct StoreRetention
{
    std::int64_t rawMs = 3LL * 24 * 3'600'000;
    std::int64_t summaryMs = 90LL * 24 * 3'600'000;
    std::int64_t transitionsMs = 90LL * 24 * 3'600'000;
};

enum class IntegrityCheck : std::uint8_t
{
    None,
    Quick, // PRAGMA quick_check: structure, not index contents; O(file size)
    Full,  // PRAGMA integrity_check
};

struct StoreOptions
{
    QString dataDir;                                 // the file is <dataDir>/breakerwatch.sqlite
    std::int64_t sealGraceMs = 10'000;               // a block is written for good this long after its span ends
    std::size_t maxBufferedObservations = 1'000'000; // not yet on disk (~24 MB); beyond, the oldest are dropped
    std::size_t maxQueuedRecords = 100'000;          // transitions/audit/alerts waiting for a retry
    IntegrityCheck integrityCheck = IntegrityCheck::Quick;
    std::int64_t maxDatabaseBytes = 0; // 0: no cap; else writes that would grow the file past it fail as "full"
    StoreRetention retention;
};

// What the UI shows about the store. Degraded: something failed (the message says what and names the file); the
// store keeps running, holds what it cannot write in memory (bounded) and retries on each flush.
struct StoreHealth
{
    enum class State : std::uint8_t
    {
        Ok,
        Degraded,
    };
    State state = State::Ok;
    QString message;                       // empty when Ok
    std::uint64_t droppedObservations = 0; // lost because the memory buffer was full (since open)
    std::uint64_t droppedRecords = 0;      // transitions/audit/alerts lost the same way
    std::size_t bufferedObservations = 0;  // in memory and not yet on disk
    std::size_t queuedRecords = 0;         // durable writes that failed and wait for a retry

    bool ok() const { return state == State::Ok; }
    bool operator==(const StoreHealth &) const = default;
};

// What restore() did.
struct RestoreReport
{
    int services = 0; // names found in the store
    std::int64_t observations = 0;
    std::int64_t transitions = 0;
    std::int64_t blocks = 0;    // raw blocks decoded
    std::int64_t summaries = 0; // hourly summaries used
};

// What compact() did.
struct CompactionReport
{
    int hoursSummarised = 0;
    std::int64_t blocksDeleted = 0;
    std::int64_t summariesDeleted = 0;
    std::int64_t transitionsDeleted = 0;
    std::int64_t alertsDeleted = 0;
    bool more = false; // stopped at its work limit; call again
};

// What verify() found.
struct VerifyReport
{
    QString integrity;       // "ok" or SQLite's first complaints
    std::int64_t blocks = 0; // raw blocks, staged chunks and summaries read
    std::int64_t badBlocks = 0;
    QString firstProblem;
    bool ok() const { return integrity == QLatin1String("ok") && badBlocks == 0; }
};

} // namespace bw
