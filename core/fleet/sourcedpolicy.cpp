#include "fleet/sourcedpolicy.h"

using namespace Qt::StringLiterals;

namespace bw {

namespace {

struct Mapping
{
    QStringView setting;   // as the source names it
    QStringView parameter; // the preset's parameter
    QStringView unit;      // appended to the number: "ms", "s" or nothing
};

QString number(QString text)
{
    text = text.trimmed();
    if (text.endsWith(u'%'))
        text.chop(1);
    bool ok = false;
    const double value = text.toDouble(&ok);
    return ok && value >= 0 ? QString::number(value) : QString();
}

} // namespace

SourcedPolicy SourcedPolicy::forBreaker(const ServiceConfig &service, BreakerSource source,
                                        const QList<QPair<QString, QString>> &settings, const PresetCatalog &catalog)
{
    SourcedPolicy configured{service.preset, service.parameters, service.policy, false};
    QString preset;
    std::vector<Mapping> mappings;
    switch (source) {
    case BreakerSource::Actuator:
    case BreakerSource::HealthIndicator:
    case BreakerSource::Resilience4j:
        preset = u"resilience4j"_s;
        mappings = {{u"failureRateThreshold", u"failureRateThreshold", u""},
                    {u"slowCallRateThreshold", u"slowCallRateThreshold", u""}};
        break;
    case BreakerSource::Hystrix:
        preset = u"hystrix"_s;
        mappings = {
            {u"propertyValue_circuitBreakerErrorThresholdPercentage", u"circuitBreakerErrorThresholdPercentage", u""},
            {u"propertyValue_circuitBreakerRequestVolumeThreshold", u"circuitBreakerRequestVolumeThreshold", u""},
            {u"propertyValue_circuitBreakerSleepWindowInMilliseconds", u"circuitBreakerSleepWindowInMilliseconds",
             u"ms"},
            {u"propertyValue_metricsRollingStatisticalWindowInMilliseconds",
             u"metricsRollingStatisticalWindowInMilliseconds", u"ms"}};
        break;
    case BreakerSource::StatusPage:
        preset = u"classic"_s; // the seed implementation: consecutive failures, recovery timeout in seconds
        mappings = {{u"failure_threshold", u"failure_threshold", u""},
                    {u"recovery_timeout", u"recovery_timeout", u"s"},
                    {u"success_threshold", u"success_threshold", u""}};
        break;
    case BreakerSource::Health:
    case BreakerSource::Opossum: // opossum-prometheus reports no options
    case BreakerSource::Gauge:
        return configured;
    }

    QList<QPair<QString, QString>> parameters;
    if (service.preset == preset)
        parameters = service.parameters;
    bool any = false;
    for (const Mapping &m : mappings) {
        for (const auto &[key, value] : settings) {
            if (key != m.setting)
                continue;
            const QString n = number(value);
            if (n.isEmpty())
                continue;
            const QString text = n + m.unit;
            // Only take a value the preset accepts on its own (e.g. a threshold of 0 may be out of range).
            if (!catalog.buildText(preset, {{m.parameter.toString(), text}}))
                continue;
            parameters.removeIf([&](const auto &p) { return p.first == m.parameter; });
            parameters.append({m.parameter.toString(), text});
            any = true;
        }
    }
    if (!any)
        return configured;
    auto policy = catalog.buildText(preset, parameters);
    if (!policy)
        return configured;
    return {preset, parameters, *policy, true};
}

} // namespace bw
