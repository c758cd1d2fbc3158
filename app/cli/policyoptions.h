#pragma once

#include "breaker/presetcatalog.h"
#include "common/result.h"
#include "events/eventstream.h"
#include "whatif/replayhistory.h"
#include "whatif/whatifmetrics.h"

#include <QCommandLineParser>

#include <vector>

// Options shared by replay and sweep: where the events come from and which policy to use.
namespace cli {

void addStreamOptions(QCommandLineParser &parser);
void addPolicyOptions(QCommandLineParser &parser);

struct PolicySelection
{
    QString preset;
    QList<QPair<QString, QString>> overrides; // policy file values first, then --set in order
};

// --preset NAME | --policy FILE, plus --set key=value...; checks the preset and parameter names.
bw::Result<PolicySelection> policySelection(const QCommandLineParser &parser, const bw::PresetCatalog &catalog);
// --outage START:END (ms), repeatable.
bw::Result<std::vector<bw::Outage>> outages(const QCommandLineParser &parser);
// --timeout-ms N
bw::Result<double> timeoutMs(const QCommandLineParser &parser);
// Which history the options name: --in FILE, --service NAME (the history store) or --requests QUERY (Prometheus);
// exactly one. Nothing when none is given.
enum class HistorySource
{
    None,
    Jsonl,
    Store,
    Prometheus,
};
bw::Result<HistorySource> historySource(const QCommandLineParser &parser);
// Loads the history the options name (--in, the store at --data-dir, or Prometheus; --from/--to/--step) and applies
// --timeout-ms. Runs an event loop while Prometheus answers. Errors name the file, service, query or server.
bw::Result<bw::ReplayHistory> loadHistory(const QCommandLineParser &parser, double timeout);
// The outages a what-if uses: the --outage ones (in the stream's ms) when given, else the history's.
std::vector<bw::Outage> allOutages(const bw::ReplayHistory &history, const std::vector<bw::Outage> &extra);

} // namespace cli
