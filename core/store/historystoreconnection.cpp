// HistoryStore's connection: opening the file (WAL, integrity check, pragmas), migrating the schema, reloading the
// state kept in the file, closing, setting a damaged file aside, and the maintenance calls (verify, checkpoint).
#include "store/historystore_p.h"

#include "store/datadir.h"
#include "store/stagingrow.h"
#include "store/walinspector.h"

#include <QFile>
#include <QFileInfo>

#include <atomic>

using namespace Qt::StringLiterals;

namespace bw {

using namespace storedetail;

namespace {
std::atomic<int> g_connections{0};
} // namespace

Error HistoryStore::Private::failWith(const QString &message)
{
    problem = message;
    qCWarning(lcStore).noquote() << message;
    return Error{message};
}

Error HistoryStore::Private::fail(const QString &doing, const QSqlError &error)
{
    const SqliteProblem kind = classifySqlError(error);
    if (!isTransient(kind))
        fatal = true;
    return failWith(describeSqlError(path, doing, error));
}

Result<QSqlQuery *> HistoryStore::Private::prepare(const QString &sql)
{
    auto it = statements.find(sql);
    if (it != statements.end())
        return it->second.get();
    auto query = std::make_unique<QSqlQuery>(db);
    query->setForwardOnly(true);
    if (!query->prepare(sql))
        return fail(u"preparing a statement"_s, query->lastError());
    QSqlQuery *raw = query.get();
    statements.emplace(sql, std::move(query));
    return raw;
}

Status HistoryStore::Private::exec(QSqlQuery &q, const QString &doing)
{
    if (!q.exec())
        return fail(doing, q.lastError());
    return success();
}

HistoryStore::Private::RecordWrite HistoryStore::Private::execRecord(QSqlQuery &q, const QString &doing, Status &status)
{
    if (q.exec())
        return RecordWrite::Written;
    const QSqlError error = q.lastError();
    if (classifySqlError(error) == SqliteProblem::Rejected) {
        ++droppedRecords;
        qCWarning(lcStore).noquote() << describeSqlError(path, doing, error) << "- the record is dropped";
        return RecordWrite::Dropped;
    }
    status = fail(doing, error);
    return RecordWrite::Failed;
}

Status HistoryStore::Private::execSql(const QString &sql, const QString &doing)
{
    QSqlQuery q(db);
    if (!q.exec(sql))
        return fail(doing, q.lastError());
    return success();
}

Status HistoryStore::Private::setSync(Sync wanted)
{
    if (sync == wanted)
        return success();
    Status s = execSql(wanted == Sync::Full ? u"PRAGMA synchronous=FULL"_s : u"PRAGMA synchronous=NORMAL"_s,
                       u"setting the sync mode"_s);
    if (s)
        sync = wanted;
    return s;
}

Status HistoryStore::Private::begin(Sync mode)
{
    if (Status s = setSync(mode); !s)
        return s;
    return execSql(u"BEGIN IMMEDIATE"_s, u"starting a transaction"_s);
}

Status HistoryStore::Private::commit(const QString &doing)
{
    QSqlQuery q(db);
    if (!q.exec(u"COMMIT"_s)) {
        const QSqlError error = q.lastError();
        rollback();
        return fail(doing, error);
    }
    return success();
}

void HistoryStore::Private::rollback()
{
    QSqlQuery q(db);
    q.exec(u"ROLLBACK"_s); // fails harmlessly when SQLite already rolled back (disk full, I/O error)
}

Status HistoryStore::Private::abort(Status status)
{
    rollback();
    return status;
}

void HistoryStore::Private::closeConnection()
{
    statements.clear();
    if (db.isValid())
        db.close();
    db = QSqlDatabase();
    if (!connection.isEmpty())
        QSqlDatabase::removeDatabase(connection);
    connection.clear();
    open = false;
    sync = Sync::Unknown;
}

Status HistoryStore::Private::writeMeta(const QString &key, const QVariant &value)
{
    auto q = prepare(u"INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)"_s);
    if (!q)
        return Error{q.error()};
    (*q)->bindValue(0, key);
    (*q)->bindValue(1, value);
    return exec(**q, u"writing %1"_s.arg(key));
}

Status HistoryStore::Private::openFile(std::int64_t nowMs)
{
    closeConnection();
    fatal = false;
    if (Status s = ensureDataDir(options.dataDir); !s)
        return failWith(s.error());

    const WalInspector::Report wal = WalInspector::inspectFile(path + u"-wal"_s);
    if (wal.verdict == WalInspector::Verdict::Damaged) {
        const QString copy = u"%1-wal.damaged-%2"_s.arg(path).arg(nowMs);
        const bool kept = QFile::copy(path + u"-wal"_s, copy);
        warning = u"%1-wal: %2; %3 The store goes on from what SQLite recovered."_s.arg(
            path, wal.problem, kept ? u"a copy was kept as %1."_s.arg(copy) : u"no copy could be kept."_s);
        qCWarning(lcStore).noquote() << warning;
    }

    connection = u"breakerwatch-store-%1"_s.arg(g_connections.fetch_add(1));
    db = QSqlDatabase::addDatabase(u"QSQLITE"_s, connection);
    db.setDatabaseName(path);
    db.setConnectOptions(u"QSQLITE_BUSY_TIMEOUT=5000"_s);
    if (!db.open()) {
        const QSqlError error = db.lastError();
        closeConnection();
        return fail(u"opening"_s, error);
    }
    auto failAndClose = [this](Status s) {
        closeConnection();
        return s;
    };

    // Only takes effect on a new, empty file; harmless otherwise.
    if (Status s = execSql(u"PRAGMA page_size=%1"_s.arg(kPageSize), u"opening"_s); !s)
        return failAndClose(s);
    if (Status s = execSql(u"PRAGMA auto_vacuum=INCREMENTAL"_s, u"opening"_s); !s)
        return failAndClose(s);
    {
        QSqlQuery q(db);
        if (!q.exec(u"PRAGMA journal_mode=WAL"_s) || !q.next()) {
            const QSqlError error = q.lastError();
            return failAndClose(fail(u"switching to WAL mode"_s, error));
        }
        const QString mode = q.value(0).toString();
        if (mode.compare(u"wal"_s, Qt::CaseInsensitive) != 0) {
            closeConnection();
            return failWith(u"%1: cannot switch to WAL mode (the journal mode stays \"%2\"; is the directory "
                            u"read-only?)"_s.arg(path, mode));
        }
    }
    if (options.integrityCheck != IntegrityCheck::None) {
        QSqlQuery q(db);
        const QString pragma = options.integrityCheck == IntegrityCheck::Full ? u"PRAGMA integrity_check(20)"_s
                                                                              : u"PRAGMA quick_check(20)"_s;
        if (!q.exec(pragma)) {
            const QSqlError error = q.lastError();
            return failAndClose(fail(u"checking its integrity"_s, error));
        }
        QStringList complaints;
        while (q.next())
            complaints << q.value(0).toString();
        if (complaints != QStringList{u"ok"_s}) {
            fatal = true;
            closeConnection();
            return failWith(u"%1: the file failed its integrity check and is left untouched: %2"_s.arg(
                path, complaints.mid(0, 5).join(u"; "_s)));
        }
    }
    // A 4 MB page cache: full within the first seal, so a long-running process stays at its size (16 MB took half
    // an hour to fill in the soak, a fifth of serve's resident size; restore and flush were as fast either way).
    for (const QString &pragma :
         {u"PRAGMA synchronous=NORMAL"_s, u"PRAGMA temp_store=MEMORY"_s, u"PRAGMA cache_size=-4000"_s,
          u"PRAGMA journal_size_limit=4194304"_s, u"PRAGMA wal_autocheckpoint=256"_s}) {
        if (Status s = execSql(pragma, u"configuring the connection"_s); !s)
            return failAndClose(s);
    }
    sync = Sync::Normal;
    if (options.maxDatabaseBytes > 0) {
        QSqlQuery q(db);
        const std::int64_t pageSize = q.exec(u"PRAGMA page_size"_s) && q.next() ? q.value(0).toLongLong() : kPageSize;
        q.finish();
        const auto pages = std::max<std::int64_t>(16, options.maxDatabaseBytes / pageSize);
        if (Status s = execSql(u"PRAGMA max_page_count=%1"_s.arg(pages), u"setting the size limit"_s); !s)
            return failAndClose(s);
    }
    if (Status s = migrate(nowMs); !s)
        return failAndClose(s);
    if (Status s = loadState(); !s)
        return failAndClose(s);
    if (Status s = writeMeta(u"clean_shutdown"_s, 0); !s)
        return failAndClose(s);
    open = true;
    problem.clear();
    return success();
}

Status HistoryStore::Private::migrate(std::int64_t nowMs)
{
    int version = 0;
    {
        QSqlQuery q(db);
        if (!q.exec(u"SELECT count(*), sum(name = 'schema_version') FROM sqlite_master WHERE type = 'table'"_s) ||
            !q.next())
            return fail(u"reading the schema"_s, q.lastError());
        const int tables = q.value(0).toInt();
        const bool versioned = q.value(1).toInt() > 0;
        q.finish();
        if (tables > 0 && !versioned) {
            fatal = true;
            return failWith(u"%1: not a Breakerwatch history store (it has tables but no schema_version); "
                            u"left untouched"_s.arg(path));
        }
        if (versioned) {
            if (!q.exec(u"SELECT coalesce(max(version), 0) FROM schema_version"_s) || !q.next())
                return fail(u"reading the schema version"_s, q.lastError());
            version = q.value(0).toInt();
        }
    }
    if (version > StoreSchema::currentVersion()) {
        fatal = true;
        return failWith(u"%1: schema version %2 is newer than this Breakerwatch knows (%3); left untouched"_s.arg(path)
                            .arg(version)
                            .arg(StoreSchema::currentVersion()));
    }
    if (version == 0) {
        if (Status s = applyMigration(StoreSchema::creation(), u"creating schema version %1"_s, nowMs); !s)
            return s;
        qCDebug(lcStore).noquote() << path << "created at schema version" << StoreSchema::currentVersion();
        return setSync(Sync::Normal);
    }
    for (const StoreSchema::Migration &m : StoreSchema::migrations()) {
        if (m.version <= version)
            continue;
        if (Status s = applyMigration(m, u"upgrading to schema version %1"_s, nowMs); !s)
            return s;
        qCInfo(lcStore).noquote() << path << "upgraded to schema version" << m.version;
    }
    return setSync(Sync::Normal);
}

Status HistoryStore::Private::applyMigration(const StoreSchema::Migration &m, const QString &what, std::int64_t nowMs)
{
    const QString context = what.arg(m.version);
    if (Status s = begin(Sync::Full); !s)
        return s;
    for (const QString &statement : m.statements) {
        if (Status s = execSql(statement, context); !s)
            return abort(s);
    }
    if (m.code) {
        if (Status s = m.code(db); !s)
            return abort(failWith(u"%1: %2: %3"_s.arg(path, context, s.error())));
    }
    QSqlQuery q(db);
    q.prepare(u"INSERT INTO schema_version(version, applied_at, description) VALUES (?, ?, ?)"_s);
    q.bindValue(0, m.version);
    q.bindValue(1, static_cast<qint64>(nowMs));
    q.bindValue(2, m.description);
    if (!q.exec())
        return abort(fail(context, q.lastError()));
    return commit(context);
}

Status HistoryStore::Private::loadState()
{
    dbIds.clear();
    dbNames.clear();
    dbBreakers.clear();
    legacyRows.clear();
    reasonIds.clear();
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!q.exec(u"SELECT id, name, service, instance, breaker FROM services"_s))
        return fail(u"reading the services"_s, q.lastError());
    while (q.next())
        noteRow(q.value(0).toInt(), q.value(1).toString(),
                BreakerId{q.value(2).toString(), q.value(3).toString(), q.value(4).toString()});
    if (!q.exec(u"SELECT id, text FROM reasons"_s))
        return fail(u"reading the reasons"_s, q.lastError());
    while (q.next())
        reasonIds.insert(q.value(1).toString(), q.value(0).toInt());
    if (!q.exec(u"SELECT key, value FROM meta"_s))
        return fail(u"reading the store's state"_s, q.lastError());
    while (q.next()) {
        const QString key = q.value(0).toString();
        if (key == u"summarised_until"_s)
            summarisedUntil = q.value(1).toLongLong();
        else if (key == u"sealed_until"_s)
            sealedUntil = q.value(1).toLongLong();
        else if (key == u"raw_horizon"_s)
            rawHorizon = q.value(1).toLongLong();
    }

