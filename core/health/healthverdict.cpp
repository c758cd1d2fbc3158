#include "health/healthverdict.h"

using namespace Qt::StringLiterals;

namespace bw {

QString healthStatusName(HealthStatus status)
{
    switch (status) {
    case HealthStatus::Up:
        return u"up"_s;
    case HealthStatus::Warn:
        return u"warn"_s;
    case HealthStatus::Down:
        return u"down"_s;
    case HealthStatus::Unknown:
        break;
    }
    return u"unknown"_s;
}

} // namespace bw
