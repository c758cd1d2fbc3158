// HistoryStore's reads: observations, summaries, transitions, alerts and the audit log as stored plus what is still
// in memory, and restore() into a FleetHistory.
#include "store/historystore_p.h"

#include <algorithm>
#include <array>
#include <cmath>

using namespace Qt::StringLiterals;

namespace bw {

using namespace storedetail;

namespace {

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

Result<QStringList> HistoryStore::serviceNames()
{
    if (!d->open)
        return Error{d->problem.isEmpty() ? u"%1: the store is not open"_s.arg(d->path) : d->problem};
    QStringList names;
    for (auto it = d->dbNames.cbegin(); it != d->dbNames.cend(); ++it)
        names << it.value();
    for (const QString &name : d->localNames)
        if (!name.isEmpty() && !d->dbIds.contains(name))
            names << name;
    names.sort();
    return names;
}

Result<std::vector<BreakerId>> HistoryStore::breakers()
{
    if (!d->open)
        return Error{d->problem.isEmpty() ? u"%1: the store is not open"_s.arg(d->path) : d->problem};
    std::vector<BreakerId> out;
    out.reserve(static_cast<std::size_t>(d->dbBreakers.size()));
    for (auto it = d->dbBreakers.cbegin(); it != d->dbBreakers.cend(); ++it)
        out.push_back(it.value());
    for (const QString &name : d->localNames)
        if (!name.isEmpty() && !d->dbIds.contains(name))
            out.push_back(BreakerId::parse(name));
    std::sort(out.begin(), out.end());
    return out;
}

Result<std::vector<Observation>> HistoryStore::observations(const BreakerId &breaker, std::int64_t t0, std::int64_t t1)
{
    return observations(breaker.key(), t0, t1);
}

Result<std::vector<SeriesPoint>> HistoryStore::summaryPoints(const BreakerId &breaker, SeriesKind kind, std::int64_t t0,
                                                             std::int64_t t1)
{
    return summaryPoints(breaker.key(), kind, t0, t1);
}

Result<std::vector<StoredTransition>> HistoryStore::transitions(const BreakerId &breaker, std::int64_t t0,
                                                                std::int64_t t1)
{
    if (breaker.service.isEmpty())
        return Error{u"%1: transitions of a breaker without a service"_s.arg(d->path)};
    return transitions(breaker.key(), t0, t1);
}

Result<std::vector<Observation>> HistoryStore::observations(const QString &service, std::int64_t t0, std::int64_t t1)
{
    auto read = d->readObservations({service}, t0, t1);
    if (!read)
        return Error{read.error()};
    return std::move(read->front());
}

Result<std::vector<std::vector<Observation>>> HistoryStore::observations(const std::vector<BreakerId> &breakers,
                                                                         std::int64_t t0, std::int64_t t1)
{
    std::vector<QString> keys;
    keys.reserve(breakers.size());
    for (const BreakerId &breaker : breakers)
        keys.push_back(breaker.key());
    return d->readObservations(keys, t0, t1);
}

Result<std::vector<std::vector<Observation>>>
HistoryStore::Private::readObservations(const std::vector<QString> &services, std::int64_t t0, std::int64_t t1)
{
    if (!open)
        return Error{problem.isEmpty() ? u"%1: the store is not open"_s.arg(path) : problem};
    std::vector<std::vector<Observation>> out(services.size());
    if (t1 <= t0)
        return out;
    std::vector<Observation> block;
    const auto keepIn = [t0, t1](std::vector<Observation> &into) {
        return [&into, t0, t1](const Observation &o) {
            if (o.t >= t0 && o.t < t1)
                into.push_back(o);
        };
    };
    auto extent = idExtent(u"obs_block"_s);
    if (!extent)
        return Error{extent.error()};
    auto q = prepare(u"SELECT data FROM obs_block WHERE id = ?"_s);
    if (!q)
        return Error{q.error()};
    // Sealed blocks service by service; the unsealed ones of every service from one pass over the staging rows.
    std::set<PendingKey> keys;
    std::multimap<int, std::size_t> byLocal; // local service index -> position in `services`
    for (std::size_t i = 0; i < services.size(); ++i) {
        const QString &service = services[i];
        if (auto id = dbIds.constFind(service); id != dbIds.constEnd() && extent->first <= extent->second) {
            const std::int64_t first =
                std::max(ObservationCodec::blockStart(t0) - kSpan, idStart(extent->first, kSpan));
            const std::int64_t last = std::min(t1, idStart(extent->second, kSpan) + kSpan);
            for (std::int64_t start = first; start < last; start += kSpan) {
                (*q)->bindValue(0, static_cast<qint64>(blockId(start, id.value())));
                if (Status s = exec(**q, u"reading observations of %1"_s.arg(service)); !s)
                    return Error{s.error()};
                if ((*q)->next()) {
                    block.clear();
                    if (Status s = ObservationCodec::decode((*q)->value(0).toByteArray(), start, block); !s)
                        qCWarning(lcStore).noquote() << path << service << start << s.error();
                    std::for_each(block.begin(), block.end(), keepIn(out[i]));
                }
                (*q)->finish();
            }
        }
        if (auto local = localIndex.constFind(service); local != localIndex.constEnd())
            byLocal.emplace(local.value(), i);
    }
    for (const auto &[key, pendingBlock] : pending)
        if (byLocal.count(key.second) > 0 && key.first + kSpan > t0 && key.first < t1)
            keys.insert(key);
    std::map<PendingKey, std::vector<Observation>> staged;
    if (Status s = readStaged(keys, staged); !s)
        return Error{s.error()};
    for (const PendingKey &key : keys) {
        const PendingBlock &pendingBlock = pending.at(key);
        const auto [from, to] = byLocal.equal_range(key.second);
        for (auto it = from; it != to; ++it) {
            std::for_each(staged[key].begin(), staged[key].end(), keepIn(out[it->second]));
            std::for_each(pendingBlock.fresh.begin(), pendingBlock.fresh.end(), keepIn(out[it->second]));
        }
    }
    for (std::vector<Observation> &one : out)
        std::stable_sort(one.begin(), one.end(), [](const Observation &a, const Observation &b) { return a.t < b.t; });
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

Result<std::vector<Acknowledgement>> HistoryStore::acknowledgements(std::int64_t sinceMs)
{
    if (!d->open)
        return Error{d->problem.isEmpty() ? u"%1: the store is not open"_s.arg(d->path) : d->problem};
    auto q = d->prepare(u"SELECT id, breaker, source, kind, fired_at, at, who, comment, ended_at FROM acknowledgements "
                        u"WHERE at >= ? ORDER BY at, id"_s);
    if (!q)
        return Error{q.error()};
    (*q)->bindValue(0, static_cast<qint64>(sinceMs));
    if (Status s = d->exec(**q, u"reading the acknowledgements"_s); !s)
        return Error{s.error()};
    std::vector<Acknowledgement> out;
    while ((*q)->next()) {
        Acknowledgement a;
        a.id = (*q)->value(0).toString();
        a.alert.breaker = (*q)->value(1).toString();
        a.alert.source = static_cast<AlertSource>((*q)->value(2).toInt());
        a.alert.kind = static_cast<AlertKind>((*q)->value(3).toInt());
        a.firedAtMs = (*q)->value(4).toLongLong();
        a.atMs = (*q)->value(5).toLongLong();
        a.who = (*q)->value(6).toString();
        a.comment = (*q)->value(7).toString();
        if (!(*q)->value(8).isNull())
            a.endedAtMs = (*q)->value(8).toLongLong();
        out.push_back(std::move(a));
    }
    (*q)->finish();
    for (const Record &record : d->queue) {
        const auto *a = std::get_if<Acknowledgement>(&record);
        if (!a || a->atMs < sinceMs)
            continue;
        auto same = std::find_if(out.begin(), out.end(), [a](const Acknowledgement &o) { return o.id == a->id; });
        if (same != out.end())
            *same = *a;
        else
            out.push_back(*a);
    }
    return out;
}

Result<std::vector<Silence>> HistoryStore::silences(std::int64_t nowMs)
{
    if (!d->open)
        return Error{d->problem.isEmpty() ? u"%1: the store is not open"_s.arg(d->path) : d->problem};
    auto q = d->prepare(u"SELECT id, matchers, starts_at, ends_at, created_by, comment, expired_at FROM silences "
                        u"WHERE ends_at > ? AND expired_at IS NULL ORDER BY ends_at, id"_s);
    if (!q)
        return Error{q.error()};
    (*q)->bindValue(0, static_cast<qint64>(nowMs));
    if (Status s = d->exec(**q, u"reading the silences"_s); !s)
        return Error{s.error()};
    std::vector<Silence> out;
    while ((*q)->next()) {
        Silence s;
        s.id = (*q)->value(0).toString();
        s.matchers = matchersFromJson((*q)->value(1).toString().toUtf8());
        s.startsAtMs = (*q)->value(2).toLongLong();
        s.endsAtMs = (*q)->value(3).toLongLong();
        s.createdBy = (*q)->value(4).toString();
        s.comment = (*q)->value(5).toString();
        out.push_back(std::move(s));
    }
    (*q)->finish();
    for (const Record &record : d->queue) {
        const auto *s = std::get_if<Silence>(&record);
        if (!s)
            continue;
        std::erase_if(out, [s](const Silence &o) { return o.id == s->id; });
        if (!s->expiredAtMs && s->endsAtMs > nowMs)
            out.push_back(*s);
    }
    return out;
}

Result<RestoreReport> HistoryStore::Private::restoreRows(FleetHistory &history, const std::vector<RestoreRow> &rows,
                                                         std::int64_t fromMs, std::int64_t toMs)
{
    if (!open)
        return Error{problem.isEmpty() ? u"%1: the store is not open"_s.arg(path) : problem};
    RestoreReport report;
    int needed = 0;
    for (const RestoreRow &row : rows) {
        Q_ASSERT(row.row >= 0);
        needed = std::max(needed, row.row + 1);
        if (auto adopted = adoptLegacy(row.key); !adopted)
            return Error{adopted.error()};
    }
    if (history.serviceCount() < needed)
        history.resize(needed);
    if (toMs <= fromMs)
        return report;

    const HistoryRetention &retention = history.retention();
    const std::int64_t rawFrom = floorTo(
        toMs - static_cast<std::int64_t>(retention.buckets[0]) * kSeriesLevelWidthMs[0], kSeriesLevelWidthMs[1]);
    const std::int64_t tenSecondsFrom = floorTo(
        toMs - static_cast<std::int64_t>(retention.buckets[1]) * kSeriesLevelWidthMs[1], kSeriesLevelWidthMs[2]);
    const std::int64_t minuteFrom = toMs - static_cast<std::int64_t>(retention.buckets[2]) * kSeriesLevelWidthMs[2];

    std::vector<RestoreFeed> feeds(rows.size());
    QHash<int, RestoreFeed *> byDbId;
    QHash<int, RestoreFeed *> byLocal;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        RestoreFeed &feed = feeds[i];
        feed.history = &history;
        feed.index = rows[i].row;
        feed.rawFrom = rawFrom;
        feed.tenSecondsFrom = tenSecondsFrom;
        feed.from = fromMs;
        feed.to = toMs;
        if (auto id = dbIds.constFind(rows[i].key); id != dbIds.constEnd()) {
            byDbId.insert(id.value(), &feed);
            ++report.services;
        }
        if (auto local = localIndex.constFind(rows[i].key); local != localIndex.constEnd())
            byLocal.insert(local.value(), &feed);
    }

    auto summaries = prepare(u"SELECT service, data FROM obs_summary WHERE id >= ? AND id < ?"_s);
    auto blocks = prepare(u"SELECT service, start, data FROM obs_block WHERE id >= ? AND id < ?"_s);
    if (!summaries)
        return Error{summaries.error()};
    if (!blocks)
        return Error{blocks.error()};
    auto extent = idExtent(u"obs_block"_s);
    if (!extent)
        return Error{extent.error()};
    auto summaryExtent = idExtent(u"obs_summary"_s);
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
            if (Status s = exec(**summaries, u"restoring summaries"_s); !s)
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
            if (Status s = exec(**blocks, u"restoring observations"_s); !s)
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
                    qCWarning(lcStore).noquote() << path << "restore skips a block:" << s.error();
                    continue;
                }
                for (const Observation &o : obs)
                    feed->observation(o);
                ++report.blocks;
            }
        }
        std::set<PendingKey> keys;
        for (const auto &[key, block] : pending)
            if (key.first >= hour && key.first < hour + kHour && byLocal.value(key.second))
                keys.insert(key);
        std::map<PendingKey, std::vector<Observation>> staged;
        if (Status s = readStaged(keys, staged); !s)
            return Error{s.error()};
        for (const PendingKey &key : keys) {
            RestoreFeed *feed = byLocal.value(key.second);
            obs = std::move(staged[key]);
            const PendingBlock &block = pending.at(key);
            obs.insert(obs.end(), block.fresh.begin(), block.fresh.end());
            std::stable_sort(obs.begin(), obs.end(),
                             [](const Observation &a, const Observation &b) { return a.t < b.t; });
            for (const Observation &o : obs)
                feed->observation(o);
        }
    }

    for (std::size_t i = 0; i < rows.size(); ++i) {
        RestoreFeed &feed = feeds[i];
        feed.finish();
        report.observations += feed.observations;
        std::vector<StoredTransition> transitions;
        std::array<std::optional<StoredTransition>, kTrackKindCount> before;
        if (auto id = dbIds.constFind(rows[i].key); id != dbIds.constEnd()) {
            auto read = readTransitions(id.value(), fromMs, toMs);
            if (!read)
                return Error{read.error()};
            transitions = std::move(*read);
            for (int track = 0; track < kTrackKindCount; ++track) {
                auto b = stateBefore(id.value(), static_cast<TrackKind>(track), fromMs);
                if (!b)
                    return Error{b.error()};
                before[static_cast<std::size_t>(track)] = *b;
            }
        }
        addQueuedTransitions(rows[i].key, fromMs, toMs, transitions);
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

Result<RestoreReport> HistoryStore::restore(FleetHistory &history, const QStringList &services, std::int64_t fromMs,
                                            std::int64_t toMs)
{
    std::vector<Private::RestoreRow> rows;
    rows.reserve(static_cast<std::size_t>(services.size()));
    for (qsizetype i = 0; i < services.size(); ++i)
        rows.push_back({static_cast<int>(i), services[i]});
    return d->restoreRows(history, rows, fromMs, toMs);
}

Result<RestoreReport> HistoryStore::restore(FleetHistory &history, const std::vector<BreakerId> &breakers,
                                            std::int64_t fromMs, std::int64_t toMs)
{
    std::vector<Private::RestoreRow> rows;
    rows.reserve(breakers.size());
    for (std::size_t i = 0; i < breakers.size(); ++i)
        rows.push_back({static_cast<int>(i), breakers[i].key()});
    return d->restoreRows(history, rows, fromMs, toMs);
}

Result<RestoreReport> HistoryStore::restore(FleetHistory &history, const std::vector<std::pair<int, BreakerId>> &rows,
                                            std::int64_t fromMs, std::int64_t toMs)
{
    std::vector<Private::RestoreRow> keyed;
    keyed.reserve(rows.size());
    for (const auto &[row, breaker] : rows) {
        if (row < 0)
            return Error{u"%1: cannot restore %2 into row %3"_s.arg(d->path, breaker.key()).arg(row)};
        keyed.push_back({row, breaker.key()});
    }
    return d->restoreRows(history, keyed, fromMs, toMs);
}

} // namespace bw
