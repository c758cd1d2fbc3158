#include "demo/demobreaker.h"

#include "breaker/presetcatalog.h"

using namespace Qt::StringLiterals;

namespace bw {

namespace {

// Each library's rules, tuned so a demo breaker opens within seconds of its downstream going bad; it stays open
// openWaitMs before it probes.
BreakerPolicy policyFor(AppShape shape, std::int64_t openWaitMs)
{
    const PresetCatalog catalog;
    const QString wait = u"%1ms"_s.arg(openWaitMs);
    switch (shape) {
    case AppShape::Resilience4j:
        return *catalog.buildText(u"resilience4j"_s, {{u"slidingWindowSize"_s, u"20"_s},
                                                      {u"minimumNumberOfCalls"_s, u"10"_s},
                                                      {u"waitDurationInOpenState"_s, wait},
                                                      {u"permittedNumberOfCallsInHalfOpenState"_s, u"3"_s}});
    case AppShape::Opossum:
        return *catalog.buildText(
            u"opossum"_s,
            {{u"errorThresholdPercentage"_s, u"50"_s}, {u"volumeThreshold"_s, u"5"_s}, {u"resetTimeout"_s, wait}});
    case AppShape::StatusPage:
        return *catalog.buildText(
            u"classic"_s,
            {{u"failure_threshold"_s, u"5"_s}, {u"recovery_timeout"_s, wait}, {u"success_threshold"_s, u"2"_s}});
    }
    Q_UNREACHABLE();
}

void add(DemoBreaker::Counts &to, const DemoBreaker::Counts &from)
{
    to.fires += from.fires;
    to.successes += from.successes;
    to.failures += from.failures;
    to.timeouts += from.timeouts;
    to.rejects += from.rejects;
    to.opens += from.opens;
    to.closes += from.closes;
    to.halfOpens += from.halfOpens;
    to.latencySumMs += from.latencySumMs;
}

} // namespace

QString shapeName(AppShape shape)
{
    switch (shape) {
    case AppShape::Resilience4j:
        return u"resilience4j"_s;
    case AppShape::Opossum:
        return u"opossum"_s;
    case AppShape::StatusPage:
        return u"status-page"_s;
    }
    return {};
}

DemoBreaker::DemoBreaker(QString name, QString downstream, ServiceBehaviour behaviour, AppShape shape,
                         std::int64_t openWaitMs)
    : m_name(std::move(name)), m_downstream(std::move(downstream)), m_behaviour(behaviour), m_shape(shape),
      m_openWaitMs(openWaitMs), m_breaker(policyFor(shape, openWaitMs))
{}

DemoBreaker::CallResult DemoBreaker::call(std::int64_t t, std::uint64_t n, BehaviourMode mode)
{
    const std::int64_t second = t / 1000;
    if (second != m_bucketSecond) {
        // Empty the buckets of the seconds skipped, at most the whole ring.
        for (std::int64_t s = std::max(m_bucketSecond + 1, second - 9); s <= second; ++s)
            m_buckets[static_cast<std::size_t>(s % 10)] = {};
        m_bucketSecond = second;
    }
    Counts &bucket = m_buckets[static_cast<std::size_t>(second % 10)];
    const bool unreachable = mode == BehaviourMode::Dead || mode == BehaviourMode::Hanging;
    const BehaviourDecision decision = m_behaviour.decide(unreachable ? BehaviourMode::Outage : mode, t, n);
    const bool timedOut = m_shape == AppShape::Opossum && decision.latencyMs > kTimeoutMs;
    const bool ok = !unreachable && decision.ok && !timedOut;
    CallResult result{true, ok, decision.latencyMs};
    ++m_totals.fires;
    ++bucket.fires;
    if (!m_breaker.onCall(t, ok, static_cast<float>(decision.latencyMs))) {
        ++m_totals.rejects;
        ++bucket.rejects;
        result.permitted = false;
        result.ok = false;
    } else {
        Counts &total = m_totals;
        for (Counts *c : {&total, &bucket}) {
            ok ? ++c->successes : ++c->failures;
            c->timeouts += timedOut ? 1 : 0;
            c->latencySumMs += decision.latencyMs;
        }
        if (!ok)
            m_lastFailureMs = t;
    }
    settle(t);
    return result;
}

void DemoBreaker::settle(std::int64_t t)
{
    m_breaker.advanceTo(t);
    for (const Transition &transition : m_breaker.transitions()) {
        if (transition.to == BreakerState::Open)
            ++m_totals.opens;
        else if (transition.to == BreakerState::Closed)
            ++m_totals.closes;
        else if (transition.to == BreakerState::HalfOpen)
            ++m_totals.halfOpens;
        m_events.push_back(transition);
        if (m_events.size() > 100)
            m_events.pop_front();
    }
    m_breaker.clearTransitions();
}

DemoBreaker::Counts DemoBreaker::rolling() const
{
    Counts sum;
    for (const Counts &bucket : m_buckets)
        add(sum, bucket);
    return sum;
}

} // namespace bw
