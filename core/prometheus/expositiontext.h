#pragma once

#include "prometheus/sampleview.h"

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

// Lexical helpers shared by the Prometheus text and OpenMetrics readers: character classes, UTF-8 validation,
// number syntax, escapes. Free functions on [begin, end) byte ranges; pure and thread-safe. Internal to
// core/prometheus (the public API is ExpositionParser).
namespace bw::expositiontext {

enum CharClass : std::uint8_t
{
    MetricStart = 1 << 0, // [a-zA-Z_:]
    MetricChar = 1 << 1,  // [a-zA-Z0-9_:]
    LabelStart = 1 << 2,  // [a-zA-Z_]
    LabelChar = 1 << 3,   // [a-zA-Z0-9_]
    ValueStop = 1 << 4,   // ends a 0.0.4 value token: space, tab, '{', '\n'
    QuotedStop = 1 << 5,  // ends a plain run inside a quoted label value: '"', '\\', '\n'
};

inline constexpr std::array<std::uint8_t, 256> kCharClass = [] {
    std::array<std::uint8_t, 256> table{};
    for (int c = 0; c < 256; ++c) {
        const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
        const bool digit = c >= '0' && c <= '9';
        std::uint8_t bits = 0;
        if (alpha || c == ':')
            bits |= MetricStart | MetricChar;
        if (digit)
            bits |= MetricChar | LabelChar;
        if (alpha)
            bits |= LabelStart | LabelChar;
        if (c == ' ' || c == '\t' || c == '{' || c == '\n')
            bits |= ValueStop;
        if (c == '"' || c == '\\' || c == '\n')
            bits |= QuotedStop;
        table[static_cast<std::size_t>(c)] = bits;
    }
    return table;
}();

inline bool is(char c, CharClass cls)
{
    return (kCharClass[static_cast<unsigned char>(c)] & cls) != 0;
}

// Skips [a-zA-Z0-9_:] (withColon) or [a-zA-Z0-9_] from p, 16 bytes at a time where SSE2 is available.
inline const char *skipNameChars(const char *p, const char *end, bool withColon)
{
#if defined(__SSE2__)
    while (end - p >= 16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p));
        const __m128i lower = _mm_or_si128(v, _mm_set1_epi8(0x20)); // letters only map onto a-z
        const __m128i letter =
            _mm_and_si128(_mm_cmpgt_epi8(lower, _mm_set1_epi8('a' - 1)), _mm_cmplt_epi8(lower, _mm_set1_epi8('z' + 1)));
        const __m128i digit =
            _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)), _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
        __m128i ok = _mm_or_si128(_mm_or_si128(letter, digit), _mm_cmpeq_epi8(v, _mm_set1_epi8('_')));
        if (withColon)
            ok = _mm_or_si128(ok, _mm_cmpeq_epi8(v, _mm_set1_epi8(':')));
        const unsigned stop = ~static_cast<unsigned>(_mm_movemask_epi8(ok)) & 0xFFFFU;
        if (stop != 0)
            return p + std::countr_zero(stop);
        p += 16;
    }
#endif
    const CharClass cls = withColon ? MetricChar : LabelChar;
    while (p < end && is(*p, cls))
        ++p;
    return p;
}

// Scans [a-zA-Z_:][a-zA-Z0-9_:]* from p; returns p when there is no name.
inline const char *scanMetricName(const char *p, const char *end)
{
    if (p >= end || !is(*p, MetricStart))
        return p;
    return skipNameChars(p + 1, end, true);
}

// Scans [a-zA-Z_][a-zA-Z0-9_]* from p; returns p when there is no name.
inline const char *scanLabelName(const char *p, const char *end)
{
    if (p >= end || !is(*p, LabelStart))
        return p;
    return skipNameChars(p + 1, end, false);
}

// Skips the plain bytes of a quoted label value, up to '"', '\\' or '\n'; notes any byte >= 0x80.
inline const char *skipQuotedPlain(const char *p, const char *end, bool &nonAscii)
{
#if defined(__SSE2__)
    while (end - p >= 16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p));
        const __m128i special =
            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
                         _mm_cmpeq_epi8(v, _mm_set1_epi8('\n')));
        const auto high = static_cast<unsigned>(_mm_movemask_epi8(v));
        const auto stop = static_cast<unsigned>(_mm_movemask_epi8(special));
        if (stop != 0) {
            const int at = std::countr_zero(stop);
            nonAscii |= (high & ((1U << at) - 1)) != 0;
            return p + at;
        }
        nonAscii |= high != 0;
        p += 16;
    }
#endif
    for (; p < end && !is(*p, QuotedStop); ++p)
        nonAscii |= static_cast<unsigned char>(*p) >= 0x80;
    return p;
}

// Byte-wise equality (QByteArrayView's operator== calls out of line).
inline bool equalBytes(QByteArrayView a, QByteArrayView b)
{
    return a.size() == b.size() && (a.size() == 0 || std::memcmp(a.data(), b.data(), std::size_t(a.size())) == 0);
}

