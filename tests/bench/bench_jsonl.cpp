// JSONL parse throughput of bw::JsonlReader::parse on an in-memory buffer of canonical lines
// ({"t":65000,"ok":false,"latency_ms":12.5}, as make-big-stream.js writes them).
//
//   bench_jsonl [--events=N | --in=FILE] [--smoke] [--no-verify] [Google Benchmark flags]
//
// bytes_per_second is input MB/s, items_per_second events/s. The parsed stream is checked against the
// generated one before measuring (exit 1 on any difference).

#include "benchsupport.h"

#include "events/jsonlreader.h"

#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdio>
#include <string>

namespace {

bwbench::Options g_options;

struct Input
{
    bw::EventStream events;
    std::string text;
};

const Input &input()
{
    static const Input data = [] {
        Input in;
        if (g_options.in.empty()) {
            in.events = bwbench::makeStream(g_options.events);
            in.text = bwbench::toJsonl(in.events);
        } else {
            in.text = bwbench::readText(g_options.in);
            in.events = bwbench::loadStream(g_options);
        }
        return in;
    }();
    return data;
}

void BM_JsonlParse(benchmark::State &state)
{
    const std::string &text = input().text;
    std::int64_t events = 0;
    for (auto _ : state) {
        auto parsed = bw::JsonlReader::parse(QByteArrayView(text.data(), static_cast<qsizetype>(text.size())));
        if (!parsed) {
            state.SkipWithError("parse failed");
            break;
        }
        events = parsed->size();
        benchmark::DoNotOptimize(parsed->events.data());
    }
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(text.size()));
    state.SetItemsProcessed(state.iterations() * events);
    state.counters["bytes_per_event"] =
        static_cast<double>(text.size()) / static_cast<double>(std::max<std::int64_t>(1, events));
}

bool verify()
{
    const Input &in = input();
    auto parsed = bw::JsonlReader::parse(QByteArrayView(in.text.data(), static_cast<qsizetype>(in.text.size())));
    if (!parsed) {
        std::fprintf(stderr, "bench_jsonl: parse failed: %s\n", qPrintable(parsed.error()));
        return false;
    }
    if (parsed->size() != in.events.size()) {
        std::fprintf(stderr, "bench_jsonl: parsed %lld events, generated %lld\n",
                     static_cast<long long>(parsed->size()), static_cast<long long>(in.events.size()));
        return false;
    }
    for (std::size_t i = 0; i < in.events.events.size(); ++i) {
        const bw::CallOutcome &a = in.events.events[i];
        const bw::CallOutcome &b = parsed->events[i];
        if (a.t != b.t || a.ok != b.ok || std::fabs(a.latencyMs - b.latencyMs) > 0.05F) {
            std::fprintf(stderr, "bench_jsonl: event %zu differs after the round trip\n", i);
            return false;
        }
    }
    std::fprintf(stderr, "bench_jsonl: %lld events, %.1f MB of JSONL\n", static_cast<long long>(in.events.size()),
                 static_cast<double>(in.text.size()) / 1e6);
    return true;
}

} // namespace

int main(int argc, char **argv)
{
    g_options = bwbench::takeOptions(argc, argv);
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 2;
    if (g_options.verify && !verify())
        return 1;

    auto *b = benchmark::RegisterBenchmark("BM_JsonlParse", BM_JsonlParse);
    b->Unit(benchmark::kMillisecond)->UseRealTime();
    if (g_options.smoke)
        b->Iterations(1);

    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
