// The fleet wall at 5,000 breakers on a 1920x1080 screen, offscreen:
//
//   bench_fleetwall [--breakers=N] [--smoke] [Google Benchmark flags]
//
// The fleet is tests/support/syntheticwall.h's (seeded; grouped by team: 8 groups, about 2 % open, 1 % half-open,
// 1.5 % flapping, one service down on every instance), fed by hand into a ServiceTableModel.
//
// BM_Repaint    FleetWallView::render() of the whole widget into a reused 1920x1080 QImage, as a full repaint;
//               p50_ms/p99_ms over the iterations (each one timed). The first paint (cold glyph caches) apart.
// BM_LiveTick   one poll round: 5 % of the breakers (250) change state (closed <-> open, half-open...), each one a
//               ServiceTableModel::update() whose dataChanged the wall handles (reads the row, recounts its group,
//               queues its tile's rect). p50_us/p99_us per round. flush_p50_ms/flush_p99_ms: the partial repaint
//               the round causes when the event loop next runs (not in the tick's figures).
// BM_Relayout   a reset of the model and the wall's layout rebuilt from it (labels read, groups, tile rects).
//
// --smoke (ctest): a few iterations of each. A cross-check runs first: the layout must place every breaker inside
// the screen without scrolling (exit 1 otherwise).

#include "../support/syntheticwall.h"
#include "benchsupport.h"

#include "fleetwall/fleetwallview.h"
#include "models/servicetablemodel.h"

#include <benchmark/benchmark.h>

