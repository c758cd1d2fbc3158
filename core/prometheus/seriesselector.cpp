#include "prometheus/seriesselector.h"

using namespace Qt::StringLiterals;

namespace bw {

namespace {

bool isNameChar(QChar c, bool first)
{
    return c == u'_' || c == u':' || (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') ||
           (!first && c >= u'0' && c <= u'9');
}

} // namespace

Result<SeriesSelector> SeriesSelector::parse(QStringView text)
{
    SeriesSelector selector;
    const QStringView input = text.trimmed();
    qsizetype i = 0;
    while (i < input.size() && isNameChar(input[i], i == 0))
        ++i;
    selector.m_name = input.left(i).toUtf8();
    if (i == input.size()) {
        if (selector.m_name.isEmpty())
            return Error{u"empty series selector"_s};
        return selector;
    }
    if (input[i] != u'{')
        return Error{u"selector \"%1\": expected '{' at position %2"_s.arg(input).arg(i + 1)};
    ++i;
    auto skipSpace = [&] {
        while (i < input.size() && input[i].isSpace())
            ++i;
    };
    while (true) {
        skipSpace();
        if (i < input.size() && input[i] == u'}') {
            ++i;
            break;
        }
        const qsizetype labelStart = i;
        while (i < input.size() && isNameChar(input[i], i == labelStart))
            ++i;
        if (i == labelStart)
            return Error{u"selector \"%1\": expected a label name at position %2"_s.arg(input).arg(i + 1)};
        Matcher matcher;
        matcher.label = input.mid(labelStart, i - labelStart).toUtf8();
        skipSpace();
        const QStringView rest = input.mid(i);
        if (rest.startsWith(u"=~")) {
            matcher.op = Matcher::Op::Regex;
            i += 2;
        } else if (rest.startsWith(u"!~")) {
            matcher.op = Matcher::Op::NotRegex;
            i += 2;
        } else if (rest.startsWith(u"!=")) {
            matcher.op = Matcher::Op::NotEqual;
            i += 2;
        } else if (rest.startsWith(u"=")) {
            matcher.op = Matcher::Op::Equal;
            i += 1;
        } else {
            return Error{
                u"selector \"%1\": expected =, !=, =~ or !~ after %2"_s.arg(input, QString::fromUtf8(matcher.label))};
        }
        skipSpace();
        if (i >= input.size() || (input[i] != u'"' && input[i] != u'\''))
            return Error{u"selector \"%1\": label values are quoted"_s.arg(input)};
        const QChar quote = input[i++];
        QString value;
        while (i < input.size() && input[i] != quote) {
            if (input[i] == u'\\' && i + 1 < input.size()) {
                const QChar escaped = input[++i];
                value += escaped == u'n' ? QChar(u'\n') : escaped;
            } else {
                value += input[i];
            }
            ++i;
        }
        if (i >= input.size())
            return Error{u"selector \"%1\": unterminated label value"_s.arg(input)};
        ++i;
        matcher.value = value.toUtf8();
        if (matcher.op == Matcher::Op::Regex || matcher.op == Matcher::Op::NotRegex) {
            matcher.regex = QRegularExpression(u"^(?:"_s + value + u")$"_s);
            if (!matcher.regex.isValid())
                return Error{u"selector \"%1\": bad regular expression \"%2\": %3"_s.arg(input, value,
                                                                                         matcher.regex.errorString())};
        }
        selector.m_matchers.append(matcher);
        skipSpace();
        if (i < input.size() && input[i] == u',') {
            ++i;
            continue;
        }
        skipSpace();
        if (i < input.size() && input[i] == u'}') {
            ++i;
            break;
        }
        return Error{u"selector \"%1\": expected ',' or '}'"_s.arg(input)};
    }
    if (i != input.size())
        return Error{u"selector \"%1\": unexpected text after '}'"_s.arg(input)};
    if (selector.m_name.isEmpty() && selector.m_matchers.isEmpty())
        return Error{u"empty series selector"_s};
    return selector;
}

bool SeriesSelector::matches(const MetricSample &sample) const
{
    if (!m_name.isEmpty() && sample.name != m_name)
        return false;
    for (const Matcher &matcher : m_matchers) {
        const QByteArray value = matcher.label == "__name__" ? sample.name : sample.label(matcher.label);
        switch (matcher.op) {
        case Matcher::Op::Equal:
            if (value != matcher.value)
                return false;
            break;
        case Matcher::Op::NotEqual:
            if (value == matcher.value)
                return false;
            break;
        case Matcher::Op::Regex:
            if (!matcher.regex.match(QString::fromUtf8(value)).hasMatch())
                return false;
            break;
        case Matcher::Op::NotRegex:
            if (matcher.regex.match(QString::fromUtf8(value)).hasMatch())
                return false;
            break;
        }
    }
    return true;
}

} // namespace bw
