// `history export` and `history import` of the real breakerwatch-cli over a store written with HistoryStore: export
// selects breakers by service, breaker and instance (or by a key, as before), every JSONL line names its breaker,
// import fills one breaker, and the errors say what is wrong.
#include "cliprocess.h"

#include "fleet/breakerid.h"
#include "store/historystore.h"

#include <QDateTime>
#include <QFile>
#include <QJsonObject>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

// Unix seconds with milliseconds, as --from/--to take them.
QString seconds(std::int64_t ms)
{
    return QString::number(static_cast<double>(ms) / 1000.0, 'f', 3);
}

const bw::BreakerId kHealthA{u"svc"_s, u"10.0.0.1:80"_s, {}};
const bw::BreakerId kHealthB{u"svc"_s, u"10.0.0.2:80"_s, {}};
const bw::BreakerId kPayA{u"svc"_s, u"10.0.0.1:80"_s, u"pay"_s};
const bw::BreakerId kOther{u"other"_s, u"10.0.0.1:80"_s, {}};

// The breakers the lines of a JSONL export name, as keys.
QSet<QString> keysOf(const CliRun &run)
{
    QSet<QString> keys;
    for (const QJsonObject &o : run.objects())
        keys.insert(bw::BreakerId{o.value(u"service"_s).toString(), o.value(u"instance"_s).toString(),
                                  o.value(u"breaker"_s).toString()}
                        .key());
    return keys;
}

} // namespace

class TestCliHistory final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void exportSelects_data();
    void exportSelects();
    void exportCsvNamesTheBreaker();
    void importFillsOneBreaker();
    void errors_data();
    void errors();

