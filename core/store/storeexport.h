#pragma once

#include "breaker/calloutcome.h"
#include "common/result.h"
#include "store/historystore.h"

#include <QIODevice>
#include <QString>

#include <cstdint>
#include <optional>

namespace bw {

// Export and import of what the history store holds, over [t0, t1) in epoch ms. Errors name what failed (the store
// or the device); nothing is written to the device after a failure is found.
//
// The replay rule for one poll: a poll whose outcome is ok or failed is one call at its t (minus `timeOrigin`), with
// its latency (0 when not measured); a poll with an unknown outcome (a scrape that only carried an error rate) is
// not a call. The JSONL export and the what-if history (whatif/replayhistory.h) both go through it.
std::optional<CallOutcome> callFromObservation(const Observation &observation, std::int64_t timeOrigin = 0);

// JSONL is the replay format `breakerwatch-cli replay` reads, one call a line, in time order:
//   {"t":1700000000123,"ok":false,"latency_ms":12.51,"error_rate":5,"p95_ms":80.2,"state":"open","observed_state":"open"}
// t, ok and latency_ms are what replay uses; the other keys (skipped by replay) carry the rest of the observation so
// that an import gives it back. Only polls that were calls (outcome ok or failed) are lines: an observation with an
// unknown outcome (a scrape that only carried an error rate) is not an event and is left out; the CSV has it.
// t is epoch ms minus `timeOrigin` (pass t0 for a stream that starts near 0).
Status exportServiceJsonl(HistoryStore &store, const QString &service, std::int64_t t0, std::int64_t t1, QIODevice &out,
                          std::int64_t timeOrigin = 0);
// t_ms,time_utc,outcome,error_rate,latency_ms,p95_ms,state,observed_state; absent values are empty fields.
Status exportServiceCsv(HistoryStore &store, const QString &service, std::int64_t t0, std::int64_t t1, QIODevice &out);
// t_ms,time_utc,service,track,from,to,reason; every service when `service` is empty.
Status exportTransitionsCsv(HistoryStore &store, const QString &service, std::int64_t t0, std::int64_t t1,
                            QIODevice &out);
// id,at_ms,time_utc,who,service,target,action,outcome,detail
Status exportAuditCsv(HistoryStore &store, std::int64_t t0, std::int64_t t1, QIODevice &out);

struct JsonlImport
{
    std::int64_t lines = 0;
    std::int64_t observations = 0;
};
// Reads replay JSONL (ours, or any file `replay` accepts: then the series other than latency are absent and the
// breaker state is taken as closed) and appends it as observations of `service` (t + timeOrigin). All or nothing:
// the first bad line ("line N: why") stops the import before anything is appended. The store writes the
// observations at its next flush(); importing the same file twice stores them twice.
Result<JsonlImport> importServiceJsonl(HistoryStore &store, const QString &service, QIODevice &in,
                                       std::int64_t timeOrigin = 0);

} // namespace bw
