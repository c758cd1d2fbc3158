#include "timeline/statepalette.h"

using namespace Qt::StringLiterals;

namespace bw::StatePalette {

QColor fill(BreakerState state)
{
    switch (state) {
    case BreakerState::Closed:
        return QColor(0x00, 0x9E, 0x73);
    case BreakerState::Open:
    case BreakerState::ForcedOpen:
        return QColor(0xD5, 0x5E, 0x00);
    case BreakerState::HalfOpen:
        return QColor(0xE6, 0x9F, 0x00);
    case BreakerState::Disabled:
    case BreakerState::MetricsOnly:
        return QColor(0x56, 0xB4, 0xE9);
    }
    return QColor(0x99, 0x99, 0x99);
}

QColor displayFill(BreakerState state, const QColor &background)
{
    const QColor colour = fill(state);
    if (state != BreakerState::Closed)
        return colour;
    constexpr float k = 0.55f;
    return QColor(QColor::fromRgbF(background.redF() * (1 - k) + colour.redF() * k,
                                   background.greenF() * (1 - k) + colour.greenF() * k,
                                   background.blueF() * (1 - k) + colour.blueF() * k)
                      .rgb());
}

QColor text(BreakerState)
{
    return QColor(0x10, 0x10, 0x10);
}

bool hatched(BreakerState state)
{
    return state == BreakerState::ForcedOpen || state == BreakerState::MetricsOnly;
}

QString label(BreakerState state)
{
    switch (state) {
    case BreakerState::Closed:
        return u"CLOSED"_s;
    case BreakerState::Open:
        return u"OPEN"_s;
    case BreakerState::HalfOpen:
        return u"HALF-OPEN"_s;
    case BreakerState::ForcedOpen:
        return u"FORCED OPEN"_s;
    case BreakerState::Disabled:
        return u"DISABLED"_s;
    case BreakerState::MetricsOnly:
        return u"METRICS ONLY"_s;
    }
    return u"?"_s;
}

} // namespace bw::StatePalette
