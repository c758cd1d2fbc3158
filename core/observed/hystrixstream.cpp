#include "observed/hystrixstream.h"

#include "observed/jsonfields.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace bw {

namespace {

// A count or rate: Hystrix writes integers, Turbine may write averages. Absent = 0.
bool readNumber(const QJsonObject &object, QStringView key, double &target, QString *error)
{
    const QJsonValue value = object.value(key);
    if (value.isUndefined() || value.isNull())
        return true;
    if (!value.isDouble() || !std::isfinite(value.toDouble())) {
        *error = u"\"%1\" must be a number, not %2"_s.arg(key, jsonfields::typeName(value));
        return false;
    }
    target = value.toDouble();
    return true;
}

bool readCount(const QJsonObject &object, QStringView key, std::int64_t &target, QString *error)
{
    double number = 0;
    if (!readNumber(object, key, number, error))
        return false;
    if (number < 0 || number > 9e15) {
        *error = u"\"%1\" is out of range: %2"_s.arg(key).arg(number);
        return false;
    }
    target = std::llround(number);
    return true;
}

} // namespace

HystrixStreamParser::HystrixStreamParser(qsizetype maxLineBytes) : m_maxLineBytes(std::max<qsizetype>(maxLineBytes, 16))
{}

void HystrixStreamParser::reset()
{
    m_line.clear();
    m_data.clear();
    m_discardingLine = false;
    m_discardingEvent = false;
    m_afterCr = false;
    m_atStart = true;
}

HystrixStreamParser::Output HystrixStreamParser::feed(QByteArrayView chunk)
{
    Output out;
    qsizetype pos = 0;
    while (pos < chunk.size()) {
        if (m_afterCr) {
            m_afterCr = false;
            if (chunk[pos] == '\n') {
                ++pos;
                continue;
            }
        }
        qsizetype end = pos;
        while (end < chunk.size() && chunk[end] != '\n' && chunk[end] != '\r')
            ++end;
        const QByteArrayView piece = chunk.sliced(pos, end - pos);
        if (!m_discardingLine) {
            if (m_line.size() + piece.size() > m_maxLineBytes) {
                out.errors.append(u"line longer than %1 bytes dropped"_s.arg(m_maxLineBytes));
                m_line.clear();
                m_discardingLine = true;
                m_discardingEvent = true; // the event lost a line; do not dispatch what is left of it
            } else {
                m_line.append(piece);
            }
        }
        if (end == chunk.size())
            break; // the line continues in the next chunk
        m_afterCr = chunk[end] == '\r';
        pos = end + 1;
        if (m_discardingLine)
            m_discardingLine = false;
        else
            takeLine(m_line, out);
        m_line.clear();
    }
    return out;
}

void HystrixStreamParser::takeLine(QByteArrayView line, Output &out)
{
    if (m_atStart) {
        m_atStart = false;
        if (line.startsWith("\xEF\xBB\xBF"))
            line = line.sliced(3);
    }
    if (line.isEmpty()) {
        dispatch(out);
        return;
    }
    if (line.front() == ':')
        return; // comment
    const qsizetype colon = line.indexOf(':');
    const QByteArrayView field = colon < 0 ? line : line.first(colon);
    if (field != "data")
        return; // ping, event, id, retry and unknown fields
    QByteArrayView value = colon < 0 ? QByteArrayView() : line.sliced(colon + 1);
    if (value.startsWith(' '))
        value = value.sliced(1);
    if (m_discardingEvent)
        return;
    if (m_data.size() + value.size() + 1 > m_maxLineBytes) {
        out.errors.append(u"event longer than %1 bytes dropped"_s.arg(m_maxLineBytes));
        m_data.clear();
        m_discardingEvent = true;
        return;
    }
    m_data.append(value);
    m_data.append('\n');
}

void HystrixStreamParser::dispatch(Output &out)
{
    const bool discarded = m_discardingEvent;
    m_discardingEvent = false;
    if (discarded || m_data.isEmpty()) {
        m_data.clear();
        return;
    }
    m_data.chop(1); // the last line's '\n'
    const auto take = [&out](QByteArrayView json) {
        QString error;
        if (auto sample = parseCommand(json, &error))
            out.commands.append(std::move(*sample));
        else if (!error.isEmpty())
            out.errors.append(error);
    };
    if (m_data.contains('\n')) {
        QJsonParseError parseError;
        QJsonDocument::fromJson(m_data, &parseError);
        if (parseError.error == QJsonParseError::NoError) {
            take(m_data);
        } else {
            const QList<QByteArray> lines = m_data.split('\n');
            for (const QByteArray &line : lines) {
                if (!line.trimmed().isEmpty())
                    take(line);
            }
        }
    } else {
        take(m_data);
    }
    m_data.clear();
}

