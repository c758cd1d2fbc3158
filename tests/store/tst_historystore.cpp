// HistoryStore on real SQLite files: round trips of every record type, restarts, restore into the display store,
// migrations, damaged files, unwritable directories, a full disk (the store's size cap), a damaged write-ahead log,
// the bounded memory buffer, compaction and retention.
#include "fleetscript.h"

#include "history/fleethistory.h"
#include "store/datadir.h"
#include "store/historystore.h"
#include "store/observationcodec.h"
#include "store/stagingrow.h"
#include "store/storeschema.h"
#include "store/summarycodec.h"

#include <QDir>
#include <QFile>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTemporaryDir>
#include <QTest>

#include <unistd.h>

using namespace Qt::StringLiterals;
using bw::BreakerState;
using bw::HistoryStore;
using bw::Observation;
using bw::SeriesKind;
using bw::TrackKind;

namespace {

constexpr std::int64_t kT0 = 1'699'999'200'000; // aligned to the hour
constexpr std::int64_t kSecond = 1'000;
constexpr std::int64_t kMinute = 60'000;
constexpr std::int64_t kHour = 3'600'000;

Observation poll(std::int64_t t, float rate, float latency, float p95, BreakerState state = BreakerState::Closed)
{
    Observation o;
    o.t = t;
    o.errorRate = rate;
    o.latencyMs = latency;
    o.p95Ms = p95;
    o.outcome = bw::PollOutcome::Ok;
    o.state = state;
    return o;
}

// Reads a value with a separate connection, as another program would.
QVariant sqlValue(const QString &file, const QString &sql)
{
    QVariant value;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"peek"_s);
        db.setDatabaseName(file);
        if (db.open()) {
            QSqlQuery q(db);
            if (q.exec(sql) && q.next())
                value = q.value(0);
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(u"peek"_s);
    return value;
}

bool sameObservations(const std::vector<Observation> &a, const std::vector<Observation> &b, QString &why)
{
    if (a.size() != b.size()) {
        why = u"%1 observations instead of %2"_s.arg(a.size()).arg(b.size());
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (!a[i].sameAs(b[i])) {
            why = u"observation %1 (t=%2 vs %3) differs"_s.arg(i).arg(a[i].t).arg(b[i].t);
            return false;
        }
    }
    return true;
}

std::vector<Observation> quantisedSorted(std::vector<Observation> in)
{
    for (Observation &o : in)
        o = bw::ObservationCodec::quantised(o);
    std::stable_sort(in.begin(), in.end(), [](const Observation &x, const Observation &y) { return x.t < y.t; });
    return in;
}

bw::Alert alert(const QString &service, std::int64_t fired, std::optional<std::int64_t> resolved = {})
{
    bw::Alert a;
    a.service = service;
    a.source = bw::AlertSource::Real;
    a.kind = bw::AlertKind::OpenLong;
    a.firedAtMs = fired;
    a.sinceMs = fired - 2 * kMinute;
    a.resolvedAtMs = resolved;
    a.summary = service + u": real breaker open for 2 min"_s;
    return a;
}

// Every message logged while it lives (and still passed on to Qt Test's handler).
class LogCapture
{
public:
    LogCapture()
    {
        s_messages.clear();
        s_previous = qInstallMessageHandler(&LogCapture::handle);
    }
    ~LogCapture() { qInstallMessageHandler(s_previous); }
    LogCapture(const LogCapture &) = delete;
    LogCapture &operator=(const LogCapture &) = delete;
    static QStringList messages() { return s_messages; }

private:
    static void handle(QtMsgType type, const QMessageLogContext &context, const QString &message)
    {
        s_messages << message;
        s_previous(type, context, message);
    }
    static inline QStringList s_messages;
    static inline QtMessageHandler s_previous = nullptr;
};

// The tables, their columns (type, not null, default, primary key), WITHOUT ROWID, and the indexes with their
// columns and uniqueness: what the schema is, whatever SQL text made it.
QStringList schemaOf(const QString &file)
{
    QStringList rows;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"schema"_s);
        db.setDatabaseName(file);
        if (db.open()) {
            QSqlQuery q(db);
            for (const QString &sql :
                 {u"SELECT m.name, p.cid, p.name, p.type, p.\"notnull\", p.dflt_value, p.pk FROM sqlite_master m "
                  u"JOIN pragma_table_xinfo(m.name) p WHERE m.type = 'table' ORDER BY m.name, p.cid"_s,
                  u"SELECT name, type, wr, strict FROM pragma_table_list WHERE schema = 'main' ORDER BY name"_s,
                  u"SELECT m.name, l.name, l.\"unique\", l.origin, l.partial, i.seqno, i.name FROM sqlite_master m "
                  u"JOIN pragma_index_list(m.name) l JOIN pragma_index_info(l.name) i WHERE m.type = 'table' "
                  u"ORDER BY m.name, l.name, i.seqno"_s}) {
                if (!q.exec(sql))
                    rows << u"error: "_s + q.lastError().text();
                while (q.next()) {
                    QStringList fields;
                    for (int i = 0; i < q.record().count(); ++i)
                        fields << (q.value(i).isNull() ? u"NULL"_s : q.value(i).toString());
                    rows << fields.join(u'|');
                }
            }
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(u"schema"_s);
    return rows;
}

// A schema-4 file as Breakerwatch wrote it before the fleet model, made with that version's own SQL (its creation()):
// services named by a plain name ("payments") next to keys the monitor wrote since ("checkout@10.0.0.1:80",
// "checkout/pay@10.0.0.1:80"), with a sealed block, a staged chunk, a summary, transitions, alerts and an audit entry.
struct Version4File
{
    std::vector<Observation> sealed;   // payments, block kT0
    std::vector<Observation> staged;   // payments, the block after, not sealed yet
    std::vector<Observation> checkout; // checkout@10.0.0.1:80, block kT0
};

bool writeVersion4File(const QString &file, Version4File &v4)
{
    for (int i = 0; i < 30; ++i)
        v4.sealed.push_back(poll(kT0 + i * 20 * kSecond, 5, 10, 20));
    for (int i = 0; i < 10; ++i)
        v4.staged.push_back(poll(kT0 + 10 * kMinute + i * kSecond, 7, 11, 21));
    for (int i = 0; i < 12; ++i)
        v4.checkout.push_back(poll(kT0 + i * 30 * kSecond, 1, 2, 3));
    bool ok = true;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"v4"_s);
        db.setDatabaseName(file);
        ok = db.open();
        QSqlQuery q(db);
        auto run = [&](const QString &sql) {
            if (ok && !q.exec(sql)) {
                qWarning().noquote() << sql << q.lastError().text();
                ok = false;
            }
        };
        run(u"PRAGMA journal_mode=WAL"_s);
        for (const QString &sql : {
                 u"CREATE TABLE IF NOT EXISTS schema_version(version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL, "
                 u"description TEXT NOT NULL)"_s,
                 u"CREATE TABLE meta(key TEXT PRIMARY KEY, value) WITHOUT ROWID"_s,
                 u"CREATE TABLE services(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)"_s,
                 u"CREATE TABLE obs_block(id INTEGER PRIMARY KEY, service INTEGER NOT NULL, start INTEGER NOT NULL, "
                 u"count INTEGER NOT NULL, data BLOB NOT NULL)"_s,
                 u"CREATE TABLE obs_recent(seq INTEGER PRIMARY KEY, last_start INTEGER NOT NULL, data BLOB NOT NULL)"_s,
                 u"CREATE TABLE obs_summary(id INTEGER PRIMARY KEY, service INTEGER NOT NULL, start INTEGER NOT NULL, "
                 u"data BLOB NOT NULL)"_s,
                 u"CREATE TABLE reasons(id INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE)"_s,
                 u"INSERT INTO reasons(id, text) VALUES (0, '')"_s,
                 u"CREATE TABLE transitions(id INTEGER PRIMARY KEY, service INTEGER NOT NULL, track INTEGER NOT NULL, "
                 u"t INTEGER NOT NULL, from_state INTEGER NOT NULL, to_state INTEGER NOT NULL, "
                 u"reason INTEGER NOT NULL DEFAULT 0, kind INTEGER NOT NULL DEFAULT 0)"_s,
                 u"CREATE INDEX transitions_by_service ON transitions(service, t)"_s,
                 u"CREATE TABLE alerts(id INTEGER PRIMARY KEY, service INTEGER NOT NULL, source INTEGER NOT NULL, "
                 u"kind INTEGER NOT NULL, fired_at INTEGER NOT NULL, since INTEGER NOT NULL, resolved_at INTEGER, "
                 u"summary TEXT NOT NULL)"_s,
                 u"CREATE UNIQUE INDEX alerts_episode ON alerts(service, source, kind, fired_at)"_s,
                 u"CREATE TABLE audit(id INTEGER PRIMARY KEY, at INTEGER NOT NULL, who TEXT NOT NULL, "
                 u"service TEXT NOT NULL, target TEXT NOT NULL, action TEXT NOT NULL, outcome TEXT NOT NULL, "
                 u"detail TEXT NOT NULL)"_s,
                 u"INSERT INTO schema_version VALUES (4, 1, 'created at the current schema')"_s,
                 u"INSERT INTO services(id, name) VALUES (1, 'payments'), (2, 'checkout@10.0.0.1:80'), "
                 u"(3, 'checkout/pay@10.0.0.1:80')"_s,
                 u"INSERT INTO reasons(id, text) VALUES (1, 'failure rate 60% >= 50% over the last 20 calls')"_s,
                 u"INSERT INTO transitions(service, track, t, from_state, to_state, reason, kind) VALUES "
                 u"(1, 0, %1, 0, 1, 1, 1), (1, 0, %2, 1, 2, 0, 0), (2, 0, %3, 0, 1, 1, 1), (3, 1, %4, 0, 1, 0, 0)"_s
                     .arg(kT0 + 1000)
                     .arg(kT0 + 61'000)
                     .arg(kT0 + 2000)
                     .arg(kT0 + 3000),
                 u"INSERT INTO alerts(service, source, kind, fired_at, since, resolved_at, summary) VALUES "
                 u"(1, 1, 0, %1, %2, NULL, 'payments: real breaker open for 2 min'), "
                 u"(3, 1, 0, %3, %2, %4, 'pay: real breaker open for 2 min')"_s.arg(kT0 + 5 * kMinute)
                     .arg(kT0 + 3 * kMinute)
                     .arg(kT0 + 6 * kMinute)
                     .arg(kT0 + 9 * kMinute),
                 u"INSERT INTO audit(at, who, service, target, action, outcome, detail) VALUES "
                 u"(%1, 'ops', 'payments', 'real breaker', 'reset', 'done', 'HTTP 200')"_s.arg(kT0),
             })
            run(sql);
        auto insert = [&](const QString &sql, const QVariantList &values) {
            if (!ok)
                return;
            q.prepare(sql);
            for (const QVariant &v : values)
                q.addBindValue(v);
            if (!q.exec()) {
                qWarning().noquote() << sql << q.lastError().text();
                ok = false;
            }
        };
        const std::int64_t slots = std::int64_t{1} << 20;
        insert(u"INSERT INTO obs_block(id, service, start, count, data) VALUES (?, ?, ?, ?, ?)"_s,
               {qint64(kT0 / 600'000 * slots + 1), 1, qint64(kT0), int(v4.sealed.size()),
                bw::ObservationCodec::encode(v4.sealed, kT0)});
        insert(u"INSERT INTO obs_block(id, service, start, count, data) VALUES (?, ?, ?, ?, ?)"_s,
               {qint64(kT0 / 600'000 * slots + 2), 2, qint64(kT0), int(v4.checkout.size()),
                bw::ObservationCodec::encode(v4.checkout, kT0)});
        const std::int64_t next = kT0 + 10 * kMinute;
        insert(u"INSERT INTO obs_recent(last_start, data) VALUES (?, ?)"_s,
               {qint64(next), bw::StagingRow::build({{1, next, bw::ObservationCodec::encode(v4.staged, next)}})});
        bw::SummaryCodec::Buckets buckets{};
        for (const Observation &o : v4.sealed)
            bw::SummaryCodec::accumulate(buckets, kT0, o);
        insert(u"INSERT INTO obs_summary(id, service, start, data) VALUES (?, ?, ?, ?)"_s,
               {qint64(kT0 / kHour * slots + 1), 1, qint64(kT0), bw::SummaryCodec::encode(buckets)});
        db.close();
    }
    QSqlDatabase::removeDatabase(u"v4"_s);
    return ok;
}
} // namespace

class TestHistoryStore final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();

