// probe and check-config through the real binary, against a loopback server.
#include "../support/faultserver.h"
#include "cliprocess.h"

#include <QElapsedTimer>
#include <QTemporaryDir>

using namespace Qt::StringLiterals;

namespace {

// Runs the CLI while this thread keeps serving the fault server.
CliRun runCliServing(const QStringList &arguments)
{
    QProcess process;
    process.start(QStringLiteral(BW_CLI_PATH), arguments);
    process.closeWriteChannel();
    QElapsedTimer clock;
    clock.start();
    while (process.state() != QProcess::NotRunning && clock.elapsed() < 20'000)
        QTest::qWait(10);
    return {process.exitCode(), process.readAllStandardOutput(), process.readAllStandardError()};
}

} // namespace

class TestCliNetwork final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void probeSuccess();
    void probeClassifiesFailures();
    void probeRejectsBadUrls();
    void checkConfig();
};

void TestCliNetwork::probeSuccess()
{
    FaultServer server;
    const CliRun run = runCliServing({u"probe"_s, server.base() + u"/ok"_s});
    QCOMPARE(run.exitCode, 0);
    const QJsonObject result = QJsonDocument::fromJson(run.out).object();
    QCOMPARE(result[u"outcome"_s].toString(), u"success"_s);
    QCOMPARE(result[u"http_status"_s].toInt(), 200);
    QCOMPARE(result[u"bytes"_s].toInt(), 2);
    QVERIFY(result[u"timings"_s].toObject()[u"total_ms"_s].toDouble() > 0);
}

void TestCliNetwork::probeClassifiesFailures()
{
    FaultServer server;
    const CliRun status = runCliServing({u"probe"_s, server.base() + u"/status/503"_s});
    QCOMPARE(status.exitCode, 1);
    QCOMPARE(QJsonDocument::fromJson(status.out).object()[u"outcome"_s].toString(), u"http_status"_s);
    const CliRun silent = runCliServing({u"probe"_s, server.base() + u"/silent"_s, u"--timeout"_s, u"500ms"_s});
    QCOMPARE(silent.exitCode, 1);
    QCOMPARE(QJsonDocument::fromJson(silent.out).object()[u"outcome"_s].toString(), u"timeout"_s);
    QVERIFY(silent.err.isEmpty());
}

void TestCliNetwork::probeRejectsBadUrls()
{
    const CliRun run = runCliServing({u"probe"_s, u"localhost:80"_s});
    QCOMPARE(run.exitCode, 2);
    QVERIFY(run.err.contains("is not an absolute http:// or https:// URL"));
}

void TestCliNetwork::checkConfig()
{
    QTemporaryDir dir;
    QFile good(dir.filePath(u"good.yml"_s));
    QVERIFY(good.open(QIODevice::WriteOnly));
    good.write("services:\n  - name: api\n    health: {url: 'http://127.0.0.1:1/health'}\n");
    good.close();
    const CliRun ok = runCliServing({u"check-config"_s, good.fileName()});
    QCOMPARE(ok.exitCode, 0);
    QVERIFY(ok.out.contains("ok, 1 services"));
    QVERIFY(ok.out.contains("api [resilience4j]: health http://127.0.0.1:1/health"));

    QFile bad(dir.filePath(u"bad.yml"_s));
    QVERIFY(bad.open(QIODevice::WriteOnly));
    bad.write("services:\n  - name: api\n    health: {url: 'http://127.0.0.1:1/health', timeout: soon}\n");
    bad.close();
    const CliRun broken = runCliServing({u"check-config"_s, bad.fileName()});
    QCOMPARE(broken.exitCode, 1);
    QVERIFY2(broken.err.contains("bad.yml:3:57: timeout: invalid duration \"soon\""), broken.err.constData());
}

QTEST_GUILESS_MAIN(TestCliNetwork)
#include "tst_clinetwork.moc"
