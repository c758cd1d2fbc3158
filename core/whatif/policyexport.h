#pragma once

#include "breaker/policyfile.h"
#include "breaker/presetcatalog.h"
#include "common/result.h"

#include <QString>

#include <cstdint>
#include <optional>
#include <vector>

namespace bw {

// A policy written as the configuration its own library reads, so a policy tuned in the what-if workbench can be
// pasted into production. Pure functions of their arguments: any thread, no I/O.

enum class PolicyFormat : std::uint8_t
{
    Breakerwatch,       // Breakerwatch's own policy YAML (readPolicyFile reads it back)
    Resilience4jSpring, // resilience4j.circuitbreaker.instances.<name> in a Spring Boot application.yml
    OpossumJson,        // the options object of `new CircuitBreaker(action, options)`
    CockatielSnippet,   // TypeScript: circuitBreaker(handleAll, { halfOpenAfter, breaker })
    PollySnippet        // C#: ResiliencePipelineBuilder().AddCircuitBreaker(new CircuitBreakerStrategyOptions {...})
};

struct PolicyFormatInfo
{
    PolicyFormat format;
    QString id;         // "breakerwatch", "resilience4j", "opossum", "cockatiel", "polly" (CLI --format values)
    QString title;      // "Resilience4j (Spring Boot YAML)", "opossum options (JSON)", ...
    QString fileSuffix; // "yaml", "json", "ts", "cs"
};

// The formats a preset can be exported to: Breakerwatch YAML always first, then its library's own (profiles use
// their basedOn preset's library). Unknown preset: just Breakerwatch.
std::vector<PolicyFormatInfo> exportFormatsFor(const PresetCatalog &catalog, QStringView preset);
std::optional<PolicyFormat> policyFormatFromId(QStringView id);

// The document as `format`: every parameter spelled out (defaults included) with the library's names and units
// (ms for opossum and cockatiel, Spring Duration strings such as "10s" for Resilience4j, TimeSpan for Polly).
// A parameter the library has no option for is named in a comment, never turned into an invented option.
// `instanceName` names the breaker where the format has a place for it (Spring instance key, opossum `name`,
// Polly `Name`, the snippet's variable); it must start with a letter or '_' and hold letters, digits, '-', '_'.
// Errors: an invalid document (names the parameter and why), a format the preset's library does not read, a value
// the library itself refuses (e.g. cockatiel's threshold 1, Polly's BreakDuration over one day), a bad name.
Result<QString> exportPolicy(const PresetCatalog &catalog, const PolicyDocument &document, PolicyFormat format,
                             const QString &instanceName = QStringLiteral("backend"));

} // namespace bw