    void createsTheFileInWalMode();
    void newFileIsCreatedAtTheCurrentSchemaInOneStep();
    void observationsRoundTrip();
    void unsealedChunksSurviveARestart();
    void lateObservationsJoinTheirSealedBlock();
    void manyServicesAreSealedFromTheirStagedChunks();
    void aDamagedStagingRowLosesOnlyItsOwnObservations();
    void transitionsRoundTrip();
    void alertsRoundTrip();
    void auditRoundTrip();
    void acknowledgementsAndSilencesSurviveARestart();
    void migratesASchema5FileToSchema6();
    void restartRestoresTheSameHistory();
    void restoreStartsWithTheStateInForce();
    void migratesFromVersion1();
    void migratesAShippedVersion3File();
    void migratesASchema4FileKeepingItsHistory();
    void legacyHistoryIsAdoptedByTheFirstInstance();
    void restoreAdoptsLegacyHistoryAndFillsTheRowItIsGiven();
    void adoptionMergesWhatWasBufferedBeforeOpen();
    void refusesANewerSchema();
    void damagedFileIsReportedNotUsed();
    void notADatabase();
    void unwritableDirectoryDegradesThenRecovers();
    void readOnlyDirectory();
    void fullDiskDegradesThenRecovers();
    void damagedWalIsReportedAndSurvived();
    void bufferIsBoundedAndDropsTheOldest();
    void compactionSummarisesAndExpires();
    void dataDirectory();

private:
    bw::StoreOptions options(const QString &dir = {}) const
    {
        bw::StoreOptions o;
        o.dataDir = dir.isEmpty() ? m_dir->path() : dir;
        o.integrityCheck = bw::IntegrityCheck::Full;
        return o;
    }
    QString file() const { return m_dir->filePath(HistoryStore::fileName()); }

    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestHistoryStore::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestHistoryStore::cleanup()
{
    m_dir.reset();
}

void TestHistoryStore::createsTheFileInWalMode()
{
    {
        HistoryStore store(options());
        QVERIFY(store.open(kT0).ok());
        QVERIFY(store.isOpen());
        QVERIFY(store.health().ok());
        QCOMPARE(store.filePath(), file());
    }
    QCOMPARE(sqlValue(file(), u"PRAGMA journal_mode"_s).toString(), u"wal"_s);
    QCOMPARE(sqlValue(file(), u"SELECT max(version) FROM schema_version"_s).toInt(), bw::StoreSchema::currentVersion());
    QCOMPARE(sqlValue(file(), u"SELECT value FROM meta WHERE key = 'clean_shutdown'"_s).toInt(), 1);
}

void TestHistoryStore::newFileIsCreatedAtTheCurrentSchemaInOneStep()
{
    QCOMPARE(bw::StoreSchema::creation().version, bw::StoreSchema::currentVersion());
    {
        LogCapture log;
        HistoryStore store(options());
        QVERIFY(store.open(kT0).ok());
        QCOMPARE(log.messages().filter(u"upgrad"_s), QStringList());
    }
    QCOMPARE(sqlValue(file(), u"SELECT group_concat(version) FROM schema_version"_s).toString(),
             QString::number(bw::StoreSchema::currentVersion()));
    QCOMPARE(sqlValue(file(), u"SELECT count(*) FROM reasons WHERE id = 0 AND text = ''"_s).toInt(), 1);

    // An empty version-1 file still goes through every migration, and ends with the same schema.
    const QString old = m_dir->filePath(u"old"_s);
    QVERIFY(QDir().mkpath(old));
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"v1"_s);
        db.setDatabaseName(old + u'/' + HistoryStore::fileName());
        QVERIFY(db.open());
        QSqlQuery q(db);
        for (const QString &statement : bw::StoreSchema::migrations().front().statements)
            QVERIFY2(q.exec(statement), qPrintable(q.lastError().text()));
        QVERIFY(q.exec(u"INSERT INTO schema_version VALUES (1, 1, 'v1')"_s));
        db.close();
    }
    QSqlDatabase::removeDatabase(u"v1"_s);
    {
        LogCapture log;
        HistoryStore store(options(old));
        QVERIFY(store.open(kT0).ok());
        QCOMPARE(log.messages().filter(u"upgraded to schema version"_s).size(), bw::StoreSchema::currentVersion() - 1);
    }
    const QStringList fresh = schemaOf(file());
    QVERIFY(fresh.size() > 30);
    QCOMPARE(fresh.filter(u"error:"_s), QStringList());
    QCOMPARE(fresh, schemaOf(old + u'/' + HistoryStore::fileName()));
}

void TestHistoryStore::observationsRoundTrip()
{
    HistoryStore store(options());
    QVERIFY(store.open(kT0).ok());
    std::vector<Observation> a;
    std::vector<Observation> b;
    for (std::int64_t t = kT0; t < kT0 + 25 * kMinute; t += kSecond) {
        a.push_back(poll(t + 3, float(t % 7), 12.34f + float(t % 1000) / 100, 40));
        if (t % (5 * kSecond) == 0)
            b.push_back(poll(t, Observation::kNone, 800, Observation::kNone, BreakerState::Open));
    }
    b.back().observedState = BreakerState::HalfOpen;
    for (const Observation &o : a)
        store.appendObservation(u"alpha"_s, o);
    for (const Observation &o : b)
        store.appendObservation(u"beta"_s, o);

    QString why;
    // Before anything is written: read from memory.
    auto read = store.observations(u"alpha"_s, kT0, kT0 + kHour);
    QVERIFY(read.ok());
    QVERIFY2(sameObservations(*read, quantisedSorted(a), why), qPrintable(why));
    QCOMPARE(store.health().bufferedObservations, a.size() + b.size());

    // Two blocks sealed, the third written as a chunk.
    QVERIFY(store.flush(kT0 + 25 * kMinute).ok());
    QCOMPARE(store.health().bufferedObservations, 0u);
    for (const QString &service : {u"alpha"_s, u"beta"_s}) {
        read = store.observations(service, kT0, kT0 + kHour);
        QVERIFY(read.ok());
        QVERIFY2(sameObservations(*read, quantisedSorted(service == u"alpha"_s ? a : b), why), qPrintable(why));
    }
    // A sub-range, across a block boundary.
    read = store.observations(u"alpha"_s, kT0 + 9 * kMinute, kT0 + 11 * kMinute);
    QVERIFY(read.ok());
    QCOMPARE(read->size(), 120u);
    QCOMPARE(read->front().t, kT0 + 9 * kMinute + 3);
    QVERIFY(store.observations(u"nobody"_s, kT0, kT0 + kHour)->empty());
    auto names = store.serviceNames();
    QVERIFY(names.ok());
    QCOMPARE(*names, (QStringList{u"alpha"_s, u"beta"_s}));

    const auto report = store.verify();
    QVERIFY(report.ok());
    QVERIFY2(report->ok(), qPrintable(report->firstProblem + report->integrity));
    QCOMPARE(report->blocks, 2 + 2 + 2); // two sealed blocks and one chunk per service
}

void TestHistoryStore::unsealedChunksSurviveARestart()
{
    std::vector<Observation> all;
    {
        HistoryStore store(options());
        QVERIFY(store.open(kT0).ok());
        for (std::int64_t t = kT0; t < kT0 + 3 * kMinute; t += kSecond) {
            all.push_back(poll(t, 1, 20, 30));
            store.appendObservation(u"alpha"_s, all.back());
            if (t % (10 * kSecond) == 0)
                QVERIFY(store.flush(t).ok()); // one chunk every 10 s
        }
        // The last few seconds are only in memory: close() writes them.
    }
    QVERIFY(sqlValue(file(), u"SELECT count(*) FROM obs_recent"_s).toInt() > 10);
    HistoryStore store(options());
    QVERIFY(store.open(kT0 + 4 * kMinute).ok());
    for (std::int64_t t = kT0 + 3 * kMinute; t < kT0 + 12 * kMinute; t += kSecond) {
        all.push_back(poll(t, 2, 25, 35));
        store.appendObservation(u"alpha"_s, all.back());
    }
    QVERIFY(store.flush(kT0 + 12 * kMinute).ok()); // seals the first block: chunks folded in, deleted
    QCOMPARE(sqlValue(file(), u"SELECT count(*) FROM obs_block"_s).toInt(), 1);
    QCOMPARE(sqlValue(file(), u"SELECT count FROM obs_block"_s).toInt(), 600);
    auto read = store.observations(u"alpha"_s, kT0, kT0 + kHour);
    QVERIFY(read.ok());
    QString why;
    QVERIFY2(sameObservations(*read, quantisedSorted(all), why), qPrintable(why));
}

