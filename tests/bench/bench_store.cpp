// The history store (SQLite) at fleet scale:
//
//   bench_store [--services=N] [--hours=H] [--restore-services=N] [--restore-hours=H] [--dir=PATH] [--smoke]
//               [Google Benchmark flags]
//
// Before the benchmarks it records two fleets with bwtest::FleetScript (tests/store/fleetscript.h: 1 s polls with
// scheduling jitter, a 20-poll error-rate window, a rolling p95, outages, 8 % of the services flapping, 60 % with a
// real breaker) through the store exactly as the app would: observations appended and flushed every 2 s, each
// tick's transitions in one durable (synchronous=FULL) transaction, compact() every hour. It prints one JSON line per
// fleet:
//   "size":    N services x H hours (default 500 x 24): bytes on disk per service-hour after the last blocks are
//              sealed, compacted (hourly summaries included) and the WAL checkpointed, in total and without the free
//              pages (the staging area's working set, a fixed cost per fleet); the worst service; the store's own
//              time and rate (observations per second of store time, the generator excluded).
//   "restore": the fleet restore() reads at startup (default 100 x 24 h).
// Then:
// BM_OpenAndRestore   what startup costs: HistoryStore::open (quick_check, migrations check, staged chunks) and
//                     restore() of every service over the whole range into an empty FleetHistory; open_ms/restore_ms.
// BM_Restore          restore() alone, the store already open.
// BM_FlushTick        steady state of the size fleet's services: append 2 s of polls (2 per service) and flush, a
//                     block sealed every 10 min; p50/p99 per flush and observations per second of flush time.
// BM_DurableTransition  one transition per synchronous=FULL transaction (an fsync each): p50/p99, transitions/s.
// BM_RecordTransition/direct  the GUI thread's cost of recording one simulated-breaker transition before the store
//                     had its own thread: HistoryStore::appendTransition on the calling thread (a durable commit).
// BM_RecordTransition/queued  the same now: FleetMonitor::transition -> StoreRecorder, which copies it into a queued
//                     call to the StoreThread; timed on the calling thread only, the worker then drained (not timed).
//
// --smoke (ctest): 20 services x 1 h and 10 x 2 h, one iteration each, with the cross-checks (every observation and
// transition restored). --dir keeps the files (default: a temporary directory).

#include "benchsupport.h"
#include "fleetscript.h"

#include "alerts/alertcenter.h"
#include "config/configloader.h"
#include "control/auditlog.h"
#include "history/fleethistory.h"
#include "history/historyrecorder.h"
#include "monitor/fleetmonitor.h"
#include "probe/httpprober.h"
#include "store/historystore.h"
#include "store/storerecorder.h"
#include "store/storethread.h"

#include <benchmark/benchmark.h>

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QNetworkAccessManager>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace {

constexpr std::int64_t kSecond = 1'000;
constexpr std::int64_t kHour = 3'600'000;
constexpr std::int64_t kStart = 1'699'992'000'000; // on the hour

bwbench::Options g_options;
int g_services = 500;
int g_hours = 24;
int g_restoreServices = 100;
int g_restoreHours = 24;
QString g_dir;

using Clock = std::chrono::steady_clock;

double seconds(Clock::duration d)
{
    return std::chrono::duration<double>(d).count();
}

double percentile(std::vector<double> values, double p)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    const auto i = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
    return values[std::min(i, values.size() - 1)];
}

bw::StoreOptions storeOptions(const QString &dir)
{
    bw::StoreOptions options;
    options.dataDir = dir;
    options.integrityCheck = bw::IntegrityCheck::Quick;
    return options;
}

struct Recorded
{
    QStringList names;
    std::int64_t end = 0;
    double storeSeconds = 0;
    double generatorSeconds = 0;
    std::int64_t observations = 0;
    std::int64_t transitions = 0;
    std::int64_t flushes = 0;
    bw::HistoryStore::FileSizes beforeCheckpoint;
    bw::HistoryStore::FileSizes after;
};

