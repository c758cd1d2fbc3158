#include "fleet/hystrixcommandtracker.h"

using namespace Qt::StringLiterals;

namespace bw {

namespace {
constexpr std::int64_t kDefaultWindowMs = 10'000;

std::int64_t rollingWindowMs(const HystrixCommandSample &sample)
{
    for (const auto &[key, value] : sample.properties) {
        if (key == u"propertyValue_metricsRollingStatisticalWindowInMilliseconds") {
            bool ok = false;
            const double ms = value.toDouble(&ok);
            if (ok && ms >= 100)
                return static_cast<std::int64_t>(ms);
        }
    }
    return kDefaultWindowMs;
}
} // namespace

void HystrixCommandTracker::reset()
{
    m_lagMs.reset();
    m_commands.clear();
}

QList<HystrixCommandTracker::Reading> HystrixCommandTracker::onSamples(const QList<HystrixCommandSample> &samples,
                                                                       std::int64_t arrivalMs)
{
    std::optional<std::int64_t> newest;
    for (const HystrixCommandSample &sample : samples) {
        if (!sample.currentTimeMs)
            continue;
        newest = std::max(newest.value_or(*sample.currentTimeMs), *sample.currentTimeMs);
        const std::int64_t lag = arrivalMs - *sample.currentTimeMs;
        m_lagMs = std::min(m_lagMs.value_or(lag), lag);
    }
    QHash<QString, qsizetype> lastOfCommand;
    for (qsizetype i = 0; i < samples.size(); ++i)
        lastOfCommand.insert(samples[i].name, i);
    QList<Reading> out;
    out.reserve(samples.size());
    for (qsizetype i = 0; i < samples.size(); ++i) {
        const HystrixCommandSample &sample = samples[i];
        const bool backlog = sample.currentTimeMs && newest && *newest - *sample.currentTimeMs > m_backlogMs;
        Command &command = m_commands[sample.name];
        if (!backlog) {
            const bool superseded = lastOfCommand.value(sample.name) != i ||
                                    (sample.currentTimeMs && *sample.currentTimeMs <= command.lastLiveMs);
            if (superseded)
                continue;
            command.lastLiveMs = sample.currentTimeMs.value_or(command.lastLiveMs);
        }
        Reading r;
        BreakerReading &reading = r.reading;
        reading.name = sample.name;
        reading.source = BreakerSource::Hystrix;
        reading.state = sample.isCircuitBreakerOpen ? BreakerState::Open : BreakerState::Closed;
        reading.settings = sample.properties;
        reading.failureRatePercent = sample.errorPercentage;
        reading.endpoint = sample.group;
        reading.atMs = sample.currentTimeMs ? *sample.currentTimeMs + m_lagMs.value_or(0) : arrivalMs;
        r.backlog = backlog;
        if (!r.backlog) {
            const std::int64_t windowMs = rollingWindowMs(sample);
            if (command.windowStartMs < 0) {
                // The first window starts one window before the first live sample: its counts are that window.
                command.windowStartMs = reading.atMs - windowMs;
            }
            if (reading.atMs - command.windowStartMs >= windowMs) {
                CallBatch batch;
                batch.t0 = std::max(command.windowStartMs, reading.atMs - windowMs);
                batch.t1 = reading.atMs;
                batch.successes = sample.rollingCountSuccess;
                batch.failures = sample.rollingCountFailure;
                batch.fastLatencyMs = static_cast<float>(sample.latencyExecuteMeanMs.value_or(0));
                batch.slowLatencyMs = batch.fastLatencyMs;
                reading.calls = batch;
                reading.rejectedCalls = sample.rollingCountShortCircuited;
                command.windowStartMs = reading.atMs;
            }
        }
        out << r;
    }
    return out;
}

} // namespace bw
