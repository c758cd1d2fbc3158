// The history store against a process that dies: store_writer_child writes bursts and is killed with SIGKILL at
// seeded random points (during open, during writes, during compaction), 30 times on the same file; after each kill
// the file must pass integrity_check, hold every transition and audit entry the child reported as committed and at
// least every observation it reported as flushed, with no duplicate and no block that does not decode.
// Then the same child on a full disk (RLIMIT_FSIZE) and on a read-only directory: it must report the store degraded
// and keep running.
#include "store/historystore.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <limits>
#include <random>

#include <unistd.h>

using namespace Qt::StringLiterals;

namespace {

constexpr std::int64_t kFar = std::numeric_limits<std::int64_t>::max() / 2;

struct Reported
{
    QSet<QString> transitions;
    QSet<QString> audits;
    QSet<QString> completed;
    std::int64_t observations = 0; // the last "F n" of the run
    QStringList degraded;
    QString alive;
    bool ready = false;
};

void parse(const QByteArray &output, Reported &r)
{
    std::int64_t lastFlush = 0;
    for (const QByteArray &raw : output.split('\n')) {
        const QString line = QString::fromUtf8(raw);
        if (line.startsWith(u"T "_s))
            r.transitions.insert(line.mid(2));
        else if (line.startsWith(u"A "_s))
            r.audits.insert(line.mid(2));
        else if (line.startsWith(u"C "_s))
            r.completed.insert(line.mid(2));
        else if (line.startsWith(u"F "_s))
            lastFlush = line.mid(2).toLongLong();
        else if (line.startsWith(u"DEGRADED "_s))
            r.degraded << line.mid(9);
        else if (line.startsWith(u"ALIVE "_s))
            r.alive = line.mid(6);
        else if (line.startsWith(u"READY "_s))
            r.ready = true;
    }
    r.observations += lastFlush;
}

QStringList childArgs(const QString &dir, int seed, const QString &mode)
{
    return {u"--dir"_s, dir, u"--seed"_s, QString::number(seed), u"--mode"_s, mode};
}

} // namespace

class TestStoreCrash final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void survivesSigkillAtRandomPoints();
    void fullDiskInAChild();
    void readOnlyDirectoryInAChild();

private:
    // Reopens the file and checks it against everything the children reported so far.
    void check(const QString &dir, const Reported &total, int iteration);
};

void TestStoreCrash::check(const QString &dir, const Reported &total, int iteration)
{
    bw::StoreOptions options;
    options.dataDir = dir;
    options.integrityCheck = bw::IntegrityCheck::Full;
    bw::HistoryStore store(options);
    const bw::Status opened = store.open(1'800'000'000'000);
    QVERIFY2(opened.ok(),
             qPrintable(u"iteration %1: %2"_s.arg(iteration).arg(opened.ok() ? QString() : opened.error())));
    const auto report = store.verify(bw::IntegrityCheck::Full);
    QVERIFY(report.ok());
    QVERIFY2(report->integrity == u"ok"_s, qPrintable(u"iteration %1: %2"_s.arg(iteration).arg(report->integrity)));
    QVERIFY2(report->badBlocks == 0, qPrintable(u"iteration %1: %2"_s.arg(iteration).arg(report->firstProblem)));

    QSet<QString> transitions;
    const auto storedTransitions = store.transitions(QString(), 0, kFar);
    QVERIFY(storedTransitions.ok());
    for (const bw::StoredTransition &t : *storedTransitions)
        transitions.insert(t.reason);
    for (const QString &reported : total.transitions)
        QVERIFY2(transitions.contains(reported), qPrintable(u"iteration %1: lost %2"_s.arg(iteration).arg(reported)));

    QHash<QString, QString> audits;
    const auto storedAudits = store.auditEntries(0, kFar);
    QVERIFY(storedAudits.ok());
    for (const bw::StoredAuditEntry &e : *storedAudits)
        audits.insert(e.detail, e.outcome);
    for (const QString &reported : total.audits)
        QVERIFY2(audits.contains(reported), qPrintable(u"iteration %1: lost %2"_s.arg(iteration).arg(reported)));
    for (const QString &reported : total.completed)
        QVERIFY2(audits.value(reported) == u"done"_s,
                 qPrintable(u"iteration %1: %2 not completed"_s.arg(iteration).arg(reported)));

    std::int64_t stored = 0;
    for (int i = 0; i < 20; ++i) {
        const auto obs = store.observations(u"svc-%1"_s.arg(i, 2, 10, QLatin1Char('0')), 0, kFar);
        QVERIFY(obs.ok());
        for (std::size_t k = 1; k < obs->size(); ++k)
            QVERIFY2((*obs)[k].t > (*obs)[k - 1].t,
                     qPrintable(u"iteration %1: duplicate observation at %2"_s.arg(iteration).arg((*obs)[k].t)));
        stored += static_cast<std::int64_t>(obs->size());
    }
    QVERIFY2(stored >= total.observations,
             qPrintable(u"iteration %1: %2 observations stored, %3 reported flushed"_s.arg(iteration).arg(stored).arg(
                 total.observations)));
}

