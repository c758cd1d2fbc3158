// breakerwatch-cli: the Breakerwatch core for scripts and CI. Wiring only; the work is in core/.
#include "clioutput.h"
#include "common/heaptuning.h"
#include "discovercommand.h"
#include "exportpolicycommand.h"
#include "historycommand.h"
#include "networkcommands.h"
#include "presetscommand.h"
#include "replaycommand.h"
#include "servecommand.h"
#include "sweepcommand.h"

#include <QCoreApplication>

using namespace Qt::StringLiterals;

namespace {

const char *const kUsage = R"(usage: breakerwatch-cli COMMAND [options]

Commands:
  replay   EVENTS (--preset NAME | --policy FILE) [--set key=value]... [--timeout-ms N] [--outage S:E]...
           Replays call outcomes through one policy: one JSON line per transition, then a summary.
  sweep    EVENTS (--preset NAME | --policy FILE) [--set key=value]... --grid key=v1,v2,...
           [--grid key2=...] [--format jsonl|csv]
           The same replay over a grid of one or two parameters: one line per grid point.
           EVENTS is one of
             --in EVENTS.jsonl                                  a file in the replay format (- for stdin)
             --service NAME [--data-dir DIR] [--from T] [--to T]  a service's polls from the history store
             --requests QUERY (--failures QUERY | --error-ratio QUERY) [--up QUERY] [--counters]
               [--prometheus URL | --config FILE] [--from T] [--to T] [--step D]   a Prometheus range
           Outages in the history (3+ failed polls in a row, or --up at 0) fill the delay metrics.
  presets  [NAME] [--json]
           Lists presets with their parameters (by each library's own names) and defaults.
  export-policy (--preset NAME | --policy FILE) [--set key=value]...
           --format breakerwatch|resilience4j|opossum|cockatiel|polly [--name NAME] [--out FILE]
           Writes the policy as its library's own configuration (Spring YAML, opossum JSON, ...).
  probe    URL [--timeout D] [--slow D] [--ca-file FILE] [--insecure]
           Probes a URL as Breakerwatch polls it; prints the classified outcome as JSON.
  check-config FILE
           Checks a configuration; names file, line and column of the first problem.
  parse-metrics FILE|URL [--dump] [--bench N] [--format auto|text|openmetrics]
           Parses a Prometheus text or OpenMetrics page; --dump prints one sample a line.
  query    EXPR [--range START END STEP] [--prometheus URL | --config FILE]
           Runs PromQL against a Prometheus-compatible server; long ranges are split.
  discover --config FILE [--timeout D] [--with-health]
           Polls every source once; prints one JSON line per breaker found (service, instance, breaker, source,
           state). Exit 0 when every source answered.
  serve    --config FILE [--metrics-listen HOST:PORT] [--data-dir DIR]
           Headless: polling, simulated breakers, alerts and /metrics until SIGINT or SIGTERM.
  history  export (--service NAME [--format jsonl|csv] | --transitions | --audit) [--from T] [--to T]
           history import --service NAME --in FILE.jsonl
           A service's history out of (or into) the history store; JSONL is the replay format.

`breakerwatch-cli COMMAND --help` describes a command's options.)";

} // namespace

int main(int argc, char *argv[])
{
    bw::keepLargeBlocksInHeap(); // big pages are parsed every interval: no page faults through them each time
    QCoreApplication app(argc, argv);
    const bw::HeapTrimmer heapTrimmer; // and what is freed between scrapes goes back to the kernel once a minute
    QCoreApplication::setApplicationName(u"breakerwatch-cli"_s);
    QCoreApplication::setApplicationVersion(u"0.1.0"_s);

    QStringList arguments = QCoreApplication::arguments();
    if (arguments.size() < 2 || arguments[1] == u"--help" || arguments[1] == u"-h" || arguments[1] == u"help") {
        cli::out(kUsage);
        return arguments.size() < 2 ? cli::Usage : cli::Ok;
    }
    const QString command = arguments.takeAt(1);
    if (command == u"replay")
        return cli::runReplay(arguments);
    if (command == u"sweep")
        return cli::runSweep(arguments);
    if (command == u"presets")
        return cli::runPresets(arguments);
    if (command == u"export-policy")
        return cli::runExportPolicy(arguments);
    if (command == u"probe")
        return cli::runProbe(arguments);
    if (command == u"check-config")
        return cli::runCheckConfig(arguments);
    if (command == u"query")
        return cli::runQuery(arguments);
    if (command == u"parse-metrics")
        return cli::runParseMetrics(arguments);
    if (command == u"serve")
        return cli::runServe(arguments);
    if (command == u"discover")
        return cli::runDiscover(arguments);
    if (command == u"history")
        return cli::runHistory(arguments);
    cli::err(
        u"unknown command \"%1\"; commands: replay, sweep, presets, export-policy, probe, check-config, query, parse-metrics, discover, serve, history"_s
            .arg(command));
    return cli::Usage;
}
