// `breakerwatch-cli serve` on a really full disk (issue 6): its data directory is on a 1 MB tmpfs, mounted in a
// private user and mount namespace (`unshare --user --map-root-user --mount`, no root needed), and a filler file
// takes the rest of the space while it runs. The store says it is degraded and why, polling and /metrics go on,
// freeing the space brings the store back, and what happened meanwhile is in the file. SIGTERM stops it cleanly.
// Skipped (with the reason) where the namespace or the mount is not allowed.
#include "../support/externalprocess.h"
#include "demo/demofleet.h"
#include "store/historystore.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace {

// Runs as `sh -c SCRIPT sh MOUNTPOINT CLI CONFIG PORT OUTDIR` inside the namespace. Commands on standard input:
// "fill" fills the tmpfs with a file, "free" deletes it, "wal" prints the size of the store's write-ahead log. When
// standard input closes it waits for serve (which the test stops with SIGTERM), copies the store out of the tmpfs (it
// vanishes with the namespace) and exits with serve's exit code.
constexpr char kScript[] = R"sh(
mnt=$1; cli=$2; config=$3; port=$4; out=$5
mount -t tmpfs -o size=1m tmpfs "$mnt" || { echo "bw-fulldisk: cannot mount a tmpfs" >&2; exit 97; }
"$cli" serve --config "$config" --metrics-listen "127.0.0.1:$port" --data-dir "$mnt/data" </dev/null &
pid=$!
echo "bw-fulldisk: serve pid $pid." >&2
while read -r command; do
  case "$command" in
    fill) dd if=/dev/zero of="$mnt/filler" bs=4096 2>/dev/null
          echo "bw-fulldisk: filled: $(df -k "$mnt" | tail -n 1)" >&2 ;;
    free) rm -f "$mnt/filler"; echo "bw-fulldisk: freed" >&2 ;;
    wal) echo "bw-fulldisk: wal $(cat "$mnt/data/breakerwatch.sqlite-wal" | wc -c) bytes" >&2 ;;
  esac
done
wait "$pid"; code=$?
cp "$mnt/data/"* "$out/"
echo "bw-fulldisk: serve exited with $code" >&2
exit $code
)sh";

std::int64_t wallNow()
{
    return QDateTime::currentMSecsSinceEpoch();
}

} // namespace

class TestServeFullDisk final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void fullDiskDegradesTheStoreAndPollingGoesOn();
};

