#include "charts/flapseries.h"

#include "alerts/alerttracker.h"
#include "flapping/percentstatechange.h"

#include <QString>

#include <algorithm>
#include <array>
#include <limits>
#include <optional>

using namespace Qt::StringLiterals;

namespace bw {

namespace {

std::int64_t floorTo(std::int64_t t, std::int64_t step)
{
    const std::int64_t r = t % step;
    return r < 0 ? t - r - step : t - r;
}

std::int64_t ceilTo(std::int64_t t, std::int64_t step)
{
    const std::int64_t f = floorTo(t, step);
    return f == t ? t : f + step;
}

// Opens in (t - window, t] as a step function, and where AlertTracker would fire its flapping alert.
void rollingCount(const std::vector<std::int64_t> &opens, std::int64_t from, std::int64_t t0, std::int64_t t1,
                  const FlapSeriesOptions &options, FlapSeries &out)
{
    AlertTracker tracker(AlertTracker::Rules{.flapping = options.flapping});
    const QString key = u"chart"_s;
    int count = 0;
    std::optional<std::int64_t> episodeStart;
    std::size_t entering = 0; // next open to enter the window
    std::size_t leaving = 0;  // next open to leave it (at open + window)
    auto record = [&](std::int64_t t) {
        if (t >= t0 && t < t1) {
            if (!out.rolling.empty() && out.rolling.back().t == t)
                out.rolling.back().count = count;
            else
                out.rolling.push_back({t, count});
            out.maxRolling = std::max(out.maxRolling, count);
        }
        for (const Alert &alert : tracker.update(key, AlertSource::Simulated, BreakerState::Closed, t, count, t)) {
            if (alert.kind != AlertKind::Flapping)
                continue;
            if (alert.active()) {
                if (t >= t0 && t < t1)
                    out.alerts.push_back({t, count});
                episodeStart = t;
            } else if (episodeStart && t > t0) {
                out.episodes.push_back({*episodeStart, std::min(t, t1), true});
                episodeStart.reset();
            } else {
                episodeStart.reset();
            }
        }
    };
    bool seenT0 = false;
    for (;;) {
        const std::int64_t nextIn =
            entering < opens.size() ? opens[entering] : std::numeric_limits<std::int64_t>::max();
        const std::int64_t nextOut = leaving < opens.size() ? opens[leaving] + options.flapping.windowMs
                                                            : std::numeric_limits<std::int64_t>::max();
        const std::int64_t t = std::min(nextIn, nextOut);
        if (!seenT0 && t >= t0) {
            record(t0); // the count holding at t0, before any change at or after it
            seenT0 = true;
        }
        if (t >= t1)
            break;
        while (entering < opens.size() && opens[entering] == t) {
            ++count;
            ++entering;
        }
        while (leaving < opens.size() && opens[leaving] + options.flapping.windowMs == t) {
            --count;
            ++leaving;
        }
        if (t >= from)
            record(t);
    }
    if (episodeStart)
        out.episodes.push_back({*episodeStart, t1, false});
}

void percentStateChange(const TrackHistory &track, std::int64_t t0, std::int64_t t1, std::int64_t lastRunUntil,
                        const FlapSeriesOptions &options, FlapSeries &out)
{
    const std::int64_t step = std::max<std::int64_t>(1, options.checkIntervalMs);
    PercentStateChange psc(options.percentLow, options.percentHigh, options.percentHistory);
    std::vector<PercentPoint> visible;
    // The history is warmed up with the checks before t0 so the first visible value is already a full window.
    for (std::int64_t t = ceilTo(t0 - static_cast<std::int64_t>(options.percentHistory - 1) * step, step); t < t1;
         t += step) {
        const std::optional<StateRun> run = track.runAt(t, lastRunUntil);
        if (!run)
            continue;
        psc.record(static_cast<int>(run->state));
        if (t >= t0)
            visible.push_back({t, psc.percent(), psc.isFlapping()});
    }
    const std::size_t maxPoints = static_cast<std::size_t>(std::max(1, options.maxPercentPoints));
    if (visible.size() <= maxPoints) {
        out.percent = std::move(visible);
        return;
    }
    // Keep the peak of each group where it happened, so a short burst of flapping stays visible at any span.
    const std::size_t group = (visible.size() + maxPoints - 1) / maxPoints;
    for (std::size_t i = 0; i < visible.size(); i += group) {
        const auto end = visible.begin() + static_cast<std::ptrdiff_t>(std::min(visible.size(), i + group));
        const auto begin = visible.begin() + static_cast<std::ptrdiff_t>(i);
        PercentPoint peak = *std::max_element(
            begin, end, [](const PercentPoint &a, const PercentPoint &b) { return a.percent < b.percent; });
        peak.flapping = std::any_of(begin, end, [](const PercentPoint &p) { return p.flapping; });
        out.percent.push_back(peak);
    }
}

} // namespace

FlapSeries FlapSeries::compute(const TrackHistory &track, std::int64_t t0, std::int64_t t1,
                               const FlapSeriesOptions &options, std::int64_t lastRunUntil)
{
    FlapSeries out;
    out.t0 = t0;
    out.t1 = t1;
    out.binMs = std::max<std::int64_t>(1, options.binMs);
    if (t1 <= t0)
        return out;

    const std::int64_t window = std::max<std::int64_t>(1, options.flapping.windowMs);
    const std::int64_t warmStart = t0 - 3 * window;
    std::vector<std::int64_t> allOpens;
    for (const TrackTransition &transition : track.transitions(warmStart, t1)) {
        if (transition.to == BreakerState::Open)
            allOpens.push_back(transition.t);
    }

    const std::int64_t firstBin = floorTo(t0, out.binMs);
    out.bins.reserve(static_cast<std::size_t>((t1 - firstBin + out.binMs - 1) / out.binMs));
    for (std::int64_t start = firstBin; start < t1; start += out.binMs)
        out.bins.push_back({start, 0});
    for (const std::int64_t t : allOpens) {
        if (t < t0)
            continue;
        out.opens.push_back(t);
        OpenBin &bin = out.bins[static_cast<std::size_t>((t - firstBin) / out.binMs)];
        ++bin.opens;
        out.maxBinOpens = std::max(out.maxBinOpens, bin.opens);
    }

    FlapSeriesOptions rules = options;
    rules.flapping.windowMs = window;
    rollingCount(allOpens, warmStart, t0, t1, rules, out);
    percentStateChange(track, t0, t1, lastRunUntil, options, out);
    return out;
}

std::int64_t FlapSeries::binFor(std::int64_t spanMs, int widthPx, int minBarPx)
{
    static constexpr std::array<std::int64_t, 7> kMinutes = {1, 2, 5, 10, 15, 30, 60};
    const std::int64_t maxBins = std::max<std::int64_t>(1, widthPx / std::max(1, minBarPx));
    for (const std::int64_t minutes : kMinutes) {
        if (spanMs / (minutes * 60'000) <= maxBins)
            return minutes * 60'000;
    }
    return kMinutes.back() * 60'000;
}

} // namespace bw
