// HistoryStore's writes: the in-memory observation buffer and its bound, flushes into staged chunks and sealed
// blocks, the durable records (transitions, alerts, audit) and their retry queue, and the rows of `services` and
// `reasons` they refer to.
#include "store/historystore_p.h"

#include "store/stagingrow.h"

#include <algorithm>
#include <set>
#include <span>
#include <tuple>
#include <unordered_map>

using namespace Qt::StringLiterals;

namespace bw {

using namespace storedetail;

namespace {

// Qt binds a null QString as SQL NULL; the text columns are NOT NULL.
QString text(const QString &s)
{
    return s.isNull() ? QString(u""_s) : s;
}

QString observedReason(bool fromGauge)
{
    return fromGauge ? u"read from the gauge"_s : u"reported event"_s;
}

} // namespace

int HistoryStore::Private::localOf(const QString &name)
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
Result<int> HistoryStore::Private::serviceId(const QString &name)
{
    auto it = dbIds.constFind(name);
    if (it != dbIds.constEnd())
        return it.value();
    if (auto adopted = adoptLegacy(name); !adopted)
        return Error{adopted.error()};
    else if (*adopted)
        return dbIds.value(name);
    const BreakerId breaker = BreakerId::parse(name);
    auto q = prepare(u"INSERT INTO services(name, service, instance, breaker) VALUES (?, ?, ?, ?)"_s);
    if (!q)
        return Error{q.error()};
    (*q)->bindValue(0, name);
    (*q)->bindValue(1, text(breaker.service));
    (*q)->bindValue(2, text(breaker.instance));
    (*q)->bindValue(3, text(breaker.breaker));
    if (Status s = exec(**q, u"adding service \"%1\""_s.arg(name)); !s)
        return Error{s.error()};
    const int id = (*q)->lastInsertId().toInt();
    if (id <= 0 || id >= kServiceSlots)
        return failWith(u"%1: too many services (id %2)"_s.arg(path).arg(id));
    noteRow(id, name, breaker);
    return id;
}

void HistoryStore::Private::noteRow(int id, const QString &name, const BreakerId &breaker)
{
    dbIds.insert(name, id);
    dbNames.insert(id, name);
    dbBreakers.insert(id, breaker);
    if (breaker.instance.isEmpty() && breaker.breaker.isEmpty())
        legacyRows.insert(breaker.service, id);
}

Result<bool> HistoryStore::Private::adoptLegacy(const QString &key)
{
    if (!open || dbIds.contains(key))
        return false;
    const BreakerId breaker = BreakerId::parse(key);
    if (!breaker.isHealth() || breaker.instance.isEmpty())
        return false;
    const auto legacy = legacyRows.constFind(breaker.service);
    if (legacy == legacyRows.constEnd())
        return false;
    const int id = legacy.value();
    const QString old = dbNames.value(id);
    auto q = prepare(u"UPDATE services SET name = ?, service = ?, instance = ?, breaker = ? WHERE id = ?"_s);
    if (!q)
        return Error{q.error()};
    (*q)->bindValue(0, key);
    (*q)->bindValue(1, text(breaker.service));
    (*q)->bindValue(2, text(breaker.instance));
    (*q)->bindValue(3, text(breaker.breaker));
    (*q)->bindValue(4, id);
    if (Status s = exec(**q, u"filing the history of \"%1\" under \"%2\""_s.arg(old, key)); !s)
        return Error{s.error()};
    legacyRows.remove(breaker.service);
    dbIds.remove(old);
    noteRow(id, key, breaker);
    renameLocal(old, key);
    qCInfo(lcStore).noquote() << path << "the history of" << old << "continues as" << key;
    return true;
}

void HistoryStore::Private::renameLocal(const QString &from, const QString &to)
{
    const auto old = localIndex.constFind(from);
    if (old == localIndex.constEnd())
        return;
    const int source = old.value();
    localIndex.remove(from);
    const auto existing = localIndex.constFind(to);
    if (existing == localIndex.constEnd()) {
        localNames[static_cast<std::size_t>(source)] = to;
        localIndex.insert(to, source);
        return;
    }
    const int target = existing.value();
    localNames[static_cast<std::size_t>(source)].clear(); // nothing refers to it once its blocks are merged
    for (auto it = pending.begin(); it != pending.end();) {
        if (it->first.second != source) {
            ++it;
            continue;
        }
        const std::int64_t start = it->first.first;
        PendingBlock moved = std::move(it->second);
        it = pending.erase(it);
        PendingBlock &into = pending[{start, target}];
        // The staged chunks of both are filed under the target's row id now: adoption renames the row that holds them.
        std::vector<Observation> fresh;
        fresh.reserve(moved.fresh.size() + into.fresh.size());
        fresh.insert(fresh.end(), moved.fresh.begin(), moved.fresh.end());
        fresh.insert(fresh.end(), into.fresh.begin(), into.fresh.end());
        into.staged += moved.staged;
        into.fresh = std::move(fresh);
    }
}

Result<int> HistoryStore::Private::reasonId(const QString &text)
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
        } else if (const auto *ack = std::get_if<Acknowledgement>(&record)) {
            auto q = prepare(u"INSERT INTO acknowledgements(id, breaker, source, kind, fired_at, at, who, comment, "
                             u"ended_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
                             u"fired_at = excluded.fired_at, ended_at = excluded.ended_at"_s);
            if (!q)
                return abort(Error{q.error()});
            (*q)->bindValue(0, text(ack->id));
            (*q)->bindValue(1, text(ack->alert.breaker));
            (*q)->bindValue(2, static_cast<int>(ack->alert.source));
            (*q)->bindValue(3, static_cast<int>(ack->alert.kind));
            (*q)->bindValue(4, static_cast<qint64>(ack->firedAtMs));
            (*q)->bindValue(5, static_cast<qint64>(ack->atMs));
            (*q)->bindValue(6, text(ack->who));
            (*q)->bindValue(7, text(ack->comment));
            (*q)->bindValue(8, ack->endedAtMs ? QVariant(static_cast<qint64>(*ack->endedAtMs)) : QVariant());
            Status s = success();
            if (execRecord(**q, u"writing an acknowledgement"_s, s) == RecordWrite::Failed)
                return abort(s);
        } else if (const auto *silence = std::get_if<Silence>(&record)) {
            auto q = prepare(u"INSERT INTO silences(id, matchers, starts_at, ends_at, created_by, comment, expired_at) "
                             u"VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
                             u"ends_at = excluded.ends_at, expired_at = excluded.expired_at"_s);
            if (!q)
                return abort(Error{q.error()});
            (*q)->bindValue(0, text(silence->id));
            (*q)->bindValue(1, QString::fromUtf8(matchersToJson(silence->matchers)));
            (*q)->bindValue(2, static_cast<qint64>(silence->startsAtMs));
            (*q)->bindValue(3, static_cast<qint64>(silence->endsAtMs));
            (*q)->bindValue(4, text(silence->createdBy));
            (*q)->bindValue(5, text(silence->comment));
            (*q)->bindValue(6,
                            silence->expiredAtMs ? QVariant(static_cast<qint64>(*silence->expiredAtMs)) : QVariant());
            Status s = success();
            if (execRecord(**q, u"writing a silence"_s, s) == RecordWrite::Failed)
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

Status HistoryStore::Private::readStaged(const std::set<PendingKey> &keys,
                                         std::map<PendingKey, std::vector<Observation>> &out)
{
    // Staged chunks are filed under the service's row id: blockId() names a (block, row) pair in one integer.
    std::unordered_map<std::int64_t, PendingKey> wanted;
    std::int64_t firstStart = std::numeric_limits<std::int64_t>::max();
    for (const PendingKey &key : keys) {
        const auto id = dbIds.constFind(localNames[static_cast<std::size_t>(key.second)]);
        if (id == dbIds.constEnd())
            continue; // never flushed, so nothing staged
        wanted.emplace(blockId(key.first, id.value()), key);
        firstStart = std::min(firstStart, key.first);
    }
    if (wanted.empty())
        return success();
    // A row's last_start is the latest block it holds a chunk of, so older rows hold none of these blocks.
    auto read = prepare(u"SELECT data FROM obs_recent WHERE last_start >= ? ORDER BY seq"_s);
    if (!read)
        return Error{read.error()};
    (*read)->bindValue(0, static_cast<qint64>(firstStart));
    if (Status s = exec(**read, u"reading staged observations"_s); !s)
        return s;
    std::vector<StagingRow::Chunk> chunks;
    int damaged = 0;
    while ((*read)->next()) {
        const QByteArray row = (*read)->value(0).toByteArray();
        chunks.clear();
        if (!StagingRow::split(row, chunks))
            ++damaged;
        for (const StagingRow::Chunk &chunk : chunks) {
            const auto key = wanted.find(blockId(chunk.start, chunk.service));
            if (key != wanted.end() && !ObservationCodec::decode(chunk.bytes, chunk.start, out[key->second]))
                ++damaged;
        }
    }
    (*read)->finish();
    if (damaged > 0)
        qCWarning(lcStore).noquote() << path << damaged << "staged observation chunks are damaged and skipped";
    return success();
}

Status HistoryStore::Private::flushObservations(std::int64_t nowMs, bool seal)
{
    // Adoptions first: they merge buffered blocks (renameLocal), which must not happen under the keys taken below.
    if (!legacyRows.isEmpty()) {
        for (std::size_t i = 0; i < localNames.size(); ++i) {
            const QString name = localNames[i]; // a copy: adopting renames entries
            if (!name.isEmpty() && !dbIds.contains(name))
                if (auto adopted = adoptLegacy(name); !adopted)
                    return Error{adopted.error()};
        }
    }
    const std::int64_t horizon = std::max(nowMs, sealedUntil);
    std::vector<std::pair<std::int64_t, PendingKey>> sealed; // (block id, key), written in id order: appends fill pages
    std::vector<PendingKey> chunks;
    for (const auto &[key, block] : pending) {
        if (seal && key.first + kSpan + options.sealGraceMs <= horizon)
            sealed.emplace_back(0, key);
        else if (!block.fresh.empty())
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
    for (const PendingKey &key : chunks)
        if (auto id = serviceId(localNames[static_cast<std::size_t>(key.second)]); !id)
            return Error{id.error()};
    std::sort(sealed.begin(), sealed.end());

    if (Status s = begin(Sync::Normal); !s)
        return s;
    std::set<std::pair<int, std::int64_t>> resummarise;
    std::vector<Observation> merged;
    std::map<PendingKey, std::vector<Observation>> staged;
    // Sealed blocks go in batches whose staged observations are read back and decoded together: one pass over the
    // staging rows per batch, and the memory sealing needs stays bounded however many services there are.
    constexpr std::size_t kSealBatchObservations = std::size_t{1} << 18;
    for (auto batchBegin = sealed.begin(); batchBegin != sealed.end();) {
        std::set<PendingKey> stagedKeys;
        std::size_t batchSize = 0;
        auto batchEnd = batchBegin;
        for (; batchEnd != sealed.end(); ++batchEnd) {
            const PendingBlock &block = pending.at(batchEnd->second);
            if (batchEnd != batchBegin && batchSize + block.staged > kSealBatchObservations)
                break;
            batchSize += block.staged;
            if (block.staged > 0)
                stagedKeys.insert(batchEnd->second);
        }
        staged.clear();
        if (Status s = readStaged(stagedKeys, staged); !s)
            return abort(s);
        for (auto it = batchBegin; it != batchEnd; ++it) {
            const auto &[id, key] = *it;
            const std::int64_t start = key.first;
            const int service = dbIds.value(localNames[static_cast<std::size_t>(key.second)]);
            const PendingBlock &block = pending.at(key);
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
            if (auto decoded = staged.find(key); decoded != staged.end()) {
                merged.insert(merged.end(), decoded->second.begin(), decoded->second.end());
                decoded->second = {}; // this batch's peak is what is decoded, not decoded and copied
            }
            merged.insert(merged.end(), block.fresh.begin(), block.fresh.end());
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
        batchBegin = batchEnd;
    }
    staged.clear();
    merged = {};
    if (!chunks.empty()) {
        std::vector<std::tuple<int, std::int64_t, QByteArray>> encoded;
        std::int64_t lastStart = std::numeric_limits<std::int64_t>::min();
        for (const PendingKey &key : chunks) {
            encoded.emplace_back(dbIds.value(localNames[static_cast<std::size_t>(key.second)]), key.first,
                                 ObservationCodec::encode(pending.at(key).fresh, key.first));
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
        unflushed -= pending.at(key).fresh.size();
        pending.erase(key);
    }
    constexpr std::size_t kKeptCapacity = 16; // a flush's worth at a few observations a second; a backlog is freed
    for (const PendingKey &key : chunks) {
        PendingBlock &block = pending.at(key);
        unflushed -= block.fresh.size();
        block.staged += block.fresh.size();
        block.fresh.clear();
        if (block.fresh.capacity() > kKeptCapacity)
            block.fresh.shrink_to_fit();
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
        auto groupBegin =
            std::find_if(pending.begin(), pending.end(), [](const auto &entry) { return !entry.second.fresh.empty(); });
        if (groupBegin == pending.end())
            break;
        const std::int64_t start = groupBegin->first.first;
        std::vector<std::int64_t> times;
        auto groupEnd = groupBegin;
        for (; groupEnd != pending.end() && groupEnd->first.first == start; ++groupEnd) {
            const PendingBlock &block = groupEnd->second;
            for (const Observation &o : block.fresh)
                times.push_back(o.t);
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
            const auto kept = std::stable_partition(block.fresh.begin(), block.fresh.end(), keep);
            block.fresh.erase(kept, block.fresh.end());
            it = block.fresh.empty() && block.staged == 0 ? pending.erase(it) : std::next(it);
        }
        unflushed -= drop;
        droppedObservations += drop;
        excess -= drop;
    }
}

void HistoryStore::appendObservation(const QString &service, const Observation &observation)
{
    // A failure is the store's problem (health()); the flush tries again.
    if (d->open && !d->legacyRows.isEmpty() && !d->dbIds.contains(service))
        static_cast<void>(d->adoptLegacy(service));
    const auto key = std::make_pair(ObservationCodec::blockStart(observation.t), d->localOf(service));
    PendingBlock &block = d->pending[key];
    if (block.size() >= ObservationCodec::kMaxObservations) {
        ++d->droppedObservations;
        return;
    }
    block.fresh.push_back(ObservationCodec::quantised(observation));
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

void HistoryStore::appendObservation(const BreakerId &breaker, const Observation &observation)
{
    appendObservation(breaker.key(), observation);
}

Status HistoryStore::appendTransition(const BreakerId &breaker, TrackKind track, const Transition &transition)
{
    return appendTransition(breaker.key(), track, transition);
}

Status HistoryStore::appendObservedTransition(const BreakerId &breaker, const ObservedTransition &transition)
{
    return appendObservedTransition(breaker.key(), transition);
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

Status HistoryStore::recordAcknowledgement(const Acknowledgement &acknowledgement)
{
    return d->durable(acknowledgement);
}

Status HistoryStore::recordSilence(const Silence &silence)
{
    if (silence.origin != SilenceOrigin::Local)
        return Error{u"%1: only local silences are kept here (%2 is Alertmanager's)"_s.arg(d->path, silence.id)};
    return d->durable(silence);
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

} // namespace bw
