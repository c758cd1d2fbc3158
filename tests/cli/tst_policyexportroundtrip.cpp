// The acceptance test of policy export: opossum options written by `breakerwatch-cli export-policy --format opossum`
// drive the REAL opossum 9.0.0 (tests/conformance/replay-options.js, fake timers) to exactly the transitions that
// Breakerwatch's engine replays for the same policy (read back from the Breakerwatch YAML export with --policy).
// The cockatiel TypeScript snippets are run the same way, through the real cockatiel 3.2.1.
// Needs node and tests/conformance/node_modules (`cd tests/conformance && npm ci`); skips, saying so, without them.
#include "cliprocess.h"

#include <QDir>
#include <QFile>
#include <QStandardPaths>
#include <QTemporaryDir>

using namespace Qt::StringLiterals;

namespace {

const QString kConformanceDir = QStringLiteral(BW_CONFORMANCE_DIR);
const QString kScenarioDir = QStringLiteral(BW_TEST_DATA_DIR "/conformance/scenarios/");

QList<QJsonObject> jsonLines(const QByteArray &text)
{
    QList<QJsonObject> objects;
    for (const QByteArray &line : text.trimmed().split('\n')) {
        if (!line.isEmpty())
            objects << QJsonDocument::fromJson(line).object();
    }
    return objects;
}

} // namespace

class TestPolicyExportRoundTrip final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void exportedOptionsDriveRealOpossum_data();
    void exportedOptionsDriveRealOpossum();
    void exportedSnippetDrivesRealCockatiel_data();
    void exportedSnippetDrivesRealCockatiel();

private:
    // Exports the policy as `format` and as Breakerwatch YAML, replays `scenario` through the real library (node)
    // and through the engine (--policy), and compares the transcripts.
    void compareWithRealLibrary(const QString &preset, const QStringList &sets, const QString &format,
                                const QString &scenario);

    QString m_node;
    QTemporaryDir m_dir;
};

void TestPolicyExportRoundTrip::initTestCase()
{
    m_node = QStandardPaths::findExecutable(u"node"_s);
    if (m_node.isEmpty())
        QSKIP("node is not installed: the exported opossum options cannot be checked against the real opossum");
    if (!QFile::exists(kConformanceDir + u"/node_modules/opossum/package.json"_s))
        QSKIP("tests/conformance/node_modules is missing: run `cd tests/conformance && npm ci` (scripts/test does)");
    QVERIFY(QFile::exists(kConformanceDir + u"/replay-options.js"_s));
    QVERIFY(m_dir.isValid());
}

void TestPolicyExportRoundTrip::exportedOptionsDriveRealOpossum_data()
{
    QTest::addColumn<QStringList>("sets");
    QTest::addColumn<QString>("scenario");
    // Non-default policies: uneven bucket intervals (7000 / 7 = 1000, 20000 / 6 -> 3333), warm-up, fractional
    // percentages, resets that are not whole seconds.
    const QList<std::pair<const char *, QStringList>> policies{
        {"tight",
         {u"errorThresholdPercentage=25"_s, u"volumeThreshold=8"_s, u"rollingCountTimeout=6000"_s,
          u"rollingCountBuckets=4"_s, u"resetTimeout=12000"_s}},
        {"warmup",
         {u"errorThresholdPercentage=45.5"_s, u"volumeThreshold=3"_s, u"rollingCountTimeout=7s"_s,
          u"rollingCountBuckets=7"_s, u"resetTimeout=5500ms"_s, u"allowWarmUp=true"_s}},
        {"uneven",
         {u"errorThresholdPercentage=60"_s, u"volumeThreshold=20"_s, u"rollingCountTimeout=20000"_s,
          u"rollingCountBuckets=6"_s, u"resetTimeout=45s"_s}},
    };
    for (const auto &[name, sets] : policies) {
        for (const QString &scenario : {u"outage"_s, u"flapping"_s, u"bursty"_s})
            QTest::addRow("%s-%s", name, qPrintable(scenario)) << sets << kScenarioDir + scenario + u".jsonl"_s;
    }
}

void TestPolicyExportRoundTrip::exportedOptionsDriveRealOpossum()
{
    QFETCH(QStringList, sets);
    QFETCH(QString, scenario);
    compareWithRealLibrary(u"opossum"_s, sets, u"opossum"_s, scenario);
}

