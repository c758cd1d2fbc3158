// The acceptance test of policy export: opossum options written by `breakerwatch-cli export-policy --format opossum`
// drive the REAL opossum 9.0.0 (tests/conformance/replay-options.js, fake timers) to exactly the transitions that
// Breakerwatch's engine replays for the same policy (read back from the Breakerwatch YAML export with --policy).
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

// Transitions as "t from>to" and the summary's counts, the fields both sides report.
QStringList comparable(const QList<QJsonObject> &objects)
{
    QStringList out;
    for (const QJsonObject &object : objects) {
        if (object.contains(u"summary"_s)) {
            const QJsonObject s = object.value(u"summary"_s).toObject();
            out << u"summary transitions=%1 opens=%2 rejected=%3 events=%4 final=%5"_s
                       .arg(s.value(u"transitions"_s).toInteger())
                       .arg(s.value(u"opens"_s).toInteger())
                       .arg(s.value(u"rejected"_s).toInteger())
                       .arg(s.value(u"events"_s).toInteger())
                       .arg(s.value(u"final_state"_s).toString());
        } else {
            out << u"%1 %2>%3"_s.arg(object.value(u"t"_s).toInteger())
                       .arg(object.value(u"from"_s).toString(), object.value(u"to"_s).toString());
        }
    }
    return out;
}

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

private:
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
    const QString tag = QString::fromLatin1(QTest::currentDataTag());
    QStringList policyArguments{u"--preset"_s, u"opossum"_s};
    for (const QString &set : sets)
        policyArguments << u"--set"_s << set;

    // 1. The options as opossum reads them, and the same policy as Breakerwatch YAML.
    const QString optionsFile = m_dir.filePath(tag + u".json"_s);
    const QString policyFile = m_dir.filePath(tag + u".yaml"_s);
    CliRun run =
        runCli(QStringList{u"export-policy"_s, u"--format"_s, u"opossum"_s, u"--name"_s, tag, u"--out"_s, optionsFile} +
               policyArguments);
    QVERIFY2(run.exitCode == 0, run.err.constData());
    run = runCli(QStringList{u"export-policy"_s, u"--format"_s, u"breakerwatch"_s, u"--out"_s, policyFile} +
                 policyArguments);
    QVERIFY2(run.exitCode == 0, run.err.constData());

    // 2. The real opossum, configured by nothing but the exported JSON.
    QProcess node;
    node.setWorkingDirectory(kConformanceDir);
    node.start(m_node, {kConformanceDir + u"/replay-options.js"_s, optionsFile, scenario});
    QVERIFY(node.waitForStarted(10'000));
    QVERIFY(node.waitForFinished(120'000));
    QVERIFY2(node.exitStatus() == QProcess::NormalExit && node.exitCode() == 0,
             node.readAllStandardError().constData());
    const QStringList real = comparable(jsonLines(node.readAllStandardOutput()));

    // 3. Breakerwatch's engine on the same events, with the policy read back from the exported YAML.
    run = runCli({u"replay"_s, u"--policy"_s, policyFile, u"--in"_s, scenario});
    QVERIFY2(run.exitCode == 0, run.err.constData());
    const QStringList engine = comparable(run.objects());

    QVERIFY2(real.size() > 2, "the scenario must move the real breaker, or the comparison proves little");
    QVERIFY(real.last().startsWith(u"summary"_s));
    QCOMPARE(engine, real);
}

QTEST_GUILESS_MAIN(TestPolicyExportRoundTrip)
#include "tst_policyexportroundtrip.moc"
