// `sweep` and `replay` over a service's history in a real history store (written with HistoryStore into a temporary
// folder, read by the real breakerwatch-cli), outages from the store filling the delay columns in CSV and JSONL, and
// the errors: unknown service, empty range, bad times, no store, two sources, an unreachable Prometheus.
#include "cliprocess.h"

#include "store/historystore.h"

#include <QDateTime>
#include <QFile>
#include <QJsonObject>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

// Unix seconds with milliseconds, as --from/--to take them.
QString seconds(std::int64_t ms)
{
    return QString::number(static_cast<double>(ms) / 1000.0, 'f', 3);
}

QMap<QString, QString> csvRow(const QByteArray &header, const QByteArray &row)
{
    QMap<QString, QString> out;
    const QList<QByteArray> names = header.split(',');
    const QList<QByteArray> values = row.split(',');
    for (qsizetype i = 0; i < names.size(); ++i)
        out.insert(QString::fromUtf8(names[i]), QString::fromUtf8(values.value(i)));
    return out;
}

} // namespace

class TestCliSources final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void sweepOverTheStoreCsv();
    void sweepOverTheStoreJsonl();
    void replayOverTheStore();
    void outageOptionReplacesTheStoresOutages();
    void errors_data();
    void errors();
    void helpNamesTheSources();

private:
    QStringList storeArguments() const;

    QTemporaryDir m_dir;
    std::int64_t m_t0 = 0;
    int m_calls = 0;
};

// checkout: 600 polls at 1 s from now-2h; polls 120-179 all fail (one 60 s outage); outside it every 10th poll is
// a scrape without an outcome. payments: a few polls.
void TestCliSources::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_t0 = (QDateTime::currentMSecsSinceEpoch() - 2 * 3'600'000) / 1000 * 1000;
    bw::StoreOptions options;
    options.dataDir = m_dir.path();
    bw::HistoryStore store(options);
    QVERIFY(store.open(m_t0).ok());
    for (int i = 0; i < 600; ++i) {
        bw::Observation o;
        o.t = m_t0 + i * 1'000;
        const bool down = i >= 120 && i < 180;
        o.outcome = down ? bw::PollOutcome::Failed : i % 10 == 5 ? bw::PollOutcome::Unknown : bw::PollOutcome::Ok;
        o.latencyMs = 12.0F;
        m_calls += o.outcome != bw::PollOutcome::Unknown;
        store.appendObservation(u"checkout"_s, o);
    }
    for (int i = 0; i < 5; ++i) {
        bw::Observation o;
        o.t = m_t0 + i * 1'000;
        o.outcome = bw::PollOutcome::Ok;
        store.appendObservation(u"payments"_s, o);
    }
    QVERIFY(store.flush(m_t0 + 3'600'000).ok());
    store.close();
}

