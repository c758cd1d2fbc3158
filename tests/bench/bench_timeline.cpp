// The display store and the state timeline on a fleet of 500 services with 24 h of 1 s history:
//
//   bench_timeline [--services=N] [--hours=H] [--smoke] [--no-verify] [Google Benchmark flags]
//
// Before the benchmarks it builds the history with bw::SyntheticFleet (seeded: mostly closed, 6 % of the services
// with flapping episodes, 60 % with a real breaker beside the simulated one, three series each: error rate,
// latency, p95) and prints one JSON line: build time, bytes per service-hour by the store's own count
// (FleetHistory::memoryBytes, capacities) and by the allocator (mallinfo2 before/after).
//
// BM_Repaint/<rows>/<span>   TimelineView::paintTimeline into a reused 1920x1080 QImage, offscreen, as a paint
//                            event would; p50_ms/p99_ms over the iterations (each one timed). <rows>: "fleet" is the
//                            first screenful of the 500-service fleet, "all_flapping" a fleet whose every visible
//                            service is flapping (the worst case for runs per pixel).
// BM_LiveTick                one live tick of the generator: a sample of each of the three series and a state of
//                            each breaker for every service, into the full 24 h store; p50_us/p99_us per tick and
//                            per service. Includes the generator's own work (random numbers, its breaker model).
// BM_StoreTick               the same appends with precomputed values: the store alone.
// BM_DayChart                FleetHistory::buckets() of 24 h at 1920 points for one series of every service.
//
// --smoke (ctest): 20 services, 1 h, a few iterations. A cross-check runs first: a 24 h query must count every
// sample of the span exactly once (exit 1 otherwise).

#include "benchsupport.h"

#include "demo/syntheticfleet.h"
#include "history/fleethistory.h"
#include "timeline/timelineview.h"

#include <benchmark/benchmark.h>

#include <QApplication>
#include <QImage>
#include <QPainter>

#include <malloc.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace {

constexpr std::int64_t kHour = 3'600'000;
constexpr std::int64_t kEnd = 1'700'000'000'000; // "now" of the benchmark: the end of the history
const QSize kScreen(1920, 1080);

bwbench::Options g_options;
int g_services = 500;
int g_hours = 24;

struct Fleet
{
    std::unique_ptr<bw::SyntheticFleet> generator;
    std::unique_ptr<bw::FleetHistory> history;
    std::int64_t now = kEnd;
    double buildSeconds = 0;
    std::size_t allocatorBytes = 0;
};

Fleet build(int services, int hours, double flappingShare)
{
    Fleet fleet;
    bw::SyntheticFleet::Options options;
    options.services = services;
    options.seed = 7;
    options.flappingShare = flappingShare;
    options.startMs = kEnd - hours * kHour;
    const std::size_t before = mallinfo2().uordblks;
    const auto start = std::chrono::steady_clock::now();
    fleet.generator = std::make_unique<bw::SyntheticFleet>(options);
    fleet.history = std::make_unique<bw::FleetHistory>(services);
    fleet.generator->fill(*fleet.history, options.startMs, kEnd);
    fleet.buildSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    fleet.allocatorBytes = mallinfo2().uordblks - before;
    return fleet;
}

Fleet &mainFleet()
{
    static Fleet fleet = build(g_services, g_hours, 0.06);
    return fleet;
}

Fleet &flappingFleet()
{
    // Only a screenful: every one of them flapping.
    static Fleet fleet = build(std::min(g_services, 30), g_hours, 1.0);
    return fleet;
}

// CPU time of this thread: unlike wall time, not inflated when other processes take the cores.
double threadCpuMs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

double percentile(std::vector<double> values, double p)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    const auto i = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
    return values[std::min(i, values.size() - 1)];
}

