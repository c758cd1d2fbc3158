#include "whatif/whatifengine.h"

#include "breaker/circuitbreaker.h"
#include "flapping/opensinwindowdetector.h"

#include <QElapsedTimer>

#include <algorithm>
#include <thread>

namespace bw {

namespace {

constexpr std::size_t kChunk = 16 * 1024; // 256 KiB of events: stays in L2 while every breaker walks it

struct Lane
{
    explicit Lane(const BreakerPolicy &policy) : breaker(policy) {}
    CircuitBreaker breaker;
    std::int64_t rejected = 0;
    std::int64_t goodRejected = 0;
    std::int64_t failedLetThrough = 0;
    std::vector<Transition> transitions;
};

// The hot loop. Branch-free accounting; the breaker's own fast path does the rest.
void feed(Lane &lane, const CallOutcome *begin, const CallOutcome *end)
{
    CircuitBreaker &breaker = lane.breaker;
    std::int64_t rejected = 0;
    std::int64_t goodRejected = 0;
    std::int64_t failedLetThrough = 0;
    for (const CallOutcome *call = begin; call != end; ++call) {
        const bool admitted = breaker.onCall(call->t, call->ok, call->latencyMs);
        rejected += !admitted;
        goodRejected += !admitted & call->ok;
        failedLetThrough += admitted & !call->ok;
    }
    lane.rejected += rejected;
    lane.goodRejected += goodRejected;
    lane.failedLetThrough += failedLetThrough;
    if (!breaker.transitions().empty()) {
        lane.transitions.insert(lane.transitions.end(), breaker.transitions().begin(), breaker.transitions().end());
        breaker.clearTransitions();
    }
}

BreakerState stateAt(const std::vector<Transition> &transitions, std::int64_t t)
{
    // State after every transition at or before t.
    const auto after = std::upper_bound(transitions.begin(), transitions.end(), t,
                                        [](std::int64_t value, const Transition &tr) { return value < tr.t; });
    if (after == transitions.begin())
        return transitions.empty() ? BreakerState::Closed : transitions.front().from;
    return std::prev(after)->to;
}

} // namespace

void summariseTransitions(const std::vector<Transition> &transitions, std::int64_t endT, const WhatIfOptions &options,
                          WhatIfMetrics &metrics)
{
    metrics.transitions = static_cast<std::int64_t>(transitions.size());
    OpensInWindowDetector flapping(options.flapping);
    for (std::size_t i = 0; i < transitions.size(); ++i) {
        const Transition &tr = transitions[i];
        const std::int64_t until = i + 1 < transitions.size() ? transitions[i + 1].t : endT;
        const std::int64_t span = std::max<std::int64_t>(0, until - tr.t);
        if (tr.to == BreakerState::Open) {
            ++metrics.opens;
            flapping.recordOpen(tr.t);
        }
        if (rejectsAll(tr.to))
            metrics.openMs += span;
        else if (tr.to == BreakerState::HalfOpen)
            metrics.halfOpenMs += span;
    }
    metrics.flappingEpisodes = flapping.episodes();
    metrics.finalState = transitions.empty() ? BreakerState::Closed : transitions.back().to;

    metrics.outages = static_cast<int>(options.outages.size());
    double detectionSum = 0;
    double recoverySum = 0;
    for (const Outage &outage : options.outages) {
        // Detection: already open at the start, or the first open within the outage.
        std::optional<std::int64_t> detection;
        if (rejectsAll(stateAt(transitions, outage.start))) {
            detection = 0;
        } else {
            for (const Transition &tr : transitions) {
                if (tr.t < outage.start)
                    continue;
                if (tr.t > outage.end)
                    break;
                if (tr.to == BreakerState::Open) {
                    detection = tr.t - outage.start;
                    break;
                }
            }
        }
        if (detection) {
            ++metrics.outagesDetected;
            detectionSum += static_cast<double>(*detection);
            metrics.maxDetectionDelayMs = std::max(metrics.maxDetectionDelayMs.value_or(0), *detection);
        }
        // Recovery: from the end of the outage until the breaker is closed again.
        std::optional<std::int64_t> recovery;
        if (stateAt(transitions, outage.end) == BreakerState::Closed) {
            recovery = 0;
        } else {
            for (const Transition &tr : transitions) {
                if (tr.t >= outage.end && tr.to == BreakerState::Closed) {
                    recovery = tr.t - outage.end;
                    break;
                }
            }
        }
        if (recovery) {
            ++metrics.outagesRecovered;
            recoverySum += static_cast<double>(*recovery);
            metrics.maxRecoveryDelayMs = std::max(metrics.maxRecoveryDelayMs.value_or(0), *recovery);
        }
    }
    if (metrics.outagesDetected > 0)
        metrics.meanDetectionDelayMs = detectionSum / metrics.outagesDetected;
    if (metrics.outagesRecovered > 0)
        metrics.meanRecoveryDelayMs = recoverySum / metrics.outagesRecovered;
}

WhatIfRun runWhatIf(const EventStream &stream, const std::vector<WhatIfCandidate> &candidates,
                    const WhatIfOptions &options)
{
    WhatIfRun run;
    run.results.resize(candidates.size());
    if (candidates.empty())
        return run;

    const unsigned hardware = std::max(1u, std::thread::hardware_concurrency());
    const unsigned wanted = options.threads > 0 ? static_cast<unsigned>(options.threads) : hardware;
    const unsigned threadCount = std::min<unsigned>(wanted, static_cast<unsigned>(candidates.size()));

    std::vector<std::unique_ptr<Lane>> lanes;
    lanes.reserve(candidates.size());
    for (const WhatIfCandidate &candidate : candidates)
        lanes.push_back(std::make_unique<Lane>(candidate.policy));

    const CallOutcome *const data = stream.events.data();
    const std::size_t total = stream.events.size();
    std::atomic_bool cancelled = false;
    std::atomic<std::int64_t> chunksDone = 0;
    const std::int64_t chunkCount =
        static_cast<std::int64_t>((total + kChunk - 1) / kChunk) * static_cast<std::int64_t>(threadCount);

    auto work = [&](unsigned worker) {
        for (std::size_t begin = 0; begin < total; begin += kChunk) {
            if (options.cancel && options.cancel->load(std::memory_order_relaxed)) {
                cancelled = true;
                return;
            }
            const std::size_t end = std::min(total, begin + kChunk);
            for (std::size_t lane = worker; lane < lanes.size(); lane += threadCount) {
                // A big sweep spends long in one chunk: look at the flag between lanes too (a relaxed load).
                if (options.cancel && options.cancel->load(std::memory_order_relaxed)) {
                    cancelled = true;
                    return;
                }
                feed(*lanes[lane], data + begin, data + end);
            }
            const std::int64_t done = ++chunksDone;
            if (options.progress)
                options.progress(static_cast<double>(done) /
                                 static_cast<double>(std::max<std::int64_t>(1, chunkCount)));
        }
    };

    QElapsedTimer timer;
    timer.start();
    if (threadCount == 1) {
        work(0);
    } else {
        std::vector<std::thread> threads;
        threads.reserve(threadCount);
        for (unsigned worker = 0; worker < threadCount; ++worker)
            threads.emplace_back(work, worker);
        for (std::thread &thread : threads)
            thread.join();
    }
    run.wallMs = static_cast<double>(timer.nsecsElapsed()) / 1e6;
    run.cancelled = cancelled;

    for (std::size_t i = 0; i < candidates.size(); ++i) {
        Lane &lane = *lanes[i];
        WhatIfResult &result = run.results[i];
        result.label = candidates[i].label;
        result.policy = candidates[i].policy;
        WhatIfMetrics &m = result.metrics;
        m.events = static_cast<std::int64_t>(total);
        m.rejected = lane.rejected;
        m.admitted = m.events - m.rejected;
        m.goodRejected = lane.goodRejected;
        m.failedLetThrough = lane.failedLetThrough;
        summariseTransitions(lane.transitions, stream.lastT(), options, m);
        m.finalState = lane.breaker.state();
        if (options.keepTransitions)
            result.transitions = std::move(lane.transitions);
    }
    return run;
}

} // namespace bw
