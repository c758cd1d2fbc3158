#include "store/observationcodec.h"

#include "store/bitcoder.h"
#include "store/quantiser.h"

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace bw {

namespace {

constexpr std::int64_t kMaxInterval = std::int64_t{1} << 52;

std::int64_t wrapSub(std::int64_t a, std::int64_t b)
{
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) - static_cast<std::uint64_t>(b));
}
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
        appendVarint(body, zigzag(wrapSub(observations.front().t, base)));
    std::vector<std::int64_t> values;
    values.reserve(observations.size());
    // Time, in the cheaper of two forms (the low bit of the interval varint says which):
    // 0: each interval minus the block's median interval P. Scheduling jitter e enters an interval as e[i] - e[i-1].
    // 1: each time's offset from a grid t[0] + C + i * P (C the median offset): e[i] itself, half the variance, as
    //    long as no poll is skipped and the phase does not move (a scheduler keeping its cadence).
    // (Differences wrap instead of overflowing; the decoder wraps the same way.)
    for (std::size_t i = 1; i < observations.size(); ++i)
        values.push_back(wrapSub(observations[i].t, observations[i - 1].t));
    if (!values.empty()) {
        auto median = [](std::vector<std::int64_t> v) {
            std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
            return v[v.size() / 2];
        };
        std::int64_t interval = median(values);
        if (interval < 0 || interval > kMaxInterval)
            interval = 0; // absurd spacing: plain intervals
        std::vector<std::int64_t> grid;
        grid.reserve(values.size());
        for (std::size_t i = 1; i < observations.size(); ++i)
            grid.push_back(wrapSub(
                wrapSub(observations[i].t, observations[0].t),
                static_cast<std::int64_t>(static_cast<std::uint64_t>(i) * static_cast<std::uint64_t>(interval))));
        const std::int64_t offset = median(grid);
        for (std::int64_t &v : values)
            v = wrapSub(v, interval);
        for (std::int64_t &v : grid)
            v = wrapSub(v, offset);
        const bool onGrid = interval > 0 && streamBits(grid) + 8 < streamBits(values);
        appendVarint(body, static_cast<std::uint64_t>(interval) * 2 + (onGrid ? 1 : 0));
        if (onGrid) {
            appendVarint(body, zigzag(offset));
            values.swap(grid);
        }
    }

    BitWriter bits;
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

    return frameBlock(kFormat, body);
}

Status ObservationCodec::decode(QByteArrayView bytes, std::int64_t base, std::vector<Observation> &out)
{
    if (bytes.size() < kBlockHeaderBytes + 1) // a body holds at least its count
        return corrupt(u"%1 bytes is too short"_s.arg(bytes.size()));
    QString why;
    const auto framed = unframeBlock(bytes, kFormat, &why);
    if (!framed)
        return corrupt(why);
    const QByteArrayView body = *framed;

    std::int64_t pos = 0;
    std::uint64_t n = 0;
    if (!readVarint(body, pos, n) || n > kMaxObservations)
        return corrupt(u"bad observation count"_s);
    if (n == 0)
        return success();
    std::uint64_t firstOffset = 0;
    if (!readVarint(body, pos, firstOffset))
        return corrupt(u"bad first time"_s);
    std::uint64_t interval = 0;
    std::uint64_t gridOffset = 0;
    bool onGrid = false;
    if (n > 1) {
        if (!readVarint(body, pos, interval) || interval > 2 * static_cast<std::uint64_t>(kMaxInterval) + 1)
            return corrupt(u"bad interval"_s);
        onGrid = (interval & 1) != 0;
        interval >>= 1;
        if (onGrid && !readVarint(body, pos, gridOffset))
            return corrupt(u"bad grid offset"_s);
    }

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
        const std::uint64_t t0 = static_cast<std::uint64_t>(base) + static_cast<std::uint64_t>(unzigzag(firstOffset));
        const std::uint64_t grid = t0 + static_cast<std::uint64_t>(unzigzag(gridOffset));
        std::uint64_t t = t0;
        obs[0] = Observation{};
        obs[0].t = static_cast<std::int64_t>(t);
        for (std::size_t i = 1; i < count; ++i) {
            const std::uint64_t next = onGrid ? grid + i * interval + static_cast<std::uint64_t>(scratch[i - 1])
                                              : t + interval + static_cast<std::uint64_t>(scratch[i - 1]);
            if (static_cast<std::int64_t>(next - t) < 0)
                return fail(u"time goes backwards"_s);
            t = next;
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
