#pragma once

#include "breaker/breakerstate.h"

#include <QStringView>

#include <array>
#include <cstdint>

namespace bw {

// The numeric series kept per service. Percentiles do not roll up, so the p95 is a series of its own rather than
// something derived from the buckets of Latency; a rolled-up bucket of LatencyP95 reads as "worst p95 (max) and
// average p95 (mean) over the bucket". A series that is never fed costs nothing.
enum class SeriesKind : std::uint8_t
{
    ErrorRate,  // percent of failed calls, 0-100
    Latency,    // ms: each poll's latency, or the p50 when the source is a histogram
    LatencyP95, // ms: the p95 of a histogram source
};
inline constexpr int kSeriesKindCount = 3;

// The breakers drawn for one service: the embedded simulation and the real one the service reports.
enum class TrackKind : std::uint8_t
{
    Simulated,
    Observed,
};
inline constexpr int kTrackKindCount = 2;

// Id of a reason text in a service's ReasonPool; 0 is "no reason".
using ReasonId = std::uint16_t;

// Bucket widths of the series levels: 1 s, 10 s, 1 min, 10 min.
inline constexpr int kSeriesLevelCount = 4;
inline constexpr std::array<std::int64_t, kSeriesLevelCount> kSeriesLevelWidthMs = {1'000, 10'000, 60'000, 600'000};

// How much history is kept. The defaults fit 8 KB per service-hour with three series at one sample a second.
struct HistoryRetention
{
    // Buckets kept per level: 15 min at 1 s, 3 h at 10 s, 25 h at 1 min, 7 days at 10 min.
    std::array<std::uint32_t, kSeriesLevelCount> buckets = {900, 1'080, 1'500, 1'008};
    std::int64_t stateMs = 25LL * 3600 * 1000; // runs that ended longer ago than this are dropped
    std::uint32_t maxRunsPerTrack = 65'536;    // hard cap whatever the time span (a breaker flapping every 1 s)

    // For a process without views (`breakerwatch-cli serve`): nothing reads its display history, which would
    // otherwise grow for days towards the limits above, so it keeps about a minute.
    static HistoryRetention withoutViews()
    {
        HistoryRetention retention;
        retention.buckets = {60, 6, 1, 1};
        retention.stateMs = 60'000;
        retention.maxRunsPerTrack = 64;
        return retention;
    }
};

// One pre-reduced point of a series: the samples of [t, t + durationMs). Only points with samples are returned.
struct SeriesPoint
{
    std::int64_t t = 0;
    std::int64_t durationMs = 0;
    float first = 0;
    float last = 0;
    float min = 0;
    float max = 0;
    float mean = 0;
    std::uint32_t count = 0;
};

// One run of a state track as it really happened (not merged for display).
struct StateRun
{
    std::int64_t start = 0;
    std::int64_t end = 0; // start of the next run, or the track's latest time for the current run
    BreakerState state = BreakerState::Closed;
    ReasonId reason = 0; // why the transition that began this run happened
    bool hasPrevious = false;
    BreakerState previous = BreakerState::Closed; // the state before, when hasPrevious
};

// A run prepared for drawing. Consecutive runs each shorter than the query's minimum duration (a pixel) are
// merged into one `mixed` run: it keeps the state that covered most of its time in `state`, and `changes` says
// how many runs it stands for, so a flapping breaker stays visible as flapping at any zoom instead of being
// averaged into its dominant colour. A lone short run between long ones is returned as itself.
struct DisplayRun
{
    std::int64_t start = 0;
    std::int64_t end = 0;
    BreakerState state = BreakerState::Closed;
    bool mixed = false;
    BreakerState worst = BreakerState::Closed; // the state refusing the most calls among the merged runs
    std::uint32_t changes = 1;                 // raw runs merged into this one
    ReasonId reason = 0;                       // of the first raw run
};

// A state change derived from two consecutive runs of a track.
// The reason a real breaker's transition carries when the counters imply it happened between two scrapes (opossum's
// open/close counters), so views can mark it apart from ones an event or a gauge showed as they happened.
inline constexpr QStringView kBetweenScrapesReason = u"happened between two scrapes (from the counters)";

struct TrackTransition
{
    std::int64_t t = 0;
    BreakerState from = BreakerState::Closed;
    BreakerState to = BreakerState::Closed;
    ReasonId reason = 0;
};

} // namespace bw
