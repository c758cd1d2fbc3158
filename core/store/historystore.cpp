#include "store/historystore.h"

#include "store/bitcoder.h"
#include "store/datadir.h"
#include "store/observationcodec.h"
#include "store/sqliteerror.h"
#include "store/stagingrow.h"
#include "store/storeschema.h"
#include "store/summarycodec.h"
#include "store/walinspector.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QLoggingCategory>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <algorithm>
#include <atomic>
#include <deque>
#include <map>
#include <set>
#include <span>
#include <tuple>
#include <unordered_map>
#include <variant>

Q_LOGGING_CATEGORY(lcStore, "breakerwatch.store")

using namespace Qt::StringLiterals;

namespace bw {

namespace {

constexpr std::int64_t kSpan = ObservationCodec::kBlockSpanMs;
constexpr std::int64_t kHour = SummaryCodec::kSpanMs;
constexpr std::int64_t kServiceSlots = std::int64_t{1} << 20; // ids of obs_block/obs_summary: slot * 2^20 + service
constexpr int kPageSize = 16384; // 15 blocks of ~1 KB a page: 4 KB pages would leave a quarter empty

std::atomic<int> g_connections{0};

std::int64_t floorDiv(std::int64_t t, std::int64_t width)
{
    std::int64_t q = t / width;
    if (t % width != 0 && t < 0)
        --q;
    return q;
}
std::int64_t floorTo(std::int64_t t, std::int64_t width)
{
    return floorDiv(t, width) * width;
}
std::int64_t blockId(std::int64_t start, int service)
{
    return floorDiv(start, kSpan) * kServiceSlots + service;
}
std::int64_t summaryId(std::int64_t start, int service)
{
    return floorDiv(start, kHour) * kServiceSlots + service;
}
// Start of the block or hour an id belongs to.
std::int64_t idStart(std::int64_t id, std::int64_t width)
{
    return floorDiv(id, kServiceSlots) * width;
}

// Qt binds a null QString as SQL NULL; the text columns are NOT NULL.
QString text(const QString &s)
{
    return s.isNull() ? QString(u""_s) : s;
}

QString observedReason(bool fromGauge)
{
    return fromGauge ? u"read from the gauge"_s : u"reported event"_s;
}

struct AuditAppend
{
    std::int64_t key = 0;
    AuditEntry entry;
};
struct AuditComplete
{
    std::int64_t key = 0;
    QString outcome;
    QString detail;
};
using Record = std::variant<StoredTransition, Alert, AuditAppend, AuditComplete>;

struct PendingBlock
{
    std::vector<Observation> obs; // arrival order; the first `durable` are on disk as staged chunks
    std::size_t durable = 0;
};

// Feeds one service of a FleetHistory during restore(): raw samples where the display store keeps 1 s buckets,
// 10 s and 1 min roll-ups before that, hourly summaries' 10 min buckets before the 1 min level's reach.
struct RestoreFeed
{
    FleetHistory *history = nullptr;
    int index = 0;
    std::int64_t rawFrom = 0;
    std::int64_t tenSecondsFrom = 0;
    std::int64_t from = 0;
    std::int64_t to = 0;
    struct Acc
    {
        std::int64_t start = 0;
        std::int64_t width = 0;
        SummaryCodec::Bucket bucket;
    };
    std::array<Acc, kSeriesKindCount> acc;
    std::optional<Observation> first;
    std::optional<Observation> last;
    std::int64_t observations = 0;

    void flush(SeriesKind kind)
    {
        Acc &a = acc[static_cast<std::size_t>(kind)];
        if (a.bucket.count == 0)
            return;
        SeriesPoint p;
        p.t = a.start;
        p.durationMs = a.width;
        p.first = static_cast<float>(a.bucket.first);
        p.last = static_cast<float>(a.bucket.last);
        p.min = static_cast<float>(a.bucket.min);
        p.max = static_cast<float>(a.bucket.max);
        p.mean = static_cast<float>(a.bucket.sum / a.bucket.count);
        p.count = a.bucket.count;
        history->appendReduced(index, kind, p);
        a.bucket = {};
    }
    void sample(SeriesKind kind, std::int64_t t, double value)
    {
        if (t >= rawFrom) {
            flush(kind);
            history->appendSample(index, kind, t, value);
            return;
        }
        const std::int64_t width = t >= tenSecondsFrom ? kSeriesLevelWidthMs[1] : kSeriesLevelWidthMs[2];
        const std::int64_t start = floorTo(t, width);
        Acc &a = acc[static_cast<std::size_t>(kind)];
        if (a.bucket.count > 0 && (a.start != start || a.width != width))
            flush(kind);
        a.start = start;
        a.width = width;
        a.bucket.add(value);
    }
    void observation(const Observation &o)
    {
        if (o.t < from || o.t >= to)
            return;
        for (int s = 0; s < kSeriesKindCount; ++s) {
            const auto kind = static_cast<SeriesKind>(s);
            const float v = o.value(kind);
            if (!std::isnan(v))
                sample(kind, o.t, v);
        }
        if (!first)
            first = o;
        if (!last || o.t >= last->t)
            last = o;
        ++observations;
    }
    void point(SeriesKind kind, const SeriesPoint &p)
    {
        if (p.t < from || p.t >= to)
            return;
        flush(kind);
        history->appendReduced(index, kind, p);
    }
    void finish()
    {
        for (int s = 0; s < kSeriesKindCount; ++s)
            flush(static_cast<SeriesKind>(s));
    }
};

} // namespace

struct HistoryStore::Private
{
    StoreOptions options;
    QString path;
    QString connection;
    QSqlDatabase db;
    bool open = false;
    bool fatal = false; // the file itself is the problem: do not retry on flush
    enum class Sync : std::uint8_t
    {
        Unknown,
        Normal,
        Full
    };
    Sync sync = Sync::Unknown;
    std::unordered_map<QString, std::unique_ptr<QSqlQuery>> statements;

    QString problem; // the current failure, cleared by the next success
    QString warning; // from open (a damaged WAL), cleared by clearWarning()
    std::uint64_t droppedObservations = 0;
    std::uint64_t droppedRecords = 0;
    std::int64_t lastNow = 0;

    // Services as this object knows them (also while the file cannot be opened) and as the file numbers them.
    std::vector<QString> localNames;
    QHash<QString, int> localIndex;
    QHash<QString, int> dbIds;
    QHash<int, QString> dbNames;
    QHash<QString, int> reasonIds;

    std::map<std::pair<std::int64_t, int>, PendingBlock> pending; // (block start, local service index)
    std::size_t unflushed = 0;
    std::deque<Record> queue;
    QHash<std::int64_t, std::int64_t> auditRows; // caller's key -> audit row id

    std::int64_t sealedUntil = std::numeric_limits<std::int64_t>::min();     // see obs_recent in storeschema.h
    std::int64_t summarisedUntil = std::numeric_limits<std::int64_t>::min(); // hours before it are summarised
    std::int64_t rawHorizon = std::numeric_limits<std::int64_t>::min();      // raw blocks before it are deleted

    explicit Private(StoreOptions o) : options(std::move(o))
    {
        path = QDir(options.dataDir).filePath(HistoryStore::fileName());
    }

    // --- plumbing ---

    Error failWith(const QString &message)
    {
        problem = message;
        qCWarning(lcStore).noquote() << message;
        return Error{message};
    }
    Error fail(const QString &doing, const QSqlError &error)
    {
        const SqliteProblem kind = classifySqlError(error);
        if (!isTransient(kind))
            fatal = true;
        return failWith(describeSqlError(path, doing, error));
    }

    Result<QSqlQuery *> prepare(const QString &sql)
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

    Status exec(QSqlQuery &q, const QString &doing)
    {
        if (!q.exec())
            return fail(doing, q.lastError());
        return success();
    }

