#include "store/observationcodec.h"

#include "store/bitcoder.h"
#include "store/quantiser.h"

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace bw {

namespace {

constexpr int kHeaderBytes = 5; // format + CRC
constexpr std::array<SeriesKind, kSeriesKindCount> kSeries = {SeriesKind::ErrorRate, SeriesKind::Latency,
                                                              SeriesKind::LatencyP95};

enum class Presence : std::uint8_t
{
    None = 0,
    All = 1,
    Mixed = 2,
};

std::int64_t observedCode(const Observation &o)
{
    return o.observedState ? 1 + static_cast<std::int64_t>(*o.observedState) : 0;
}

// Deltas of a symbol sequence against the previous symbol (the first against 0).
void symbolDeltas(std::span<const Observation> obs, auto &&code, std::vector<std::int64_t> &out)
{
    out.clear();
    std::int64_t previous = 0;
    for (const Observation &o : obs) {
        const std::int64_t c = code(o);
        out.push_back(c - previous);
        previous = c;
    }
}

// Undoes symbolDeltas in place; false when a symbol falls outside [0, max].
bool undoDeltas(std::vector<std::int64_t> &values, std::int64_t max)
{
    std::uint64_t running = 0; // unsigned: garbage wraps instead of overflowing
    for (std::int64_t &v : values) {
        running += static_cast<std::uint64_t>(v);
        v = static_cast<std::int64_t>(running);
        if (v < 0 || v > max)
            return false;
    }
    return true;
}

Error corrupt(const QString &what)
{
    return Error{u"damaged observation block: "_s + what};
}

} // namespace

std::int64_t ObservationCodec::blockStart(std::int64_t t)
{
    std::int64_t q = t / kBlockSpanMs;
    if (t % kBlockSpanMs != 0 && t < 0)
        --q;
    return q * kBlockSpanMs;
}

Observation ObservationCodec::quantised(const Observation &observation)
{
    Observation q = observation;
    for (const SeriesKind kind : kSeries) {
        const float v = observation.value(kind);
        q.setValue(kind, std::isfinite(v) ? static_cast<float>(Quantiser::decode(kind, Quantiser::encode(kind, v)))
                                          : Observation::kNone);
    }
    return q;
}

QByteArray ObservationCodec::encode(std::span<const Observation> observations, std::int64_t base)
{
    std::vector<Observation> sortedCopy;
    if (!std::is_sorted(observations.begin(), observations.end(),
                        [](const Observation &a, const Observation &b) { return a.t < b.t; })) {
        sortedCopy.assign(observations.begin(), observations.end());
        std::stable_sort(sortedCopy.begin(), sortedCopy.end(),
                         [](const Observation &a, const Observation &b) { return a.t < b.t; });
        observations = sortedCopy;
    }
    if (observations.size() > kMaxObservations)
        observations = observations.first(kMaxObservations);

    QByteArray body;
    appendVarint(body, observations.size());
    if (!observations.empty())
        appendVarint(body, zigzag(observations.front().t - base));

    BitWriter bits;
    std::vector<std::int64_t> values;
    values.reserve(observations.size());
    // Time: the first delta, then deltas of deltas.
    std::int64_t previousDelta = 0;
    for (std::size_t i = 1; i < observations.size(); ++i) {
        const std::int64_t delta = observations[i].t - observations[i - 1].t;
        values.push_back(i == 1 ? delta : delta - previousDelta);
        previousDelta = delta;
    }
    writeStream(bits, values);

    symbolDeltas(
        observations, [](const Observation &o) { return static_cast<std::int64_t>(o.outcome); }, values);
    writeStream(bits, values);
    symbolDeltas(
        observations, [](const Observation &o) { return static_cast<std::int64_t>(o.state); }, values);
    writeStream(bits, values);
    symbolDeltas(observations, observedCode, values);
    writeStream(bits, values);

    for (const SeriesKind kind : kSeries) {
        std::size_t present = 0;
        for (const Observation &o : observations)
            present += std::isfinite(o.value(kind)) ? 1 : 0;
        const Presence presence = present == 0                     ? Presence::None
                                  : present == observations.size() ? Presence::All
                                                                   : Presence::Mixed;
        bits.write(static_cast<std::uint64_t>(presence), 2);
        if (presence == Presence::None)
            continue;
        if (presence == Presence::Mixed) {
            symbolDeltas(
                observations, [kind](const Observation &o) { return std::isfinite(o.value(kind)) ? 1 : 0; }, values);
            writeStream(bits, values);
        }
        values.clear();
        std::int64_t previous = 0;
        for (const Observation &o : observations) {
            const float v = o.value(kind);
            if (!std::isfinite(v))
                continue;
            const std::int64_t code = Quantiser::encode(kind, v);
            values.push_back(code - previous);
            previous = code;
        }
        writeStream(bits, values);
    }
    body += bits.finish();

    QByteArray out;
    out.reserve(kHeaderBytes + body.size());
    out.append(static_cast<char>(kFormat));
    const std::uint32_t crc = crc32(body);
    for (int i = 0; i < 4; ++i)
        out.append(static_cast<char>((crc >> (8 * i)) & 0xff));
    out += body;
    return out;
}

Status ObservationCodec::decode(QByteArrayView bytes, std::int64_t base, std::vector<Observation> &out)
{
    if (bytes.size() < kHeaderBytes + 1)
        return corrupt(u"%1 bytes is too short"_s.arg(bytes.size()));
    if (static_cast<std::uint8_t>(bytes[0]) != kFormat)
        return corrupt(u"unknown format %1"_s.arg(static_cast<std::uint8_t>(bytes[0])));
    std::uint32_t stored = 0;
    for (int i = 0; i < 4; ++i)
        stored |= static_cast<std::uint32_t>(static_cast<std::uint8_t>(bytes[1 + i])) << (8 * i);
    const QByteArrayView body = bytes.sliced(kHeaderBytes);
    if (crc32(body) != stored)
        return corrupt(u"checksum mismatch"_s);

    std::int64_t pos = 0;
    std::uint64_t n = 0;
    if (!readVarint(body, pos, n) || n > kMaxObservations)
        return corrupt(u"bad observation count"_s);
    if (n == 0)
        return success();
    std::uint64_t firstOffset = 0;
    if (!readVarint(body, pos, firstOffset))
        return corrupt(u"bad first time"_s);

    thread_local std::vector<std::int64_t> scratch;
    BitReader bits(body.sliced(pos));
    const std::size_t count = n;
    const std::size_t first = out.size();
    out.resize(first + count);
    Observation *obs = out.data() + first;
    auto fail = [&](const QString &what) {
        out.resize(first);
        return corrupt(what);
    };

    scratch.clear();
    readStream(bits, count - 1, scratch);
    {
        std::uint64_t t = static_cast<std::uint64_t>(base) + static_cast<std::uint64_t>(unzigzag(firstOffset));
        std::uint64_t delta = 0;
        obs[0] = Observation{};
        obs[0].t = static_cast<std::int64_t>(t);
        for (std::size_t i = 1; i < count; ++i) {
            delta =
                i == 1 ? static_cast<std::uint64_t>(scratch[0]) : delta + static_cast<std::uint64_t>(scratch[i - 1]);
            if (static_cast<std::int64_t>(delta) < 0)
                return fail(u"time goes backwards"_s);
            t += delta;
            obs[i] = Observation{};
            obs[i].t = static_cast<std::int64_t>(t);
        }
    }

    scratch.clear();
    readStream(bits, count, scratch);
    if (!undoDeltas(scratch, 2))
        return fail(u"bad outcome"_s);
    for (std::size_t i = 0; i < count; ++i)
        obs[i].outcome = static_cast<PollOutcome>(scratch[i]);
    scratch.clear();
    readStream(bits, count, scratch);
    if (!undoDeltas(scratch, kBreakerStateCount - 1))
        return fail(u"bad breaker state"_s);
    for (std::size_t i = 0; i < count; ++i)
        obs[i].state = static_cast<BreakerState>(scratch[i]);
    scratch.clear();
    readStream(bits, count, scratch);
    if (!undoDeltas(scratch, kBreakerStateCount))
        return fail(u"bad observed state"_s);
    for (std::size_t i = 0; i < count; ++i) {
        if (scratch[i] > 0)
            obs[i].observedState = static_cast<BreakerState>(scratch[i] - 1);
    }

    thread_local std::vector<std::int64_t> presence;
    for (const SeriesKind kind : kSeries) {
        const auto mode = static_cast<Presence>(bits.read(2));
        if (mode == Presence::None)
            continue;
        std::size_t present = count;
        presence.clear();
        if (mode == Presence::Mixed) {
            readStream(bits, count, presence);
            if (!undoDeltas(presence, 1))
                return fail(u"bad presence"_s);
            present = static_cast<std::size_t>(std::count(presence.begin(), presence.end(), 1));
        } else if (mode != Presence::All) {
            return fail(u"bad presence mode"_s);
        }
        scratch.clear();
        readStream(bits, present, scratch);
        std::uint64_t code = 0;
        std::size_t j = 0;
        for (std::size_t i = 0; i < count; ++i) {
            if (mode == Presence::Mixed && presence[i] == 0)
                continue;
            code += static_cast<std::uint64_t>(scratch[j++]);
            const auto c = static_cast<std::int64_t>(code);
            if (!Quantiser::valid(kind, c))
                return fail(u"value out of range"_s);
            obs[i].setValue(kind, static_cast<float>(Quantiser::decode(kind, c)));
        }
    }
    if (bits.failed())
        return fail(u"truncated"_s);
    if (!bits.atCleanEnd())
        return fail(u"trailing bytes"_s);
    return success();
}

} // namespace bw
