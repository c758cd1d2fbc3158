#include "servecommand.h"

#include "clioutput.h"
#include "datadiroption.h"

#include "alerts/alertmanagerpayload.h"
#include "app/application.h"
#include "config/configloader.h"
#include "store/datadir.h"
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

} // namespace

int runServe(const QStringList &arguments)
{
    using bw::report::jsonString;
    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"Runs polling, the simulated breakers, alerts and /metrics without a GUI, until SIGINT or SIGTERM. "
        u"Prints one JSON line per breaker transition, alert, acknowledgement and silence on standard output; the "
        u"configuration file is "
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
    bw::Application::Options options;
    options.config = *config;
    bw::StoreOptions storeOptions;
    storeOptions.dataDir = cli::guiDataDir(parser.value(u"data-dir"_s)); // the GUI's folder unless told otherwise
    options.store = storeOptions;
    options.watchedFile = parser.value(u"config"_s);
    options.displayRetention = bw::HistoryRetention::withoutViews(); // serve draws nothing; the store keeps history
    options.observedHistoryMs = 0; // nor lists a day of each real breaker's transitions: its flapping window only
    // The same application core as the GUI's: the history store on its thread, recent history restored.
    bw::Application app(&network, now, catalog, options);
    if (!app.storeProblem().isEmpty())
        err(u"history store degraded, polling goes on: "_s + app.storeProblem());
    else
        err(u"history in %1"_s.arg(app.storePath()));
    QObject::connect(app.storeRecorder(), &bw::StoreRecorder::healthChanged, [](const bw::StoreHealth &health) {
        err(health.ok() ? u"history store ok again"_s : u"history store degraded: "_s + health.message);
    });

    const QString listen = parser.value(u"metrics-listen"_s);
    if (listen != u"off") {
        const auto where = bw::parseListenAddress(listen);
        if (!where) {
            err(u"--metrics-listen: "_s + where.error());
            return Usage;
        }
        const auto [address, port] = *where;
        const auto bound = app.exporter().listen(address, port);
        if (!bound) {
            err(u"cannot serve /metrics on %1: %2"_s.arg(listen, bound.error()));
            return BadInput;
        }
        err(u"serving /metrics on http://%1:%2/metrics"_s.arg(address.toString()).arg(*bound));
    }

    bw::FleetMonitor &monitor = app.monitor();
    // Every line names the breaker the same four ways: service, instance, breaker (its name; "health" for the
    // instance's own) and origin (simulated or real).
    const auto line = [](const char *event, std::int64_t t, const bw::BreakerId &id, const char *origin,
                         std::initializer_list<std::pair<const char *, QByteArray>> rest) {
        QByteArray out = "{\"event\":\"" + QByteArray(event) + "\",\"t\":" + QByteArray::number(t) +
                         ",\"service\":" + jsonString(id.service) + ",\"instance\":" + jsonString(id.instance) +
                         ",\"breaker\":" + jsonString(id.breakerLabel());
        if (origin)
            out += ",\"origin\":\"" + QByteArray(origin) + '"';
        for (const auto &[key, value] : rest)
            out += ",\"" + QByteArray(key) + "\":" + value;
        cli::out(out + '}');
        flush();
    };
    QObject::connect(&monitor, &bw::FleetMonitor::transition,
                     [line](const bw::BreakerId &id, const bw::Transition &tr) {
                         line("transition", tr.t, id, "simulated",
                              {{"from", jsonString(bw::stateName(tr.from))},
                               {"to", jsonString(bw::stateName(tr.to))},
                               {"reason", jsonString(tr.reason.describe())}});
                     });
    // The real breakers' transitions, each once (the monitor re-sends the whole history when it changes).
    QHash<bw::BreakerId, std::int64_t> realSeenUpTo;
    QObject::connect(&monitor, &bw::FleetMonitor::observedTransitionsChanged,
                     [line, &realSeenUpTo](const bw::BreakerId &id, const QList<bw::ObservedTransition> &all) {
                         std::int64_t &upTo = realSeenUpTo[id];
                         for (const bw::ObservedTransition &tr : all) {
                             if (tr.t <= upTo)
                                 continue;
                             upTo = tr.t;
                             if (tr.from == tr.to)
                                 continue;
                             line("transition", tr.t, id, "real",
                                  {{"from", jsonString(bw::stateName(tr.from))},
                                   {"to", jsonString(bw::stateName(tr.to))},
                                   {"reason", jsonString(tr.betweenScrapes ? u"happened between two scrapes"_s
                                                         : tr.fromGauge    ? u"read from the source's state"_s
                                                                           : u"reported event"_s)},
                                   {"between_scrapes", tr.betweenScrapes ? "true" : "false"}});
                         }
                     });
    QObject::connect(&monitor, &bw::FleetMonitor::breakerAdded, [line, &monitor, now](const bw::BreakerId &id) {
        const bw::BreakerStatus status = monitor.status(id);
        line("breaker_found", now(), id, nullptr, {{"source", jsonString(bw::sourceName(status.source))}});
    });
    QObject::connect(&monitor, &bw::FleetMonitor::breakerRemoved,
                     [line, now](const bw::BreakerId &id) { line("breaker_gone", now(), id, nullptr, {}); });
    bw::AlertDesk &desk = app.alertDesk();
    const auto jsonList = [](const QStringList &items) -> QByteArray {
        QByteArray out = "[";
        for (const QString &item : items) {
            if (out.size() > 1)
                out += ',';
            out += jsonString(item);
        }
        out += ']';
        return out;
    };
    // Alerts say whether they are acknowledged and which silences mute them (Alertmanager's too).
    const auto alertLine = [line, &desk, now, jsonList](const char *event, const bw::Alert &alert) {
        const bw::AlertDesk::Marks marks = desk.marks(alert, now());
        QStringList silencedBy;
        for (const bw::Silence &s : marks.silencedBy)
            silencedBy << s.id;
        line(event, alert.resolvedAtMs.value_or(alert.firedAtMs), bw::BreakerId::parse(alert.service),
             alert.source == bw::AlertSource::Simulated ? "simulated" : "real",
             {{"alert", jsonString(bw::alertKindName(alert.kind))},
              {"alertname", jsonString(bw::alertmanagerAlertName(alert.kind))},
              {"summary", jsonString(alert.summary)},
              {"acknowledged", marks.acknowledged() ? "true" : "false"},
              {"silenced", marks.silenced() ? "true" : "false"},
              {"silenced_by", jsonList(silencedBy)}});
    };
    QObject::connect(&app.alerts(), &bw::AlertCenter::alertFired,
                     [&](const bw::Alert &a) { alertLine("alert_fired", a); });
    QObject::connect(&app.alerts(), &bw::AlertCenter::alertResolved,
                     [&](const bw::Alert &a) { alertLine("alert_resolved", a); });
    // Acknowledgements as they are made (in a GUI on the same history, then restored here: "carried" until their
    // alert fires again), taken up by an alert, and ended with it.
    const auto ackLine = [line](const bw::Acknowledgement &ack, std::int64_t t) {
        const bool ended = ack.endedAtMs.has_value();
        line(ended ? "acknowledgement_ended" : "alert_acknowledged", t, bw::BreakerId::parse(ack.alert.breaker),
             ack.alert.source == bw::AlertSource::Simulated ? "simulated" : "real",
             {{"alert", jsonString(bw::alertKindName(ack.alert.kind))},
              {"alertname", jsonString(bw::alertmanagerAlertName(ack.alert.kind))},
              {"id", jsonString(ack.id)},
              {"who", jsonString(ack.who)},
              {"comment", jsonString(ack.comment)},
              {"acknowledged_at", QByteArray::number(ack.atMs)},
              {"fired_at", ack.carried ? QByteArray("null") : QByteArray::number(ack.firedAtMs)},
              {"carried", ack.carried ? "true" : "false"}});
    };
    for (const bw::Acknowledgement &ack : desk.acknowledgements())
        ackLine(ack, now());
    QObject::connect(&desk, &bw::AlertDesk::acknowledgementChanged,
                     [ackLine, now](const bw::Acknowledgement &ack) { ackLine(ack, ack.endedAtMs.value_or(now())); });
    // Silences, local and Alertmanager's, as they begin to hold and as they end (expired, or their time is up).
    QHash<QString, bw::Silence> activeSilences;
    const auto silenceLines = [&desk, &activeSilences, now, jsonList] {
        const std::int64_t t = now();
        QHash<QString, bw::Silence> current;
        for (const bw::Silence &s : desk.silences(t))
            current.insert(s.id, s);
        const auto print = [&](const char *event, const bw::Silence &s) {
            QStringList matchers;
            for (const bw::SilenceMatcher &m : s.matchers)
                matchers << m.describe();
            const bool local = s.origin == bw::SilenceOrigin::Local;
            QByteArray out = "{\"event\":\"" + QByteArray(event) + "\",\"t\":" + QByteArray::number(t) +
                             ",\"id\":" + jsonString(s.id) + ",\"kept\":\"" +
                             QByteArray(local ? "local" : "alertmanager") + '"';
            if (!local)
                out += ",\"alertmanager\":" + jsonString(s.alertmanager);
            out += ",\"matchers\":" + jsonList(matchers) + ",\"starts_at\":" + QByteArray::number(s.startsAtMs) +
                   ",\"ends_at\":" + QByteArray::number(s.endsAtMs) + ",\"created_by\":" + jsonString(s.createdBy) +
                   ",\"comment\":" + jsonString(s.comment) + '}';
            cli::out(out);
        };
        for (auto it = current.cbegin(); it != current.cend(); ++it)
            if (!activeSilences.contains(it.key()))
                print("silence_active", it.value());
        for (auto it = activeSilences.cbegin(); it != activeSilences.cend(); ++it)
            if (!current.contains(it.key()))
                print("silence_ended", it.value());
        activeSilences = std::move(current);
        flush();
    };
    silenceLines();
    QObject::connect(&desk, &bw::AlertDesk::changed, silenceLines);
    QTimer silenceClock; // a silence's time running out changes nothing else
    QObject::connect(&silenceClock, &QTimer::timeout, silenceLines);
    silenceClock.start(std::chrono::seconds(1));
    // An Alertmanager that stops taking alerts, and the same one taking them again; one line each.
    QHash<QString, bw::AlertmanagerStatus::State> alertmanagerStates;
    QObject::connect(&app.alertmanager(), &bw::AlertmanagerClient::statusChanged,
                     [&alertmanagerStates, now](const bw::AlertmanagerStatus &status) {
                         using State = bw::AlertmanagerStatus::State;
                         const QString url = status.url.toString();
                         const State before = alertmanagerStates.value(url, State::Unknown);
                         alertmanagerStates.insert(url, status.state);
                         if (status.state == before || (status.state == State::Ok && before == State::Unknown))
                             return;
                         QByteArray out =
                             "{\"event\":\"" +
                             QByteArray(status.ok() ? "alertmanager_reachable" : "alertmanager_unreachable") +
                             "\",\"t\":" + QByteArray::number(now()) + ",\"url\":" + jsonString(url);
                         if (!status.ok())
                             out += ",\"error\":" + jsonString(status.lastError) +
                                    ",\"retry_at\":" + QByteArray::number(status.retryAtMs);
                         cli::out(out + '}');
                         flush();
                     });
    // prometheus.breakers: one line when the server's answers change kind (ok, partial, down), with the reason.
    bw::PrometheusSourceStatus::Health prometheusHealth = bw::PrometheusSourceStatus::Health::Unknown;
    QString prometheusProblem;
    QObject::connect(&monitor, &bw::FleetMonitor::prometheusAnswered,
                     [&prometheusHealth, &prometheusProblem](const bw::PrometheusSourceStatus &status) {
                         if (status.health == prometheusHealth && status.problem == prometheusProblem)
                             return;
                         prometheusHealth = status.health;
                         prometheusProblem = status.problem;
                         QByteArray out = "{\"event\":\"prometheus_" + bw::healthName(status.health).toUtf8() +
                                          "\",\"t\":" + QByteArray::number(status.lastAttemptMs) +
                                          ",\"url\":" + jsonString(status.url) +
                                          ",\"queries\":" + QByteArray::number(status.queriesPerInterval);
                         if (status.health == bw::PrometheusSourceStatus::Health::Down)
                             out += ",\"error\":" + jsonString(status.problem) +
                                    ",\"last_answer\":" + QByteArray::number(status.lastAnsweredMs);
                         else
                             out += ",\"instances\":" + QByteArray::number(status.instances) +
                                    ",\"breakers\":" + QByteArray::number(status.breakers);
                         if (status.health == bw::PrometheusSourceStatus::Health::Partial)
                             out += ",\"warnings\":" + jsonString(status.problem);
                         cli::out(out + '}');
                         flush();
                     });
    if (config->prometheus && config->prometheus->breakers)
        err(u"breakers from Prometheus at %1"_s.arg(config->prometheus->url.toString(QUrl::RemoveUserInfo)));
    for (const bw::AlertmanagerConfig &am : config->alertmanagers)
        for (const QUrl &url : am.alertsUrls())
            err(u"alerts go to %1"_s.arg(url.toString()));
    QObject::connect(&app, &bw::Application::configApplied, [](const bw::Config &reloaded) {
        err(u"configuration reloaded: %1 instances"_s.arg(reloaded.services.size()));
        for (const QString &warning : reloaded.warnings)
            err(u"warning: "_s + warning);
    });
    QObject::connect(&app, &bw::Application::configReloadFailed, [](const QString &problem) {
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

    app.start();
    err(u"watching %1 instances from %2"_s.arg(config->services.size()).arg(parser.value(u"config"_s)));
    flush();
    const int code = QCoreApplication::exec();
    app.stop();
    err(u"stopped"_s);
    flush();
    return code;
}

} // namespace cli