    // For one record of a durable write: a record SQLite rejects (a constraint, a value too big) is dropped and
    // counted, so that it cannot block the queue behind it forever. Returns false on any other failure.
    enum class RecordWrite : std::uint8_t
    {
        Written,
        Dropped,
        Failed
    };
    RecordWrite execRecord(QSqlQuery &q, const QString &doing, Status &status)
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

    Status execSql(const QString &sql, const QString &doing)
    {
        QSqlQuery q(db);
        if (!q.exec(sql))
            return fail(doing, q.lastError());
        return success();
    }

    Status setSync(Sync wanted)
    {
        if (sync == wanted)
            return success();
        Status s = execSql(wanted == Sync::Full ? u"PRAGMA synchronous=FULL"_s : u"PRAGMA synchronous=NORMAL"_s,
                           u"setting the sync mode"_s);
        if (s)
            sync = wanted;
        return s;
    }

    Status begin(Sync mode)
    {
        if (Status s = setSync(mode); !s)
            return s;
        return execSql(u"BEGIN IMMEDIATE"_s, u"starting a transaction"_s);
    }
    Status commit(const QString &doing)
    {
        QSqlQuery q(db);
        if (!q.exec(u"COMMIT"_s)) {
            const QSqlError error = q.lastError();
            rollback();
            return fail(doing, error);
        }
        return success();
    }
    void rollback()
    {
        QSqlQuery q(db);
        q.exec(u"ROLLBACK"_s); // fails harmlessly when SQLite already rolled back (disk full, I/O error)
    }
    // Ends a failed transaction and passes its error on.
    Status abort(Status status)
    {
        rollback();
        return status;
    }

    void closeConnection()
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

    int localOf(const QString &name)
    {
        auto it = localIndex.constFind(name);
        if (it != localIndex.constEnd())
            return it.value();
        const int index = static_cast<int>(localNames.size());
        localNames.push_back(name);
        localIndex.insert(name, index);
        return index;
    }

    // Outside a transaction: a new name is inserted at once (autocommit), so a failed transaction never leaves the
    // caches pointing at a row that is not there.
    Result<int> serviceId(const QString &name)
    {
        auto it = dbIds.constFind(name);
        if (it != dbIds.constEnd())
            return it.value();
        auto q = prepare(u"INSERT INTO services(name) VALUES (?)"_s);
        if (!q)
            return Error{q.error()};
        (*q)->bindValue(0, name);
        if (Status s = exec(**q, u"adding service \"%1\""_s.arg(name)); !s)
            return Error{s.error()};
        const int id = (*q)->lastInsertId().toInt();
        if (id <= 0 || id >= kServiceSlots)
            return failWith(u"%1: too many services (id %2)"_s.arg(path).arg(id));
        dbIds.insert(name, id);
        dbNames.insert(id, name);
        return id;
    }

    Result<int> reasonId(const QString &text)
    {
        if (text.isEmpty())
            return 0;
        auto it = reasonIds.constFind(text);
        if (it != reasonIds.constEnd())
            return it.value();
        auto q = prepare(u"INSERT INTO reasons(text) VALUES (?)"_s);
        if (!q)
            return Error{q.error()};
        (*q)->bindValue(0, text);
        if (Status s = exec(**q, u"adding a reason text"_s); !s)
            return Error{s.error()};
        const int id = (*q)->lastInsertId().toInt();
        reasonIds.insert(text, id);
        return id;
    }

    Status writeMeta(const QString &key, const QVariant &value)
    {
        auto q = prepare(u"INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)"_s);
        if (!q)
            return Error{q.error()};
        (*q)->bindValue(0, key);
        (*q)->bindValue(1, value);
        return exec(**q, u"writing %1"_s.arg(key));
    }

    // --- open ---

    Status openFile(std::int64_t nowMs);
    Status migrate(std::int64_t nowMs);
    Status applyMigration(const StoreSchema::Migration &m, const QString &what, std::int64_t nowMs);
    Status loadState();

    // --- writes ---

    Status resolveIds(const std::vector<Record> &records);
    Status writeRecords(const std::vector<Record> &records);
    Status drainQueue();
    Status durable(Record record);
    void queueRecord(Record record);
    Status flushObservations(std::int64_t nowMs, bool seal);
    Status summariseHour(std::int64_t hour, std::optional<int> onlyService);
    void enforceBounds();

    // --- reads ---

    Result<std::vector<StoredTransition>> readTransitions(std::optional<int> service, std::int64_t t0, std::int64_t t1);
    void addQueuedTransitions(const QString &service, std::int64_t t0, std::int64_t t1,
                              std::vector<StoredTransition> &out) const;
    Result<std::optional<StoredTransition>> stateBefore(int service, TrackKind track, std::int64_t t);
    Result<std::pair<std::int64_t, std::int64_t>> idExtent(const QString &table);
};

// ---------------------------------------------------------------------------------------------------------------

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
    for (const QString &pragma :
         {u"PRAGMA synchronous=NORMAL"_s, u"PRAGMA temp_store=MEMORY"_s, u"PRAGMA cache_size=-16000"_s,
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
    reasonIds.clear();
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!q.exec(u"SELECT id, name FROM services"_s))
        return fail(u"reading the services"_s, q.lastError());
    while (q.next()) {
        dbIds.insert(q.value(1).toString(), q.value(0).toInt());
        dbNames.insert(q.value(0).toInt(), q.value(1).toString());
    }
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

    // Chunks of blocks that were not sealed: they go back in memory, ahead of anything buffered meanwhile.
    if (!q.exec(u"SELECT data FROM obs_recent ORDER BY seq"_s))
        return fail(u"reading unsealed observations"_s, q.lastError());
    std::map<std::pair<std::int64_t, int>, std::vector<Observation>> staged;
    int damaged = 0;
    std::vector<StagingRow::Chunk> chunks;
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
            if (!ObservationCodec::decode(chunk.bytes, chunk.start, staged[{chunk.start, localOf(name.value())}]))
                ++damaged;
        }
    }
    for (auto &[key, obs] : staged) {
        PendingBlock &block = pending[key];
        block.obs.insert(block.obs.begin(), obs.begin(), obs.end());
        block.durable += obs.size();
    }
    if (damaged > 0) {
        const QString note =
            u"%1: %2 unsealed observation chunks were damaged and are skipped"_s.arg(path).arg(damaged);
        warning = warning.isEmpty() ? note : warning + u"; "_s + note;
        qCWarning(lcStore).noquote() << note;
    }
    return success();
}

// ---------------------------------------------------------------------------------------------------------------

Status HistoryStore::Private::resolveIds(const std::vector<Record> &records)
{
    for (const Record &record : records) {
        if (const auto *t = std::get_if<StoredTransition>(&record)) {
            if (auto id = serviceId(t->service); !id)
                return Error{id.error()};
            if (auto id = reasonId(t->reason); !id)
                return Error{id.error()};
        } else if (const auto *a = std::get_if<Alert>(&record)) {
            if (auto id = serviceId(a->service); !id)
                return Error{id.error()};
        }
    }
    return success();
}

