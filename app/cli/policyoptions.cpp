#include "policyoptions.h"

#include "breaker/policyfile.h"
#include "events/jsonlreader.h"

using namespace Qt::StringLiterals;

namespace cli {

void addStreamOptions(QCommandLineParser &parser)
{
    parser.addOption({u"in"_s,
                      u"Events file (JSON Lines: {\"t\":ms,\"ok\":bool,\"latency_ms\":n}); - reads "
                      u"standard input."_s,
                      u"EVENTS.jsonl"_s});
    parser.addOption({u"timeout-ms"_s, u"A call with latency_ms > N counts as a failure."_s, u"N"_s});
    parser.addOption({u"outage"_s,
                      u"A real outage from START to END ms, for detection and recovery delays "
                      u"(repeatable)."_s,
                      u"START:END"_s});
}

void addPolicyOptions(QCommandLineParser &parser)
{
    parser.addOption({u"preset"_s, u"Breaker preset (see `breakerwatch-cli presets`)."_s, u"NAME"_s});
    parser.addOption({u"policy"_s, u"Policy file (YAML: preset + parameters)."_s, u"FILE"_s});
    parser.addOption(
        {u"set"_s, u"Override a preset parameter, by the library's own name (repeatable)."_s, u"key=value"_s});
}

bw::Result<PolicySelection> policySelection(const QCommandLineParser &parser, const bw::PresetCatalog &catalog)
{
    PolicySelection selection;
    const bool hasPreset = parser.isSet(u"preset"_s);
    const bool hasPolicy = parser.isSet(u"policy"_s);
    if (hasPreset == hasPolicy)
        return bw::Error{
            u"give exactly one of --preset NAME or --policy FILE; presets: %1"_s.arg(catalog.names().join(u", "))};
    if (hasPolicy) {
        auto document = bw::readPolicyFile(parser.value(u"policy"_s));
        if (!document)
            return bw::Error{document.error()};
        selection.preset = document->preset;
        selection.overrides = document->parameters;
    } else {
        selection.preset = parser.value(u"preset"_s);
    }
    const bw::Preset *preset = catalog.find(selection.preset);
    if (!preset)
        return bw::Error{
            u"unknown preset \"%1\"; valid presets: %2"_s.arg(selection.preset, catalog.names().join(u", "))};
    selection.preset = preset->name;
    for (const QString &assignment : parser.values(u"set"_s)) {
        const qsizetype equals = assignment.indexOf(u'=');
        if (equals <= 0)
            return bw::Error{u"--set expects key=value, got \"%1\""_s.arg(assignment)};
        selection.overrides.append({assignment.left(equals).trimmed(), assignment.mid(equals + 1).trimmed()});
    }
    // Name errors first, with the valid names, before any value is looked at.
    auto resolved = catalog.resolveText(selection.preset, selection.overrides);
    if (!resolved)
        return bw::Error{resolved.error()};
    return selection;
}

bw::Result<std::vector<bw::Outage>> outages(const QCommandLineParser &parser)
{
    std::vector<bw::Outage> out;
    for (const QString &text : parser.values(u"outage"_s)) {
        const QStringList parts = text.split(u':');
        bool okStart = false;
        bool okEnd = false;
        const qint64 start = parts.value(0).toLongLong(&okStart);
        const qint64 end = parts.value(1).toLongLong(&okEnd);
        if (parts.size() != 2 || !okStart || !okEnd || end < start)
            return bw::Error{u"--outage expects START:END in ms with END >= START, got \"%1\""_s.arg(text)};
        out.push_back({start, end});
    }
    return out;
}

bw::Result<double> timeoutMs(const QCommandLineParser &parser)
{
    if (!parser.isSet(u"timeout-ms"_s))
        return -1.0;
    bool ok = false;
    const double value = parser.value(u"timeout-ms"_s).toDouble(&ok);
    if (!ok || value < 0)
        return bw::Error{
            u"--timeout-ms expects a non-negative number, got \"%1\""_s.arg(parser.value(u"timeout-ms"_s))};
    return value;
}

bw::Result<bw::EventStream> loadStream(const QCommandLineParser &parser, double timeout)
{
    auto stream = bw::JsonlReader::readFile(parser.value(u"in"_s));
    if (stream && timeout >= 0)
        stream->applyLatencyTimeout(timeout);
    return stream;
}

} // namespace cli
