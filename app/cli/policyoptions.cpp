#include "policyoptions.h"

#include "datadiroption.h"
#include "networkcommands.h"

#include "breaker/policyfile.h"
#include "common/durations.h"
#include "config/configloader.h"
#include "store/datadir.h"
#include "store/historystore.h"
#include "whatif/prometheusbackfill.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QEventLoop>
#include <QFileInfo>
#include <QNetworkAccessManager>

using namespace Qt::StringLiterals;

namespace cli {

void addStreamOptions(QCommandLineParser &parser)
{
    parser.addOption({u"in"_s,
                      u"Events file (JSON Lines: {\"t\":ms,\"ok\":bool,\"latency_ms\":n}); - reads "
                      u"standard input."_s,
                      u"EVENTS.jsonl"_s});
    parser.addOption({u"service"_s,
                      u"Replay this service's polls from the history store (--data-dir) over --from..--to; its "
                      u"runs of 3+ failed polls are the outages."_s,
                      u"NAME"_s});
    parser.addOption({u"data-dir"_s, u"The history store's folder (default: the GUI's)."_s, u"DIR"_s});
    parser.addOption({u"requests"_s,
                      u"Backfill from Prometheus: the per-second request rate, e.g. "
                      u"'sum(rate(http_requests_total{job=\"api\"}[1m]))' (a count with --counters)."_s,
                      u"QUERY"_s});
    parser.addOption(
        {u"failures"_s, u"Prometheus: the per-second failure rate (a count with --counters)."_s, u"QUERY"_s});
    parser.addOption(
        {u"error-ratio"_s, u"Prometheus: instead of --failures, the failed fraction (0..1)."_s, u"QUERY"_s});
    parser.addOption(
        {u"up"_s, u"Prometheus: outages are where this is 0 (default: 3+ steps with >= 50% failures)."_s, u"QUERY"_s});
    parser.addOption({u"counters"_s,
                      u"Prometheus: --requests and --failures are cumulative counts; each step's increase is its "
                      u"calls (totals exact)."_s});
    parser.addOption(
        {u"step"_s, u"Prometheus: the step (default 15s); each step's calls spread over it."_s, u"D"_s, u"15s"_s});
    parser.addOption({u"prometheus"_s,
                      u"Prometheus: the server URL (default: --config's, else http://127.0.0.1:9090)."_s, u"URL"_s});
    parser.addOption({u"config"_s, u"Prometheus: take the server, auth and TLS from this configuration."_s, u"FILE"_s});
    parser.addOption({u"from"_s,
                      u"Store or Prometheus: start of the range (now, now-6h, unix seconds, ISO 8601; default "
                      u"now-24h)."_s,
                      u"T"_s, u"now-24h"_s});
    parser.addOption({u"to"_s, u"Store or Prometheus: end of the range (default now)."_s, u"T"_s, u"now"_s});
    parser.addOption({u"timeout-ms"_s, u"A call with latency_ms > N counts as a failure."_s, u"N"_s});
    parser.addOption({u"outage"_s,
                      u"A real outage from START to END ms of the stream, for detection and recovery delays "
                      u"(repeatable). Replaces the outages found in the history (runs of 3+ failed polls or calls)."_s,
                      u"START:END"_s});
}

void addPolicyOptions(QCommandLineParser &parser)
{
    parser.addOption({u"preset"_s, u"Breaker preset (see `breakerwatch-cli presets`)."_s, u"NAME"_s});
    parser.addOption({u"policy"_s, u"Policy file (YAML: preset + parameters)."_s, u"FILE"_s});
    parser.addOption(
        {u"set"_s, u"Override a preset parameter, by the library's own name (repeatable)."_s, u"key=value"_s});
}

bw::Result<PolicySelection> policySelection(const QCommandLineParser &parser, const bw::PresetCatalog &catalog)
{
    PolicySelection selection;
    const bool hasPreset = parser.isSet(u"preset"_s);
    const bool hasPolicy = parser.isSet(u"policy"_s);
    if (hasPreset == hasPolicy)
        return bw::Error{
            u"give exactly one of --preset NAME or --policy FILE; presets: %1"_s.arg(catalog.names().join(u", "))};
    if (hasPolicy) {
        auto document = bw::readPolicyFile(parser.value(u"policy"_s));
        if (!document)
            return bw::Error{document.error()};
        selection.preset = document->preset;
        selection.overrides = document->parameters;
    } else {
        selection.preset = parser.value(u"preset"_s);
    }
    const bw::Preset *preset = catalog.find(selection.preset);
    if (!preset)
        return bw::Error{
            u"unknown preset \"%1\"; valid presets: %2"_s.arg(selection.preset, catalog.names().join(u", "))};
    selection.preset = preset->name;
    for (const QString &assignment : parser.values(u"set"_s)) {
        const qsizetype equals = assignment.indexOf(u'=');
        if (equals <= 0)
            return bw::Error{u"--set expects key=value, got \"%1\""_s.arg(assignment)};
        selection.overrides.append({assignment.left(equals).trimmed(), assignment.mid(equals + 1).trimmed()});
    }
    // Name errors first, with the valid names, before any value is looked at.
    auto resolved = catalog.resolveText(selection.preset, selection.overrides);
    if (!resolved)
        return bw::Error{resolved.error()};
    return selection;
}

bw::Result<std::vector<bw::Outage>> outages(const QCommandLineParser &parser)
{
    std::vector<bw::Outage> out;
    for (const QString &text : parser.values(u"outage"_s)) {
        const QStringList parts = text.split(u':');
        bool okStart = false;
        bool okEnd = false;
        const qint64 start = parts.value(0).toLongLong(&okStart);
        const qint64 end = parts.value(1).toLongLong(&okEnd);
        if (parts.size() != 2 || !okStart || !okEnd || end < start)
            return bw::Error{u"--outage expects START:END in ms with END >= START, got \"%1\""_s.arg(text)};
        out.push_back({start, end});
    }
    return out;
}

bw::Result<double> timeoutMs(const QCommandLineParser &parser)
{
    if (!parser.isSet(u"timeout-ms"_s))
        return -1.0;
    bool ok = false;
    const double value = parser.value(u"timeout-ms"_s).toDouble(&ok);
    if (!ok || value < 0)
        return bw::Error{
            u"--timeout-ms expects a non-negative number, got \"%1\""_s.arg(parser.value(u"timeout-ms"_s))};
    return value;
}

namespace {

struct TimeRange
{
    std::int64_t from = 0;
    std::int64_t to = 0;
};

bw::Result<TimeRange> timeRange(const QCommandLineParser &parser)
{
    const auto from = parseTime(parser.value(u"from"_s));
    if (!from)
        return bw::Error{
            u"--from: \"%1\" is not a time (now, now-6h, unix seconds, ISO 8601)"_s.arg(parser.value(u"from"_s))};
    const auto to = parseTime(parser.value(u"to"_s));
    if (!to)
        return bw::Error{
            u"--to: \"%1\" is not a time (now, now-6h, unix seconds, ISO 8601)"_s.arg(parser.value(u"to"_s))};
    if (*from >= *to)
        return bw::Error{u"--from (%1) must be before --to (%2)"_s.arg(parser.value(u"from"_s), parser.value(u"to"_s))};
    return TimeRange{*from, *to};
}

} // namespace

bw::Result<HistorySource> historySource(const QCommandLineParser &parser)
{
    const bool jsonl = parser.isSet(u"in"_s);
    const bool store = parser.isSet(u"service"_s);
    const bool prometheus = parser.isSet(u"requests"_s);
    if (int(jsonl) + int(store) + int(prometheus) > 1)
        return bw::Error{u"give one source of events: --in FILE, --service NAME (the history store) or --requests "
                         u"QUERY (Prometheus)"_s};
    if (!prometheus) {
        for (const QString &option :
             {u"failures"_s, u"error-ratio"_s, u"up"_s, u"counters"_s, u"step"_s, u"prometheus"_s, u"config"_s}) {
            if (parser.isSet(option))
                return bw::Error{u"--%1 is for a Prometheus backfill, which needs --requests QUERY"_s.arg(option)};
        }
    }
    if (!store && parser.isSet(u"data-dir"_s))
        return bw::Error{u"--data-dir needs --service NAME"_s};
    if (jsonl && (parser.isSet(u"from"_s) || parser.isSet(u"to"_s) || parser.isSet(u"step"_s)))
        return bw::Error{u"--from, --to and --step select a range of the store or of Prometheus, not of --in"_s};
    if (prometheus && parser.isSet(u"failures"_s) == parser.isSet(u"error-ratio"_s))
        return bw::Error{u"a Prometheus backfill needs exactly one of --failures QUERY or --error-ratio QUERY"_s};
    if (store || prometheus) {
        if (const auto range = timeRange(parser); !range)
            return bw::Error{range.error()};
    }
    if (prometheus) {
        if (const auto step = bw::parseDurationMs(parser.value(u"step"_s)); !step || *step <= 0)
            return bw::Error{u"--step: \"%1\" is not a positive duration (e.g. 15s)"_s.arg(parser.value(u"step"_s))};
    }
    return jsonl        ? HistorySource::Jsonl
           : store      ? HistorySource::Store
           : prometheus ? HistorySource::Prometheus
                        : HistorySource::None;
}

namespace {

bw::Result<bw::ReplayHistory> historyFromStoreOptions(const QCommandLineParser &parser)
{
    const auto range = timeRange(parser);
    if (!range)
        return bw::Error{range.error()};
    bw::StoreOptions options;
    options.dataDir = cli::guiDataDir(parser.value(u"data-dir"_s)); // the GUI's folder unless told otherwise
    const QString file = QDir(options.dataDir).filePath(bw::HistoryStore::fileName());
    if (!QFileInfo::exists(file))
        return bw::Error{u"no history store in %1 (%2 not found); give --data-dir DIR"_s.arg(
            QDir::toNativeSeparators(options.dataDir), bw::HistoryStore::fileName())};
    bw::HistoryStore store(options);
    if (const bw::Status opened = store.open(QDateTime::currentMSecsSinceEpoch()); !opened)
        return bw::Error{opened.error()};
    return bw::historyFromStore(store, parser.value(u"service"_s), range->from, range->to);
}

bw::Result<bw::ReplayHistory> historyFromPrometheusOptions(const QCommandLineParser &parser)
{
    const auto range = timeRange(parser);
    if (!range)
        return bw::Error{range.error()};
    const auto step = bw::parseDurationMs(parser.value(u"step"_s));
    if (!step || *step <= 0)
        return bw::Error{u"--step: \"%1\" is not a positive duration (e.g. 15s)"_s.arg(parser.value(u"step"_s))};

    bw::BackfillRequest request;
    request.server.url = QUrl(u"http://127.0.0.1:9090"_s);
    if (parser.isSet(u"config"_s)) {
        const bw::PresetCatalog catalog;
        const auto config = bw::ConfigLoader(catalog).loadFile(parser.value(u"config"_s));
        if (!config)
            return bw::Error{config.error()};
        if (!config->prometheus)
            return bw::Error{u"%1 has no prometheus block"_s.arg(parser.value(u"config"_s))};
        request.server = *config->prometheus;
    }
    if (parser.isSet(u"prometheus"_s))
        request.server.url = QUrl(parser.value(u"prometheus"_s));
    request.requestsQuery = parser.value(u"requests"_s);
    request.failuresQuery = parser.value(u"failures"_s);
    request.errorRatioQuery = parser.value(u"error-ratio"_s);
    request.upQuery = parser.value(u"up"_s);
    request.counters = parser.isSet(u"counters"_s);
    request.fromMs = range->from;
    request.toMs = range->to;
    request.stepMs = *step;
    request.service = request.server.url.host();
    if (const bw::Status valid = request.validate(); !valid)
        return bw::Error{valid.error() +
                         u" (--prometheus, --requests, --failures | --error-ratio, --from, --to, --step)"_s};

    QNetworkAccessManager network;
    bw::PrometheusBackfill backfill(&network);
    QEventLoop loop;
    std::optional<bw::Result<bw::ReplayHistory>> answer;
    QObject::connect(&backfill, &bw::PrometheusBackfill::finished, &loop,
                     [&](const bw::Result<bw::ReplayHistory> &history) {
                         answer = history;
                         loop.quit();
                     });
    backfill.start(request);
    if (!answer)
        loop.exec();
    return std::move(*answer);
}

} // namespace

bw::Result<bw::ReplayHistory> loadHistory(const QCommandLineParser &parser, double timeout)
{
    const auto source = historySource(parser);
    if (!source)
        return bw::Error{source.error()};
    bw::Result<bw::ReplayHistory> history =
        bw::Error{u"no events: give --in FILE, --service NAME or --requests QUERY"_s};
    switch (*source) {
    case HistorySource::None:
        break;
    case HistorySource::Jsonl:
        history = bw::historyFromJsonl(parser.value(u"in"_s));
        break;
    case HistorySource::Store:
        history = historyFromStoreOptions(parser);
        break;
    case HistorySource::Prometheus:
        history = historyFromPrometheusOptions(parser);
        break;
    }
    if (history && timeout >= 0)
        history->stream.applyLatencyTimeout(timeout);
    return history;
}

std::vector<bw::Outage> allOutages(const bw::ReplayHistory &history, const std::vector<bw::Outage> &extra)
{
    return extra.empty() ? history.outages : extra;
}

} // namespace cli