    // Chunks of blocks that were not sealed: they stay on disk, counted under their blocks (ahead of anything
    // buffered meanwhile), and are read back when the block is sealed. Each is decoded once here to skip damage.
    if (!q.exec(u"SELECT data FROM obs_recent ORDER BY seq"_s))
        return fail(u"reading unsealed observations"_s, q.lastError());
    int damaged = 0;
    std::vector<StagingRow::Chunk> chunks;
    std::vector<Observation> decoded;
    while (q.next()) {
        const QByteArray row = q.value(0).toByteArray();
        chunks.clear();
        if (!StagingRow::split(row, chunks))
            ++damaged;
        for (const StagingRow::Chunk &chunk : chunks) {
            if (sealedUntil != std::numeric_limits<std::int64_t>::min() &&
                chunk.start + kSpan + options.sealGraceMs <= sealedUntil)
                continue; // its block was sealed: these observations are in obs_block
            const auto name = dbNames.constFind(chunk.service);
            if (name == dbNames.constEnd()) {
                ++damaged;
                continue;
            }
            decoded.clear();
            if (!ObservationCodec::decode(chunk.bytes, chunk.start, decoded)) {
                ++damaged;
                continue;
            }
            pending[{chunk.start, localOf(name.value())}].staged += decoded.size();
        }
    }
    if (damaged > 0) {
        const QString note =
            u"%1: %2 unsealed observation chunks were damaged and are skipped"_s.arg(path).arg(damaged);
        warning = warning.isEmpty() ? note : warning + u"; "_s + note;
        qCWarning(lcStore).noquote() << note;
    }
    return success();
}

