// breakerwatch-cli as a script would use it: output contract, errors, exit codes.
#include "cliprocess.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QTemporaryDir>

using namespace Qt::StringLiterals;

namespace {

// Five failures open a consecutive-5 breaker at 4000; probes at 15000 (fails) and 30000 (succeeds).
const QByteArray kEvents = "{\"t\":0,\"ok\":false,\"latency_ms\":12.5}\n"
                           "{\"t\":1000,\"ok\":false,\"latency_ms\":10}\n"
                           "{\"t\":2000,\"ok\":false,\"latency_ms\":10}\n"
                           "{\"t\":3000,\"ok\":false,\"latency_ms\":10}\n"
                           "{\"t\":4000,\"ok\":false,\"latency_ms\":10}\n"
                           "{\"t\":5000,\"ok\":true,\"latency_ms\":10}\n"
                           "{\"t\":15000,\"ok\":false,\"latency_ms\":10}\n"
                           "{\"t\":20000,\"ok\":true,\"latency_ms\":2500}\n"
                           "{\"t\":30000,\"ok\":true,\"latency_ms\":10}\n";

QString writeFile(const QTemporaryDir &dir, const QString &name, const QByteArray &content)
{
    const QString path = dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        qFatal("cannot write %s", qPrintable(path));
    file.write(content);
    return path;
}

QByteArray withoutTiming(QByteArray text)
{
    static const QRegularExpression timing(u"\"(wall_ms|events_per_s)\":[0-9.e+]+"_s);
    return QString::fromUtf8(text).replace(timing, u"\"\\1\":0"_s).toUtf8();
}

} // namespace

class TestCli final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void replayFollowsTheContract();
    void replayReadsStandardInput();
    void replayWithPolicyFileEqualsPresetAndSet();
    void replayTimeoutTurnsSlowCallsIntoFailures();
    void replayOutagesAddDelays();
    void malformedLineNamesItsNumber();
    void unknownPresetNamesValidOnes();
    void unknownParameterNamesValidOnes();
    void badValueIsExplained();
    void presetAndPolicyAreExclusive();
    void missingFile();
    void sweepPrintsOneLinePerGridPoint();
    void sweepCsv();
    void sweepRejectsAnInvalidGridPoint();
    void presetsListsEverything();
    void presetsJson();
    void exportPolicyWritesTheLibrarysFormat();
    void exportPolicyFromAPolicyFile();
    void exportPolicyErrors();
    void usage();

private:
    QTemporaryDir m_dir;
    QString m_events;
};

void TestCli::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_events = writeFile(m_dir, u"events.jsonl"_s, kEvents);
}

void TestCli::replayFollowsTheContract()
{
    const CliRun run = runCli({u"replay"_s, u"--in"_s, m_events, u"--preset"_s, u"classic"_s, u"--set"_s,
                               u"recovery_timeout=10s"_s, u"--set"_s, u"success_threshold=1"_s});
    QVERIFY2(run.exitCode == 0, run.err.constData());
    const QList<QByteArray> lines = run.lines();
    QCOMPARE(lines.size(), 6);
    QCOMPARE(lines[0], R"({"t":4000,"from":"closed","to":"open","reason":"5 consecutive failures >= 5"})");
    QCOMPARE(lines[1], R"({"t":15000,"from":"open","to":"half-open","reason":"open for 11 s: trying a probe"})");
    QCOMPARE(lines[2], R"({"t":15000,"from":"half-open","to":"open","reason":"probe call failed"})");
    QVERIFY(lines[4].startsWith(R"({"t":30000,"from":"half-open","to":"closed")"));

    const QJsonObject summary = QJsonDocument::fromJson(lines.last()).object()[u"summary"_s].toObject();
    QCOMPARE(summary[u"transitions"_s].toInt(), 5);
    QCOMPARE(summary[u"opens"_s].toInt(), 2);
    QCOMPARE(summary[u"rejected"_s].toInt(), 2); // t=5000 and t=20000
    QCOMPARE(summary[u"events"_s].toInt(), 9);
    QCOMPARE(summary[u"final_state"_s].toString(), u"closed"_s);
    QVERIFY(summary[u"wall_ms"_s].isDouble());
    QVERIFY(summary[u"events_per_s"_s].isDouble());
    QCOMPARE(summary[u"good_rejected"_s].toInt(), 2);
    QCOMPARE(summary[u"failed_let_through"_s].toInt(), 6);
    // The contract's key order, as documented in the README.
    QVERIFY(lines.last().startsWith(
        R"({"summary":{"transitions":5,"opens":2,"rejected":2,"events":9,"final_state":"closed","wall_ms":)"));
}