// Records `hours` of `services` into dir/breakerwatch.sqlite (replacing it), as the app would.
Recorded record(const QString &dir, int services, int hours, std::uint64_t seed)
{
    QDir().mkpath(dir);
    for (const QString &suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")})
        QFile::remove(QDir(dir).filePath(bw::HistoryStore::fileName() + suffix));
    Recorded r;
    bwtest::FleetScript::Options fleetOptions;
    fleetOptions.services = services;
    fleetOptions.seed = seed;
    fleetOptions.startMs = kStart;
    bwtest::FleetScript fleet(fleetOptions);
    r.names = fleet.names();
    r.end = kStart + hours * kHour;

    bw::HistoryStore store(storeOptions(dir));
    if (const bw::Status s = store.open(kStart); !s) {
        std::fprintf(stderr, "%s\n", qPrintable(s.error()));
        std::exit(1);
    }
    bwtest::FleetScript::Polls polls;
    bwtest::FleetScript::Transitions transitions;
    std::vector<bw::StoredTransition> batch;
    Clock::duration storeTime{};
    Clock::duration generatorTime{};
    for (std::int64_t t = kStart; t < r.end; t += kSecond) {
        polls.clear();
        transitions.clear();
        const auto g0 = Clock::now();
        fleet.tick(t, polls, transitions);
        const auto s0 = Clock::now();
        generatorTime += s0 - g0;
        if (!transitions.empty()) {
            batch.clear();
            for (const auto &[index, tr] : transitions)
                batch.push_back(tr);
            if (const bw::Status s = store.appendTransitions(batch); !s) {
                std::fprintf(stderr, "%s\n", qPrintable(s.error()));
                std::exit(1);
            }
            r.transitions += static_cast<std::int64_t>(batch.size());
        }
        for (const auto &[index, o] : polls)
            store.appendObservation(r.names[index], o);
        r.observations += static_cast<std::int64_t>(polls.size());
        if ((t / kSecond) % 2 == 1) {
            if (const bw::Status s = store.flush(t + kSecond); !s) {
                std::fprintf(stderr, "%s\n", qPrintable(s.error()));
                std::exit(1);
            }
            ++r.flushes;
        }
        if ((t - kStart) % kHour == kHour - kSecond)
            store.compact(t + kSecond);
        storeTime += Clock::now() - s0;
    }
    // Seal the last blocks, summarise the last hour, then measure.
    const auto s0 = Clock::now();
    store.flush(r.end + 11 * 60'000);
    store.compact(r.end + 11 * 60'000);
    storeTime += Clock::now() - s0;
    r.beforeCheckpoint = store.fileSizes();
    store.checkpoint();
    r.after = store.fileSizes();
    r.storeSeconds = seconds(storeTime);
    r.generatorSeconds = seconds(generatorTime);
    return r;
}

// What the file holds, read with a separate connection.
struct Contents
{
    qint64 blocks = 0;
    qint64 blockPayload = 0;
    qint64 summaryPayload = 0;
    qint64 transitions = 0;
    qint64 reasons = 0;
    qint64 pages = 0;
    qint64 freePages = 0;
    qint64 pageSize = 0;
    qint64 worstBlockPayload = 0; // of one service
    qint64 worstTransitions = 0;  // of one service
};

Contents contents(const QString &dir)
{
    Contents c;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("bench-peek"));
        db.setDatabaseName(QDir(dir).filePath(bw::HistoryStore::fileName()));
        db.open();
        QSqlQuery q(db);
        auto value = [&q](const char *sql) {
            return q.exec(QString::fromLatin1(sql)) && q.next() ? q.value(0).toLongLong() : -1;
        };
        c.blocks = value("SELECT count(*) FROM obs_block");
        c.blockPayload = value("SELECT sum(length(data)) FROM obs_block");
        c.summaryPayload = value("SELECT coalesce(sum(length(data)), 0) FROM obs_summary");
        c.transitions = value("SELECT count(*) FROM transitions");
        c.reasons = value("SELECT count(*) FROM reasons");
        c.pages = value("PRAGMA page_count");
        c.freePages = value("PRAGMA freelist_count");
        c.pageSize = value("PRAGMA page_size");
        c.worstBlockPayload =
            value("SELECT max(b) FROM (SELECT sum(length(data)) AS b FROM obs_block GROUP BY service)");
        c.worstTransitions =
            value("SELECT coalesce(max(n), 0) FROM (SELECT count(*) AS n FROM transitions GROUP BY service)");
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("bench-peek"));
    return c;
}

void report(const char *name, const Recorded &r, int services, int hours, const QString &dir)
{
    const double serviceHours = static_cast<double>(services) * hours;
    const Contents c = contents(dir);
    // Free pages are mostly the staging area's working set (the chunks of the blocks not sealed yet, about one
    // block span of flushes): a fixed cost per fleet, reused as blocks are sealed, not a cost per hour kept.
    std::printf("{\"fleet\":\"%s\",\"services\":%d,\"hours\":%d,\"observations\":%lld,\"transitions\":%lld,"
                "\"transitions_per_service_hour\":%.1f,\"store_s\":%.2f,\"generator_s\":%.2f,"
                "\"observations_per_store_s\":%.0f,\"db_bytes\":%lld,\"wal_bytes_before_checkpoint\":%lld,"
                "\"wal_bytes\":%lld,\"bytes_per_service_hour\":%.0f,\"free_bytes\":%lld,"
                "\"used_bytes_per_service_hour\":%.0f,\"block_payload_per_service_hour\":%.0f,"
                "\"worst_service_block_payload_per_hour\":%.0f,\"worst_service_transitions_per_hour\":%.1f,"
                "\"blocks\":%lld,\"summary_payload_bytes\":%lld,\"reasons\":%lld,\"page_size\":%lld}\n",
                name, services, hours, static_cast<long long>(r.observations), static_cast<long long>(r.transitions),
                static_cast<double>(r.transitions) / serviceHours, r.storeSeconds, r.generatorSeconds,
                static_cast<double>(r.observations) / r.storeSeconds, static_cast<long long>(r.after.database),
                static_cast<long long>(r.beforeCheckpoint.wal), static_cast<long long>(r.after.wal),
                static_cast<double>(r.after.database + r.after.wal) / serviceHours,
                static_cast<long long>(c.freePages * c.pageSize),
                static_cast<double>((c.pages - c.freePages) * c.pageSize + r.after.wal) / serviceHours,
                static_cast<double>(c.blockPayload) / serviceHours, static_cast<double>(c.worstBlockPayload) / hours,
                static_cast<double>(c.worstTransitions) / hours, static_cast<long long>(c.blocks),
                static_cast<long long>(c.summaryPayload), static_cast<long long>(c.reasons),
                static_cast<long long>(c.pageSize));
    std::fflush(stdout);
}

Recorded &restoreFleet()
{
    static Recorded r = [] {
        const QString dir = QDir(g_dir).filePath(QStringLiteral("restore"));
        Recorded recorded = record(dir, g_restoreServices, g_restoreHours, 2);
        report("restore", recorded, g_restoreServices, g_restoreHours, dir);
        return recorded;
    }();
    return r;
}

// Every observation and transition recorded must come back.
bool verifyRestore()
{
    const Recorded &r = restoreFleet();
    bw::HistoryStore store(storeOptions(QDir(g_dir).filePath(QStringLiteral("restore"))));
    if (!store.open(r.end))
        return false;
    bw::FleetHistory history;
    const auto restored = store.restore(history, r.names, kStart, r.end + kSecond);
    if (!restored || restored->observations != r.observations || restored->transitions != r.transitions) {
        std::fprintf(
            stderr, "restore cross-check failed: %lld of %lld observations, %lld of %lld transitions\n",
            restored ? static_cast<long long>(restored->observations) : -1LL, static_cast<long long>(r.observations),
            restored ? static_cast<long long>(restored->transitions) : -1LL, static_cast<long long>(r.transitions));
        return false;
    }
    return true;
}

void BM_OpenAndRestore(benchmark::State &state)
{
    const Recorded &r = restoreFleet();
    const QString dir = QDir(g_dir).filePath(QStringLiteral("restore"));
    std::vector<double> total;
    std::vector<double> open;
    std::vector<double> restore;
    for (auto _ : state) {
        const auto t0 = Clock::now();
        bw::HistoryStore store(storeOptions(dir));
        if (!store.open(r.end)) {
            state.SkipWithError("open failed");
            return;
        }
        const auto t1 = Clock::now();
        bw::FleetHistory history;
        const auto restored = store.restore(history, r.names, r.end - g_restoreHours * kHour, r.end);
        const auto t2 = Clock::now();
        benchmark::DoNotOptimize(restored);
        open.push_back(seconds(t1 - t0) * 1e3);
        restore.push_back(seconds(t2 - t1) * 1e3);
        total.push_back(seconds(t2 - t0) * 1e3);
    }
    state.counters["p50_ms"] = percentile(total, 0.5);
    state.counters["max_ms"] = percentile(total, 1.0);
    state.counters["open_p50_ms"] = percentile(open, 0.5);
    state.counters["restore_p50_ms"] = percentile(restore, 0.5);
}

void BM_Restore(benchmark::State &state)
{
    const Recorded &r = restoreFleet();
    bw::HistoryStore store(storeOptions(QDir(g_dir).filePath(QStringLiteral("restore"))));
    if (!store.open(r.end)) {
        state.SkipWithError("open failed");
        return;
    }
    std::vector<double> ms;
    for (auto _ : state) {
        const auto t0 = Clock::now();
        bw::FleetHistory history;
        const auto restored = store.restore(history, r.names, r.end - g_restoreHours * kHour, r.end);
        ms.push_back(seconds(Clock::now() - t0) * 1e3);
        benchmark::DoNotOptimize(restored);
    }
    state.counters["p50_ms"] = percentile(ms, 0.5);
    state.counters["services"] = g_restoreServices;
    state.counters["hours"] = g_restoreHours;
}

void BM_FlushTick(benchmark::State &state)
{
    const QString dir = QDir(g_dir).filePath(QStringLiteral("tick"));
    QDir(dir).removeRecursively();
    bwtest::FleetScript::Options fleetOptions;
    fleetOptions.services = g_services;
    fleetOptions.seed = 3;
    fleetOptions.startMs = kStart;
    bwtest::FleetScript fleet(fleetOptions);
    bw::HistoryStore store(storeOptions(dir));
    if (!store.open(kStart)) {
        state.SkipWithError("open failed");
        return;
    }
    // Polls prepared beforehand (the generator is not timed): 20 minutes, replayed with shifted times.
    std::vector<bwtest::FleetScript::Polls> ticks(1'200);
    bwtest::FleetScript::Transitions ignored;
    for (std::size_t i = 0; i < ticks.size(); ++i)
        fleet.tick(kStart + static_cast<std::int64_t>(i) * kSecond, ticks[i], ignored);
    std::vector<double> ms;
    std::int64_t t = kStart;
    std::size_t k = 0;
    const std::int64_t shiftPerRound = static_cast<std::int64_t>(ticks.size()) * kSecond;
    for (auto _ : state) {
        const auto t0 = Clock::now();
        for (int s = 0; s < 2; ++s, t += kSecond, ++k) {
            const std::int64_t shift = static_cast<std::int64_t>(k / ticks.size()) * shiftPerRound;
            for (const auto &[index, poll] : ticks[k % ticks.size()]) {
                bw::Observation o = poll;
                o.t += shift;
                store.appendObservation(fleet.names()[index], o);
            }
        }
        store.flush(t);
        ms.push_back(seconds(Clock::now() - t0) * 1e3);
    }
    state.counters["p50_ms"] = percentile(ms, 0.5);
    state.counters["p99_ms"] = percentile(ms, 0.99);
    state.counters["observations_per_s"] = 2.0 * g_services / (percentile(ms, 0.5) / 1e3);
    state.counters["services"] = g_services;
}

void BM_DurableTransition(benchmark::State &state)
{
    const QString dir = QDir(g_dir).filePath(QStringLiteral("durable"));
    QDir(dir).removeRecursively();
    bw::HistoryStore store(storeOptions(dir));
    if (!store.open(kStart)) {
        state.SkipWithError("open failed");
        return;
    }
    std::vector<double> ms;
    std::int64_t t = kStart;
    int n = 0;
    for (auto _ : state) {
        bw::StoredTransition tr{QStringLiteral("svc-%1").arg(n % 500),
                                bw::TrackKind::Simulated,
                                t += 250,
                                n % 2 ? bw::BreakerState::Open : bw::BreakerState::Closed,
                                n % 2 ? bw::BreakerState::HalfOpen : bw::BreakerState::Open,
                                QStringLiteral("failure rate %1% >= 50% over the last 20 calls").arg(50 + n % 50),
                                bw::TransitionReason::Kind::FailureRate};
        ++n;
        const auto t0 = Clock::now();
        const bw::Status s = store.appendTransitions({tr});
        ms.push_back(seconds(Clock::now() - t0) * 1e3);
        if (!s) {
            state.SkipWithError("write failed");
            return;
        }
    }
    state.counters["p50_ms"] = percentile(ms, 0.5);
    state.counters["p99_ms"] = percentile(ms, 0.99);
    state.counters["transitions_per_s"] = 1e3 / percentile(ms, 0.5);
}

bw::Transition benchTransition(int n, std::int64_t t)
{
    bw::Transition tr{t,
                      n % 2 ? bw::BreakerState::Open : bw::BreakerState::Closed,
                      n % 2 ? bw::BreakerState::HalfOpen : bw::BreakerState::Open,
                      {}};
    tr.reason.kind = bw::TransitionReason::Kind::FailureRate;
    tr.reason.value = 50 + n % 50;
    tr.reason.threshold = 50;
    tr.reason.count = 20;
    return tr;
}

void BM_RecordTransition(benchmark::State &state)
{
    const bool queued = state.range(0) == 1;
    const QString dir = QDir(g_dir).filePath(queued ? QStringLiteral("queued") : QStringLiteral("direct"));
    QDir(dir).removeRecursively();
    std::vector<double> ms;
    std::int64_t t = kStart;
    int n = 0;
    if (!queued) {
        bw::HistoryStore store(storeOptions(dir));
        if (!store.open(kStart)) {
            state.SkipWithError("open failed");
            return;
        }
        for (auto _ : state) {
            const bw::Transition tr = benchTransition(n++, t += 250);
            const auto t0 = Clock::now();
            const bw::Status s = store.appendTransition(QStringLiteral("svc-1"), bw::TrackKind::Simulated, tr);
            ms.push_back(seconds(Clock::now() - t0) * 1e3);
            if (!s) {
                state.SkipWithError("write failed");
                return;
            }
        }
    } else {
        const auto clock = [] { return kStart; }; // called on both threads; each transition carries its own t
        const bw::PresetCatalog catalog;
        const auto config = bw::ConfigLoader(catalog).loadText(
            "services:\n  - name: svc-1\n    health: {url: 'http://127.0.0.1:1/'}\n", QStringLiteral("b.yml"), {});
        QNetworkAccessManager network;
        bw::HttpProber prober(&network);
        bw::FleetMonitor monitor(&prober, clock);
        monitor.setConfig(*config);
        bw::FleetHistory history;
        bw::HistoryRecorder recorder(&monitor, &history);
        bw::AlertCenter alerts(&monitor, clock);
        bw::AuditLog audit;
        bw::StoreThread store(storeOptions(dir), clock);
        if (!store.worker()->call([](bw::HistoryStore &s) { return s.open(kStart); })) {
            state.SkipWithError("open failed");
            return;
        }
        bw::StoreRecorder storeRecorder(store.worker(), &monitor, &recorder, &alerts, &audit, clock);
        for (auto _ : state) {
            const bw::Transition tr = benchTransition(n++, t += 250);
            const auto t0 = Clock::now();
            Q_EMIT monitor.transition(bw::BreakerId{QStringLiteral("svc-1"), {}, {}}, tr);
            ms.push_back(seconds(Clock::now() - t0) * 1e3);
            state.PauseTiming();
            store.worker()->call([](bw::HistoryStore &) {}); // the worker writes it; transitions come one at a time
            state.ResumeTiming();
        }
        const auto stored = store.worker()->call(
            [](bw::HistoryStore &s) { return s.transitions(QStringLiteral("svc-1"), kStart, kStart + kHour * 24); });
        if (!stored || stored->size() != ms.size() || !storeRecorder.health().ok()) {
            state.SkipWithError("not every transition reached the store");
            return;
        }
    }
    state.counters["p50_ms"] = percentile(ms, 0.5);
    state.counters["p99_ms"] = percentile(ms, 0.99);
}

void takeOwnFlags(int &argc, char **argv)
{
    int kept = 1;
    auto number = [](const char *arg, std::size_t prefix) { return std::max(1, std::atoi(arg + prefix)); };
    for (int i = 1; i < argc; ++i) {
        if (std::strncmp(argv[i], "--services=", 11) == 0)
            g_services = number(argv[i], 11);
        else if (std::strncmp(argv[i], "--hours=", 8) == 0)
            g_hours = number(argv[i], 8);
        else if (std::strncmp(argv[i], "--restore-services=", 19) == 0)
            g_restoreServices = number(argv[i], 19);
        else if (std::strncmp(argv[i], "--restore-hours=", 16) == 0)
            g_restoreHours = number(argv[i], 16);
        else if (std::strncmp(argv[i], "--dir=", 6) == 0)
            g_dir = QString::fromLocal8Bit(argv[i] + 6);
        else
            argv[kept++] = argv[i];
    }
    argc = kept;
    argv[argc] = nullptr;
}

} // namespace

int main(int argc, char **argv)
{
    takeOwnFlags(argc, argv);
    g_options = bwbench::takeOptions(argc, argv); // --events is accepted and ignored
    if (g_options.smoke) {
        g_services = std::min(g_services, 20);
        g_hours = 1;
        g_restoreServices = std::min(g_restoreServices, 10);
        g_restoreHours = 2;
    }
    QCoreApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 2;
    std::unique_ptr<QTemporaryDir> temporary;
    if (g_dir.isEmpty()) {
        temporary = std::make_unique<QTemporaryDir>();
        g_dir = temporary->path();
    }

    {
        const QString dir = QDir(g_dir).filePath(QStringLiteral("size"));
        const Recorded size = record(dir, g_services, g_hours, 1);
        report("size", size, g_services, g_hours, dir);
    }
    restoreFleet();
    if (g_options.verify && !verifyRestore())
        return 1;

    const bool smoke = g_options.smoke;
    auto *openAndRestore = benchmark::RegisterBenchmark("BM_OpenAndRestore", BM_OpenAndRestore)
                               ->Unit(benchmark::kMillisecond)
                               ->UseRealTime();
    auto *restore =
        benchmark::RegisterBenchmark("BM_Restore", BM_Restore)->Unit(benchmark::kMillisecond)->UseRealTime();
    auto *flush =
        benchmark::RegisterBenchmark("BM_FlushTick", BM_FlushTick)->Unit(benchmark::kMillisecond)->UseRealTime();
    auto *durable = benchmark::RegisterBenchmark("BM_DurableTransition", BM_DurableTransition)
                        ->Unit(benchmark::kMillisecond)
                        ->UseRealTime();
    auto *record = benchmark::RegisterBenchmark("BM_RecordTransition", BM_RecordTransition)
                       ->ArgName("queued")
                       ->Arg(0)
                       ->Arg(1)
                       ->Unit(benchmark::kMillisecond)
                       ->UseRealTime();
    openAndRestore->Iterations(smoke ? 1 : 7);
    restore->Iterations(smoke ? 1 : 7);
    flush->Iterations(smoke ? 3 : 1'800); // an hour of 2 s flushes: six seals
    durable->Iterations(smoke ? 3 : 300);
    record->Iterations(smoke ? 3 : 300);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
