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
        u"Serves simulated applications on loopback, one port per instance, for Breakerwatch to watch.\n"
        u"Each application has 2-4 named breakers and 2-3 instances, in three shapes: Resilience4j (actuator and\n"
        u"metrics), opossum (opossum-prometheus counters and a hystrix.stream) and a /health/circuit-breakers page.\n"
        u"Scenarios: %1 (default: mostly healthy, a shared downstream that takes breakers in several services\n"
        u"down together every 4 minutes, one flapping instance)."_s.arg(bw::DemoFleet::scenarios().join(u", "_s)));
    parser.addHelpOption();
    parser.addOption({u"listen"_s, u"Address and first port (services take consecutive ports; port 0 = any free)."_s,
                      u"HOST:PORT"_s, u"127.0.0.1:0"_s});
    parser.addOption({u"services"_s, u"Number of applications (services; default 8)."_s, u"N"_s, u"8"_s});
    parser.addOption({u"layout"_s, u"applications (default), or single: one instance and one breaker per service."_s,
                      u"LAYOUT"_s, u"applications"_s});
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
    const QString layout = parser.value(u"layout"_s);
    if (layout != u"applications" && layout != u"single") {
        std::fprintf(stderr, "breakerwatch-demo: --layout takes applications or single\n");
        return 2;
    }
    options.layout = layout == u"single" ? bw::FleetLayout::OneBreakerPerService : bw::FleetLayout::Applications;
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
    for (const auto &service : fleet.services()) {
        QStringList breakers;
        for (const bw::DemoBreaker &b : service->breakers())
            breakers << b.name() + u'=' + bw::modeName(b.behaviour().mode());
        std::printf("%s %s %s %s %s\n", qPrintable(service->name()), qPrintable(service->baseUrl().toString()),
                    qPrintable(bw::shapeName(service->shape())), qPrintable(bw::modeName(service->modeAt(0))),
                    qPrintable(breakers.join(u' ')));
    }
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
