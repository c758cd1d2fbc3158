#include "events/jsonlreader.h"

#include <QFile>

#include <charconv>
#include <cstdio>
#include <cstring>

using namespace Qt::StringLiterals;

namespace bw {

namespace {

struct Cursor
{
    const char *p;
    const char *end; // end of the line (exclusive)

    void skipSpace()
    {
        while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
            ++p;
    }
    bool consume(char c)
    {
        skipSpace();
        if (p < end && *p == c) {
            ++p;
            return true;
        }
        return false;
    }
    bool literal(const char *word, std::size_t length)
    {
        if (static_cast<std::size_t>(end - p) >= length && std::memcmp(p, word, length) == 0) {
            p += length;
            return true;
        }
        return false;
    }
};

// Skips any JSON value (for keys we do not read). Returns false if it is not well formed.
bool skipValue(Cursor &c, int depth = 0)
{
    c.skipSpace();
    if (c.p >= c.end || depth > 64)
        return false;
    const char first = *c.p;
    if (first == '"') {
        ++c.p;
        while (c.p < c.end && *c.p != '"') {
            if (*c.p == '\\')
                ++c.p;
            ++c.p;
        }
        if (c.p >= c.end)
            return false;
        ++c.p;
        return true;
    }
    if (first == '{' || first == '[') {
        const char close = first == '{' ? '}' : ']';
        ++c.p;
        if (c.consume(close))
            return true;
        while (true) {
            if (first == '{') {
                c.skipSpace();
                if (!skipValue(c, depth + 1) || !c.consume(':'))
                    return false;
            }
            if (!skipValue(c, depth + 1))
                return false;
            if (c.consume(','))
                continue;
            return c.consume(close);
        }
    }
    if (c.literal("true", 4) || c.literal("false", 5) || c.literal("null", 4))
        return true;
    double ignored = 0;
    const auto [ptr, ec] = std::from_chars(c.p, c.end, ignored);
    if (ec != std::errc{} || ptr == c.p)
        return false;
    c.p = ptr;
    return true;
}

QString excerpt(const char *begin, const char *end)
{
    const auto length = std::min<std::ptrdiff_t>(end - begin, 80);
    QString text = QString::fromUtf8(begin, length);
    if (end - begin > 80)
        text += u"..."_s;
    return text;
}

} // namespace

Result<EventStream> JsonlReader::parse(QByteArrayView text)
{
    EventStream stream;
    // A canonical line is ~45 bytes; reserving avoids most regrowth on big files.
    stream.events.reserve(static_cast<std::size_t>(text.size() / 40 + 16));
    const char *p = text.data();
    const char *const end = p + text.size();
    std::int64_t lineNumber = 0;
    std::int64_t previousT = 0;

    while (p < end) {
        ++lineNumber;
        const char *lineEnd = static_cast<const char *>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
        if (!lineEnd)
            lineEnd = end;
        Cursor c{p, lineEnd};
        const char *const lineStart = p;
        p = lineEnd + 1;

        c.skipSpace();
        if (c.p == c.end)
            continue; // blank line
        auto fail = [&](const QString &why) -> Error {
            return Error{u"line %1: %2: %3"_s.arg(lineNumber).arg(why, excerpt(lineStart, lineEnd))};
        };
        if (!c.consume('{'))
            return fail(u"expected a JSON object"_s);

        CallOutcome call;
        bool haveT = false;
        bool haveOk = false;
        if (!c.consume('}')) {
            while (true) {
                if (!c.consume('"'))
                    return fail(u"expected a quoted key"_s);
                const char *keyStart = c.p;
                while (c.p < c.end && *c.p != '"') {
                    if (*c.p == '\\')
                        ++c.p;
                    ++c.p;
                }
                if (c.p >= c.end)
                    return fail(u"unterminated key"_s);
                const std::string_view key(keyStart, static_cast<std::size_t>(c.p - keyStart));
                ++c.p;
                if (!c.consume(':'))
                    return fail(u"expected ':' after key"_s);
                c.skipSpace();
                if (key == "t") {
                    std::int64_t t = 0;
                    const auto [ptr, ec] = std::from_chars(c.p, c.end, t);
                    if (ec != std::errc{} || ptr == c.p)
                        return fail(u"\"t\" must be an integer number of milliseconds"_s);
                    if (ptr < c.end && (*ptr == '.' || *ptr == 'e' || *ptr == 'E')) {
                        // 65000.0 is fine; 65000.5 is not a millisecond.
                        double asDouble = 0;
                        const auto [dptr, dec] = std::from_chars(c.p, c.end, asDouble);
                        constexpr double kTwoTo63 = 9223372036854775808.0; // past it, the cast below is undefined
                        if (dec != std::errc{} || !(asDouble >= -kTwoTo63 && asDouble < kTwoTo63) ||
                            asDouble != static_cast<double>(static_cast<std::int64_t>(asDouble)))
                            return fail(u"\"t\" must be an integer number of milliseconds"_s);
                        t = static_cast<std::int64_t>(asDouble);
                        c.p = dptr;
                    } else {
                        c.p = ptr;
                    }
                    call.t = t;
                    haveT = true;
                } else if (key == "ok") {
                    if (c.literal("true", 4))
                        call.ok = true;
                    else if (c.literal("false", 5))
                        call.ok = false;
                    else
                        return fail(u"\"ok\" must be true or false"_s);
                    haveOk = true;
                } else if (key == "latency_ms") {
                    if (c.literal("null", 4)) {
                        call.latencyMs = 0;
                    } else {
                        double latency = 0;
                        const auto [ptr, ec] = std::from_chars(c.p, c.end, latency);
                        if (ec != std::errc{} || ptr == c.p || latency < 0)
                            return fail(u"\"latency_ms\" must be a non-negative number"_s);
                        call.latencyMs = static_cast<float>(latency);
                        c.p = ptr;
                    }
                } else if (!skipValue(c)) {
                    return fail(u"malformed value for key \"%1\""_s.arg(
                        QString::fromUtf8(key.data(), static_cast<qsizetype>(key.size()))));
                }
                if (c.consume(','))
                    continue;
                if (c.consume('}'))
                    break;
                return fail(u"expected ',' or '}'"_s);
            }
        }
        c.skipSpace();
        if (c.p != c.end)
            return fail(u"unexpected text after the object"_s);
        if (!haveT)
            return fail(u"missing \"t\""_s);
        if (!haveOk)
            return fail(u"missing \"ok\""_s);
        if (call.t < 0)
            return fail(u"\"t\" must not be negative"_s);
        if (call.t < previousT)
            return fail(
                u"\"t\" went backwards (%1 after %2); events must be in time order"_s.arg(call.t).arg(previousT));
        previousT = call.t;
        stream.events.push_back(call);
    }
    return stream;
}

Result<EventStream> JsonlReader::readFile(const QString &path)
{
    if (path == u"-") {
        QByteArray all;
        char buffer[1 << 16];
        std::size_t n = 0;
        while ((n = std::fread(buffer, 1, sizeof buffer, stdin)) > 0)
            all.append(buffer, static_cast<qsizetype>(n));
        auto parsed = parse(all);
        if (!parsed)
            return Error{u"<stdin>: "_s + parsed.error()};
        return parsed;
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error{u"%1: cannot open: %2"_s.arg(path, file.errorString())};
    Result<EventStream> parsed = Error{};
    if (file.size() == 0) {
        parsed = EventStream{};
    } else if (const uchar *mapped = file.map(0, file.size())) {
        parsed = parse(QByteArrayView(reinterpret_cast<const char *>(mapped), file.size()));
        file.unmap(const_cast<uchar *>(mapped));
    } else {
        const QByteArray all = file.readAll();
        parsed = parse(all);
    }
    if (!parsed)
        return Error{path + u": "_s + parsed.error()};
    return parsed;
}

} // namespace bw