void TestCli::replayReadsStandardInput()
{
    const QStringList arguments{u"replay"_s, u"--preset"_s, u"cockatiel-consecutive"_s, u"--in"_s};
    const CliRun fromFile = runCli(arguments + QStringList{m_events});
    const CliRun fromStdin = runCli(arguments + QStringList{u"-"_s}, kEvents);
    QVERIFY2(fromStdin.exitCode == 0, fromStdin.err.constData());
    QCOMPARE(withoutTiming(fromStdin.out), withoutTiming(fromFile.out));
    QVERIFY(fromStdin.lines().size() > 1);
}

void TestCli::replayWithPolicyFileEqualsPresetAndSet()
{
    const QString policy = writeFile(m_dir, u"policy.yaml"_s,
                                     "preset: resilience4j\nparameters:\n  slidingWindowSize: 4\n"
                                     "  minimumNumberOfCalls: 4\n  waitDurationInOpenState: 5s\n");
    const CliRun fromFile = runCli({u"replay"_s, u"--in"_s, m_events, u"--policy"_s, policy});
    const CliRun fromFlags = runCli({u"replay"_s, u"--in"_s, m_events, u"--preset"_s, u"resilience4j"_s, u"--set"_s,
                                     u"slidingWindowSize=4"_s, u"--set"_s, u"minimumNumberOfCalls=4"_s, u"--set"_s,
                                     u"waitDurationInOpenState=5000"_s});
    QVERIFY2(fromFile.exitCode == 0, fromFile.err.constData());
    QCOMPARE(withoutTiming(fromFile.out), withoutTiming(fromFlags.out));
    QVERIFY(fromFile.out.contains("\"to\":\"open\""));

    // --set overrides the file.
    const CliRun overridden =
        runCli({u"replay"_s, u"--in"_s, m_events, u"--policy"_s, policy, u"--set"_s, u"failureRateThreshold=100"_s});
    QVERIFY(overridden.out != fromFile.out);
}

void TestCli::replayTimeoutTurnsSlowCallsIntoFailures()
{
    const QStringList base{u"replay"_s, u"--in"_s,        m_events,   u"--preset"_s,         u"cockatiel-consecutive"_s,
                           u"--set"_s,  u"threshold=1"_s, u"--set"_s, u"halfOpenAfter=100"_s};
    const CliRun plain = runCli(base);
    const CliRun timed = runCli(base + QStringList{u"--timeout-ms"_s, u"2000"_s});
    // The 2500 ms success at t=20000 becomes a failure: one more open.
    auto opens = [](const CliRun &run) {
        return QJsonDocument::fromJson(run.lines().last()).object()[u"summary"_s].toObject()[u"opens"_s].toInt();
    };
    QCOMPARE(opens(timed), opens(plain) + 1);
}

void TestCli::replayOutagesAddDelays()
{
    const CliRun run = runCli({u"replay"_s, u"--in"_s, m_events, u"--preset"_s, u"classic"_s, u"--outage"_s,
                               u"0:4500"_s, u"--set"_s, u"recovery_timeout=10s"_s});
    QVERIFY2(run.exitCode == 0, run.err.constData());
    const QJsonObject summary = QJsonDocument::fromJson(run.lines().last()).object()[u"summary"_s].toObject();
    QCOMPARE(summary[u"outages"_s].toInt(), 1);
    QCOMPARE(summary[u"detection_delay_ms_max"_s].toDouble(), 4000.0);
    const CliRun bad = runCli({u"replay"_s, u"--in"_s, m_events, u"--preset"_s, u"classic"_s, u"--outage"_s, u"9:3"_s});
    QCOMPARE(bad.exitCode, 2);
    QVERIFY(bad.err.contains("--outage expects START:END"));
}

void TestCli::malformedLineNamesItsNumber()
{
    const QString broken =
        writeFile(m_dir, u"broken.jsonl"_s, "{\"t\":0,\"ok\":true}\n{\"t\":1,\"ok\":true}\n{\"t\":2,\"ok\":maybe}\n");
    const CliRun run = runCli({u"replay"_s, u"--in"_s, broken, u"--preset"_s, u"opossum"_s});
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.contains("broken.jsonl: line 3: \"ok\" must be true or false"), run.err.constData());
    QVERIFY(run.out.isEmpty());
}