private:
    QStringList range() const { return {u"--from"_s, seconds(m_t0), u"--to"_s, seconds(m_t0 + 600'000)}; }
    CliRun history(const QStringList &arguments) const
    {
        return runCli(QStringList{u"history"_s} + arguments + QStringList{u"--data-dir"_s, m_dir.path()} + range());
    }

    QTemporaryDir m_dir;
    QTemporaryDir m_files;
    std::int64_t m_t0 = 0;
};

// Four breakers, 10 polls each at 1 s from now-2h, each breaker's polls at its own offset.
void TestCliHistory::initTestCase()
{
    QVERIFY(m_dir.isValid() && m_files.isValid());
    m_t0 = (QDateTime::currentMSecsSinceEpoch() - 2 * 3'600'000) / 1000 * 1000;
    bw::StoreOptions options;
    options.dataDir = m_dir.path();
    bw::HistoryStore store(options);
    QVERIFY(store.open(m_t0).ok());
    int offset = 0;
    for (const bw::BreakerId &id : {kHealthA, kHealthB, kPayA, kOther}) {
        for (int i = 0; i < 10; ++i) {
            bw::Observation o;
            o.t = m_t0 + i * 1'000 + offset;
            o.outcome = bw::PollOutcome::Ok;
            o.latencyMs = 5.0F;
            store.appendObservation(id, o);
        }
        offset += 10;
    }
    QVERIFY(store.flush(m_t0 + 3'600'000).ok());
    store.close();
}

void TestCliHistory::exportSelects_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QStringList>("keys");
    QTest::newRow("every breaker of the service")
        << QStringList{u"--service"_s, u"svc"_s} << QStringList{kHealthA.key(), kHealthB.key(), kPayA.key()};
    QTest::newRow("one breaker, every instance")
        << QStringList{u"--service"_s, u"svc"_s, u"--breaker"_s, u"pay"_s} << QStringList{kPayA.key()};
    QTest::newRow("one instance") << QStringList{u"--service"_s, u"svc"_s, u"--instance"_s, u"10.0.0.1:80"_s}
                                  << QStringList{kHealthA.key(), kPayA.key()};
    QTest::newRow("health breakers") << QStringList{u"--service"_s, u"svc"_s, u"--breaker"_s, u"health"_s}
                                     << QStringList{kHealthA.key(), kHealthB.key()};
    QTest::newRow("health breaker of one instance")
        << QStringList{u"--service"_s, u"svc"_s, u"--breaker"_s, u"health"_s, u"--instance"_s, u"10.0.0.2:80"_s}
        << QStringList{kHealthB.key()};
    QTest::newRow("a key, as before") << QStringList{u"--service"_s, kHealthA.key()} << QStringList{kHealthA.key()};
    QTest::newRow("a named breaker's key") << QStringList{u"--service"_s, kPayA.key()} << QStringList{kPayA.key()};
}

void TestCliHistory::exportSelects()
{
    QFETCH(QStringList, arguments);
    QFETCH(QStringList, keys);
    const CliRun run = history(QStringList{u"export"_s} + arguments);
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QCOMPARE(keysOf(run), QSet<QString>(keys.begin(), keys.end()));
    QCOMPARE(run.lines().size(), 10 * keys.size());
    // In time order across breakers: replay reads it as one stream.
    std::int64_t previous = 0;
    for (const QJsonObject &o : run.objects()) {
        QVERIFY(o.value(u"t"_s).toInteger() >= previous);
        previous = o.value(u"t"_s).toInteger();
    }
}

void TestCliHistory::exportCsvNamesTheBreaker()
{
    const CliRun run =
        history({u"export"_s, u"--service"_s, u"svc"_s, u"--breaker"_s, u"pay"_s, u"--format"_s, u"csv"_s});
    QVERIFY2(run.exitCode == 0, run.err.constData());
    const QList<QByteArray> lines = run.lines();
    QCOMPARE(lines.size(), 11);
    QVERIFY2(lines[0].endsWith(",service,instance,breaker"), lines[0].constData());
    QVERIFY2(lines[1].endsWith(",svc,10.0.0.1:80,pay"), lines[1].constData());
}

void TestCliHistory::importFillsOneBreaker()
{
    const CliRun exported = history({u"export"_s, u"--service"_s, kPayA.key()});
    QVERIFY2(exported.exitCode == 0, exported.err.constData());
    const QString path = m_files.filePath(u"pay.jsonl"_s);
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(exported.out);
    file.close();

    // --service with --instance and --breaker names the breaker the lines go to.
    const CliRun imported = history({u"import"_s, u"--service"_s, u"svc"_s, u"--instance"_s, u"10.0.0.3:80"_s,
                                     u"--breaker"_s, u"pay"_s, u"--in"_s, path});
    QVERIFY2(imported.exitCode == 0, imported.err.constData());
    QVERIFY2(imported.err.contains("imported 10 observations of svc/pay@10.0.0.3:80"), imported.err.constData());
    const CliRun back = history({u"export"_s, u"--service"_s, u"svc"_s, u"--instance"_s, u"10.0.0.3:80"_s});
    QVERIFY2(back.exitCode == 0, back.err.constData());
    QCOMPARE(keysOf(back), QSet<QString>{u"svc/pay@10.0.0.3:80"_s});
    QCOMPARE(back.lines().size(), 10);
    // A key works as well, and --breaker health is the instance's health breaker.
    const CliRun byKey = history({u"import"_s, u"--service"_s, u"svc@10.0.0.4:80"_s, u"--in"_s, path});
    QVERIFY2(byKey.exitCode == 0, byKey.err.constData());
    const CliRun health = history(
        {u"export"_s, u"--service"_s, u"svc"_s, u"--instance"_s, u"10.0.0.4:80"_s, u"--breaker"_s, u"health"_s});
    QCOMPARE(keysOf(health), QSet<QString>{u"svc@10.0.0.4:80"_s});
}

void TestCliHistory::errors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("message");
    QTest::newRow("unknown service") << QStringList{u"export"_s, u"--service"_s, u"nobody"_s} << 1
                                     << u"no history of service \"nobody\""_s;
    QTest::newRow("unknown instance") << QStringList{u"export"_s, u"--service"_s, u"svc"_s, u"--instance"_s,
                                                     u"10.9.9.9:80"_s}
                                      << 1 << u"no history of service \"svc\", instance \"10.9.9.9:80\""_s;
    QTest::newRow("breaker without service")
        << QStringList{u"export"_s, u"--breaker"_s, u"pay"_s} << 2 << u"name the service"_s;
    QTest::newRow("import without service")
        << QStringList{u"import"_s, u"--in"_s, u"x.jsonl"_s} << 2 << u"history import needs --service S"_s;
}

void TestCliHistory::errors()
{
    QFETCH(QStringList, arguments);
    QFETCH(int, exitCode);
    QFETCH(QString, message);
    const CliRun run = history(arguments);
    QCOMPARE(run.exitCode, exitCode);
    QVERIFY2(QString::fromUtf8(run.err).contains(message), run.err.constData());
    QVERIFY(run.out.isEmpty());
}

QTEST_GUILESS_MAIN(TestCliHistory)
#include "tst_clihistory.moc"
