// Replay-loop throughput of the breaker engine on a synthetic 10M-event stream.
//
//   bench_replay [--events=N | --in=FILE] [--smoke] [--no-verify] [Google Benchmark flags]
//
// BM_ReplayLoop/<family>/<case>   runWhatIf with one candidate on one thread: the loop `replay` runs
// BM_RawOnCall/<family>/<case>    the same events fed straight to CircuitBreaker::onCall
// BM_SixteenPolicies/threads:T    16 different policies over the stream in one runWhatIf call
//
// items_per_second is events (BM_SixteenPolicies: policy-events) per second of wall time.
// Before measuring, every case is cross-checked (runWhatIf against the raw loop, 2 threads against 1);
// a mismatch exits with status 1 so the ctest smoke entry fails.
// The default stream is bwbench::makeStream (benchsupport.h): seeded, 2-5 % failures, outages, slow calls.

#include "benchsupport.h"

#include "breaker/circuitbreaker.h"
#include "breaker/presetcatalog.h"
#include "whatif/whatifengine.h"

#include <benchmark/benchmark.h>

#include <cstdio>
#include <string>
#include <vector>

using namespace Qt::StringLiterals;

namespace {

struct Case
{
    std::string family; // consecutive | count | time
    std::string name;
    QString preset;
    bw::ParameterValues overrides;
};

const std::vector<Case> &singleCases()
{
    static const std::vector<Case> cases = {
        {"consecutive", "cockatiel-consecutive", u"cockatiel-consecutive"_s, {}},
        {"consecutive", "classic", u"classic"_s, {}},
        {"consecutive", "gobreaker", u"gobreaker"_s, {}},
        {"count", "cockatiel-count", u"cockatiel-count"_s, {}},
        {"count", "resilience4j", u"resilience4j"_s, {}}, // COUNT_BASED, the default
        {"count", "multi-signal", u"multi-signal"_s, {}},
        {"time", "opossum", u"opossum"_s, {}},
        {"time", "cockatiel-sampling", u"cockatiel-sampling"_s, {}},
        {"time", "hystrix", u"hystrix"_s, {}},
        {"time", "resilience4j-time", u"resilience4j"_s, {{u"slidingWindowType"_s, u"TIME_BASED"_s}}},
        {"time", "polly", u"polly"_s, {}},
    };
    return cases;
}

// A realistic what-if comparison: every library family plus tuned variants. Interleaved so that the
// round-robin split of runWhatIf gives both threads a similar mix of cheap and costly windows.
const std::vector<Case> &sixteenCases()
{
    static const std::vector<Case> cases = {
        {"time", "opossum", u"opossum"_s, {}},
        {"consecutive", "cockatiel-consecutive", u"cockatiel-consecutive"_s, {}},
        {"time", "cockatiel-sampling", u"cockatiel-sampling"_s, {}},
        {"count", "cockatiel-count", u"cockatiel-count"_s, {}},
        {"count", "resilience4j", u"resilience4j"_s, {}},
        {"time", "resilience4j-time", u"resilience4j"_s, {{u"slidingWindowType"_s, u"TIME_BASED"_s}}},
        {"time", "polly", u"polly"_s, {}},
        {"time", "hystrix", u"hystrix"_s, {}},
        {"consecutive", "gobreaker", u"gobreaker"_s, {}},
        {"count", "multi-signal", u"multi-signal"_s, {}},
        {"consecutive", "classic", u"classic"_s, {}},
        {"count", "payment", u"payment"_s, {}},
        {"consecutive", "circuitbreaker-py", u"circuitbreaker-py"_s, {}},
        {"count", "breakerwatch", u"breakerwatch"_s, {}},
        {"time",
         "breakerwatch-time-exp",
         u"breakerwatch"_s,
         {{u"window"_s, u"time"_s}, {u"backoff"_s, u"exponential"_s}, {u"consecutiveFailures"_s, 10}}},
        {"time",
         "opossum-tight",
         u"opossum"_s,
         {{u"errorThresholdPercentage"_s, 30.0},
          {u"volumeThreshold"_s, 10},
          {u"rollingCountTimeout"_s, 5000},
          {u"rollingCountBuckets"_s, 5},
          {u"resetTimeout"_s, 8000}}},
    };
    return cases;
}

bw::BreakerPolicy policyFor(const Case &c)
{
    const auto policy = bw::PresetCatalog{}.build(c.preset, c.overrides);
    if (!policy) {
        std::fprintf(stderr, "bench_replay: %s: %s\n", c.name.c_str(), qPrintable(policy.error()));
        std::exit(2);
    }
    return *policy;
}

std::vector<bw::WhatIfCandidate> candidatesFor(const std::vector<Case> &cases)
{
    std::vector<bw::WhatIfCandidate> out;
    for (const Case &c : cases)
        out.push_back({QString::fromStdString(c.name), policyFor(c)});
    return out;
}

bwbench::Options g_options;

const bw::EventStream &stream()
{
    static const bw::EventStream events = bwbench::loadStream(g_options);
    return events;
}

struct RawResult
{
    std::int64_t rejected = 0;
    std::int64_t failedLetThrough = 0;
    std::int64_t transitions = 0;
};

// The plainest possible driver of the engine: one breaker, one pass, nothing else.
RawResult rawReplay(const bw::BreakerPolicy &policy, const bw::EventStream &events)
{
    bw::CircuitBreaker breaker(policy);
    std::int64_t admitted = 0;
    std::int64_t failedLetThrough = 0;
    for (const bw::CallOutcome &call : events.events) {
        const bool ok = breaker.onCall(call.t, call.ok, call.latencyMs);
        admitted += ok;
        failedLetThrough += ok & !call.ok;
    }
    return {events.size() - admitted, failedLetThrough, static_cast<std::int64_t>(breaker.transitions().size())};
}

bw::WhatIfRun whatIf(const std::vector<bw::WhatIfCandidate> &candidates, int threads)
{
    bw::WhatIfOptions options;
    options.threads = threads;
    return bw::runWhatIf(stream(), candidates, options);
}

void BM_ReplayLoop(benchmark::State &state, const Case &c)
{
    const std::vector<bw::WhatIfCandidate> candidates{{QString::fromStdString(c.name), policyFor(c)}};
    const bw::EventStream &events = stream();
    double loopMs = 0;
    std::int64_t transitions = 0;
    for (auto _ : state) {
        const bw::WhatIfRun run = whatIf(candidates, 1);
        loopMs += run.wallMs;
        transitions = run.results.front().metrics.transitions;
        benchmark::DoNotOptimize(run.results.front().metrics.rejected);
    }
    const double items = static_cast<double>(state.iterations()) * static_cast<double>(events.size());
    state.SetItemsProcessed(static_cast<std::int64_t>(items));
    state.counters["loop_ev_per_s"] = loopMs > 0 ? items / (loopMs / 1000.0) : 0; // run.wallMs: the loop only
    state.counters["transitions"] = static_cast<double>(transitions);
}

void BM_RawOnCall(benchmark::State &state, const Case &c)
{
    const bw::BreakerPolicy policy = policyFor(c);
    const bw::EventStream &events = stream();
    std::int64_t transitions = 0;
    for (auto _ : state) {
        const RawResult result = rawReplay(policy, events);
        transitions = result.transitions;
        benchmark::DoNotOptimize(result.rejected);
    }
    state.SetItemsProcessed(state.iterations() * events.size());
    state.counters["transitions"] = static_cast<double>(transitions);
}

void BM_SixteenPolicies(benchmark::State &state, int threads)
{
    const std::vector<bw::WhatIfCandidate> candidates = candidatesFor(sixteenCases());
    const bw::EventStream &events = stream();
    double loopMs = 0;
    for (auto _ : state) {
        const bw::WhatIfRun run = whatIf(candidates, threads);
        loopMs += run.wallMs;
        benchmark::DoNotOptimize(run.results.back().metrics.rejected);
    }
    state.SetItemsProcessed(state.iterations() * events.size() * static_cast<std::int64_t>(candidates.size()));
    state.counters["loop_ms"] = loopMs / static_cast<double>(state.iterations());
    state.counters["policies"] = static_cast<double>(candidates.size());
}

// Every figure is only worth something if the engine computed the right thing: the what-if loop must
// agree with the raw loop, and the 2-thread split with the 1-thread run.
bool verify()
{
    bool good = true;
    std::fprintf(stderr, "bench_replay: %lld events, %.1f simulated hours\n", static_cast<long long>(stream().size()),
                 static_cast<double>(stream().lastT()) / 3.6e6);
    for (const Case &c : singleCases()) {
        const bw::BreakerPolicy policy = policyFor(c);
        const RawResult raw = rawReplay(policy, stream());
        const bw::WhatIfRun run = whatIf({{QString::fromStdString(c.name), policy}}, 1);
        const bw::WhatIfMetrics &m = run.results.front().metrics;
        const bool same = raw.rejected == m.rejected && raw.failedLetThrough == m.failedLetThrough &&
                          raw.transitions == m.transitions;
        std::fprintf(stderr, "  %-12s %-22s transitions %7lld  opens %6lld  rejected %9lld%s\n", c.family.c_str(),
                     c.name.c_str(), static_cast<long long>(m.transitions), static_cast<long long>(m.opens),
                     static_cast<long long>(m.rejected), same ? "" : "  MISMATCH with the raw onCall loop");
        good = good && same;
    }
    const std::vector<bw::WhatIfCandidate> candidates = candidatesFor(sixteenCases());
    const bw::WhatIfRun one = whatIf(candidates, 1);
    const bw::WhatIfRun two = whatIf(candidates, 2);
    for (std::size_t i = 0; i < candidates.size(); ++i) {
        const bw::WhatIfMetrics &a = one.results[i].metrics;
        const bw::WhatIfMetrics &b = two.results[i].metrics;
        if (a.rejected != b.rejected || a.transitions != b.transitions || a.failedLetThrough != b.failedLetThrough ||
            a.openMs != b.openMs) {
            std::fprintf(stderr, "  MISMATCH: %s differs between 1 and 2 threads\n", qPrintable(candidates[i].label));
            good = false;
        }
    }
    return good;
}

} // namespace

int main(int argc, char **argv)
{
    g_options = bwbench::takeOptions(argc, argv);
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 2;
    if (g_options.verify && !verify()) {
        std::fprintf(stderr, "bench_replay: engine results disagree, not benchmarking\n");
        return 1;
    }

    auto configure = [](benchmark::internal::Benchmark *b) {
        b->Unit(benchmark::kMillisecond)->UseRealTime();
        if (g_options.smoke)
            b->Iterations(1);
    };
    for (const Case &c : singleCases())
        configure(benchmark::RegisterBenchmark(("BM_ReplayLoop/" + c.family + "/" + c.name).c_str(), BM_ReplayLoop, c));
    for (const Case &c : singleCases())
        configure(benchmark::RegisterBenchmark(("BM_RawOnCall/" + c.family + "/" + c.name).c_str(), BM_RawOnCall, c));
    for (const int threads : {1, 2})
        configure(benchmark::RegisterBenchmark(("BM_SixteenPolicies/threads:" + std::to_string(threads)).c_str(),
                                               BM_SixteenPolicies, threads));

    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
