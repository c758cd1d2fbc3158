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
        u"history export (--service NAME [--format jsonl|csv] | --transitions | --audit) [--from T] [--to T]\n"
        u"history import --service NAME --in FILE.jsonl\n"
        u"Reads or adds to the history store that breakerwatch and `serve` keep. JSONL is the replay format, so an "
        u"export feeds `breakerwatch-cli replay` and `sweep` directly. T: now, now-6h, unix seconds or ISO 8601."_s);
    parser.addHelpOption();
    parser.addPositionalArgument(u"action"_s, u"export or import"_s);
    parser.addOption({u"data-dir"_s, u"The store's folder (default: the GUI's)."_s, u"DIR"_s});
    parser.addOption({u"service"_s, u"The service."_s, u"NAME"_s});
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

    if (action == u"import") {
        if (service.isEmpty() || !parser.isSet(u"in"_s)) {
            err(u"history import needs --service NAME and --in FILE.jsonl"_s);
            return Usage;
        }
        QFile in(parser.value(u"in"_s));
        if (!in.open(QIODevice::ReadOnly)) {
            err(u"%1: %2"_s.arg(in.fileName(), in.errorString()));
            return BadInput;
        }
        const auto imported = bw::importServiceJsonl(store, service, in);
        if (!imported) {
            err(u"%1: %2"_s.arg(in.fileName(), imported.error()));
            return BadInput;
        }
        if (const bw::Status flushed = store.flush(now); !flushed) {
            err(flushed.error());
            return BadInput;
        }
        err(u"imported %1 observations of %2"_s.arg(imported->observations).arg(service));
        return Ok;
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
    bw::Status written = bw::Error{u"say what to export: --service NAME, --transitions or --audit"_s};
    if (parser.isSet(u"audit"_s))
        written = bw::exportAuditCsv(store, *from, *to, out);
    else if (parser.isSet(u"transitions"_s))
        written = bw::exportTransitionsCsv(store, service, *from, *to, out);
    else if (!service.isEmpty())
        written = parser.value(u"format"_s) == u"csv" ? bw::exportServiceCsv(store, service, *from, *to, out)
                                                      : bw::exportServiceJsonl(store, service, *from, *to, out);
    out.close();
    if (!written) {
        err(written.error());
        return BadInput;
    }
    return Ok;
}

} // namespace cli