#include <QApplication>
#include <QImage>
#include <QPainter>
#include <QScrollBar>

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace {

using namespace Qt::StringLiterals;

constexpr std::int64_t kNow = 1'700'000'000'000;
const QSize kScreen(1920, 1080);

bwbench::Options g_options;
int g_breakers = 5000;

struct Wall
{
    bwtest::SyntheticWall synthetic;
    std::unique_ptr<bw::ServiceTableModel> model;
    std::unique_ptr<bw::FleetWallView> view;
};

// Made on first use, destroyed by main() while the QApplication still exists (widgets must not outlive it).
std::unique_ptr<Wall> g_wall;

Wall &wall()
{
    if (!g_wall)
        g_wall = std::make_unique<Wall>([] {
            Wall made;
            made.synthetic = bwtest::makeWall(g_breakers, kNow);
            made.model = std::make_unique<bw::ServiceTableModel>();
            made.model->setLabelsOf([labels = made.synthetic.labelsOfService](const bw::BreakerId &id) {
                return labels.value(id.service);
            });
            made.model->setBreakers(made.synthetic.statuses);
            made.view = std::make_unique<bw::FleetWallView>(made.model.get(), [] { return kNow; });
            made.view->setGroupLabel(u"team"_s);
            made.view->resize(kScreen);
            made.view->show();
            QApplication::processEvents();
            return made;
        }());
    return *g_wall;
}

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

double msSince(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

void BM_Repaint(benchmark::State &state)
{
    Wall &w = wall();
    QImage image(kScreen, QImage::Format_ARGB32_Premultiplied);
    const auto coldStart = std::chrono::steady_clock::now();
    w.view->render(&image);
    const double firstMs = msSince(coldStart);
    std::vector<double> ms;
    std::vector<double> cpuMs;
    for (auto _ : state) {
        const auto start = std::chrono::steady_clock::now();
        const double cpuStart = threadCpuMs();
        w.view->render(&image);
        cpuMs.push_back(threadCpuMs() - cpuStart);
        ms.push_back(msSince(start));
        benchmark::DoNotOptimize(image.constBits());
    }
    state.counters["p50_ms"] = percentile(ms, 0.50);
    state.counters["p99_ms"] = percentile(ms, 0.99);
    state.counters["cpu_p99_ms"] = percentile(cpuMs, 0.99);
    state.counters["max_ms"] = percentile(ms, 1.0);
    state.counters["first_ms"] = firstMs;
    state.counters["tiles_painted"] = w.view->lastPaintedTiles();
    state.counters["tile_px"] = w.view->wallLayout().tileSize();
}

void BM_LiveTick(benchmark::State &state)
{
    Wall &w = wall();
    const int changed = std::max(1, g_breakers / 20);
    bwbench::Rng rng(3);
    std::vector<bw::BreakerStatus> statuses = w.synthetic.statuses;
    const bw::BreakerState cycle[] = {bw::BreakerState::Open, bw::BreakerState::HalfOpen, bw::BreakerState::Closed};
    std::vector<double> us;
    std::vector<double> cpuUs;
    std::vector<double> flushMs;
    std::uint64_t round = 0;
    for (auto _ : state) {
        // Which breakers change, and to what, is chosen before the clock starts.
        state.PauseTiming();
        std::vector<std::size_t> picks(static_cast<std::size_t>(changed));
        for (std::size_t &i : picks) {
            i = static_cast<std::size_t>(rng.integer(0, static_cast<std::int64_t>(statuses.size()) - 1));
            statuses[i].state = cycle[(round + i) % 3];
            statuses[i].stateSinceMs = kNow + static_cast<std::int64_t>(round) * 1000;
        }
        ++round;
        state.ResumeTiming();
        const auto start = std::chrono::steady_clock::now();
        const double cpuStart = threadCpuMs();
        for (const std::size_t i : picks)
            w.model->update(statuses[i].id, statuses[i]);
        cpuUs.push_back((threadCpuMs() - cpuStart) * 1e3);
        us.push_back(msSince(start) * 1e3);
        state.PauseTiming();
        const auto flushStart = std::chrono::steady_clock::now();
        QApplication::processEvents(); // the partial repaint the round queued
        flushMs.push_back(msSince(flushStart));
        state.ResumeTiming();
    }
    state.counters["p50_us"] = percentile(us, 0.50);
    state.counters["p99_us"] = percentile(us, 0.99);
    state.counters["cpu_p99_us"] = percentile(cpuUs, 0.99);
    state.counters["flush_p50_ms"] = percentile(flushMs, 0.50);
    state.counters["flush_p99_ms"] = percentile(flushMs, 0.99);
    state.counters["updates_per_tick"] = changed;
}

void BM_Relayout(benchmark::State &state)
{
    Wall &w = wall();
    std::vector<double> ms;
    for (auto _ : state) {
        const auto start = std::chrono::steady_clock::now();
        w.model->setBreakers(w.synthetic.statuses);
        benchmark::DoNotOptimize(w.view->wallLayout().tileSize());
        ms.push_back(msSince(start));
    }
    state.counters["p50_ms"] = percentile(ms, 0.50);
    state.counters["p99_ms"] = percentile(ms, 0.99);
    QApplication::processEvents();
}

bool verify()
{
    Wall &w = wall();
    const bw::FleetWallLayout &layout = w.view->wallLayout();
    const QRect screen = w.view->viewport()->rect();
    if (!layout.fits() || layout.tileCount() != g_breakers || w.view->verticalScrollBar()->maximum() != 0) {
        std::fprintf(stderr, "bench_fleetwall: %d breakers do not fit %dx%d (content %d px)\n", g_breakers,
                     screen.width(), screen.height(), layout.contentHeight());
        return false;
    }
    for (const bw::BreakerStatus &s : w.synthetic.statuses) {
        if (!screen.contains(w.view->tileRect(s.id))) {
            std::fprintf(stderr, "bench_fleetwall: %s off the screen\n", qPrintable(s.id.key()));
            return false;
        }
    }
    return true;
}

void takeOwnFlags(int &argc, char **argv)
{
    int kept = 1;
    for (int i = 1; i < argc; ++i) {
        if (std::strncmp(argv[i], "--breakers=", 11) == 0)
            g_breakers = std::max(1, std::atoi(argv[i] + 11));
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
    QApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 2;
    {
        const Wall &w = wall();
        std::printf("{\"breakers\":%d,\"groups\":%d,\"tile_px\":%d,\"screen\":\"%dx%d\"}\n", g_breakers,
                    w.view->wallLayout().groupCount(), w.view->wallLayout().tileSize(), kScreen.width(),
                    kScreen.height());
        std::fflush(stdout);
    }
    if (g_options.verify && !verify()) {
        g_wall.reset();
        return 1;
    }

    const int repaints = g_options.smoke ? 3 : 500;
    const int ticks = g_options.smoke ? 5 : 1000;
    benchmark::RegisterBenchmark("BM_Repaint", BM_Repaint)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime()
        ->Iterations(repaints);
    benchmark::RegisterBenchmark("BM_LiveTick", BM_LiveTick)
        ->Unit(benchmark::kMicrosecond)
        ->UseRealTime()
        ->Iterations(ticks);
    benchmark::RegisterBenchmark("BM_Relayout", BM_Relayout)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime()
        ->Iterations(g_options.smoke ? 2 : 50);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    g_wall.reset();
    return 0;
}
