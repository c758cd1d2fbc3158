#include "store/storeexport.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <iterator>
#include <limits>

using namespace Qt::StringLiterals;

namespace bw {

namespace {

// Shortest text that reads back as the same float.
QByteArray number(float v)
{
    char buffer[32];
    const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v);
    return QByteArray(buffer, end - buffer);
}

QByteArray utc(std::int64_t t)
{
    return QDateTime::fromMSecsSinceEpoch(t, Qt::UTC).toString(Qt::ISODateWithMs).toUtf8();
}

QByteArray csvField(const QString &text)
{
    QByteArray utf8 = text.toUtf8();
    if (!utf8.contains(',') && !utf8.contains('"') && !utf8.contains('\n') && !utf8.contains('\r'))
        return utf8;
    utf8.replace("\"", "\"\"");
    return '"' + utf8 + '"';
}

QByteArray stateText(BreakerState state)
{
    return stateName(state).toUtf8();
}

QByteArray outcomeText(PollOutcome outcome)
{
    switch (outcome) {
    case PollOutcome::Ok:
        return "ok";
    case PollOutcome::Failed:
        return "failed";
    case PollOutcome::Unknown:
        break;
    }
    return {};
}

// Buffers output and writes it in large pieces; remembers the first write error.
class Writer
{
public:
    explicit Writer(QIODevice &device) : m_device(device) {}
    void line(const QByteArray &text)
    {
        m_buffer += text;
        m_buffer += '\n';
        if (m_buffer.size() > (1 << 16))
            flush();
    }
    Status finish()
    {
        flush();
        if (m_failed)
            return Error{u"cannot write the export: %1"_s.arg(m_device.errorString())};
        return success();
    }

private:
    void flush()
    {
        if (!m_failed && !m_buffer.isEmpty() && m_device.write(m_buffer) != m_buffer.size())
            m_failed = true;
        m_buffer.clear();
    }
    QIODevice &m_device;
    QByteArray m_buffer;
    bool m_failed = false;
};

QByteArray jsonString(const QString &text)
{
    QByteArray out = "\"";
    for (const char c : text.toUtf8()) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            out += "\\u00";
            out += QByteArray::number(static_cast<int>(c), 16).rightJustified(2, '0');
        } else {
            out += c;
        }
    }
    return out + '"';
}

// The observations of several breakers in [t0, t1), merged by time (ties in `breakers` order).
struct Tagged
{
    const BreakerId *breaker = nullptr;
    Observation observation;
};
Result<std::vector<Tagged>> mergedObservations(HistoryStore &store, const std::vector<BreakerId> &breakers,
                                               std::int64_t t0, std::int64_t t1)
{
    std::vector<Tagged> out;
    auto observations = store.observations(breakers, t0, t1);
    if (!observations)
        return Error{observations.error()};
    for (std::size_t i = 0; i < breakers.size(); ++i)
        for (const Observation &o : (*observations)[i])
            out.push_back({&breakers[i], o});
    std::stable_sort(out.begin(), out.end(),
                     [](const Tagged &a, const Tagged &b) { return a.observation.t < b.observation.t; });
    return out;
}

} // namespace

bool BreakerSelection::matches(const BreakerId &id) const
{
    return id.service == service && (!instance || id.instance == *instance) && (!breaker || id.breaker == *breaker);
}

BreakerSelection BreakerSelection::parse(const QString &serviceOrKey)
{
    BreakerSelection selection;
    if (!serviceOrKey.contains(u'@') && !serviceOrKey.contains(u'/')) {
        selection.service = serviceOrKey;
        return selection;
    }
    const BreakerId id = BreakerId::parse(serviceOrKey);
    selection.service = id.service;
    if (serviceOrKey.contains(u'@'))
        selection.instance = id.instance;
    selection.breaker = id.breaker;
    return selection;
}

QString BreakerSelection::describe() const
{
    QString out = u"service \"%1\""_s.arg(service);
    if (breaker)
        out += breaker->isEmpty() ? u", health breaker"_s : u", breaker \"%1\""_s.arg(*breaker);
    if (instance)
        out += u", instance \"%1\""_s.arg(*instance);
    return out;
}

