// Test helper for tst_storecrash, not a test: opens a HistoryStore and writes bursts into it as fast as it can, as a
// monitor would, printing each durable write only after it returned success:
//   READY <t>            the store is open (or degraded) and writing starts at simulated time t
//   T <reason>           a transition is committed (synchronous=FULL)
//   A <detail>           an audit entry is committed;  C <detail>  ... and completed
//   F <n>                a flush committed: the first n observations of this run are on disk
//   DEGRADED <message>   the first failure the store reported
//   ALIVE <buffered> <dropped> <queued>   (modes full/stay) still running 300 ticks after the failure; exits 0
//
//   store_writer_child --dir DIR --seed N --mode crash|full|stay [--fsize BYTES] [--nobody]
// crash: runs until killed. full/stay: stops once it has survived a failure. --fsize sets RLIMIT_FSIZE with SIGXFSZ
// ignored, so writes beyond it fail as on a full disk. --nobody drops root to uid/gid 65534 so that permissions apply.
// Simulated time: one tick is one second of 20 services' polls; it continues after the newest stored observation.
#include "store/historystore.h"

#include <QCoreApplication>
#include <QStringList>

#include <csignal>
#include <cstdio>
#include <limits>

#include <sys/resource.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace {

constexpr std::int64_t kBase = 1'700'000'000'000;
constexpr int kServices = 20;

std::uint64_t g_rng = 1;
std::uint64_t next()
{
    std::uint64_t z = (g_rng += 0x9e37'79b9'7f4a'7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58'476d'1ce4'e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d0'49bb'1331'11ebULL;
    return z ^ (z >> 31);
}

void say(const QString &line)
{
    const QByteArray bytes = line.toUtf8() + '\n';
    std::fwrite(bytes.constData(), 1, static_cast<std::size_t>(bytes.size()), stdout);
    std::fflush(stdout);
}

QString service(int i)
{
    return u"svc-%1"_s.arg(i, 2, 10, QLatin1Char('0'));
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    auto option = [&args](const QString &name) {
        const auto i = args.indexOf(name);
        return i >= 0 && i + 1 < args.size() ? args[i + 1] : QString();
    };
    const QString dir = option(u"--dir"_s);
    const int seed = option(u"--seed"_s).toInt();
    const QString mode = option(u"--mode"_s);
    if (dir.isEmpty() || (mode != u"crash"_s && mode != u"full"_s && mode != u"stay"_s)) {
        std::fprintf(stderr, "usage: store_writer_child --dir DIR --seed N --mode crash|full|stay [--fsize BYTES] "
                             "[--nobody]\n");
        return 2;
    }
    if (const QString fsize = option(u"--fsize"_s); !fsize.isEmpty()) {
        std::signal(SIGXFSZ, SIG_IGN);
        const rlimit limit{static_cast<rlim_t>(fsize.toLongLong()), static_cast<rlim_t>(fsize.toLongLong())};
        if (setrlimit(RLIMIT_FSIZE, &limit) != 0)
            return 3;
    }
    if (args.contains(u"--nobody"_s) && (setgid(65534) != 0 || setuid(65534) != 0))
        return 4;
    g_rng = static_cast<std::uint64_t>(seed) * 7919 + 11;

    bw::StoreOptions options;
    options.dataDir = dir;
    options.integrityCheck = bw::IntegrityCheck::Quick;
    bw::HistoryStore store(options);
    std::int64_t start = kBase;
    bool degraded = false;
    if (const bw::Status s = store.open(kBase); !s) {
        say(u"DEGRADED "_s + s.error());
        degraded = true;
    } else if (auto stored = store.observations(service(0), 0, std::numeric_limits<std::int64_t>::max() / 2);
               stored && !stored->empty()) {
        start = std::max(start, (stored->back().t / 1000 + 1) * 1000);
    }
    say(u"READY %1"_s.arg(start));

    std::int64_t appended = 0;
    int transitions = 0;
    int audits = 0;
    int ticksSinceFailure = 0;
    for (std::int64_t tick = 0;; ++tick) {
        const std::int64_t t = start + tick * 1000;
        for (int i = 0; i < kServices; ++i) {
            bw::Observation o;
            o.t = t + i;
            o.outcome = next() % 20 == 0 ? bw::PollOutcome::Failed : bw::PollOutcome::Ok;
            o.errorRate = float(next() % 4) * 5.0f;
            o.latencyMs = 10.0f + float(next() % 5000) / 100.0f;
            o.p95Ms = 80.0f + float(tick % 7);
            o.state = tick % 300 < 20 ? bw::BreakerState::Open : bw::BreakerState::Closed;
            store.appendObservation(service(i), o);
            ++appended;
        }
        if (next() % 8 == 0) {
            const QString reason = u"run %1 transition %2"_s.arg(seed).arg(transitions++);
            const bw::StoredTransition tr{service(int(next() % kServices)),
                                          bw::TrackKind::Simulated,
                                          t,
                                          bw::BreakerState::Closed,
                                          bw::BreakerState::Open,
                                          reason,
                                          {}};
            if (store.appendTransitions({tr}))
                say(u"T "_s + reason);
        }
        if (next() % 40 == 0) {
            const int key = audits++;
            const QString detail = u"run %1 audit %2"_s.arg(seed).arg(key);
            const bw::AuditEntry entry{
                t, u"ops"_s, service(key % kServices), u"real breaker"_s, u"reset"_s, u"pending"_s, detail};
            if (store.appendAudit(key, entry)) {
                say(u"A "_s + detail);
                if (store.completeAudit(key, u"done"_s, detail))
                    say(u"C "_s + detail);
            }
        }
        if (tick % 2 == 1) {
            if (const bw::Status s = store.flush(t); s)
                say(u"F %1"_s.arg(appended));
            else if (!degraded) {
                say(u"DEGRADED "_s + s.error());
                degraded = true;
            }
        }
        if (tick % 600 == 599)
            store.compact(t);
        if (degraded && mode != u"crash"_s && ++ticksSinceFailure > 300) {
            const bw::StoreHealth h = store.health();
            say(u"ALIVE %1 %2 %3"_s.arg(h.bufferedObservations).arg(h.droppedObservations).arg(h.queuedRecords));
            return h.ok() ? 5 : 0;
        }
    }
}
