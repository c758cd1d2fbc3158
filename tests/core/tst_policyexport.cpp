// Exporting a policy as its library's own configuration: Breakerwatch YAML reads back to the same values, the
// Spring YAML and opossum JSON parse with real parsers and hold the right values, the snippets name the right
// constructor and values, and what a library would refuse is refused here with the reason.
#include "breaker/policyfile.h"
#include "breaker/presetcatalog.h"
#include "common/durations.h"
#include "whatif/policyexport.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

using Parameters = QList<QPair<QString, QString>>;

namespace {

// A valid value other than the default for every parameter: non-round numbers and durations, flipped flags,
// the next choice, set nullables.
QString nudged(const bw::ParameterSpec &spec)
{
    const QVariant value = spec.defaultValue;
    auto within = [&](double x) {
        return (spec.minimumExclusive ? x > spec.minimum : x >= spec.minimum) && x <= spec.maximum;
    };
    switch (spec.type) {
    case bw::ParameterType::Integer: {
        const qlonglong base = value.isValid() ? value.toLongLong() : static_cast<qlonglong>(spec.minimum) + 2;
        const qlonglong candidate = value.isValid() ? base + 1 : base;
        return QString::number(within(static_cast<double>(candidate)) ? candidate : base - 1);
    }
    case bw::ParameterType::Number: {
        const double base = value.isValid() ? value.toDouble() : 10;
        double candidate = base != 0 ? base * 0.75 : spec.minimum + 1;
        if (!within(candidate))
            candidate = (base + spec.maximum) / 2;
        return QString::number(candidate, 'g', 17);
    }
    case bw::ParameterType::DurationMs:
        return QString::number(value.toLongLong() + 1234);
    case bw::ParameterType::Boolean:
        return value.toBool() ? u"false"_s : u"true"_s;
    case bw::ParameterType::Choice:
        return spec.choices.value((spec.choices.indexOf(value.toString()) + 1) % spec.choices.size());
    case bw::ParameterType::IntegerList:
        return u"10,25,50"_s;
    }
    return {};
}

bw::PolicyDocument document(const QString &preset, const Parameters &parameters = {})
{
    return bw::PolicyDocument{preset, parameters};
}

QString exported(const bw::PolicyDocument &policy, bw::PolicyFormat format, const QString &name = u"backend"_s)
{
    const auto text = bw::exportPolicy(bw::PresetCatalog{}, policy, format, name);
    if (!text)
        qWarning("%s", qPrintable(text.error()));
    return text ? *text : QString();
}

// QVERIFY2 evaluates its message even when the check passes: read the error only when there is one.
template<typename T>
QByteArray errorOf(const bw::Result<T> &result)
{
    return result.ok() ? QByteArray() : result.error().toUtf8();
}

QString scalar(const YAML::Node &node)
{
    return node && node.IsScalar() ? QString::fromStdString(node.Scalar()) : u"<missing>"_s;
}

} // namespace

class TestPolicyExport final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void formatsFollowTheLibrary();
    void formatIds();
    void breakerwatchRoundTrip_data();
    void breakerwatchRoundTrip();
    void breakerwatchSpellsOutDefaultsAndNulls();
    void resilience4jSpringYaml();
    void resilience4jNamesWhatItLeavesOut();
    void opossumJson();
    void cockatielSnippets_data();
    void cockatielSnippets();
    void pollySnippet();
    void refusals_data();
    void refusals();
};