void TestPolicyExportRoundTrip::exportedSnippetDrivesRealCockatiel_data()
{
    QTest::addColumn<QString>("preset");
    QTest::addColumn<QStringList>("sets");
    QTest::addColumn<QString>("scenario");
    const QList<std::tuple<const char *, QString, QStringList>> policies{
        {"consecutive", u"cockatiel-consecutive"_s, {u"threshold=4"_s, u"halfOpenAfter=12500"_s}},
        {"sampling-default-rps",
         u"cockatiel-sampling"_s,
         {u"threshold=0.35"_s, u"duration=7300"_s, u"halfOpenAfter=9s"_s}},
        {"sampling-rps",
         u"cockatiel-sampling"_s,
         {u"threshold=0.25"_s, u"duration=12s"_s, u"minimumRps=1.5"_s, u"halfOpenAfter=20000"_s}},
        {"count",
         u"cockatiel-count"_s,
         {u"threshold=0.4"_s, u"size=30"_s, u"minimumNumberOfCalls=12"_s, u"halfOpenAfter=15s"_s}},
        {"count-default-minimum", u"cockatiel-count"_s, {u"threshold=0.3"_s, u"size=25"_s}},
    };
    for (const auto &[name, preset, sets] : policies) {
        for (const QString &scenario : {u"flaky"_s, u"flapping"_s})
            QTest::addRow("%s-%s", name, qPrintable(scenario))
                << preset << sets << kScenarioDir + scenario + u".jsonl"_s;
    }
}

void TestPolicyExportRoundTrip::exportedSnippetDrivesRealCockatiel()
{
    QFETCH(QString, preset);
    QFETCH(QStringList, sets);
    QFETCH(QString, scenario);
    compareWithRealLibrary(preset, sets, u"cockatiel"_s, scenario);
}

void TestPolicyExportRoundTrip::compareWithRealLibrary(const QString &preset, const QStringList &sets,
                                                       const QString &format, const QString &scenario)
{
    const QString tag =
        QString::fromLatin1(QTest::currentTestFunction()) + u'-' + QString::fromLatin1(QTest::currentDataTag());
    QStringList policyArguments{u"--preset"_s, preset};
    for (const QString &set : sets)
        policyArguments << u"--set"_s << set;

    // 1. The policy as its library reads it, and the same policy as Breakerwatch YAML.
    const bool opossum = format == u"opossum";
    const QString exportedFile = m_dir.filePath(tag + (opossum ? u".json"_s : u".ts"_s));
    const QString policyFile = m_dir.filePath(tag + u".yaml"_s);
    CliRun run =
        runCli(QStringList{u"export-policy"_s, u"--format"_s, format, u"--out"_s, exportedFile} + policyArguments);
    QVERIFY2(run.exitCode == 0, run.err.constData());
    run = runCli(QStringList{u"export-policy"_s, u"--format"_s, u"breakerwatch"_s, u"--out"_s, policyFile} +
                 policyArguments);
    QVERIFY2(run.exitCode == 0, run.err.constData());

    // 2. The real library, configured by nothing but the exported file.
    QStringList nodeArguments{kConformanceDir + u"/replay-options.js"_s};
    if (!opossum)
        nodeArguments << u"--cockatiel"_s;
    nodeArguments << exportedFile << scenario;
    QProcess node;
    node.setWorkingDirectory(kConformanceDir);
    node.start(m_node, nodeArguments);
    QVERIFY(node.waitForStarted(10'000));
    QVERIFY(node.waitForFinished(120'000));
    QVERIFY2(node.exitStatus() == QProcess::NormalExit && node.exitCode() == 0,
             node.readAllStandardError().constData());
    const QStringList real = comparableTranscript(jsonLines(node.readAllStandardOutput()));

    // 3. Breakerwatch's engine on the same events, with the policy read back from the exported YAML.
    run = runCli({u"replay"_s, u"--policy"_s, policyFile, u"--in"_s, scenario});
    QVERIFY2(run.exitCode == 0, run.err.constData());
    const QStringList engine = comparableTranscript(run.objects());

    QVERIFY2(real.size() > 2, "the scenario must move the real breaker, or the comparison proves little");
    QVERIFY(real.last().startsWith(u"summary"_s));
    QCOMPARE(engine, real);
}

QTEST_GUILESS_MAIN(TestPolicyExportRoundTrip)
#include "tst_policyexportroundtrip.moc"
