// breakerwatch: the desktop console. Wiring only: configuration or the embedded demo fleet, prober, monitor, window.
#include "app/application.h"
#include "common/heaptuning.h"
#include "config/configloader.h"
#include "demo/demofleet.h"
#include "export/metricsexporter.h"
#include "mainwindow/mainwindow.h"
#include "store/datadir.h"
#include "theme/theme.h"
#include "whatif/replayhistory.h"
#include "workbench/workbenchwidget.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDateTime>
#include <QElapsedTimer>
#include <QIcon>
#include <QMessageBox>
#include <QNetworkAccessManager>
#include <QScreen>
#include <QSettings>
#include <QTemporaryDir>
#include <QTimer>

using namespace Qt::StringLiterals;

int main(int argc, char *argv[])
{
    bw::keepLargeBlocksInHeap(); // big pages are parsed every interval: no page faults through them each time
    QApplication app(argc, argv);
    const bw::HeapTrimmer heapTrimmer; // and what is freed between scrapes goes back to the kernel once a minute
    QApplication::setApplicationName(u"Breakerwatch"_s);
    QApplication::setOrganizationName(u"Breakerwatch"_s);
    QApplication::setApplicationVersion(u"0.1.0"_s);
    QApplication::setDesktopFileName(u"breakerwatch"_s);
    QApplication::setWindowIcon(QIcon(u":/icons/breakerwatch.svg"_s));

    QCommandLineParser parser;
    parser.setApplicationDescription(u"Watches services behind circuit breakers. Without --config it runs a demo "
                                     u"fleet of simulated services on loopback and watches that."_s);
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOption({u"config"_s, u"Configuration file (YAML)."_s, u"FILE"_s});
    parser.addOption({u"screenshot"_s, u"Save a PNG of the window and quit (for docs and tests)."_s, u"FILE"_s});
    parser.addOption({u"theme"_s, u"system, light or dark (remembered otherwise from the View menu)."_s, u"THEME"_s});
    parser.addOption({u"select"_s, u"Service to show in the detail pane at start."_s, u"NAME"_s});
    parser.addOption({u"detail"_s, u"Detail tab to show at start: charts, instances, flapping or events."_s, u"TAB"_s});
    parser.addOption(
        {u"metrics-listen"_s, u"Also serve Breakerwatch's /metrics for Prometheus here."_s, u"HOST:PORT"_s});
    parser.addOption(
        {u"data-dir"_s, u"Where the history is kept (default: the platform's application data folder)."_s, u"DIR"_s});
    parser.addOption({u"tab"_s,
                      u"Main tab to show at start: overview, wall (the fleet wall), alerts, whatif or presets."_s,
                      u"TAB"_s});
    parser.addOption({u"whatif-sample"_s, u"Load the built-in 24 h sample into the what-if workbench and run it."_s});
    parser.addOption({u"whatif-sweep"_s,
                      u"Then sweep the selected policy: one or two grids as the CLI takes them, joined by ';' "
                      u"(e.g. \"failureRateThreshold=10..90:10;waitDurationInOpenState=5000..50000:5000\")."_s,
                      u"GRIDS"_s});
    parser.addOption({u"after"_s, u"Seconds to wait before --screenshot (default 5)."_s, u"SECONDS"_s, u"5"_s});
    parser.process(app);

    QElapsedTimer clock;
    clock.start();
    const std::int64_t wallStart = QDateTime::currentMSecsSinceEpoch();
    auto now = [&clock, wallStart] { return wallStart + clock.elapsed(); };

    const bw::PresetCatalog catalog;
    bw::ConfigLoader loader(catalog);
    std::unique_ptr<bw::DemoFleet> fleet;
    QString banner;
    bw::Result<bw::Config> config = bw::Error{};
    if (parser.isSet(u"config"_s)) {
        config = loader.loadFile(parser.value(u"config"_s));
        if (!config) {
            QMessageBox::critical(nullptr, QObject::tr("Breakerwatch"),
                                  QObject::tr("The configuration could not be loaded:\n\n%1").arg(config.error()));
            return 1;
        }
    } else {
        fleet = std::make_unique<bw::DemoFleet>([&clock] { return clock.elapsed(); }, wallStart);
        if (const bw::Status started = fleet->start({}); !started) {
            QMessageBox::critical(nullptr, QObject::tr("Breakerwatch"),
                                  QObject::tr("The demo fleet could not start:\n\n%1").arg(started.error()));
            return 1;
        }
        config = loader.loadText(fleet->configYaml(), u"<demo fleet>"_s, {});
        banner = QObject::tr("<b>Demo mode.</b> Breakerwatch is watching %1 simulated services (%2 instances, %3 "
                             "named breakers) on loopback. Every 4 minutes their shared payments gateway fails and "
                             "breakers in several services open together. To watch your own services, start it with "
                             "<code>--config FILE</code>; <code>resources/examples/breakerwatch.yml</code> is a "
                             "complete example.")
                     .arg(fleet->applicationCount())
                     .arg(fleet->services().size())
                     .arg(fleet->breakerCount());
    }

    QNetworkAccessManager network;
    // The application core, as `serve` builds it; the window adds views. History survives a restart (the demo's
    // only for the session, in a folder that goes at exit, unless --data-dir asks for more).
    QTemporaryDir demoData;
    bw::Application::Options options;
    options.config = *config;
    bw::StoreOptions storeOptions;
    storeOptions.dataDir =
        parser.isSet(u"data-dir"_s) || !fleet ? bw::resolveDataDir(parser.value(u"data-dir"_s)) : demoData.path();
    options.store = storeOptions;
    if (parser.isSet(u"config"_s))
        options.watchedFile = parser.value(u"config"_s); // saving it applies it; a broken save keeps the last
    bw::Application core(&network, now, catalog, options);
    if (parser.isSet(u"metrics-listen"_s)) {
        const auto where = bw::parseListenAddress(parser.value(u"metrics-listen"_s));
        const auto bound =
            where ? core.exporter().listen(where->first, where->second) : bw::Result<quint16>(bw::Error{where.error()});
        if (!bound) {
            QMessageBox::critical(nullptr, QObject::tr("Breakerwatch"),
                                  QObject::tr("Cannot serve /metrics on %1:\n\n%2")
                                      .arg(parser.value(u"metrics-listen"_s), bound.error()));
            return 1;
        }
    }
    bw::MainWindow window({&core.monitor(), &core.history(), &core.recorder(), &core.alerts(), &core.audit(),
                           &core.control(), now, &core.alertDesk(), &core.notifier()},
                          banner);
    bw::WorkbenchContext workbenchContext{&core.monitor(), &core.control(), &network, {}, now};
    if (bw::StoreWorker *store = core.store())
        workbenchContext.recorded = [store](const QString &service, std::int64_t from, std::int64_t to) {
            return store->call([&](bw::HistoryStore &s) { return bw::historyFromStore(s, service, from, to); });
        };
    auto *workbench = new bw::WorkbenchWidget(std::move(workbenchContext));
    window.addWorkbench(workbench);
    if (parser.isSet(u"theme"_s))
        window.setTheme(static_cast<int>(bw::themeChoiceFromName(parser.value(u"theme"_s))));
    else
        window.setTheme(
            static_cast<int>(bw::themeChoiceFromName(QSettings().value(u"theme"_s, u"system"_s).toString())));
    window.setConfigWarnings(config->warnings);
    if (bw::StoreRecorder *storeRecorder = core.storeRecorder()) {
        QObject::connect(storeRecorder, &bw::StoreRecorder::healthChanged, &window,
                         [&window](const bw::StoreHealth &health) { window.setStoreProblem(health.message); });
        window.setStoreProblem(core.storeProblem().isEmpty() ? storeRecorder->health().message : core.storeProblem());
    }
    const auto showAlertmanagers = [&window, &core] { window.setAlertmanagerStatuses(core.alertmanager().statuses()); };
    QObject::connect(&core.alertmanager(), &bw::AlertmanagerClient::statusChanged, &window, showAlertmanagers);
    QObject::connect(&core, &bw::Application::configApplied, &window, showAlertmanagers);
    showAlertmanagers();
    const auto showPrometheus = [&window, &core] {
        window.setPrometheusSourceStatus(core.monitor().prometheusStatus());
    };
    QObject::connect(&core.monitor(), &bw::FleetMonitor::prometheusAnswered, &window, showPrometheus);
    QObject::connect(&core, &bw::Application::configApplied, &window, showPrometheus);
    showPrometheus();
    if (core.watcher())
        window.follow(core.watcher());
    if (parser.isSet(u"detail"_s))
        window.showDetailTab(parser.value(u"detail"_s));
    if (const QString wanted = parser.value(u"select"_s); !wanted.isEmpty() && !window.selectBreakerNamed(wanted)) {
        // Named breakers are found by the first scrapes: select it when it shows up, or say it never did.
        auto *waiting = new QObject(&window);
        QObject::connect(&core.monitor(), &bw::FleetMonitor::breakersChanged, waiting, [&window, wanted, waiting] {
            if (window.selectBreakerNamed(wanted))
                waiting->deleteLater();
        });
        QTimer::singleShot(15'000, waiting, [wanted, waiting] {
            qWarning().noquote() << "--select: no breaker" << wanted;
            waiting->deleteLater();
        });
    }
    if (parser.isSet(u"tab"_s))
        window.showMainTab(parser.value(u"tab"_s));
    if (parser.isSet(u"whatif-sample"_s)) {
        workbench->loadSample();
        workbench->run();
        if (parser.isSet(u"whatif-sweep"_s)) {
            const QStringList grids = parser.value(u"whatif-sweep"_s).split(u';');
            QObject::connect(workbench, &bw::WorkbenchWidget::batchFinished, workbench, [workbench, grids] {
                static bool swept = false;
                if (std::exchange(swept, true))
                    return;
                if (const bw::Status s = workbench->sweep(grids.value(0), grids.value(1)); !s)
                    qWarning().noquote() << "--whatif-sweep:" << s.error();
            });
        }
    }
    window.show();
    core.start();

    if (parser.isSet(u"screenshot"_s)) {
        const int seconds = parser.value(u"after"_s).toInt();
        QTimer::singleShot(std::chrono::seconds(std::max(0, seconds)), &window, [&window, &parser] {
            const bool saved = window.grab().save(parser.value(u"screenshot"_s));
            QApplication::exit(saved ? 0 : 1);
        });
    }
    return QApplication::exec();
}
