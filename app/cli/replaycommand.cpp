#include "replaycommand.h"

#include "clioutput.h"
#include "policyoptions.h"

#include "whatif/replayreport.h"
#include "whatif/whatifengine.h"

using namespace Qt::StringLiterals;

namespace cli {

int runReplay(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"Replays call outcomes through one breaker policy. Prints one JSON line per transition, then a summary.\n"
        u"Events from a file (--in), a service's history in the store (--service NAME [--data-dir DIR] --from T --to "
        u"T) or a Prometheus range (--requests QUERY --failures QUERY [--prometheus URL | --config FILE] --from T "
        u"--to T [--step D]). Outages found in the history fill the detection and recovery delays."_s);
    parser.addHelpOption();
    addStreamOptions(parser);
    addPolicyOptions(parser);
    if (const auto exit = parseOrExit(parser, arguments))
        return *exit;
    const auto source = historySource(parser);
    if (!source) {
        err(source.error());
        return Usage;
    }
    if (*source == HistorySource::None) {
        err(u"replay needs events: --in EVENTS.jsonl (or --in - for standard input), --service NAME (the history "
            u"store) or --requests QUERY (Prometheus)"_s);
        return Usage;
    }
    const bw::PresetCatalog catalog;
    const auto selection = policySelection(parser, catalog);
    if (!selection) {
        err(selection.error());
        return BadInput;
    }
    auto policy = catalog.buildText(selection->preset, selection->overrides);
    if (!policy) {
        err(policy.error());
        return BadInput;
    }
    const auto timeout = timeoutMs(parser);
    const auto outageList = outages(parser);
    if (!timeout || !outageList) {
        err(!timeout ? timeout.error() : outageList.error());
        return Usage;
    }

    auto history = loadHistory(parser, *timeout);
    if (!history) {
        err(history.error());
        return BadInput;
    }
    for (const QString &note : history->notes)
        err(u"note: "_s + note);

    bw::WhatIfOptions options;
    options.keepTransitions = true;
    options.threads = 1;
    options.outages = allOutages(*history, *outageList);
    const bw::WhatIfRun run = bw::runWhatIf(history->stream, {{selection->preset, *policy}}, options);
    const bw::WhatIfResult &result = run.results.front();
    for (const bw::Transition &transition : result.transitions)
        out(bw::report::transitionLine(transition));
    out(bw::report::summaryLine(result.metrics, run.wallMs));
    flush();
    return Ok;
}

} // namespace cli
