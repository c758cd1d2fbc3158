#include "whatif/replayhistory.h"

#include "events/jsonlreader.h"
#include "store/historystore.h"
#include "store/storeexport.h"

#include <QDateTime>
#include <QFileInfo>

using namespace Qt::StringLiterals;

namespace bw {

namespace {

// The run rule shared by polls and calls: `outcomeAt(i)` says how element i ended, `timeAt(i)` when.
template<typename OutcomeAt, typename TimeAt>
std::vector<Outage> failedRuns(std::size_t count, int minFailed, OutcomeAt outcomeAt, TimeAt timeAt)
{
    std::vector<Outage> outages;
    if (count == 0)
        return outages;
    const int needed = std::max(1, minFailed);
    int failedInRun = 0;
    std::int64_t runStart = 0;
    for (std::size_t i = 0; i < count; ++i) {
        switch (outcomeAt(i)) {
        case PollOutcome::Unknown:
            break;
        case PollOutcome::Failed:
            if (failedInRun++ == 0)
                runStart = timeAt(i);
            break;
        case PollOutcome::Ok:
            if (failedInRun >= needed)
                outages.push_back({runStart, timeAt(i)});
            failedInRun = 0;
            break;
        }
    }
    if (failedInRun >= needed)
        outages.push_back({runStart, timeAt(count - 1)});
    return outages;
}

QString rangeText(std::int64_t fromMs, std::int64_t toMs)
{
    const QDateTime from = QDateTime::fromMSecsSinceEpoch(fromMs);
    const QDateTime to = QDateTime::fromMSecsSinceEpoch(toMs);
    const QString toFormat = from.date() == to.date() ? u"HH:mm"_s : u"yyyy-MM-dd HH:mm"_s;
    return u"%1–%2"_s.arg(from.toString(u"yyyy-MM-dd HH:mm"_s), to.toString(toFormat));
}

QString utcText(std::int64_t ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODate);
}

Transition relative(const StoredTransition &stored, std::int64_t originMs)
{
    Transition transition;
    transition.t = stored.t - originMs;
    transition.from = stored.from;
    transition.to = stored.to;
    transition.reason.kind = stored.reasonKind;
    return transition;
}

} // namespace

std::vector<Outage> outagesFromPolls(const std::vector<Observation> &polls, int minFailedPolls)
{
    return failedRuns(
        polls.size(), minFailedPolls, [&](std::size_t i) { return polls[i].outcome; },
        [&](std::size_t i) { return polls[i].t; });
}

std::vector<Outage> outagesFromCalls(const EventStream &stream, int minFailedCalls)
{
    return failedRuns(
        stream.events.size(), minFailedCalls,
        [&](std::size_t i) { return stream.events[i].ok ? PollOutcome::Ok : PollOutcome::Failed; },
        [&](std::size_t i) { return stream.events[i].t; });
}

Result<ReplayHistory> historyFromStore(HistoryStore &store, const QString &service, std::int64_t fromMs,
                                       std::int64_t toMs)
{
    if (fromMs >= toMs)
        return Error{u"empty range: %1 is not before %2"_s.arg(utcText(fromMs), utcText(toMs))};
    auto names = store.serviceNames();
    if (!names)
        return Error{names.error()};
    if (!names->contains(service)) {
        const QString known = names->isEmpty() ? u"none"_s : names->join(u", "_s);
        return Error{
            u"unknown service \"%1\" in %2; services in the store: %3"_s.arg(service, store.filePath(), known)};
    }
    auto polls = store.observations(service, fromMs, toMs);
    if (!polls)
        return Error{polls.error()};
    if (polls->empty())
        return Error{u"no polls of %1 between %2 and %3"_s.arg(service, utcText(fromMs), utcText(toMs))};

    ReplayHistory history;
    history.originMs = fromMs;
    history.endMs = toMs - fromMs;
    history.label = u"%1, %2 (store)"_s.arg(service, rangeText(fromMs, toMs));
    history.sourceKey = u"store:%1:%2:%3:%4:%5:%6"_s.arg(store.filePath(), service)
                            .arg(fromMs)
                            .arg(toMs)
                            .arg(polls->size())
                            .arg(polls->back().t);
    history.stream.events.reserve(polls->size());
    std::int64_t unknown = 0;
    for (const Observation &poll : *polls) {
        if (const std::optional<CallOutcome> call = callFromObservation(poll, fromMs))
            history.stream.events.push_back(*call);
        else
            ++unknown;
    }
    if (history.stream.empty())
        return Error{u"%1 has %2 polls between %3 and %4 but none with a call outcome (only error rates were "
                     u"scraped): nothing to replay"_s.arg(service)
                         .arg(polls->size())
                         .arg(utcText(fromMs), utcText(toMs))};
    if (unknown > 0)
        history.notes << u"%1 polls with unknown outcome left out"_s.arg(unknown);

    for (const Outage &outage : outagesFromPolls(*polls))
        history.outages.push_back({outage.start - fromMs, outage.end - fromMs});

    auto transitions = store.transitions(service, fromMs, toMs);
    if (!transitions)
        return Error{transitions.error()};
    for (const StoredTransition &stored : *transitions) {
        auto &into = stored.track == TrackKind::Observed ? history.observedBreaker : history.liveSimulated;
        into.push_back(relative(stored, fromMs));
    }
    return history;
}

Result<ReplayHistory> historyFromJsonl(const QString &path)
{
    auto stream = JsonlReader::readFile(path);
    if (!stream)
        return Error{stream.error()};
    ReplayHistory history;
    const QFileInfo info(path);
    const bool standardInput = path == u"-";
    history.label = standardInput ? u"standard input"_s : info.fileName();
    history.sourceKey = standardInput ? u"jsonl:-"_s
                                      : u"jsonl:%1:%2:%3"_s.arg(info.absoluteFilePath())
                                            .arg(info.size())
                                            .arg(info.lastModified().toMSecsSinceEpoch());
    history.originMs = 0;
    history.endMs = stream->lastT();
    history.outages = outagesFromCalls(*stream);
    history.stream = std::move(*stream);
    if (history.stream.empty())
        history.notes << u"the file holds no events"_s;
    return history;
}

} // namespace bw
