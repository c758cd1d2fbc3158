#pragma once

#include "alerts/acknowledgement.h"
#include "alerts/alerttracker.h"
#include "alerts/silence.h"
#include "breaker/transition.h"
#include "common/result.h"
#include "control/auditlog.h"
#include "fleet/breakerid.h"
#include "history/fleethistory.h"
#include "observed/observedtransition.h"
#include "store/storetypes.h"

#include <QString>
#include <QStringList>

#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

namespace bw {

// The history that survives a restart: one SQLite file, <dataDir>/breakerwatch.sqlite, in WAL mode.
//
// What goes in, and how durably:
// - Observations (one per poll: three series, the outcome, the breaker states) are buffered in memory and written by
//   flush(nowMs), one transaction per call with synchronous=NORMAL: the caller flushes every 1-5 s. Each service's
//   observations live in 10-minute blocks (ObservationCodec, ~1 KB per service and block at 1 s polling); until a
//   block is sealed (its span ended sealGraceMs ago) each flush stores only the new observations as a chunk of it.
// - Transitions, alert episodes and audit entries are written at once, each call in its own transaction with
//   synchronous=FULL: when the call returns success the record is on disk.
// - compact(nowMs) summarises complete hours into 10-minute buckets and applies StoreRetention.
//
// Errors never throw and never lose what was committed. Every failure (cannot create the directory, read-only,
// disk full, a damaged file) comes back as a Status naming the file and what went wrong, and makes the store
// degraded (health()). A degraded store keeps observations in memory (at most maxBufferedObservations not yet on
// disk; beyond that the oldest are dropped and counted), queues the durable records that failed (at most
// maxQueuedRecords), and tries again at each flush(): reopening the file if it was never opened, except when the
// file itself is damaged or from a newer Breakerwatch (then it waits for open() or setAsideAndRecreate()).
// A damaged write-ahead log found at open is reported as a warning (degraded) until clearWarning().
//
// Reads (observations(), transitions(), restore(), ...) see what is on disk plus what is still in memory.
//
// Breakers are filed under their key (BreakerId::key(), "service/breaker@instance"); the calls that take a QString
// take that key. A store from before the fleet model (schema 4 or older) is migrated with its history: each service
// it knew by a plain name ("payments") is a legacy row, and the first write or restore() that names a health breaker
// of that service ("payments@host:8080") while nothing is filed under that key takes the row over: its history
// continues as that breaker's. One instance adopts it; the others start empty.
//
// Threading: none inside. Create, use and destroy it on one thread (the Qt SQL connection belongs to the thread
// that opened it). The apps run it on a worker thread of its own (StoreThread), the history CLI commands directly.
// Time is always passed in.
class HistoryStore
{
public:
    explicit HistoryStore(StoreOptions options);
    ~HistoryStore(); // close()
    HistoryStore(const HistoryStore &) = delete;
    HistoryStore &operator=(const HistoryStore &) = delete;

    static QString fileName(); // "breakerwatch.sqlite"
    QString filePath() const;

    // Opens or creates the file: WAL mode, the integrity check, migrations, then it reloads the chunks of blocks
    // that were not sealed yet. On failure the store stays usable, degraded (see above).
    Status open(std::int64_t nowMs);
    // Writes what it can (without sealing open blocks), records a clean shutdown and closes the file.
    void close();
    bool isOpen() const;
    // Renames a damaged file (and its -wal/-shm) to <name>.damaged-<nowMs> and opens a fresh one.
    Status setAsideAndRecreate(std::int64_t nowMs);

    StoreHealth health() const;
    void clearWarning();

    // Writes. A breaker (or key) seen for the first time gets a row in `services`, or adopts a legacy row (above).
    void appendObservation(const BreakerId &breaker, const Observation &observation);
    Status appendTransition(const BreakerId &breaker, TrackKind track, const Transition &transition);
    // An observed (real) breaker's transition; its reason says how it was seen.
    Status appendObservedTransition(const BreakerId &breaker, const ObservedTransition &transition);
    // The same by key (BreakerId::key(), or a plain name of a store from before the fleet model).
    void appendObservation(const QString &key, const Observation &observation);
    Status appendTransition(const QString &key, TrackKind track, const Transition &transition);
    Status appendObservedTransition(const QString &key, const ObservedTransition &transition);
    // Several transitions in one durable transaction.
    Status appendTransitions(const std::vector<StoredTransition> &transitions);
    // An alert episode, fired or resolved: one row per (service, source, kind, firedAtMs), updated on resolve.
    Status recordAlert(const Alert &alert);
    // An audit entry; `key` is the caller's handle for completeAudit() (e.g. its AuditLog index), valid while this
    // object lives. completeAudit() sets the outcome of a pending entry (pending -> done/refused/unknown).
    Status appendAudit(std::int64_t key, const AuditEntry &entry);
    Status completeAudit(std::int64_t key, const QString &outcome, const QString &detail);
    // An acknowledgement of an alert, made or ended (one row per id, updated), and a local silence, made or expired
    // (one row per id, updated). Durable like the audit log.
    Status recordAcknowledgement(const Acknowledgement &acknowledgement);
    Status recordSilence(const Silence &silence);

