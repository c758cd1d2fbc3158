// Measures two targets in one run, on this machine:
// - issue 3: a poller holding N loopback targets at a 1 s interval; the main thread's event-loop latency
//   (lateness of a 10 ms timer) p50/p99/max while it polls;
// - issue 4: the CPU used by the breakerwatch-demo process serving those N services (utime + stime from
//   /proc, as a percentage of one core, and per request answered).
// --poll health (the default) watches the health endpoints only: one request per service per second, the rate
// issue 4 states. --poll all keeps whatever else the configuration has the monitor poll (metrics, events).
// Usage: bench_fleet DEMO_BINARY [--services N] [--seconds S] [--poll health|all]. Prints one JSON line.
#include "config/configloader.h"
#include "monitor/fleetmonitor.h"
#include "probe/httpprober.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace {

double cpuSeconds(qint64 pid)
{
    QFile stat(u"/proc/%1/stat"_s.arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray text = stat.readAll();
    const QList<QByteArray> fields = text.mid(text.lastIndexOf(')') + 2).split(' ');
    const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
    return (fields.value(11).toDouble() + fields.value(12).toDouble()) / ticks; // utime, stime
}

double percentile(std::vector<double> values, double p)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    return values[std::min(values.size() - 1,
                           static_cast<std::size_t>(p / 100.0 * static_cast<double>(values.size())))];
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() < 2) {
        std::fprintf(stderr, "usage: bench_fleet DEMO_BINARY [--services N] [--seconds S]\n");
        return 2;
    }
    const int services = args.contains(u"--services"_s) ? args.value(args.indexOf(u"--services"_s) + 1).toInt() : 1000;
    const int seconds = args.contains(u"--seconds"_s) ? args.value(args.indexOf(u"--seconds"_s) + 1).toInt() : 30;
    const QString poll = args.contains(u"--poll"_s) ? args.value(args.indexOf(u"--poll"_s) + 1) : u"health"_s;
    if (poll != u"health" && poll != u"all") {
        std::fprintf(stderr, "--poll takes health or all\n");
        return 2;
    }

    QTemporaryDir dir;
    const QString configPath = dir.filePath(u"fleet.yml"_s);
    QProcess demo;
    demo.start(args[1], {u"--services"_s, QString::number(services), u"--layout"_s, u"single"_s, u"--scenario"_s,
                         u"healthy"_s, u"--write-config"_s, configPath});
    if (!demo.waitForStarted(10'000)) {
        std::fprintf(stderr, "cannot start %s\n", qPrintable(args[1]));
        return 1;
    }
    QElapsedTimer wait;
    wait.start();
    while (!QFile::exists(configPath) && wait.elapsed() < 30'000)
        demo.waitForReadyRead(100);
    QThread::msleep(200);

    const bw::PresetCatalog catalog;
    QFile file(configPath);
    file.open(QIODevice::ReadOnly);
    QByteArray yaml = file.readAll();
    yaml.replace("interval: 2s", "interval: 1s").replace("timeout: 2s", "timeout: 1s");
    auto config = bw::ConfigLoader(catalog).loadText(yaml, configPath, dir.path());
    if (!config) {
        std::fprintf(stderr, "%s\n", qPrintable(config.error()));
        return 1;
    }
    if (poll == u"health") {
        for (bw::ServiceConfig &service : config->services) {
            service.metrics.reset();
            service.remote.reset();
        }
    }

    QElapsedTimer clock;
    clock.start();
    QNetworkAccessManager network;
    bw::HttpProber prober(&network);
    bw::FleetMonitor monitor(&prober, [&clock] { return clock.elapsed(); });
    monitor.setConfig(*config);
    std::int64_t polls = 0;
    std::int64_t failed = 0;
    std::int64_t requests = 0; // every HTTP exchange with the demo, whatever the monitor makes of it
    QObject::connect(&network, &QNetworkAccessManager::finished, &app, [&requests] { ++requests; });
    QObject::connect(&monitor, &bw::FleetMonitor::breakerUpdated, &app,
                     [&](const bw::BreakerId &, const bw::BreakerStatus &status) {
                         ++polls;
                         failed += status.lastOutcome != bw::ProbeOutcomeKind::Success &&
                                   status.lastOutcome != bw::ProbeOutcomeKind::Slow;
                     });

    // Event-loop latency: how late a 10 ms timer fires while the poller works.
    std::vector<double> lateness;
    QElapsedTimer tickClock;
    QTimer tick;
    tick.setTimerType(Qt::PreciseTimer);
    double expected = 10;
    QObject::connect(&tick, &QTimer::timeout, &app, [&] {
        const double now = static_cast<double>(tickClock.nsecsElapsed()) / 1e6;
        lateness.push_back(std::max(0.0, now - expected));
        expected = now + 10;
    });

    const qint64 pid = demo.processId();
    monitor.start();
    // Let the first round of offsets pass before measuring.
    double cpuStart = 0;
    QTimer::singleShot(2000, &app, [&] {
        cpuStart = cpuSeconds(pid);
        polls = 0;
        failed = 0;
        requests = 0;
        tickClock.start();
        tick.start(10);
    });
    QTimer::singleShot(2000 + seconds * 1000, &app, [&] {
        const double cpu = cpuSeconds(pid) - cpuStart;
        std::printf("{\"services\":%d,\"seconds\":%d,\"poll\":\"%s\",\"polls\":%lld,\"polls_per_s\":%.1f,"
                    "\"failed_polls\":%lld,\"requests_per_s\":%.1f,\"loop_lateness_ms_p50\":%.2f,"
                    "\"loop_lateness_ms_p99\":%.2f,\"loop_lateness_ms_max\":%.2f,\"demo_cpu_percent_of_core\":%.2f,"
                    "\"demo_cpu_us_per_request\":%.1f}\n",
                    services, seconds, qPrintable(poll), static_cast<long long>(polls),
                    static_cast<double>(polls) / seconds, static_cast<long long>(failed),
                    static_cast<double>(requests) / seconds, percentile(lateness, 50), percentile(lateness, 99),
                    percentile(lateness, 100), 100.0 * cpu / seconds,
                    requests > 0 ? 1e6 * cpu / static_cast<double>(requests) : 0.0);
        std::fflush(stdout);
        monitor.stop();
        QCoreApplication::quit();
    });
    const int code = QCoreApplication::exec();
    demo.terminate();
    demo.waitForFinished(5000);
    return code;
}
