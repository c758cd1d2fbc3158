#include "presetscommand.h"

#include "clioutput.h"

#include "breaker/presetcatalog.h"
#include "whatif/replayreport.h"

#include <QCommandLineParser>

using namespace Qt::StringLiterals;

namespace cli {

namespace {

QByteArray presetJson(const bw::Preset &preset)
{
    using bw::report::jsonString;
    QByteArray out = "{\"name\":" + jsonString(preset.name) + ",\"library\":" + jsonString(preset.library) +
                     ",\"description\":" + jsonString(preset.description);
    if (!preset.basedOn.isEmpty())
        out += ",\"based_on\":" + jsonString(preset.basedOn);
    out += ",\"parameters\":[";
    bool first = true;
    for (const bw::ParameterSpec &spec : preset.parameters) {
        if (!first)
            out += ',';
        first = false;
        QByteArray value = spec.format(spec.defaultValue).toUtf8();
        if (spec.type == bw::ParameterType::Choice || spec.type == bw::ParameterType::IntegerList)
            value = jsonString(QString::fromUtf8(value));
        out += "{\"name\":" + jsonString(spec.name) + ",\"type\":" + jsonString(spec.typeName()) +
               ",\"default\":" + value + ",\"unit\":" + jsonString(spec.unit) + ",\"help\":" + jsonString(spec.help);
        if (!spec.choices.isEmpty())
            out += ",\"choices\":" + jsonString(spec.choices.join(u'|'));
        out += '}';
    }
    out += "]}";
    return out;
}

QByteArray presetText(const bw::Preset &preset)
{
    QByteArray out = preset.name.toUtf8() + "  —  " + preset.library.toUtf8();
    if (!preset.basedOn.isEmpty())
        out += " (profile of " + preset.basedOn.toUtf8() + ')';
    out += "\n  " + preset.description.toUtf8() + '\n';
    for (const bw::ParameterSpec &spec : preset.parameters) {
        QString value = spec.format(spec.defaultValue);
        if (!spec.unit.isEmpty() && spec.defaultValue.isValid())
            value += u' ' + spec.unit;
        out += u"    %1 = %2\n        %3\n"_s.arg(spec.name, -40).arg(value, spec.help).toUtf8();
    }
    return out;
}

} // namespace

int runPresets(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(u"Lists breaker presets with their parameters (library names) and defaults."_s);
    parser.addHelpOption();
    parser.addOption({u"json"_s, u"One JSON object per preset, for scripts."_s});
    parser.addPositionalArgument(u"name"_s, u"Show only this preset."_s, u"[NAME]"_s);
    if (const auto exit = parseOrExit(parser, arguments))
        return *exit;
    const bw::PresetCatalog catalog;
    const QStringList names = parser.positionalArguments();
    const bool json = parser.isSet(u"json"_s);
    for (const bw::Preset &preset : catalog.presets()) {
        if (!names.isEmpty() && !names.contains(preset.name, Qt::CaseInsensitive))
            continue;
        out(json ? presetJson(preset) : presetText(preset));
    }
    for (const QString &name : names) {
        if (!catalog.find(name)) {
            err(u"unknown preset \"%1\"; valid presets: %2"_s.arg(name, catalog.names().join(u", ")));
            return BadInput;
        }
    }
    flush();
    return Ok;
}

} // namespace cli