// A fast byte hash for the parser's tables, keyed with Qt's per-process random seed (the one QHash uses; fixed
// by QT_HASH_SEED) so that a hostile page cannot choose colliding strings to make the tables quadratic.
std::uint64_t hashSeed();
inline std::uint64_t hashBytes(const char *p, std::size_t n, std::uint64_t seed)
{
    auto mix = [](std::uint64_t h) {
        h ^= h >> 32;
        h *= 0xD6E8'FEB8'6659'FD93ULL;
        h ^= h >> 32;
        return h;
    };
    std::uint64_t h = seed ^ (0x9E37'79B9'7F4A'7C15ULL * (n + 1));
    for (; n >= 8; p += 8, n -= 8) {
        std::uint64_t word;
        std::memcpy(&word, p, 8);
        h = (h ^ word) * 0xBF58'476D'1CE4'E5B9ULL;
        h ^= h >> 31;
    }
    if (n >= 4) { // the last 4-7 bytes as two (maybe overlapping) 4-byte loads
        std::uint32_t a;
        std::uint32_t b;
        std::memcpy(&a, p, 4);
        std::memcpy(&b, p + n - 4, 4);
        h = (h ^ ((std::uint64_t{a} << 32) | b)) * 0x94D0'49BB'1331'11EBULL;
    } else if (n > 0) {
        const auto byte = [p](std::size_t i) { return std::uint64_t{static_cast<unsigned char>(p[i])}; };
        h = (h ^ ((byte(0) << 16) | (byte(n / 2) << 8) | byte(n - 1))) * 0x94D0'49BB'1331'11EBULL;
    }
    return mix(h ^ seed);
}

// For std::unordered_set<std::string, SeededHash>.
struct SeededHash
{
    std::uint64_t seed = hashSeed();
    std::size_t operator()(const std::string &s) const { return hashBytes(s.data(), s.size(), seed); }
};

struct TextFlags
{
    bool nonAscii = false;  // a byte >= 0x80: needs a UTF-8 check
    bool backslash = false; // needs unescaping
};

// Eight bytes at a time.
TextFlags scanText(const char *begin, const char *end);

// Finds the first '\n' (or end) and notes what the bytes before it need, 16 bytes at a time where SSE2 is
// available.
inline const char *scanToNewline(const char *p, const char *end, TextFlags &flags)
{
#if defined(__SSE2__)
    unsigned high = 0;
    unsigned slash = 0;
    while (end - p >= 16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p));
        const auto newline = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('\n'))));
        const auto h = static_cast<unsigned>(_mm_movemask_epi8(v));
        const auto b = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))));
        if (newline != 0) {
            const int at = std::countr_zero(newline);
            const unsigned before = (1U << at) - 1;
            flags.nonAscii |= high != 0 || (h & before) != 0;
            flags.backslash |= slash != 0 || (b & before) != 0;
            return p + at;
        }
        high |= h;
        slash |= b;
        p += 16;
    }
    flags.nonAscii |= high != 0;
    flags.backslash |= slash != 0;
#endif
    for (; p < end && *p != '\n'; ++p) {
        flags.nonAscii |= static_cast<unsigned char>(*p) >= 0x80;
        flags.backslash |= *p == '\\';
    }
    return p;
}

// Strict UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF), as Go's utf8.Valid. NUL is valid.
bool isValidUtf8(const char *begin, const char *end);

// Code points in valid UTF-8.
std::size_t countCodePoints(const char *begin, const char *end);

// A sample value. Both formats share one grammar, that of OpenMetrics' `number` and of Go's ParseFloat as
// Prometheus calls it (no hex, no '_'): [+-] (digits [. digits] | . digits) [(e|E) [+-] digits],
// [+-] (inf | infinity), nan, the words case-insensitive. A finite value too large for a double is an error
// (as in Prometheus); one too small becomes (signed) zero.
std::optional<double> parseFloat(const char *begin, const char *end);

// Prometheus text timestamp: decimal digits only (no sign), int64 milliseconds.
std::optional<std::int64_t> parsePrometheusTimestamp(const char *begin, const char *end);

struct OpenMetricsTimestamp
{
    double seconds = 0;  // for ordering checks
    std::int64_t ms = 0; // exact decimal conversion, truncated toward zero, saturated to the int64 range
};

// OpenMetrics timestamp: a real number of seconds (no inf/nan), converted exactly to milliseconds.
std::optional<OpenMetricsTimestamp> parseOpenMetricsTimestamp(const char *begin, const char *end);

// Label value escapes (both formats): \\ -> \, \" -> ", \n -> newline; any other \x stays as written (as in
// Prometheus and the OpenMetrics reference parser). Writes at most (end - begin) bytes to out, returns the count.
std::size_t unescapeLabelValue(const char *begin, const char *end, char *out);

// HELP escapes: \\ and \n in Prometheus text; \\, \n and \" in OpenMetrics. Other sequences stay as written.
std::string unescapeHelp(const char *begin, const char *end, bool openMetrics);

// Replaces the value of every label flagged in `escaped` by its unescaped form, written to `scratch` (resized
// once, so earlier views stay valid). Views into scratch are valid until the next call.
void unescapeLabels(std::vector<LabelView> &labels, const std::vector<std::uint8_t> &escaped, std::string &scratch);

// A label name that occurs twice, or nullptr. O(n log n) for long label sets.
const LabelView *findDuplicateName(std::span<const LabelView> labels);

// A short printable rendering of bytes for error messages: quoted, non-printable bytes as \xNN, cut at 40 bytes.
std::string excerpt(const char *begin, const char *end);

// Shortest text that parses back to the same double; NaN, +Inf, -Inf spelled as in the formats.
std::string formatFloat(double value);

} // namespace bw::expositiontext
