// The fleet model at scale (issue 12): one process watching N instances x B named breakers at a 1 s interval.
// A child process (this binary with --serve) serves N loopback metrics pages, each with B Resilience4j breakers
// (state one-hot and calls counters that grow every second, a few breakers open); the parent watches them with a
// FleetMonitor from a scrape_configs-only configuration, as the GUI's core does, and reports its own CPU (utime +
// stime from /proc, percent of one core), RSS, and the lateness of a 10 ms timer on its event loop (the thread the
// GUI would draw on) p50/p99/max, after a warm-up.
// Usage: bench_breakers [--instances N] [--breakers B] [--seconds S]. Prints one JSON line.
#include "config/configloader.h"
#include "httpserver/httpserver.h"
#include "httpserver/socketreactor.h"
#include "monitor/fleetmonitor.h"
#include "probe/httpprober.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QNetworkAccessManager>
#include <QProcess>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace {

double cpuSeconds()
{
    QFile stat(u"/proc/self/stat"_s);
    if (!stat.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray text = stat.readAll();
    const QList<QByteArray> fields = text.mid(text.lastIndexOf(')') + 2).split(' ');
    const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
    return (fields.value(11).toDouble() + fields.value(12).toDouble()) / ticks;
}

double rssMiB()
{
    QFile status(u"/proc/self/status"_s);
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n'))
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toDouble() / 1024.0;
    return -1;
}

double percentile(std::vector<double> values, double p)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    return values[std::min(values.size() - 1,
                           static_cast<std::size_t>(p / 100.0 * static_cast<double>(values.size())))];
}

int intArg(const QStringList &args, const QString &name, int fallback)
{
    const qsizetype at = args.indexOf(name);
    return at >= 0 && at + 1 < args.size() ? args[at + 1].toInt() : fallback;
}

