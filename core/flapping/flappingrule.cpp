#include "flapping/flappingrule.h"

#include "common/durations.h"

using namespace Qt::StringLiterals;

namespace bw {

QString FlappingRule::describe() const
{
    // Whole minutes read as people say them ("10 min"); anything else as a duration ("90s").
    const QString window = windowMs % 60'000 == 0 ? u"%1 min"_s.arg(windowMs / 60'000) : formatDurationMs(windowMs);
    return u"more than %1 opens in %2"_s.arg(maxOpens).arg(window);
}

} // namespace bw