void TestCli::unknownPresetNamesValidOnes()
{
    const CliRun run = runCli({u"replay"_s, u"--in"_s, m_events, u"--preset"_s, u"hystrics"_s});
    QCOMPARE(run.exitCode, 1);
    QVERIFY(run.err.contains("unknown preset \"hystrics\"; valid presets: opossum, cockatiel-consecutive"));
}

void TestCli::unknownParameterNamesValidOnes()
{
    const CliRun run =
        runCli({u"replay"_s, u"--in"_s, m_events, u"--preset"_s, u"opossum"_s, u"--set"_s, u"timeout=5"_s});
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.contains("preset opossum has no parameter \"timeout\"; valid parameters: "
                              "errorThresholdPercentage, volumeThreshold"),
             run.err.constData());
}

void TestCli::badValueIsExplained()
{
    const CliRun run = runCli({u"replay"_s, u"--in"_s, m_events, u"--preset"_s, u"resilience4j"_s, u"--set"_s,
                               u"failureRateThreshold=lots"_s});
    QCOMPARE(run.exitCode, 1);
    QVERIFY(run.err.contains("failureRateThreshold must be a number, got \"lots\""));
}

void TestCli::presetAndPolicyAreExclusive()
{
    const CliRun both = runCli({u"replay"_s, u"--in"_s, m_events, u"--preset"_s, u"opossum"_s, u"--policy"_s, u"x"_s});
    QCOMPARE(both.exitCode, 1);
    QVERIFY(both.err.contains("exactly one of --preset NAME or --policy FILE"));
    const CliRun neither = runCli({u"replay"_s, u"--in"_s, m_events});
    QCOMPARE(neither.exitCode, 1);
}

void TestCli::missingFile()
{
    const CliRun run = runCli({u"replay"_s, u"--in"_s, m_dir.filePath(u"nope.jsonl"_s), u"--preset"_s, u"opossum"_s});
    QCOMPARE(run.exitCode, 1);
    QVERIFY(run.err.contains("nope.jsonl: cannot open"));
    const CliRun noIn = runCli({u"replay"_s, u"--preset"_s, u"opossum"_s});
    QCOMPARE(noIn.exitCode, 2);
}

void TestCli::sweepPrintsOneLinePerGridPoint()
{
    const CliRun run = runCli({u"sweep"_s, u"--in"_s, m_events, u"--preset"_s, u"classic"_s, u"--grid"_s,
                               u"failure_threshold=2,5,10"_s, u"--grid"_s, u"recovery_timeout=1s,10s"_s});
    QVERIFY2(run.exitCode == 0, run.err.constData());
    const QList<QJsonObject> points = run.objects();
    QCOMPARE(points.size(), 6);
    QCOMPARE(points[0][u"parameters"_s].toObject()[u"failure_threshold"_s].toInt(), 2);
    QCOMPARE(points[0][u"parameters"_s].toObject()[u"recovery_timeout"_s].toString(), u"1s"_s);
    for (const QJsonObject &point : points) {
        for (const QString &key : {u"transitions"_s, u"opens"_s, u"rejected"_s, u"events"_s, u"failed_let_through"_s,
                                   u"good_rejected"_s, u"open_ms"_s, u"flapping_episodes"_s})
            QVERIFY2(point.contains(key), qPrintable(key));
    }
    QCOMPARE(points[4][u"opens"_s].toInt(), 0); // 10 consecutive failures never happen
    QVERIFY(points[0][u"opens"_s].toInt() > 0);
}

void TestCli::sweepCsv()
{
    const CliRun run = runCli({u"sweep"_s, u"--in"_s, m_events, u"--preset"_s, u"classic"_s, u"--grid"_s,
                               u"failure_threshold=1..3:1"_s, u"--format"_s, u"csv"_s});
    QVERIFY2(run.exitCode == 0, run.err.constData());
    const QList<QByteArray> lines = run.lines();
    QCOMPARE(lines.size(), 4);
    QVERIFY(lines[0].startsWith("failure_threshold,transitions,opens,rejected,events,final_state"));
    QVERIFY(lines[1].startsWith("1,"));
    QVERIFY(lines[3].startsWith("3,"));
}