void TestStoreCrash::survivesSigkillAtRandomPoints()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    std::mt19937 rng(20'240'611);
    Reported total;
    QElapsedTimer clock;
    clock.start();
    int killedWhileWriting = 0;
    for (int iteration = 0; iteration < 30; ++iteration) {
        QProcess child;
        child.setProgram(QStringLiteral(STORE_WRITER_CHILD));
        child.setArguments(childArgs(dir.path(), iteration, u"crash"_s));
        child.start();
        QVERIFY(child.waitForStarted());
        QByteArray output;
        // One kill in five lands anywhere from the start (opening, migrating, loading); the others during writes.
        const bool early = rng() % 5 == 0;
        QElapsedTimer since;
        since.start();
        const int delay = early ? int(rng() % 120) : 20 + int(rng() % 280);
        bool writing = false;
        while (since.elapsed() < delay || (!early && !writing)) {
            child.waitForReadyRead(5);
            output += child.readAllStandardOutput();
            if (!writing && output.contains("READY")) {
                writing = true;
                if (!early)
                    since.restart();
            }
            QVERIFY2(child.state() == QProcess::Running, qPrintable(QString::fromUtf8(child.readAllStandardError())));
            QVERIFY(clock.elapsed() < 60'000);
        }
        child.kill(); // SIGKILL
        QVERIFY(child.waitForFinished());
        output += child.readAllStandardOutput();
        killedWhileWriting += writing ? 1 : 0;
        Reported run;
        parse(output, run);
        QVERIFY2(run.degraded.isEmpty(), qPrintable(run.degraded.join(u'\n')));
        total.transitions.unite(run.transitions);
        total.audits.unite(run.audits);
        total.completed.unite(run.completed);
        total.observations += run.observations;
        check(dir.path(), total, iteration);
        if (QTest::currentTestFailed())
            return;
    }
    qInfo("30 kills (%d while writing) in %lld ms: %lld transitions, %lld audit entries and %lld observations "
          "reported committed, all found",
          killedWhileWriting, static_cast<long long>(clock.elapsed()), static_cast<long long>(total.transitions.size()),
          static_cast<long long>(total.audits.size()), static_cast<long long>(total.observations));
    QVERIFY(killedWhileWriting >= 20);
    QVERIFY(total.transitions.size() > 100);
}

void TestStoreCrash::fullDiskInAChild()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QProcess child;
    QStringList args = childArgs(dir.path(), 1, u"full"_s);
    args << u"--fsize"_s << QString::number(600 * 1024);
    child.start(QStringLiteral(STORE_WRITER_CHILD), args);
    QVERIFY(child.waitForFinished(60'000));
    const QByteArray output = child.readAllStandardOutput();
    QCOMPARE(child.exitStatus(), QProcess::NormalExit);
    QVERIFY2(child.exitCode() == 0, output.right(2000).constData());
    Reported run;
    parse(output, run);
    QVERIFY(!run.degraded.isEmpty());
    qInfo().noquote() << "the child reported:" << run.degraded.front();
    QVERIFY(run.degraded.front().contains(u"disk is full"_s));
    QVERIFY(run.degraded.front().contains(dir.filePath(bw::HistoryStore::fileName())));
    QVERIFY(!run.alive.isEmpty()); // it kept polling after the failure
    qInfo().noquote() << "alive after the failure (buffered, dropped, queued):" << run.alive;
    // With room again, everything it reported committed is there and the file is sound.
    check(dir.path(), run, 0);
}

void TestStoreCrash::readOnlyDirectoryInAChild()
{
    // Root ignores permissions, so as root the child drops to "nobody" before opening the store.
    const bool root = ::geteuid() == 0;
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString data = dir.filePath(u"data"_s);
    Reported before;
    {
        bw::StoreOptions options;
        options.dataDir = data;
        bw::HistoryStore store(options);
        QVERIFY(store.open(1'700'000'000'000).ok());
        QVERIFY(store
                    .appendTransitions({{u"svc-00"_s,
                                         bw::TrackKind::Simulated,
                                         1'700'000'000'000,
                                         bw::BreakerState::Closed,
                                         bw::BreakerState::Open,
                                         u"before"_s,
                                         {}}})
                    .ok());
        before.transitions.insert(u"before"_s);
    }
    const auto readOnly =
        QFile::ReadOwner | QFile::ExeOwner | QFile::ReadGroup | QFile::ExeGroup | QFile::ReadOther | QFile::ExeOther;
    QVERIFY(QFile::setPermissions(dir.path(), readOnly | QFile::WriteOwner));
    QVERIFY(QFile::setPermissions(data, readOnly));
    const QString file = QDir(data).filePath(bw::HistoryStore::fileName());
    QVERIFY(QFile::setPermissions(file, QFile::ReadOwner | QFile::ReadGroup | QFile::ReadOther));

    QProcess child;
    QStringList args = childArgs(data, 2, u"stay"_s);
    if (root)
        args << u"--nobody"_s;
    child.start(QStringLiteral(STORE_WRITER_CHILD), args);
    QVERIFY(child.waitForFinished(60'000));
    const QByteArray output = child.readAllStandardOutput();
    QVERIFY2(child.exitStatus() == QProcess::NormalExit && child.exitCode() == 0,
             QByteArray(output.right(2000) + child.readAllStandardError()).constData());
    Reported run;
    parse(output, run);
    QVERIFY(!run.degraded.isEmpty());
    qInfo().noquote() << "the child reported:" << run.degraded.front();
    QVERIFY(run.degraded.front().contains(file));
    QVERIFY(!run.alive.isEmpty());

    QVERIFY(QFile::setPermissions(data, readOnly | QFile::WriteOwner));
    QVERIFY(QFile::setPermissions(file, QFile::ReadOwner | QFile::WriteOwner));
    check(data, before, 0);
}

QTEST_GUILESS_MAIN(TestStoreCrash)
#include "tst_storecrash.moc"
