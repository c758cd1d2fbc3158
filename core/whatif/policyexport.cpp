#include "whatif/policyexport.h"

#include "common/identifiers.h"

#include "whatif/replayreport.h"

#include <QSet>

#include <algorithm>

#include <yaml-cpp/yaml.h>

using namespace Qt::StringLiterals;

namespace bw {

namespace {

const std::vector<PolicyFormatInfo> &allFormats()
{
    static const std::vector<PolicyFormatInfo> formats{
        {PolicyFormat::Breakerwatch, u"breakerwatch"_s, u"Breakerwatch policy (YAML)"_s, u"yaml"_s},
        {PolicyFormat::Resilience4jSpring, u"resilience4j"_s, u"Resilience4j (Spring Boot YAML)"_s, u"yaml"_s},
        {PolicyFormat::OpossumJson, u"opossum"_s, u"opossum options (JSON)"_s, u"json"_s},
        {PolicyFormat::CockatielSnippet, u"cockatiel"_s, u"cockatiel (TypeScript)"_s, u"ts"_s},
        {PolicyFormat::PollySnippet, u"polly"_s, u"Polly v8 (C#)"_s, u"cs"_s},
    };
    return formats;
}

const PolicyFormatInfo &infoOf(PolicyFormat format)
{
    for (const PolicyFormatInfo &info : allFormats()) {
        if (info.format == format)
            return info;
    }
    Q_UNREACHABLE();
    return allFormats().front();
}

// The preset whose semantics (and library) a preset uses: itself, or for a profile its basedOn preset.
const Preset &semanticsOf(const PresetCatalog &catalog, const Preset &preset)
{
    if (preset.basedOn.isEmpty())
        return preset;
    const Preset *base = catalog.find(preset.basedOn);
    return base ? *base : preset;
}

std::optional<PolicyFormat> libraryFormat(QStringView semantics)
{
    if (semantics == u"opossum")
        return PolicyFormat::OpossumJson;
    if (semantics == u"resilience4j")
        return PolicyFormat::Resilience4jSpring;
    if (semantics == u"polly")
        return PolicyFormat::PollySnippet;
    if (semantics == u"cockatiel-consecutive" || semantics == u"cockatiel-sampling" || semantics == u"cockatiel-count")
        return PolicyFormat::CockatielSnippet;
    return std::nullopt;
}

// A checked document: the preset as named, the preset whose semantics it uses, every parameter's typed value.
struct ResolvedPolicy
{
    const Preset *preset = nullptr;
    const Preset *semantics = nullptr;
    ParameterValues values;

