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
    parser.setApplicationDescription(u"Replays call outcomes through a grid of one or two parameters of a policy. "
                                     u"Prints one line per grid point."_s);
    parser.addHelpOption();
    addStreamOptions(parser);
    addPolicyOptions(parser);
    parser.addOption(
        {u"grid"_s, u"A swept parameter: key=v1,v2,... or key=start..end:step (one or two)."_s, u"key=values"_s});
    parser.addOption({u"threads"_s, u"Worker threads (default: one per core)."_s, u"N"_s});
    parser.addOption({u"format"_s, u"jsonl (default) or csv."_s, u"FORMAT"_s, u"jsonl"_s});
    if (const auto exit = parseOrExit(parser, arguments))
        return *exit;
    if (!parser.isSet(u"in"_s) || !parser.isSet(u"grid"_s)) {
        err(u"sweep needs --in EVENTS.jsonl and at least one --grid key=v1,v2,..."_s);
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

    auto stream = loadStream(parser, *timeout);
    if (!stream) {
        err(stream.error());
        return BadInput;
    }

    bw::WhatIfOptions options;
    options.outages = *outageList;
    options.threads = parser.value(u"threads"_s).toInt();
    const auto sweep = bw::runSweep(*stream, catalog, request, options);
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