Result<std::vector<BreakerId>> selectBreakers(HistoryStore &store, const BreakerSelection &selection)
{
    auto all = store.breakers();
    if (!all)
        return Error{all.error()};
    std::vector<BreakerId> out;
    std::copy_if(all->begin(), all->end(), std::back_inserter(out),
                 [&selection](const BreakerId &id) { return selection.matches(id); });
    if (out.empty())
        return Error{u"%1: the store holds no history of %2"_s.arg(store.filePath(), selection.describe())};
    return out;
}

std::optional<CallOutcome> callFromObservation(const Observation &observation, std::int64_t timeOrigin)
{
    if (observation.outcome == PollOutcome::Unknown)
        return std::nullopt;
    CallOutcome call;
    call.t = observation.t - timeOrigin;
    call.ok = observation.outcome == PollOutcome::Ok;
    call.latencyMs = observation.has(SeriesKind::Latency) ? observation.latencyMs : 0.0F;
    return call;
}

Status exportServiceJsonl(HistoryStore &store, const std::vector<BreakerId> &breakers, std::int64_t t0, std::int64_t t1,
                          QIODevice &out, std::int64_t timeOrigin)
{
    auto observations = mergedObservations(store, breakers, t0, t1);
    if (!observations)
        return Error{observations.error()};
    Writer writer(out);
    for (const auto &[breaker, o] : *observations) {
        const std::optional<CallOutcome> call = callFromObservation(o, timeOrigin);
        if (!call)
            continue;
        QByteArray line = "{\"t\":" + QByteArray::number(static_cast<qint64>(call->t));
        line += call->ok ? ",\"ok\":true" : ",\"ok\":false";
        if (o.has(SeriesKind::Latency))
            line += ",\"latency_ms\":" + number(o.latencyMs);
        if (o.has(SeriesKind::ErrorRate))
            line += ",\"error_rate\":" + number(o.errorRate);
        if (o.has(SeriesKind::LatencyP95))
            line += ",\"p95_ms\":" + number(o.p95Ms);
        line += ",\"state\":\"" + stateText(o.state) + '"';
        if (o.observedState)
            line += ",\"observed_state\":\"" + stateText(*o.observedState) + '"';
        line += ",\"service\":" + jsonString(breaker->service) + ",\"instance\":" + jsonString(breaker->instance) +
                ",\"breaker\":" + jsonString(breaker->breaker);
        line += '}';
        writer.line(line);
    }
    return writer.finish();
}

Status exportServiceCsv(HistoryStore &store, const std::vector<BreakerId> &breakers, std::int64_t t0, std::int64_t t1,
                        QIODevice &out)
{
    auto observations = mergedObservations(store, breakers, t0, t1);
    if (!observations)
        return Error{observations.error()};
    Writer writer(out);
    writer.line("t_ms,time_utc,outcome,error_rate,latency_ms,p95_ms,state,observed_state,service,instance,breaker");
    for (const auto &[breaker, o] : *observations) {
        QByteArray line = QByteArray::number(static_cast<qint64>(o.t)) + ',' + utc(o.t) + ',' + outcomeText(o.outcome);
        for (const SeriesKind kind : {SeriesKind::ErrorRate, SeriesKind::Latency, SeriesKind::LatencyP95}) {
            line += ',';
            if (o.has(kind))
                line += number(o.value(kind));
        }
        line += ',' + stateText(o.state) + ',';
        if (o.observedState)
            line += stateText(*o.observedState);
        line += ',' + csvField(breaker->service) + ',' + csvField(breaker->instance) + ',' + csvField(breaker->breaker);
        writer.line(line);
    }
    return writer.finish();
}

Status exportTransitionsCsv(HistoryStore &store, const std::vector<BreakerId> &breakers, std::int64_t t0,
                            std::int64_t t1, QIODevice &out)
{
    std::vector<StoredTransition> all;
    if (breakers.empty()) {
        auto transitions = store.transitions(QString(), t0, t1);
        if (!transitions)
            return Error{transitions.error()};
        all = std::move(*transitions);
    }
    for (const BreakerId &breaker : breakers) {
        auto transitions = store.transitions(breaker, t0, t1);
        if (!transitions)
            return Error{transitions.error()};
        all.insert(all.end(), transitions->begin(), transitions->end());
    }
    if (breakers.size() > 1)
        std::stable_sort(all.begin(), all.end(),
                         [](const StoredTransition &a, const StoredTransition &b) { return a.t < b.t; });
    Writer writer(out);
    writer.line("t_ms,time_utc,service,track,from,to,reason");
    for (const StoredTransition &t : all) {
        writer.line(QByteArray::number(static_cast<qint64>(t.t)) + ',' + utc(t.t) + ',' + csvField(t.service) + ',' +
                    (t.track == TrackKind::Simulated ? "simulated" : "observed") + ',' + stateText(t.from) + ',' +
                    stateText(t.to) + ',' + csvField(t.reason));
    }
    return writer.finish();
}