void BM_Repaint(benchmark::State &state, bool allFlapping, std::int64_t spanMs)
{
    Fleet &fleet = allFlapping ? flappingFleet() : mainFleet();
    bw::TimelineView view(fleet.history.get(), [&fleet] { return fleet.now; });
    view.setServiceNames(fleet.generator->names());
    view.setUtcOffsetSeconds(0);
    view.resize(kScreen);
    view.setSpan(spanMs);
    view.setSelectedService(2);
    QImage image(kScreen, QImage::Format_ARGB32_Premultiplied);
    // The first paint fills the glyph caches; reported apart, not in the percentiles.
    const auto coldStart = std::chrono::steady_clock::now();
    {
        QPainter painter(&image);
        view.paintTimeline(painter, kScreen);
    }
    const double firstMs =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - coldStart).count();
    std::vector<double> ms;
    std::vector<double> cpuMs;
    for (auto _ : state) {
        const auto start = std::chrono::steady_clock::now();
        const double cpuStart = threadCpuMs();
        {
            QPainter painter(&image);
            view.paintTimeline(painter, kScreen);
        }
        cpuMs.push_back(threadCpuMs() - cpuStart);
        ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
        benchmark::DoNotOptimize(image.constBits());
    }
    state.counters["p50_ms"] = percentile(ms, 0.50);
    state.counters["p99_ms"] = percentile(ms, 0.99);
    state.counters["cpu_p99_ms"] = percentile(cpuMs, 0.99);
    state.counters["max_ms"] = percentile(ms, 1.0);
    state.counters["first_ms"] = firstMs;
    const bw::TimelineLayout layout(kScreen, view.fontMetrics().height());
    const auto [first, last] = layout.visibleRows(view.rowCount());
    state.counters["rows_painted"] = last - first;
}

void BM_LiveTick(benchmark::State &state)
{
    Fleet &fleet = mainFleet();
    std::vector<double> us;
    std::vector<double> cpuUs;
    for (auto _ : state) {
        fleet.now += 1'000;
        const auto start = std::chrono::steady_clock::now();
        const double cpuStart = threadCpuMs();
        fleet.generator->tick(*fleet.history, fleet.now);
        cpuUs.push_back((threadCpuMs() - cpuStart) * 1e3);
        us.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count());
    }
    state.counters["p50_us"] = percentile(us, 0.50);
    state.counters["p99_us"] = percentile(us, 0.99);
    state.counters["cpu_p99_us"] = percentile(cpuUs, 0.99);
    state.counters["p50_us_per_service"] = percentile(us, 0.50) / g_services;
    state.counters["services"] = g_services;
}

// The store alone: the same appends as a tick with precomputed values, states repeated except for one change in
// a thousand (with a reason text), so no generator work is timed.
void BM_StoreTick(benchmark::State &state)
{
    Fleet &fleet = mainFleet();
    bwbench::Rng rng(11);
    std::vector<double> values(4096);
    for (double &v : values)
        v = rng.uniform(0, 400);
    const QString reasons[] = {QStringLiteral("failure rate 75% >= 50% over the last 20 calls"),
                               QStringLiteral("open for 30 s: trying a probe"), QStringLiteral("probe call failed"),
                               QStringLiteral("3 of 3 probe calls succeeded")};
    const bw::BreakerState cycle[] = {bw::BreakerState::Open, bw::BreakerState::HalfOpen, bw::BreakerState::Open,
                                      bw::BreakerState::Closed};
    std::size_t k = 0;
    std::vector<double> us;
    std::vector<double> cpuUs;
    for (auto _ : state) {
        fleet.now += 1'000;
        const auto start = std::chrono::steady_clock::now();
        const double cpuStart = threadCpuMs();
        for (int i = 0; i < g_services; ++i) {
            bw::FleetHistory &h = *fleet.history;
            h.appendSample(i, bw::SeriesKind::ErrorRate, fleet.now, values[k++ & 4095] / 4);
            h.appendSample(i, bw::SeriesKind::Latency, fleet.now, values[k++ & 4095]);
            h.appendSample(i, bw::SeriesKind::LatencyP95, fleet.now, values[k++ & 4095] * 3);
            for (const auto track : {bw::TrackKind::Simulated, bw::TrackKind::Observed}) {
                if (track == bw::TrackKind::Observed && !fleet.generator->hasObserved(i))
                    continue;
                const auto current = h.service(i).track(track).currentState().value_or(bw::BreakerState::Closed);
                if (++k % 1000 == 0) {
                    const int step = static_cast<int>(k / 1000 % 4);
                    h.appendState(i, track, fleet.now, cycle[step], reasons[step]);
                } else {
                    h.appendState(i, track, fleet.now, current);
                }
            }
        }
        cpuUs.push_back((threadCpuMs() - cpuStart) * 1e3);
        us.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count());
    }
    state.counters["p50_us"] = percentile(us, 0.50);
    state.counters["p99_us"] = percentile(us, 0.99);
    state.counters["cpu_p99_us"] = percentile(cpuUs, 0.99);
    state.counters["p50_us_per_service"] = percentile(us, 0.50) / g_services;
}

void BM_DayChart(benchmark::State &state)
{
    Fleet &fleet = mainFleet();
    std::size_t points = 0;
    for (auto _ : state) {
        for (int i = 0; i < g_services; ++i) {
            const auto buckets =
                fleet.history->buckets(i, bw::SeriesKind::Latency, fleet.now - g_hours * kHour, fleet.now, 1920);
            points += buckets.size();
            benchmark::DoNotOptimize(buckets.data());
        }
    }
    state.counters["points_per_service"] =
        static_cast<double>(points) / static_cast<double>(state.iterations()) / g_services;
}

