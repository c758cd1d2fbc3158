#pragma once

#include "flapping/flappingrule.h"

#include "breaker/breakerpolicy.h"
#include "events/eventstream.h"
#include "whatif/whatifmetrics.h"

#include <QString>

#include <atomic>
#include <functional>
#include <vector>

namespace bw {

struct WhatIfCandidate
{
    QString label;
    BreakerPolicy policy; // must pass validate()
};

struct WhatIfOptions
{
    std::vector<Outage> outages;
    FlappingRule flapping;
    bool keepTransitions = false;
    int threads = 0; // 0 = one per core
    // Polled between chunks; set it from any thread to stop early (results are then partial and `cancelled`).
    const std::atomic_bool *cancel = nullptr;
    // Called from worker threads with the fraction done (0..1); keep it cheap and thread-safe.
    std::function<void(double)> progress;
};

struct WhatIfRun
{
    std::vector<WhatIfResult> results; // same order as the candidates
    bool cancelled = false;
    double wallMs = 0; // the replay loop only
};

// Replays one event stream through many policies in a single pass over the events (candidates are split
// across threads; each thread walks the stream once in cache-sized chunks, feeding every breaker it owns).
// Pure: the events carry the time. Safe to call from any thread; it blocks until done or cancelled.
WhatIfRun runWhatIf(const EventStream &stream, const std::vector<WhatIfCandidate> &candidates,
                    const WhatIfOptions &options = {});

// Derives the transition-based metrics (opens, time open, flapping, delays) for a finished replay.
void summariseTransitions(const std::vector<Transition> &transitions, std::int64_t endT, const WhatIfOptions &options,
                          WhatIfMetrics &metrics);

} // namespace bw
