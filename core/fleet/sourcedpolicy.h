#pragma once

#include "breaker/breakerpolicy.h"
#include "breaker/presetcatalog.h"
#include "config/config.h"
#include "fleet/breakersource.h"

#include <QList>
#include <QPair>
#include <QString>

namespace bw {

// The policy a named breaker's simulation starts from, so that it shadows the real breaker: the library's preset
// with the settings the source reports (the actuator's failureRateThreshold and slowCallRateThreshold, hystrix
// propertyValue_*, a status page's failure_threshold and recovery_timeout), on top of the service's own parameters
// when the service's preset is that library's. Where the source tells nothing, the service's configured policy.
struct SourcedPolicy
{
    QString preset;
    QList<QPair<QString, QString>> parameters;
    BreakerPolicy policy;
    bool fromSource = false; // some parameter came from the real breaker's settings

    // Pure. A setting that does not parse or that the preset refuses is left out, never an error.
    static SourcedPolicy forBreaker(const ServiceConfig &service, BreakerSource source,
                                    const QList<QPair<QString, QString>> &settings, const PresetCatalog &catalog);
};

} // namespace bw