void TestPolicyExport::formatsFollowTheLibrary()
{
    const bw::PresetCatalog catalog;
    auto ids = [&](const QString &preset) {
        QStringList out;
        for (const bw::PolicyFormatInfo &info : bw::exportFormatsFor(catalog, preset))
            out << info.id;
        return out;
    };
    QCOMPARE(ids(u"opossum"_s), (QStringList{u"breakerwatch"_s, u"opossum"_s}));
    QCOMPARE(ids(u"cockatiel-consecutive"_s), (QStringList{u"breakerwatch"_s, u"cockatiel"_s}));
    QCOMPARE(ids(u"cockatiel-sampling"_s), (QStringList{u"breakerwatch"_s, u"cockatiel"_s}));
    QCOMPARE(ids(u"cockatiel-count"_s), (QStringList{u"breakerwatch"_s, u"cockatiel"_s}));
    QCOMPARE(ids(u"Resilience4j"_s), (QStringList{u"breakerwatch"_s, u"resilience4j"_s}));
    QCOMPARE(ids(u"polly"_s), (QStringList{u"breakerwatch"_s, u"polly"_s}));
    for (const QString &own : {u"hystrix"_s, u"gobreaker"_s, u"classic"_s, u"multi-signal"_s, u"breakerwatch"_s,
                               u"payment"_s, u"aggressive"_s, u"no-such-preset"_s})
        QCOMPARE(ids(own), QStringList{u"breakerwatch"_s});
    // Every preset: Breakerwatch first, at most one library format, with a file suffix.
    for (const bw::Preset &preset : catalog.presets()) {
        const auto formats = bw::exportFormatsFor(catalog, preset.name);
        QVERIFY(!formats.empty() && formats.size() <= 2);
        QCOMPARE(formats.front().format, bw::PolicyFormat::Breakerwatch);
        for (const bw::PolicyFormatInfo &info : formats)
            QVERIFY(!info.title.isEmpty() && !info.fileSuffix.isEmpty());
    }
}

void TestPolicyExport::formatIds()
{
    const std::vector<std::pair<QString, bw::PolicyFormat>> expected{
        {u"breakerwatch"_s, bw::PolicyFormat::Breakerwatch},
        {u"resilience4j"_s, bw::PolicyFormat::Resilience4jSpring},
        {u"opossum"_s, bw::PolicyFormat::OpossumJson},
        {u"cockatiel"_s, bw::PolicyFormat::CockatielSnippet},
        {u"polly"_s, bw::PolicyFormat::PollySnippet}};
    for (const auto &[id, format] : expected) {
        QCOMPARE(bw::policyFormatFromId(id), std::optional(format));
        QCOMPARE(bw::policyFormatFromId(id.toUpper()), std::optional(format));
    }
    QVERIFY(!bw::policyFormatFromId(u"json"_s));
    QVERIFY(!bw::policyFormatFromId(u""_s));
}

void TestPolicyExport::breakerwatchRoundTrip_data()
{
    QTest::addColumn<QString>("preset");
    QTest::addColumn<Parameters>("parameters");
    const bw::PresetCatalog catalog;
    for (const bw::Preset &preset : catalog.presets()) {
        QTest::addRow("%s defaults", qPrintable(preset.name)) << preset.name << Parameters{};
        Parameters changed;
        for (const bw::ParameterSpec &spec : preset.parameters)
            changed.append({spec.name, nudged(spec)});
        QTest::addRow("%s changed", qPrintable(preset.name)) << preset.name << changed;
    }
    // A few written by hand: units in the text, a long fraction, a list.
    QTest::newRow("opossum by hand") << u"opossum"_s
                                     << Parameters{{u"errorThresholdPercentage"_s, u"33.333333333333336"_s},
                                                   {u"resetTimeout"_s, u"1m30s"_s},
                                                   {u"allowWarmUp"_s, u"yes"_s}};
    QTest::newRow("breakerwatch ramp") << u"breakerwatch"_s
                                       << Parameters{{u"recoveryRamp"_s, u"5, 20,60"_s}, {u"window"_s, u"TIME"_s}};
}

