#pragma once

// A compact notation for call sequences in data-driven tests:
//   "0f 1f 2s 500s@1500 1000a 0..950/50s"
//   <t>f  failure at t        <t>s  success at t       @<ms> latency
//   <t>a  advance the clock to t without a call (fires timers)
//   <a>..<b>/<step><s|f>  one call every step ms from a to b inclusive
// Transitions are written "2:c>o 1002:o>h" with c closed, o open, h half-open, F forced-open, d disabled,
// m metrics-only.

#include "breaker/circuitbreaker.h"

#include <QString>
#include <QStringList>

#include <vector>

namespace testscript {

struct Step
{
    std::int64_t t = 0;
    bool call = true;
    bool ok = true;
    float latencyMs = 0;
};

inline std::vector<Step> parseEvents(const QString &script)
{
    std::vector<Step> steps;
    for (const QString &token : script.split(u' ', Qt::SkipEmptyParts)) {
        QString body = token;
        float latency = 0;
        if (const qsizetype at = body.indexOf(u'@'); at >= 0) {
            latency = body.mid(at + 1).toFloat();
            body.truncate(at);
        }
        const QChar kind = body.back();
        body.chop(1);
        if (const qsizetype dots = body.indexOf(u".."); dots >= 0) {
            const qsizetype slash = body.indexOf(u'/');
            const qint64 from = body.left(dots).toLongLong();
            const qint64 to = body.mid(dots + 2, slash - dots - 2).toLongLong();
            const qint64 step = body.mid(slash + 1).toLongLong();
            for (qint64 t = from; t <= to; t += step)
                steps.push_back({t, true, kind == u's', latency});
            continue;
        }
        Step step;
        step.t = body.toLongLong();
        step.call = kind != u'a';
        step.ok = kind == u's';
        step.latencyMs = latency;
        steps.push_back(step);
    }
    return steps;
}

inline QChar stateLetter(bw::BreakerState state)
{
    switch (state) {
    case bw::BreakerState::Closed:
        return u'c';
    case bw::BreakerState::Open:
        return u'o';
    case bw::BreakerState::HalfOpen:
        return u'h';
    case bw::BreakerState::ForcedOpen:
        return u'F';
    case bw::BreakerState::Disabled:
        return u'd';
    case bw::BreakerState::MetricsOnly:
        return u'm';
    }
    return u'?';
}

inline QString describe(const std::vector<bw::Transition> &transitions)
{
    QStringList parts;
    for (const bw::Transition &tr : transitions)
        parts << QStringLiteral("%1:%2>%3").arg(tr.t).arg(stateLetter(tr.from)).arg(stateLetter(tr.to));
    return parts.join(u' ');
}

struct Outcome
{
    QString transitions;
    std::int64_t rejected = 0;
};

inline Outcome run(bw::CircuitBreaker &breaker, const QString &script)
{
    Outcome outcome;
    for (const Step &step : parseEvents(script)) {
        if (!step.call) {
            breaker.advanceTo(step.t);
            continue;
        }
        if (!breaker.onCall(step.t, step.ok, step.latencyMs))
            ++outcome.rejected;
    }
    outcome.transitions = describe(breaker.transitions());
    return outcome;
}

} // namespace testscript