void TestHistoryStore::lateObservationsJoinTheirSealedBlock()
{
    HistoryStore store(options());
    QVERIFY(store.open(kT0).ok());
    std::vector<Observation> all;
    for (std::int64_t t = kT0; t < kT0 + 10 * kMinute; t += 2 * kSecond) {
        all.push_back(poll(t, 0, 10, 10));
        store.appendObservation(u"alpha"_s, all.back());
    }
    QVERIFY(store.flush(kT0 + 11 * kMinute).ok());
    all.push_back(poll(kT0 + 5 * kMinute + 1, 50, 99, 99)); // arrives after its block was sealed
    store.appendObservation(u"alpha"_s, all.back());
    QVERIFY(store.flush(kT0 + 11 * kMinute + kSecond).ok());
    QCOMPARE(sqlValue(file(), u"SELECT count FROM obs_block"_s).toInt(), 301);
    QString why;
    QVERIFY2(sameObservations(*store.observations(u"alpha"_s, kT0, kT0 + kHour), quantisedSorted(all), why),
             qPrintable(why));
}

// Staged observations are not kept in memory: sealing reads them back from obs_recent, in batches when there are
// many (500 services × 600 polls is more than one batch).
void TestHistoryStore::manyServicesAreSealedFromTheirStagedChunks()
{
    constexpr int kServices = 500;
    auto name = [](int i) { return u"svc-%1"_s.arg(i); };
    auto pollOf = [](int i, std::int64_t t) {
        return poll(t, static_cast<float>(i % 100), static_cast<float>(10 + (t / kSecond) % 7), 40,
                    (t / kSecond) % 90 < 5 ? BreakerState::Open : BreakerState::Closed);
    };
    HistoryStore store(options());
    QVERIFY(store.open(kT0).ok());
    for (std::int64_t t = kT0; t < kT0 + 10 * kMinute; t += kSecond) {
        for (int i = 0; i < kServices; ++i)
            store.appendObservation(name(i), pollOf(i, t));
        if ((t - kT0) % (2 * kSecond) == kSecond) {
            QVERIFY(store.flush(t).ok());
            QCOMPARE(store.health().bufferedObservations, std::size_t{0});
        }
    }
    QCOMPARE(sqlValue(file(), u"SELECT count(*) FROM obs_block"_s).toInt(), 0);
    QVERIFY(sqlValue(file(), u"SELECT count(*) FROM obs_recent"_s).toInt() >= 299);
    // Read several at once (one pass over the staging rows), as one at a time; an unknown breaker has none.
    const std::vector<bw::BreakerId> some{bw::BreakerId::parse(name(3)), bw::BreakerId::parse(u"nobody"_s),
                                          bw::BreakerId::parse(name(420))};
    auto batch = store.observations(some, kT0, kT0 + kHour);
    QVERIFY(batch.ok());
    QCOMPARE(batch->size(), std::size_t{3});
    QVERIFY((*batch)[1].empty());
    for (std::size_t i : {std::size_t{0}, std::size_t{2}}) {
        auto one = store.observations(some[i], kT0, kT0 + kHour);
        QVERIFY(one.ok());
        QCOMPARE(one->size(), std::size_t{600});
        QString why;
        QVERIFY2(sameObservations((*batch)[i], *one, why), qPrintable(why));
    }

    QVERIFY(store.flush(kT0 + 11 * kMinute).ok());
    QCOMPARE(sqlValue(file(), u"SELECT count(*) FROM obs_block"_s).toInt(), kServices);
    QCOMPARE(sqlValue(file(), u"SELECT sum(count) FROM obs_block"_s).toInt(), kServices * 600);
    QCOMPARE(sqlValue(file(), u"SELECT count(*) FROM obs_recent"_s).toInt(), 0);
    for (int i : {0, 1, 249, 250, kServices - 1}) {
        std::vector<Observation> expected;
        for (std::int64_t t = kT0; t < kT0 + 10 * kMinute; t += kSecond)
            expected.push_back(pollOf(i, t));
        auto read = store.observations(name(i), kT0, kT0 + kHour);
        QVERIFY(read.ok());
        QString why;
        QVERIFY2(sameObservations(*read, quantisedSorted(expected), why), qPrintable(name(i) + u": "_s + why));
    }
    QVERIFY(store.health().ok());
}

// Sealing decodes the staged rows from disk. A row damaged there costs the observations it held, with a warning;
// the block is sealed with everything else, and reads of the unsealed block skip the same row.
void TestHistoryStore::aDamagedStagingRowLosesOnlyItsOwnObservations()
{
    HistoryStore store(options());
    QVERIFY(store.open(kT0).ok());
    std::vector<Observation> alpha;
    std::vector<Observation> beta;
    for (std::int64_t t = kT0; t < kT0 + kMinute; t += kSecond) {
        alpha.push_back(poll(t, 1, 20, 30));
        beta.push_back(poll(t, 2, 25, 35));
        store.appendObservation(u"alpha"_s, alpha.back());
        store.appendObservation(u"beta"_s, beta.back());
        if ((t - kT0) % (10 * kSecond) == 9 * kSecond)
            QVERIFY(store.flush(t).ok()); // rows of 10 s: [0, 10) s, [10, 20) s, ...
    }
    QCOMPARE(sqlValue(file(), u"SELECT count(*) FROM obs_recent"_s).toInt(), 6);
    sqlValue(file(), u"UPDATE obs_recent SET data = X'FF00FF' WHERE seq = (SELECT min(seq) FROM obs_recent)"_s);
    QCOMPARE(sqlValue(file(), u"SELECT length(data) FROM obs_recent ORDER BY seq LIMIT 1"_s).toInt(), 3);
    auto withoutFirstRow = [](std::vector<Observation> all) {
        std::erase_if(all, [](const Observation &o) { return o.t < kT0 + 10 * kSecond; });
        return quantisedSorted(all);
    };
    QString why;
    {
        LogCapture log;
        auto unsealed = store.observations(u"alpha"_s, kT0, kT0 + kHour);
        QVERIFY(unsealed.ok());
        QVERIFY2(sameObservations(*unsealed, withoutFirstRow(alpha), why), qPrintable(why));
        QVERIFY(log.messages().join(u'\n').contains(u"damaged"_s));
    }
    {
        LogCapture log;
        QVERIFY(store.flush(kT0 + 11 * kMinute).ok());
        QVERIFY(log.messages().join(u'\n').contains(u"1 staged observation chunks are damaged"_s));
    }
    QCOMPARE(sqlValue(file(), u"SELECT sum(count) FROM obs_block"_s).toInt(), 2 * 50);
    QVERIFY2(sameObservations(*store.observations(u"alpha"_s, kT0, kT0 + kHour), withoutFirstRow(alpha), why),
             qPrintable(why));
    QVERIFY2(sameObservations(*store.observations(u"beta"_s, kT0, kT0 + kHour), withoutFirstRow(beta), why),
             qPrintable(why));
    QVERIFY(store.health().ok());
}

void TestHistoryStore::transitionsRoundTrip()
{
    bw::Transition open;
    open.t = kT0 + 5 * kSecond;
    open.from = BreakerState::Closed;
    open.to = BreakerState::Open;
    open.reason.kind = bw::TransitionReason::Kind::FailureRate;
    open.reason.value = 62.5;
    open.reason.threshold = 50;
    open.reason.count = 20;
    bw::Transition probe = open;
    probe.t += 10 * kSecond;
    probe.from = BreakerState::Open;
    probe.to = BreakerState::HalfOpen;
    probe.reason = {};
    probe.reason.kind = bw::TransitionReason::Kind::OpenDurationElapsed;
    probe.reason.count = 10'000;
    bw::ObservedTransition real{kT0 + 7 * kSecond, BreakerState::Closed, BreakerState::Open, true};
    {
        HistoryStore store(options());
        QVERIFY(store.open(kT0).ok());
        QVERIFY(store.appendTransition(u"alpha"_s, TrackKind::Simulated, open).ok());
        QVERIFY(store.appendObservedTransition(u"alpha"_s, real).ok());
        QVERIFY(store.appendTransition(u"alpha"_s, TrackKind::Simulated, probe).ok());
        QVERIFY(store.appendTransition(u"beta"_s, TrackKind::Simulated, open).ok()); // same reason text: interned once
    }
    QCOMPARE(sqlValue(file(), u"SELECT count(*) FROM reasons WHERE id > 0"_s).toInt(), 3);
    HistoryStore store(options());
    QVERIFY(store.open(kT0 + kHour).ok());
    auto read = store.transitions(u"alpha"_s, kT0, kT0 + kHour);
    QVERIFY(read.ok());
    QCOMPARE(read->size(), 3u);
    const bw::StoredTransition &first = (*read)[0];
    QCOMPARE(first.service, u"alpha"_s);
    QCOMPARE(first.track, TrackKind::Simulated);
    QCOMPARE(first.t, open.t);
    QCOMPARE(first.from, BreakerState::Closed);
    QCOMPARE(first.to, BreakerState::Open);
    QCOMPARE(first.reason, open.reason.describe());
    QCOMPARE(first.reasonKind, bw::TransitionReason::Kind::FailureRate);
    QCOMPARE((*read)[1].track, TrackKind::Observed);
    QCOMPARE((*read)[1].reason, u"read from the gauge"_s);
    QCOMPARE((*read)[2].reason, probe.reason.describe());
    QCOMPARE(store.transitions(QString(), kT0, kT0 + kHour)->size(), 4u);
    QCOMPARE(store.transitions(u"alpha"_s, kT0 + 6 * kSecond, kT0 + kHour)->size(), 2u);
}

void TestHistoryStore::alertsRoundTrip()
{
    {
        HistoryStore store(options());
        QVERIFY(store.open(kT0).ok());
        QVERIFY(store.recordAlert(alert(u"alpha"_s, kT0 + kMinute)).ok());
        QVERIFY(store.recordAlert(alert(u"beta"_s, kT0 + 2 * kMinute)).ok());
        QVERIFY(store.recordAlert(alert(u"alpha"_s, kT0 + kMinute, kT0 + 9 * kMinute)).ok()); // resolves: same row
    }
    HistoryStore store(options());
    QVERIFY(store.open(kT0).ok());
    auto all = store.alerts(kT0, kT0 + kHour);
    QVERIFY(all.ok());
    QCOMPARE(all->size(), 2u);
    QCOMPARE((*all)[0], alert(u"alpha"_s, kT0 + kMinute, kT0 + 9 * kMinute));
    QCOMPARE((*all)[1], alert(u"beta"_s, kT0 + 2 * kMinute));
    QCOMPARE(store.alerts(kT0 + 10 * kMinute, kT0 + kHour)->size(), 1u); // alpha's episode ended before
}