void TestCli::sweepRejectsAnInvalidGridPoint()
{
    const CliRun run = runCli(
        {u"sweep"_s, u"--in"_s, m_events, u"--preset"_s, u"cockatiel-count"_s, u"--grid"_s, u"threshold=0.5,2"_s});
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.contains("grid point threshold=2:"), run.err.constData());
    const CliRun noGrid = runCli({u"sweep"_s, u"--in"_s, m_events, u"--preset"_s, u"classic"_s});
    QCOMPARE(noGrid.exitCode, 2);
}

void TestCli::presetsListsEverything()
{
    const CliRun run = runCli({u"presets"_s});
    QCOMPARE(run.exitCode, 0);
    for (const char *name : {"opossum", "cockatiel-sampling", "resilience4j", "polly", "hystrix", "gobreaker",
                             "circuitbreaker-py", "classic", "multi-signal", "payment", "critical-realtime"})
        QVERIFY2(run.out.contains(name), name);
    QVERIFY(run.out.contains("waitDurationInOpenState"));
}

void TestCli::presetsJson()
{
    const CliRun run = runCli({u"presets"_s, u"opossum"_s, u"--json"_s});
    QCOMPARE(run.exitCode, 0);
    const QList<QJsonObject> presets = run.objects();
    QCOMPARE(presets.size(), 1);
    const QJsonArray parameters = presets[0][u"parameters"_s].toArray();
    QCOMPARE(parameters.size(), 6);
    QCOMPARE(parameters[0][u"name"_s].toString(), u"errorThresholdPercentage"_s);
    QCOMPARE(parameters[0][u"default"_s].toInt(), 50);
    QCOMPARE(parameters[4][u"default"_s].toInt(), 30000);
    const CliRun unknown = runCli({u"presets"_s, u"nope"_s});
    QCOMPARE(unknown.exitCode, 1);
}

void TestCli::exportPolicyWritesTheLibrarysFormat()
{
    const CliRun run = runCli({u"export-policy"_s, u"--preset"_s, u"opossum"_s, u"--set"_s, u"resetTimeout=12s"_s,
                               u"--format"_s, u"opossum"_s, u"--name"_s, u"checkout"_s});
    QVERIFY2(run.exitCode == 0, run.err.constData());
    const QJsonObject options = QJsonDocument::fromJson(run.out).object();
    QCOMPARE(options.value(u"name"_s).toString(), u"checkout"_s);
    QCOMPARE(options.value(u"resetTimeout"_s).toInteger(), 12000);
    QCOMPARE(options.value(u"errorThresholdPercentage"_s).toDouble(), 50.0);
    QVERIFY(options.value(u"allowWarmUp"_s).isBool());

    const QString out = m_dir.filePath(u"policy.yaml"_s);
    const CliRun toFile = runCli({u"export-policy"_s, u"--preset"_s, u"resilience4j"_s, u"--set"_s,
                                  u"waitDurationInOpenState=10s"_s, u"--format"_s, u"resilience4j"_s, u"--out"_s, out});
    QVERIFY2(toFile.exitCode == 0, toFile.err.constData());
    QVERIFY(toFile.out.isEmpty());
    QFile file(out);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray yaml = file.readAll();
    QVERIFY2(yaml.contains("resilience4j:\n  circuitbreaker:\n    instances:\n      backend:\n"), yaml.constData());
    QVERIFY2(yaml.contains("        waitDurationInOpenState: 10s\n"), yaml.constData());
}

void TestCli::exportPolicyFromAPolicyFile()
{
    const QString policy =
        writeFile(m_dir, u"count.yaml"_s, "preset: cockatiel-count\nparameters:\n  size: 40\n  halfOpenAfter: 20s\n");
    const CliRun run = runCli(
        {u"export-policy"_s, u"--policy"_s, policy, u"--set"_s, u"threshold=0.3"_s, u"--format"_s, u"cockatiel"_s});
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QVERIFY2(run.out.contains("breaker: new CountBreaker({") && run.out.contains("size: 40,") &&
                 run.out.contains("threshold: 0.3,") && run.out.contains("halfOpenAfter: 20000, // ms"),
             run.out.constData());
    // The Breakerwatch form spells everything out and replays exactly as the original file does.
    const QString exported = m_dir.filePath(u"count-exported.yaml"_s);
    QCOMPARE(runCli({u"export-policy"_s, u"--policy"_s, policy, u"--format"_s, u"breakerwatch"_s, u"--out"_s, exported})
                 .exitCode,
             0);
    const CliRun original = runCli({u"replay"_s, u"--in"_s, m_events, u"--policy"_s, policy});
    const CliRun reread = runCli({u"replay"_s, u"--in"_s, m_events, u"--policy"_s, exported});
    QCOMPARE(reread.exitCode, 0);
    QCOMPARE(withoutTiming(reread.out), withoutTiming(original.out));
}

