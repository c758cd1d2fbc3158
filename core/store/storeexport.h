#pragma once

#include "breaker/calloutcome.h"
#include "common/result.h"
#include "fleet/breakerid.h"
#include "store/historystore.h"

#include <QIODevice>
#include <QString>

#include <cstdint>
#include <optional>
#include <vector>

namespace bw {

// Export and import of what the history store holds, over [t0, t1) in epoch ms. Errors name what failed (the store
// or the device); nothing is written to the device after a failure is found.
//
// The replay rule for one poll: a poll whose outcome is ok or failed is one call at its t (minus `timeOrigin`), with
// its latency (0 when not measured); a poll with an unknown outcome (a scrape that only carried an error rate) is
// not a call. The JSONL export and the what-if history (whatif/replayhistory.h) both go through it.
std::optional<CallOutcome> callFromObservation(const Observation &observation, std::int64_t timeOrigin = 0);

// Which breakers an export takes: every breaker of `service`, narrowed to one instance and/or one breaker (empty: the
// instance's health breaker). A legacy row (a service the store knew before the fleet model, not adopted by an
// instance yet) is {service, "", ""}: it matches unless an instance or a named breaker is asked for.
struct BreakerSelection
{
    QString service;
    std::optional<QString> instance; // nullopt: every instance
    std::optional<QString> breaker;  // nullopt: every breaker; "": the health breaker

    bool matches(const BreakerId &id) const;
    // A service name ("checkout": every breaker of it), or a key that names one breaker ("checkout@10.0.0.7:8080",
    // "checkout/paymentGateway@10.0.0.7:8080"; "checkout/paymentGateway": that breaker on every instance).
    static BreakerSelection parse(const QString &serviceOrKey);
    // "checkout", "checkout, breaker paymentGateway, instance 10.0.0.7:8080", for messages.
    QString describe() const;
};
// The breakers the store holds that `selection` matches, in BreakerId order; an error naming the selection when
// there is none.
Result<std::vector<BreakerId>> selectBreakers(HistoryStore &store, const BreakerSelection &selection);

// JSONL is the replay format `breakerwatch-cli replay` reads, one call a line, in time order:
//   {"t":1700000000123,"ok":false,"latency_ms":12.51,"error_rate":5,"p95_ms":80.2,"state":"open","observed_state":"open",
//    "service":"checkout","instance":"10.0.0.7:8080","breaker":""}
// t, ok and latency_ms are what replay uses; the other keys (skipped by replay) carry the rest of the observation and
// the breaker it belongs to ("breaker" empty: the health breaker), so that an import gives it back. Several breakers
// come merged in time order (ties in `breakers` order). Only polls that were calls (outcome ok or failed) are lines:
// an observation with an unknown outcome (a scrape that only carried an error rate) is not an event and is left out;
// the CSV has it. t is epoch ms minus `timeOrigin` (pass t0 for a stream that starts near 0).
Status exportServiceJsonl(HistoryStore &store, const std::vector<BreakerId> &breakers, std::int64_t t0, std::int64_t t1,
                          QIODevice &out, std::int64_t timeOrigin = 0);
// t_ms,time_utc,outcome,error_rate,latency_ms,p95_ms,state,observed_state,service,instance,breaker; absent values
// are empty fields; merged in time order as the JSONL.
Status exportServiceCsv(HistoryStore &store, const std::vector<BreakerId> &breakers, std::int64_t t0, std::int64_t t1,
                        QIODevice &out);
// t_ms,time_utc,service,track,from,to,reason (service: the breaker's key); of every breaker when `breakers` is empty.
Status exportTransitionsCsv(HistoryStore &store, const std::vector<BreakerId> &breakers, std::int64_t t0,
                            std::int64_t t1, QIODevice &out);
// id,at_ms,time_utc,who,service,target,action,outcome,detail
Status exportAuditCsv(HistoryStore &store, std::int64_t t0, std::int64_t t1, QIODevice &out);

struct JsonlImport
{
    std::int64_t lines = 0;
    std::int64_t observations = 0;
};
// Reads replay JSONL (ours, or any file `replay` accepts: then the series other than latency are absent and the
// breaker state is taken as closed) and appends it as observations of `breaker` (t + timeOrigin); the lines'
// service/instance/breaker keys, if any, are not used. All or nothing: the first bad line ("line N: why") stops the
// import before anything is appended. The store writes the observations at its next flush(); importing the same file
// twice stores them twice.
Result<JsonlImport> importServiceJsonl(HistoryStore &store, const BreakerId &breaker, QIODevice &in,
                                       std::int64_t timeOrigin = 0);

} // namespace bw