void TestPolicyExport::breakerwatchRoundTrip()
{
    QFETCH(QString, preset);
    QFETCH(Parameters, parameters);
    const bw::PresetCatalog catalog;
    const auto original = catalog.resolveText(preset, parameters);
    QVERIFY2(original.ok(), errorOf(original).constData());
    QVERIFY2(catalog.buildText(preset, parameters).ok(), "the test's values must make a valid policy");
    if (!parameters.isEmpty())
        QVERIFY(*original != catalog.find(preset)->defaults());

    const QString text = exported(document(preset, parameters), bw::PolicyFormat::Breakerwatch);
    QVERIFY(!text.isEmpty());
    const auto reread = bw::parsePolicyText(text.toUtf8(), u"export.yaml"_s);
    QVERIFY2(reread.ok(), errorOf(reread).constData());
    QCOMPARE(reread->preset, preset);
    QCOMPARE(reread->parameters.size(), qsizetype(catalog.find(preset)->parameters.size()));
    const auto roundTripped = catalog.resolveText(reread->preset, reread->parameters);
    QVERIFY2(roundTripped.ok(), errorOf(roundTripped).constData());
    QCOMPARE(*roundTripped, *original);
}

void TestPolicyExport::breakerwatchSpellsOutDefaultsAndNulls()
{
    const QString text = exported(document(u"cockatiel-sampling"_s, {{u"threshold"_s, u"0.4"_s}}),
                                  bw::PolicyFormat::Breakerwatch, u"search-api"_s);
    const YAML::Node root = YAML::Load(text.toStdString());
    QCOMPARE(scalar(root["name"]), u"search-api"_s);
    QCOMPARE(scalar(root["preset"]), u"cockatiel-sampling"_s);
    QCOMPARE(scalar(root["parameters"]["threshold"]), u"0.4"_s);
    QCOMPARE(scalar(root["parameters"]["duration"]), u"10000"_s);
    QCOMPARE(scalar(root["parameters"]["halfOpenAfter"]), u"10000"_s);
    QVERIFY(root["parameters"]["minimumRps"].IsNull());
    QVERIFY2(text.contains(u"halfOpenAfter: 10000  # ms"_s), qPrintable(text));
}

void TestPolicyExport::resilience4jSpringYaml()
{
    const Parameters parameters{{u"failureRateThreshold"_s, u"35.5"_s},
                                {u"slowCallRateThreshold"_s, u"80"_s},
                                {u"slowCallDurationThreshold"_s, u"2500ms"_s},
                                {u"slidingWindowType"_s, u"TIME_BASED"_s},
                                {u"slidingWindowSize"_s, u"30"_s},
                                {u"minimumNumberOfCalls"_s, u"12"_s},
                                {u"permittedNumberOfCallsInHalfOpenState"_s, u"4"_s},
                                {u"waitDurationInOpenState"_s, u"15s"_s},
                                {u"automaticTransitionFromOpenToHalfOpenEnabled"_s, u"true"_s},
                                {u"enableExponentialBackoff"_s, u"true"_s},
                                {u"exponentialBackoffMultiplier"_s, u"2"_s},
                                {u"exponentialMaxWaitDurationInOpenState"_s, u"2m"_s}};
    const QString text =
        exported(document(u"resilience4j"_s, parameters), bw::PolicyFormat::Resilience4jSpring, u"payments-api"_s);
    YAML::Node root;
    try {
        root = YAML::Load(text.toStdString());
    } catch (const YAML::Exception &e) {
        QFAIL(e.what());
    }
    const YAML::Node instance = root["resilience4j"]["circuitbreaker"]["instances"]["payments-api"];
    QVERIFY2(instance.IsMap(), qPrintable(text));

    const bw::PresetCatalog catalog;
    const bw::Preset *preset = catalog.find(u"resilience4j");
    const bw::ParameterValues values = *catalog.resolveText(u"resilience4j", parameters);
    QStringList expectedKeys;
    for (const bw::ParameterSpec &spec : preset->parameters) {
        if (spec.name == u"randomSeed")
            continue;
        expectedKeys << spec.name;
        const QString written = scalar(instance[spec.name.toStdString()]);
        const QVariant value = values.value(spec.name);
        switch (spec.type) {
        case bw::ParameterType::DurationMs: {
            QVERIFY2(written.endsWith(u's'), qPrintable(spec.name + u": "_s + written)); // "15s", "2500ms"
            const auto ms = bw::parseDurationMs(written);
            QVERIFY2(ms.ok(), qPrintable(spec.name + u": "_s + written));
            QCOMPARE(*ms, value.toLongLong());
            break;
        }
        case bw::ParameterType::Number:
            QCOMPARE(written.toDouble(), value.toDouble());
            break;
        case bw::ParameterType::Integer:
            QCOMPARE(written.toLongLong(), value.toLongLong());
            break;
        case bw::ParameterType::Boolean:
            QCOMPARE(written, value.toBool() ? u"true"_s : u"false"_s);
            break;
        default:
            QCOMPARE(written, value.toString());
        }
    }
    QStringList keys;
    for (const auto &entry : instance)
        keys << QString::fromStdString(entry.first.Scalar());
    QCOMPARE(keys, expectedKeys);
    QCOMPARE(scalar(instance["waitDurationInOpenState"]), u"15s"_s);
    QCOMPARE(scalar(instance["slowCallDurationThreshold"]), u"2500ms"_s);
    QCOMPARE(scalar(instance["exponentialMaxWaitDurationInOpenState"]), u"120s"_s);
    QCOMPARE(scalar(instance["slidingWindowType"]), u"TIME_BASED"_s);
}