Status HistoryStore::open(std::int64_t nowMs)
{
    if (d->open)
        close();
    d->lastNow = std::max(d->lastNow, nowMs);
    return d->openFile(nowMs);
}

void HistoryStore::close()
{
    if (!d->open)
        return;
    if (Status s = d->drainQueue(); !s)
        qCWarning(lcStore).noquote() << "closing with" << d->queue.size() << "records not written:" << s.error();
    if (Status s = d->flushObservations(d->lastNow, false); !s)
        qCWarning(lcStore).noquote() << "closing with" << d->unflushed << "observations not written:" << s.error();
    d->writeMeta(u"clean_shutdown"_s, 1);
    // What is staged on disk comes back from obs_recent at the next open.
    for (auto it = d->pending.begin(); it != d->pending.end();) {
        it->second.staged = 0;
        it = it->second.fresh.empty() ? d->pending.erase(it) : std::next(it);
    }
    d->auditRows.clear();
    d->closeConnection();
}

Status HistoryStore::setAsideAndRecreate(std::int64_t nowMs)
{
    close();
    d->closeConnection();
    for (const QString &suffix : {QString(), u"-wal"_s, u"-shm"_s}) {
        const QString from = d->path + suffix;
        if (!QFileInfo::exists(from))
            continue;
        const QString to = u"%1.damaged-%2%3"_s.arg(d->path).arg(nowMs).arg(suffix);
        if (!QFile::rename(from, to))
            return d->failWith(u"%1: cannot set the file aside as %2"_s.arg(from, to));
    }
    d->problem.clear();
    d->warning.clear();
    return open(nowMs);
}

