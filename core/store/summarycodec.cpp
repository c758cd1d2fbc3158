#include "store/summarycodec.h"

#include "store/bitcoder.h"
#include "store/quantiser.h"

#include <algorithm>
#include <cmath>
#include <limits>

using namespace Qt::StringLiterals;

namespace bw {

namespace {

Error corrupt(const QString &what)
{
    return Error{u"damaged hourly summary: "_s + what};
}

// Damaged input may hold any bits: add without signed overflow.
std::int64_t wrapAdd(std::int64_t a, std::int64_t b)
{
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) + static_cast<std::uint64_t>(b));
}

} // namespace

std::int64_t SummaryCodec::hourStart(std::int64_t t)
{
    std::int64_t q = t / kSpanMs;
    if (t % kSpanMs != 0 && t < 0)
        --q;
    return q * kSpanMs;
}

void SummaryCodec::accumulate(Buckets &buckets, std::int64_t start, const Observation &o)
{
    if (o.t < start || o.t >= start + kSpanMs)
        return;
    const auto index = static_cast<std::size_t>((o.t - start) / kBucketMs);
    for (int s = 0; s < kSeriesKindCount; ++s) {
        const float v = o.value(static_cast<SeriesKind>(s));
        if (std::isfinite(v))
            buckets[static_cast<std::size_t>(s)][index].add(v);
    }
}

QByteArray SummaryCodec::encode(const Buckets &buckets)
{
    BitWriter bits;
    std::vector<std::int64_t> values;
    for (int s = 0; s < kSeriesKindCount; ++s) {
        const auto kind = static_cast<SeriesKind>(s);
        const auto &series = buckets[static_cast<std::size_t>(s)];
        values.clear();
        std::int64_t previous = 0;
        for (const Bucket &b : series) {
            values.push_back(static_cast<std::int64_t>(b.count) - previous);
            previous = b.count;
        }
        writeStream(bits, values);
        std::vector<std::int64_t> means;
        for (const Bucket &b : series) {
            if (b.count > 0)
                means.push_back(Quantiser::encode(kind, b.sum / b.count));
        }
        values.clear();
        previous = 0;
        for (const std::int64_t m : means) {
            values.push_back(m - previous);
            previous = m;
        }
        writeStream(bits, values);
        for (double Bucket::*field : {&Bucket::min, &Bucket::max, &Bucket::first, &Bucket::last}) {
            values.clear();
            std::size_t j = 0;
            for (const Bucket &b : series) {
                if (b.count > 0)
                    values.push_back(Quantiser::encode(kind, b.*field) - means[j++]);
            }
            writeStream(bits, values);
        }
    }
    const QByteArray body = bits.finish();
    return frameBlock(kFormat, body);
}

Status SummaryCodec::decode(QByteArrayView bytes, Buckets &out)
{
    QString why;
    const auto framed = unframeBlock(bytes, kFormat, &why);
    if (!framed)
        return corrupt(why);
    const QByteArrayView body = *framed;

    Buckets result{};
    BitReader bits(body);
    std::vector<std::int64_t> counts;
    std::vector<std::int64_t> means;
    std::vector<std::int64_t> offsets;
    for (int s = 0; s < kSeriesKindCount; ++s) {
        const auto kind = static_cast<SeriesKind>(s);
        auto &series = result[static_cast<std::size_t>(s)];
        counts.clear();
        readStream(bits, kBuckets, counts);
        std::int64_t running = 0;
        std::size_t present = 0;
        for (std::size_t i = 0; i < kBuckets; ++i) {
            running = wrapAdd(running, counts[i]);
            if (running < 0 || running > std::numeric_limits<std::uint32_t>::max())
                return corrupt(u"bad count"_s);
            series[i].count = static_cast<std::uint32_t>(running);
            present += running > 0 ? 1 : 0;
        }
        means.clear();
        readStream(bits, present, means);
        running = 0;
        for (std::int64_t &m : means) {
            running = wrapAdd(running, m);
            if (!Quantiser::valid(kind, running))
                return corrupt(u"value out of range"_s);
            m = running;
        }
        std::size_t j = 0;
        for (Bucket &b : series) {
            if (b.count > 0)
                b.sum = Quantiser::decode(kind, means[j++]) * b.count;
        }
        for (double Bucket::*field : {&Bucket::min, &Bucket::max, &Bucket::first, &Bucket::last}) {
            offsets.clear();
            readStream(bits, present, offsets);
            j = 0;
            for (Bucket &b : series) {
                if (b.count == 0)
                    continue;
                const std::int64_t code = wrapAdd(means[j], offsets[j]);
                ++j;
                if (!Quantiser::valid(kind, code))
                    return corrupt(u"value out of range"_s);
                b.*field = Quantiser::decode(kind, code);
            }
        }
    }
    if (bits.failed())
        return corrupt(u"truncated"_s);
    if (!bits.atCleanEnd())
        return corrupt(u"trailing bytes"_s);
    out = result;
    return success();
}

std::vector<SeriesPoint> SummaryCodec::points(const Buckets &buckets, SeriesKind kind, std::int64_t start)
{
    std::vector<SeriesPoint> out;
    const auto &series = buckets[static_cast<std::size_t>(kind)];
    for (int i = 0; i < kBuckets; ++i) {
        const Bucket &b = series[static_cast<std::size_t>(i)];
        if (b.count == 0)
            continue;
        SeriesPoint p;
        p.t = start + i * kBucketMs;
        p.durationMs = kBucketMs;
        p.first = static_cast<float>(b.first);
        p.last = static_cast<float>(b.last);
        p.min = static_cast<float>(b.min);
        p.max = static_cast<float>(b.max);
        p.mean = static_cast<float>(b.sum / b.count);
        p.count = b.count;
        out.push_back(p);
    }
    return out;
}

} // namespace bw
