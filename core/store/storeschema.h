#pragma once

#include <QString>
#include <QStringList>

#include <vector>

namespace bw {

// The store's schema as an ordered list of migrations. A database records each migration applied in the
// `schema_version` table (version, applied_at epoch ms, description); its version is the highest one. Opening runs
// every migration above that, in order, each in its own transaction together with its `schema_version` row, so a
// crash mid-upgrade leaves the file at the previous version, never half way.
//
// Version 1 (services, raw observation blocks and their staging area, transitions with the reason text inline, the
// audit log), version 2 (reason texts interned in `reasons`, the reason kind, alert episodes) and version 3 (hourly
// summaries for retention) are the layouts this store went through while it was designed; they stay as real,
// tested migrations. Tables of the current version:
//
//   schema_version(version INTEGER PRIMARY KEY, applied_at INTEGER, description TEXT)
//   meta(key TEXT PRIMARY KEY, value)                      clean_shutdown, summarised_until, raw_horizon
//   services(id INTEGER PRIMARY KEY, name TEXT UNIQUE)
//   obs_block(id INTEGER PRIMARY KEY, service, start, count, data BLOB)
//       one sealed 10-minute block of one service; id = (start / 600000) * 2^20 + service, so rows are in time order
//       (appends fill pages completely) and a time range of the whole fleet is one contiguous scan
//   obs_recent(block_start, service, seq, data BLOB, PRIMARY KEY(block_start, service, seq)) WITHOUT ROWID
//       chunks of blocks not sealed yet, one per flush; folded into obs_block and deleted when the block is sealed
//   obs_summary(id INTEGER PRIMARY KEY, service, start, data BLOB)
//       one hour of one service in 10-minute buckets; id = (start / 3600000) * 2^20 + service
//   reasons(id INTEGER PRIMARY KEY, text TEXT UNIQUE)      id 0 is the empty reason
//   transitions(id INTEGER PRIMARY KEY, service, track, t, from_state, to_state, reason, kind), index (service, t)
//   alerts(id INTEGER PRIMARY KEY, service, source, kind, fired_at, since, resolved_at NULL, summary),
//       unique (service, source, kind, fired_at): one row per episode, updated when it resolves
//   audit(id INTEGER PRIMARY KEY, at, who, service, target, action, outcome, detail)
class StoreSchema
{
public:
    struct Migration
    {
        int version = 0;
        QString description;
        QStringList statements;
    };

    static const std::vector<Migration> &migrations();
    static int currentVersion();
};

} // namespace bw
