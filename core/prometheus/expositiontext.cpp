#include "prometheus/expositiontext.h"

#include <QHashFunctions>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <string_view>

namespace bw::expositiontext {

namespace {

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

bool equalsIgnoreCase(const char *p, std::size_t size, const char *lowerWord)
{
    const std::size_t wordSize = std::strlen(lowerWord);
    if (size != wordSize)
        return false;
    for (std::size_t i = 0; i < size; ++i) {
        if ((p[i] | 0x20) != lowerWord[i])
            return false;
    }
    return true;
}

// A decimal number split into its parts; begin is just after the sign.
struct Decimal
{
    const char *intBegin = nullptr;
    const char *intEnd = nullptr;
    const char *fracBegin = nullptr;
    const char *fracEnd = nullptr;
    std::int64_t exponent = 0; // clamped to +-10^7
};

// [digits] [. [digits]] [(e|E) [+-] digits] with at least one mantissa digit, covering all of [p, end).
std::optional<Decimal> splitDecimal(const char *p, const char *end)
{
    Decimal d;
    d.intBegin = p;
    while (p < end && isDigit(*p))
        ++p;
    d.intEnd = p;
    d.fracBegin = d.fracEnd = p;
    if (p < end && *p == '.') {
        d.fracBegin = ++p;
        while (p < end && isDigit(*p))
            ++p;
        d.fracEnd = p;
    }
    if (d.intBegin == d.intEnd && d.fracBegin == d.fracEnd)
        return std::nullopt;
    if (p < end && (*p == 'e' || *p == 'E')) {
        ++p;
        bool negative = false;
        if (p < end && (*p == '+' || *p == '-'))
            negative = *p++ == '-';
        if (p == end || !isDigit(*p))
            return std::nullopt;
        std::int64_t exponent = 0;
        for (; p < end && isDigit(*p); ++p)
            exponent = std::min<std::int64_t>(exponent * 10 + (*p - '0'), 10'000'000);
        d.exponent = negative ? -exponent : exponent;
    }
    if (p != end)
        return std::nullopt;
    return d;
}

// Decimal exponent of the leading significant digit plus one (123 -> 3, 0.05 -> -1); 0 for zero.
std::int64_t magnitude(const Decimal &d)
{
    const char *p = d.intBegin;
    while (p < d.intEnd && *p == '0')
        ++p;
    if (p < d.intEnd)
        return (d.intEnd - p) + d.exponent;
    std::int64_t zeros = 0;
    for (p = d.fracBegin; p < d.fracEnd && *p == '0'; ++p)
        ++zeros;
    if (p == d.fracEnd)
        return 0;
    return -zeros + d.exponent;
}

constexpr double kPowersOf10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                  1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

// Clinger's fast path: digits [. digits] [e [+-] digits] whose significand fits in 2^53 and whose decimal exponent
// is within +-22 is m * 10^e or m / 10^-e with both operands exact, hence correctly rounded. nullopt: use the
// general (and validating) path.
std::optional<double> parseSimpleDecimal(const char *p, const char *end)
{
    std::uint64_t mantissa = 0;
    int digits = 0; // significant digits in mantissa
    int scale = 0;  // decimal exponent adjustment from digits after the point
    bool any = false;
    for (; p < end && isDigit(*p); ++p) {
        any = true;
        if (mantissa == 0 && *p == '0')
            continue;
        if (++digits > 19)
            return std::nullopt;
        mantissa = mantissa * 10 + static_cast<std::uint64_t>(*p - '0');
    }
    if (p < end && *p == '.') {
        for (++p; p < end && isDigit(*p); ++p) {
            any = true;
            --scale;
            if (mantissa == 0 && *p == '0')
                continue;
            if (++digits > 19)
                return std::nullopt;
            mantissa = mantissa * 10 + static_cast<std::uint64_t>(*p - '0');
        }
    }
    if (!any)
        return std::nullopt;
    if (p < end && (*p == 'e' || *p == 'E')) {
        ++p;
        bool negative = false;
        if (p < end && (*p == '+' || *p == '-'))
            negative = *p++ == '-';
        if (p == end || end - p > 3)
            return std::nullopt;
        int exponent = 0;
        for (; p < end; ++p) {
            if (!isDigit(*p))
                return std::nullopt;
            exponent = exponent * 10 + (*p - '0');
        }
        scale += negative ? -exponent : exponent;
    }
    if (p != end || mantissa > (std::uint64_t{1} << 53) || scale < -22 || scale > 22)
        return std::nullopt;
    const auto m = static_cast<double>(mantissa);
    return scale >= 0 ? m * kPowersOf10[scale] : m / kPowersOf10[-scale];
}

} // namespace

std::uint64_t hashSeed()
{
    const auto seed = static_cast<std::uint64_t>(static_cast<std::size_t>(QHashSeed::globalSeed()));
    return seed * 0x9E37'79B9'7F4A'7C15ULL + 0x632B'E59B'D9B4'E019ULL;
}

TextFlags scanText(const char *begin, const char *end)
{
    constexpr std::uint64_t ones = 0x0101'0101'0101'0101ULL;
    constexpr std::uint64_t highs = 0x8080'8080'8080'8080ULL;
    constexpr std::uint64_t backslashes = ones * '\\';
    std::uint64_t high = 0;
    std::uint64_t slash = 0;
    const char *p = begin;
    for (; end - p >= 8; p += 8) {
        std::uint64_t word;
        std::memcpy(&word, p, sizeof word);
        high |= word;
        const std::uint64_t x = word ^ backslashes; // a zero byte where there was a backslash
        slash |= (x - ones) & ~x;
    }
    TextFlags flags;
    flags.nonAscii = (high & highs) != 0;
    flags.backslash = (slash & highs) != 0;
    for (; p < end; ++p) {
        flags.nonAscii |= static_cast<unsigned char>(*p) >= 0x80;
        flags.backslash |= *p == '\\';
    }
    return flags;
}

bool isValidUtf8(const char *begin, const char *end)
{
    const auto *p = reinterpret_cast<const unsigned char *>(begin);
    const auto *e = reinterpret_cast<const unsigned char *>(end);
    while (p < e) {
        while (e - p >= 8) {
            std::uint64_t word;
            std::memcpy(&word, p, sizeof word);
            if (word & 0x8080'8080'8080'8080ULL)
                break;
            p += 8;
        }
        if (p >= e)
            break;
        const unsigned c = *p;
        if (c < 0x80) {
            ++p;
            continue;
        }
        int continuation = 0;
        if (c >= 0xC2 && c <= 0xDF)
            continuation = 1;
        else if (c >= 0xE0 && c <= 0xEF)
            continuation = 2;
        else if (c >= 0xF0 && c <= 0xF4)
            continuation = 3;
        else
            return false;
        if (e - p <= continuation)
            return false;
        const unsigned c1 = p[1];
        unsigned low = 0x80;
        unsigned high = 0xBF;
        if (c == 0xE0)
            low = 0xA0; // overlong
        else if (c == 0xED)
            high = 0x9F; // surrogates
        else if (c == 0xF0)
            low = 0x90; // overlong
        else if (c == 0xF4)
            high = 0x8F; // above U+10FFFF
        if (c1 < low || c1 > high)
            return false;
        for (int i = 2; i <= continuation; ++i) {
            if ((p[i] & 0xC0) != 0x80)
                return false;
        }
        p += continuation + 1;
    }
    return true;
}

std::size_t countCodePoints(const char *begin, const char *end)
{
    std::size_t count = 0;
    for (const char *p = begin; p < end; ++p) {
        if ((static_cast<unsigned char>(*p) & 0xC0) != 0x80)
            ++count;
    }
    return count;
}

std::optional<double> parseFloat(const char *begin, const char *end)
{
    const char *p = begin;
    if (p == end)
        return std::nullopt;
    bool negative = false;
    bool hasSign = false;
    if (*p == '+' || *p == '-') {
        negative = *p == '-';
        hasSign = true;
        if (++p == end)
            return std::nullopt;
    }
    const char first = *p;
    if (isDigit(first)) {
        // Common case: a short integer, exact in a double.
        std::uint64_t integer = 0;
        const char *q = p;
        while (q < end && q - p < 16 && isDigit(*q))
            integer = integer * 10 + static_cast<std::uint64_t>(*q++ - '0');
        if (q == end && q - p <= 15) {
            const auto value = static_cast<double>(integer);
            return negative ? -value : value;
        }
    } else if (first != '.') {
        const auto size = static_cast<std::size_t>(end - p);
        if ((first | 0x20) == 'i' && (equalsIgnoreCase(p, size, "inf") || equalsIgnoreCase(p, size, "infinity")))
            return negative ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
        if ((first | 0x20) == 'n' && !hasSign && equalsIgnoreCase(p, size, "nan"))
            return std::numeric_limits<double>::quiet_NaN();
        return std::nullopt;
    }
    if (const auto fast = parseSimpleDecimal(p, end))
        return negative ? -*fast : *fast;
    double value = 0;
    const auto [ptr, ec] = std::from_chars(p, end, value, std::chars_format::general);
    if (ptr != end)
        return std::nullopt;
    if (ec == std::errc::result_out_of_range) {
        const auto decimal = splitDecimal(p, end);
        if (!decimal || magnitude(*decimal) > 0)
            return std::nullopt; // overflow
        return negative ? -0.0 : 0.0;
    }
    if (ec != std::errc())
        return std::nullopt;
    return negative ? -value : value;
}

std::optional<std::int64_t> parsePrometheusTimestamp(const char *begin, const char *end)
{
    if (begin == end)
        return std::nullopt;
    std::int64_t value = 0;
    constexpr std::int64_t max = std::numeric_limits<std::int64_t>::max();
    for (const char *p = begin; p < end; ++p) {
        if (!isDigit(*p))
            return std::nullopt;
        const int digit = *p - '0';
        if (value > (max - digit) / 10)
            return std::nullopt;
        value = value * 10 + digit;
    }
    return value;
}

std::optional<OpenMetricsTimestamp> parseOpenMetricsTimestamp(const char *begin, const char *end)
{
    const char *p = begin;
    bool negative = false;
    if (p < end && (*p == '+' || *p == '-'))
        negative = *p++ == '-';
    const auto decimal = splitDecimal(p, end);
    if (!decimal)
        return std::nullopt;

    OpenMetricsTimestamp ts;
    double seconds = 0;
    const auto [ptr, ec] = std::from_chars(p, end, seconds, std::chars_format::general);
    if (ptr != end)
        return std::nullopt;
    if (ec == std::errc::result_out_of_range) {
        if (magnitude(*decimal) > 0)
            return std::nullopt; // would be infinite
        seconds = 0;
    } else if (ec != std::errc()) {
        return std::nullopt;
    }
    ts.seconds = negative ? -seconds : seconds;

    // Exact milliseconds: shift the decimal point three places, keep the integer digits.
    const std::int64_t intDigits = decimal->intEnd - decimal->intBegin;
    const std::int64_t allDigits = intDigits + (decimal->fracEnd - decimal->fracBegin);
    const std::int64_t point = intDigits + decimal->exponent + 3;
    auto digitAt = [&](std::int64_t i) {
        return static_cast<std::uint64_t>(i < intDigits ? decimal->intBegin[i] - '0'
                                                        : decimal->fracBegin[i - intDigits] - '0');
    };
    constexpr std::uint64_t limit = std::uint64_t{1} << 63; // |INT64_MIN|
    std::uint64_t ms = 0;
    bool saturated = false;
    const std::int64_t taken = std::min(point, allDigits);
    for (std::int64_t i = 0; i < taken && !saturated; ++i) {
        saturated = ms > limit / 10;
        ms = ms * 10 + digitAt(i);
        saturated = saturated || ms > limit;
    }
    for (std::int64_t i = std::max<std::int64_t>(taken, 0); i < point && ms != 0 && !saturated; ++i) {
        saturated = ms > limit / 10;
        ms *= 10;
        saturated = saturated || ms > limit;
    }
    if (saturated)
        ms = limit;
    if (negative)
        ts.ms = ms == limit ? std::numeric_limits<std::int64_t>::min() : -static_cast<std::int64_t>(ms);
    else
        ts.ms = ms >= limit ? std::numeric_limits<std::int64_t>::max() : static_cast<std::int64_t>(ms);
    return ts;
}

std::size_t unescapeLabelValue(const char *begin, const char *end, char *out)
{
    char *o = out;
    const char *p = begin;
    while (p < end) {
        const auto *slash = static_cast<const char *>(std::memchr(p, '\\', static_cast<std::size_t>(end - p)));
        if (!slash) {
            std::memcpy(o, p, static_cast<std::size_t>(end - p));
            o += end - p;
            break;
        }
        std::memcpy(o, p, static_cast<std::size_t>(slash - p));
        o += slash - p;
        if (slash + 1 >= end) {
            *o++ = '\\';
            break;
        }
        const char next = slash[1];
        if (next == '\\' || next == '"') {
            *o++ = next;
        } else if (next == 'n') {
            *o++ = '\n';
        } else {
            *o++ = '\\';
            *o++ = next;
        }
        p = slash + 2;
    }
    return static_cast<std::size_t>(o - out);
}

std::string unescapeHelp(const char *begin, const char *end, bool openMetrics)
{
    std::string out;
    out.reserve(static_cast<std::size_t>(end - begin));
    for (const char *p = begin; p < end; ++p) {
        if (*p != '\\' || p + 1 == end) {
            out.push_back(*p);
            continue;
        }
        const char next = p[1];
        if (next == '\\') {
            out.push_back('\\');
        } else if (next == 'n') {
            out.push_back('\n');
        } else if (next == '"' && openMetrics) {
            out.push_back('"');
        } else {
            out.push_back('\\');
            out.push_back(next);
        }
        ++p;
    }
    return out;
}

void unescapeLabels(std::vector<LabelView> &labels, const std::vector<std::uint8_t> &escaped, std::string &scratch)
{
    std::size_t total = 0;
    for (std::size_t i = 0; i < labels.size(); ++i) {
        if (escaped[i])
            total += static_cast<std::size_t>(labels[i].value.size());
    }
    if (scratch.size() < total)
        scratch.resize(std::max(total, scratch.size() * 2));
    char *out = scratch.data();
    for (std::size_t i = 0; i < labels.size(); ++i) {
        if (!escaped[i])
            continue;
        const QByteArrayView raw = labels[i].value;
        const std::size_t size = unescapeLabelValue(raw.data(), raw.data() + raw.size(), out);
        labels[i].value = QByteArrayView(out, static_cast<qsizetype>(size));
        out += size;
    }
}

const LabelView *findDuplicateName(std::span<const LabelView> labels)
{
    const std::size_t n = labels.size();
    if (n < 2)
        return nullptr;
    if (n <= 16) {
        for (std::size_t i = 1; i < n; ++i) {
            for (std::size_t j = 0; j < i; ++j) {
                if (labels[i].name == labels[j].name)
                    return &labels[i];
            }
        }
        return nullptr;
    }
    std::vector<const LabelView *> sorted;
    sorted.reserve(n);
    for (const LabelView &label : labels)
        sorted.push_back(&label);
    auto view = [](const LabelView *l) { return std::string_view(l->name.data(), std::size_t(l->name.size())); };
    std::sort(sorted.begin(), sorted.end(), [&](const LabelView *a, const LabelView *b) { return view(a) < view(b); });
    for (std::size_t i = 1; i < n; ++i) {
        if (view(sorted[i]) == view(sorted[i - 1]))
            return sorted[i];
    }
    return nullptr;
}

std::string excerpt(const char *begin, const char *end)
{
    constexpr std::ptrdiff_t maxBytes = 40;
    const bool cut = end - begin > maxBytes;
    if (cut)
        end = begin + maxBytes;
    std::string out = "\"";
    for (const char *p = begin; p < end; ++p) {
        const auto c = static_cast<unsigned char>(*p);
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(static_cast<char>(c));
        } else if (c >= 0x20 && c < 0x7F) {
            out.push_back(static_cast<char>(c));
        } else {
            static constexpr char hex[] = "0123456789abcdef";
            out += "\\x";
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 0xF]);
        }
    }
    out += cut ? "\"..." : "\"";
    return out;
}

std::string formatFloat(double value)
{
    if (std::isnan(value))
        return "NaN";
    if (std::isinf(value))
        return value > 0 ? "+Inf" : "-Inf";
    char buffer[64];
    const auto [ptr, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    return {buffer, ec == std::errc() ? ptr : buffer};
}

} // namespace bw::expositiontext