bool verify()
{
    Fleet &fleet = mainFleet();
    const std::int64_t span = std::min<std::int64_t>(g_hours * kHour, 24 * kHour);
    for (int i = 0; i < g_services; i += std::max(1, g_services / 10)) {
        std::uint64_t samples = 0;
        for (const auto &p : fleet.history->buckets(i, bw::SeriesKind::ErrorRate, fleet.now - span, fleet.now, 1920))
            samples += p.count;
        if (samples != static_cast<std::uint64_t>(span / 1000)) {
            std::fprintf(stderr, "bench_timeline: service %d: a %lld ms query counted %llu samples, expected %lld\n", i,
                         static_cast<long long>(span), static_cast<unsigned long long>(samples),
                         static_cast<long long>(span / 1000));
            return false;
        }
    }
    return true;
}

void takeOwnFlags(int &argc, char **argv)
{
    int kept = 1;
    for (int i = 1; i < argc; ++i) {
        if (std::strncmp(argv[i], "--services=", 11) == 0)
            g_services = std::max(1, std::atoi(argv[i] + 11));
        else if (std::strncmp(argv[i], "--hours=", 8) == 0)
            g_hours = std::max(1, std::atoi(argv[i] + 8));
        else
            argv[kept++] = argv[i];
    }
    argc = kept;
    argv[argc] = nullptr;
}

} // namespace

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    takeOwnFlags(argc, argv);
    g_options = bwbench::takeOptions(argc, argv); // --events is accepted and ignored
    if (g_options.smoke) {
        g_services = std::min(g_services, 20);
        g_hours = 1;
    }
    QApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 2;

    const Fleet &fleet = mainFleet();
    const double serviceHours = static_cast<double>(g_services) * g_hours;
    std::size_t worst = 0;
    std::size_t worstRuns = 0;
    int flappingServices = 0;
    for (int i = 0; i < g_services; ++i) {
        const bw::ServiceHistory &service = fleet.history->service(i);
        if (service.memoryBytes() > worst) {
            worst = service.memoryBytes();
            worstRuns =
                service.track(bw::TrackKind::Simulated).runCount() + service.track(bw::TrackKind::Observed).runCount();
        }
        flappingServices += fleet.generator->isFlapping(i) ? 1 : 0;
    }
    std::printf("{\"services\":%d,\"flapping\":%d,\"hours\":%d,\"build_s\":%.2f,\"store_bytes\":%zu,"
                "\"bytes_per_service_hour\":%.0f,\"allocator_bytes_per_service_hour\":%.0f,"
                "\"worst_service_bytes_per_hour\":%.0f,\"worst_service_runs\":%zu}\n",
                g_services, flappingServices, g_hours, fleet.buildSeconds, fleet.history->memoryBytes(),
                static_cast<double>(fleet.history->memoryBytes()) / serviceHours,
                static_cast<double>(fleet.allocatorBytes) / serviceHours, static_cast<double>(worst) / g_hours,
                worstRuns);
    std::fflush(stdout);
    if (g_options.verify && !verify())
        return 1;

    const int repaints = g_options.smoke ? 3 : 300;
    const int ticks = g_options.smoke ? 5 : 2'000;
    for (const bool flapping : {false, true}) {
        for (const auto &[name, span] : {std::pair{"24h", 24 * kHour}, std::pair{"1h", kHour}}) {
            benchmark::RegisterBenchmark(
                (std::string("BM_Repaint/") + (flapping ? "all_flapping/" : "fleet/") + name).c_str(),
                [flapping, span = span](benchmark::State &state) { BM_Repaint(state, flapping, span); })
                ->Unit(benchmark::kMillisecond)
                ->UseRealTime()
                ->Iterations(repaints);
        }
    }
    benchmark::RegisterBenchmark("BM_LiveTick", BM_LiveTick)
        ->Unit(benchmark::kMicrosecond)
        ->UseRealTime()
        ->Iterations(ticks);
    benchmark::RegisterBenchmark("BM_StoreTick", BM_StoreTick)
        ->Unit(benchmark::kMicrosecond)
        ->UseRealTime()
        ->Iterations(ticks);
    auto *chart = benchmark::RegisterBenchmark("BM_DayChart", BM_DayChart)->Unit(benchmark::kMillisecond);
    if (g_options.smoke)
        chart->Iterations(1);

    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
