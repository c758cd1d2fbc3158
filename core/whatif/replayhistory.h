#pragma once

#include "breaker/transition.h"
#include "common/result.h"
#include "events/eventstream.h"
#include "store/storetypes.h"
#include "whatif/whatifmetrics.h"

#include <QString>
#include <QStringList>

#include <cstdint>
#include <vector>

namespace bw {

class HistoryStore;

// One service's history, ready to replay. Times in `stream`, `outages` and the transition lists are ms since
// `originMs` (epoch ms), so a stream starts near 0 like a JSONL file.
struct ReplayHistory
{
    QString label;     // "checkout, 2026-11-23 08:00–14:00 (store)", "outage.jsonl"
    QString sourceKey; // identifies the data for caching: e.g. "store:<file>:<service>:<t0>:<t1>:<count>:<lastT>"
                       // or "jsonl:<path>:<size>:<mtime>" or "prometheus:<url>:<queries>:<t0>:<t1>:<step>"
    std::int64_t originMs = 0;
    std::int64_t endMs = 0; // end of the range, relative like the rest
    EventStream stream;
    std::vector<Outage> outages;             // from health DOWN periods (see below); the UI may add marked ones
    std::vector<Transition> observedBreaker; // the real breaker's transitions in the range (may be empty)
    std::vector<Transition> liveSimulated;   // the live simulated breaker's transitions in the range (may be empty)
    QStringList notes;                       // e.g. "312 polls with unknown outcome left out"
};

// Maximal runs of failed polls (at least `minFailedPolls` in a row) become outages: from the first failed poll to
// the first successful one after it (or the end of the data). Polls with unknown outcome neither start nor end one.
// Times are the polls' own (epoch ms for the store's observations). Pure.
std::vector<Outage> outagesFromPolls(const std::vector<Observation> &polls, int minFailedPolls = 3);

// The same rule over calls (a failed call is a failed poll): for JSONL files. Times are the stream's.
std::vector<Outage> outagesFromCalls(const EventStream &stream, int minFailedCalls = 3);

// [fromMs, toMs) of one service from the history store, with originMs = fromMs and endMs = toMs - fromMs. Polls
// become calls by the export's rule (callFromObservation in store/storeexport.h); polls with an unknown outcome are
// left out and counted in `notes`. Transitions: observed ones into observedBreaker, simulated into liveSimulated
// (only the reason's kind survives the store). Errors: a range that is empty or reversed, a service the store does
// not know (the message lists the ones it does), no polls in the range, polls but none with a call outcome, and
// whatever the store reports (the message names the file). Runs on the store's thread; blocks while it reads.
Result<ReplayHistory> historyFromStore(HistoryStore &store, const QString &service, std::int64_t fromMs,
                                       std::int64_t toMs);

// A replay JSONL file (or "-" for standard input) as read by JsonlReader: originMs = 0 (the file's times are kept),
// endMs = the last event's t, outages from runs of failed calls (outagesFromCalls). Errors name the file and line.
Result<ReplayHistory> historyFromJsonl(const QString &path);

} // namespace bw
