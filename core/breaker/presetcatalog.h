#pragma once

#include "breaker/breakerpolicy.h"
#include "breaker/parameterspec.h"
#include "common/result.h"

#include <QList>
#include <QPair>
#include <QString>

#include <functional>
#include <vector>

namespace bw {

// A named way to configure a breaker: a library's semantics (opossum, Resilience4j, ...) with that library's
// parameter names and defaults, or a named profile of one (aggressive, payment, ...).
struct Preset
{
    QString name;
    QString library;     // "opossum 9", "Resilience4j 2.x", "design notes"
    QString description; // one line
    QString basedOn;     // for profiles: the preset whose semantics they use
    std::vector<ParameterSpec> parameters;
    // Builds the engine policy from a complete set of values (every parameter present, checked).
    std::function<BreakerPolicy(const ParameterValues &)> build;

    const ParameterSpec *parameter(QStringView name) const;
    ParameterValues defaults() const;
};

// The built-in presets. A plain value: construct one where it is needed (it is cheap), pass it by reference.
class PresetCatalog
{
public:
    PresetCatalog();

    const std::vector<Preset> &presets() const { return m_presets; }
    const Preset *find(QStringView name) const;
    QStringList names() const;

    // Defaults overridden by typed values; unknown names and bad values are refused with the valid names.
    Result<ParameterValues> resolve(QStringView preset, const ParameterValues &overrides) const;
    // Same from text pairs (command-line --set key=value, YAML scalars).
    Result<ParameterValues> resolveText(QStringView preset, const QList<QPair<QString, QString>> &overrides) const;

    Result<BreakerPolicy> build(QStringView preset, const ParameterValues &overrides = {}) const;
    Result<BreakerPolicy> buildText(QStringView preset, const QList<QPair<QString, QString>> &overrides) const;

private:
    std::vector<Preset> m_presets;
};

} // namespace bw
