#pragma once

#include "common/result.h"
#include "prometheus/metricsample.h"

#include <QByteArray>
#include <QList>
#include <QRegularExpression>

namespace bw {

// A PromQL-style series selector: name{label="v",label!="v",label=~"re",label!~"re"}. Regular expressions are
// fully anchored, as in PromQL. A value type; matches() is const and thread-safe.
class SeriesSelector
{
public:
    struct Matcher
    {
        enum class Op : std::uint8_t
        {
            Equal,
            NotEqual,
            Regex,
            NotRegex
        };
        QByteArray label;
        Op op = Op::Equal;
        QByteArray value;
        QRegularExpression regex;
    };

    static Result<SeriesSelector> parse(QStringView text);

    bool matches(const MetricSample &sample) const;
    const QByteArray &metricName() const { return m_name; }
    const QList<Matcher> &matchers() const { return m_matchers; }

private:
    QByteArray m_name;
    QList<Matcher> m_matchers;
};

} // namespace bw