void TestCli::exportPolicyErrors()
{
    const CliRun noFormat = runCli({u"export-policy"_s, u"--preset"_s, u"polly"_s});
    QCOMPARE(noFormat.exitCode, 2);
    QVERIFY2(noFormat.err.contains("needs --format; for preset polly: breakerwatch (Breakerwatch policy (YAML)), "
                                   "polly (Polly v8 (C#))"),
             noFormat.err.constData());
    const CliRun unknownFormat = runCli({u"export-policy"_s, u"--preset"_s, u"polly"_s, u"--format"_s, u"xml"_s});
    QCOMPARE(unknownFormat.exitCode, 2);
    QVERIFY(unknownFormat.err.contains("unknown format \"xml\""));
    const CliRun wrongLibrary =
        runCli({u"export-policy"_s, u"--preset"_s, u"resilience4j"_s, u"--format"_s, u"opossum"_s});
    QCOMPARE(wrongLibrary.exitCode, 2);
    QVERIFY2(wrongLibrary.err.contains("cannot be exported as opossum options (JSON)"), wrongLibrary.err.constData());
    QVERIFY(wrongLibrary.out.isEmpty());
    const CliRun badValue = runCli({u"export-policy"_s, u"--preset"_s, u"opossum"_s, u"--set"_s,
                                    u"errorThresholdPercentage=150"_s, u"--format"_s, u"opossum"_s});
    QCOMPARE(badValue.exitCode, 2);
    QVERIFY2(badValue.err.contains("errorThresholdPercentage must be in [0, 100], got 150"), badValue.err.constData());
    const CliRun refused = runCli({u"export-policy"_s, u"--preset"_s, u"cockatiel-count"_s, u"--set"_s, u"size=10"_s,
                                   u"--set"_s, u"minimumNumberOfCalls=20"_s, u"--format"_s, u"cockatiel"_s});
    QCOMPARE(refused.exitCode, 2);
    QVERIFY2(refused.err.contains("cockatiel's CountBreaker does not accept minimumNumberOfCalls 20 with size 10"),
             refused.err.constData());
    const CliRun badName =
        runCli({u"export-policy"_s, u"--preset"_s, u"opossum"_s, u"--format"_s, u"opossum"_s, u"--name"_s, u"a b"_s});
    QCOMPARE(badName.exitCode, 2);
    const CliRun noPolicy = runCli({u"export-policy"_s, u"--format"_s, u"opossum"_s});
    QCOMPARE(noPolicy.exitCode, 2);
    QVERIFY(noPolicy.err.contains("exactly one of --preset NAME or --policy FILE"));
    const CliRun missingFile =
        runCli({u"export-policy"_s, u"--policy"_s, m_dir.filePath(u"nope.yaml"_s), u"--format"_s, u"opossum"_s});
    QCOMPARE(missingFile.exitCode, 2);
    QVERIFY(missingFile.err.contains("nope.yaml: cannot open"));
    const CliRun unwritable = runCli({u"export-policy"_s, u"--preset"_s, u"opossum"_s, u"--format"_s, u"opossum"_s,
                                      u"--out"_s, m_dir.filePath(u"no/such/dir/x.json"_s)});
    QCOMPARE(unwritable.exitCode, 1);
    QVERIFY(unwritable.err.contains("cannot write"));
}

void TestCli::usage()
{
    QCOMPARE(runCli({}).exitCode, 2);
    const CliRun help = runCli({u"--help"_s});
    QCOMPARE(help.exitCode, 0);
    QVERIFY(help.out.contains("replay") && help.out.contains("sweep") && help.out.contains("presets"));
    QVERIFY(help.out.contains("export-policy (--preset NAME | --policy FILE)"));
    const CliRun unknown = runCli({u"frobnicate"_s});
    QCOMPARE(unknown.exitCode, 2);
    QVERIFY(unknown.err.contains("unknown command \"frobnicate\""));
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