void TestHistoryStore::auditRoundTrip()
{
    bw::AuditEntry entry{kT0, u"ops"_s, u"alpha"_s, u"real breaker"_s, u"reset"_s, u"pending"_s, QString()};
    {
        HistoryStore store(options());
        QVERIFY(store.open(kT0).ok());
        QVERIFY(store.appendAudit(0, entry).ok());
        QVERIFY(store
                    .appendAudit(1, {kT0 + 1, u"ops"_s, u"beta"_s, u"simulated breaker"_s, u"force open"_s, u"done"_s,
                                     QString()})
                    .ok());
        QVERIFY(store.completeAudit(0, u"done"_s, u"HTTP 200"_s).ok());
        QVERIFY(!store.completeAudit(7, u"done"_s, QString()).ok()); // never appended
    }
    HistoryStore store(options());
    QVERIFY(store.open(kT0).ok());
    auto log = store.auditEntries(kT0, kT0 + kHour);
    QVERIFY(log.ok());
    QCOMPARE(log->size(), 2u);
    QCOMPARE((*log)[0].service, u"alpha"_s);
    QCOMPARE((*log)[0].outcome, u"done"_s);
    QCOMPARE((*log)[0].detail, u"HTTP 200"_s);
    QCOMPARE((*log)[0].action, u"reset"_s);
    QCOMPARE((*log)[1].action, u"force open"_s);
    QVERIFY((*log)[1].id > (*log)[0].id);
}

void TestHistoryStore::acknowledgementsAndSilencesSurviveARestart()
{
    bw::Acknowledgement ack;
    ack.id = u"ack-1-1"_s;
    ack.alert = {u"checkout/paymentGateway@10.0.0.7:8080"_s, bw::AlertSource::Real, bw::AlertKind::OpenVeryLong};
    ack.firedAtMs = kT0 + kMinute;
    ack.atMs = kT0 + 2 * kMinute;
    ack.who = u"alice"_s;
    ack.comment = u"on it"_s;
    bw::Acknowledgement ended = ack;
    ended.id = u"ack-1-2"_s;
    ended.alert.breaker = u"search@10.0.0.9:80"_s;
    bw::Silence silence;
    silence.id = u"local-1-3"_s;
    silence.matchers = {{u"service"_s, u"checkout"_s}, {u"breaker"_s, u"pay.*"_s, true}};
    silence.startsAtMs = kT0;
    silence.endsAtMs = kT0 + 2 * kHour;
    silence.createdBy = u"alice"_s;
    silence.comment = u"maintenance"_s;
    bw::Silence expired = silence;
    expired.id = u"local-1-4"_s;
    {
        HistoryStore store(options());
        QVERIFY(store.open(kT0).ok());
        QVERIFY(store.recordAcknowledgement(ack).ok());
        QVERIFY(store.recordAcknowledgement(ended).ok());
        ended.endedAtMs = kT0 + 5 * kMinute; // its episode resolved: the same row
        QVERIFY(store.recordAcknowledgement(ended).ok());
        QVERIFY(store.recordSilence(silence).ok());
        QVERIFY(store.recordSilence(expired).ok());
        expired.expiredAtMs = kT0 + kMinute;
        QVERIFY(store.recordSilence(expired).ok());
        bw::Silence remote = silence;
        remote.origin = bw::SilenceOrigin::Alertmanager;
        QVERIFY(!store.recordSilence(remote).ok()); // Alertmanager keeps its own
    }
    QCOMPARE(sqlValue(file(), u"SELECT count(*) FROM acknowledgements"_s).toInt(), 2);
    QCOMPARE(sqlValue(file(), u"SELECT count(*) FROM silences"_s).toInt(), 2);
    HistoryStore store(options());
    QVERIFY(store.open(kT0 + kHour).ok());
    const auto acks = store.acknowledgements(kT0);
    QVERIFY(acks.ok());
    QCOMPARE(acks->size(), 2u);
    QCOMPARE((*acks)[0], ack);
    QCOMPARE((*acks)[1], ended);
    QCOMPARE(store.acknowledgements(kT0 + 3 * kMinute)->size(), 0u);
    // Only what still holds: not expired by hand, ending later.
    const auto silences = store.silences(kT0 + kHour);
    QVERIFY(silences.ok());
    QCOMPARE(silences->size(), 1u);
    QCOMPARE((*silences)[0], silence);
    QCOMPARE(store.silences(kT0 + 3 * kHour)->size(), 0u);
}

void TestHistoryStore::migratesASchema5FileToSchema6()
{
    // A file as the last release left it (version 5) with an alert and an audit entry; version 6 adds the tables
    // of acknowledgements and silences, and everything else stays.
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"v5"_s);
        db.setDatabaseName(file());
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec(u"PRAGMA journal_mode=WAL"_s));
        for (const bw::StoreSchema::Migration &m : bw::StoreSchema::migrations()) {
            if (m.version > 5)
                break;
            for (const QString &statement : m.statements)
                QVERIFY2(q.exec(statement), qPrintable(q.lastError().text()));
            if (m.code)
                QVERIFY(m.code(db).ok());
            QVERIFY(q.exec(u"INSERT INTO schema_version VALUES (%1, 1, 'shipped')"_s.arg(m.version)));
        }
        QVERIFY(q.exec(u"INSERT INTO services(id, name, service, instance, breaker) VALUES "
                       u"(1, 'alpha@h:1', 'alpha', 'h:1', '')"_s));
        QVERIFY(q.exec(u"INSERT INTO alerts(service, source, kind, fired_at, since, resolved_at, summary) VALUES "
                       u"(1, 0, 0, %1, %1, NULL, 'alpha open')"_s.arg(kT0)));
        QVERIFY(q.exec(u"INSERT INTO audit(at, who, service, target, action, outcome, detail) VALUES "
                       u"(%1, 'ops', 'alpha', 'real breaker', 'reset', 'done', 'HTTP 200')"_s.arg(kT0)));
        db.close();
    }
    QSqlDatabase::removeDatabase(u"v5"_s);
    {
        LogCapture log;
        HistoryStore store(options());
        const bw::Status opened = store.open(kT0 + kHour);
        QVERIFY2(opened.ok(), qPrintable(opened.ok() ? QString() : opened.error()));
        QCOMPARE(log.messages().filter(u"upgraded to schema version"_s).size(), 1);
        QCOMPARE(store.alerts(kT0, kT0 + kHour)->size(), 1u);
        QCOMPARE(store.auditEntries(kT0, kT0 + 1)->front().detail, u"HTTP 200"_s);
        QCOMPARE(store.acknowledgements(0)->size(), 0u);
        bw::Silence s{u"local-9"_s, bw::SilenceOrigin::Local, {},       {{u"service"_s, u"alpha"_s}},
                      kT0,          kT0 + 2 * kHour,          u"ops"_s, u"after the upgrade"_s,
                      std::nullopt};
        QVERIFY(store.recordSilence(s).ok());
        QCOMPARE(store.silences(kT0 + kHour)->size(), 1u);
    }
    QCOMPARE(sqlValue(file(), u"SELECT group_concat(version) FROM schema_version"_s).toString(), u"1,2,3,4,5,6"_s);
    QCOMPARE(sqlValue(file(), u"SELECT comment FROM silences"_s).toString(), u"after the upgrade"_s);
}

void TestHistoryStore::restartRestoresTheSameHistory()
{
    // Two hours of a small fleet, recorded live into a display store and into the history store; after a restart
    // the restored display store must show the same runs and (up to float rounding) the same buckets.
    bwtest::FleetScript::Options fleetOptions;
    fleetOptions.services = 5;
    fleetOptions.seed = 3;
    fleetOptions.startMs = kT0;
    fleetOptions.flappingShare = 0.5;
    bwtest::FleetScript fleet(fleetOptions);
    const QStringList names = fleet.names();
    const std::int64_t end = kT0 + kHour + 37 * kMinute;
    // Short fine levels, so that all three ways of restoring a series are used: raw samples (the last 5 min),
    // 10 s roll-ups (the hour before), 1 min roll-ups (the rest).
    bw::HistoryRetention retention;
    retention.buckets = {300, 360, 1'500, 1'008};
    bw::FleetHistory live(static_cast<int>(names.size()), retention);
    {
        HistoryStore store(options());
        QVERIFY(store.open(kT0).ok());
        bwtest::FleetScript::Polls polls;
        bwtest::FleetScript::Transitions transitions;
        for (std::int64_t t = kT0; t < end; t += kSecond) {
            polls.clear();
            transitions.clear();
            fleet.tick(t, polls, transitions);
            std::vector<bw::StoredTransition> batch; // one durable transaction per tick, as a monitor would
            for (const auto &[i, tr] : transitions) {
                batch.push_back(tr);
                live.appendState(i, tr.track, tr.t, tr.to, tr.reason);
            }
            QVERIFY(store.appendTransitions(batch).ok());
            for (const auto &[i, o] : polls) {
                store.appendObservation(names[i], o);
                const Observation q = bw::ObservationCodec::quantised(o);
                for (const SeriesKind kind : {SeriesKind::ErrorRate, SeriesKind::Latency, SeriesKind::LatencyP95})
                    if (q.has(kind))
                        live.appendSample(i, kind, q.t, q.value(kind));
                live.appendState(i, TrackKind::Simulated, q.t, q.state);
                if (q.observedState)
                    live.appendState(i, TrackKind::Observed, q.t, *q.observedState);
            }
            if (t % (2 * kSecond) == 0)
                QVERIFY(store.flush(t).ok());
        }
    }
    HistoryStore store(options());
    QVERIFY(store.open(end).ok());
    bw::FleetHistory restored(0, retention);
    auto report = store.restore(restored, names, kT0, end);
    QVERIFY2(report.ok(), qPrintable(report.ok() ? QString() : report.error()));
    QCOMPARE(restored.serviceCount(), int(names.size()));
    QCOMPARE(report->services, int(names.size()));
    QCOMPARE(report->observations, std::int64_t(names.size()) * (end - kT0) / kSecond);

    for (int i = 0; i < int(names.size()); ++i) {
        for (const TrackKind track : {TrackKind::Simulated, TrackKind::Observed}) {
            const auto a = live.runs(i, track, kT0, end, 1);
            const auto b = restored.runs(i, track, kT0, end, 1);
            QCOMPARE(b.size(), a.size());
            for (std::size_t r = 0; r < a.size(); ++r) {
                QCOMPARE(b[r].start, a[r].start);
                QCOMPARE(b[r].end, a[r].end);
                QCOMPARE(b[r].state, a[r].state);
                QCOMPARE(restored.service(i).reasonText(b[r].reason), live.service(i).reasonText(a[r].reason));
            }
        }
        // Each level of the display store: the last 5 min at 1 s, the last hour at 10 s, all at 1 min and 10 min.
        const std::vector<std::tuple<std::int64_t, std::int64_t, int>> views = {
            {end - 5 * kMinute, end, 300}, {end - kHour, end, 360}, {kT0, end, 97}, {kT0, end, 10}};
        for (const SeriesKind kind : {SeriesKind::ErrorRate, SeriesKind::Latency, SeriesKind::LatencyP95}) {
            for (const auto &[from, to, points] : views) {
                const auto a = live.buckets(i, kind, from, to, points);
                const auto b = restored.buckets(i, kind, from, to, points);
                QCOMPARE(b.size(), a.size());
                for (std::size_t p = 0; p < a.size(); ++p) {
                    QCOMPARE(b[p].t, a[p].t);
                    QCOMPARE(b[p].count, a[p].count);
                    for (auto field : {&bw::SeriesPoint::first, &bw::SeriesPoint::last, &bw::SeriesPoint::min,
                                       &bw::SeriesPoint::max, &bw::SeriesPoint::mean})
                        QVERIFY2(std::abs(b[p].*field - a[p].*field) <= std::abs(a[p].*field) * 2e-3 + 1e-3,
                                 qPrintable(u"service %1 series %2 point %3: %4 vs %5"_s.arg(i)
                                                .arg(int(kind))
                                                .arg(p)
                                                .arg(b[p].*field)
                                                .arg(a[p].*field)));
                }
            }
        }
    }
}

