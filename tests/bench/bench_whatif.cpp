// The what-if sweep the workbench runs: 100 grid points (two parameters, 10 x 10) over 24 h of one service polled
// every second (86,400 calls, bw::sampleHistory: three outages, a flapping stretch, a slow hour).
//
//   bench_whatif [--smoke] [--no-verify] [Google Benchmark flags]
//
// BM_SweepEngine/<preset>   runSweep() alone, both cores (the engine's own threads); wall time per sweep.
// BM_WorkbenchSweep         the whole thing as a user meets it, offscreen: WorkbenchWidget::sweep() to its
//                           batchFinished(), i.e. expanding the grid, the replay on the runner's worker thread, the
//                           Pareto front, the heat map and the trade-off chart. Meanwhile a 10 ms timer on the GUI
//                           thread measures how late the event loop serves it: gui_late_p99_ms and gui_late_max_ms
//                           say whether the UI stayed responsive. The cache is cleared before each iteration.
//
// --smoke (ctest): 1 h of history, one iteration. A cross-check runs first: the sweep's 100 results must be
// complete and the most sensitive point must open at least as often as the least sensitive one (exit 1 otherwise).

#include "benchsupport.h"

#include "breaker/presetcatalog.h"
#include "whatif/samplehistory.h"
#include "whatif/sweep.h"
#include "workbench/candidatelistmodel.h"
#include "workbench/workbenchwidget.h"

#include <benchmark/benchmark.h>

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QTimer>

#include <algorithm>
#include <cstdio>

using namespace Qt::StringLiterals;

namespace {

bwbench::Options g_options;

std::int64_t spanMs()
{
    return g_options.smoke ? 3'600'000 : 24 * 3'600'000;
}

const bw::ReplayHistory &history()
{
    static const bw::ReplayHistory h = bw::sampleHistory(0, 1, spanMs());
    return h;
}

struct Grid
{
    const char *preset;
    const char *first;
    const char *second;
};

const Grid kGrids[] = {
    {"resilience4j", "failureRateThreshold=10..100:10", "waitDurationInOpenState=5000..50000:5000"},
    {"opossum", "errorThresholdPercentage=10..100:10", "resetTimeout=5000..50000:5000"},
    {"cockatiel-consecutive", "threshold=1..10:1", "halfOpenAfter=5000..50000:5000"},
};

bw::SweepRequest request(const Grid &grid)
{
    bw::SweepRequest r;
    r.preset = QString::fromLatin1(grid.preset);
    r.axes.push_back(*bw::parseSweepAxis(QString::fromLatin1(grid.first)));
    r.axes.push_back(*bw::parseSweepAxis(QString::fromLatin1(grid.second)));
    return r;
}

void BM_SweepEngine(benchmark::State &state)
{
    const bw::PresetCatalog catalog;
    const Grid &grid = kGrids[state.range(0)];
    state.SetLabel(grid.preset);
    bw::WhatIfOptions options;
    options.outages = history().outages;
    std::int64_t opens = 0;
    for (auto _ : state) {
        auto sweep = bw::runSweep(history().stream, catalog, request(grid), options);
        opens = 0;
        for (const auto &p : sweep->points)
            opens += p.result.metrics.opens;
        benchmark::DoNotOptimize(opens);
    }
    state.counters["points"] = 100;
    state.counters["calls_per_point"] = static_cast<double>(history().stream.size());
    state.counters["opens_total"] = static_cast<double>(opens);
}

void BM_WorkbenchSweep(benchmark::State &state)
{
    bw::WorkbenchWidget workbench(bw::WorkbenchContext{nullptr, nullptr, nullptr, {}, [] { return 0LL; }});
    workbench.resize(1500, 900);
    workbench.show();
    bw::WorkbenchCandidate r4j;
    r4j.name = u"r4j"_s;
    r4j.preset = u"resilience4j"_s;
    r4j.values = bw::PresetCatalog{}.find(u"resilience4j"_s)->defaults();
    workbench.candidateModel()->setCurrent(r4j);
    workbench.setHistory(history());
    QCoreApplication::processEvents();

    std::vector<double> late;
    QElapsedTimer wall;
    for (auto _ : state) {
        state.PauseTiming();
        workbench.findChild<bw::WhatIfRunner *>()->clearCache();
        state.ResumeTiming();
        QEventLoop loop;
        QObject::connect(&workbench, &bw::WorkbenchWidget::batchFinished, &loop, &QEventLoop::quit);
        QTimer probe;
        probe.setTimerType(Qt::PreciseTimer);
        QElapsedTimer since;
        probe.callOnTimeout([&] {
            late.push_back(std::max(0.0, static_cast<double>(since.nsecsElapsed()) / 1e6 - 10.0));
            since.restart();
        });
        since.start();
        probe.start(10);
        wall.start();
        const bw::Status started =
            workbench.sweep(QString::fromLatin1(kGrids[0].first), QString::fromLatin1(kGrids[0].second));
        if (!started) {
            state.SkipWithError(started.error().toStdString().c_str());
            break;
        }
        loop.exec();
        probe.stop();
        state.SetIterationTime(static_cast<double>(wall.nsecsElapsed()) / 1e9);
    }
    std::sort(late.begin(), late.end());
    const auto at = [&late](double q) {
        return late.empty() ? 0.0 : late[std::min(late.size() - 1, static_cast<std::size_t>(q * late.size()))];
    };
    state.counters["gui_late_p50_ms"] = at(0.5);
    state.counters["gui_late_p99_ms"] = at(0.99);
    state.counters["gui_late_max_ms"] = late.empty() ? 0.0 : late.back();
    state.counters["gui_ticks"] = static_cast<double>(late.size());
}

bool verify()
{
    const bw::PresetCatalog catalog;
    bw::WhatIfOptions options;
    options.outages = history().outages;
    const auto sweep = bw::runSweep(history().stream, catalog, request(kGrids[0]), options);
    if (!sweep || sweep->points.size() != 100 || sweep->cancelled) {
        std::fprintf(stderr, "bench_whatif: the sweep did not give 100 complete points\n");
        return false;
    }
    const auto &sensitive = sweep->points.front().result.metrics; // threshold 10 %, 5 s open
    const auto &lax = sweep->points.back().result.metrics;        // threshold 100 %, 50 s open
    for (const auto &p : sweep->points) {
        if (p.result.metrics.events != history().stream.size()) {
            std::fprintf(stderr, "bench_whatif: a point saw %lld of %lld calls\n",
                         static_cast<long long>(p.result.metrics.events),
                         static_cast<long long>(history().stream.size()));
            return false;
        }
    }
    if (sensitive.opens < lax.opens || sensitive.opens == 0) {
        std::fprintf(stderr, "bench_whatif: a 10 %% threshold opened %lld times, a 100 %% one %lld times\n",
                     static_cast<long long>(sensitive.opens), static_cast<long long>(lax.opens));
        return false;
    }
    return true;
}

} // namespace

int main(int argc, char **argv)
{
    g_options = bwbench::takeOptions(argc, argv);
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 2;
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    if (g_options.verify && !verify())
        return 1;

    auto *engine = benchmark::RegisterBenchmark("BM_SweepEngine", BM_SweepEngine);
    engine->DenseRange(0, 2)->Unit(benchmark::kMillisecond)->UseRealTime();
    auto *gui = benchmark::RegisterBenchmark("BM_WorkbenchSweep", BM_WorkbenchSweep);
    gui->Unit(benchmark::kMillisecond)->UseManualTime();
    if (g_options.smoke) {
        engine->Iterations(1);
        gui->Iterations(1);
    }
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
