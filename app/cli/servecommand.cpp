#include "servecommand.h"

#include "clioutput.h"
#include "datadiroption.h"

#include "alerts/alertcenter.h"
#include "config/configloader.h"
#include "config/configwatcher.h"
#include "export/metricsexporter.h"
#include "history/historyrecorder.h"
#include "monitor/servicemonitor.h"
#include "probe/httpprober.h"
#include "store/datadir.h"
#include "store/storerecorder.h"
#include "store/storethread.h"
#include "whatif/replayreport.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QNetworkAccessManager>
#include <QTimer>

#include <csignal>

using namespace Qt::StringLiterals;

namespace cli {

namespace {

volatile std::sig_atomic_t g_stop = 0;

void requestStop(int)
{
    g_stop = 1;
}

QByteArray jsonLine(std::initializer_list<std::pair<const char *, QByteArray>> fields)
{
    QByteArray out = "{";
    for (const auto &[key, value] : fields) {
        if (out.size() > 1)
            out += ',';
        out += '"' + QByteArray(key) + "\":" + value;
    }
    return out + '}';
}

} // namespace

int runServe(const QStringList &arguments)
{
    using bw::report::jsonString;
    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"Runs polling, the simulated breakers, alerts and /metrics without a GUI, until SIGINT or SIGTERM. "
        u"Prints one JSON line per breaker transition and alert on standard output; the configuration file is "
        u"reloaded when it changes (a broken file keeps the previous one, with a message on standard error)."_s);
    parser.addHelpOption();
    parser.addOption({u"config"_s, u"Configuration file (YAML)."_s, u"FILE"_s});
    parser.addOption({u"metrics-listen"_s, u"Serve /metrics here (default 127.0.0.1:9847; \"off\" for none)."_s,
                      u"HOST:PORT"_s, u"127.0.0.1:9847"_s});
    parser.addOption(
        {u"data-dir"_s, u"Where the history is kept (default: the platform's application data folder)."_s, u"DIR"_s});
    if (const auto exit = parseOrExit(parser, arguments))
        return *exit;
    if (!parser.isSet(u"config"_s)) {
        err(u"serve needs --config FILE"_s);
        return Usage;
    }

    const bw::PresetCatalog catalog;
    const bw::ConfigLoader loader(catalog);
    const auto config = loader.loadFile(parser.value(u"config"_s));
    if (!config) {
        err(config.error());
        return BadInput;
    }
    for (const QString &warning : config->warnings)
        err(u"warning: "_s + warning);

    const auto now = [] { return QDateTime::currentMSecsSinceEpoch(); };
    QNetworkAccessManager network;
    bw::HttpProber prober(&network);
    bw::ServiceMonitor monitor(&prober, now);
    monitor.setConfig(*config);
    bw::AlertCenter alerts(&monitor, now);
    bw::MetricsExporter exporter(&monitor);
    // History on disk, as the GUI keeps it (the GUI started on the same --data-dir shows it).
    bw::FleetHistory history;
    bw::HistoryRecorder recorder(&monitor, &history);
    bw::AuditLog audit;
    bw::StoreOptions storeOptions;
    storeOptions.dataDir = cli::guiDataDir(parser.value(u"data-dir"_s)); // the GUI's folder unless told otherwise
    // The store works on a thread of its own, as in the GUI; it ends after the recorder, writing what is queued.
    bw::StoreThread store(storeOptions, now);
    const auto [opened, storePath] = store.worker()->call([&now](bw::HistoryStore &s) {
        return std::pair{s.open(now()), s.filePath()};
    });
    if (!opened)
        err(u"history store degraded, polling goes on: "_s + opened.error());
    else
        err(u"history in %1"_s.arg(storePath));
    bw::StoreRecorder storeRecorder(store.worker(), &monitor, &recorder, &alerts, &audit, now);
    QObject::connect(&storeRecorder, &bw::StoreRecorder::healthChanged, [](const bw::StoreHealth &health) {
        err(health.ok() ? u"history store ok again"_s : u"history store degraded: "_s + health.message);
    });
    bw::ConfigWatcher watcher(loader, *config);

    const QString listen = parser.value(u"metrics-listen"_s);
    if (listen != u"off") {
        const auto where = bw::parseListenAddress(listen);
        if (!where) {
            err(u"--metrics-listen: "_s + where.error());
            return Usage;
        }
        const auto [address, port] = *where;
        const auto bound = exporter.listen(address, port);
        if (!bound) {
            err(u"cannot serve /metrics on %1: %2"_s.arg(listen, bound.error()));
            return BadInput;
        }
        err(u"serving /metrics on http://%1:%2/metrics"_s.arg(address.toString()).arg(*bound));
    }

    QObject::connect(&monitor, &bw::ServiceMonitor::transition, [&monitor](int index, const bw::Transition &tr) {
        out(jsonLine({{"event", "\"transition\""},
                      {"t", QByteArray::number(tr.t)},
                      {"service", jsonString(monitor.status(index).name)},
                      {"breaker", "\"simulated\""},
                      {"from", jsonString(bw::stateName(tr.from))},
                      {"to", jsonString(bw::stateName(tr.to))},
                      {"reason", jsonString(tr.reason.describe())}}));
        flush();
    });
    const auto alertLine = [](const char *event, const bw::Alert &alert) {
        out(jsonLine({{"event", '"' + QByteArray(event) + '"'},
                      {"t", QByteArray::number(alert.resolvedAtMs.value_or(alert.firedAtMs))},
                      {"service", jsonString(alert.service)},
                      {"breaker", alert.source == bw::AlertSource::Simulated ? "\"simulated\"" : "\"real\""},
                      {"alert", jsonString(bw::alertKindName(alert.kind))},
                      {"summary", jsonString(alert.summary)}}));
        flush();
    };
    QObject::connect(&alerts, &bw::AlertCenter::alertFired, [&](const bw::Alert &a) { alertLine("alert_fired", a); });
    QObject::connect(&alerts, &bw::AlertCenter::alertResolved,
                     [&](const bw::Alert &a) { alertLine("alert_resolved", a); });
    QObject::connect(&watcher, &bw::ConfigWatcher::reloaded, [&monitor](const bw::Config &reloaded) {
        monitor.setConfig(reloaded);
        err(u"configuration reloaded: %1 services"_s.arg(reloaded.services.size()));
        for (const QString &warning : reloaded.warnings)
            err(u"warning: "_s + warning);
    });
    QObject::connect(&watcher, &bw::ConfigWatcher::reloadFailed, [](const QString &problem) {
        err(u"configuration not reloaded, the previous one stays in force: "_s + problem);
    });

    // Signals only set a flag; the event loop looks at it (nothing else is safe in a signal handler).
    std::signal(SIGINT, requestStop);
    std::signal(SIGTERM, requestStop);
    QTimer stopCheck;
    QObject::connect(&stopCheck, &QTimer::timeout, [] {
        if (g_stop)
            QCoreApplication::quit();
    });
    stopCheck.start(std::chrono::milliseconds(100));

    monitor.start();
    err(u"watching %1 services from %2"_s.arg(config->services.size()).arg(parser.value(u"config"_s)));
    flush();
    const int code = QCoreApplication::exec();
    monitor.stop();
    err(u"stopped"_s);
    flush();
    return code;
}

} // namespace cli
