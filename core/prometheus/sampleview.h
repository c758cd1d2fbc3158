#pragma once

#include <QByteArrayView>

#include <cstdint>
#include <optional>
#include <span>

namespace bw {

// One label of a SampleView: views into the page, or into the parser's scratch buffer when the value had
// escapes (the value is always unescaped).
struct LabelView
{
    QByteArrayView name;
    QByteArrayView value;
};

// One sample as the parser sees it, handed to an ExpositionVisitor. Nothing is owned: every view points into
// the page being parsed or into parser scratch memory, and is valid only during the visitor call.
struct SampleView
{
    QByteArrayView name;               // the full series name as written (with _total, _bucket, ... suffixes)
    std::span<const LabelView> labels; // in the order written
    QByteArrayView labelText;          // the label set as written, braces included (empty without braces)
    double value = 0;
    std::optional<std::int64_t> timestampMs; // OpenMetrics seconds are converted to milliseconds
    qsizetype line = 0;                      // 1-based line of the sample in the page
};

} // namespace bw