    const ParameterSpec &spec(const QString &name) const
    {
        const ParameterSpec *found = preset->parameter(name);
        Q_ASSERT(found);
        return *found;
    }
    QVariant value(const QString &name) const { return values.value(name); }
    qlonglong integer(const QString &name) const { return values.value(name).toLongLong(); }
    double number(const QString &name) const { return values.value(name).toDouble(); }
    bool flag(const QString &name) const { return values.value(name).toBool(); }
    // The value as the libraries write it in code and configuration: 30000, 0.5, true, COUNT_BASED.
    QString text(const QString &name) const { return spec(name).format(value(name)); }
};

// "10s" where whole seconds, else "1500ms": Spring Boot's simple Duration format.
QString springDuration(qlonglong ms)
{
    return ms % 1000 == 0 ? u"%1s"_s.arg(ms / 1000) : u"%1ms"_s.arg(ms);
}

QString timeSpan(qlonglong ms)
{
    return ms % 1000 == 0 ? u"TimeSpan.FromSeconds(%1)"_s.arg(ms / 1000) : u"TimeSpan.FromMilliseconds(%1)"_s.arg(ms);
}

Status checkInstanceName(const QString &name)
{
    bool valid = !name.isEmpty() && (name.front().isLetter() || name.front() == u'_');
    for (const QChar c : name)
        valid = valid && c.unicode() < 128 && (c.isLetterOrNumber() || c == u'-' || c == u'_');
    if (!valid)
        return Error{u"instance name \"%1\" must start with a letter or '_' and hold only letters, digits, '-' and "
                     u"'_'"_s.arg(name)};
    return success();
}

Error refused(const QString &library, const QString &what)
{
    return Error{u"%1 does not accept %2"_s.arg(library, what)};
}

// ------------------------------------------------------------------------------------------ Breakerwatch

QString toBreakerwatch(const ResolvedPolicy &policy, const QString &instanceName)
{
    YAML::Emitter out;
    out.SetNullFormat(YAML::LowerNull);
    out << YAML::BeginMap;
    out << YAML::Key << "name" << YAML::Value << instanceName.toStdString();
    out << YAML::Key << "preset" << YAML::Value << policy.preset->name.toStdString();
    out << YAML::Key << "parameters" << YAML::Value << YAML::BeginMap;
    for (const ParameterSpec &spec : policy.preset->parameters) {
        const QVariant value = policy.value(spec.name);
        out << YAML::Key << spec.name.toStdString() << YAML::Value;
        if (value.isValid())
            out << spec.format(value).toStdString();
        else
            out << YAML::Null;
        QString note = spec.unit;
        if (!value.isValid())
            note = note.isEmpty() ? u"library default"_s : note + u"; null = library default"_s;
        if (!note.isEmpty())
            out << YAML::Comment(note.toStdString());
    }
    out << YAML::EndMap << YAML::EndMap;
    const QString header = u"# Breakerwatch policy: preset %1 (%2). Every parameter is spelled out.\n"
                           u"# Use it with: breakerwatch-cli replay --policy FILE --in EVENTS.jsonl\n"_s.arg(
                               policy.preset->name, policy.semantics->library);
    return header + QString::fromStdString(out.c_str()) + u'\n';
}

// ------------------------------------------------------------------------------------------ Resilience4j

Result<QString> toResilience4j(const ResolvedPolicy &policy, const QString &instanceName)
{
    const QString library = u"Resilience4j's Spring configuration"_s;
    for (const QString &name : {u"failureRateThreshold"_s, u"slowCallRateThreshold"_s}) {
        if (policy.number(name) < 1)
            return refused(library, u"%1 %2: it must be between 1 and 100"_s.arg(name, policy.text(name)));
    }
    for (const QString &name : {u"slowCallDurationThreshold"_s, u"waitDurationInOpenState"_s}) {
        if (policy.integer(name) < 1)
            return refused(library, u"%1 0: it must be at least 1 ms"_s.arg(name));
    }
    if (policy.flag(u"enableExponentialBackoff"_s) && policy.flag(u"enableRandomizedWait"_s))
        return refused(library, u"enableExponentialBackoff and enableRandomizedWait together: it refuses to start "
                                u"with both (turn one off)"_s);

    // The Spring property names, which are the preset's parameter names.
    static const QSet<QString> kProperties{u"failureRateThreshold"_s,
                                           u"slowCallRateThreshold"_s,
                                           u"slowCallDurationThreshold"_s,
                                           u"slidingWindowType"_s,
                                           u"slidingWindowSize"_s,
                                           u"minimumNumberOfCalls"_s,
                                           u"permittedNumberOfCallsInHalfOpenState"_s,
                                           u"maxWaitDurationInHalfOpenState"_s,
                                           u"waitDurationInOpenState"_s,
                                           u"automaticTransitionFromOpenToHalfOpenEnabled"_s,
                                           u"enableExponentialBackoff"_s,
                                           u"exponentialBackoffMultiplier"_s,
                                           u"exponentialMaxWaitDurationInOpenState"_s,
                                           u"enableRandomizedWait"_s,
                                           u"randomizedWaitFactor"_s};
    QStringList notes;
    YAML::Emitter out;
    out << YAML::BeginMap << YAML::Key << "resilience4j" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "circuitbreaker" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "instances" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << instanceName.toStdString() << YAML::Value << YAML::BeginMap;
    for (const ParameterSpec &spec : policy.preset->parameters) {
        const QVariant value = policy.value(spec.name);
        if (!kProperties.contains(spec.name)) {
            QString help = spec.help;
            if (!help.isEmpty())
                help[0] = help[0].toLower();
            notes << u"%1 = %2 has no Resilience4j property; Breakerwatch only: %3"_s.arg(spec.name, spec.format(value),
                                                                                          help);
            continue;
        }
        if (spec.name == u"exponentialMaxWaitDurationInOpenState" && value.toLongLong() == 0) {
            notes << u"exponentialMaxWaitDurationInOpenState is left unset: 0 means no cap here, and Resilience4j "
                     u"reads an unset cap as none"_s;
            continue;
        }
        const QString text =
            spec.type == ParameterType::DurationMs ? springDuration(value.toLongLong()) : spec.format(value);
        out << YAML::Key << spec.name.toStdString() << YAML::Value << text.toStdString();
    }
    out << YAML::EndMap << YAML::EndMap << YAML::EndMap << YAML::EndMap << YAML::EndMap;

    QString header = u"# Resilience4j 2.x circuit breaker \"%1\" for a Spring Boot application.yml, exported by "
                     u"Breakerwatch from preset %2.\n"_s.arg(instanceName, policy.preset->name);
    for (const QString &note : notes)
        header += u"# "_s + note + u'\n';
    return QString(header + QString::fromStdString(out.c_str()) + u'\n');
}

// ------------------------------------------------------------------------------------------ opossum

QString toOpossum(const ResolvedPolicy &policy, const QString &instanceName)
{
    // JSON has no comments: only real options, numbers as numbers. `name` is opossum's own option.
    QStringList members{u"  \"name\": "_s + QString::fromUtf8(report::jsonString(instanceName))};
    for (const ParameterSpec &spec : policy.preset->parameters)
        members << u"  %1: %2"_s.arg(QString::fromUtf8(report::jsonString(spec.name)),
                                     spec.format(policy.value(spec.name)));
    return u"{\n"_s + members.join(u",\n"_s) + u"\n}\n"_s;
}

// ------------------------------------------------------------------------------------------ cockatiel

Result<QString> toCockatiel(const ResolvedPolicy &policy, const QString &instanceName)
{
    const QString semantics = policy.semantics->name;
    QString breakerClass;
    QStringList breakerLines; // the constructor call, one or more lines, indented under `breaker:`
    QStringList notes;
    if (semantics == u"cockatiel-consecutive") {
        breakerClass = u"ConsecutiveBreaker"_s;
        breakerLines << u"  breaker: new ConsecutiveBreaker(%1),"_s.arg(policy.text(u"threshold"_s));
    } else {
        breakerClass = semantics == u"cockatiel-sampling" ? u"SamplingBreaker"_s : u"CountBreaker"_s;
        if (policy.number(u"threshold"_s) >= 1)
            return refused(
                u"cockatiel's %1"_s.arg(breakerClass),
                u"threshold %1: it must be between 0 and 1, both excluded"_s.arg(policy.text(u"threshold"_s)));
        QStringList options{u"    threshold: %1,"_s.arg(policy.text(u"threshold"_s))};
        if (semantics == u"cockatiel-sampling") {
            options << u"    duration: %1, // ms"_s.arg(policy.text(u"duration"_s));
            if (policy.value(u"minimumRps"_s).isValid())
                options << u"    minimumRps: %1,"_s.arg(policy.text(u"minimumRps"_s));
            else
                notes << u"minimumRps is not passed: the library default, 5 / threshold calls per second"_s;
        } else {
            options << u"    size: %1,"_s.arg(policy.text(u"size"_s));
            const QVariant minimum = policy.value(u"minimumNumberOfCalls"_s);
            if (minimum.isValid()) {
                if (minimum.toLongLong() > policy.integer(u"size"_s))
                    return refused(u"cockatiel's CountBreaker"_s,
                                   u"minimumNumberOfCalls %1 with size %2: it must be between 1 and size"_s.arg(
                                       policy.text(u"minimumNumberOfCalls"_s), policy.text(u"size"_s)));
                options << u"    minimumNumberOfCalls: %1,"_s.arg(policy.text(u"minimumNumberOfCalls"_s));
            } else {
                notes << u"minimumNumberOfCalls is not passed: the library default, size"_s;
            }
        }
        breakerLines << u"  breaker: new %1({"_s.arg(breakerClass) << options << u"  }),"_s;
    }

    QStringList lines{u"// cockatiel 3.x circuit breaker \"%1\", exported by Breakerwatch from preset %2."_s.arg(
        instanceName, policy.preset->name)};
    for (const QString &note : notes)
        lines << u"// "_s + note + u'.';
    lines << u"import { circuitBreaker, handleAll, %1 } from 'cockatiel';"_s.arg(breakerClass) << QString()
          << u"const %1Breaker = circuitBreaker(handleAll, {"_s.arg(camelCaseIdentifier(instanceName))
          << u"  halfOpenAfter: %1, // ms"_s.arg(policy.text(u"halfOpenAfter"_s)) << breakerLines << u"});"_s;
    return QString(lines.join(u'\n') + u'\n');
}

// ------------------------------------------------------------------------------------------ Polly

Result<QString> toPolly(const ResolvedPolicy &policy, const QString &instanceName)
{
    constexpr qlonglong kOneDayMs = 86'400'000;
    for (const QString &name : {u"SamplingDuration"_s, u"BreakDuration"_s}) {
        if (policy.integer(name) > kOneDayMs)
            return refused(u"Polly's CircuitBreakerStrategyOptions"_s,
                           u"%1 %2 ms: it must be between 0.5 s and 1 day"_s.arg(name, policy.text(name)));
    }
    const QStringList lines{
        u"// Polly v8 circuit breaker \"%1\", exported by Breakerwatch from preset %2."_s.arg(instanceName,
                                                                                              policy.preset->name),
        u"using Polly;"_s,
        u"using Polly.CircuitBreaker;"_s,
        QString(),
        u"var %1Pipeline = new ResiliencePipelineBuilder()"_s.arg(camelCaseIdentifier(instanceName)),
        u"    .AddCircuitBreaker(new CircuitBreakerStrategyOptions"_s,
        u"    {"_s,
        u"        Name = %1,"_s.arg(QString::fromUtf8(report::jsonString(instanceName))),
        u"        FailureRatio = %1,"_s.arg(policy.text(u"FailureRatio"_s)),
        u"        MinimumThroughput = %1,"_s.arg(policy.text(u"MinimumThroughput"_s)),
        u"        SamplingDuration = %1,"_s.arg(timeSpan(policy.integer(u"SamplingDuration"_s))),
        u"        BreakDuration = %1,"_s.arg(timeSpan(policy.integer(u"BreakDuration"_s))),
        u"    })"_s,
        u"    .Build();"_s,
    };
    return QString(lines.join(u'\n') + u'\n');
}

QString formatIds(const std::vector<PolicyFormatInfo> &formats)
{
    QStringList ids;
    for (const PolicyFormatInfo &info : formats)
        ids << info.id;
    return ids.join(u", "_s);
}

} // namespace

std::vector<PolicyFormatInfo> exportFormatsFor(const PresetCatalog &catalog, QStringView presetName)
{
    std::vector<PolicyFormatInfo> formats{infoOf(PolicyFormat::Breakerwatch)};
    if (const Preset *preset = catalog.find(presetName)) {
        if (const auto own = libraryFormat(semanticsOf(catalog, *preset).name))
            formats.push_back(infoOf(*own));
    }
    return formats;
}

std::optional<PolicyFormat> policyFormatFromId(QStringView id)
{
    for (const PolicyFormatInfo &info : allFormats()) {
        if (info.id.compare(id, Qt::CaseInsensitive) == 0)
            return info.format;
    }
    return std::nullopt;
}

Result<QString> exportPolicy(const PresetCatalog &catalog, const PolicyDocument &document, PolicyFormat format,
                             const QString &instanceName)
{
    if (const Status name = checkInstanceName(instanceName); !name)
        return Error{name.error()};
    // Building checks every value and the policy as a whole; the errors name the parameter and why.
    if (const auto built = catalog.buildText(document.preset, document.parameters); !built)
        return Error{u"cannot export: %1"_s.arg(built.error())};
    auto values = catalog.resolveText(document.preset, document.parameters);
    Q_ASSERT(values);
    ResolvedPolicy policy;
    policy.preset = catalog.find(document.preset);
    policy.semantics = &semanticsOf(catalog, *policy.preset);
    policy.values = std::move(*values);

    const std::vector<PolicyFormatInfo> formats = exportFormatsFor(catalog, policy.preset->name);
    const bool readable = std::any_of(formats.begin(), formats.end(),
                                      [format](const PolicyFormatInfo &info) { return info.format == format; });
    if (!readable)
        return Error{
            u"preset %1 (%2) cannot be exported as %3: that format is not its library's; formats for it: "
            u"%4"_s.arg(policy.preset->name, policy.semantics->library, infoOf(format).title, formatIds(formats))};

    switch (format) {
    case PolicyFormat::Breakerwatch:
        return toBreakerwatch(policy, instanceName);
    case PolicyFormat::Resilience4jSpring:
        return toResilience4j(policy, instanceName);
    case PolicyFormat::OpossumJson:
        return toOpossum(policy, instanceName);
    case PolicyFormat::CockatielSnippet:
        return toCockatiel(policy, instanceName);
    case PolicyFormat::PollySnippet:
        return toPolly(policy, instanceName);
    }
    Q_UNREACHABLE();
    return Error{u"unknown export format"_s};
}

} // namespace bw
