#include "store/storeschema.h"

#include "fleet/breakerid.h"
#include "store/stagingrow.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

using namespace Qt::StringLiterals;

namespace bw {

namespace {

// Version 4: each chunk of the old staging area (one row per service, block and flush) becomes a row of its own.
Status convertStagingRows(QSqlDatabase &db)
{
    QSqlQuery read(db);
    read.setForwardOnly(true);
    QSqlQuery write(db);
    if (!read.exec(u"SELECT block_start, service, data FROM obs_recent_v3 ORDER BY block_start, service, seq"_s) ||
        !write.prepare(u"INSERT INTO obs_recent(last_start, data) VALUES (?, ?)"_s))
        return Error{u"converting the staging area: %1"_s.arg(read.lastError().text() + write.lastError().text())};
    while (read.next()) {
        const std::int64_t start = read.value(0).toLongLong();
        write.bindValue(0, static_cast<qint64>(start));
        write.bindValue(1, StagingRow::build({{read.value(1).toInt(), start, read.value(2).toByteArray()}}));
        if (!write.exec())
            return Error{u"converting the staging area: %1"_s.arg(write.lastError().text())};
    }
    read.finish();
    if (!read.exec(u"DROP TABLE obs_recent_v3"_s))
        return Error{u"converting the staging area: %1"_s.arg(read.lastError().text())};
    return success();
}

// Version 5: each row of `services` gets the breaker its name is the key of (a legacy plain name: service only).
Status fillBreakerFields(QSqlDatabase &db)
{
    QSqlQuery read(db);
    read.setForwardOnly(true);
    QSqlQuery write(db);
    if (!read.exec(u"SELECT id, name FROM services"_s) ||
        !write.prepare(u"UPDATE services SET service = ?, instance = ?, breaker = ? WHERE id = ?"_s))
        return Error{u"filling in the breakers: %1"_s.arg(read.lastError().text() + write.lastError().text())};
    while (read.next()) {
        const BreakerId id = StoreSchema::breakerOfLegacyName(read.value(1).toString());
        write.bindValue(0, id.service);
        write.bindValue(1, id.instance.isNull() ? u""_s : id.instance);
        write.bindValue(2, id.breaker.isNull() ? u""_s : id.breaker);
        write.bindValue(3, read.value(0));
        if (!write.exec())
            return Error{u"filling in the breakers: %1"_s.arg(write.lastError().text())};
    }
    return success();
}

} // namespace

BreakerId StoreSchema::breakerOfLegacyName(const QString &name)
{
    if (name.contains(u'@')) {
        BreakerId id = BreakerId::parse(name);
        if (!id.service.isEmpty() && !id.instance.isEmpty())
            return id;
    }
    return BreakerId{name, u""_s, u""_s};
}

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
         },
         {}},
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
         },
         {}},
        {3,
         u"hourly summaries for retention"_s,
         {
             u"CREATE TABLE obs_summary(id INTEGER PRIMARY KEY, service INTEGER NOT NULL, start INTEGER NOT NULL, "
             u"data BLOB NOT NULL)"_s,
         },
         {}},
        {4,
         u"staging area: one row per flush"_s,
         {
             u"ALTER TABLE obs_recent RENAME TO obs_recent_v3"_s,
             u"CREATE TABLE obs_recent(seq INTEGER PRIMARY KEY, last_start INTEGER NOT NULL, data BLOB NOT NULL)"_s,
         },
         convertStagingRows},
        {5,
         u"services name their breaker: service, instance, breaker"_s,
         {
             u"ALTER TABLE services ADD COLUMN service TEXT NOT NULL DEFAULT ''"_s,
             u"ALTER TABLE services ADD COLUMN instance TEXT NOT NULL DEFAULT ''"_s,
             u"ALTER TABLE services ADD COLUMN breaker TEXT NOT NULL DEFAULT ''"_s,
             u"CREATE INDEX services_by_breaker ON services(service, breaker, instance)"_s,
         },
         fillBreakerFields},
        {6,
         u"acknowledgements and local silences of alerts"_s,
         {
             u"CREATE TABLE acknowledgements(id TEXT PRIMARY KEY, breaker TEXT NOT NULL, source INTEGER NOT NULL, "
             u"kind INTEGER NOT NULL, fired_at INTEGER NOT NULL, at INTEGER NOT NULL, who TEXT NOT NULL, "
             u"comment TEXT NOT NULL, ended_at INTEGER)"_s,
             u"CREATE INDEX acknowledgements_by_time ON acknowledgements(at)"_s,
             u"CREATE TABLE silences(id TEXT PRIMARY KEY, matchers TEXT NOT NULL, starts_at INTEGER NOT NULL, "
             u"ends_at INTEGER NOT NULL, created_by TEXT NOT NULL, comment TEXT NOT NULL, expired_at INTEGER)"_s,
             u"CREATE INDEX silences_by_end ON silences(ends_at)"_s,
         },
         {}},
    };
    return list;
}

const StoreSchema::Migration &StoreSchema::creation()
{
    static const Migration fresh = {
        6,
        u"created at the current schema"_s,
        {
            u"CREATE TABLE IF NOT EXISTS schema_version(version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL, "
            u"description TEXT NOT NULL)"_s,
            u"CREATE TABLE meta(key TEXT PRIMARY KEY, value) WITHOUT ROWID"_s,
            u"CREATE TABLE services(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, "
            u"service TEXT NOT NULL DEFAULT '', instance TEXT NOT NULL DEFAULT '', breaker TEXT NOT NULL DEFAULT '')"_s,
            u"CREATE INDEX services_by_breaker ON services(service, breaker, instance)"_s,
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
            u"CREATE TABLE acknowledgements(id TEXT PRIMARY KEY, breaker TEXT NOT NULL, source INTEGER NOT NULL, "
            u"kind INTEGER NOT NULL, fired_at INTEGER NOT NULL, at INTEGER NOT NULL, who TEXT NOT NULL, "
            u"comment TEXT NOT NULL, ended_at INTEGER)"_s,
            u"CREATE INDEX acknowledgements_by_time ON acknowledgements(at)"_s,
            u"CREATE TABLE silences(id TEXT PRIMARY KEY, matchers TEXT NOT NULL, starts_at INTEGER NOT NULL, "
            u"ends_at INTEGER NOT NULL, created_by TEXT NOT NULL, comment TEXT NOT NULL, expired_at INTEGER)"_s,
            u"CREATE INDEX silences_by_end ON silences(ends_at)"_s,
        },
        {}};
    Q_ASSERT(fresh.version == migrations().back().version);
    return fresh;
}

int StoreSchema::currentVersion()
{
    return migrations().back().version;
}

} // namespace bw
