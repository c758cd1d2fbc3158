#include "discovercommand.h"

#include "clioutput.h"

#include "common/durations.h"
#include "config/configloader.h"
#include "monitor/fleetmonitor.h"
#include "probe/httpprober.h"
#include "whatif/replayreport.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QNetworkAccessManager>
#include <QSet>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace cli {

namespace {

// The sources of one instance that must answer once: "service\ninstance\nsource".
QSet<QString> expectedSources(const bw::Config &config)
{
    QSet<QString> expected;
    for (const bw::ServiceConfig &service : config.services) {
        const QString prefix = service.name + u'\n' + service.instanceName() + u'\n';
        if (service.health)
            expected << prefix + u"health"_s;
        if (service.metrics)
            expected << prefix + u"metrics"_s;
        if (service.actuator)
            expected << prefix + u"actuator"_s;
        if (service.remote && service.remote->eventsUrl.isValid() && !service.remote->eventsUrl.isEmpty())
            expected << prefix + u"events"_s;
        if (service.hystrixStream)
            expected << prefix + u"hystrix"_s;
    }
    return expected;
}

QByteArray settingsJson(const QList<QPair<QString, QString>> &settings)
{
    using bw::report::jsonString;
    QByteArray out = "{";
    for (const auto &[key, value] : settings) {
        if (out.size() > 1)
            out += ',';
        out += jsonString(key) + ':' + jsonString(value);
    }
    return out + '}';
}

} // namespace

