#include "exportpolicycommand.h"

#include "clioutput.h"
#include "policyoptions.h"

#include "whatif/policyexport.h"

#include <QFile>

using namespace Qt::StringLiterals;

namespace cli {

namespace {

QString formatList(const std::vector<bw::PolicyFormatInfo> &formats)
{
    QStringList ids;
    for (const bw::PolicyFormatInfo &info : formats)
        ids << u"%1 (%2)"_s.arg(info.id, info.title);
    return ids.join(u", "_s);
}

} // namespace

int runExportPolicy(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"Writes a breaker policy as the configuration its own library reads: Breakerwatch YAML, Resilience4j "
        u"Spring Boot YAML, opossum options (JSON), a cockatiel TypeScript or a Polly C# snippet."_s);
    parser.addHelpOption();
    addPolicyOptions(parser);
    parser.addOption({u"format"_s, u"breakerwatch, resilience4j, opossum, cockatiel or polly (the preset's library)."_s,
                      u"FORMAT"_s});
    parser.addOption({u"name"_s,
                      u"Name of the breaker instance (Spring key, opossum name, variable); default backend."_s,
                      u"NAME"_s, u"backend"_s});
    parser.addOption({u"out"_s, u"Write to this file instead of standard output."_s, u"FILE"_s});
    if (const auto exit = parseOrExit(parser, arguments))
        return *exit;
    if (!parser.positionalArguments().isEmpty()) {
        err(u"export-policy takes no positional arguments, got \"%1\""_s.arg(parser.positionalArguments().join(u' ')));
        return Usage;
    }

    const bw::PresetCatalog catalog;
    const auto selection = policySelection(parser, catalog);
    if (!selection) {
        err(selection.error());
        return Usage;
    }
    const std::vector<bw::PolicyFormatInfo> formats = bw::exportFormatsFor(catalog, selection->preset);
    if (!parser.isSet(u"format"_s)) {
        err(u"export-policy needs --format; for preset %1: %2"_s.arg(selection->preset, formatList(formats)));
        return Usage;
    }
    const auto format = bw::policyFormatFromId(parser.value(u"format"_s));
    if (!format) {
        err(u"unknown format \"%1\"; formats: breakerwatch, resilience4j, opossum, cockatiel, polly (for preset "
            u"%2: %3)"_s.arg(parser.value(u"format"_s), selection->preset, formatList(formats)));
        return Usage;
    }

    const auto text = bw::exportPolicy(catalog, bw::PolicyDocument{selection->preset, selection->overrides}, *format,
                                       parser.value(u"name"_s));
    if (!text) {
        err(text.error());
        return Usage;
    }
    const QByteArray bytes = text->toUtf8();
    if (parser.isSet(u"out"_s)) {
        QFile file(parser.value(u"out"_s));
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(bytes) != bytes.size() ||
            !file.flush()) {
            err(u"%1: cannot write: %2"_s.arg(parser.value(u"out"_s), file.errorString()));
            return BadInput;
        }
        return Ok;
    }
    out(bytes.endsWith('\n') ? bytes.chopped(1) : bytes);
    flush();
    return Ok;
}

} // namespace cli
