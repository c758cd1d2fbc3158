#pragma once

#include <QString>

#include <cstdint>
#include <optional>

namespace bw {

// Every state a simulated or observed breaker can be in. Presentation (colours, icons) is ui/'s business.
enum class BreakerState : std::uint8_t
{
    Closed,
    Open,
    HalfOpen,
    ForcedOpen,  // held open by an operator
    Disabled,    // permits everything, records nothing
    MetricsOnly, // records, never transitions: a live dry run
};

inline constexpr int kBreakerStateCount = 6;

// "closed", "open", "half-open", "forced-open", "disabled", "metrics-only": the spelling of the CLI contract.
QString stateName(BreakerState state);
std::optional<BreakerState> stateFromName(QStringView name);

// Whether calls are refused in this state (ignoring half-open probe limits).
constexpr bool rejectsAll(BreakerState state)
{
    return state == BreakerState::Open || state == BreakerState::ForcedOpen;
}

} // namespace bw
