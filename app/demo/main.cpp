// breakerwatch-demo: a fleet of simulated services on loopback. Wiring only; the fleet is core/demo.
#include "demo/demofleet.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>

#include <cstdio>

using namespace Qt::StringLiterals;

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"breakerwatch-demo"_s);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"Serves simulated services on loopback, one port each, for Breakerwatch to watch.\n"
        u"Scenarios: %1 (default mixes them so every breaker state and a flapping alert show within two minutes)."_s
            .arg(bw::DemoFleet::scenarios().join(u", "_s)));
    parser.addHelpOption();
    parser.addOption({u"listen"_s, u"Address and first port (services take consecutive ports; port 0 = any free)."_s,
                      u"HOST:PORT"_s, u"127.0.0.1:0"_s});
    parser.addOption({u"services"_s, u"Number of services (default 8)."_s, u"N"_s, u"8"_s});
    parser.addOption({u"scenario"_s, u"default, or one behaviour for every service."_s, u"NAME"_s, u"default"_s});
    parser.addOption({u"seed"_s, u"Seed: the same seed gives the same outcomes (default 1)."_s, u"S"_s, u"1"_s});
    parser.addOption({u"write-config"_s, u"Write the Breakerwatch configuration that watches the fleet."_s, u"FILE"_s});
    parser.process(app);

    const QString listen = parser.value(u"listen"_s);
    const qsizetype colon = listen.lastIndexOf(u':');
    bool portOk = false;
    const int port = listen.mid(colon + 1).toInt(&portOk);
    const QHostAddress address(listen.left(colon));
    bool servicesOk = false;
    bool seedOk = false;
    bw::FleetOptions options;
    options.services = parser.value(u"services"_s).toInt(&servicesOk);
    options.seed = parser.value(u"seed"_s).toULongLong(&seedOk);
    options.scenario = parser.value(u"scenario"_s);
    if (colon <= 0 || !portOk || port < 0 || port > 65535 || address.isNull() || !servicesOk || !seedOk) {
        std::fprintf(stderr, "breakerwatch-demo: --listen takes HOST:PORT, --services and --seed numbers\n");
        return 2;
    }
    options.address = address;
    options.firstPort = static_cast<quint16>(port);

    QElapsedTimer clock;
    clock.start();
    bw::DemoFleet fleet([&clock] { return clock.elapsed(); }, QDateTime::currentMSecsSinceEpoch());
    if (const bw::Status started = fleet.start(options); !started) {
        std::fprintf(stderr, "breakerwatch-demo: %s\n", qPrintable(started.error()));
        return 1;
    }
    for (const auto &service : fleet.services())
        std::printf("%s %s %s\n", qPrintable(service->name()), qPrintable(service->baseUrl().toString()),
                    qPrintable(bw::modeName(service->modeAt(0))));
    if (parser.isSet(u"write-config"_s)) {
        QFile file(parser.value(u"write-config"_s));
        if (!file.open(QIODevice::WriteOnly) || file.write(fleet.configYaml()) < 0) {
            std::fprintf(stderr, "breakerwatch-demo: cannot write %s: %s\n", qPrintable(file.fileName()),
                         qPrintable(file.errorString()));
            return 1;
        }
        std::printf("configuration written to %s\n", qPrintable(file.fileName()));
    }
    std::fflush(stdout);
    return QCoreApplication::exec();
}