    // Writes buffered observations (and retries queued records, or the open). Call every 1-5 s.
    Status flush(std::int64_t nowMs);
    // Summarises at most maxHours complete hours, then deletes what the retention says is too old.
    Result<CompactionReport> compact(std::int64_t nowMs, int maxHours = 48);

    // Reads; [t0, t1) in epoch ms.
    // Every breaker the store holds (on disk or buffered), in BreakerId order; a legacy row is {service, "", ""}.
    Result<std::vector<BreakerId>> breakers();
    // Their keys, sorted.
    Result<QStringList> serviceNames();
    Result<std::vector<Observation>> observations(const BreakerId &breaker, std::int64_t t0, std::int64_t t1);
    Result<std::vector<Observation>> observations(const QString &key, std::int64_t t0, std::int64_t t1);
    // The same for several breakers at once (one list each, in `breakers` order): the unsealed blocks of all of
    // them are read back from the staging rows in one pass.
    Result<std::vector<std::vector<Observation>>> observations(const std::vector<BreakerId> &breakers, std::int64_t t0,
                                                               std::int64_t t1);
    // 10-minute summary points of one series (hours summarised so far).
    Result<std::vector<SeriesPoint>> summaryPoints(const BreakerId &breaker, SeriesKind kind, std::int64_t t0,
                                                   std::int64_t t1);
    Result<std::vector<SeriesPoint>> summaryPoints(const QString &key, SeriesKind kind, std::int64_t t0,
                                                   std::int64_t t1);
    // Transitions of one breaker; by key: of every breaker when `key` is empty. By t, then order of arrival;
    // StoredTransition::service is the key.
    Result<std::vector<StoredTransition>> transitions(const BreakerId &breaker, std::int64_t t0, std::int64_t t1);
    Result<std::vector<StoredTransition>> transitions(const QString &key, std::int64_t t0, std::int64_t t1);
    // Alert episodes active at some time in [t0, t1), by firedAtMs.
    Result<std::vector<Alert>> alerts(std::int64_t t0, std::int64_t t1);
    Result<std::vector<StoredAuditEntry>> auditEntries(std::int64_t t0, std::int64_t t1);
    // Acknowledgements made at or after `sinceMs`, by time (ended ones too, with endedAtMs).
    Result<std::vector<Acknowledgement>> acknowledgements(std::int64_t sinceMs);
    // Local silences still in force at `nowMs` or later (not expired by hand, ending after it), by end.
    Result<std::vector<Silence>> silences(std::int64_t nowMs);

    // Fills `history` for `breakers` (row = position in the list; the fleet grows to fit) with [fromMs, toMs):
    // the series at the resolution each level of the display store keeps (raw samples for its 1 s level, 10 s and
    // 1 min roll-ups, hourly summaries where the 1 min level does not reach), and each breaker's track: the state in
    // force at fromMs, the transitions, and the state at the last poll. Breakers not in the store are left empty; a
    // health breaker may adopt its service's legacy row first (above). Appends to the rows: restore into empty ones.
    Result<RestoreReport> restore(FleetHistory &history, const std::vector<BreakerId> &breakers, std::int64_t fromMs,
                                  std::int64_t toMs);
    // The same for breakers each into a row of its own (breakers found after start): (row, breaker) pairs.
    Result<RestoreReport> restore(FleetHistory &history, const std::vector<std::pair<int, BreakerId>> &rows,
                                  std::int64_t fromMs, std::int64_t toMs);
    // By keys (row = position).
    Result<RestoreReport> restore(FleetHistory &history, const QStringList &keys, std::int64_t fromMs,
                                  std::int64_t toMs);

    // Runs PRAGMA integrity_check (or quick_check) and decodes every block, chunk and summary.
    Result<VerifyReport> verify(IntegrityCheck check = IntegrityCheck::Full);
    // Moves the whole write-ahead log into the database file and truncates it.
    Status checkpoint();
    struct FileSizes
    {
        std::int64_t database = 0;
        std::int64_t wal = 0;
    };
    FileSizes fileSizes() const;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace bw