int runDiscover(const QStringList &arguments)
{
    using bw::report::jsonString;
    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"Polls every source of every instance of a configuration once (and asks prometheus.breakers' server once) "
        u"and prints one JSON line per breaker found: "
        u"service, instance, breaker, source, state (the real breaker's), stale, url and the settings the source "
        u"reports. Errors per source go to standard error; the exit code is 0 when every source answered."_s);
    parser.addHelpOption();
    parser.addOption({u"config"_s, u"Configuration file (YAML)."_s, u"FILE"_s});
    parser.addOption({u"timeout"_s, u"How long to wait for every source (default: the configuration's timeout + 2s)."_s,
                      u"DURATION"_s});
    parser.addOption({u"with-health"_s, u"Also list each instance's health breaker (Breakerwatch's own)."_s});
    if (const auto exit = parseOrExit(parser, arguments))
        return *exit;
    if (!parser.isSet(u"config"_s)) {
        err(u"discover needs --config FILE"_s);
        return Usage;
    }
    const bw::PresetCatalog catalog;
    const bw::ConfigLoader loader(catalog);
    auto config = loader.loadFile(parser.value(u"config"_s));
    if (config && config->prometheus && config->prometheus->breakers)
        config->prometheus->breakers->historyMs = 0; // one round of the present: the past is the timelines' business
    if (!config) {
        err(config.error());
        return BadInput;
    }
    for (const QString &warning : config->warnings)
        err(u"warning: "_s + warning);
    std::int64_t timeoutMs = config->global.timeoutMs + 2000;
    if (parser.isSet(u"timeout"_s)) {
        const auto parsed = bw::parseDurationMs(parser.value(u"timeout"_s));
        if (!parsed) {
            err(u"--timeout: "_s + parsed.error());
            return Usage;
        }
        timeoutMs = *parsed;
    }

    const auto now = [] { return QDateTime::currentMSecsSinceEpoch(); };
    QNetworkAccessManager network;
    bw::HttpProber prober(&network);
    bw::FleetMonitor monitor(&prober, now);
    monitor.setConfig(*config);

    QSet<QString> waiting = expectedSources(*config);
    QStringList problems;
    QTimer settle; // a stream sends each command in its own second: listen one more second after its first data
    settle.setSingleShot(true);
    settle.setInterval(std::chrono::milliseconds(1200));
    bool streamsSettling = false;
    const auto finishIfDone = [&] {
        if (!waiting.isEmpty())
            return;
        if (streamsSettling && settle.isActive())
            return;
        QCoreApplication::quit();
    };
    QObject::connect(&settle, &QTimer::timeout, finishIfDone);
    QObject::connect(
        &monitor, &bw::FleetMonitor::sourceAnswered,
        [&](const QString &service, const QString &instance, const QString &source, const QString &problem) {
            const QString key = service + u'\n' + instance + u'\n' + source;
            if (!waiting.remove(key))
                return;
            if (!problem.isEmpty())
                problems << u"%1 %2 %3: %4"_s.arg(service, instance, source, problem);
            else if (source == u"hystrix") {
                streamsSettling = true;
                settle.start();
            }
            finishIfDone();
        });
    // prometheus.breakers: the server's first interval (answered or failed) is part of the round.
    const bool viaPrometheus = config->prometheus && config->prometheus->breakers;
    const QString prometheusKey = u"\nprometheus"_s;
    if (viaPrometheus)
        waiting << prometheusKey;
    QObject::connect(&monitor, &bw::FleetMonitor::prometheusAnswered, [&](const bw::PrometheusSourceStatus &status) {
        if (!waiting.remove(prometheusKey))
            return;
        if (status.health == bw::PrometheusSourceStatus::Health::Down)
            problems << u"prometheus %1: %2"_s.arg(status.url, status.problem);
        else if (status.health == bw::PrometheusSourceStatus::Health::Partial)
            err(u"prometheus %1: %2"_s.arg(status.url, status.problem));
        finishIfDone();
    });
    QTimer deadline;
    deadline.setSingleShot(true);
    QObject::connect(&deadline, &QTimer::timeout, [] { QCoreApplication::quit(); });
    deadline.start(std::chrono::milliseconds(timeoutMs));

    monitor.start();
    monitor.pollAllNow();
    if (!waiting.isEmpty())
        QCoreApplication::exec();
    monitor.stop();

    const bool withHealth = parser.isSet(u"with-health"_s);
    int found = 0;
    for (const bw::BreakerId &id : monitor.breakers()) {
        if (id.isHealth() && !withHealth)
            continue;
        const bw::BreakerStatus s = monitor.status(id);
        const std::optional<bw::BreakerState> state = id.isHealth() ? std::optional(s.state) : s.observedState;
        QByteArray line = "{\"service\":" + jsonString(id.service) + ",\"instance\":" + jsonString(id.instance) +
                          ",\"breaker\":" + jsonString(id.breakerLabel()) +
                          ",\"source\":" + jsonString(bw::sourceName(s.source)) +
                          ",\"state\":" + jsonString(state ? bw::stateName(*state) : u"unknown"_s);
        if (s.observedOpenMayBeHalfOpen && state == bw::BreakerState::Open)
            line += ",\"state_note\":\"open or half-open: hystrix reports only not-closed\"";
        line += ",\"stale\":" + QByteArray(s.stale ? "true" : "false") + ",\"url\":" + jsonString(s.url);
        if (!s.settings.isEmpty())
            line += ",\"settings\":" + settingsJson(s.settings);
        out(line + '}');
        ++found;
    }
    QStringList silent;
    for (const QString &key : std::as_const(waiting))
        silent << (key == prometheusKey ? u"prometheus %1"_s.arg(config->prometheus->url.toString(QUrl::RemoveUserInfo))
                                        : key.split(u'\n').join(u' '));
    silent.sort();
    for (const QString &key : std::as_const(silent))
        problems << key + u": no answer within %1 ms"_s.arg(timeoutMs);
    for (const QString &problem : std::as_const(problems))
        err(problem);
    QSet<QString> instances;
    for (const bw::BreakerId &id : monitor.breakers())
        instances.insert(id.service + u'\n' + id.instance);
    err(u"%1 breakers found on %2 instances%3"_s.arg(found)
            .arg(std::max<qsizetype>(instances.size(), static_cast<qsizetype>(config->services.size())))
            .arg(problems.isEmpty() ? QString()
                                    : u"; %1 sources did not answer or could not be read"_s.arg(problems.size())));
    flush();
    return problems.isEmpty() ? Ok : BadInput;
}

} // namespace cli
