#pragma once

#include "flapping/flappingrule.h"

#include "history/trackhistory.h"

#include <cstdint>
#include <vector>

namespace bw {

// What the flapping graph draws, derived from a breaker track's runs (its transitions), never from samples.
// Defaults are the product's rules: the flapping alert fires on more than 3 opens in 10 min (AlertTracker::Rules),
// percent state change is Nagios-style over 21 checks with hysteresis 5 % / 20 % (PercentStateChange).
struct FlapSeriesOptions
{
    std::int64_t binMs = 60'000; // width of one bar: opens per bin
    FlappingRule flapping;       // the alert's rule
    // Percent state change samples the track's state every checkIntervalMs (what a check at that period would
    // have seen; runs shorter than the interval can be missed) and feeds each sample to PercentStateChange.
    std::int64_t checkIntervalMs = 10'000;
    double percentLow = 5.0;
    double percentHigh = 20.0;
    int percentHistory = 21;
    int maxPercentPoints = 2'000; // the percent line is reduced to this many points (the max of each group)
};

// One bar: the opens in [start, start + binMs).
struct OpenBin
{
    std::int64_t start = 0;
    int opens = 0;
};

// The rolling open count holds `count` from t until the next step.
struct CountStep
{
    std::int64_t t = 0;
    int count = 0;
};

// A flapping alert episode: from where the alert fires to where it resolves (or the end of the range).
struct AlertEpisode
{
    std::int64_t start = 0; // may be before t0 when the episode began earlier
    std::int64_t end = 0;
    bool resolved = false;
};

struct PercentPoint
{
    std::int64_t t = 0;
    double percent = 0;
    bool flapping = false; // PercentStateChange's verdict, with its hysteresis
};

// A pure derivation, recomputed per refresh; a value type. Times are epoch ms.
struct FlapSeries
{
    std::int64_t t0 = 0;
    std::int64_t t1 = 0;
    std::int64_t binMs = 0;
    std::vector<std::int64_t> opens; // transitions to open in [t0, t1), oldest first
    std::vector<OpenBin> bins;       // every bin from the one holding t0 to the one holding t1 - 1, empty ones too
    std::vector<CountStep> rolling;  // opens in (t - flapping.windowMs, t] for t in [t0, t1); first step at t0
    // Where the flapping alert fires: the rolling count makes the rule true while no episode is active. As in
    // AlertTracker, an episode ends only when the count falls to half the threshold or fewer, so a count wobbling
    // around the threshold fires once. Episodes are followed from 3 windows before t0.
    std::vector<CountStep> alerts;
    std::vector<AlertEpisode> episodes; // overlapping [t0, t1), oldest first
    std::vector<PercentPoint> percent;  // from the first check in [t0, t1) at which the track has a state
    int maxBinOpens = 0;
    int maxRolling = 0;

    // `lastRunUntil` extends the current run, as TrackHistory::runs() does (pass "now" for a live view).
    static FlapSeries compute(const TrackHistory &track, std::int64_t t0, std::int64_t t1,
                              const FlapSeriesOptions &options = {}, std::int64_t lastRunUntil = 0);

    // A bar width that keeps bars at least `minBarPx` wide on a plot `widthPx` wide: 1, 2, 5, 10, 15, 30 or 60 min.
    static std::int64_t binFor(std::int64_t spanMs, int widthPx, int minBarPx = 4);
};

} // namespace bw
