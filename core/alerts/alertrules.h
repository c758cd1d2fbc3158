#pragma once

#include "flapping/flappingrule.h"

#include <cstdint>
#include <optional>

namespace bw {

// When the three alerts fire: BreakerOpen (not closed for longer than openLongMs), BreakerOpenLong (longer than
// openVeryLongMs) and BreakerFlapping (the flapping rule). A value type; the configuration holds the global rules
// (`alerting.rules`) and each service's overrides (`alert_rules:`), Config::alertRulesFor() merges them, and the
// monitor (which counts opens in the flapping window) and the alert tracker both take them from there.
struct AlertRules
{
    std::int64_t openLongMs = 2 * 60'000;
    std::int64_t openVeryLongMs = 10 * 60'000;
    FlappingRule flapping;

    friend bool operator==(const AlertRules &, const AlertRules &) = default;
};

// A service's `alert_rules:` block: only what it sets; the rest comes from the global rules.
struct AlertRuleOverrides
{
    std::optional<std::int64_t> openLongMs;
    std::optional<std::int64_t> openVeryLongMs;
    std::optional<int> flappingOpens;
    std::optional<std::int64_t> flappingWindowMs;

    bool isEmpty() const { return !openLongMs && !openVeryLongMs && !flappingOpens && !flappingWindowMs; }
    AlertRules applyTo(AlertRules rules) const
    {
        rules.openLongMs = openLongMs.value_or(rules.openLongMs);
        rules.openVeryLongMs = openVeryLongMs.value_or(rules.openVeryLongMs);
        rules.flapping.maxOpens = flappingOpens.value_or(rules.flapping.maxOpens);
        rules.flapping.windowMs = flappingWindowMs.value_or(rules.flapping.windowMs);
        return rules;
    }
    friend bool operator==(const AlertRuleOverrides &, const AlertRuleOverrides &) = default;
};

} // namespace bw
