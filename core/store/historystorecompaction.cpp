// HistoryStore's compaction: hourly summaries of sealed blocks and the retention that deletes what is too old.
#include "store/historystore_p.h"

#include <map>

using namespace Qt::StringLiterals;

namespace bw {

using namespace storedetail;

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

} // namespace bw