Status HistoryStore::Private::writeRecords(const std::vector<Record> &records)
{
    if (Status s = resolveIds(records); !s)
        return s;
    if (Status s = begin(Sync::Full); !s)
        return s;
    QHash<std::int64_t, std::int64_t> newRows;
    for (const Record &record : records) {
        if (const auto *t = std::get_if<StoredTransition>(&record)) {
            auto q = prepare(u"INSERT INTO transitions(service, track, t, from_state, to_state, reason, kind) "
                             u"VALUES (?, ?, ?, ?, ?, ?, ?)"_s);
            if (!q)
                return abort(Error{q.error()});
            (*q)->bindValue(0, dbIds.value(t->service));
            (*q)->bindValue(1, static_cast<int>(t->track));
            (*q)->bindValue(2, static_cast<qint64>(t->t));
            (*q)->bindValue(3, static_cast<int>(t->from));
            (*q)->bindValue(4, static_cast<int>(t->to));
            (*q)->bindValue(5, reasonIds.value(t->reason, 0));
            (*q)->bindValue(6, static_cast<int>(t->reasonKind));
            Status s = success();
            if (execRecord(**q, u"writing a transition of %1"_s.arg(t->service), s) == RecordWrite::Failed)
                return abort(s);
        } else if (const auto *a = std::get_if<Alert>(&record)) {
            auto q = prepare(u"INSERT INTO alerts(service, source, kind, fired_at, since, resolved_at, summary) "
                             u"VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(service, source, kind, fired_at) DO UPDATE "
                             u"SET since = excluded.since, resolved_at = excluded.resolved_at, "
                             u"summary = excluded.summary"_s);
            if (!q)
                return abort(Error{q.error()});
            (*q)->bindValue(0, dbIds.value(a->service));
            (*q)->bindValue(1, static_cast<int>(a->source));
            (*q)->bindValue(2, static_cast<int>(a->kind));
            (*q)->bindValue(3, static_cast<qint64>(a->firedAtMs));
            (*q)->bindValue(4, static_cast<qint64>(a->sinceMs));
            (*q)->bindValue(5, a->resolvedAtMs ? QVariant(static_cast<qint64>(*a->resolvedAtMs)) : QVariant());
            (*q)->bindValue(6, text(a->summary));
            Status s = success();
            if (execRecord(**q, u"writing an alert of %1"_s.arg(a->service), s) == RecordWrite::Failed)
                return abort(s);
        } else if (const auto *append = std::get_if<AuditAppend>(&record)) {
            auto q = prepare(u"INSERT INTO audit(at, who, service, target, action, outcome, detail) "
                             u"VALUES (?, ?, ?, ?, ?, ?, ?)"_s);
            if (!q)
                return abort(Error{q.error()});
            const AuditEntry &e = append->entry;
            (*q)->bindValue(0, static_cast<qint64>(e.atMs));
            (*q)->bindValue(1, text(e.who));
            (*q)->bindValue(2, text(e.service));
            (*q)->bindValue(3, text(e.target));
            (*q)->bindValue(4, text(e.action));
            (*q)->bindValue(5, text(e.outcome));
            (*q)->bindValue(6, text(e.detail));
            Status s = success();
            const RecordWrite written = execRecord(**q, u"writing an audit entry"_s, s);
            if (written == RecordWrite::Failed)
                return abort(s);
            if (written == RecordWrite::Written)
                newRows.insert(append->key, (*q)->lastInsertId().toLongLong());
        } else if (const auto *complete = std::get_if<AuditComplete>(&record)) {
            const std::int64_t row = newRows.value(complete->key, auditRows.value(complete->key, 0));
            if (row == 0) {
                qCWarning(lcStore) << "completion of an unknown audit entry" << complete->key << "skipped";
                continue;
            }
            auto q = prepare(u"UPDATE audit SET outcome = ?, detail = ? WHERE id = ?"_s);
            if (!q)
                return abort(Error{q.error()});
            (*q)->bindValue(0, text(complete->outcome));
            (*q)->bindValue(1, text(complete->detail));
            (*q)->bindValue(2, static_cast<qint64>(row));
            Status s = success();
            if (execRecord(**q, u"completing an audit entry"_s, s) == RecordWrite::Failed)
                return abort(s);
        }
    }
    if (Status s = commit(u"committing a durable write"_s); !s)
        return s;
    for (auto it = newRows.cbegin(); it != newRows.cend(); ++it)
        auditRows.insert(it.key(), it.value());
    return success();
}

void HistoryStore::Private::queueRecord(Record record)
{
    if (queue.size() >= std::max<std::size_t>(1, options.maxQueuedRecords)) {
        queue.pop_front();
        ++droppedRecords;
    }
    queue.push_back(std::move(record));
}

Status HistoryStore::Private::drainQueue()
{
    if (queue.empty())
        return success();
    if (!open)
        return Error{problem};
    const std::vector<Record> records(queue.begin(), queue.end());
    if (Status s = writeRecords(records); !s)
        return s;
    queue.clear();
    return success();
}

Status HistoryStore::Private::durable(Record record)
{
    if (!open) {
        queueRecord(std::move(record));
        return Error{problem.isEmpty() ? u"%1: the store is not open"_s.arg(path) : problem};
    }
    Status s = success();
    if (!queue.empty()) {
        queueRecord(std::move(record));
        s = drainQueue();
    } else {
        s = writeRecords({record});
        if (!s)
            queueRecord(std::move(record));
    }
    if (s && !fatal)
        problem.clear();
    return s;
}

Status HistoryStore::Private::summariseHour(std::int64_t hour, std::optional<int> onlyService)
{
    const std::int64_t lo = blockId(hour, 0);
    const std::int64_t hi = blockId(hour + kHour, 0);
    auto q = prepare(onlyService ? u"SELECT service, start, data FROM obs_block WHERE id >= ? AND id < ? AND "
                                   u"service = ?"_s
                                 : u"SELECT service, start, data FROM obs_block WHERE id >= ? AND id < ?"_s);
    if (!q)
        return Error{q.error()};
    (*q)->bindValue(0, static_cast<qint64>(lo));
    (*q)->bindValue(1, static_cast<qint64>(hi));
    if (onlyService)
        (*q)->bindValue(2, *onlyService);
    if (Status s = exec(**q, u"summarising an hour"_s); !s)
        return s;
    std::map<int, SummaryCodec::Buckets> buckets;
    std::vector<Observation> obs;
    while ((*q)->next()) {
        const int service = (*q)->value(0).toInt();
        const std::int64_t start = (*q)->value(1).toLongLong();
        obs.clear();
        if (!ObservationCodec::decode((*q)->value(2).toByteArray(), start, obs)) {
            qCWarning(lcStore) << "a damaged block of service" << service << "at" << start
                               << "is left out of its summary";
            continue;
        }
        SummaryCodec::Buckets &b = buckets[service];
        for (const Observation &o : obs)
            SummaryCodec::accumulate(b, hour, o);
    }
    (*q)->finish();
    auto insert = prepare(u"INSERT OR REPLACE INTO obs_summary(id, service, start, data) VALUES (?, ?, ?, ?)"_s);
    if (!insert)
        return Error{insert.error()};
    for (const auto &[service, b] : buckets) {
        (*insert)->bindValue(0, static_cast<qint64>(summaryId(hour, service)));
        (*insert)->bindValue(1, service);
        (*insert)->bindValue(2, static_cast<qint64>(hour));
        (*insert)->bindValue(3, SummaryCodec::encode(b));
        if (Status s = exec(**insert, u"writing an hourly summary"_s); !s)
            return s;
    }
    return success();
}

