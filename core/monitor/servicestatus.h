#pragma once

#include "breaker/breakerstate.h"
#include "probe/probeoutcome.h"

#include <QMetaType>
#include <QString>

#include <cstdint>

namespace bw {

// What a display needs to know about one watched service after its latest poll. A value type.
struct ServiceStatus
{
    QString name;
    QString url;
    BreakerState state = BreakerState::Closed;
    std::int64_t stateSinceMs = 0;
    QString lastReason; // the latest transition's reason
    ProbeOutcomeKind lastOutcome = ProbeOutcomeKind::Other;
    QString lastMessage;
    std::int64_t lastCheckMs = -1; // -1: never polled yet
    double lastLatencyMs = 0;
    std::int64_t polls = 0;
    std::int64_t failures = 0;
    double windowFailurePercent = -1; // -1: not enough calls yet
    int opensLast10Min = 0;
};

} // namespace bw

Q_DECLARE_METATYPE(bw::ServiceStatus)