// The child: N pages on consecutive free ports, printed one per line, then serves until killed.
int serve(int instances, int breakers)
{
    bw::SocketReactor reactor;
    std::vector<std::unique_ptr<bw::HttpServer>> servers;
    QElapsedTimer clock;
    clock.start();
    for (int i = 0; i < instances; ++i) {
        auto server = std::make_unique<bw::HttpServer>(&reactor);
        server->route("GET", u"/metrics"_s, [i, breakers, &clock](const bw::HttpRequest &, bw::HttpResponder r) {
            const qint64 seconds = clock.elapsed() / 1000;
            QByteArray page;
            page.reserve(breakers * 420);
            for (int b = 0; b < breakers; ++b) {
                const QByteArray name = "backend" + QByteArray::number(b);
                const bool open = (i * breakers + b) % 97 == 0; // about 1 % open
                page +=
                    "resilience4j_circuitbreaker_state{name=\"" + name + "\",state=\"closed\"} " + (open ? "0" : "1") +
                    "\nresilience4j_circuitbreaker_state{name=\"" + name + "\",state=\"open\"} " + (open ? "1" : "0") +
                    "\nresilience4j_circuitbreaker_calls_seconds_count{name=\"" + name + "\",kind=\"successful\"} " +
                    QByteArray::number(seconds * 9) + "\nresilience4j_circuitbreaker_calls_seconds_count{name=\"" +
                    name + "\",kind=\"failed\"} " + QByteArray::number(seconds) + "\n";
            }
            r.send(bw::HttpResponse::text(200, page));
        });
        const auto port = server->listen(QHostAddress::LocalHost, 0);
        if (!port) {
            std::fprintf(stderr, "listen: %s\n", qPrintable(port.error()));
            return 1;
        }
        std::printf("%u\n", static_cast<unsigned>(*port));
        servers.push_back(std::move(server));
    }
    std::printf("ready\n");
    std::fflush(stdout);
    return QCoreApplication::exec();
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    const int instances = intArg(args, u"--instances"_s, 1000);
    const int breakers = intArg(args, u"--breakers"_s, 5);
    const int seconds = intArg(args, u"--seconds"_s, 20);
    if (args.contains(u"--serve"_s))
        return serve(instances, breakers);

    QProcess child;
    child.start(app.applicationFilePath(), {u"--serve"_s, u"--instances"_s, QString::number(instances), u"--breakers"_s,
                                            QString::number(breakers)});
    QByteArray ports;
    while (!ports.contains("ready\n") && child.waitForReadyRead(20'000))
        ports += child.readAllStandardOutput();
    if (!ports.contains("ready\n")) {
        std::fprintf(stderr, "the page server did not start: %s\n", child.readAllStandardError().constData());
        return 1;
    }
    QByteArray yaml = "global: {interval: 1s, timeout: 1s, max_in_flight: 256}\nscrape_configs:\n"
                      "  - job_name: fleet\n    static_configs:\n      - targets: [";
    int n = 0;
    for (const QByteArray &port : ports.split('\n')) {
        if (port.isEmpty() || port == "ready")
            continue;
        yaml += (n++ ? ", '" : "'") + ("127.0.0.1:" + port) + "'";
    }
    yaml += "]\n";
    const bw::PresetCatalog catalog;
    const auto config = bw::ConfigLoader(catalog).loadText(yaml, u"bench.yml"_s, {});
    if (!config) {
        std::fprintf(stderr, "%s\n", qPrintable(config.error()));
        return 1;
    }
    QNetworkAccessManager network;
    bw::HttpProber prober(&network);
    const auto now = [] { return QDateTime::currentMSecsSinceEpoch(); };
    bw::FleetMonitor monitor(&prober, now);
    monitor.setConfig(*config);
    std::int64_t updates = 0;
    QObject::connect(&monitor, &bw::FleetMonitor::breakerUpdated, &app, [&updates] { ++updates; });

    std::vector<double> lateness;
    bool measuring = false;
    QElapsedTimer loop;
    loop.start();
    double expected = 10;
    QTimer tick;
    tick.setTimerType(Qt::PreciseTimer);
    QObject::connect(&tick, &QTimer::timeout, &app, [&] {
        const double t = static_cast<double>(loop.nsecsElapsed()) / 1e6;
        if (measuring)
            lateness.push_back(std::max(0.0, t - expected));
        expected = t + 10;
    });
    tick.start(10);
    monitor.start();

    constexpr int kWarmUpMs = 5000; // every breaker found, counters past their baseline
    double cpu0 = 0;
    std::int64_t updates0 = 0;
    QTimer::singleShot(kWarmUpMs, &app, [&] {
        measuring = true;
        cpu0 = cpuSeconds();
        updates0 = updates;
    });
    QTimer::singleShot(kWarmUpMs + seconds * 1000, &app, [&] {
        const double cpu = cpuSeconds() - cpu0;
        int stale = 0;
        int open = 0;
        for (const bw::BreakerId &id : monitor.breakers()) {
            const bw::BreakerStatus s = monitor.status(id);
            stale += s.stale;
            open += !id.isHealth() && s.observedState == bw::BreakerState::Open;
        }
        std::printf("{\"instances\":%d,\"breakers_per_instance\":%d,\"breakers_followed\":%d,\"open\":%d,\"stale\":%d,"
                    "\"seconds\":%d,\"updates_per_s\":%.0f,\"cpu_percent_of_core\":%.1f,\"rss_mib\":%.1f,"
                    "\"loop_lateness_ms_p50\":%.2f,\"loop_lateness_ms_p99\":%.2f,\"loop_lateness_ms_max\":%.2f}\n",
                    instances, breakers, monitor.breakerCount(), open, stale, seconds,
                    static_cast<double>(updates - updates0) / seconds, 100.0 * cpu / seconds, rssMiB(),
                    percentile(lateness, 50), percentile(lateness, 99), percentile(lateness, 100));
        std::fflush(stdout);
        app.quit();
    });
    const int code = app.exec();
    monitor.stop();
    child.kill();
    child.waitForFinished(5000);
    return code;
}