Status HistoryStore::Private::flushObservations(std::int64_t nowMs, bool seal)
{
    using Key = std::pair<std::int64_t, int>;
    const std::int64_t horizon = std::max(nowMs, sealedUntil);
    std::vector<std::pair<std::int64_t, Key>> sealed; // (block id, key), written in id order: appends fill pages
    std::vector<Key> chunks;
    for (const auto &[key, block] : pending) {
        if (seal && key.first + kSpan + options.sealGraceMs <= horizon)
            sealed.emplace_back(0, key);
        else if (block.obs.size() > block.durable)
            chunks.push_back(key);
    }
    if (sealed.empty() && chunks.empty())
        return success();
    for (auto &[id, key] : sealed) {
        auto service = serviceId(localNames[static_cast<std::size_t>(key.second)]);
        if (!service)
            return Error{service.error()};
        id = blockId(key.first, *service);
    }
    for (const Key &key : chunks)
        if (auto id = serviceId(localNames[static_cast<std::size_t>(key.second)]); !id)
            return Error{id.error()};
    std::sort(sealed.begin(), sealed.end());

    if (Status s = begin(Sync::Normal); !s)
        return s;
    std::set<std::pair<int, std::int64_t>> resummarise;
    std::vector<Observation> merged;
    for (const auto &[id, key] : sealed) {
        const std::int64_t start = key.first;
        const int service = dbIds.value(localNames[static_cast<std::size_t>(key.second)]);
        const PendingBlock &block = pending[key];
        merged.clear();
        auto read = prepare(u"SELECT data FROM obs_block WHERE id = ?"_s);
        if (!read)
            return abort(Error{read.error()});
        (*read)->bindValue(0, static_cast<qint64>(id));
        if (Status s = exec(**read, u"sealing a block"_s); !s)
            return abort(s);
        if ((*read)->next()) {
            if (Status s = ObservationCodec::decode((*read)->value(0).toByteArray(), start, merged); !s)
                qCWarning(lcStore).noquote() << path << "replacing a damaged block:" << s.error();
        }
        (*read)->finish();
        merged.insert(merged.end(), block.obs.begin(), block.obs.end());
        if (merged.size() > ObservationCodec::kMaxObservations)
            droppedObservations += merged.size() - ObservationCodec::kMaxObservations;
        auto write =
            prepare(u"INSERT OR REPLACE INTO obs_block(id, service, start, count, data) VALUES (?, ?, ?, ?, ?)"_s);
        if (!write)
            return abort(Error{write.error()});
        (*write)->bindValue(0, static_cast<qint64>(id));
        (*write)->bindValue(1, service);
        (*write)->bindValue(2, static_cast<qint64>(start));
        (*write)->bindValue(3, static_cast<qint64>(std::min(merged.size(), ObservationCodec::kMaxObservations)));
        (*write)->bindValue(4, ObservationCodec::encode(merged, start));
        if (Status s = exec(**write, u"writing observations"_s); !s)
            return abort(s);
        if (start < summarisedUntil)
            resummarise.emplace(service, SummaryCodec::hourStart(start));
    }
    if (!chunks.empty()) {
        std::vector<std::tuple<int, std::int64_t, QByteArray>> encoded;
        std::int64_t lastStart = std::numeric_limits<std::int64_t>::min();
        for (const Key &key : chunks) {
            const PendingBlock &block = pending[key];
            const auto fresh = std::span<const Observation>(block.obs).subspan(block.durable);
            encoded.emplace_back(dbIds.value(localNames[static_cast<std::size_t>(key.second)]), key.first,
                                 ObservationCodec::encode(fresh, key.first));
            lastStart = std::max(lastStart, key.first);
        }
        const QByteArray row = StagingRow::build(encoded);
        auto write = prepare(u"INSERT INTO obs_recent(last_start, data) VALUES (?, ?)"_s);
        if (!write)
            return abort(Error{write.error()});
        (*write)->bindValue(0, static_cast<qint64>(lastStart));
        (*write)->bindValue(1, row);
        if (Status s = exec(**write, u"writing observations"_s); !s)
            return abort(s);
    }
    if (!sealed.empty()) {
        // Staged chunks of the blocks just sealed are obsolete: their rows go once nothing else is in them, and
        // sealed_until tells the next open to skip the rest.
        auto drop = prepare(u"DELETE FROM obs_recent WHERE last_start <= ?"_s);
        if (!drop)
            return abort(Error{drop.error()});
        (*drop)->bindValue(0, static_cast<qint64>(horizon - kSpan - options.sealGraceMs));
        if (Status s = exec(**drop, u"writing observations"_s); !s)
            return abort(s);
        if (Status s = writeMeta(u"sealed_until"_s, static_cast<qint64>(horizon)); !s)
            return abort(s);
    }
    for (const auto &[service, hour] : resummarise)
        if (Status s = summariseHour(hour, service); !s)
            return abort(s);
    if (Status s = commit(u"writing observations"_s); !s)
        return s;

    if (!sealed.empty())
        sealedUntil = horizon;
    for (const auto &[id, key] : sealed) {
        const PendingBlock &block = pending[key];
        unflushed -= block.obs.size() - block.durable;
        pending.erase(key);
    }
    for (const Key &key : chunks) {
        PendingBlock &block = pending[key];
        unflushed -= block.obs.size() - block.durable;
        block.durable = block.obs.size();
    }
    return success();
}

void HistoryStore::Private::enforceBounds()
{
    const std::size_t limit = options.maxBufferedObservations;
    if (unflushed <= limit)
        return;
    // Down to 15/16 of the limit at once, so that a store stuck at its limit does this once per limit/16 appends.
    std::size_t excess = unflushed - (limit - limit / 16);
    // The oldest observations first: block by block (all services' blocks of the oldest start together), by time.
    while (excess > 0) {
        auto groupBegin = std::find_if(pending.begin(), pending.end(), [](const auto &entry) {
            return entry.second.obs.size() > entry.second.durable;
        });
        if (groupBegin == pending.end())
            break;
        const std::int64_t start = groupBegin->first.first;
        std::vector<std::int64_t> times;
        auto groupEnd = groupBegin;
        for (; groupEnd != pending.end() && groupEnd->first.first == start; ++groupEnd) {
            const PendingBlock &block = groupEnd->second;
            for (std::size_t i = block.durable; i < block.obs.size(); ++i)
                times.push_back(block.obs[i].t);
        }
        std::size_t drop = std::min(excess, times.size());
        // Everything before the cutoff goes, and as many at the cutoff as are still needed.
        std::nth_element(times.begin(), times.begin() + static_cast<std::ptrdiff_t>(drop - 1), times.end());
        const std::int64_t cutoff = times[drop - 1];
        std::size_t atCutoff = drop - static_cast<std::size_t>(std::count_if(
                                          times.begin(), times.end(), [cutoff](std::int64_t t) { return t < cutoff; }));
        for (auto it = groupBegin; it != groupEnd;) {
            PendingBlock &block = it->second;
            auto keep = [&](const Observation &o) {
                if (o.t < cutoff)
                    return false;
                if (o.t == cutoff && atCutoff > 0) {
                    --atCutoff;
                    return false;
                }
                return true;
            };
            const auto fresh = block.obs.begin() + static_cast<std::ptrdiff_t>(block.durable);
            const auto kept = std::stable_partition(fresh, block.obs.end(), keep);
            block.obs.erase(kept, block.obs.end());
            it = block.obs.empty() && block.durable == 0 ? pending.erase(it) : std::next(it);
        }
        unflushed -= drop;
        droppedObservations += drop;
        excess -= drop;
    }
}

// ---------------------------------------------------------------------------------------------------------------

Result<std::vector<StoredTransition>> HistoryStore::Private::readTransitions(std::optional<int> service,
                                                                             std::int64_t t0, std::int64_t t1)
{
    auto q = prepare(service ? u"SELECT tr.service, tr.track, tr.t, tr.from_state, tr.to_state, r.text, tr.kind "
                               u"FROM transitions tr LEFT JOIN reasons r ON r.id = tr.reason "
                               u"WHERE tr.service = ? AND tr.t >= ? AND tr.t < ? ORDER BY tr.t, tr.id"_s
                             : u"SELECT tr.service, tr.track, tr.t, tr.from_state, tr.to_state, r.text, tr.kind "
                               u"FROM transitions tr LEFT JOIN reasons r ON r.id = tr.reason "
                               u"WHERE tr.t >= ? AND tr.t < ? ORDER BY tr.t, tr.id"_s);
    if (!q)
        return Error{q.error()};
    int i = 0;
    if (service)
        (*q)->bindValue(i++, *service);
    (*q)->bindValue(i++, static_cast<qint64>(t0));
    (*q)->bindValue(i++, static_cast<qint64>(t1));
    if (Status s = exec(**q, u"reading transitions"_s); !s)
        return Error{s.error()};
    std::vector<StoredTransition> out;
    while ((*q)->next()) {
        StoredTransition t;
        t.service = dbNames.value((*q)->value(0).toInt());
        t.track = (*q)->value(1).toInt() == 1 ? TrackKind::Observed : TrackKind::Simulated;
        t.t = (*q)->value(2).toLongLong();
        t.from = static_cast<BreakerState>(std::clamp((*q)->value(3).toInt(), 0, kBreakerStateCount - 1));
        t.to = static_cast<BreakerState>(std::clamp((*q)->value(4).toInt(), 0, kBreakerStateCount - 1));
        t.reason = (*q)->value(5).toString();
        t.reasonKind = static_cast<TransitionReason::Kind>((*q)->value(6).toInt());
        out.push_back(std::move(t));
    }
    (*q)->finish();
    return out;
}

