#include "fleet/breakersource.h"

#include <array>

using namespace Qt::StringLiterals;

namespace bw {

namespace {
constexpr std::array<QStringView, 8> kNames{u"health",   u"resilience4j",     u"opossum",     u"gauge",
                                            u"actuator", u"health-indicator", u"status-page", u"hystrix"};
} // namespace

QString sourceName(BreakerSource source)
{
    return kNames[static_cast<std::size_t>(source)].toString();
}

std::optional<BreakerSource> sourceFromName(QStringView name)
{
    for (std::size_t i = 0; i < kNames.size(); ++i)
        if (name == kNames[i])
            return static_cast<BreakerSource>(i);
    return std::nullopt;
}

} // namespace bw
