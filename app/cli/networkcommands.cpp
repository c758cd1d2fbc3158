#include "networkcommands.h"

#include "clioutput.h"

#include "common/durations.h"
#include "config/configloader.h"
#include "probe/httpprober.h"
#include "prometheus/expositionparser.h"
#include "prometheus/prometheusclient.h"
#include "whatif/replayreport.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QNetworkAccessManager>

using namespace Qt::StringLiterals;

namespace cli {

namespace {

QByteArray number(double value)
{
    return QByteArray::number(value, 'f', 3);
}

QByteArray probeJson(const QUrl &url, const bw::ProbeResult &r)
{
    using bw::report::jsonString;
    QByteArray out = "{\"url\":" + jsonString(url.toString(QUrl::RemoveUserInfo)) +
                     ",\"outcome\":" + jsonString(bw::outcomeKindName(r.kind)) +
                     ",\"ok\":" + (r.ok() ? "true" : "false") + ",\"http_status\":" + QByteArray::number(r.httpStatus) +
                     ",\"latency_ms\":" + number(r.latencyMs) + ",\"bytes\":" + QByteArray::number(r.bytes) +
                     ",\"message\":" + jsonString(r.message);
    out += ",\"timings\":{\"connect_start_ms\":" + number(r.timings.connectStartMs) +
           ",\"tls_done_ms\":" + number(r.timings.encryptedMs) +
           ",\"request_sent_ms\":" + number(r.timings.requestSentMs) +
           ",\"first_byte_ms\":" + number(r.timings.firstByteMs) + ",\"total_ms\":" + number(r.timings.totalMs) + '}';
    if (r.finalUrl.isValid() && r.finalUrl != url)
        out += ",\"final_url\":" + jsonString(r.finalUrl.toString(QUrl::RemoveUserInfo));
    out += '}';
    return out;
}

} // namespace

// ISO 8601, RFC 3339, unix seconds, or "now-1h"-style relative times.
std::optional<std::int64_t> parseTime(const QString &text)
{
    const std::int64_t now = QDateTime::currentMSecsSinceEpoch();
    if (text == u"now")
        return now;
    if (text.startsWith(u"now-")) {
        const auto ago = bw::parseDurationMs(text.mid(4));
        return ago ? std::optional<std::int64_t>(now - *ago) : std::nullopt;
    }
    bool ok = false;
    const double seconds = text.toDouble(&ok);
    if (ok)
        return static_cast<std::int64_t>(seconds * 1000.0);
    const QDateTime parsed = QDateTime::fromString(text, Qt::ISODateWithMs);
    return parsed.isValid() ? std::optional<std::int64_t>(parsed.toMSecsSinceEpoch()) : std::nullopt;
}

int runProbe(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(u"Probes one URL the way Breakerwatch polls: prints the classified outcome as "
                                     u"one JSON object. Exit code 0 when the outcome counts as a success."_s);
    parser.addHelpOption();
    parser.addPositionalArgument(u"url"_s, u"http:// or https:// URL"_s);
    parser.addOption({u"timeout"_s, u"Hard deadline for the whole request (default 10s)."_s, u"D"_s, u"10s"_s});
    parser.addOption({u"slow"_s, u"A success slower than this is reported as slow (default 2s)."_s, u"D"_s, u"2s"_s});
    parser.addOption({u"body-limit"_s, u"Maximum body size (default 10MB)."_s, u"SIZE"_s, u"10MB"_s});
    parser.addOption({u"ca-file"_s, u"Trust this CA (PEM) instead of the system roots."_s, u"FILE"_s});
    parser.addOption({u"insecure"_s, u"Do not verify the TLS certificate (a warning is printed)."_s});
    if (const auto exit = parseOrExit(parser, arguments))
        return *exit;
    if (parser.positionalArguments().size() != 1) {
        err(u"probe needs exactly one URL"_s);
        return Usage;
    }
    const QUrl url(parser.positionalArguments().front(), QUrl::StrictMode);
    if (!url.isValid() || (url.scheme() != u"http" && url.scheme() != u"https") || url.host().isEmpty()) {
        err(u"\"%1\" is not an absolute http:// or https:// URL"_s.arg(parser.positionalArguments().front()));
        return Usage;
    }
    const auto timeout = bw::parseDurationMs(parser.value(u"timeout"_s));
    const auto slow = bw::parseDurationMs(parser.value(u"slow"_s));
    const auto limit = bw::parseByteSize(parser.value(u"body-limit"_s));
    if (!timeout || !slow || !limit) {
        err(!timeout ? timeout.error() : !slow ? slow.error() : limit.error());
        return Usage;
    }
    bw::ProbeRequest request;
    request.url = url;
    request.timeoutMs = *timeout;
    request.slowMs = *slow;
    request.bodySizeLimit = *limit;
    request.tls.caFile = parser.value(u"ca-file"_s);
    request.tls.insecureSkipVerify = parser.isSet(u"insecure"_s);
    if (request.tls.insecureSkipVerify)
        err(u"warning: TLS certificate verification is OFF"_s);

    QNetworkAccessManager network;
    bw::HttpProber prober(&network);
    int code = Ok;
    prober.probe(request, QDateTime::currentMSecsSinceEpoch(), [&](const bw::ProbeResult &result) {
        out(probeJson(url, result));
        code = result.ok() ? Ok : BadInput;
        QCoreApplication::exit(code);
    });
    QCoreApplication::exec();
    flush();
    return code;
}

int runCheckConfig(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(u"Checks a Breakerwatch configuration: prints what it watches, or the first "
                                     u"problem with file, line and column."_s);
    parser.addHelpOption();
    parser.addPositionalArgument(u"file"_s, u"Configuration (YAML)"_s);
    if (const auto exit = parseOrExit(parser, arguments))
        return *exit;
    if (parser.positionalArguments().size() != 1) {
        err(u"check-config needs exactly one FILE"_s);
        return Usage;
    }
    const bw::PresetCatalog catalog;
    const auto config = bw::ConfigLoader(catalog).loadFile(parser.positionalArguments().front());
    if (!config) {
        err(config.error());
        return BadInput;
    }
    for (const QString &warning : config->warnings)
        err(u"warning: "_s + warning);
    out(u"%1: ok, %2 services, interval %3, timeout %4"_s.arg(config->sourceFile)
            .arg(config->services.size())
            .arg(bw::formatDurationMs(config->global.intervalMs), bw::formatDurationMs(config->global.timeoutMs))
            .toUtf8());
    for (const bw::ServiceConfig &service : config->services) {
        QStringList sources;
        if (service.health)
            sources << u"health "_s + service.health->url.toString(QUrl::RemoveUserInfo);
        if (service.metrics)
            sources << u"metrics "_s + service.metrics->http.url.toString(QUrl::RemoveUserInfo);
        if (service.remote)
            sources << u"remote breaker "_s + service.remote->url.toString(QUrl::RemoveUserInfo);
        out(u"  %1 [%2]: %3"_s.arg(service.name, service.preset, sources.join(u", "_s)).toUtf8());
    }
    flush();
    return Ok;
}

int runQuery(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(u"Runs a PromQL query against a Prometheus-compatible server; one JSON line "
                                     u"per series: {\"metric\":{...},\"points\":[[ms,value],...]}."_s);
    parser.addHelpOption();
    parser.addPositionalArgument(u"expr"_s, u"PromQL expression"_s);
    parser.addOption({u"prometheus"_s,
                      u"Server URL (default: the prometheus block of --config, else "
                      u"http://127.0.0.1:9090)."_s,
                      u"URL"_s});
    parser.addOption({u"config"_s, u"Take the server, auth and TLS from this configuration."_s, u"FILE"_s});
    parser.addOption({u"range"_s, u"Range query: START END STEP (times: ISO 8601, unix seconds, now, now-1h; "
                                  u"step: 15s)."_s});
    parser.addOption({u"timeout"_s, u"Deadline per request (default 30s)."_s, u"D"_s, u"30s"_s});
    if (const auto exit = parseOrExit(parser, arguments))
        return *exit;
    const QStringList positional = parser.positionalArguments();
    const bool range = parser.isSet(u"range"_s);
    if (positional.size() != (range ? 4 : 1)) {
        err(u"usage: query EXPR [--range START END STEP]"_s);
        return Usage;
    }
    bw::PrometheusServerConfig server;
    server.url = QUrl(u"http://127.0.0.1:9090"_s);
    if (parser.isSet(u"config"_s)) {
        const bw::PresetCatalog catalog;
        const auto config = bw::ConfigLoader(catalog).loadFile(parser.value(u"config"_s));
        if (!config) {
            err(config.error());
            return BadInput;
        }
        if (!config->prometheus) {
            err(u"%1 has no prometheus block"_s.arg(parser.value(u"config"_s)));
            return BadInput;
        }
        server = *config->prometheus;
    }
    if (parser.isSet(u"prometheus"_s))
        server.url = QUrl(parser.value(u"prometheus"_s));
    const auto timeout = bw::parseDurationMs(parser.value(u"timeout"_s));
    if (!timeout) {
        err(timeout.error());
        return Usage;
    }
    server.timeoutMs = *timeout;

    QNetworkAccessManager network;
    bw::HttpProber prober(&network);
    bw::PrometheusClient client(&prober, server);
    int code = Ok;
    auto print = [&code](const bw::Result<bw::PromQueryResult> &result) {
        if (!result) {
            err(result.error());
            code = BadInput;
        } else {
            for (const QString &warning : result->warnings)
                err(u"warning: "_s + warning);
            for (const bw::PromSeries &series : result->series) {
                QByteArray line = "{\"metric\":{";
                bool first = true;
                for (auto it = series.metric.cbegin(); it != series.metric.cend(); ++it) {
                    line += QByteArray(first ? "" : ",") + bw::report::jsonString(it.key()) + ':' +
                            bw::report::jsonString(it.value());
                    first = false;
                }
                line += "},\"points\":[";
                for (std::size_t i = 0; i < series.points.size(); ++i) {
                    const double v = series.points[i].second;
                    const QByteArray value = std::isnan(v)   ? "\"NaN\""
                                             : std::isinf(v) ? (v > 0 ? "\"+Inf\"" : "\"-Inf\"")
                                                             : QByteArray::number(v, 'g', 17);
                    line +=
                        QByteArray(i ? "," : "") + '[' + QByteArray::number(series.points[i].first) + ',' + value + ']';
                }
                line += "]}";
                out(line);
            }
            if (result->type == bw::PromQueryResult::Type::String)
                out(bw::report::jsonString(result->stringValue));
        }
        QCoreApplication::exit(code);
    };
    if (range) {
        const auto start = parseTime(positional[1]);
        const auto end = parseTime(positional[2]);
        const auto step = bw::parseDurationMs(positional[3]);
        if (!start || !end || !step) {
            err(u"--range needs START END STEP, e.g. now-1h now 15s"_s);
            return Usage;
        }
        client.queryRange(positional[0], *start, *end, *step, print);
    } else {
        client.query(positional[0], std::nullopt, print);
    }
    QCoreApplication::exec();
    flush();
    return code;
}

int runParseMetrics(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(u"Parses a Prometheus text (0.0.4) or OpenMetrics page from a file or URL. "
                                     u"Prints a summary, or every sample with --dump."_s);
    parser.addHelpOption();
    parser.addPositionalArgument(u"source"_s, u"A file, or an http:// / https:// URL to scrape"_s);
    parser.addOption({u"dump"_s, u"One sample a line: name{labels sorted by name} value [timestamp]."_s});
    parser.addOption({u"bench"_s, u"Parse N times and print MB/s and samples/s."_s, u"N"_s});
    parser.addOption({u"format"_s, u"auto (default), text or openmetrics."_s, u"FORMAT"_s, u"auto"_s});
    if (const auto exit = parseOrExit(parser, arguments))
        return *exit;
    if (parser.positionalArguments().size() != 1) {
        err(u"parse-metrics needs exactly one FILE or URL"_s);
        return Usage;
    }
    bw::ParseOptions options;
    const QString format = parser.value(u"format"_s);
    if (format == u"text")
        options.format = bw::ExpositionFormat::PrometheusText;
    else if (format == u"openmetrics")
        options.format = bw::ExpositionFormat::OpenMetrics;
    else if (format != u"auto") {
        err(u"--format must be auto, text or openmetrics"_s);
        return Usage;
    }

    const QString source = parser.positionalArguments().front();
    QByteArray page;
    if (source.startsWith(u"http://") || source.startsWith(u"https://")) {
        QNetworkAccessManager network;
        bw::HttpProber prober(&network);
        bw::ProbeRequest request;
        request.url = QUrl(source);
        request.timeoutMs = 30'000;
        request.bodySizeLimit = 256LL * 1024 * 1024;
        request.headers.insert(u"Accept"_s,
                               u"application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5"_s);
        int code = Ok;
        prober.probe(request, 0, [&](const bw::ProbeResult &result) {
            if (!result.ok()) {
                err(u"%1: %2 (%3)"_s.arg(source, bw::outcomeKindName(result.kind), result.message));
                code = BadInput;
            } else {
                page = result.body;
                options.contentType = result.contentType;
            }
            QCoreApplication::exit(code);
        });
        QCoreApplication::exec();
        if (code != Ok)
            return code;
    } else {
        QFile file(source);
        if (!file.open(QIODevice::ReadOnly)) {
            err(u"%1: cannot open: %2"_s.arg(source, file.errorString()));
            return BadInput;
        }
        page = file.readAll();
    }

    const auto parsed = bw::ExpositionParser::parse(page, options);
    if (!parsed) {
        err(u"%1: %2"_s.arg(source, parsed.error()));
        return BadInput;
    }
    if (parser.isSet(u"bench"_s)) {
        const int rounds = std::max(1, parser.value(u"bench"_s).toInt());
        QElapsedTimer timer;
        timer.start();
        std::size_t samples = 0;
        for (int i = 0; i < rounds; ++i)
            samples += bw::ExpositionParser::parse(page, options)->samples.size();
        const double seconds = static_cast<double>(timer.nsecsElapsed()) / 1e9;
        out(u"{\"rounds\":%1,\"bytes\":%2,\"samples\":%3,\"mb_per_s\":%4,\"samples_per_s\":%5}"_s.arg(rounds)
                .arg(page.size())
                .arg(parsed->samples.size())
                .arg(static_cast<double>(page.size()) * rounds / seconds / 1e6, 0, 'f', 1)
                .arg(static_cast<double>(samples) / seconds, 0, 'f', 0)
                .toUtf8());
    } else if (parser.isSet(u"dump"_s)) {
        for (const bw::MetricSample &sample : parsed->samples)
            out(bw::ExpositionParser::dumpLine(sample));
    } else {
        out(u"%1: %2, %3 samples in %4 families, %5 bytes"_s.arg(source)
                .arg(parsed->format == bw::ExpositionFormat::OpenMetrics ? u"OpenMetrics 1.0"_s
                                                                         : u"Prometheus text 0.0.4"_s)
                .arg(parsed->samples.size())
                .arg(parsed->families.size())
                .arg(page.size())
                .toUtf8());
    }
    flush();
    return Ok;
}

} // namespace cli