std::optional<HystrixCommandSample> HystrixStreamParser::parseCommand(QByteArrayView json, QString *error)
{
    QString ignored;
    if (!error)
        error = &ignored;
    error->clear();
    const auto root = jsonfields::parseObject(json);
    if (!root) {
        *error = u"data: %1"_s.arg(root.error());
        return std::nullopt;
    }
    const QJsonValue type = root->value(u"type");
    if (!type.isString()) {
        *error = u"data: \"type\" must be a string, not %1"_s.arg(jsonfields::typeName(type));
        return std::nullopt;
    }
    if (type.toString() != u"HystrixCommand")
        return std::nullopt;

    HystrixCommandSample sample;
    const auto name = jsonfields::string(*root, u"name");
    if (!name) {
        *error = u"HystrixCommand: %1"_s.arg(name.error());
        return std::nullopt;
    }
    sample.name = *name;
    const auto fail = [&](const QString &message) {
        *error = u"HystrixCommand \"%1\": %2"_s.arg(sample.name, message);
        return std::nullopt;
    };
    const QJsonValue group = root->value(u"group");
    if (group.isString())
        sample.group = group.toString();

    // Hystrix writes a boolean; Turbine aggregates may write "true"/"false" or a count of open hosts.
    const QJsonValue open = root->value(u"isCircuitBreakerOpen");
    if (open.isBool())
        sample.isCircuitBreakerOpen = open.toBool();
    else if (open.isDouble())
        sample.isCircuitBreakerOpen = open.toDouble() > 0;
    else if (open.isString() && (open.toString() == u"true" || open.toString() == u"false"))
        sample.isCircuitBreakerOpen = open.toString() == u"true";
    else
        return fail(u"\"isCircuitBreakerOpen\" must be a boolean, not %1"_s.arg(jsonfields::typeName(open)));

    QString message;
    if (!readNumber(*root, u"errorPercentage", sample.errorPercentage, &message))
        return fail(message);
    const std::pair<QStringView, std::int64_t *> counts[] = {
        {u"requestCount", &sample.requestCount},
        {u"rollingCountSuccess", &sample.rollingCountSuccess},
        {u"rollingCountFailure", &sample.rollingCountFailure},
        {u"rollingCountShortCircuited", &sample.rollingCountShortCircuited}};
    for (const auto &[key, target] : counts) {
        if (!readCount(*root, key, *target, &message))
            return fail(message);
    }
    double currentTime = -1;
    if (!readNumber(*root, u"currentTime", currentTime, &message))
        return fail(message);
    if (currentTime >= 0)
        sample.currentTimeMs = std::llround(currentTime);
    double mean = -1;
    if (!readNumber(*root, u"latencyExecute_mean", mean, &message))
        return fail(message);
    if (mean >= 0)
        sample.latencyExecuteMeanMs = mean;

    const QJsonValue latency = root->value(u"latencyExecute");
    if (!latency.isUndefined() && !latency.isNull()) {
        if (!latency.isObject())
            return fail(u"\"latencyExecute\" must be an object, not %1"_s.arg(jsonfields::typeName(latency)));
        const QJsonObject percentiles = latency.toObject();
        for (auto it = percentiles.begin(); it != percentiles.end(); ++it) {
            bool ok = false;
            const double percentile = it.key().toDouble(&ok);
            if (!ok || percentile < 0 || percentile > 100)
                return fail(u"latencyExecute: \"%1\" is not a percentile"_s.arg(it.key()));
            if (!it.value().isDouble())
                return fail(u"latencyExecute \"%1\" must be a number, not %2"_s.arg(it.key(),
                                                                                    jsonfields::typeName(it.value())));
            sample.latencyExecute.append({percentile, it.value().toDouble()});
        }
        std::sort(sample.latencyExecute.begin(), sample.latencyExecute.end());
    }
    for (auto it = root->constBegin(); it != root->constEnd(); ++it) {
        if (!it.key().startsWith(u"propertyValue_"))
            continue;
        const QJsonValue value = it.value();
        if (value.isDouble() || value.isBool() || value.isString())
            sample.properties.append({it.key(), value.isString() ? value.toString()
                                                : value.isBool()
                                                    ? QString::fromLatin1(value.toBool() ? "true" : "false")
                                                    : QString::number(value.toDouble())});
    }
    return sample;
}

} // namespace bw
