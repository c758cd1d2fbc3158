// Golden transcripts recorded from the real opossum 9.0.0 and cockatiel 3.2.1 (tests/conformance/, under fake
// timers): `breakerwatch-cli replay` must reproduce every transition at the same t and the same counts.
#include "cliprocess.h"

#include <QFile>
#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace {

const QString kDataDir = QStringLiteral(BW_TEST_DATA_DIR "/conformance/");

QString valueText(const QJsonValue &value)
{
    if (value.isNull())
        return u"null"_s;
    if (value.isBool())
        return value.toBool() ? u"true"_s : u"false"_s;
    if (value.isDouble())
        return QString::number(value.toDouble(), 'g', 17);
    return value.toString();
}

} // namespace

class TestConformance final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void manifestCoversBothLibraries();
    void replayMatchesRealLibrary_data();
    void replayMatchesRealLibrary();
};

void TestConformance::manifestCoversBothLibraries()
{
    QFile manifest(kDataDir + u"cases.json"_s);
    QVERIFY(manifest.open(QIODevice::ReadOnly));
    const QJsonArray cases = QJsonDocument::fromJson(manifest.readAll()).array();
    QVERIFY(cases.size() >= 60);
    QSet<QString> presets;
    int transitions = 0;
    for (const QJsonValue &value : cases) {
        presets << value[u"preset"_s].toString();
        QFile expected(kDataDir + value[u"expected"_s].toString());
        QVERIFY(expected.open(QIODevice::ReadOnly));
        transitions += static_cast<int>(expected.readAll().count('\n')) - 1;
    }
    QCOMPARE(presets,
             (QSet<QString>{u"opossum"_s, u"cockatiel-consecutive"_s, u"cockatiel-sampling"_s, u"cockatiel-count"_s}));
    QVERIFY2(transitions > 500, "the transcripts must exercise many transitions");
}

void TestConformance::replayMatchesRealLibrary_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("expectedFile");
    QFile manifest(kDataDir + u"cases.json"_s);
    if (!manifest.open(QIODevice::ReadOnly))
        QFAIL("tests/data/conformance/cases.json is missing");
    for (const QJsonValue &value : QJsonDocument::fromJson(manifest.readAll()).array()) {
        const QJsonObject c = value.toObject();
        QStringList arguments{u"replay"_s, u"--in"_s, kDataDir + c[u"scenario"_s].toString(), u"--preset"_s,
                              c[u"preset"_s].toString()};
        const QJsonObject set = c[u"set"_s].toObject();
        for (auto it = set.begin(); it != set.end(); ++it)
            arguments << u"--set"_s << it.key() + u'=' + valueText(it.value());
        if (!c[u"timeout_ms"_s].isNull())
            arguments << u"--timeout-ms"_s << valueText(c[u"timeout_ms"_s]);
        QTest::newRow(qPrintable(c[u"name"_s].toString())) << arguments << kDataDir + c[u"expected"_s].toString();
    }
}

void TestConformance::replayMatchesRealLibrary()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, expectedFile);
    const CliRun run = runCli(arguments);
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QFile expected(expectedFile);
    QVERIFY(expected.open(QIODevice::ReadOnly));
    QList<QJsonObject> expectedObjects;
    for (const QByteArray &line : expected.readAll().trimmed().split('\n'))
        expectedObjects << QJsonDocument::fromJson(line).object();
    QCOMPARE(comparableTranscript(run.objects()), comparableTranscript(expectedObjects));
}

QTEST_GUILESS_MAIN(TestConformance)
#include "tst_conformance.moc"
