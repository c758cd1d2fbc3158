// WalInspector on write-ahead logs written by the real SQLite: intact, torn by a crash (harmless), damaged header,
// damaged frame with committed transactions after it.
#include "store/walinspector.h"

#include <QFile>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using bw::WalInspector;

class TestWalInspector final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void intact();
    void absentAndTooShort();
    void damagedHeader();
    void damagedFrameWithCommitsAfterIt();
    void tornLastFrameIsACrashNotDamage();

private:
    QTemporaryDir m_dir;
    QByteArray m_wal;
    qsizetype m_pageSize = 4096;
};

void TestWalInspector::initTestCase()
{
    QVERIFY(m_dir.isValid());
    const QString path = m_dir.filePath(u"w.sqlite"_s);
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"wal"_s);
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec(u"PRAGMA journal_mode=WAL"_s));
        QVERIFY(q.exec(u"PRAGMA wal_autocheckpoint=0"_s));
        QVERIFY(q.exec(u"CREATE TABLE t(x)"_s));
        for (int i = 0; i < 20; ++i)
            QVERIFY(q.exec(u"INSERT INTO t VALUES (randomblob(3000))"_s)); // 20 commits, more than 20 frames
        QFile wal(path + u"-wal"_s);
        QVERIFY(wal.open(QIODevice::ReadOnly));
        m_wal = wal.readAll(); // while the connection is open: closing checkpoints and deletes the log
        db.close();
    }
    QSqlDatabase::removeDatabase(u"wal"_s);
    QVERIFY(m_wal.size() > 32 + 20 * (24 + m_pageSize));
}

void TestWalInspector::intact()
{
    const WalInspector::Report report = WalInspector::inspect(m_wal);
    QCOMPARE(report.verdict, WalInspector::Verdict::Intact);
    QCOMPARE(report.frames, (m_wal.size() - 32) / (24 + m_pageSize));
    QVERIFY(report.problem.isEmpty());
}

void TestWalInspector::absentAndTooShort()
{
    QCOMPARE(WalInspector::inspect({}).verdict, WalInspector::Verdict::Absent);
    QCOMPARE(WalInspector::inspectFile(m_dir.filePath(u"missing-wal"_s)).verdict, WalInspector::Verdict::Absent);
    QCOMPARE(WalInspector::inspect(m_wal.first(10)).verdict, WalInspector::Verdict::Damaged);
}

void TestWalInspector::damagedHeader()
{
    QByteArray garbage = m_wal;
    for (int i = 0; i < 32; ++i)
        garbage[i] = static_cast<char>(0x5a ^ i);
    const WalInspector::Report report = WalInspector::inspect(garbage);
    QCOMPARE(report.verdict, WalInspector::Verdict::Damaged);
    QVERIFY(report.problem.contains(u"header"_s));

    QByteArray badChecksum = m_wal;
    badChecksum[12] = static_cast<char>(badChecksum[12] ^ 1); // checkpoint sequence, covered by the checksum
    QCOMPARE(WalInspector::inspect(badChecksum).verdict, WalInspector::Verdict::Damaged);
}

void TestWalInspector::damagedFrameWithCommitsAfterIt()
{
    QByteArray damaged = m_wal;
    const qsizetype frame = 5;
    const qsizetype offset = 32 + frame * (24 + m_pageSize) + 24 + 100;
    for (int i = 0; i < 64; ++i)
        damaged[offset + i] = static_cast<char>(~damaged[offset + i]);
    QFile file(m_dir.filePath(u"damaged-wal"_s));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(damaged);
    file.close();
    const WalInspector::Report report = WalInspector::inspectFile(file.fileName());
    QCOMPARE(report.verdict, WalInspector::Verdict::Damaged);
    QCOMPARE(report.frames, frame);
    QVERIFY(report.lostFrames > 1);
    QVERIFY(report.lostCommits > 0);
    QVERIFY(report.problem.contains(u"frame 6"_s));
}

void TestWalInspector::tornLastFrameIsACrashNotDamage()
{
    QByteArray torn = m_wal;
    const qsizetype last = (torn.size() - 32) / (24 + m_pageSize) - 1;
    const qsizetype offset = 32 + last * (24 + m_pageSize) + 24;
    for (qsizetype i = offset + 1000; i < offset + m_pageSize; ++i)
        torn[i] = 0; // the page only half written when the process died
    const WalInspector::Report report = WalInspector::inspect(torn);
    QCOMPARE(report.verdict, WalInspector::Verdict::Intact);
    QCOMPARE(report.frames, last);
}

QTEST_GUILESS_MAIN(TestWalInspector)
#include "tst_walinspector.moc"
