#include "whatif/replayreport.h"

#include <cmath>

using namespace Qt::StringLiterals;

namespace bw::report {

QByteArray jsonString(QStringView text)
{
    const QByteArray utf8 = text.toUtf8();
    QByteArray out;
    out.reserve(utf8.size() + 2);
    out += '"';
    for (const char c : utf8) {
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                char escaped[8];
                std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned char>(c));
                out += escaped;
            } else {
                out += c;
            }
        }
    }
    out += '"';
    return out;
}

namespace {

QByteArray number(double value, int decimals = 3)
{
    if (!std::isfinite(value))
        return "null";
    QByteArray text = QByteArray::number(value, 'f', decimals);
    if (text.contains('.')) {
        while (text.endsWith('0'))
            text.chop(1);
        if (text.endsWith('.'))
            text.chop(1);
    }
    return text;
}

template<typename T>
QByteArray optionalNumber(const std::optional<T> &value)
{
    if (!value)
        return "null";
    return number(static_cast<double>(*value), 1);
}

QByteArray metricsFields(const WhatIfMetrics &m)
{
    QByteArray out;
    out += "\"transitions\":" + QByteArray::number(m.transitions);
    out += ",\"opens\":" + QByteArray::number(m.opens);
    out += ",\"rejected\":" + QByteArray::number(m.rejected);
    out += ",\"events\":" + QByteArray::number(m.events);
    out += ",\"final_state\":" + jsonString(stateName(m.finalState));
    return out;
}

QByteArray whatIfFields(const WhatIfMetrics &m)
{
    QByteArray out;
    out += ",\"admitted\":" + QByteArray::number(m.admitted);
    out += ",\"failed_let_through\":" + QByteArray::number(m.failedLetThrough);
    out += ",\"good_rejected\":" + QByteArray::number(m.goodRejected);
    out += ",\"open_ms\":" + QByteArray::number(m.openMs);
    out += ",\"half_open_ms\":" + QByteArray::number(m.halfOpenMs);
    out += ",\"flapping_episodes\":" + QByteArray::number(m.flappingEpisodes);
    if (m.outages > 0) {
        out += ",\"outages\":" + QByteArray::number(m.outages);
        out += ",\"outages_detected\":" + QByteArray::number(m.outagesDetected);
        out += ",\"detection_delay_ms_mean\":" + optionalNumber(m.meanDetectionDelayMs);
        out += ",\"detection_delay_ms_max\":" + optionalNumber(m.maxDetectionDelayMs);
        out += ",\"recovery_delay_ms_mean\":" + optionalNumber(m.meanRecoveryDelayMs);
        out += ",\"recovery_delay_ms_max\":" + optionalNumber(m.maxRecoveryDelayMs);
    }
    return out;
}

} // namespace

QByteArray transitionLine(const Transition &transition)
{
    QByteArray out = "{\"t\":" + QByteArray::number(transition.t);
    out += ",\"from\":" + jsonString(stateName(transition.from));
    out += ",\"to\":" + jsonString(stateName(transition.to));
    out += ",\"reason\":" + jsonString(transition.reason.describe());
    out += '}';
    return out;
}

QByteArray summaryLine(const WhatIfMetrics &metrics, double wallMs)
{
    const double seconds = wallMs / 1000.0;
    const double rate = seconds > 0 ? static_cast<double>(metrics.events) / seconds : 0.0;
    QByteArray out = "{\"summary\":{" + metricsFields(metrics);
    out += ",\"wall_ms\":" + number(wallMs);
    out += ",\"events_per_s\":" + QByteArray::number(static_cast<qint64>(std::llround(rate)));
    out += whatIfFields(metrics);
    out += "}}";
    return out;
}

QByteArray sweepLine(const SweepPoint &point)
{
    QByteArray out = "{\"parameters\":{";
    bool first = true;
    for (const auto &[name, value] : point.parameters) {
        if (!first)
            out += ',';
        first = false;
        bool isNumber = false;
        value.toDouble(&isNumber);
        out += jsonString(name) + ':' + (isNumber ? value.toUtf8() : jsonString(value));
    }
    out += "}," + metricsFields(point.result.metrics) + whatIfFields(point.result.metrics) + '}';
    return out;
}

QByteArray sweepCsvHeader(const SweepPoint &first)
{
    QByteArray out;
    for (const auto &parameter : first.parameters)
        out += parameter.first.toUtf8() + ',';
    out += "transitions,opens,rejected,events,final_state,admitted,failed_let_through,good_rejected,open_ms,"
           "half_open_ms,flapping_episodes,outages,outages_detected,detection_delay_ms_mean,"
           "detection_delay_ms_max,recovery_delay_ms_mean,recovery_delay_ms_max";
    return out;
}

QByteArray sweepCsvRow(const SweepPoint &point)
{
    const WhatIfMetrics &m = point.result.metrics;
    auto optional = [](const auto &value) -> QByteArray { return value ? number(static_cast<double>(*value), 1) : ""; };
    QByteArray out;
    for (const auto &parameter : point.parameters)
        out += parameter.second.toUtf8() + ',';
    out += QByteArray::number(m.transitions) + ',' + QByteArray::number(m.opens) + ',' +
           QByteArray::number(m.rejected) + ',' + QByteArray::number(m.events) + ',' +
           stateName(m.finalState).toUtf8() + ',' + QByteArray::number(m.admitted) + ',' +
           QByteArray::number(m.failedLetThrough) + ',' + QByteArray::number(m.goodRejected) + ',' +
           QByteArray::number(m.openMs) + ',' + QByteArray::number(m.halfOpenMs) + ',' +
           QByteArray::number(m.flappingEpisodes) + ',' + QByteArray::number(m.outages) + ',' +
           QByteArray::number(m.outagesDetected) + ',' + optional(m.meanDetectionDelayMs) + ',' +
           optional(m.maxDetectionDelayMs) + ',' + optional(m.meanRecoveryDelayMs) + ',' +
           optional(m.maxRecoveryDelayMs);
    return out;
}

} // namespace bw::report
