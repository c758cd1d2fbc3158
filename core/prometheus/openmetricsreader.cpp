#include "prometheus/openmetricsreader.h"

#include "prometheus/expositiontext.h"

#include <cstring>

using namespace Qt::StringLiterals;

namespace bw {

namespace et = expositiontext;

namespace {

constexpr const char *kCrlf = "carriage return at the end of the line (CRLF line endings are not allowed)";

const char *findNewline(const char *p, const char *end)
{
    const void *found = std::memchr(p, '\n', static_cast<std::size_t>(end - p));
    return found ? static_cast<const char *>(found) : end;
}

const char *findSpace(const char *p, const char *end)
{
    while (p < end && *p != ' ')
        ++p;
    return p;
}

} // namespace

bool OpenMetricsReader::fail(const char *message, const char *excerptBegin, const char *excerptEnd)
{
    m_error = u"line %1: %2"_s.arg(m_line).arg(QString::fromUtf8(message));
    if (excerptBegin)
        m_error += u' ' + QString::fromStdString(et::excerpt(excerptBegin, excerptEnd));
    return false;
}

Status OpenMetricsReader::read(QByteArrayView page, ExpositionVisitor &visitor)
{
    m_line = 0;
    m_error.clear();
    m_validator.reset();
    const char *p = page.data();
    const char *const pageEnd = p + page.size();
    bool eof = false;
    while (p < pageEnd) {
        ++m_line;
        const char *eol = findNewline(p, pageEnd);
        const char *next = eol < pageEnd ? eol + 1 : pageEnd;
        if (eol - p == 5 && std::memcmp(p, "# EOF", 5) == 0) {
            if (next != pageEnd) {
                ++m_line;
                fail("text after # EOF");
                return Error{m_error};
            }
            eof = true;
            break;
        }
        bool ok = false;
        if (p == eol)
            ok = fail("empty line (not allowed in OpenMetrics)");
        else if (*p == '#')
            ok = readMetadata(p, eol, visitor);
        else
            ok = readSample(p, eol, visitor);
        if (!ok)
            return Error{m_error};
        p = next;
    }
    if (!eof) {
        m_line = std::max<qsizetype>(m_line, 1);
        fail("missing # EOF at the end of the page");
        return Error{m_error};
    }
    if (!m_validator.finish())
        return Error{m_validator.error()};
    return success();
}

bool OpenMetricsReader::readMetadata(const char *begin, const char *end, ExpositionVisitor &visitor)
{
    auto keyword = [&](const char *word) { return std::memcmp(begin + 2, word, 4) == 0; };
    if (end - begin < 7 || begin[1] != ' ' || begin[6] != ' ' ||
        !(keyword("HELP") || keyword("TYPE") || keyword("UNIT"))) {
        if (end > begin && end[-1] == '\r')
            return fail(kCrlf);
        return fail("invalid line: OpenMetrics allows only # HELP, # TYPE, # UNIT and # EOF after '#'", begin, end);
    }
    const char kind = begin[2];
    const char *nameBegin = begin + 7;
    const char *nameEnd = et::scanMetricName(nameBegin, end);
    if (nameEnd == nameBegin)
        return fail("expected a metric name", nameBegin, end);
    if (nameEnd == end || *nameEnd != ' ')
        return fail("expected one space and the text after the metric name", begin, end);
    const QByteArrayView name(nameBegin, nameEnd - nameBegin);
    const std::string_view family(nameBegin, static_cast<std::size_t>(nameEnd - nameBegin));
    const char *textBegin = nameEnd + 1;
    const std::string_view word(textBegin, static_cast<std::size_t>(end - textBegin));

    if (kind == 'H') {
        const et::TextFlags flags = et::scanText(textBegin, end);
        const bool escaped = flags.backslash;
        if (flags.nonAscii && !et::isValidUtf8(textBegin, end))
            return fail("invalid UTF-8 in HELP text");
        if (!m_validator.metadata(OpenMetricsValidator::Metadata::Help, family, word, m_line)) {
            m_error = m_validator.error();
            return false;
        }
        if (!escaped) {
            visitor.help(name, QByteArrayView(textBegin, end - textBegin));
        } else {
            m_scratch = et::unescapeHelp(textBegin, end, true);
            visitor.help(name, QByteArrayView(m_scratch.data(), qsizetype(m_scratch.size())));
        }
        return true;
    }
    if (kind == 'T') {
        MetricType type = MetricType::Unknown;
        if (!m_validator.metadata(OpenMetricsValidator::Metadata::Type, family, word, m_line, &type)) {
            m_error = !word.empty() && word.back() == '\r' ? u"line %1: %2"_s.arg(m_line).arg(QString::fromUtf8(kCrlf))
                                                           : m_validator.error();
            return false;
        }
        visitor.type(name, type);
        return true;
    }
    if (!m_validator.metadata(OpenMetricsValidator::Metadata::Unit, family, word, m_line)) {
        m_error = m_validator.error();
        return false;
    }
    visitor.unit(name, QByteArrayView(textBegin, end - textBegin));
    return true;
}

bool OpenMetricsReader::readLabels(const char *&p, const char *end, std::vector<LabelView> &labels,
                                   std::vector<std::uint8_t> &escapedFlags, bool &anyEscaped)
{
    labels.clear();
    escapedFlags.clear();
    anyEscaped = false;
    ++p; // '{'
    if (p < end && *p == '}') {
        ++p;
        return true;
    }
    for (;;) {
        const char *nameBegin = p;
        p = et::scanLabelName(p, end);
        if (p == nameBegin) {
            if (p < end && *p == '}')
                return fail("trailing comma in label set");
            return fail(p < end && *p == ',' ? "unexpected ',' in label set" : "invalid label name", nameBegin, end);
        }
        const QByteArrayView name(nameBegin, p - nameBegin);
        if (p == end || *p != '=')
            return fail("expected '=' after label name", nameBegin, end);
        ++p;
        if (p == end || *p != '"')
            return fail(p < end && *p == '\'' ? "label value not in double quotes" : "expected a quoted label value");
        const char *valueBegin = ++p;
        bool escaped = false;
        bool nonAscii = false;
        for (;;) {
            p = et::skipQuotedPlain(p, end, nonAscii);
            if (p == end)
                return fail("unterminated label value");
            if (*p == '"')
                break;
            // a backslash ('\n' cannot occur inside a line)
            if (p + 1 >= end)
                return fail("invalid label value escape");
            escaped = true;
            nonAscii |= static_cast<unsigned char>(p[1]) >= 0x80;
            p += 2;
        }
        const char *valueEnd = p++;
        if (nonAscii && !et::isValidUtf8(valueBegin, valueEnd))
            return fail("invalid UTF-8 in label value");
        if (name == "__name__")
            return fail("label __name__ duplicates the metric name");
        labels.push_back({name, QByteArrayView(valueBegin, valueEnd - valueBegin)});
        escapedFlags.push_back(escaped);
        anyEscaped |= escaped;
        if (p < end && *p == ',') {
            ++p;
            continue;
        }
        if (p < end && *p == '}') {
            ++p;
            break;
        }
        return fail("expected ',' or '}' after a label value", valueBegin - 1, end);
    }
    if (const LabelView *duplicate = et::findDuplicateName(labels))
        return fail("duplicate label name", duplicate->name.data(), duplicate->name.data() + duplicate->name.size());
    return true;
}

bool OpenMetricsReader::readExemplar(const char *p, const char *end)
{
    // p at '#': "# {labels} value [timestamp]"
    ++p;
    if (p == end || *p != ' ' || p + 1 == end || p[1] != '{')
        return fail("invalid exemplar (expected \" # {labels} value [timestamp]\")");
    ++p;
    bool anyEscaped = false;
    if (!readLabels(p, end, m_exemplarLabels, m_exemplarEscaped, anyEscaped))
        return false;
    if (anyEscaped)
        et::unescapeLabels(m_exemplarLabels, m_exemplarEscaped, m_exemplarScratch);
    std::size_t length = 0;
    for (const LabelView &label : m_exemplarLabels) {
        length += et::countCodePoints(label.name.data(), label.name.data() + label.name.size());
        length += et::countCodePoints(label.value.data(), label.value.data() + label.value.size());
    }
    if (length > 128)
        return fail("exemplar labels longer than 128 characters");
    if (p == end || *p != ' ')
        return fail("expected a space and a value after the exemplar labels");
    const char *valueBegin = ++p;
    p = findSpace(p, end);
    if (p == valueBegin)
        return fail("missing exemplar value");
    if (!et::parseFloat(valueBegin, p))
        return fail("invalid exemplar value", valueBegin, p);
    if (p == end)
        return true;
    const char *tsBegin = ++p;
    p = findSpace(p, end);
    if (p == tsBegin || p != end)
        return fail("invalid exemplar timestamp (trailing or missing text)");
    if (!et::parseOpenMetricsTimestamp(tsBegin, p))
        return fail("invalid exemplar timestamp", tsBegin, p);
    return true;
}

bool OpenMetricsReader::readSample(const char *begin, const char *end, ExpositionVisitor &visitor)
{
    const char *p = et::scanMetricName(begin, end);
    if (p == begin)
        return fail(*begin == '{' ? "missing metric name" : "invalid metric name", begin, end);
    const QByteArrayView name(begin, p - begin);

    bool anyEscaped = false;
    m_labels.clear();
    m_escaped.clear();
    const char *labelsBegin = p;
    if (p < end && *p == '{' && !readLabels(p, end, m_labels, m_escaped, anyEscaped))
        return false;
    const QByteArrayView labelText(labelsBegin, p - labelsBegin);
    if (p == end || *p != ' ') {
        if (p == end)
            return fail("missing value", begin, end);
        if (p == name.end() && *p != '\t')
            return fail("invalid character in metric name", begin, end);
        return fail("expected one space before the value", begin, end);
    }

    const char *valueBegin = ++p;
    p = findSpace(p, end);
    if (p == valueBegin)
        return fail("missing value (or more than one space before it)");
    const auto value = et::parseFloat(valueBegin, p);
    if (!value)
        return fail(p[-1] == '\r' ? kCrlf : "invalid value", valueBegin, p);

    std::optional<et::OpenMetricsTimestamp> timestamp;
    bool hasExemplar = false;
    if (p < end) {
        ++p; // the space
        if (p < end && *p == '#') {
            hasExemplar = true;
        } else {
            const char *tsBegin = p;
            p = findSpace(p, end);
            if (p == tsBegin)
                return fail(p == end ? "trailing space after the value" : "more than one space after the value");
            timestamp = et::parseOpenMetricsTimestamp(tsBegin, p);
            if (!timestamp)
                return fail(p[-1] == '\r' ? kCrlf : "invalid timestamp", tsBegin, p);
            if (p < end) {
                ++p;
                if (p == end || *p != '#')
                    return fail("unexpected text after the timestamp", p - 1, end);
                hasExemplar = true;
            }
        }
        if (hasExemplar && !readExemplar(p, end))
            return false;
    }

    if (anyEscaped)
        et::unescapeLabels(m_labels, m_escaped, m_scratch);
    SampleView sample;
    sample.name = name;
    sample.labels = m_labels;
    sample.labelText = labelText;
    sample.value = *value;
    if (timestamp)
        sample.timestampMs = timestamp->ms;
    sample.line = m_line;
    if (!m_validator.sample(sample, timestamp ? std::optional<double>(timestamp->seconds) : std::nullopt,
                            hasExemplar)) {
        m_error = m_validator.error();
        return false;
    }
    visitor.sample(sample);
    return true;
}

} // namespace bw
