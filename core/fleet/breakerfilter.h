#pragma once

#include <QRegularExpression>
#include <QStringList>

namespace bw {

// Which of the breakers a source shows to follow: all of them (the default), those named, and/or those whose
// name matches a regular expression (anchored, as Prometheus anchors its regexes). A value type.
struct BreakerFilter
{
    QStringList names;
    QRegularExpression pattern; // empty pattern: no regex condition

    bool isEmpty() const { return names.isEmpty() && pattern.pattern().isEmpty(); }
    bool matches(QStringView name) const
    {
        if (isEmpty())
            return true;
        if (names.contains(name))
            return true;
        return !pattern.pattern().isEmpty() && pattern.match(name.toString()).hasMatch();
    }
    bool operator==(const BreakerFilter &) const = default;
};

} // namespace bw
