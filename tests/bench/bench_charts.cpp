// Cost of refreshing the service detail charts on the GUI thread, over 24 h of one-second history of one flapping
// service (the synthetic fleet's generator: error rate, latency, p95 and both breaker tracks).
//
//   bench_charts [--smoke] [--no-verify] [Google Benchmark flags]
//
// BM_ServiceChartsRefresh/<span s>: ServiceCharts::refresh(), the store queries plus one replace() per series.
// BM_ServiceChartsRefreshVisible/<span s>: the same on a shown 1000x700 widget, with the repaint that follows.
// BM_FlappingChartRefresh/<span s>: FlappingChart::refresh(), transitions, rolling count, percent state change.
// The widgets are 1000x700 (about 900 points per series). Run with QT_QPA_PLATFORM=offscreen when headless.

#include "benchsupport.h"

#include "charts/flappingchart.h"
#include "charts/servicecharts.h"
#include "demo/syntheticfleet.h"
#include "history/fleethistory.h"

#include <QApplication>

#include <benchmark/benchmark.h>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace {

constexpr std::int64_t kMinute = 60'000;
constexpr std::int64_t kStart = 1'700'000'400'000;
constexpr std::int64_t kNow = kStart + 24 * 60 * kMinute;

bwbench::Options g_options;

const bw::FleetHistory &history()
{
    static const bw::FleetHistory data = [] {
        bw::FleetHistory h(1);
        bw::SyntheticFleet fleet(
            {.services = 1, .seed = 3, .flappingShare = 1.0, .observedShare = 1.0, .startMs = kStart});
        fleet.fill(h, kStart, kNow + 1'000);
        return h;
    }();
    return data;
}

void BM_ServiceChartsRefresh(benchmark::State &state)
{
    bw::ServiceCharts charts(history());
    charts.resize(1000, 700);
    charts.setService(0, u"bench"_s);
    charts.setSpanMs(state.range(0) * 1'000);
    std::int64_t now = kNow - 60'000;
    for (auto _ : state) {
        charts.refresh(now);
        now += 1'000; // as the live tick does
        if (now > kNow)
            now = kNow - 60'000;
    }
    state.counters["points"] = static_cast<double>(charts.points(bw::ServiceCharts::Series::ErrorRateMean).size());
}

void BM_ServiceChartsRefreshVisible(benchmark::State &state)
{
    bw::ServiceCharts charts(history());
    charts.resize(1000, 700);
    charts.setService(0, u"bench"_s);
    charts.setSpanMs(state.range(0) * 1'000);
    charts.show();
    QCoreApplication::processEvents();
    for (auto _ : state) {
        charts.refresh(kNow);
        charts.repaint(); // the redraw that follows in the event loop, done at once
    }
}

void BM_FlappingChartRefresh(benchmark::State &state)
{
    bw::FlappingChart chart(history());
    chart.resize(1000, 700);
    chart.setService(0, u"bench"_s);
    chart.setSpanMs(state.range(0) * 1'000);
    for (auto _ : state)
        chart.refresh(kNow);
    state.counters["opens"] = static_cast<double>(chart.data().opens.size());
}

bool verify()
{
    bw::ServiceCharts charts(history());
    charts.resize(1000, 700);
    charts.setService(0, u"bench"_s);
    charts.setSpanMs(24 * 60 * kMinute);
    charts.refresh(kNow);
    const auto points = charts.points(bw::ServiceCharts::Series::ErrorRateMean).size();
    if (points == 0 || points > charts.maxPoints()) {
        std::fprintf(stderr, "bench_charts: 24 h error rate has %lld points for at most %d\n",
                     static_cast<long long>(points), charts.maxPoints());
        return false;
    }
    bw::FlappingChart chart(history());
    chart.resize(1000, 700);
    chart.setService(0, u"bench"_s);
    chart.setSpanMs(24 * 60 * kMinute);
    chart.refresh(kNow);
    if (chart.data().opens.empty()) {
        std::fprintf(stderr, "bench_charts: the flapping service never opened\n");
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

    const std::vector<std::int64_t> spans = {15 * 60, 60 * 60, 6 * 60 * 60, 24 * 60 * 60}; // seconds
    for (auto *b : {benchmark::RegisterBenchmark("BM_ServiceChartsRefresh", BM_ServiceChartsRefresh),
                    benchmark::RegisterBenchmark("BM_ServiceChartsRefreshVisible", BM_ServiceChartsRefreshVisible),
                    benchmark::RegisterBenchmark("BM_FlappingChartRefresh", BM_FlappingChartRefresh)}) {
        for (const std::int64_t span : spans)
            b->Arg(span);
        b->Unit(benchmark::kMicrosecond);
        if (g_options.smoke)
            b->Iterations(1);
    }

    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
