#pragma once

#include "common/result.h"

#include <QMap>
#include <QString>
#include <QStringList>
#include <QVariant>

namespace bw {

enum class ParameterType : std::uint8_t
{
    Integer,    // qlonglong
    Number,     // double
    Boolean,    // bool
    DurationMs, // qlonglong milliseconds; accepts "30s", "1m", "250ms" or a bare number of ms
    Choice,     // QString, one of `choices`
    IntegerList // QString "10,25,50"
};

// One parameter of a preset, by the library's own name, with its unit, default and meaning.
struct ParameterSpec
{
    QString name;
    ParameterType type = ParameterType::Number;
    QVariant defaultValue; // null QVariant = "library default" (only when `nullable`)
    QString unit;
    QString help;
    double minimum = 0;
    double maximum = 1e18;
    bool minimumExclusive = false;
    QStringList choices;
    bool nullable = false;

    // Text (from --set, a YAML scalar or an editor) to a typed value, or why it is not acceptable.
    Result<QVariant> parse(QStringView text) const;
    // A typed value within range, or why not.
    Status check(const QVariant &value) const;
    // Display/export form of a value: "30000", "true", "COUNT_BASED", "null".
    QString format(const QVariant &value) const;
    QString typeName() const;
};

using ParameterValues = QMap<QString, QVariant>;

} // namespace bw
