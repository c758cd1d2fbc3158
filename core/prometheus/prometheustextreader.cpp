#include "prometheus/prometheustextreader.h"

#include "prometheus/expositiontext.h"

#include <cstring>

using namespace Qt::StringLiterals;

namespace bw {

namespace et = expositiontext;

namespace {

const char *skipBlanks(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t'))
        ++p;
    return p;
}

const char *findNewline(const char *p, const char *end)
{
    const void *found = std::memchr(p, '\n', static_cast<std::size_t>(end - p));
    return found ? static_cast<const char *>(found) : end;
}

std::optional<MetricType> prometheusType(const char *begin, const char *end)
{
    const std::string_view word(begin, static_cast<std::size_t>(end - begin));
    if (word == "counter")
        return MetricType::Counter;
    if (word == "gauge")
        return MetricType::Gauge;
    if (word == "histogram")
        return MetricType::Histogram;
    if (word == "summary")
        return MetricType::Summary;
    if (word == "untyped")
        return MetricType::Unknown;
    return std::nullopt;
}

} // namespace

bool PrometheusTextReader::fail(const char *message, const char *excerptBegin, const char *excerptEnd)
{
    m_error = u"line %1: %2"_s.arg(m_errorLine ? m_errorLine : m_line).arg(QString::fromUtf8(message));
    if (excerptBegin)
        m_error += u' ' + QString::fromStdString(et::excerpt(excerptBegin, excerptEnd));
    return false;
}

Status PrometheusTextReader::read(QByteArrayView page, ExpositionVisitor &visitor)
{
    m_line = 0;
    m_errorLine = 0;
    m_error.clear();
    const char *p = page.data();
    const char *const pageEnd = p + page.size();
    while (p < pageEnd) {
        ++m_line;
        if (et::is(*p, et::MetricStart) || *p == '#') {
            p = *p == '#' ? readComment(p, pageEnd, visitor) : readSample(p, pageEnd, visitor);
            if (!p)
                return Error{m_error};
            continue;
        }
        const char *eol = findNewline(p, pageEnd);
        const char *first = skipBlanks(p, eol);
        bool ok = true;
        if (first == eol) {
            // blank line
        } else if (*first == '#') {
            ok = readComment(first, pageEnd, visitor) != nullptr;
        } else if (first != p) {
            ok = fail("whitespace before the metric name");
        } else if (*first == '{') {
            ok = fail("missing metric name");
        } else if (*first == '\0') {
            ok = fail("unexpected NUL byte");
        } else {
            ok = fail("invalid metric name", first, eol);
        }
        if (!ok)
            return Error{m_error};
        p = eol < pageEnd ? eol + 1 : pageEnd;
    }
    return success();
}

const char *PrometheusTextReader::readComment(const char *begin, const char *end, ExpositionVisitor &visitor)
{
    // "#" then blanks then HELP or TYPE then blanks: metadata. Anything else starting with '#' is a comment.
    auto nextLine = [end](const char *q) {
        const char *eol = findNewline(q, end);
        return eol < end ? eol + 1 : end;
    };
    const char *p = begin + 1;
    if (p == end || (*p != ' ' && *p != '\t'))
        return nextLine(p);
    p = skipBlanks(p, end);
    if (end - p < 5 || (p[4] != ' ' && p[4] != '\t'))
        return nextLine(p);
    const bool isHelp = std::memcmp(p, "HELP", 4) == 0;
    if (!isHelp && std::memcmp(p, "TYPE", 4) != 0)
        return nextLine(p);
    p = skipBlanks(p + 4, end);
    const char *nameBegin = p;
    p = et::scanMetricName(p, end);
    if (p == nameBegin) {
        fail(isHelp ? "expected a metric name after HELP" : "expected a metric name after TYPE");
        return nullptr;
    }
    const QByteArrayView name(nameBegin, p - nameBegin);
    et::TextFlags flags;
    const char *eol = et::scanToNewline(p, end, flags);
    const char *next = eol < end ? eol + 1 : end;

    // As Prometheus' lexer: the text is the rest of the line minus its first character (normally the blank
    // after the name), or nothing when the rest is only blanks.
    const char *textBegin = eol;
    if (eol - p > 1 && skipBlanks(p, eol) != eol)
        textBegin = p + 1;

    if (!isHelp) {
        const auto type = prometheusType(textBegin, eol);
        if (!type) {
            if (eol > textBegin && eol[-1] == '\r')
                fail("carriage return at the end of the line (CRLF line endings are not supported)");
            else
                fail("invalid metric type", textBegin, eol);
            return nullptr;
        }
        visitor.type(name, *type);
        return next;
    }
    if (flags.nonAscii && !et::isValidUtf8(textBegin, eol)) {
        fail("invalid UTF-8 in HELP text");
        return nullptr;
    }
    if (!flags.backslash) {
        visitor.help(name, QByteArrayView(textBegin, eol - textBegin));
    } else {
        m_scratch = et::unescapeHelp(textBegin, eol, false);
        visitor.help(name, QByteArrayView(m_scratch.data(), qsizetype(m_scratch.size())));
    }
    return next;
}

const char *PrometheusTextReader::readSample(const char *begin, const char *end, ExpositionVisitor &visitor)
{
    // Scans up to the page end: a line ends at '\n' (or the page end), and a quoted label value may span lines.
    const qsizetype firstLine = m_line;
    auto atEol = [end](const char *q) { return q == end || *q == '\n'; };
    auto error = [&](const char *message, const char *excerptBegin = nullptr,
                     const char *excerptEnd = nullptr) -> const char * {
        if (excerptBegin && !excerptEnd)
            excerptEnd = findNewline(excerptBegin, end);
        fail(message, excerptBegin, excerptEnd);
        return nullptr;
    };

    const char *p = et::skipNameChars(begin + 1, end, true);
    const QByteArrayView name(begin, p - begin);
    p = skipBlanks(p, end);

    m_labels.clear();
    m_escaped.clear();
    bool anyEscaped = false;
    const char *labelsBegin = p;
    if (p < end && *p == '{') {
        ++p;
        for (;;) {
            p = skipBlanks(p, end);
            if (atEol(p))
                return error("unterminated label set");
            if (*p == '}') {
                ++p;
                break;
            }
            const char *labelBegin = p;
            p = et::scanLabelName(p, end);
            if (p == labelBegin)
                return error(*p == ',' ? "unexpected ',' in label set" : "invalid label name", labelBegin);
            const QByteArrayView labelName(labelBegin, p - labelBegin);
            p = skipBlanks(p, end);
            if (atEol(p) || *p != '=')
                return error("expected '=' after label name", labelBegin);
            p = skipBlanks(p + 1, end);
            if (atEol(p) || *p != '"')
                return error(!atEol(p) && *p == '\'' ? "label value not in double quotes"
                                                     : "expected a quoted label value");
            const char *valueBegin = ++p;
            const qsizetype valueLine = m_line;
            bool escaped = false;
            bool nonAscii = false;
            for (;;) {
                p = et::skipQuotedPlain(p, end, nonAscii);
                if (p == end) {
                    m_errorLine = valueLine;
                    return error("unterminated label value");
                }
                const char c = *p;
                if (c == '"')
                    break;
                if (c == '\n') { // Prometheus accepts a raw newline inside a quoted label value
                    ++m_line;
                    ++p;
                    continue;
                }
                if (p + 1 == end || p[1] == '\n')
                    return error("invalid label value escape");
                escaped = true;
                nonAscii |= static_cast<unsigned char>(p[1]) >= 0x80;
                p += 2;
            }
            const char *valueEnd = p++;
            if (nonAscii && !et::isValidUtf8(valueBegin, valueEnd))
                return error("invalid UTF-8 in label value");
            if (labelName == "__name__")
                return error("label __name__ duplicates the metric name");
            m_labels.push_back({labelName, QByteArrayView(valueBegin, valueEnd - valueBegin)});
            m_escaped.push_back(escaped);
            anyEscaped |= escaped;
            p = skipBlanks(p, end);
            if (p < end && *p == ',')
                ++p;
        }
        if (const LabelView *duplicate = et::findDuplicateName(m_labels))
            return error("duplicate label name", duplicate->name.data(),
                         duplicate->name.data() + duplicate->name.size());
    }
    const QByteArrayView labelText(labelsBegin, p - labelsBegin);
    p = skipBlanks(p, end);

    const char *valueBegin = p;
    while (p < end && !et::is(*p, et::ValueStop))
        ++p;
    if (p == valueBegin)
        return error(atEol(p) ? "missing value" : "unexpected '{' where the value should be");
    const auto value = et::parseFloat(valueBegin, p);
    if (!value) {
        if (p[-1] == '\r')
            return error("carriage return at the end of the line (CRLF line endings are not supported)");
        return error("invalid value", valueBegin, p);
    }

    std::optional<std::int64_t> timestamp;
    p = skipBlanks(p, end);
    if (!atEol(p)) {
        const char *tsBegin = p;
        while (p < end && *p >= '0' && *p <= '9')
            ++p;
        if (p == tsBegin)
            return error("invalid timestamp (expected integer milliseconds)", tsBegin);
        timestamp = et::parsePrometheusTimestamp(tsBegin, p);
        if (!timestamp)
            return error("timestamp out of range", tsBegin, p);
        p = skipBlanks(p, end);
        if (!atEol(p)) {
            return error(*p == '\r' ? "carriage return at the end of the line (CRLF line endings are not supported)"
                                    : "unexpected text after the timestamp",
                         p);
        }
    }

    if (anyEscaped)
        et::unescapeLabels(m_labels, m_escaped, m_scratch);
    SampleView sample;
    sample.name = name;
    sample.labels = m_labels;
    sample.labelText = labelText;
    sample.value = *value;
    sample.timestampMs = timestamp;
    sample.line = firstLine;
    visitor.sample(sample);
    return p == end ? end : p + 1;
}

} // namespace bw
