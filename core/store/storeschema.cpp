#include "store/storeschema.h"

using namespace Qt::StringLiterals;

namespace bw {

const std::vector<StoreSchema::Migration> &StoreSchema::migrations()
{
    static const std::vector<Migration> list = {
        {1,
         u"services, observation blocks, transitions, audit log"_s,
         {
             u"CREATE TABLE IF NOT EXISTS schema_version(version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL, "
             u"description TEXT NOT NULL)"_s,
             u"CREATE TABLE meta(key TEXT PRIMARY KEY, value) WITHOUT ROWID"_s,
             u"CREATE TABLE services(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)"_s,
             u"CREATE TABLE obs_block(id INTEGER PRIMARY KEY, service INTEGER NOT NULL, start INTEGER NOT NULL, "
             u"count INTEGER NOT NULL, data BLOB NOT NULL)"_s,
             u"CREATE TABLE obs_recent(block_start INTEGER NOT NULL, service INTEGER NOT NULL, seq INTEGER NOT NULL, "
             u"data BLOB NOT NULL, PRIMARY KEY(block_start, service, seq)) WITHOUT ROWID"_s,
             u"CREATE TABLE transitions(id INTEGER PRIMARY KEY, service INTEGER NOT NULL, track INTEGER NOT NULL, "
             u"t INTEGER NOT NULL, from_state INTEGER NOT NULL, to_state INTEGER NOT NULL, reason TEXT NOT NULL)"_s,
             u"CREATE INDEX transitions_by_service ON transitions(service, t)"_s,
             u"CREATE TABLE audit(id INTEGER PRIMARY KEY, at INTEGER NOT NULL, who TEXT NOT NULL, "
             u"service TEXT NOT NULL, target TEXT NOT NULL, action TEXT NOT NULL, outcome TEXT NOT NULL, "
             u"detail TEXT NOT NULL)"_s,
         }},
        {2,
         u"reason texts interned, reason kind, alert episodes"_s,
         {
             u"CREATE TABLE reasons(id INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE)"_s,
             u"INSERT INTO reasons(id, text) VALUES (0, '')"_s,
             u"INSERT OR IGNORE INTO reasons(text) SELECT reason FROM transitions WHERE reason <> '' ORDER BY id"_s,
             u"CREATE TABLE transitions_v2(id INTEGER PRIMARY KEY, service INTEGER NOT NULL, track INTEGER NOT NULL, "
             u"t INTEGER NOT NULL, from_state INTEGER NOT NULL, to_state INTEGER NOT NULL, "
             u"reason INTEGER NOT NULL DEFAULT 0, kind INTEGER NOT NULL DEFAULT 0)"_s,
             u"INSERT INTO transitions_v2(id, service, track, t, from_state, to_state, reason, kind) "
             u"SELECT tr.id, tr.service, tr.track, tr.t, tr.from_state, tr.to_state, COALESCE(r.id, 0), 0 "
             u"FROM transitions tr LEFT JOIN reasons r ON r.text = tr.reason"_s,
             u"DROP TABLE transitions"_s,
             u"ALTER TABLE transitions_v2 RENAME TO transitions"_s,
             u"CREATE INDEX transitions_by_service ON transitions(service, t)"_s,
             u"CREATE TABLE alerts(id INTEGER PRIMARY KEY, service INTEGER NOT NULL, source INTEGER NOT NULL, "
             u"kind INTEGER NOT NULL, fired_at INTEGER NOT NULL, since INTEGER NOT NULL, resolved_at INTEGER, "
             u"summary TEXT NOT NULL)"_s,
             u"CREATE UNIQUE INDEX alerts_episode ON alerts(service, source, kind, fired_at)"_s,
         }},
        {3,
         u"hourly summaries for retention"_s,
         {
             u"CREATE TABLE obs_summary(id INTEGER PRIMARY KEY, service INTEGER NOT NULL, start INTEGER NOT NULL, "
             u"data BLOB NOT NULL)"_s,
         }},
    };
    return list;
}

int StoreSchema::currentVersion()
{
    return migrations().back().version;
}

} // namespace bw