void HistoryStore::Private::addQueuedTransitions(const QString &service, std::int64_t t0, std::int64_t t1,
                                                 std::vector<StoredTransition> &out) const
{
    bool added = false;
    for (const Record &record : queue) {
        const auto *t = std::get_if<StoredTransition>(&record);
        if (t && (service.isEmpty() || t->service == service) && t->t >= t0 && t->t < t1) {
            out.push_back(*t);
            added = true;
        }
    }
    if (added)
        std::stable_sort(out.begin(), out.end(),
                         [](const StoredTransition &a, const StoredTransition &b) { return a.t < b.t; });
}

Result<std::optional<StoredTransition>> HistoryStore::Private::stateBefore(int service, TrackKind track, std::int64_t t)
{
    auto q = prepare(u"SELECT tr.t, tr.from_state, tr.to_state, r.text, tr.kind FROM transitions tr "
                     u"LEFT JOIN reasons r ON r.id = tr.reason WHERE tr.service = ? AND tr.track = ? AND tr.t < ? "
                     u"ORDER BY tr.t DESC, tr.id DESC LIMIT 1"_s);
    if (!q)
        return Error{q.error()};
    (*q)->bindValue(0, service);
    (*q)->bindValue(1, static_cast<int>(track));
    (*q)->bindValue(2, static_cast<qint64>(t));
    if (Status s = exec(**q, u"reading transitions"_s); !s)
        return Error{s.error()};
    std::optional<StoredTransition> found;
    if ((*q)->next()) {
        StoredTransition tr;
        tr.track = track;
        tr.t = (*q)->value(0).toLongLong();
        tr.from = static_cast<BreakerState>(std::clamp((*q)->value(1).toInt(), 0, kBreakerStateCount - 1));
        tr.to = static_cast<BreakerState>(std::clamp((*q)->value(2).toInt(), 0, kBreakerStateCount - 1));
        tr.reason = (*q)->value(3).toString();
        tr.reasonKind = static_cast<TransitionReason::Kind>((*q)->value(4).toInt());
        found = tr;
    }
    (*q)->finish();
    return found;
}

Result<std::pair<std::int64_t, std::int64_t>> HistoryStore::Private::idExtent(const QString &table)
{
    QSqlQuery q(db);
    if (!q.exec(u"SELECT min(id), max(id) FROM %1"_s.arg(table)) || !q.next())
        return fail(u"reading %1"_s.arg(table), q.lastError());
    if (q.value(0).isNull())
        return std::make_pair(std::int64_t{1}, std::int64_t{0});
    return std::make_pair(static_cast<std::int64_t>(q.value(0).toLongLong()),
                          static_cast<std::int64_t>(q.value(1).toLongLong()));
}

// ---------------------------------------------------------------------------------------------------------------

HistoryStore::HistoryStore(StoreOptions options) : d(std::make_unique<Private>(std::move(options))) {}

HistoryStore::~HistoryStore()
{
    close();
}

QString HistoryStore::fileName()
{
    return u"breakerwatch.sqlite"_s;
}

QString HistoryStore::filePath() const
{
    return d->path;
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
        PendingBlock &block = it->second;
        block.obs.erase(block.obs.begin(), block.obs.begin() + static_cast<std::ptrdiff_t>(block.durable));
        block.durable = 0;
        it = block.obs.empty() ? d->pending.erase(it) : std::next(it);
    }
    d->auditRows.clear();
    d->closeConnection();
}