void TestPolicyExport::resilience4jNamesWhatItLeavesOut()
{
    const QString text = exported(document(u"resilience4j"_s), bw::PolicyFormat::Resilience4jSpring);
    const YAML::Node instance =
        YAML::Load(text.toStdString())["resilience4j"]["circuitbreaker"]["instances"]["backend"];
    QVERIFY(instance.IsMap());
    QVERIFY(!instance["randomSeed"]);
    QVERIFY(!instance["exponentialMaxWaitDurationInOpenState"]); // 0 = no cap: Spring refuses 0, unset means none
    QCOMPARE(scalar(instance["waitDurationInOpenState"]), u"60s"_s);
    QCOMPARE(scalar(instance["maxWaitDurationInHalfOpenState"]), u"0s"_s);
    QCOMPARE(scalar(instance["minimumNumberOfCalls"]), u"100"_s);
    QVERIFY2(text.contains(u"# randomSeed = 1 has no Resilience4j property"_s), qPrintable(text));
    QVERIFY2(text.contains(u"# exponentialMaxWaitDurationInOpenState is left unset"_s), qPrintable(text));
}

void TestPolicyExport::opossumJson()
{
    const Parameters parameters{{u"errorThresholdPercentage"_s, u"37.5"_s},
                                {u"volumeThreshold"_s, u"8"_s},
                                {u"rollingCountTimeout"_s, u"6s"_s},
                                {u"rollingCountBuckets"_s, u"4"_s},
                                {u"resetTimeout"_s, u"12500"_s},
                                {u"allowWarmUp"_s, u"true"_s}};
    const QString text = exported(document(u"opossum"_s, parameters), bw::PolicyFormat::OpossumJson, u"inventory"_s);
    QJsonParseError error;
    const QJsonDocument json = QJsonDocument::fromJson(text.toUtf8(), &error);
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString() + u'\n' + text));
    const QJsonObject options = json.object();
    QCOMPARE(options.size(), 7);
    QCOMPARE(options.value(u"name"_s).toString(), u"inventory"_s);
    const bw::PresetCatalog catalog;
    const bw::ParameterValues values = *catalog.resolveText(u"opossum", parameters);
    for (const bw::ParameterSpec &spec : catalog.find(u"opossum")->parameters) {
        const QJsonValue option = options.value(spec.name);
        if (spec.type == bw::ParameterType::Boolean) {
            QVERIFY2(option.isBool(), qPrintable(spec.name));
            QCOMPARE(option.toBool(), values.value(spec.name).toBool());
        } else {
            QVERIFY2(option.isDouble(), qPrintable(spec.name)); // a number, not "12500"
            QCOMPARE(option.toDouble(), values.value(spec.name).toDouble());
        }
    }
    QCOMPARE(options.value(u"rollingCountTimeout"_s).toInteger(), 6000);
    QCOMPARE(options.value(u"errorThresholdPercentage"_s).toDouble(), 37.5);
}

