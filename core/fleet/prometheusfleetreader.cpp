#include "fleet/prometheusfleetreader.h"

#include <QSet>

#include <cmath>

using namespace Qt::StringLiterals;

namespace bw {

namespace {

// The name a direct scrape's page would give the family's samples (what MetricsPageBreakers looks for).
QByteArray pageName(PrometheusFleetReader::Family family)
{
    using Family = PrometheusFleetReader::Family;
    switch (family) {
    case Family::Resilience4jState:
        return "resilience4j_circuitbreaker_state";
    case Family::Resilience4jFailureRate:
        return "resilience4j_circuitbreaker_failure_rate";
    case Family::Opossum:
        return "circuit";
    case Family::Resilience4jCalls:
    case Family::Resilience4jNotPermitted:
    case Family::Gauge:
        return {}; // named by the answer (gauges), or not read as samples (increases)
    }
    return {};
}

std::int64_t rounded(double increase)
{
    return std::isfinite(increase) && increase > 0 ? std::llround(increase) : 0;
}

QString instanceKey(const QString &job, const QString &instance)
{
    return job + u'\n' + instance;
}

} // namespace

QString PrometheusFleetReader::extraMatchers(const QString &selector)
{
    QString extra = selector.trimmed();
    if (extra.startsWith(u'{') && extra.endsWith(u'}'))
        extra = extra.mid(1, extra.size() - 2).trimmed();
    if (!extra.isEmpty())
        extra.prepend(u',');
    return extra;
}

QList<PrometheusFleetReader::Query> PrometheusFleetReader::queries(const QString &selector, std::int64_t intervalMs)
{
    const QString extra = extraMatchers(selector);
    // increase() over exactly the interval: consecutive intervals neither overlap nor leave gaps.
    const QString range = u"[%1ms]"_s.arg(std::max<std::int64_t>(1, intervalMs));
    return {
        {Family::Resilience4jState, u"{__name__=\"resilience4j_circuitbreaker_state\"%1} == 1"_s.arg(extra)},
        {Family::Resilience4jCalls,
         QString(u"sum by (job, instance, name, kind) (increase({__name__=~\"resilience4j_circuitbreaker_calls"
                 u"(_seconds_count|_total)?\"%1}%2))"_s)
             .arg(extra, range)},
        {Family::Resilience4jNotPermitted,
         QString(u"sum by (job, instance, name) (increase({__name__=~\"resilience4j_circuitbreaker_not_permitted_"
                 u"calls(_total)?\"%1}%2))"_s)
             .arg(extra, range)},
        {Family::Resilience4jFailureRate, u"{__name__=\"resilience4j_circuitbreaker_failure_rate\"%1}"_s.arg(extra)},
        {Family::Opossum, u"{__name__=~\"circuit(_total)?\",event!=\"\"%1}"_s.arg(extra)},
        {Family::Gauge, u"{__name__=~\"(.+_)?circuit_breaker_state\"%1}"_s.arg(extra)},
    };
}

PrometheusFleetReader::Read PrometheusFleetReader::read(const std::map<Family, PromQueryResult> &answers,
                                                        std::int64_t nowMs, std::int64_t intervalMs)
{
    struct Gathered
    {
        QString job;
        QString instance;
        std::vector<MetricSample> samples;
        struct Calls
        {
            double successful = 0;
            double failed = 0;
            double notPermitted = 0;
        };
        QHash<QString, Calls> calls; // by breaker name
    };
    std::map<QString, Gathered> byInstance; // ordered by job, instance
    Read out;

    for (const auto &[family, answer] : answers) {
        for (const PromSeries &series : answer.series) {
            ++out.series;
            const QString job = series.metric.value(u"job"_s);
            const QString instance = series.metric.value(u"instance"_s);
            if (job.isEmpty() || instance.isEmpty() || series.points.empty())
                continue;
            Gathered &gathered = byInstance[instanceKey(job, instance)];
            gathered.job = job;
            gathered.instance = instance;
            const double value = series.points.back().second;
            if (family == Family::Resilience4jCalls || family == Family::Resilience4jNotPermitted) {
                Gathered::Calls &calls = gathered.calls[series.metric.value(u"name"_s)];
                const QString kind = series.metric.value(u"kind"_s);
                if (family == Family::Resilience4jNotPermitted)
                    calls.notPermitted += value;
                else if (kind == u"successful")
                    calls.successful += value;
                else if (kind == u"failed")
                    calls.failed += value;
                continue;
            }
            MetricSample sample;
            const QByteArray fixed = pageName(family);
            sample.name = fixed.isEmpty() ? series.metric.value(u"__name__"_s).toUtf8() : fixed;
            sample.value = value;
            for (auto it = series.metric.cbegin(); it != series.metric.cend(); ++it) {
                if (it.key() != u"__name__" && it.key() != u"job" && it.key() != u"instance")
                    sample.labels.append({it.key().toUtf8(), it.value().toUtf8()});
            }
            gathered.samples.push_back(std::move(sample));
        }
    }

    QHash<QString, MetricsPageBreakers> pages;
    for (auto &[key, gathered] : byInstance) {
        MetricsPageBreakers page = m_pages.take(key);
        MetricsPageBreakers::Read read = page.read(gathered.samples, nowMs);
        pages.insert(key, std::move(page));
        InstanceReadings readings;
        readings.job = gathered.job;
        readings.instance = gathered.instance;
        readings.problems = read.problems;
        for (BreakerReading &reading : read.breakers) {
            if (reading.source == BreakerSource::Resilience4j) {
                // The calls of the interval that ends now, as increase() counted them; none reported: none made.
                const Gathered::Calls calls = gathered.calls.value(reading.name);
                CallBatch batch;
                batch.t0 = nowMs - intervalMs;
                batch.t1 = nowMs;
                batch.successes = rounded(calls.successful);
                batch.failures = rounded(calls.failed);
                if (gathered.calls.contains(reading.name)) {
                    reading.calls = batch;
                    reading.rejectedCalls = rounded(calls.notPermitted);
                }
            }
            readings.breakers << std::move(reading);
        }
        if (!readings.breakers.isEmpty() || !readings.problems.isEmpty())
            out.instances << std::move(readings);
    }
    m_pages = std::move(pages); // an instance the server no longer shows starts afresh if it comes back
    return out;
}

} // namespace bw
