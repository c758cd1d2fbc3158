#include "sweepcommand.h"

#include "clioutput.h"
#include "policyoptions.h"

#include "whatif/replayreport.h"
#include "whatif/sweep.h"

using namespace Qt::StringLiterals;

namespace cli {

int runSweep(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"Replays call outcomes through a grid of one or two parameters of a policy. Prints one line per grid point.\n"
        u"Events from a file (--in), a service's history in the store (--service NAME [--data-dir DIR] --from T --to "
        u"T) or a Prometheus range (--requests QUERY --failures QUERY [--prometheus URL | --config FILE] --from T "
        u"--to T [--step D]). Outages found in the history fill the detection and recovery delay columns."_s);
    parser.addHelpOption();
    addStreamOptions(parser);
    addPolicyOptions(parser);
    parser.addOption(
        {u"grid"_s, u"A swept parameter: key=v1,v2,... or key=start..end:step (one or two)."_s, u"key=values"_s});
    parser.addOption({u"threads"_s, u"Worker threads (default: one per core)."_s, u"N"_s});
    parser.addOption({u"format"_s, u"jsonl (default) or csv."_s, u"FORMAT"_s, u"jsonl"_s});
    if (const auto exit = parseOrExit(parser, arguments))
        return *exit;
    const auto source = historySource(parser);
    if (!source) {
        err(source.error());
        return Usage;
    }
    if (*source == HistorySource::None || !parser.isSet(u"grid"_s)) {
        err(u"sweep needs events (--in EVENTS.jsonl, --service NAME or --requests QUERY) and at least one --grid "
            u"key=v1,v2,..."_s);
        return Usage;
    }
    const QString format = parser.value(u"format"_s);
    if (format != u"jsonl" && format != u"csv") {
        err(u"--format must be jsonl or csv, got \"%1\""_s.arg(format));
        return Usage;
    }
    const bw::PresetCatalog catalog;
    const auto selection = policySelection(parser, catalog);
    if (!selection) {
        err(selection.error());
        return BadInput;
    }
    bw::SweepRequest request;
    request.preset = selection->preset;
    request.base = selection->overrides;
    for (const QString &spec : parser.values(u"grid"_s)) {
        auto axis = bw::parseSweepAxis(spec);
        if (!axis) {
            err(axis.error());
            return Usage;
        }
        request.axes.push_back(*axis);
    }
    const auto timeout = timeoutMs(parser);
    const auto outageList = outages(parser);
    if (!timeout || !outageList) {
        err(!timeout ? timeout.error() : outageList.error());
        return Usage;
    }
    // Validate the whole grid before reading a possibly large file.
    if (auto candidates = bw::expandSweep(catalog, request); !candidates) {
        err(candidates.error());
        return BadInput;
    }

    auto history = loadHistory(parser, *timeout);
    if (!history) {
        err(history.error());
        return BadInput;
    }
    for (const QString &note : history->notes)
        err(u"note: "_s + note);

    bw::WhatIfOptions options;
    options.outages = allOutages(*history, *outageList);
    options.threads = parser.value(u"threads"_s).toInt();
    const auto sweep = bw::runSweep(history->stream, catalog, request, options);
    if (!sweep) {
        err(sweep.error());
        return BadInput;
    }
    if (format == u"csv" && !sweep->points.empty())
        out(bw::report::sweepCsvHeader(sweep->points.front()));
    for (const bw::SweepPoint &point : sweep->points)
        out(format == u"csv" ? bw::report::sweepCsvRow(point) : bw::report::sweepLine(point));
    flush();
    return Ok;
}

} // namespace cli