Status exportAuditCsv(HistoryStore &store, std::int64_t t0, std::int64_t t1, QIODevice &out)
{
    auto entries = store.auditEntries(t0, t1);
    if (!entries)
        return Error{entries.error()};
    Writer writer(out);
    writer.line("id,at_ms,time_utc,who,service,target,action,outcome,detail");
    for (const StoredAuditEntry &e : *entries) {
        writer.line(QByteArray::number(static_cast<qint64>(e.id)) + ',' +
                    QByteArray::number(static_cast<qint64>(e.atMs)) + ',' + utc(e.atMs) + ',' + csvField(e.who) + ',' +
                    csvField(e.service) + ',' + csvField(e.target) + ',' + csvField(e.action) + ',' +
                    csvField(e.outcome) + ',' + csvField(e.detail));
    }
    return writer.finish();
}

Result<JsonlImport> importServiceJsonl(HistoryStore &store, const BreakerId &breaker, QIODevice &in,
                                       std::int64_t timeOrigin)
{
    JsonlImport report;
    std::vector<Observation> observations;
    std::int64_t previous = std::numeric_limits<std::int64_t>::min();
    while (!in.atEnd()) {
        const QByteArray raw = in.readLine();
        ++report.lines;
        const QByteArray line = raw.trimmed();
        if (line.isEmpty())
            continue;
        auto fail = [&](const QString &why) {
            return Error{u"line %1: %2: %3"_s.arg(report.lines).arg(why, QString::fromUtf8(line.left(80)))};
        };
        QJsonParseError parseError;
        const QJsonDocument doc = QJsonDocument::fromJson(line, &parseError);
        if (!doc.isObject())
            return fail(parseError.error != QJsonParseError::NoError ? parseError.errorString()
                                                                     : u"expected a JSON object"_s);
        const QJsonObject object = doc.object();
        const QJsonValue t = object.value(u"t"_s);
        const double tValue = t.toDouble(std::nan(""));
        if (!t.isDouble() || tValue != std::floor(tValue) || std::abs(tValue) > 9e15)
            return fail(u"\"t\" must be an integer number of milliseconds"_s);
        const QJsonValue ok = object.value(u"ok"_s);
        if (!ok.isBool())
            return fail(u"\"ok\" must be true or false"_s);
        Observation o;
        o.t = static_cast<std::int64_t>(tValue) + timeOrigin;
        if (o.t < previous)
            return fail(u"\"t\" went backwards; events must be in time order"_s);
        previous = o.t;
        o.outcome = ok.toBool() ? PollOutcome::Ok : PollOutcome::Failed;
        auto number = [&](const QString &key, float &into) -> bool {
            const QJsonValue v = object.value(key);
            if (v.isUndefined() || v.isNull())
                return true;
            if (!v.isDouble())
                return false;
            into = static_cast<float>(v.toDouble());
            return true;
        };
        if (!number(u"latency_ms"_s, o.latencyMs) || (o.has(SeriesKind::Latency) && o.latencyMs < 0))
            return fail(u"\"latency_ms\" must be a non-negative number"_s);
        if (!number(u"error_rate"_s, o.errorRate))
            return fail(u"\"error_rate\" must be a number"_s);
        if (!number(u"p95_ms"_s, o.p95Ms))
            return fail(u"\"p95_ms\" must be a number"_s);
        if (const QJsonValue state = object.value(u"state"_s); !state.isUndefined()) {
            const auto parsed = stateFromName(state.toString());
            if (!parsed)
                return fail(u"unknown \"state\""_s);
            o.state = *parsed;
        }
        if (const QJsonValue observed = object.value(u"observed_state"_s); !observed.isUndefined()) {
            const auto parsed = stateFromName(observed.toString());
            if (!parsed)
                return fail(u"unknown \"observed_state\""_s);
            o.observedState = *parsed;
        }
        observations.push_back(o);
    }
    for (const Observation &o : observations)
        store.appendObservation(breaker, o);
    report.observations = static_cast<std::int64_t>(observations.size());
    return report;
}

} // namespace bw
