#pragma once

// Private to the history store: HistoryStore::Private, shared by the files that implement its jobs
// (historystoreconnection.cpp: open, migrate, health, set aside; historystorewrites.cpp: the observation buffer,
// flushes and queued durable records; historystorecompaction.cpp: hourly summaries and retention;
// historystorerestore.cpp: reads and restore). Not installed, not for use outside core/store.

#include "store/historystore.h"
#include "store/observationcodec.h"
#include "store/sqliteerror.h"
#include "store/storeschema.h"
#include "store/summarycodec.h"

#include <QDir>
#include <QHash>
#include <QLoggingCategory>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <deque>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <unordered_map>
#include <variant>

Q_DECLARE_LOGGING_CATEGORY(lcStore)

namespace bw {

namespace storedetail {

inline constexpr std::int64_t kSpan = ObservationCodec::kBlockSpanMs;
inline constexpr std::int64_t kHour = SummaryCodec::kSpanMs;
inline constexpr std::int64_t kServiceSlots = std::int64_t{1}
                                              << 20; // ids of obs_block/obs_summary: slot * 2^20 + service
inline constexpr int kPageSize = 16384; // 15 blocks of ~1 KB a page: 4 KB pages would leave a quarter empty

inline std::int64_t floorDiv(std::int64_t t, std::int64_t width)
{
    std::int64_t q = t / width;
    if (t % width != 0 && t < 0)
        --q;
    return q;
}
inline std::int64_t floorTo(std::int64_t t, std::int64_t width)
{
    return floorDiv(t, width) * width;
}
inline std::int64_t blockId(std::int64_t start, int service)
{
    return floorDiv(start, kSpan) * kServiceSlots + service;
}
inline std::int64_t summaryId(std::int64_t start, int service)
{
    return floorDiv(start, kHour) * kServiceSlots + service;
}
// Start of the block or hour an id belongs to.
inline std::int64_t idStart(std::int64_t id, std::int64_t width)
{
    return floorDiv(id, kServiceSlots) * width;
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
using Record = std::variant<StoredTransition, Alert, AuditAppend, AuditComplete, Acknowledgement, Silence>;

// A block that is not sealed yet. What earlier flushes staged is on disk only (obs_recent), so that the store's
// memory does not grow with the block's span: sealing and the reads of recent data decode it from there.
struct PendingBlock
{
    std::vector<Observation> fresh; // not written yet, arrival order
    std::size_t staged = 0;         // observations of this block in obs_recent (under its service's row id)

    std::size_t size() const { return staged + fresh.size(); }
};
using PendingKey = std::pair<std::int64_t, int>; // (block start, local service index)

} // namespace storedetail

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
    QHash<int, BreakerId> dbBreakers; // the row's service, instance and breaker columns
    QHash<QString, int> legacyRows;   // service -> its row from before the fleet model (instance and breaker '')
    QHash<QString, int> reasonIds;

    std::map<storedetail::PendingKey, storedetail::PendingBlock> pending;
    std::size_t unflushed = 0;
    std::deque<storedetail::Record> queue;
    QHash<std::int64_t, std::int64_t> auditRows; // caller's key -> audit row id

    std::int64_t sealedUntil = std::numeric_limits<std::int64_t>::min();     // see obs_recent in storeschema.h
    std::int64_t summarisedUntil = std::numeric_limits<std::int64_t>::min(); // hours before it are summarised
    std::int64_t rawHorizon = std::numeric_limits<std::int64_t>::min();      // raw blocks before it are deleted

    explicit Private(StoreOptions o) : options(std::move(o))
    {
        path = QDir(options.dataDir).filePath(HistoryStore::fileName());
    }

    // --- plumbing ---

    Error failWith(const QString &message);
    Error fail(const QString &doing, const QSqlError &error);
    Result<QSqlQuery *> prepare(const QString &sql);
    Status exec(QSqlQuery &q, const QString &doing);

    // For one record of a durable write: a record SQLite rejects (a constraint, a value too big) is dropped and
    // counted, so that it cannot block the queue behind it forever. Returns false on any other failure.
    enum class RecordWrite : std::uint8_t
    {
        Written,
        Dropped,
        Failed
    };
    RecordWrite execRecord(QSqlQuery &q, const QString &doing, Status &status);
    Status execSql(const QString &sql, const QString &doing);
    Status setSync(Sync wanted);
    Status begin(Sync mode);
    Status commit(const QString &doing);
    void rollback();
    // Ends a failed transaction and passes its error on.
    Status abort(Status status);
    void closeConnection();
    int localOf(const QString &name);

    // Outside a transaction: a new name is inserted at once (autocommit), so a failed transaction never leaves the
    // caches pointing at a row that is not there.
    Result<int> serviceId(const QString &name);
    void noteRow(int id, const QString &name, const BreakerId &breaker);
    // A health breaker (service@instance) named for the first time takes over its service's legacy row, if there is
    // one and nothing is filed under its key yet: the row is renamed, the history stays where it is. Outside a
    // transaction; true if it did.
    Result<bool> adoptLegacy(const QString &key);
    // What this object buffers under `from` now belongs to `to` (merged, oldest durable first).
    void renameLocal(const QString &from, const QString &to);
    Result<int> reasonId(const QString &text);
    Status writeMeta(const QString &key, const QVariant &value);

    // --- open ---

    Status openFile(std::int64_t nowMs);
    Status migrate(std::int64_t nowMs);
    Status applyMigration(const StoreSchema::Migration &m, const QString &what, std::int64_t nowMs);
    Status loadState();

    // --- writes ---

    Status resolveIds(const std::vector<storedetail::Record> &records);
    Status writeRecords(const std::vector<storedetail::Record> &records);
    Status drainQueue();
    Status durable(storedetail::Record record);
    void queueRecord(storedetail::Record record);
    Status flushObservations(std::int64_t nowMs, bool seal);
    // Appends the staged observations of `keys` (blocks with `staged` > 0), read back from obs_recent in the order
    // they were staged, to out[key]. A damaged chunk is skipped with a warning.
    Status readStaged(const std::set<storedetail::PendingKey> &keys,
                      std::map<storedetail::PendingKey, std::vector<Observation>> &out);
    Status summariseHour(std::int64_t hour, std::optional<int> onlyService);
    void enforceBounds();

    // --- reads ---

    Result<std::vector<std::vector<Observation>>> readObservations(const std::vector<QString> &services,
                                                                   std::int64_t t0, std::int64_t t1);

    Result<std::vector<StoredTransition>> readTransitions(std::optional<int> service, std::int64_t t0, std::int64_t t1);
    void addQueuedTransitions(const QString &service, std::int64_t t0, std::int64_t t1,
                              std::vector<StoredTransition> &out) const;
    Result<std::optional<StoredTransition>> stateBefore(int service, TrackKind track, std::int64_t t);
    Result<std::pair<std::int64_t, std::int64_t>> idExtent(const QString &table);
    struct RestoreRow
    {
        int row = 0;
        QString key;
    };
    // Adopts legacy rows for the keys first (see adoptLegacy()).
    Result<RestoreReport> restoreRows(FleetHistory &history, const std::vector<RestoreRow> &rows, std::int64_t fromMs,
                                      std::int64_t toMs);
};

} // namespace bw
