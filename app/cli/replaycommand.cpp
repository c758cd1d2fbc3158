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
        u"Replays call outcomes through one breaker policy. Prints one JSON line per transition, then a summary."_s);
    parser.addHelpOption();
    addStreamOptions(parser);
    addPolicyOptions(parser);
    if (const auto exit = parseOrExit(parser, arguments))
        return *exit;
    if (!parser.isSet(u"in"_s)) {
        err(u"replay needs --in EVENTS.jsonl (or --in - for standard input)"_s);
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

    auto stream = loadStream(parser, *timeout);
    if (!stream) {
        err(stream.error());
        return BadInput;
    }

    bw::WhatIfOptions options;
    options.keepTransitions = true;
    options.threads = 1;
    options.outages = *outageList;
    const bw::WhatIfRun run = bw::runWhatIf(*stream, {{selection->preset, *policy}}, options);
    const bw::WhatIfResult &result = run.results.front();
    for (const bw::Transition &transition : result.transitions)
        out(bw::report::transitionLine(transition));
    out(bw::report::summaryLine(result.metrics, run.wallMs));
    flush();
    return Ok;
}

} // namespace cli
