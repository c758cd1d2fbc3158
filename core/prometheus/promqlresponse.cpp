#include "prometheus/promqlresponse.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>
#include <limits>

using namespace Qt::StringLiterals;

namespace bw {

namespace {

std::optional<double> sampleValue(const QJsonValue &value)
{
    const QString text = value.toString();
    if (text == u"NaN")
        return std::numeric_limits<double>::quiet_NaN();
    if (text == u"+Inf" || text == u"Inf")
        return std::numeric_limits<double>::infinity();
    if (text == u"-Inf")
        return -std::numeric_limits<double>::infinity();
    bool ok = false;
    const double number = text.toDouble(&ok);
    return ok ? std::optional<double>(number) : std::nullopt;
}

Result<std::pair<std::int64_t, double>> point(const QJsonValue &value)
{
    const QJsonArray pair = value.toArray();
    if (pair.size() != 2 || !pair[0].isDouble() || !pair[1].isString())
        return Error{u"a sample must be [<unix seconds>, \"<value>\"]"_s};
    const auto number = sampleValue(pair[1]);
    if (!number)
        return Error{u"sample value \"%1\" is not a number"_s.arg(pair[1].toString())};
    return std::pair{static_cast<std::int64_t>(std::llround(pair[0].toDouble() * 1000.0)), *number};
}

} // namespace

Result<PromQueryResult> parsePromResponse(int httpStatus, QByteArrayView body)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body.toByteArray(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return Error{u"Prometheus answered HTTP %1 with no JSON envelope (%2)"_s.arg(httpStatus)
                         .arg(body.isEmpty() ? u"empty body"_s : parseError.errorString())};
    const QJsonObject root = document.object();
    const QString status = root.value(u"status"_s).toString();
    if (status == u"error")
        return Error{u"Prometheus %1 (HTTP %2): %3"_s.arg(root.value(u"errorType"_s).toString(u"error"_s))
                         .arg(httpStatus)
                         .arg(root.value(u"error"_s).toString())};
    if (status != u"success")
        return Error{u"Prometheus answered HTTP %1 with status \"%2\""_s.arg(httpStatus).arg(status)};

    PromQueryResult result;
    for (const QJsonValue &warning : root.value(u"warnings"_s).toArray())
        result.warnings << warning.toString();
    const QJsonObject data = root.value(u"data"_s).toObject();
    const QString type = data.value(u"resultType"_s).toString();
    const QJsonValue payload = data.value(u"result"_s);
    auto readSeries = [](const QJsonObject &object, PromSeries &series) {
        const QJsonObject metric = object.value(u"metric"_s).toObject();
        for (auto it = metric.begin(); it != metric.end(); ++it)
            series.metric.insert(it.key(), it.value().toString());
    };
    if (type == u"vector" || type == u"matrix") {
        result.type = type == u"vector" ? PromQueryResult::Type::Vector : PromQueryResult::Type::Matrix;
        for (const QJsonValue &entry : payload.toArray()) {
            PromSeries series;
            readSeries(entry.toObject(), series);
            if (result.type == PromQueryResult::Type::Vector) {
                auto p = point(entry.toObject().value(u"value"_s));
                if (!p)
                    return Error{u"Prometheus vector: %1"_s.arg(p.error())};
                series.points.push_back(*p);
            } else {
                for (const QJsonValue &value : entry.toObject().value(u"values"_s).toArray()) {
                    auto p = point(value);
                    if (!p)
                        return Error{u"Prometheus matrix: %1"_s.arg(p.error())};
                    series.points.push_back(*p);
                }
            }
            result.series.push_back(std::move(series));
        }
    } else if (type == u"scalar") {
        result.type = PromQueryResult::Type::Scalar;
        auto p = point(payload);
        if (!p)
            return Error{u"Prometheus scalar: %1"_s.arg(p.error())};
        result.series.push_back(PromSeries{{}, {*p}});
    } else if (type == u"string") {
        result.type = PromQueryResult::Type::String;
        result.stringValue = payload.toArray().at(1).toString();
    } else {
        return Error{u"Prometheus answered an unknown resultType \"%1\""_s.arg(type)};
    }
    return result;
}

std::vector<TimeRange> splitRange(std::int64_t startMs, std::int64_t endMs, std::int64_t stepMs, std::int64_t maxPoints)
{
    std::vector<TimeRange> ranges;
    if (stepMs <= 0 || endMs < startMs || maxPoints < 1)
        return ranges;
    const std::int64_t span = (maxPoints - 1) * stepMs;
    for (std::int64_t from = startMs; from <= endMs; from += span + stepMs)
        ranges.push_back({from, std::min(endMs, from + span)});
    return ranges;
}

} // namespace bw