void TestHistoryStore::restoreStartsWithTheStateInForce()
{
    HistoryStore store(options());
    QVERIFY(store.open(kT0).ok());
    bw::StoredTransition opened{u"alpha"_s,
                                TrackKind::Simulated,
                                kT0,
                                BreakerState::Closed,
                                BreakerState::Open,
                                u"three failures"_s,
                                bw::TransitionReason::Kind::ConsecutiveFailures};
    QVERIFY(store.appendTransitions({opened}).ok());
    for (std::int64_t t = kT0 + 2 * kHour; t < kT0 + 3 * kHour; t += 10 * kSecond)
        store.appendObservation(u"alpha"_s, poll(t, 100, 5, 5, BreakerState::Open));
    QVERIFY(store.flush(kT0 + 3 * kHour).ok());
    bw::FleetHistory restored;
    QVERIFY(store.restore(restored, {u"ghost"_s, u"alpha"_s}, kT0 + kHour, kT0 + 3 * kHour).ok());
    QCOMPARE(restored.serviceCount(), 2);
    QVERIFY(restored.service(0).track(TrackKind::Simulated).empty());
    const auto runs = restored.runs(1, TrackKind::Simulated, kT0, kT0 + 3 * kHour, 1);
    QCOMPARE(runs.size(), 1u);
    QCOMPARE(runs[0].start, kT0 + kHour); // clipped to the range, state and reason from before it
    QCOMPARE(runs[0].end, kT0 + 3 * kHour - 10 * kSecond);
    QCOMPARE(runs[0].state, BreakerState::Open);
    QCOMPARE(restored.service(1).reasonText(runs[0].reason), u"three failures"_s);
}