Result<VerifyReport> HistoryStore::verify(IntegrityCheck check)
{
    if (!d->open)
        return Error{d->problem.isEmpty() ? u"%1: the store is not open"_s.arg(d->path) : d->problem};
    VerifyReport report;
    QSqlQuery q(d->db);
    q.setForwardOnly(true);
    if (check != IntegrityCheck::None) {
        if (!q.exec(check == IntegrityCheck::Full ? u"PRAGMA integrity_check(20)"_s : u"PRAGMA quick_check(20)"_s))
            return d->fail(u"checking its integrity"_s, q.lastError());
        QStringList rows;
        while (q.next())
            rows << q.value(0).toString();
        report.integrity = rows.join(u"; "_s);
    } else {
        report.integrity = u"ok"_s;
    }
    std::vector<Observation> obs;
    auto note = [&report](const QString &what) {
        ++report.badBlocks;
        if (report.firstProblem.isEmpty())
            report.firstProblem = what;
    };
    if (!q.exec(u"SELECT id, start, count, data FROM obs_block"_s))
        return d->fail(u"verifying blocks"_s, q.lastError());
    while (q.next()) {
        ++report.blocks;
        obs.clear();
        const std::int64_t start = q.value(1).toLongLong();
        if (Status s = ObservationCodec::decode(q.value(3).toByteArray(), start, obs); !s)
            note(u"block %1: %2"_s.arg(q.value(0).toLongLong()).arg(s.error()));
        else if (static_cast<qint64>(obs.size()) != q.value(2).toLongLong() ||
                 blockId(start, 0) != floorDiv(q.value(0).toLongLong(), kServiceSlots) * kServiceSlots)
            note(u"block %1: count or start does not match"_s.arg(q.value(0).toLongLong()));
    }
    if (!q.exec(u"SELECT seq, data FROM obs_recent"_s))
        return d->fail(u"verifying chunks"_s, q.lastError());
    std::vector<StagingRow::Chunk> chunks;
    while (q.next()) {
        const QByteArray row = q.value(1).toByteArray();
        chunks.clear();
        if (!StagingRow::split(row, chunks))
            note(u"staging row %1: damaged framing"_s.arg(q.value(0).toLongLong()));
        for (const StagingRow::Chunk &chunk : chunks) {
            ++report.blocks;
            obs.clear();
            if (Status s = ObservationCodec::decode(chunk.bytes, chunk.start, obs); !s)
                note(
                    u"staging row %1, service %2: %3"_s.arg(q.value(0).toLongLong()).arg(chunk.service).arg(s.error()));
        }
    }
    if (!q.exec(u"SELECT id, data FROM obs_summary"_s))
        return d->fail(u"verifying summaries"_s, q.lastError());
    while (q.next()) {
        ++report.blocks;
        SummaryCodec::Buckets buckets{};
        if (Status s = SummaryCodec::decode(q.value(1).toByteArray(), buckets); !s)
            note(u"summary %1: %2"_s.arg(q.value(0).toLongLong()).arg(s.error()));
    }
    return report;
}

Status HistoryStore::checkpoint()
{
    if (!d->open)
        return Error{d->problem.isEmpty() ? u"%1: the store is not open"_s.arg(d->path) : d->problem};
    QSqlQuery q(d->db);
    if (!q.exec(u"PRAGMA wal_checkpoint(TRUNCATE)"_s) || !q.next())
        return d->fail(u"checkpointing"_s, q.lastError());
    if (q.value(0).toInt() != 0)
        return Error{u"%1: checkpoint could not finish (a reader holds the log)"_s.arg(d->path)};
    return success();
}

HistoryStore::FileSizes HistoryStore::fileSizes() const
{
    FileSizes sizes;
    sizes.database = QFileInfo(d->path).size();
    sizes.wal = QFileInfo(d->path + u"-wal"_s).size();
    return sizes;
}

} // namespace bw