QStringList TestCliSources::storeArguments() const
{
    return {u"--data-dir"_s, m_dir.path(),  u"--service"_s, u"checkout"_s,
            u"--from"_s,     seconds(m_t0), u"--to"_s,      seconds(m_t0 + 600'000)};
}

void TestCliSources::sweepOverTheStoreCsv()
{
    const CliRun run = runCli(QStringList{u"sweep"_s, u"--preset"_s, u"gobreaker"_s, u"--grid"_s,
                                          u"ConsecutiveFailures=3,5,20"_s, u"--format"_s, u"csv"_s} +
                              storeArguments());
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QVERIFY2(run.err.contains("54 polls with unknown outcome left out"), run.err.constData());
    const QList<QByteArray> lines = run.lines();
    QCOMPARE(lines.size(), 4);
    for (int row = 1; row <= 3; ++row) {
        const auto fields = csvRow(lines[0], lines[row]);
        const int consecutive = fields.value(u"ConsecutiveFailures"_s).toInt();
        QCOMPARE(fields.value(u"events"_s).toInt(), m_calls);
        QCOMPARE(fields.value(u"outages"_s), u"1"_s);
        QCOMPARE(fields.value(u"outages_detected"_s), u"1"_s);
        // gobreaker opens at more than N consecutive failures: N s after the first failed poll.
        QCOMPARE(fields.value(u"detection_delay_ms_max"_s).toDouble(), consecutive * 1000.0);
        QVERIFY2(!fields.value(u"recovery_delay_ms_max"_s).isEmpty(), lines[row].constData());
    }
}

void TestCliSources::sweepOverTheStoreJsonl()
{
    const CliRun run =
        runCli(QStringList{u"sweep"_s, u"--preset"_s, u"gobreaker"_s, u"--grid"_s, u"ConsecutiveFailures=5"_s} +
               storeArguments());
    QVERIFY2(run.exitCode == 0, run.err.constData());
    const QList<QJsonObject> objects = run.objects();
    QCOMPARE(objects.size(), 1);
    QCOMPARE(objects[0][u"outages"_s].toInt(), 1);
    QCOMPARE(objects[0][u"detection_delay_ms_max"_s].toDouble(), 5000.0);
    QVERIFY(objects[0][u"recovery_delay_ms_max"_s].isDouble());
}

void TestCliSources::replayOverTheStore()
{
    const CliRun run = runCli(QStringList{u"replay"_s, u"--preset"_s, u"gobreaker"_s} + storeArguments());
    QVERIFY2(run.exitCode == 0, run.err.constData());
    const QJsonObject summary = run.objects().last()[u"summary"_s].toObject();
    QCOMPARE(summary[u"events"_s].toInt(), m_calls);
    QCOMPARE(summary[u"outages"_s].toInt(), 1);
    // The open comes 5 s (the 6th failure) into the outage, which starts 120 s into the range.
    QCOMPARE(run.objects().first()[u"t"_s].toInt(), 125'000);
    QCOMPARE(run.objects().first()[u"to"_s].toString(), u"open"_s);
}

void TestCliSources::outageOptionReplacesTheStoresOutages()
{
    const CliRun run = runCli(QStringList{u"replay"_s, u"--preset"_s, u"gobreaker"_s, u"--outage"_s, u"100000:200000"_s,
                                          u"--outage"_s, u"300000:310000"_s} +
                              storeArguments());
    QVERIFY2(run.exitCode == 0, run.err.constData());
    const QJsonObject summary = run.objects().last()[u"summary"_s].toObject();
    QCOMPARE(summary[u"outages"_s].toInt(), 2);
    QCOMPARE(summary[u"detection_delay_ms_max"_s].toDouble(), 25'000.0);
}

void TestCliSources::errors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QStringList>("mentions");

    const QString dir = m_dir.path();
    const QStringList sweep{u"sweep"_s, u"--preset"_s, u"gobreaker"_s, u"--grid"_s, u"ConsecutiveFailures=3,5"_s};
    const QString from = seconds(m_t0);
    const QString to = seconds(m_t0 + 600'000);
    QTest::newRow("unknown service") << sweep + QStringList{u"--data-dir"_s, dir,  u"--service"_s, u"shop"_s,
                                                            u"--from"_s,     from, u"--to"_s,      to}
                                     << 1 << QStringList{u"unknown service \"shop\""_s, u"checkout, payments"_s};
    QTest::newRow("empty range") << sweep + QStringList{u"--data-dir"_s, dir,
                                                        u"--service"_s,  u"checkout"_s,
                                                        u"--from"_s,     seconds(m_t0 + 3'600'000),
                                                        u"--to"_s,       seconds(m_t0 + 7'200'000)}
                                 << 1 << QStringList{u"no polls of checkout between"_s};
    QTest::newRow("bad time") << sweep + QStringList{u"--data-dir"_s, dir,         u"--service"_s,
                                                     u"checkout"_s,   u"--from"_s, u"yesterday"_s}
                              << 2 << QStringList{u"--from: \"yesterday\" is not a time"_s};
    QTest::newRow("reversed") << sweep + QStringList{u"--data-dir"_s, dir, u"--service"_s, u"checkout"_s,
                                                     u"--from"_s,     to,  u"--to"_s,      from}
                              << 2 << QStringList{u"must be before --to"_s};
    QTest::newRow("no store") << sweep +
                                     QStringList{u"--data-dir"_s, dir + u"/elsewhere"_s, u"--service"_s, u"checkout"_s}
                              << 1 << QStringList{u"no history store in"_s, u"elsewhere"_s};
    QTest::newRow("two sources") << sweep + QStringList{u"--in"_s, u"x.jsonl"_s, u"--service"_s, u"checkout"_s} << 2
                                 << QStringList{u"give one source of events"_s};
    QTest::newRow("no source") << sweep << 2 << QStringList{u"sweep needs events"_s};
    QTest::newRow("prometheus option without --requests")
        << sweep + QStringList{u"--service"_s, u"checkout"_s, u"--failures"_s, u"x"_s} << 2
        << QStringList{u"--failures is for a Prometheus backfill"_s};
    QTest::newRow("replay, unknown service")
        << QStringList{u"replay"_s, u"--preset"_s, u"gobreaker"_s, u"--data-dir"_s, dir, u"--service"_s, u"nope"_s} << 1
        << QStringList{u"unknown service \"nope\""_s};

    QTcpServer closed; // a port nothing listens on
    QVERIFY(closed.listen(QHostAddress::LocalHost, 0));
    const quint16 port = closed.serverPort();
    closed.close();
    const QString url = u"http://127.0.0.1:%1"_s.arg(port);
    QTest::newRow("unreachable Prometheus")
        << sweep +
               QStringList{u"--prometheus"_s,     url,         u"--requests"_s, u"sum(rate(r[1m]))"_s, u"--failures"_s,
                           u"sum(rate(f[1m]))"_s, u"--from"_s, u"now-1h"_s}
        << 1 << QStringList{u"127.0.0.1:%1"_s.arg(port), u"sum(rate(r[1m]))"_s};
    QTest::newRow("Prometheus without a failures query")
        << sweep + QStringList{u"--prometheus"_s, url, u"--requests"_s, u"sum(rate(r[1m]))"_s} << 2
        << QStringList{u"exactly one of --failures QUERY or --error-ratio QUERY"_s};
    QTest::newRow("bad step") << sweep + QStringList{u"--prometheus"_s, url,    u"--requests"_s, u"r"_s,
                                                     u"--failures"_s,   u"f"_s, u"--step"_s,     u"fast"_s}
                              << 2 << QStringList{u"--step: \"fast\""_s};
}

void TestCliSources::errors()
{
    QFETCH(QStringList, arguments);
    QFETCH(int, exitCode);
    QFETCH(QStringList, mentions);
    const CliRun run = runCli(arguments);
    QCOMPARE(run.exitCode, exitCode);
    QVERIFY(run.out.isEmpty());
    for (const QString &mention : mentions)
        QVERIFY2(run.err.contains(mention.toUtf8()), run.err.constData());
}

void TestCliSources::helpNamesTheSources()
{
    const CliRun sweep = runCli({u"sweep"_s, u"--help"_s});
    QCOMPARE(sweep.exitCode, 0);
    for (const char *option : {"--service", "--data-dir", "--requests", "--failures", "--prometheus", "--from", "--to",
                               "--step", "--counters"})
        QVERIFY2(sweep.out.contains(option), option);
    const CliRun usage = runCli({u"--help"_s});
    QVERIFY(usage.out.contains("--service NAME [--data-dir DIR]"));
    QVERIFY(usage.out.contains("--requests QUERY"));
}

QTEST_GUILESS_MAIN(TestCliSources)
#include "tst_clisources.moc"