void TestPolicyExport::cockatielSnippets_data()
{
    QTest::addColumn<QString>("preset");
    QTest::addColumn<Parameters>("parameters");
    QTest::addColumn<QStringList>("expected");
    QTest::addColumn<QStringList>("absent");
    const QString import = u"import { circuitBreaker, handleAll, %1 } from 'cockatiel';"_s;
    const QString declaration = u"const ordersBreaker = circuitBreaker(handleAll, {"_s;
    QTest::newRow("consecutive") << u"cockatiel-consecutive"_s
                                 << Parameters{{u"threshold"_s, u"7"_s}, {u"halfOpenAfter"_s, u"15s"_s}}
                                 << QStringList{import.arg(u"ConsecutiveBreaker"_s), declaration,
                                                u"halfOpenAfter: %1, // ms"_s.arg(15000),
                                                u"breaker: new ConsecutiveBreaker(%1),"_s.arg(7)}
                                 << QStringList{u"SamplingBreaker"_s};
    QTest::newRow("sampling, default rps")
        << u"cockatiel-sampling"_s << Parameters{{u"threshold"_s, u"0.35"_s}, {u"duration"_s, u"7300"_s}}
        << QStringList{import.arg(u"SamplingBreaker"_s),
                       declaration,
                       u"halfOpenAfter: %1, // ms"_s.arg(10000),
                       u"breaker: new SamplingBreaker({"_s,
                       u"threshold: %1,"_s.arg(0.35),
                       u"duration: %1, // ms"_s.arg(7300),
                       u"minimumRps is not passed"_s}
        << QStringList{u"minimumRps:"_s, u"null"_s};
    QTest::newRow("sampling, rps") << u"cockatiel-sampling"_s
                                   << Parameters{{u"threshold"_s, u"0.5"_s},
                                                 {u"minimumRps"_s, u"2.5"_s},
                                                 {u"halfOpenAfter"_s, u"1500ms"_s}}
                                   << QStringList{u"minimumRps: %1,"_s.arg(2.5),
                                                  u"halfOpenAfter: %1, // ms"_s.arg(1500), u"threshold: %1,"_s.arg(0.5)}
                                   << QStringList{u"not passed"_s};
    QTest::newRow("count") << u"cockatiel-count"_s
                           << Parameters{{u"threshold"_s, u"0.3"_s},
                                         {u"size"_s, u"50"_s},
                                         {u"minimumNumberOfCalls"_s, u"10"_s},
                                         {u"halfOpenAfter"_s, u"20s"_s}}
                           << QStringList{import.arg(u"CountBreaker"_s),
                                          u"breaker: new CountBreaker({"_s,
                                          u"threshold: %1,"_s.arg(0.3),
                                          u"size: %1,"_s.arg(50),
                                          u"minimumNumberOfCalls: %1,"_s.arg(10),
                                          u"halfOpenAfter: %1, // ms"_s.arg(20000)}
                           << QStringList{u"not passed"_s};
    QTest::newRow("count, default minimum")
        << u"cockatiel-count"_s << Parameters{{u"size"_s, u"40"_s}}
        << QStringList{u"size: %1,"_s.arg(40), u"minimumNumberOfCalls is not passed"_s}
        << QStringList{u"minimumNumberOfCalls:"_s};
}