void TestServeFullDisk::fullDiskDegradesTheStoreAndPollingGoesOn()
{
    const QString unshare = QStandardPaths::findExecutable(u"unshare"_s);
    if (unshare.isEmpty())
        QSKIP("unshare (util-linux) is not installed: cannot mount a small tmpfs without root");

    QElapsedTimer clock;
    clock.start();
    bw::DemoFleet fleet([&clock] { return clock.elapsed(); }, 0);
    QVERIFY(fleet.start({QHostAddress::LocalHost, 0, 2, u"healthy"_s, 9, bw::FleetLayout::OneBreakerPerService}).ok());
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString configPath = dir.filePath(u"bw.yml"_s);
    QFile config(configPath);
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write(fleet.configYaml(250));
    config.close();
    const QString mountPoint = dir.filePath(u"tmpfs"_s);
    const QString copied = dir.filePath(u"copied"_s);
    QVERIFY(QDir().mkpath(mountPoint));
    QVERIFY(QDir().mkpath(copied));
    const quint16 port = freeLoopbackPort();

    // Unprivileged first; a root without user namespaces (some CI containers) can still take a mount namespace.
    QProcess shell;
    QByteArray errors;
    const QStringList script{u"sh"_s,
                             u"-c"_s,
                             QString::fromLatin1(kScript),
                             u"sh"_s,
                             mountPoint,
                             QStringLiteral(BW_CLI_PATH),
                             configPath,
                             QString::number(port),
                             copied};
    QList<QStringList> attempts{QStringList{u"--user"_s, u"--map-root-user"_s, u"--mount"_s} + script};
    if (::geteuid() == 0)
        attempts << QStringList{u"--mount"_s} + script;
    qint64 servePid = 0;
    QString whyNot;
    for (const QStringList &arguments : attempts) {
        errors.clear();
        shell.start(unshare, arguments);
        if (!shell.waitForStarted(5000)) {
            whyNot = shell.errorString();
            continue;
        }
        QTRY_VERIFY_WITH_TIMEOUT((errors += shell.readAllStandardError()).contains("serve pid ") ||
                                     shell.state() == QProcess::NotRunning,
                                 10'000);
        errors += shell.readAllStandardError();
        if (errors.contains("serve pid ")) {
            const qsizetype at = errors.indexOf("serve pid ") + 10;
            servePid = errors.mid(at, errors.indexOf('.', at) - at).toLongLong();
            break;
        }
        shell.waitForFinished(5000);
        whyNot = QString::fromLocal8Bit(errors.trimmed());
    }
    if (servePid <= 0)
        QSKIP(qPrintable(u"cannot mount a tmpfs in a private mount namespace here (unshare --user --map-root-user "
                         u"--mount, and as root unshare --mount): "_s +
                         whyNot));

    const auto stopServe = qScopeGuard([&] {
        if (shell.state() != QProcess::NotRunning) {
            ::kill(static_cast<pid_t>(servePid), SIGKILL);
            shell.closeWriteChannel();
            shell.waitForFinished(5000);
        }
    });
    QNetworkAccessManager network;
    const auto metrics = [&] {
        QNetworkReply *reply = network.get(QNetworkRequest(QUrl(u"http://127.0.0.1:%1/metrics"_s.arg(port))));
        QElapsedTimer wait;
        wait.start();
        while (!reply->isFinished() && wait.elapsed() < 3000)
            QTest::qWait(20);
        const QByteArray body = reply->readAll();
        reply->deleteLater();
        return body;
    };
    QByteArray output;
    const auto readErrors = [&] { return errors += shell.readAllStandardError(); };
    QTRY_VERIFY2_WITH_TIMEOUT(readErrors().contains("history in "), errors.constData(), 10'000);
    // Each instance's health breaker is filed (and exported) under service and instance.
    const QString checkoutKey = u"checkout@127.0.0.1:%1"_s.arg(fleet.services()[0]->port());
    const QString searchKey = u"search@127.0.0.1:%1"_s.arg(fleet.services()[1]->port());
    QTRY_VERIFY_WITH_TIMEOUT(
        metrics().contains(QByteArray("breakerwatch_probe_success{service=\"checkout\",instance=\"127.0.0.1:" +
                                      QByteArray::number(fleet.services()[0]->port()) + "\",breaker=\"health\"} 1")),
        10'000);
    // The store's first flush (2 s after the start) grows the log: it has written before the disk fills.
    const auto walBytes = [&] {
        const qsizetype before = errors.count("bw-fulldisk: wal ");
        shell.write("wal\n");
        QElapsedTimer wait;
        wait.start();
        while (readErrors().count("bw-fulldisk: wal ") == before && wait.elapsed() < 5000)
            QTest::qWait(20);
        const qsizetype at = errors.lastIndexOf("bw-fulldisk: wal ") + 17;
        return errors.mid(at, errors.indexOf(" bytes", at) - at).toLongLong();
    };
    const qint64 walAtStart = walBytes();
    QTRY_VERIFY_WITH_TIMEOUT(walBytes() > walAtStart, 10'000);
    const std::int64_t writtenBy = wallNow();

    // The disk fills up: the next flush fails and the store says so, naming the file and SQLite's words.
    shell.write("fill\n");
    QTRY_VERIFY2_WITH_TIMEOUT(readErrors().contains("history store degraded: "), errors.constData(), 10'000);
    QVERIFY2(errors.contains("bw-fulldisk: filled"), errors.constData());
    const std::int64_t degradedAt = wallNow();
    const QByteArray problem = errors.mid(errors.indexOf("history store degraded: ")).split('\n').front();
    QVERIFY2(problem.contains(QFile::encodeName(mountPoint + u"/data/breakerwatch.sqlite"_s)), problem.constData());
    QVERIFY2(problem.contains("disk is full") && problem.contains("database or disk is full"), problem.constData());
    QVERIFY2(!errors.contains("history store ok again"), errors.constData());

    // Polling goes on: a fault still opens the simulated breaker, with its JSON line, and /metrics answers.
    fleet.services()[1]->injectFault(bw::BehaviourMode::Down, 60'000);
    QTRY_VERIFY_WITH_TIMEOUT((output += shell.readAllStandardOutput()).contains("\"to\":\"open\""), 10'000);
    // The instance's health breaker (its named breaker, fed by the demo's own calls counters, opens too).
    const auto healthOpened = [&] {
        for (const QByteArray &line : output.split('\n')) {
            const QJsonObject object = QJsonDocument::fromJson(line).object();
            if (object[u"to"_s] == u"open"_s && object[u"breaker"_s] == u"health"_s &&
                object[u"origin"_s] == u"simulated"_s)
                return object;
        }
        return QJsonObject();
    };
    QTRY_VERIFY_WITH_TIMEOUT(!(output += shell.readAllStandardOutput(), healthOpened()).isEmpty(), 10'000);
    const QJsonObject transition = healthOpened();
    QCOMPARE(transition[u"service"_s].toString(), u"search"_s);
    const auto openedAt = static_cast<std::int64_t>(transition[u"t"_s].toDouble());
    QVERIFY(openedAt >= degradedAt - 1000);
    QVERIFY(metrics().contains(QByteArray("breakerwatch_breaker_state{service=\"search\",instance=\"127.0.0.1:" +
                                          QByteArray::number(fleet.services()[1]->port()) +
                                          "\",breaker=\"health\",origin=\"simulated\"} 1")));
    readErrors();
    QVERIFY2(!errors.contains("history store ok again"), errors.constData()); // still full

    // Space again: the store retries at its next flush and is ok; later polls reach the file.
    shell.write("free\n");
    QTRY_VERIFY2_WITH_TIMEOUT(readErrors().contains("history store ok again"), errors.constData(), 10'000);
    const std::int64_t okAt = wallNow();
    QTest::qWait(1500); // a few more polls (every 250 ms) after the recovery

    ::kill(static_cast<pid_t>(servePid), SIGTERM);
    shell.closeWriteChannel();
    QVERIFY(shell.waitForFinished(15'000));
    errors += shell.readAllStandardError();
    QCOMPARE(shell.exitStatus(), QProcess::NormalExit);
    QVERIFY2(errors.contains("bw-fulldisk: serve exited with 0"), errors.constData()); // no crash, a clean exit
    QCOMPARE(shell.exitCode(), 0);
    QVERIFY2(errors.contains("stopped"), errors.constData());

    // The copy of the file holds the transition made while the disk was full and the polls after it had space.
    bw::StoreOptions options;
    options.dataDir = copied;
    bw::HistoryStore store(options);
    const bw::Status opened = store.open(wallNow());
    QVERIFY2(opened.ok(), qPrintable(opened.ok() ? QString() : opened.error()));
    const auto transitions = store.transitions(searchKey, degradedAt - 1000, wallNow() + 1);
    QVERIFY(transitions.ok());
    bool openStored = false;
    for (const bw::StoredTransition &t : *transitions)
        openStored |= t.track == bw::TrackKind::Simulated && t.t == openedAt && t.to == bw::BreakerState::Open;
    QVERIFY2(openStored, "the transition made while the disk was full is not in the file");
    for (const QString &service : {checkoutKey, searchKey}) {
        const auto before = store.observations(service, 0, writtenBy);
        QVERIFY(before.ok());
        QVERIFY2(!before->empty(), qPrintable(service + u": the polls written before the disk filled are lost"_s));
        const auto later = store.observations(service, okAt, wallNow() + 1);
        QVERIFY(later.ok());
        QVERIFY2(!later->empty(), qPrintable(service + u": no observation after the store recovered"_s));
    }
}

QTEST_MAIN(TestServeFullDisk)
#include "tst_servefulldisk.moc"
