#include "historycommand.h"

#include "clioutput.h"
#include "datadiroption.h"
#include "networkcommands.h"

#include "store/datadir.h"
#include "store/historystore.h"
#include "store/storeexport.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QFile>

using namespace Qt::StringLiterals;

namespace cli {

int runHistory(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"history export (--service S [--breaker B] [--instance I] [--format jsonl|csv] | --transitions [--service S "
        u"...] | --audit) [--from T] [--to T]\n"
        u"history import --service S [--breaker B] [--instance I] --in FILE.jsonl\n"
        u"Reads or adds to the history store that breakerwatch and `serve` keep. An export takes every breaker of "
        u"every "
        u"instance of S unless --breaker or --instance narrows it (--breaker health: the instance's health breaker); "
        u"--service also takes a breaker's key (S@host:port, S/B@host:port). An import fills one breaker. JSONL is the "
        u"replay format, so an export of one breaker feeds `breakerwatch-cli replay` and `sweep` directly. T: now, "
        u"now-6h, unix seconds or ISO 8601."_s);
    parser.addHelpOption();
    parser.addPositionalArgument(u"action"_s, u"export or import"_s);
    parser.addOption({u"data-dir"_s, u"The store's folder (default: the GUI's)."_s, u"DIR"_s});
    parser.addOption({u"service"_s, u"The service, or a breaker's key (service/breaker@host:port)."_s, u"S"_s});
    parser.addOption({u"breaker"_s, u"One breaker of the service (health: the instance's health breaker)."_s, u"B"_s});
    parser.addOption({u"instance"_s, u"One instance of the service (host:port)."_s, u"I"_s});
    parser.addOption({u"format"_s, u"jsonl (default) or csv."_s, u"FORMAT"_s, u"jsonl"_s});
    parser.addOption({u"transitions"_s, u"Export every breaker transition as CSV (of --service, or all)."_s});
    parser.addOption({u"audit"_s, u"Export the audit log as CSV."_s});
    parser.addOption({u"from"_s, u"Start of the range (default now-24h)."_s, u"T"_s, u"now-24h"_s});
    parser.addOption({u"to"_s, u"End of the range (default now)."_s, u"T"_s, u"now"_s});
    parser.addOption({u"in"_s, u"import: the JSONL file."_s, u"FILE"_s});
    parser.addOption({u"out"_s, u"export: write here instead of standard output."_s, u"FILE"_s});
    if (const auto exit = parseOrExit(parser, arguments))
        return *exit;
    const QString action = parser.positionalArguments().value(0);
    if (action != u"export" && action != u"import") {
        err(u"history wants export or import; see breakerwatch-cli history --help"_s);
        return Usage;
    }
    const std::int64_t now = QDateTime::currentMSecsSinceEpoch();
    const auto from = parseTime(parser.value(u"from"_s));
    const auto to = parseTime(parser.value(u"to"_s));
    if (!from || !to || *from >= *to) {
        err(u"--from and --to must be times (now, now-6h, unix seconds, ISO 8601) with --from before --to"_s);
        return Usage;
    }

    bw::StoreOptions options;
    options.dataDir = cli::guiDataDir(parser.value(u"data-dir"_s)); // the GUI's folder unless told otherwise
    bw::HistoryStore store(options);
    if (const bw::Status opened = store.open(now); !opened) {
        err(opened.error());
        return BadInput;
    }
    const QString service = parser.value(u"service"_s);
    if (service.isEmpty() && (parser.isSet(u"breaker"_s) || parser.isSet(u"instance"_s))) {
        err(u"--breaker and --instance narrow --service S; name the service"_s);
        return Usage;
    }
    bw::BreakerSelection selection = bw::BreakerSelection::parse(service);
    if (parser.isSet(u"breaker"_s)) {
        const QString breaker = parser.value(u"breaker"_s);
        selection.breaker = breaker == u"health" ? QString() : breaker;
    }
    if (parser.isSet(u"instance"_s))
        selection.instance = parser.value(u"instance"_s);

    if (action == u"import") {
        if (service.isEmpty() || !parser.isSet(u"in"_s)) {
            err(u"history import needs --service S (with --instance I and --breaker B, or a breaker's key) and --in "
                u"FILE.jsonl"_s);
            return Usage;
        }
        // One breaker: the key as given, narrowed by --breaker/--instance (a plain name alone stays that name).
        bw::BreakerId target = bw::BreakerId::parse(service);
        if (selection.breaker)
            target.breaker = *selection.breaker;
        if (selection.instance)
            target.instance = *selection.instance;
        if (target.service.isEmpty()) {
            err(u"history import: \"%1\" names no service"_s.arg(service));
            return Usage;
        }
        QFile in(parser.value(u"in"_s));
        if (!in.open(QIODevice::ReadOnly)) {
            err(u"%1: %2"_s.arg(in.fileName(), in.errorString()));
            return BadInput;
        }
        const auto imported = bw::importServiceJsonl(store, target, in);
        if (!imported) {
            err(u"%1: %2"_s.arg(in.fileName(), imported.error()));
            return BadInput;
        }
        if (const bw::Status flushed = store.flush(now); !flushed) {
            err(flushed.error());
            return BadInput;
        }
        err(u"imported %1 observations of %2"_s.arg(imported->observations).arg(target.key()));
        return Ok;
    }

    std::vector<bw::BreakerId> breakers;
    if (!service.isEmpty() && !parser.isSet(u"audit"_s)) {
        auto selected = bw::selectBreakers(store, selection);
        if (!selected) {
            err(selected.error());
            return BadInput;
        }
        breakers = std::move(*selected);
    }
    QFile out;
    if (parser.isSet(u"out"_s)) {
        out.setFileName(parser.value(u"out"_s));
        if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
            err(u"%1: %2"_s.arg(out.fileName(), out.errorString()));
            return BadInput;
        }
    } else if (!out.open(stdout, QIODevice::WriteOnly)) {
        err(u"cannot write to standard output"_s);
        return BadInput;
    }
    bw::Status written = bw::Error{u"say what to export: --service S, --transitions or --audit"_s};
    if (parser.isSet(u"audit"_s))
        written = bw::exportAuditCsv(store, *from, *to, out);
    else if (parser.isSet(u"transitions"_s))
        written = bw::exportTransitionsCsv(store, breakers, *from, *to, out);
    else if (!service.isEmpty())
        written = parser.value(u"format"_s) == u"csv" ? bw::exportServiceCsv(store, breakers, *from, *to, out)
                                                      : bw::exportServiceJsonl(store, breakers, *from, *to, out);
    out.close();
    if (!written) {
        err(written.error());
        return BadInput;
    }
    return Ok;
}

} // namespace cli