void TestPolicyExport::cockatielSnippets()
{
    QFETCH(QString, preset);
    QFETCH(Parameters, parameters);
    QFETCH(QStringList, expected);
    QFETCH(QStringList, absent);
    const QString text = exported(document(preset, parameters), bw::PolicyFormat::CockatielSnippet, u"orders"_s);
    QVERIFY(!text.isEmpty());
    for (const QString &part : expected)
        QVERIFY2(text.contains(part), qPrintable(u"missing \"%1\" in:\n%2"_s.arg(part, text)));
    for (const QString &part : absent)
        QVERIFY2(!text.contains(part), qPrintable(u"unexpected \"%1\" in:\n%2"_s.arg(part, text)));
    // Balanced braces and parentheses: the snippet is one complete statement after the import.
    QCOMPARE(text.count(u'{'), text.count(u'}'));
    QCOMPARE(text.count(u'('), text.count(u')'));
    QVERIFY(text.trimmed().endsWith(u"});"_s));
}

void TestPolicyExport::pollySnippet()
{
    const QString text = exported(document(u"polly"_s, {{u"FailureRatio"_s, u"0.25"_s},
                                                        {u"MinimumThroughput"_s, u"40"_s},
                                                        {u"SamplingDuration"_s, u"20s"_s},
                                                        {u"BreakDuration"_s, u"7500"_s}}),
                                  bw::PolicyFormat::PollySnippet, u"payments-api"_s);
    for (const QString &part :
         {u"using Polly;"_s, u"using Polly.CircuitBreaker;"_s,
          u"var paymentsApiPipeline = new ResiliencePipelineBuilder()"_s,
          u".AddCircuitBreaker(new CircuitBreakerStrategyOptions"_s, u"Name = \"payments-api\","_s,
          u"FailureRatio = %1,"_s.arg(0.25), u"MinimumThroughput = %1,"_s.arg(40),
          u"SamplingDuration = TimeSpan.FromSeconds(%1),"_s.arg(20),
          u"BreakDuration = TimeSpan.FromMilliseconds(%1),"_s.arg(7500), u".Build();"_s})
        QVERIFY2(text.contains(part), qPrintable(u"missing \"%1\" in:\n%2"_s.arg(part, text)));
    const QString defaults = exported(document(u"polly"_s), bw::PolicyFormat::PollySnippet);
    QVERIFY2(defaults.contains(u"FailureRatio = 0.1,"_s) && defaults.contains(u"MinimumThroughput = 100,"_s) &&
                 defaults.contains(u"SamplingDuration = TimeSpan.FromSeconds(30),"_s) &&
                 defaults.contains(u"BreakDuration = TimeSpan.FromSeconds(5),"_s),
             qPrintable(defaults));
}

