#pragma once

#include "common/result.h"
#include "prometheus/expositionvisitor.h"
#include "prometheus/sampleview.h"

#include <QByteArrayView>

#include <string>
#include <vector>

namespace bw {

// Prometheus text exposition 0.0.4, accepted and rejected as Prometheus' own scrape parser (textparse/promparse,
// checked against Prometheus 2.42) does: blank lines, free whitespace between tokens, a trailing comma or no
// comma between labels, unknown escapes kept as written, a raw newline inside a label value, no trailing newline,
// metadata anywhere and repeated, HELP/TYPE text being the rest of the line after one separator character; but
// no leading whitespace before a metric name, duplicate label names (__name__ included), CR before LF, TYPE
// words other than counter|gauge|histogram|summary|untyped, timestamps other than unsigned integer ms, or values
// outside the float grammar (no hex, no '_', no overflow). Metric names are the classic ones, before the braces
// (not Prometheus 3's quoted UTF-8 names). Deliberate difference: a NUL byte outside label values, HELP text and
// comments is an error (Prometheus stops reading there and keeps what it read). Reusable, one page at a time;
// not thread-safe (use one per thread).
class PrometheusTextReader
{
public:
    Status read(QByteArrayView page, ExpositionVisitor &visitor);

private:
    // begin is at '#'; returns the start of the next line, or nullptr on error.
    const char *readComment(const char *begin, const char *end, ExpositionVisitor &visitor);
    // begin is at a metric name; returns the start of the next line, or nullptr on error.
    const char *readSample(const char *begin, const char *end, ExpositionVisitor &visitor);
    bool fail(const char *message, const char *excerptBegin = nullptr, const char *excerptEnd = nullptr);

    std::vector<LabelView> m_labels;
    std::vector<std::uint8_t> m_escaped; // per label: value needs unescaping
    std::string m_scratch;               // unescaped label values and HELP text of the current line
    qsizetype m_line = 0;
    qsizetype m_errorLine = 0;
    QString m_error;
};

} // namespace bw
