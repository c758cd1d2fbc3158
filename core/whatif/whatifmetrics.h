#pragma once

#include "breaker/breakerpolicy.h"
#include "breaker/transition.h"

#include <QString>

#include <cstdint>
#include <optional>
#include <vector>

namespace bw {

// A period when the underlying service was really down, for detection and recovery delays.
struct Outage
{
    std::int64_t start = 0;
    std::int64_t end = 0;
};

// What one policy did with one event stream.
struct WhatIfMetrics
{
    std::int64_t events = 0;
    std::int64_t admitted = 0;
    std::int64_t rejected = 0;         // refused while open or over the half-open probe limit
    std::int64_t failedLetThrough = 0; // admitted calls that failed
    std::int64_t goodRejected = 0;     // refused calls that would have succeeded
    std::int64_t transitions = 0;
    std::int64_t opens = 0;
    std::int64_t openMs = 0;     // time spent open or forced open, up to the last event
    std::int64_t halfOpenMs = 0; // time spent half-open, up to the last event
    int flappingEpisodes = 0;
    BreakerState finalState = BreakerState::Closed;

    // With outages: how many were detected (an open during the outage, or already open at its start),
    // and the delays; mean/max over detected (detection) and recovered (recovery) outages.
    int outages = 0;
    int outagesDetected = 0;
    int outagesRecovered = 0;
    std::optional<double> meanDetectionDelayMs;
    std::optional<std::int64_t> maxDetectionDelayMs;
    std::optional<double> meanRecoveryDelayMs;
    std::optional<std::int64_t> maxRecoveryDelayMs;
};

struct WhatIfResult
{
    QString label;
    BreakerPolicy policy;
    WhatIfMetrics metrics;
    std::vector<Transition> transitions; // empty unless asked for
};

} // namespace bw