void TestPolicyExport::refusals_data()
{
    QTest::addColumn<QString>("preset");
    QTest::addColumn<Parameters>("parameters");
    QTest::addColumn<int>("format");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QStringList>("message");
    const int opossum = int(bw::PolicyFormat::OpossumJson);
    const int spring = int(bw::PolicyFormat::Resilience4jSpring);
    const int cockatiel = int(bw::PolicyFormat::CockatielSnippet);
    const int polly = int(bw::PolicyFormat::PollySnippet);
    const int breakerwatch = int(bw::PolicyFormat::Breakerwatch);
    const QString backend = u"backend"_s;
    QTest::newRow("value out of range") << u"opossum"_s << Parameters{{u"errorThresholdPercentage"_s, u"150"_s}}
                                        << opossum << backend
                                        << QStringList{u"errorThresholdPercentage"_s, u"150"_s, u"[0, 100]"_s};
    QTest::newRow("not a number") << u"opossum"_s << Parameters{{u"volumeThreshold"_s, u"many"_s}} << breakerwatch
                                  << backend << QStringList{u"volumeThreshold must be an integer"_s, u"many"_s};
    QTest::newRow("unknown parameter") << u"opossum"_s << Parameters{{u"timeout"_s, u"3000"_s}} << opossum << backend
                                       << QStringList{u"no parameter \"timeout\""_s, u"resetTimeout"_s};
    QTest::newRow("unknown preset") << u"netflix"_s << Parameters{} << breakerwatch << backend
                                    << QStringList{u"unknown preset \"netflix\""_s, u"opossum"_s};
    QTest::newRow("opossum of resilience4j")
        << u"resilience4j"_s << Parameters{} << opossum << backend
        << QStringList{u"resilience4j"_s, u"cannot be exported as opossum options (JSON)"_s,
                       u"breakerwatch, resilience4j"_s};
    QTest::newRow("spring of opossum") << u"opossum"_s << Parameters{} << spring << backend
                                       << QStringList{u"cannot be exported as Resilience4j"_s};
    QTest::newRow("cockatiel of a profile") << u"aggressive"_s << Parameters{} << cockatiel << backend
                                            << QStringList{u"aggressive"_s, u"cannot be exported"_s};
    QTest::newRow("cockatiel threshold 1")
        << u"cockatiel-sampling"_s << Parameters{{u"threshold"_s, u"1"_s}} << cockatiel << backend
        << QStringList{u"cockatiel-sampling"_s, u"threshold"_s, u"(0, 1), got 1"_s};
    QTest::newRow("cockatiel minimum above size")
        << u"cockatiel-count"_s << Parameters{{u"size"_s, u"10"_s}, {u"minimumNumberOfCalls"_s, u"20"_s}} << cockatiel
        << backend << QStringList{u"CountBreaker"_s, u"minimumNumberOfCalls 20 with size 10"_s};
    QTest::newRow("spring rate below 1") << u"resilience4j"_s << Parameters{{u"failureRateThreshold"_s, u"0.5"_s}}
                                         << spring << backend
                                         << QStringList{u"failureRateThreshold 0.5"_s, u"between 1 and 100"_s};
    QTest::newRow("spring zero wait") << u"resilience4j"_s << Parameters{{u"waitDurationInOpenState"_s, u"0"_s}}
                                      << spring << backend << QStringList{u"waitDurationInOpenState 0"_s};
    QTest::newRow("spring both backoffs")
        << u"resilience4j"_s
        << Parameters{{u"enableExponentialBackoff"_s, u"true"_s}, {u"enableRandomizedWait"_s, u"true"_s}} << spring
        << backend << QStringList{u"enableExponentialBackoff and enableRandomizedWait"_s};
    QTest::newRow("polly break over a day") << u"polly"_s << Parameters{{u"BreakDuration"_s, u"2d"_s}} << polly
                                            << backend << QStringList{u"BreakDuration 172800000 ms"_s, u"1 day"_s};
    QTest::newRow("name with a dot") << u"opossum"_s << Parameters{} << opossum << u"a.b"_s
                                     << QStringList{u"instance name \"a.b\""_s};
    QTest::newRow("empty name") << u"opossum"_s << Parameters{} << breakerwatch << QString()
                                << QStringList{u"instance name \"\""_s};
    QTest::newRow("name starting with a digit")
        << u"polly"_s << Parameters{} << polly << u"1st"_s << QStringList{u"must start with a letter"_s};
}

void TestPolicyExport::refusals()
{
    QFETCH(QString, preset);
    QFETCH(Parameters, parameters);
    QFETCH(int, format);
    QFETCH(QString, name);
    QFETCH(QStringList, message);
    const auto text =
        bw::exportPolicy(bw::PresetCatalog{}, document(preset, parameters), bw::PolicyFormat(format), name);
    QVERIFY2(!text.ok(), qPrintable(text.ok() ? *text : QString()));
    for (const QString &part : message)
        QVERIFY2(text.error().contains(part), qPrintable(u"\"%1\" not in: %2"_s.arg(part, text.error())));
}

QTEST_GUILESS_MAIN(TestPolicyExport)
#include "tst_policyexport.moc"
