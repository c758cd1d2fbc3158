#pragma once

#include "common/result.h"
#include "fleet/breakerid.h"

#include <QSqlDatabase>
#include <QString>
#include <QStringList>

#include <functional>
#include <vector>

namespace bw {

// The store's schema as an ordered list of migrations. A database records each migration applied in the
// `schema_version` table (version, applied_at epoch ms, description); its version is the highest one. Opening runs
// every migration above that, in order, each in its own transaction together with its `schema_version` row, so a
// crash mid-upgrade leaves the file at the previous version, never half way. A new (empty) file skips the
// migrations: creation() makes the current tables in one transaction and records the current version alone.
//
// Version 1 (services, raw observation blocks and their staging area, transitions with the reason text inline, the
// audit log), version 2 (reason texts interned in `reasons`, the reason kind, alert episodes) and version 3 (hourly
// summaries for retention) are the layouts this store went through while it was designed; version 3 is the first
// that Breakerwatch shipped. Version 4 replaced the staging area's row per service and flush by one row per flush
// (and converts the rows it finds). Version 5 names the breaker of each row of `services` (service, instance,
// breaker; BreakerId::key() stays the name): rows from before the fleet model, named by a plain service name, become
// legacy rows (service only), which the first health breaker of that service to be written adopts (see
// historystore.h); nothing else moves, so every observation, transition, alert and summary keeps its row. Version 6
// adds the acknowledgements and local silences of alerts (new tables, nothing moves). They all stay as real, tested
// migrations. Tables of the current version:
//
//   schema_version(version INTEGER PRIMARY KEY, applied_at INTEGER, description TEXT)
//   meta(key TEXT PRIMARY KEY, value)          clean_shutdown, sealed_until, summarised_until, raw_horizon
//   services(id INTEGER PRIMARY KEY, name TEXT UNIQUE, service, instance, breaker), index (service, breaker,
//       instance): name is the key (BreakerId::key()); a legacy row has instance '' and breaker ''
//   obs_block(id INTEGER PRIMARY KEY, service, start, count, data BLOB)
//       one sealed 10-minute block of one service; id = (start / 600000) * 2^20 + service, so rows are in time order
//       (appends fill pages completely) and a time range of the whole fleet is one contiguous scan
//   obs_recent(seq INTEGER PRIMARY KEY, last_start, data BLOB)
//       what one flush added to blocks not sealed yet: zigzag varint of the first block index (start / 600000),
//       then for each (service, block) a chunk: varint service, varint block index minus the first, varint length,
//       and an ObservationCodec block. A flush seals every block
//       whose span ended sealGraceMs before max(now, sealed_until) and moves sealed_until up to that time, in the
//       same transaction; a row goes once its last block is sealed, and chunks of sealed blocks are skipped on load
//       (their observations are in obs_block already)
//   obs_summary(id INTEGER PRIMARY KEY, service, start, data BLOB)
//       one hour of one service in 10-minute buckets; id = (start / 3600000) * 2^20 + service
//   reasons(id INTEGER PRIMARY KEY, text TEXT UNIQUE)      id 0 is the empty reason
//   transitions(id INTEGER PRIMARY KEY, service, track, t, from_state, to_state, reason, kind), index (service, t)
//   alerts(id INTEGER PRIMARY KEY, service, source, kind, fired_at, since, resolved_at NULL, summary),
//       unique (service, source, kind, fired_at): one row per episode, updated when it resolves
//   audit(id INTEGER PRIMARY KEY, at, who, service, target, action, outcome, detail)
//   acknowledgements(id TEXT PRIMARY KEY, breaker, source, kind, fired_at, at, who, comment, ended_at NULL), index (at)
//       breaker is its key (BreakerId::key()); one row per acknowledgement, updated when its episode ends
//   silences(id TEXT PRIMARY KEY, matchers TEXT, starts_at, ends_at, created_by, comment, expired_at NULL),
//       index (ends_at): local silences only (Alertmanager keeps its own); matchers as JSON (matchersToJson())
class StoreSchema
{
public:
    struct Migration
    {
        int version = 0;
        QString description;
        QStringList statements;
        // Runs after the statements, in the same transaction (for what SQL alone cannot do).
        std::function<Status(QSqlDatabase &)> code;
    };

    static const std::vector<Migration> &migrations();
    // The current schema for a new file, as one step at currentVersion(); the same tables and indexes as every
    // migration applied in turn (tst_historystore compares the two).
    static const Migration &creation();
    static int currentVersion();
    // The breaker a name of version 4 stood for: BreakerId::parse() of a key with an instance ("svc/b@host:1",
    // "svc@host:1"), else the plain service name of a legacy row (service = name, instance and breaker empty).
    static BreakerId breakerOfLegacyName(const QString &name);
};

} // namespace bw
