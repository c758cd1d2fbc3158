#pragma once

#include "breaker/presetcatalog.h"
#include "common/result.h"
#include "events/eventstream.h"
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
// Reads --in (a file or - for standard input) and applies --timeout-ms; errors name the file and line.
bw::Result<bw::EventStream> loadStream(const QCommandLineParser &parser, double timeout);

} // namespace cli