void TestHistoryStore::migratesFromVersion1()
{
    // A version-1 file made by hand, as the first layout wrote it: reasons inline, no alerts, no summaries.
    std::vector<Observation> obs;
    for (int i = 0; i < 30; ++i)
        obs.push_back(poll(kT0 + i * 20 * kSecond, 5, 10, 20));
    // Two flushes' chunks of the next block, not sealed yet, in the staging area's first layout.
    const std::int64_t next = kT0 + 10 * kMinute;
    std::vector<Observation> staged1;
    std::vector<Observation> staged2;
    for (int i = 0; i < 10; ++i)
        (i < 6 ? staged1 : staged2).push_back(poll(next + i * kSecond, 7, 11, 21));
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"v1"_s);
        db.setDatabaseName(file());
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec(u"PRAGMA journal_mode=WAL"_s));
        for (const QString &statement : bw::StoreSchema::migrations().front().statements)
            QVERIFY2(q.exec(statement), qPrintable(q.lastError().text()));
        QVERIFY(q.exec(u"INSERT INTO schema_version VALUES (1, 1, 'v1')"_s));
        QVERIFY(q.exec(u"INSERT INTO services(id, name) VALUES (1, 'alpha'), (2, 'beta')"_s));
        QVERIFY(q.exec(u"INSERT INTO transitions(service, track, t, from_state, to_state, reason) VALUES "
                       u"(1, 0, %1, 0, 1, 'failure rate 60% >= 50% over the last 20 calls'), "
                       u"(2, 0, %2, 0, 1, 'failure rate 60% >= 50% over the last 20 calls'), "
                       u"(1, 1, %3, 1, 0, '')"_s.arg(kT0 + 1000)
                           .arg(kT0 + 2000)
                           .arg(kT0 + 3000)));
        QVERIFY(q.exec(u"INSERT INTO audit(at, who, service, target, action, outcome, detail) VALUES "
                       u"(%1, 'ops', 'alpha', 'real breaker', 'reset', 'done', 'HTTP 200')"_s.arg(kT0)));
        q.prepare(u"INSERT INTO obs_block(id, service, start, count, data) VALUES (?, 1, ?, ?, ?)"_s);
        q.addBindValue(qint64(kT0 / 600'000 * (1 << 20) + 1));
        q.addBindValue(qint64(kT0));
        q.addBindValue(int(obs.size()));
        q.addBindValue(bw::ObservationCodec::encode(obs, kT0));
        QVERIFY(q.exec());
        q.prepare(u"INSERT INTO obs_recent(block_start, service, seq, data) VALUES (?, 1, ?, ?)"_s);
        for (int seq = 0; seq < 2; ++seq) {
            q.addBindValue(qint64(next));
            q.addBindValue(seq);
            q.addBindValue(bw::ObservationCodec::encode(seq == 0 ? staged1 : staged2, next));
            QVERIFY(q.exec());
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(u"v1"_s);

    HistoryStore store(options());
    const bw::Status opened = store.open(kT0 + kHour);
    QVERIFY2(opened.ok(), qPrintable(opened.ok() ? QString() : opened.error()));
    auto transitions = store.transitions(QString(), kT0, kT0 + kHour);
    QVERIFY(transitions.ok());
    QCOMPARE(transitions->size(), 3u);
    QCOMPARE((*transitions)[0].reason, u"failure rate 60% >= 50% over the last 20 calls"_s);
    QCOMPARE((*transitions)[1].service, u"beta"_s);
    QCOMPARE((*transitions)[2].track, TrackKind::Observed);
    QCOMPARE((*transitions)[2].reason, QString());
    QCOMPARE(store.auditEntries(kT0, kT0 + 1)->front().detail, u"HTTP 200"_s);
    QString why;
    std::vector<Observation> all = obs;
    all.insert(all.end(), staged1.begin(), staged1.end());
    all.insert(all.end(), staged2.begin(), staged2.end());
    QVERIFY2(sameObservations(*store.observations(u"alpha"_s, kT0, kT0 + kHour), quantisedSorted(all), why),
             qPrintable(why));
    QVERIFY(store.flush(kT0 + kHour).ok()); // seals the staged block: once, from the converted rows
    QCOMPARE(sqlValue(file(), u"SELECT count(*) FROM obs_recent"_s).toInt(), 0);
    QVERIFY2(sameObservations(*store.observations(u"alpha"_s, kT0, kT0 + kHour), quantisedSorted(all), why),
             qPrintable(why));
    QVERIFY(store.recordAlert(alert(u"alpha"_s, kT0)).ok()); // a table of version 2
    QVERIFY(store.compact(kT0 + 2 * kHour).ok());            // and of version 3
    QCOMPARE(store.summaryPoints(u"alpha"_s, SeriesKind::Latency, kT0, kT0 + kHour)->size(), 2u);
    store.close();
    QCOMPARE(sqlValue(file(), u"SELECT group_concat(version) FROM schema_version"_s).toString(), u"1,2,3,4,5,6"_s);
    QCOMPARE(sqlValue(file(), u"SELECT count(*) FROM reasons WHERE id > 0"_s).toInt(), 1);
}

void TestHistoryStore::migratesAShippedVersion3File()
{
    // A file as the first shipped store left it after a crash: version 3, chunks staged one row per service.
    const std::int64_t next = kT0 + 10 * kMinute;
    std::vector<Observation> staged;
    for (int i = 0; i < 20; ++i)
        staged.push_back(poll(next + i * kSecond, 1, 2, 3));
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"v3"_s);
        db.setDatabaseName(file());
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec(u"PRAGMA journal_mode=WAL"_s));
        for (const bw::StoreSchema::Migration &m : bw::StoreSchema::migrations()) {
            if (m.version > 3)
                break;
            for (const QString &statement : m.statements)
                QVERIFY2(q.exec(statement), qPrintable(q.lastError().text()));
            QVERIFY(q.exec(u"INSERT INTO schema_version VALUES (%1, 1, 'shipped')"_s.arg(m.version)));
        }
        QVERIFY(q.exec(u"INSERT INTO services(id, name) VALUES (1, 'alpha'), (2, 'beta')"_s));
        q.prepare(u"INSERT INTO obs_recent(block_start, service, seq, data) VALUES (?, ?, ?, ?)"_s);
        for (int service = 1; service <= 2; ++service) {
            for (int seq = 0; seq < 4; ++seq) {
                q.addBindValue(qint64(next));
                q.addBindValue(service);
                q.addBindValue(seq);
                q.addBindValue(
                    bw::ObservationCodec::encode({staged.begin() + seq * 5, staged.begin() + seq * 5 + 5}, next));
                QVERIFY(q.exec());
            }
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(u"v3"_s);
    HistoryStore store(options());
    QVERIFY(store.open(kT0 + kHour).ok());
    QCOMPARE(sqlValue(file(), u"SELECT count(*) FROM obs_recent"_s).toInt(), 8);
    QString why;
    for (const QString &service : {u"alpha"_s, u"beta"_s})
        QVERIFY2(sameObservations(*store.observations(service, kT0, kT0 + kHour), quantisedSorted(staged), why),
                 qPrintable(why));
    QVERIFY(store.flush(kT0 + kHour).ok());
    QCOMPARE(sqlValue(file(), u"SELECT count(*) FROM obs_block"_s).toInt(), 2);
    QCOMPARE(sqlValue(file(), u"SELECT count(*) FROM obs_recent"_s).toInt(), 0);
    QCOMPARE(store.observations(u"beta"_s, kT0, kT0 + kHour)->size(), staged.size());
}

void TestHistoryStore::migratesASchema4FileKeepingItsHistory()
{
    Version4File v4;
    QVERIFY(writeVersion4File(file(), v4));
    HistoryStore store(options());
    const bw::Status opened = store.open(kT0 + kHour);
    QVERIFY2(opened.ok(), qPrintable(opened.ok() ? QString() : opened.error()));
    QCOMPARE(sqlValue(file(), u"SELECT group_concat(version) FROM schema_version"_s).toString(), u"4,5,6"_s);
    // Each row names its breaker; the plain name is a legacy row (service only). Nothing was copied.
    QCOMPARE(sqlValue(file(), u"SELECT group_concat(id || ':' || service || '|' || instance || '|' || breaker, ' ') "
                              u"FROM (SELECT * FROM services ORDER BY id)"_s)
                 .toString(),
             u"1:payments|| 2:checkout|10.0.0.1:80| 3:checkout|10.0.0.1:80|pay"_s);
    const bw::BreakerId payments{u"payments"_s, u""_s, u""_s};
    const bw::BreakerId checkout{u"checkout"_s, u"10.0.0.1:80"_s, u""_s};
    const bw::BreakerId pay{u"checkout"_s, u"10.0.0.1:80"_s, u"pay"_s};
    QCOMPARE(*store.breakers(), (std::vector<bw::BreakerId>{checkout, pay, payments}));

    // Every observation, transition, alert, summary and audit entry is read back by its key.
    QString why;
    std::vector<Observation> all = v4.sealed;
    all.insert(all.end(), v4.staged.begin(), v4.staged.end());
    QVERIFY2(sameObservations(*store.observations(payments, kT0, kT0 + kHour), quantisedSorted(all), why),
             qPrintable(why));
    QVERIFY2(sameObservations(*store.observations(checkout, kT0, kT0 + kHour), quantisedSorted(v4.checkout), why),
             qPrintable(why));
    auto transitions = store.transitions(payments, kT0, kT0 + kHour);
    QCOMPARE(transitions->size(), 2u);
    QCOMPARE(transitions->front().service, u"payments"_s);
    QCOMPARE(transitions->front().reason, u"failure rate 60% >= 50% over the last 20 calls"_s);
    QCOMPARE(transitions->back().to, BreakerState::HalfOpen);
    QCOMPARE(store.transitions(checkout, kT0, kT0 + kHour)->size(), 1u);
    QCOMPARE(store.transitions(pay, kT0, kT0 + kHour)->front().track, TrackKind::Observed);
    QCOMPARE(store.transitions(QString(), kT0, kT0 + kHour)->size(), 4u);
    const auto alerts = store.alerts(kT0, kT0 + kHour);
    QCOMPARE(alerts->size(), 2u);
    QCOMPARE((*alerts)[0].service, u"payments"_s);
    QCOMPARE((*alerts)[1].service, pay.key());
    QCOMPARE(store.summaryPoints(payments, SeriesKind::Latency, kT0, kT0 + kHour)->size(), 1u);
    QCOMPARE(store.auditEntries(kT0, kT0 + 1)->front().service, u"payments"_s);
    QVERIFY(store.verify().ok() && store.verify()->ok());

    // The migrated file has the schema a new file gets.
    store.close();
    QTemporaryDir fresh;
    {
        HistoryStore created(options(fresh.path()));
        QVERIFY(created.open(kT0).ok());
    }
    QCOMPARE(schemaOf(file()), schemaOf(fresh.filePath(HistoryStore::fileName())));
}

void TestHistoryStore::legacyHistoryIsAdoptedByTheFirstInstance()
{
    Version4File v4;
    QVERIFY(writeVersion4File(file(), v4));
    const bw::BreakerId first{u"payments"_s, u"10.0.0.5:8080"_s, {}};
    const bw::BreakerId second{u"payments"_s, u"10.0.0.6:8080"_s, {}};
    const bw::BreakerId named{u"payments"_s, u"10.0.0.5:8080"_s, u"ledger"_s};
    std::vector<Observation> all = v4.sealed;
    all.insert(all.end(), v4.staged.begin(), v4.staged.end());
    {
        HistoryStore store(options());
        QVERIFY(store.open(kT0 + kHour).ok());
        // A named breaker of the service is not its health breaker: it starts a row of its own.
        QVERIFY(store
                    .appendTransition(named, TrackKind::Simulated,
                                      {kT0 + 70'000, BreakerState::Closed, BreakerState::Open, {}})
                    .ok());
        QCOMPARE(store.transitions(named, kT0, kT0 + kHour)->size(), 1u);
        QCOMPARE(store.transitions(u"payments"_s, kT0, kT0 + kHour)->size(), 2u); // still the legacy row's

        // The first health breaker of "payments" takes the legacy row over, staged chunk and all.
        const Observation live = poll(kT0 + 30 * kMinute, 2, 3, 4);
        store.appendObservation(first, live);
        QString why;
        std::vector<Observation> withLive = all;
        withLive.push_back(live);
        QVERIFY2(sameObservations(*store.observations(first, kT0, kT0 + kHour), quantisedSorted(withLive), why),
                 qPrintable(why));
        QVERIFY(store.observations(u"payments"_s, kT0, kT0 + kHour)->empty());
        QCOMPARE(store.transitions(first, kT0, kT0 + kHour)->size(), 2u);
        QCOMPARE(store.alerts(kT0, kT0 + kHour)->front().service, first.key());
        QCOMPARE(store.summaryPoints(first, SeriesKind::Latency, kT0, kT0 + kHour)->size(), 1u);
        // A second instance starts empty: one row cannot be both instances' history.
        QVERIFY(store
                    .appendTransition(second, TrackKind::Simulated,
                                      {kT0 + 80'000, BreakerState::Closed, BreakerState::Open, {}})
                    .ok());
        QCOMPARE(store.transitions(second, kT0, kT0 + kHour)->size(), 1u);
        QCOMPARE(store.transitions(first, kT0, kT0 + kHour)->size(), 2u);
        QVERIFY(store.flush(kT0 + kHour).ok()); // seals both blocks of the adopted row
        QVERIFY2(sameObservations(*store.observations(first, kT0, kT0 + kHour), quantisedSorted(withLive), why),
                 qPrintable(why));
        const std::vector<bw::BreakerId> expected{{u"checkout"_s, u"10.0.0.1:80"_s, u""_s},
                                                  {u"checkout"_s, u"10.0.0.1:80"_s, u"pay"_s},
                                                  {u"payments"_s, u"10.0.0.5:8080"_s, u""_s},
                                                  {u"payments"_s, u"10.0.0.6:8080"_s, u""_s},
                                                  named};
        QCOMPARE(*store.breakers(), expected);
    }
    // The row kept its id; after a restart the history is the first instance's for good.
    QCOMPARE(sqlValue(file(), u"SELECT name FROM services WHERE id = 1"_s).toString(), first.key());
    QCOMPARE(sqlValue(file(), u"SELECT count(*) FROM services"_s).toInt(), 5); // 3 migrated, ledger, second
    HistoryStore store(options());
    QVERIFY(store.open(kT0 + kHour).ok());
    QCOMPARE(store.observations(first, kT0, kT0 + kHour)->size(), all.size() + 1);
    QCOMPARE(store.transitions(first, kT0, kT0 + kHour)->size(), 2u);
    QVERIFY(store.observations(second, kT0, kT0 + kHour)->empty());
}

void TestHistoryStore::restoreAdoptsLegacyHistoryAndFillsTheRowItIsGiven()
{
    Version4File v4;
    QVERIFY(writeVersion4File(file(), v4));
    HistoryStore store(options());
    QVERIFY(store.open(kT0 + kHour).ok());
    const bw::BreakerId payments{u"payments"_s, u"10.0.0.5:8080"_s, {}};
    const bw::BreakerId pay{u"checkout"_s, u"10.0.0.1:80"_s, u"pay"_s};
    bw::FleetHistory history(1);
    const auto report = store.restore(history, {{3, payments}, {1, pay}}, kT0, kT0 + kHour);
    QVERIFY2(report.ok(), qPrintable(report.ok() ? QString() : report.error()));
    QCOMPARE(report->services, 2);
    QCOMPARE(history.serviceCount(), 4);
    QCOMPARE(report->observations, std::int64_t(v4.sealed.size() + v4.staged.size()));
    // Row 3: the legacy history of payments, now its health breaker's.
    // (then the state of the last poll, closed).
    const auto restored = history.service(3).track(TrackKind::Simulated).transitions(kT0, kT0 + kHour);
    QCOMPARE(restored.size(), 3u);
    QCOMPARE(restored[0].t, kT0 + 1000);
    QCOMPARE(restored[0].to, BreakerState::Open);
    QCOMPARE(restored[1].t, kT0 + 61'000);
    QCOMPARE(restored[1].to, BreakerState::HalfOpen);
    QVERIFY(history.service(3).series(SeriesKind::Latency) != nullptr);
    // Row 1: pay's observed transition (the first state of its track); rows 0 and 2 untouched.
    QCOMPARE(history.service(1).track(TrackKind::Observed).currentState(), std::optional(BreakerState::Open));
    QCOMPARE(history.service(1).track(TrackKind::Observed).latestTime(), kT0 + 3000);
    QVERIFY(history.service(0).track(TrackKind::Simulated).empty());
    QVERIFY(history.service(2).track(TrackKind::Simulated).empty());
    QCOMPARE(store.transitions(payments, kT0, kT0 + kHour)->size(), 2u);
    QVERIFY(!store.restore(history, {{-1, pay}}, kT0, kT0 + kHour).ok());
}

void TestHistoryStore::adoptionMergesWhatWasBufferedBeforeOpen()
{
    // Polls recorded before the file could be opened, then the legacy row's staged chunk loaded at open: the flush
    // that adopts the row merges both into the one breaker.
    Version4File v4;
    QVERIFY(writeVersion4File(file(), v4));
    const bw::BreakerId first{u"payments"_s, u"10.0.0.5:8080"_s, {}};
    const Observation early = poll(kT0 + 10 * kMinute + 30 * kSecond, 2, 3, 4); // in the staged block
    HistoryStore store(options());
    store.appendObservation(first, early);
    QVERIFY(store.open(kT0 + kHour).ok());
    QVERIFY(store.flush(kT0 + kHour).ok()); // adopts, then seals the staged block with both in it
    QCOMPARE(sqlValue(file(), u"SELECT count(*) FROM obs_recent"_s).toInt(), 0);
    std::vector<Observation> all = v4.sealed;
    all.insert(all.end(), v4.staged.begin(), v4.staged.end());
    all.push_back(early);
    QString why;
    QVERIFY2(sameObservations(*store.observations(first, kT0, kT0 + kHour), quantisedSorted(all), why),
             qPrintable(why));
    store.close();
    QVERIFY(store.open(kT0 + kHour).ok());
    QVERIFY2(sameObservations(*store.observations(first, kT0, kT0 + kHour), quantisedSorted(all), why),
             qPrintable(why));
    QCOMPARE(*store.serviceNames(), (QStringList{u"checkout/pay@10.0.0.1:80"_s, u"checkout@10.0.0.1:80"_s,
                                                 first.key()})); // no row for an empty or a stale name
    QCOMPARE(sqlValue(file(), u"SELECT count(*) FROM services"_s).toInt(), 3);
}

void TestHistoryStore::refusesANewerSchema()
{
    {
        HistoryStore store(options());
        QVERIFY(store.open(kT0).ok());
    }
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"future"_s);
        db.setDatabaseName(file());
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec(u"INSERT INTO schema_version VALUES (99, 1, 'from the future')"_s));
        db.close();
    }
    QSqlDatabase::removeDatabase(u"future"_s);
    HistoryStore store(options());
    const bw::Status s = store.open(kT0);
    QVERIFY(!s.ok());
    QVERIFY(s.error().contains(u"schema version 99"_s));
    QVERIFY(s.error().contains(file()));
    QVERIFY(!store.isOpen());
    QVERIFY(!store.health().ok());
    store.appendObservation(u"alpha"_s, poll(kT0, 1, 1, 1));
    QVERIFY(!store.flush(kT0 + kHour).ok()); // no retry against a file it must not touch
    QCOMPARE(sqlValue(file(), u"SELECT max(version) FROM schema_version"_s).toInt(), 99);
}

void TestHistoryStore::damagedFileIsReportedNotUsed()
{
    {
        HistoryStore store(options());
        QVERIFY(store.open(kT0).ok());
        for (std::int64_t t = kT0; t < kT0 + kHour; t += kSecond)
            store.appendObservation(u"alpha"_s, poll(t, 1, float(t % 100), 3));
        QVERIFY(store.flush(kT0 + 2 * kHour).ok());
    }
    QFile f(file());
    const qint64 size = f.size();
    QVERIFY(size > 8 * 4096);
    QVERIFY(f.open(QIODevice::ReadWrite));
    for (qint64 page = 2; page * 4096 < size; page += 3) { // scribble over every third page after the first two
        f.seek(page * 4096 + 8);
        f.write(QByteArray(200, '\x5a'));
    }
    f.close();

    HistoryStore store(options());
    const bw::Status s = store.open(kT0 + 2 * kHour);
    QVERIFY(!s.ok());
    qInfo().noquote() << s.error();
    QVERIFY(s.error().startsWith(file()));
    QVERIFY(s.error().contains(u"integrity check"_s) || s.error().contains(u"damaged"_s));
    QVERIFY(!store.health().ok());
    store.appendObservation(u"alpha"_s, poll(kT0 + 3 * kHour, 1, 1, 1));
    QVERIFY(!store.flush(kT0 + 3 * kHour).ok());
    QCOMPARE(store.health().bufferedObservations, 1u);

    // The operator's way out: keep the damaged file aside, start a new one; what was buffered is written.
    const bw::Status fresh = store.setAsideAndRecreate(kT0 + 3 * kHour);
    QVERIFY2(fresh.ok(), qPrintable(fresh.ok() ? QString() : fresh.error()));
    QVERIFY(QFileInfo::exists(u"%1.damaged-%2"_s.arg(file()).arg(kT0 + 3 * kHour)));
    QVERIFY(store.flush(kT0 + 3 * kHour).ok());
    QVERIFY(store.health().ok());
    QCOMPARE(store.observations(u"alpha"_s, kT0, kT0 + 4 * kHour)->size(), 1u);
}

void TestHistoryStore::notADatabase()
{
    QFile f(file());
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QByteArray(8192, 'x'));
    f.close();
    HistoryStore store(options());
    const bw::Status s = store.open(kT0);
    QVERIFY(!s.ok());
    QVERIFY(s.error().contains(u"not a SQLite database"_s));
    QVERIFY(s.error().contains(file()));
}

void TestHistoryStore::unwritableDirectoryDegradesThenRecovers()
{
    // The data directory sits under a regular file, so it cannot be created, whoever runs the test (chmod does not
    // stop root).
    const QString blocker = m_dir->filePath(u"blocker"_s);
    QFile f(blocker);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.close();
    const QString dir = blocker + u"/data"_s;
    bw::StoreOptions o = options(dir);
    o.maxBufferedObservations = 100;
    HistoryStore store(o);
    const bw::Status s = store.open(kT0);
    QVERIFY(!s.ok());
    QVERIFY(s.error().contains(dir));
    QVERIFY(s.error().contains(u"is a file, not a directory"_s));
    QCOMPARE(store.health().state, bw::StoreHealth::State::Degraded);

    // Polling goes on: observations are buffered (bounded), transitions queued.
    for (int i = 0; i < 150; ++i)
        store.appendObservation(u"alpha"_s, poll(kT0 + i * kSecond, 1, float(i), 1));
    QVERIFY(
        !store
             .appendTransitions(
                 {{u"alpha"_s, TrackKind::Simulated, kT0 + 5, BreakerState::Closed, BreakerState::Open, u"why"_s, {}}})
             .ok());
    QVERIFY(!store.flush(kT0 + 200 * kSecond).ok());
    bw::StoreHealth h = store.health();
    QVERIFY(h.bufferedObservations <= 100u && h.bufferedObservations >= 94u); // dropped down to 15/16 at once
    const std::uint64_t dropped = 150 - h.bufferedObservations;
    QCOMPARE(h.droppedObservations, dropped);
    QCOMPARE(h.queuedRecords, 1u);
    QVERIFY(h.message.contains(dir));

    // The operator fixes it; the next flush opens the file and writes what waited.
    QVERIFY(QFile::remove(blocker));
    QVERIFY(store.flush(kT0 + 300 * kSecond).ok());
    h = store.health();
    QVERIFY2(h.ok(), qPrintable(h.message));
    QCOMPARE(h.bufferedObservations, 0u);
    QCOMPARE(h.queuedRecords, 0u);
    QCOMPARE(h.droppedObservations, dropped);
    auto read = store.observations(u"alpha"_s, kT0, kT0 + kHour);
    QCOMPARE(read->size(), 150 - dropped);
    QCOMPARE(read->front().t, kT0 + std::int64_t(dropped) * kSecond); // the oldest were dropped
    QCOMPARE(store.transitions(u"alpha"_s, kT0, kT0 + kHour)->size(), 1u);
}

void TestHistoryStore::readOnlyDirectory()
{
    if (::geteuid() == 0)
        QSKIP("running as root: permissions do not stop writes; tst_storecrash covers this case as 'nobody'");
    {
        HistoryStore store(options());
        QVERIFY(store.open(kT0).ok());
        QVERIFY(
            store
                .appendTransitions(
                    {{u"alpha"_s, TrackKind::Simulated, kT0, BreakerState::Closed, BreakerState::Open, u"why"_s, {}}})
                .ok());
    }
    QVERIFY(QFile::setPermissions(m_dir->path(), QFile::ReadOwner | QFile::ExeOwner));
    QVERIFY(QFile::setPermissions(file(), QFile::ReadOwner));
    HistoryStore store(options());
    const bw::Status s = store.open(kT0);
    QVERIFY(!s.ok());
    qInfo().noquote() << s.error();
    QVERIFY(s.error().contains(file()));
    store.appendObservation(u"alpha"_s, poll(kT0, 1, 1, 1));
    QVERIFY(!store.flush(kT0 + kHour).ok());
    QVERIFY(QFile::setPermissions(m_dir->path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
    QVERIFY(QFile::setPermissions(file(), QFile::ReadOwner | QFile::WriteOwner));
    QVERIFY(store.flush(kT0 + kHour).ok());
    QCOMPARE(store.transitions(u"alpha"_s, kT0, kT0 + kHour)->size(), 1u);
}

void TestHistoryStore::fullDiskDegradesThenRecovers()
{
    // The store's size cap (SQLite's max_page_count) fails writes the way a full disk does: SQLITE_FULL.
    // tst_storecrash fills a real file size limit (RLIMIT_FSIZE) in a child process.
    bw::StoreOptions o = options();
    o.maxDatabaseBytes = 512 * 1024; // 32 pages: half of them the empty tables and indexes
    std::vector<bw::StoredTransition> committed;
    std::int64_t t = kT0;
    {
        HistoryStore store(o);
        QVERIFY(store.open(kT0).ok());
        bw::Status flushed = bw::success();
        for (; flushed.ok() && t < kT0 + 48 * kHour; t += kSecond) {
            for (int s = 0; s < 20; ++s)
                store.appendObservation(u"svc-%1"_s.arg(s), poll(t, float(t % 13), float(t % 997) / 7, 3));
            if (t % (10 * kMinute) == 0) {
                bw::StoredTransition tr{u"svc-0"_s,         TrackKind::Simulated,      t, BreakerState::Closed,
                                        BreakerState::Open, u"failure at %1"_s.arg(t), {}};
                if (store.appendTransitions({tr}).ok())
                    committed.push_back(tr);
            }
            if (t % (5 * kSecond) == 0)
                flushed = store.flush(t);
        }
        QVERIFY(!flushed.ok());
        qInfo().noquote() << flushed.error();
        QVERIFY(flushed.error().contains(u"disk is full"_s));
        QVERIFY(flushed.error().contains(file()));
        QCOMPARE(store.health().state, bw::StoreHealth::State::Degraded);
        QVERIFY(store.health().bufferedObservations > 0);
        // Still running: appends are accepted, durable writes are queued, nothing crashes.
        store.appendObservation(u"svc-0"_s, poll(t, 1, 1, 1));
        const bw::Status queued = store.appendTransitions(
            {{u"svc-0"_s, TrackKind::Simulated, t, BreakerState::Open, BreakerState::HalfOpen, u"late"_s, {}}});
        if (!queued.ok())
            QVERIFY(store.health().queuedRecords >= 1);
        const auto v = store.verify();
        QVERIFY(v.ok());
        QVERIFY2(v->ok(), qPrintable(v->firstProblem));
        QVERIFY(!committed.empty());
        QCOMPARE(store.transitions(u"svc-0"_s, kT0, t + 1)->size(), committed.size() + 1);
    }
    // Room again (a larger cap): everything committed is there, and writing works.
    o.maxDatabaseBytes = 0;
    HistoryStore store(o);
    QVERIFY(store.open(t).ok());
    auto read = store.transitions(u"svc-0"_s, kT0, t + 1);
    QVERIFY(read->size() >= committed.size());
    for (std::size_t i = 0; i < committed.size(); ++i)
        QCOMPARE((*read)[i].reason, committed[i].reason);
    store.appendObservation(u"svc-0"_s, poll(t + kSecond, 1, 1, 1));
    QVERIFY(store.flush(t + kHour).ok());
    QVERIFY(store.health().ok());
}

void TestHistoryStore::damagedWalIsReportedAndSurvived()
{
    // A crash leaves the write-ahead log behind: copy the files while the store is open, as SIGKILL would leave
    // them, then damage a frame in the middle of the copied log.
    const QString crashDir = m_dir->filePath(u"crashed"_s);
    QVERIFY(QDir().mkpath(crashDir));
    const QString crashed = QDir(crashDir).filePath(HistoryStore::fileName());
    std::vector<bw::StoredTransition> written;
    {
        HistoryStore store(options());
        QVERIFY(store.open(kT0).ok());
        for (int i = 0; i < 40; ++i) {
            bw::StoredTransition tr{u"alpha"_s,
                                    TrackKind::Simulated,
                                    kT0 + i * kSecond,
                                    BreakerState::Closed,
                                    BreakerState::Open,
                                    u"reason number %1"_s.arg(i),
                                    {}};
            QVERIFY(store.appendTransitions({tr}).ok());
            written.push_back(tr);
        }
        QVERIFY(QFile::copy(file(), crashed));
        QVERIFY(QFile::copy(file() + u"-wal"_s, crashed + u"-wal"_s));
    }
    QFile wal(crashed + u"-wal"_s);
    const qint64 frames = (wal.size() - 32) / (24 + 4096);
    QVERIFY(frames > 20);
    QVERIFY(wal.open(QIODevice::ReadWrite));
    wal.seek(32 + (frames / 2) * (24 + 4096) + 24 + 512);
    wal.write(QByteArray(256, '\x33'));
    wal.close();

    HistoryStore store(options(crashDir));
    QVERIFY(store.open(kT0 + kHour).ok()); // opens: SQLite recovers what it can
    const bw::StoreHealth h = store.health();
    QCOMPARE(h.state, bw::StoreHealth::State::Degraded);
    qInfo().noquote() << h.message;
    QVERIFY(h.message.contains(crashed + u"-wal"_s));
    QVERIFY(h.message.contains(u"damaged"_s));
    QVERIFY(QFileInfo::exists(u"%1-wal.damaged-%2"_s.arg(crashed).arg(kT0 + kHour)));
    const auto v = store.verify();
    QVERIFY(v.ok());
    QVERIFY(v->ok());
    // What was committed before the damaged frame is there, in order; polling and writing go on.
    auto read = store.transitions(u"alpha"_s, kT0, kT0 + kHour);
    QVERIFY(read.ok());
    QVERIFY(read->size() < written.size());
    for (std::size_t i = 0; i < read->size(); ++i)
        QCOMPARE((*read)[i].reason, written[i].reason);
    QVERIFY(store.appendTransitions({written.back()}).ok());
    store.appendObservation(u"alpha"_s, poll(kT0 + kHour, 1, 1, 1));
    QVERIFY(store.flush(kT0 + kHour).ok());
    QVERIFY(!store.health().ok()); // the warning stays until someone has seen it
    store.clearWarning();
    QVERIFY(store.health().ok());

    // A log that is garbage from its first byte is reported the same way.
    store.close();
    QFile garbage(crashed + u"-wal"_s);
    QVERIFY(garbage.open(QIODevice::WriteOnly));
    garbage.write(QByteArray(50'000, '\x77'));
    garbage.close();
    HistoryStore again(options(crashDir));
    QVERIFY(again.open(kT0 + 2 * kHour).ok());
    QVERIFY(again.health().message.contains(u"damaged header"_s));
    QCOMPARE(again.transitions(u"alpha"_s, kT0, kT0 + kHour)->size(), read->size() + 1);
}

void TestHistoryStore::bufferIsBoundedAndDropsTheOldest()
{
    bw::StoreOptions o = options(m_dir->filePath(u"later"_s));
    o.maxBufferedObservations = 1000;
    o.maxQueuedRecords = 3;
    QFile blocker(m_dir->filePath(u"later"_s));
    QVERIFY(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    HistoryStore store(o);
    QVERIFY(!store.open(kT0).ok());
    for (int i = 0; i < 5000; ++i)
        store.appendObservation(u"svc-%1"_s.arg(i % 5), poll(kT0 + i * 200, 1, float(i), 1));
    for (int i = 0; i < 5; ++i)
        QVERIFY(!store
                     .appendTransitions({{u"svc-0"_s,
                                          TrackKind::Simulated,
                                          kT0 + i,
                                          BreakerState::Closed,
                                          BreakerState::Open,
                                          u"n%1"_s.arg(i),
                                          {}}})
                     .ok());
    const bw::StoreHealth h = store.health();
    QVERIFY(h.bufferedObservations <= 1000u);
    QVERIFY(h.bufferedObservations >= 1000u - 1000u / 16);
    QCOMPARE(h.bufferedObservations + h.droppedObservations, 5000u);
    QCOMPARE(h.queuedRecords, 3u);
    QCOMPARE(h.droppedRecords, 2u);
    QVERIFY(QFile::remove(m_dir->filePath(u"later"_s)));
    QVERIFY(store.flush(kT0 + kHour).ok());
    // The newest survived, whichever service they belong to.
    const std::size_t firstKept = 5000 - h.bufferedObservations;
    std::size_t total = 0;
    for (int s = 0; s < 5; ++s) {
        auto read = store.observations(u"svc-%1"_s.arg(s), kT0, kT0 + kHour);
        QVERIFY(!read->empty());
        QVERIFY(read->front().t >= kT0 + std::int64_t(firstKept) * 200);
        total += read->size();
    }
    QCOMPARE(total, h.bufferedObservations);
    auto transitions = store.transitions(u"svc-0"_s, kT0, kT0 + kHour);
    QCOMPARE(transitions->size(), 3u);
    QCOMPARE(transitions->front().reason, u"n2"_s);
}

void TestHistoryStore::compactionSummarisesAndExpires()
{
    bw::StoreOptions o = options();
    o.retention.rawMs = 2 * kHour;
    o.retention.summaryMs = 5 * kHour;
    o.retention.transitionsMs = 3 * kHour;
    HistoryStore store(o);
    QVERIFY(store.open(kT0).ok());
    std::vector<Observation> all;
    for (std::int64_t t = kT0; t < kT0 + 6 * kHour; t += 5 * kSecond) {
        all.push_back(poll(t, float((t / kMinute) % 10), 10 + float((t / kSecond) % 50), 80));
        store.appendObservation(u"alpha"_s, all.back());
        if (t % kHour == 0)
            QVERIFY(store
                        .appendTransitions({{u"alpha"_s,
                                             TrackKind::Simulated,
                                             t,
                                             BreakerState::Closed,
                                             BreakerState::Open,
                                             u"hourly"_s,
                                             {}}})
                        .ok());
        if (t % kMinute == 0)
            QVERIFY(store.flush(t).ok());
    }
    const std::int64_t now = kT0 + 6 * kHour + kMinute;
    QVERIFY(store.flush(now).ok());
    auto report = store.compact(now, 4);
    QVERIFY(report.ok());
    QCOMPARE(report->hoursSummarised, 4);
    QVERIFY(report->more);
    const std::int64_t blocksDeleted = report->blocksDeleted;
    const std::int64_t transitionsDeleted = report->transitionsDeleted;
    const std::int64_t summariesDeleted = report->summariesDeleted;
    report = store.compact(now);
    QVERIFY(report.ok());
    QCOMPARE(report->hoursSummarised, 2); // all six hours, each over for longer than the grace
    QVERIFY(!report->more);
    QCOMPARE(blocksDeleted + report->blocksDeleted, 4 * 6);       // raw kept 2 h: hours 0-3 go
    QCOMPARE(transitionsDeleted + report->transitionsDeleted, 4); // those of hours 0-3: older than 3 h
    QCOMPARE(summariesDeleted + report->summariesDeleted, 1);     // kept 5 h: hour 0 goes

    // Summaries agree with the raw data they replaced.
    auto points = store.summaryPoints(u"alpha"_s, SeriesKind::Latency, kT0, kT0 + 6 * kHour);
    QVERIFY(points.ok());
    QCOMPARE(points->size(), 30u);
    const bw::SeriesPoint &first = points->front();
    QCOMPARE(first.t, kT0 + kHour);
    QCOMPARE(first.count, 120u);
    double sum = 0;
    float lo = 1e9f;
    float hi = -1e9f;
    for (const Observation &q : quantisedSorted({all.begin() + 720, all.begin() + 840})) {
        sum += q.latencyMs;
        lo = std::min(lo, q.latencyMs);
        hi = std::max(hi, q.latencyMs);
    }
    QVERIFY(std::abs(first.mean - sum / 120) < 0.01 * sum / 120);
    QVERIFY(std::abs(first.min - lo) <= lo * 0.006f);
    QVERIFY(std::abs(first.max - hi) <= hi * 0.006f);
    QVERIFY(store.observations(u"alpha"_s, kT0, kT0 + 4 * kHour)->empty());
    QCOMPARE(store.observations(u"alpha"_s, kT0 + 4 * kHour, kT0 + 6 * kHour)->size(), 2u * 720);

    // A restore reaching back past the raw data uses the summaries for the old part.
    bw::HistoryRetention shortMinutes;
    shortMinutes.buckets[2] = 90; // the 1 min level keeps 1.5 h, so hours 0-4 come from summaries
    bw::FleetHistory restored(0, shortMinutes);
    auto restoredReport = store.restore(restored, {u"alpha"_s}, kT0, now);
    QVERIFY(restoredReport.ok());
    QCOMPARE(restoredReport->summaries, 3); // hours 1-3; 4 and 5 are raw
    const auto tenMinutes = restored.buckets(0, SeriesKind::Latency, kT0 + kHour, kT0 + 2 * kHour, 6);
    QCOMPARE(tenMinutes.size(), 6u);
    QCOMPARE(tenMinutes[0].count, 120u);

    // With the default display store (1 min level over 25 h) the hours whose raw blocks are gone still come from
    // their summaries, at 10 min resolution.
    bw::FleetHistory withDefaults;
    restoredReport = store.restore(withDefaults, {u"alpha"_s}, kT0, now);
    QVERIFY(restoredReport.ok());
    QCOMPARE(restoredReport->summaries, 3);
    std::uint32_t hourOne = 0;
    for (const bw::SeriesPoint &p : withDefaults.buckets(0, SeriesKind::Latency, kT0 + kHour, kT0 + 2 * kHour, 6))
        hourOne += p.count;
    QCOMPARE(hourOne, 720u);

    // Later, the summaries age out too.
    report = store.compact(kT0 + 12 * kHour);
    QVERIFY(report.ok());
    QCOMPARE(report->summariesDeleted, 5);
    QVERIFY(store.summaryPoints(u"alpha"_s, SeriesKind::Latency, kT0, kT0 + 6 * kHour)->empty());
}

void TestHistoryStore::dataDirectory()
{
    QCoreApplication::setOrganizationName(u"Breakerwatch"_s);
    QCoreApplication::setApplicationName(u"Breakerwatch"_s);
    QVERIFY(bw::defaultDataDir().endsWith(u"Breakerwatch/Breakerwatch"_s));
    QCOMPARE(bw::resolveDataDir(QString()), bw::defaultDataDir());
    QCOMPARE(bw::resolveDataDir(m_dir->filePath(u"x/../y"_s)), m_dir->filePath(u"y"_s));
    QVERIFY(bw::ensureDataDir(m_dir->filePath(u"a/b/c"_s)).ok());
    QVERIFY(QFileInfo(m_dir->filePath(u"a/b/c"_s)).isDir());
    QVERIFY(!bw::ensureDataDir(QString()).ok());
}

QTEST_GUILESS_MAIN(TestHistoryStore)
#include "tst_historystore.moc"
