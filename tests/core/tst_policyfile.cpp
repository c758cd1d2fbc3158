#include "breaker/policyfile.h"

#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

class TestPolicyFile final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void readsPresetAndParameters();
    void jsonIsYamlToo();
    void errorsNameFileLineColumn_data();
    void errorsNameFileLineColumn();
    void missingFile();
    void roundTripsToTheSamePolicy();
};

void TestPolicyFile::readsPresetAndParameters()
{
    const auto document = bw::parsePolicyText("preset: resilience4j\n"
                                              "parameters:\n"
                                              "  failureRateThreshold: 30\n"
                                              "  waitDurationInOpenState: 10s\n",
                                              u"p.yaml"_s);
    QVERIFY(document.ok());
    QCOMPARE(document->preset, u"resilience4j"_s);
    QCOMPARE(document->parameters.size(), 2);
    QCOMPARE(document->parameters[1].first, u"waitDurationInOpenState"_s);
    QCOMPARE(document->parameters[1].second, u"10s"_s);
    const auto policy = bw::PresetCatalog{}.buildText(document->preset, document->parameters);
    QVERIFY(policy.ok());
    QCOMPARE(policy->openDurationMs, 10'000);
}

void TestPolicyFile::jsonIsYamlToo()
{
    const auto document =
        bw::parsePolicyText(R"({"preset":"opossum","parameters":{"errorThresholdPercentage":25}})", u"p.json"_s);
    QVERIFY(document.ok());
    QCOMPARE(document->parameters.value(0).second, u"25"_s);
}

void TestPolicyFile::errorsNameFileLineColumn_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("message");
    QTest::newRow("syntax") << QByteArray("preset: opossum\nparameters:\n  a: [1, 2\n") << u"p.yaml:4:1"_s;
    QTest::newRow("not a mapping") << QByteArray("- 1\n- 2\n") << u"expected a mapping"_s;
    QTest::newRow("unknown key") << QByteArray("preset: opossum\nthreshold: 5\n") << u"p.yaml:2:1: unknown key"_s;
    QTest::newRow("nested value") << QByteArray("preset: opossum\nparameters:\n  resetTimeout: {a: 1}\n")
                                  << u"p.yaml:3:17: parameter \"resetTimeout\" must be a single value"_s;
    QTest::newRow("no preset") << QByteArray("parameters: {}\n") << u"missing \"preset\""_s;
}

void TestPolicyFile::errorsNameFileLineColumn()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, message);
    const auto document = bw::parsePolicyText(text, u"p.yaml"_s);
    QVERIFY(!document.ok());
    QVERIFY2(document.error().contains(message), qPrintable(document.error()));
}

void TestPolicyFile::missingFile()
{
    const auto document = bw::readPolicyFile(u"/nonexistent/policy.yaml"_s);
    QVERIFY(!document.ok());
    QVERIFY(document.error().startsWith(u"/nonexistent/policy.yaml: cannot open"_s));
}

void TestPolicyFile::roundTripsToTheSamePolicy()
{
    const bw::PresetCatalog catalog;
    const bw::PolicyDocument written{
        u"cockatiel-sampling"_s,
        {{u"threshold"_s, u"0.35"_s}, {u"duration"_s, u"7300"_s}, {u"minimumRps"_s, u"null"_s}}};
    QTemporaryDir dir;
    const QString path = dir.filePath(u"policy.yaml"_s);
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(bw::writePolicyYaml(written));
    file.close();
    const auto read = bw::readPolicyFile(path);
    QVERIFY2(read.ok(), qPrintable(read.ok() ? QString() : read.error()));
    QCOMPARE(read->preset, written.preset);
    QCOMPARE(read->parameters, written.parameters);
    QCOMPARE(*catalog.buildText(read->preset, read->parameters),
             *catalog.buildText(written.preset, written.parameters));
}

QTEST_GUILESS_MAIN(TestPolicyFile)
#include "tst_policyfile.moc"