bool HistoryStore::isOpen() const
{
    return d->open;
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

StoreHealth HistoryStore::health() const
{
    StoreHealth h;
    QStringList messages;
    if (!d->problem.isEmpty())
        messages << d->problem;
    if (!d->warning.isEmpty())
        messages << d->warning;
    h.state = messages.isEmpty() ? StoreHealth::State::Ok : StoreHealth::State::Degraded;
    h.message = messages.join(u"; "_s);
    h.droppedObservations = d->droppedObservations;
    h.droppedRecords = d->droppedRecords;
    h.bufferedObservations = d->unflushed;
    h.queuedRecords = d->queue.size();
    return h;
}

void HistoryStore::clearWarning()
{
    d->warning.clear();
}

void HistoryStore::appendObservation(const QString &service, const Observation &observation)
{
    const auto key = std::make_pair(ObservationCodec::blockStart(observation.t), d->localOf(service));
    PendingBlock &block = d->pending[key];
    if (block.obs.size() >= ObservationCodec::kMaxObservations) {
        ++d->droppedObservations;
        return;
    }
    block.obs.push_back(ObservationCodec::quantised(observation));
    ++d->unflushed;
    if (d->unflushed > d->options.maxBufferedObservations)
        d->enforceBounds();
}

Status HistoryStore::appendTransition(const QString &service, TrackKind track, const Transition &transition)
{
    StoredTransition t;
    t.service = service;
    t.track = track;
    t.t = transition.t;
    t.from = transition.from;
    t.to = transition.to;
    t.reason = transition.reason.describe();
    t.reasonKind = transition.reason.kind;
    return d->durable(std::move(t));
}

Status HistoryStore::appendObservedTransition(const QString &service, const ObservedTransition &transition)
{
    StoredTransition t;
    t.service = service;
    t.track = TrackKind::Observed;
    t.t = transition.t;
    t.from = transition.from;
    t.to = transition.to;
    t.reason = observedReason(transition.fromGauge);
    return d->durable(std::move(t));
}

Status HistoryStore::appendTransitions(const std::vector<StoredTransition> &transitions)
{
    if (transitions.empty())
        return success();
    if (!d->open || !d->queue.empty()) {
        for (const StoredTransition &t : transitions)
            d->queueRecord(t);
        return d->open ? d->drainQueue() : Status(Error{d->problem});
    }
    const std::vector<Record> records(transitions.begin(), transitions.end());
    Status s = d->writeRecords(records);
    if (!s) {
        for (const StoredTransition &t : transitions)
            d->queueRecord(t);
    }
    return s;
}

Status HistoryStore::recordAlert(const Alert &alert)
{
    return d->durable(alert);
}

Status HistoryStore::appendAudit(std::int64_t key, const AuditEntry &entry)
{
    return d->durable(AuditAppend{key, entry});
}

Status HistoryStore::completeAudit(std::int64_t key, const QString &outcome, const QString &detail)
{
    const bool queued = std::any_of(d->queue.begin(), d->queue.end(), [key](const Record &r) {
        const auto *append = std::get_if<AuditAppend>(&r);
        return append && append->key == key;
    });
    if (!queued && !d->auditRows.contains(key))
        return Error{u"%1: no audit entry %2 was appended in this session"_s.arg(d->path).arg(key)};
    return d->durable(AuditComplete{key, outcome, detail});
}

Status HistoryStore::flush(std::int64_t nowMs)
{
    d->lastNow = std::max(d->lastNow, nowMs);
    if (!d->open) {
        if (d->fatal) {
            d->enforceBounds();
            return Error{d->problem};
        }
        if (Status s = d->openFile(nowMs); !s) {
            d->enforceBounds();
            return s;
        }
    }
    if (Status s = d->drainQueue(); !s) {
        d->enforceBounds();
        return s;
    }
    Status s = d->flushObservations(nowMs, true);
    if (s && !d->fatal)
        d->problem.clear();
    d->enforceBounds();
    return s;
}

Result<CompactionReport> HistoryStore::compact(std::int64_t nowMs, int maxHours)
{
    d->lastNow = std::max(d->lastNow, nowMs);
    if (!d->open)
        return Error{d->problem.isEmpty() ? u"%1: the store is not open"_s.arg(d->path) : d->problem};
    CompactionReport report;
    const StoreRetention &retention = d->options.retention;

    // 1. Summaries of complete hours, one transaction per hour.
    if (d->summarisedUntil == std::numeric_limits<std::int64_t>::min()) {
        auto extent = d->idExtent(u"obs_block"_s);
        if (!extent)
            return Error{extent.error()};
        if (extent->first <= extent->second) // else nothing stored yet
            d->summarisedUntil = SummaryCodec::hourStart(idStart(extent->first, kSpan));
    }
    while (d->summarisedUntil != std::numeric_limits<std::int64_t>::min() &&
           d->summarisedUntil + kHour + d->options.sealGraceMs <= nowMs) {
        if (report.hoursSummarised >= maxHours) {
            report.more = true;
            break;
        }
        const std::int64_t hour = d->summarisedUntil;
        if (Status s = d->begin(Private::Sync::Normal); !s)
            return Error{s.error()};
        if (Status s = d->summariseHour(hour, std::nullopt); !s)
            return Error{d->abort(s).error()};
        if (Status s = d->writeMeta(u"summarised_until"_s, static_cast<qint64>(hour + kHour)); !s)
            return Error{d->abort(s).error()};
        if (Status s = d->commit(u"summarising"_s); !s)
            return Error{s.error()};
        d->summarisedUntil = hour + kHour;
        ++report.hoursSummarised;
    }

    // 2. Retention, in one transaction. Raw blocks go only once their hour is summarised.
    const std::int64_t rawCutoff = std::min(SummaryCodec::hourStart(nowMs - retention.rawMs),
                                            std::max(d->summarisedUntil, std::numeric_limits<std::int64_t>::min() / 2));
    const std::int64_t summaryCutoff = SummaryCodec::hourStart(nowMs - retention.summaryMs);
    const std::int64_t transitionCutoff = nowMs - retention.transitionsMs;
    if (Status s = d->begin(Private::Sync::Normal); !s)
        return Error{s.error()};
    auto run = [&](const QString &sql, qint64 bound, std::int64_t &count) -> Status {
        QSqlQuery q(d->db);
        q.prepare(sql);
        q.bindValue(0, bound);
        if (!q.exec())
            return d->fail(u"applying the retention"_s, q.lastError());
        count += q.numRowsAffected();
        return success();
    };
    Status s = run(u"DELETE FROM obs_block WHERE id < ?"_s, blockId(rawCutoff, 0), report.blocksDeleted);
    if (s)
        s = run(u"DELETE FROM obs_summary WHERE id < ?"_s, summaryId(summaryCutoff, 0), report.summariesDeleted);
    // Transitions arrive (almost) in time order, so rows go in row id order up to the first one still young enough:
    // O(rows deleted) without an index on t. A rare late arrival stays until everything before it has gone.
    if (s)
        s = run(u"DELETE FROM transitions WHERE id < coalesce((SELECT id FROM transitions WHERE t >= ? ORDER BY id "
                u"LIMIT 1), (SELECT max(id) + 1 FROM transitions))"_s,
                transitionCutoff, report.transitionsDeleted);
    if (s)
        s = run(u"DELETE FROM alerts WHERE resolved_at IS NOT NULL AND resolved_at < ?"_s, transitionCutoff,
                report.alertsDeleted);
    if (s && rawCutoff > d->rawHorizon)
        s = d->writeMeta(u"raw_horizon"_s, static_cast<qint64>(rawCutoff));
    if (!s)
        return Error{d->abort(s).error()};
    if (Status c = d->commit(u"applying the retention"_s); !c)
        return Error{c.error()};
    d->rawHorizon = std::max(d->rawHorizon, rawCutoff);

    // 3. Give free pages back to the file system once they are a quarter of the file.
    QSqlQuery q(d->db);
    if (q.exec(u"PRAGMA freelist_count"_s) && q.next()) {
        const qint64 free = q.value(0).toLongLong();
        q.finish();
        if (q.exec(u"PRAGMA page_count"_s) && q.next() && free * 4 > q.value(0).toLongLong()) {
            q.finish();
            QSqlQuery vacuum(d->db);
            vacuum.exec(u"PRAGMA incremental_vacuum"_s);
            while (vacuum.next()) {
            }
        }
    }
    if (!d->fatal)
        d->problem.clear();
    return report;
}

// ---------------------------------------------------------------------------------------------------------------

Result<QStringList> HistoryStore::serviceNames()
{
    if (!d->open)
        return Error{d->problem.isEmpty() ? u"%1: the store is not open"_s.arg(d->path) : d->problem};
    QStringList names;
    for (auto it = d->dbNames.cbegin(); it != d->dbNames.cend(); ++it)
        names << it.value();
    for (const QString &name : d->localNames)
        if (!d->dbIds.contains(name))
            names << name;
    names.sort();
    return names;
}

Result<std::vector<Observation>> HistoryStore::observations(const QString &service, std::int64_t t0, std::int64_t t1)
{
    if (!d->open)
        return Error{d->problem.isEmpty() ? u"%1: the store is not open"_s.arg(d->path) : d->problem};
    std::vector<Observation> out;
    if (t1 <= t0)
        return out;
    std::vector<Observation> block;
    auto keep = [&](const Observation &o) {
        if (o.t >= t0 && o.t < t1)
            out.push_back(o);
    };
    if (auto id = d->dbIds.constFind(service); id != d->dbIds.constEnd()) {
        auto extent = d->idExtent(u"obs_block"_s);
        if (!extent)
            return Error{extent.error()};
        if (extent->first <= extent->second) {
            const std::int64_t first =
                std::max(ObservationCodec::blockStart(t0) - kSpan, idStart(extent->first, kSpan));
            const std::int64_t last = std::min(t1, idStart(extent->second, kSpan) + kSpan);
            auto q = d->prepare(u"SELECT data FROM obs_block WHERE id = ?"_s);
            if (!q)
                return Error{q.error()};
            for (std::int64_t start = first; start < last; start += kSpan) {
                (*q)->bindValue(0, static_cast<qint64>(blockId(start, id.value())));
                if (Status s = d->exec(**q, u"reading observations of %1"_s.arg(service)); !s)
                    return Error{s.error()};
                if ((*q)->next()) {
                    block.clear();
                    if (Status s = ObservationCodec::decode((*q)->value(0).toByteArray(), start, block); !s)
                        qCWarning(lcStore).noquote() << d->path << service << start << s.error();
                    std::for_each(block.begin(), block.end(), keep);
                }
                (*q)->finish();
            }
        }
    }
    if (auto local = d->localIndex.constFind(service); local != d->localIndex.constEnd()) {
        for (const auto &[key, pendingBlock] : d->pending)
            if (key.second == local.value())
                std::for_each(pendingBlock.obs.begin(), pendingBlock.obs.end(), keep);
    }
    std::stable_sort(out.begin(), out.end(), [](const Observation &a, const Observation &b) { return a.t < b.t; });
    return out;
}

Result<std::vector<SeriesPoint>> HistoryStore::summaryPoints(const QString &service, SeriesKind kind, std::int64_t t0,
                                                             std::int64_t t1)
{
    if (!d->open)
        return Error{d->problem.isEmpty() ? u"%1: the store is not open"_s.arg(d->path) : d->problem};
    std::vector<SeriesPoint> out;
    const auto id = d->dbIds.constFind(service);
    if (id == d->dbIds.constEnd() || t1 <= t0)
        return out;
    auto extent = d->idExtent(u"obs_summary"_s);
    if (!extent)
        return Error{extent.error()};
    if (extent->first > extent->second)
        return out;
    auto q = d->prepare(u"SELECT data FROM obs_summary WHERE id = ?"_s);
    if (!q)
        return Error{q.error()};
    const std::int64_t first = std::max(SummaryCodec::hourStart(t0), idStart(extent->first, kHour));
    const std::int64_t last = std::min(t1, idStart(extent->second, kHour) + kHour);
    for (std::int64_t hour = first; hour < last; hour += kHour) {
        (*q)->bindValue(0, static_cast<qint64>(summaryId(hour, id.value())));
        if (Status s = d->exec(**q, u"reading summaries of %1"_s.arg(service)); !s)
            return Error{s.error()};
        if ((*q)->next()) {
            SummaryCodec::Buckets buckets{};
            if (SummaryCodec::decode((*q)->value(0).toByteArray(), buckets)) {
                for (const SeriesPoint &p : SummaryCodec::points(buckets, kind, hour))
                    if (p.t >= t0 && p.t < t1)
                        out.push_back(p);
            }
        }
        (*q)->finish();
    }
    return out;
}

Result<std::vector<StoredTransition>> HistoryStore::transitions(const QString &service, std::int64_t t0,
                                                                std::int64_t t1)
{
    if (!d->open)
        return Error{d->problem.isEmpty() ? u"%1: the store is not open"_s.arg(d->path) : d->problem};
    std::vector<StoredTransition> out;
    if (service.isEmpty()) {
        auto all = d->readTransitions(std::nullopt, t0, t1);
        if (!all)
            return all;
        out = std::move(*all);
    } else if (auto id = d->dbIds.constFind(service); id != d->dbIds.constEnd()) {
        auto one = d->readTransitions(id.value(), t0, t1);
        if (!one)
            return one;
        out = std::move(*one);
    }
    d->addQueuedTransitions(service, t0, t1, out);
    return out;
}

Result<std::vector<Alert>> HistoryStore::alerts(std::int64_t t0, std::int64_t t1)
{
    if (!d->open)
        return Error{d->problem.isEmpty() ? u"%1: the store is not open"_s.arg(d->path) : d->problem};
    auto q = d->prepare(u"SELECT service, source, kind, fired_at, since, resolved_at, summary FROM alerts "
                        u"WHERE fired_at < ? AND (resolved_at IS NULL OR resolved_at >= ?) ORDER BY fired_at, id"_s);
    if (!q)
        return Error{q.error()};
    (*q)->bindValue(0, static_cast<qint64>(t1));
    (*q)->bindValue(1, static_cast<qint64>(t0));
    if (Status s = d->exec(**q, u"reading alerts"_s); !s)
        return Error{s.error()};
    std::vector<Alert> out;
    while ((*q)->next()) {
        Alert a;
        a.service = d->dbNames.value((*q)->value(0).toInt());
        a.source = (*q)->value(1).toInt() == 1 ? AlertSource::Real : AlertSource::Simulated;
        a.kind = static_cast<AlertKind>(std::clamp((*q)->value(2).toInt(), 0, 2));
        a.firedAtMs = (*q)->value(3).toLongLong();
        a.sinceMs = (*q)->value(4).toLongLong();
        if (!(*q)->value(5).isNull())
            a.resolvedAtMs = (*q)->value(5).toLongLong();
        a.summary = (*q)->value(6).toString();
        out.push_back(std::move(a));
    }
    (*q)->finish();
    for (const Record &record : d->queue) {
        const auto *a = std::get_if<Alert>(&record);
        if (!a || a->firedAtMs >= t1 || (a->resolvedAtMs && *a->resolvedAtMs < t0))
            continue;
        auto same = std::find_if(out.begin(), out.end(), [a](const Alert &o) {
            return o.service == a->service && o.source == a->source && o.kind == a->kind && o.firedAtMs == a->firedAtMs;
        });
        if (same != out.end())
            *same = *a;
        else
            out.push_back(*a);
    }
    return out;
}

Result<std::vector<StoredAuditEntry>> HistoryStore::auditEntries(std::int64_t t0, std::int64_t t1)
{
    if (!d->open)
        return Error{d->problem.isEmpty() ? u"%1: the store is not open"_s.arg(d->path) : d->problem};
    auto q = d->prepare(u"SELECT id, at, who, service, target, action, outcome, detail FROM audit "
                        u"WHERE at >= ? AND at < ? ORDER BY id"_s);
    if (!q)
        return Error{q.error()};
    (*q)->bindValue(0, static_cast<qint64>(t0));
    (*q)->bindValue(1, static_cast<qint64>(t1));
    if (Status s = d->exec(**q, u"reading the audit log"_s); !s)
        return Error{s.error()};
    std::vector<StoredAuditEntry> out;
    while ((*q)->next()) {
        StoredAuditEntry e;
        e.id = (*q)->value(0).toLongLong();
        e.atMs = (*q)->value(1).toLongLong();
        e.who = (*q)->value(2).toString();
        e.service = (*q)->value(3).toString();
        e.target = (*q)->value(4).toString();
        e.action = (*q)->value(5).toString();
        e.outcome = (*q)->value(6).toString();
        e.detail = (*q)->value(7).toString();
        out.push_back(std::move(e));
    }
    (*q)->finish();
    // Entries still queued (not on disk yet) come last, without a row id.
    QHash<std::int64_t, std::size_t> queuedAt;
    for (const Record &record : d->queue) {
        if (const auto *append = std::get_if<AuditAppend>(&record)) {
            if (append->entry.atMs < t0 || append->entry.atMs >= t1)
                continue;
            StoredAuditEntry e;
            e.atMs = append->entry.atMs;
            e.who = append->entry.who;
            e.service = append->entry.service;
            e.target = append->entry.target;
            e.action = append->entry.action;
            e.outcome = append->entry.outcome;
            e.detail = append->entry.detail;
            queuedAt.insert(append->key, out.size());
            out.push_back(std::move(e));
        } else if (const auto *complete = std::get_if<AuditComplete>(&record)) {
            const std::int64_t row = d->auditRows.value(complete->key, 0);
            auto it = queuedAt.constFind(complete->key);
            StoredAuditEntry *target = nullptr;
            if (it != queuedAt.constEnd())
                target = &out[it.value()];
            else if (row != 0)
                for (StoredAuditEntry &e : out)
                    if (e.id == row)
                        target = &e;
            if (target) {
                target->outcome = complete->outcome;
                target->detail = complete->detail;
            }
        }
    }
    return out;
}

Result<RestoreReport> HistoryStore::restore(FleetHistory &history, const QStringList &services, std::int64_t fromMs,
                                            std::int64_t toMs)
{
    if (!d->open)
        return Error{d->problem.isEmpty() ? u"%1: the store is not open"_s.arg(d->path) : d->problem};
    RestoreReport report;
    if (history.serviceCount() < services.size())
        history.resize(static_cast<int>(services.size()));
    if (toMs <= fromMs)
        return report;

    const HistoryRetention &retention = history.retention();
    const std::int64_t rawFrom = floorTo(
        toMs - static_cast<std::int64_t>(retention.buckets[0]) * kSeriesLevelWidthMs[0], kSeriesLevelWidthMs[1]);
    const std::int64_t tenSecondsFrom = floorTo(
        toMs - static_cast<std::int64_t>(retention.buckets[1]) * kSeriesLevelWidthMs[1], kSeriesLevelWidthMs[2]);
    const std::int64_t minuteFrom = toMs - static_cast<std::int64_t>(retention.buckets[2]) * kSeriesLevelWidthMs[2];

    std::vector<RestoreFeed> feeds(static_cast<std::size_t>(services.size()));
    QHash<int, RestoreFeed *> byDbId;
    QHash<int, RestoreFeed *> byLocal;
    for (qsizetype i = 0; i < services.size(); ++i) {
        RestoreFeed &feed = feeds[static_cast<std::size_t>(i)];
        feed.history = &history;
        feed.index = static_cast<int>(i);
        feed.rawFrom = rawFrom;
        feed.tenSecondsFrom = tenSecondsFrom;
        feed.from = fromMs;
        feed.to = toMs;
        if (auto id = d->dbIds.constFind(services[i]); id != d->dbIds.constEnd()) {
            byDbId.insert(id.value(), &feed);
            ++report.services;
        }
        if (auto local = d->localIndex.constFind(services[i]); local != d->localIndex.constEnd())
            byLocal.insert(local.value(), &feed);
    }

    auto summaries = d->prepare(u"SELECT service, data FROM obs_summary WHERE id >= ? AND id < ?"_s);
    auto blocks = d->prepare(u"SELECT service, start, data FROM obs_block WHERE id >= ? AND id < ?"_s);
    if (!summaries)
        return Error{summaries.error()};
    if (!blocks)
        return Error{blocks.error()};
    auto extent = d->idExtent(u"obs_block"_s);
    if (!extent)
        return Error{extent.error()};
    auto summaryExtent = d->idExtent(u"obs_summary"_s);
    if (!summaryExtent)
        return Error{summaryExtent.error()};

    // Hour by hour, so that each service's data arrives in time order whichever table it comes from. An hour comes
    // from its summary where the display store keeps no finer level than 10 min, or where its raw blocks are gone.
    std::vector<Observation> obs;
    QHash<int, QByteArray> summaryRows;
    QHash<int, std::vector<std::pair<std::int64_t, QByteArray>>> blockRows;
    const std::int64_t firstHour = SummaryCodec::hourStart(fromMs);
    for (std::int64_t hour = firstHour; hour < toMs; hour += kHour) {
        summaryRows.clear();
        blockRows.clear();
        const bool summariesHere = summaryExtent->first <= summaryExtent->second &&
                                   summaryId(hour, 0) <= summaryExtent->second &&
                                   summaryId(hour + kHour, 0) > summaryExtent->first;
        if (summariesHere) {
            (*summaries)->bindValue(0, static_cast<qint64>(summaryId(hour, 0)));
            (*summaries)->bindValue(1, static_cast<qint64>(summaryId(hour + kHour, 0)));
            if (Status s = d->exec(**summaries, u"restoring summaries"_s); !s)
                return Error{s.error()};
            while ((*summaries)->next()) {
                const int service = (*summaries)->value(0).toInt();
                if (byDbId.contains(service))
                    summaryRows.insert(service, (*summaries)->value(1).toByteArray());
            }
            (*summaries)->finish();
        }
        const bool blocksHere = extent->first <= extent->second && blockId(hour, 0) <= extent->second &&
                                blockId(hour + kHour, 0) > extent->first;
        if (blocksHere) {
            (*blocks)->bindValue(0, static_cast<qint64>(blockId(hour, 0)));
            (*blocks)->bindValue(1, static_cast<qint64>(blockId(hour + kHour, 0)));
            if (Status s = d->exec(**blocks, u"restoring observations"_s); !s)
                return Error{s.error()};
            while ((*blocks)->next()) {
                const int service = (*blocks)->value(0).toInt();
                const std::int64_t start = (*blocks)->value(1).toLongLong();
                if (byDbId.contains(service) && start + kSpan > fromMs)
                    blockRows[service].emplace_back(start, (*blocks)->value(2).toByteArray());
            }
            (*blocks)->finish();
        }
        for (auto it = byDbId.cbegin(); it != byDbId.cend(); ++it) {
            RestoreFeed *feed = it.value();
            const auto summary = summaryRows.constFind(it.key());
            const auto raw = blockRows.constFind(it.key());
            const bool hasRaw = raw != blockRows.constEnd();
            if (summary != summaryRows.constEnd() && (hour + kHour <= minuteFrom || !hasRaw)) {
                SummaryCodec::Buckets buckets{};
                if (SummaryCodec::decode(summary.value(), buckets)) {
                    for (int s = 0; s < kSeriesKindCount; ++s) {
                        const auto kind = static_cast<SeriesKind>(s);
                        for (const SeriesPoint &p : SummaryCodec::points(buckets, kind, hour))
                            feed->point(kind, p);
                    }
                    ++report.summaries;
                    continue;
                }
            }
            if (!hasRaw)
                continue;
            for (const auto &[start, bytes] : raw.value()) {
                obs.clear();
                if (Status s = ObservationCodec::decode(bytes, start, obs); !s) {
                    qCWarning(lcStore).noquote() << d->path << "restore skips a block:" << s.error();
                    continue;
                }
                for (const Observation &o : obs)
                    feed->observation(o);
                ++report.blocks;
            }
        }
        for (const auto &[key, block] : d->pending) {
            if (key.first < hour || key.first >= hour + kHour)
                continue;
            RestoreFeed *feed = byLocal.value(key.second);
            if (!feed)
                continue;
            obs = block.obs;
            std::stable_sort(obs.begin(), obs.end(),
                             [](const Observation &a, const Observation &b) { return a.t < b.t; });
            for (const Observation &o : obs)
                feed->observation(o);
        }
    }

    for (qsizetype i = 0; i < services.size(); ++i) {
        RestoreFeed &feed = feeds[static_cast<std::size_t>(i)];
        feed.finish();
        report.observations += feed.observations;
        std::vector<StoredTransition> transitions;
        std::array<std::optional<StoredTransition>, kTrackKindCount> before;
        if (auto id = d->dbIds.constFind(services[i]); id != d->dbIds.constEnd()) {
            auto read = d->readTransitions(id.value(), fromMs, toMs);
            if (!read)
                return Error{read.error()};
            transitions = std::move(*read);
            for (int track = 0; track < kTrackKindCount; ++track) {
                auto b = d->stateBefore(id.value(), static_cast<TrackKind>(track), fromMs);
                if (!b)
                    return Error{b.error()};
                before[static_cast<std::size_t>(track)] = *b;
            }
        }
        d->addQueuedTransitions(services[i], fromMs, toMs, transitions);
        for (int track = 0; track < kTrackKindCount; ++track) {
            const auto kind = static_cast<TrackKind>(track);
            auto stateOf = [kind](const Observation &o) {
                return kind == TrackKind::Simulated ? std::optional(o.state) : o.observedState;
            };
            std::int64_t latest = std::numeric_limits<std::int64_t>::min();
            // The state in force when the range begins: the last transition before it, else the first poll's.
            if (const auto &b = before[static_cast<std::size_t>(track)]) {
                history.appendState(feed.index, kind, fromMs, b->to, b->reason);
                latest = fromMs;
            } else if (feed.first && stateOf(*feed.first)) {
                const bool transitionFirst = std::any_of(transitions.begin(), transitions.end(), [&](const auto &t) {
                    return t.track == kind && t.t <= feed.first->t;
                });
                if (!transitionFirst) {
                    history.appendState(feed.index, kind, feed.first->t, *stateOf(*feed.first));
                    latest = feed.first->t;
                }
            }
            for (const StoredTransition &t : transitions) {
                if (t.track != kind)
                    continue;
                history.appendState(feed.index, kind, t.t, t.to, t.reason);
                latest = std::max(latest, t.t);
                ++report.transitions;
            }
            // The state seen at the last poll extends the current run up to it.
            if (feed.last && feed.last->t >= latest && stateOf(*feed.last))
                history.appendState(feed.index, kind, feed.last->t, *stateOf(*feed.last));
        }
    }
    return report;
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
