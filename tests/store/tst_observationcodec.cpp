// Observation blocks and the quantiser: round trips over edge cases (_data tables), random blocks, sizes, and damaged
// blocks that must fail cleanly (every byte flipped, every truncation, garbage) rather than crash or return garbage.
#include "store/bitcoder.h"
#include "store/observationcodec.h"
#include "store/quantiser.h"

#include <QTest>

#include <cmath>
#include <limits>
#include <random>

using namespace Qt::StringLiterals;
using bw::BreakerState;
using bw::Observation;
using bw::PollOutcome;

Q_DECLARE_METATYPE(std::vector<bw::Observation>)

namespace {

constexpr std::int64_t kBase = 1'700'000'400'000; // aligned to 10 min
constexpr float kNone = Observation::kNone;
constexpr float kInf = std::numeric_limits<float>::infinity();

Observation obs(std::int64_t offset, float rate, float latency, float p95, PollOutcome outcome = PollOutcome::Ok,
                BreakerState state = BreakerState::Closed, std::optional<BreakerState> observed = std::nullopt)
{
    Observation o;
    o.t = kBase + offset;
    o.errorRate = rate;
    o.latencyMs = latency;
    o.p95Ms = p95;
    o.outcome = outcome;
    o.state = state;
    o.observedState = observed;
    return o;
}

std::vector<Observation> expected(std::vector<Observation> in)
{
    std::stable_sort(in.begin(), in.end(), [](const Observation &a, const Observation &b) { return a.t < b.t; });
    if (in.size() > bw::ObservationCodec::kMaxObservations)
        in.resize(bw::ObservationCodec::kMaxObservations);
    for (Observation &o : in)
        o = bw::ObservationCodec::quantised(o);
    return in;
}

QString describe(const Observation &o)
{
    return u"t=%1 rate=%2 lat=%3 p95=%4 outcome=%5 state=%6 observed=%7"_s.arg(o.t)
        .arg(o.errorRate)
        .arg(o.latencyMs)
        .arg(o.p95Ms)
        .arg(int(o.outcome))
        .arg(int(o.state))
        .arg(o.observedState ? int(*o.observedState) : -1);
}

bool sameBlocks(const std::vector<Observation> &a, const std::vector<Observation> &b, QString &why)
{
    if (a.size() != b.size()) {
        why = u"sizes %1 and %2"_s.arg(a.size()).arg(b.size());
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (!a[i].sameAs(b[i])) {
            why = u"at %1: %2 vs %3"_s.arg(i).arg(describe(a[i]), describe(b[i]));
            return false;
        }
    }
    return true;
}

std::vector<Observation> steadyPolls(int count, std::uint64_t seed, int jitterMs)
{
    std::mt19937_64 rng(seed);
    std::vector<Observation> out;
    for (int i = 0; i < count; ++i) {
        const bool ok = rng() % 50 != 0;
        // The error rate of a count window moves now and then, the p95 of the last minute every few polls, the
        // latency at every poll.
        out.push_back(obs(i * 1000 + static_cast<std::int64_t>(rng() % (jitterMs + 1)), float((i / 100) % 3) * 5.0f,
                          20.0f + float(rng() % 2000) / 100.0f, 60.0f + float((i / 7) % 4),
                          ok ? PollOutcome::Ok : PollOutcome::Failed));
    }
    return out;
}

} // namespace

class TestObservationCodec final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void roundTrip_data();
    void roundTrip();
    void randomBlocksRoundTrip();
    void quantiserBounds_data();
    void quantiserBounds();
    void quantiserIsIdempotent();
    void blockStartIsAFloor();
    void sizeOfASteadyBlock();
    void everyFlippedByteIsCaught();
    void everyTruncationIsCaught();
    void garbageNeverCrashes();
};

void TestObservationCodec::roundTrip_data()
{
    QTest::addColumn<std::vector<Observation>>("in");
    QTest::newRow("empty") << std::vector<Observation>{};
    QTest::newRow("one") << std::vector{obs(0, 0, 12.5f, 30)};
    QTest::newRow("nothing measured") << std::vector{obs(5, kNone, kNone, kNone, PollOutcome::Unknown),
                                                     obs(1005, kNone, kNone, kNone, PollOutcome::Unknown)};
    QTest::newRow("duplicate times") << std::vector{obs(1000, 1, 2, 3), obs(1000, 4, 5, 6), obs(1000, 7, 8, 9)};
    QTest::newRow("unsorted, kept stable")
        << std::vector{obs(3000, 3, 3, 3), obs(1000, 1, 1, 1), obs(2000, 2, 2, 2), obs(1000, 9, 9, 9)};
    QTest::newRow("before the base and at the end")
        << std::vector{obs(-250, 1, 1, 1), obs(0, 2, 2, 2), obs(599'999, 3, 3, 3)};
    QTest::newRow("hours apart") << std::vector{obs(0, 1, 1, 1), obs(36'000'000'000LL, 2, 2, 2)};
    QTest::newRow("extreme values") << std::vector{obs(0, -5, -3, 0), obs(1, 1e9f, 2e9f, 1e9f), obs(2, 100, 0, 0.0001f),
                                                   obs(3, -1e9f, 1e-9f, 65504)};
    QTest::newRow("non-finite values are absent")
        << std::vector{obs(0, kInf, -kInf, std::nanf("")), obs(1, 1, kInf, 2)};
    QTest::newRow("mixed presence") << std::vector{obs(0, 1, kNone, 3), obs(1000, kNone, 2, kNone),
                                                   obs(2000, kNone, kNone, kNone), obs(3000, 4, 5, 6),
                                                   obs(4000, kNone, 5, 6)};
    std::vector<Observation> states;
    for (int i = 0; i < 40; ++i)
        states.push_back(obs(i * 997, 10, 20, 30, static_cast<PollOutcome>(i % 3),
                             static_cast<BreakerState>(i % bw::kBreakerStateCount),
                             i % 4 == 0 ? std::nullopt : std::optional(static_cast<BreakerState>((i / 2) % 6))));
    QTest::newRow("every state and outcome") << states;
    QTest::newRow("a steady minute") << steadyPolls(60, 1, 0);
    QTest::newRow("ten jittery minutes") << steadyPolls(600, 2, 8);
    std::vector<Observation> many(bw::ObservationCodec::kMaxObservations + 5, obs(0, 1, 2, 3));
    for (std::size_t i = 0; i < many.size(); ++i)
        many[i].t = kBase + static_cast<std::int64_t>(i);
    QTest::newRow("over the maximum: the excess is cut") << many;
}

void TestObservationCodec::roundTrip()
{
    QFETCH(std::vector<Observation>, in);
    const QByteArray bytes = bw::ObservationCodec::encode(in, kBase);
    std::vector<Observation> out{obs(-1, 0, 0, 0)}; // decode appends
    const bw::Status s = bw::ObservationCodec::decode(bytes, kBase, out);
    QVERIFY2(s.ok(), qPrintable(s.ok() ? QString() : s.error()));
    out.erase(out.begin());
    QString why;
    QVERIFY2(sameBlocks(out, expected(in), why), qPrintable(why));
    // Stable: what comes back encodes to the same bytes.
    QCOMPARE(bw::ObservationCodec::encode(out, kBase), bytes);
}

void TestObservationCodec::randomBlocksRoundTrip()
{
    std::mt19937_64 rng(99);
    auto value = [&rng]() -> float {
        switch (rng() % 6) {
        case 0:
            return kNone;
        case 1:
            return 0;
        case 2:
            return float(rng() % 100000) / 7.0f;
        case 3:
            return -float(rng() % 1000);
        case 4:
            return float(rng() % 3);
        default:
            return 42.0f;
        }
    };
    for (int round = 0; round < 200; ++round) {
        std::vector<Observation> in(rng() % 900);
        std::int64_t t = kBase + static_cast<std::int64_t>(rng() % 1000);
        for (Observation &o : in) {
            t += static_cast<std::int64_t>(rng() % 3 == 0 ? rng() % 100'000 : rng() % 1'100);
            o = obs(t - kBase, value(), value(), value(), static_cast<PollOutcome>(rng() % 3),
                    static_cast<BreakerState>(rng() % 6),
                    rng() % 2 ? std::nullopt : std::optional(static_cast<BreakerState>(rng() % 6)));
        }
        std::shuffle(in.begin(), in.begin() + static_cast<std::ptrdiff_t>(in.size() / 10), rng);
        std::vector<Observation> out;
        const QByteArray bytes = bw::ObservationCodec::encode(in, kBase);
        QVERIFY(bw::ObservationCodec::decode(bytes, kBase, out).ok());
        QString why;
        QVERIFY2(sameBlocks(out, expected(in), why), qPrintable(u"round %1: %2"_s.arg(round).arg(why)));
    }
}

void TestObservationCodec::quantiserBounds_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<double>("value");
    QTest::addColumn<double>("back");
    QTest::addColumn<double>("tolerance");
    const int rate = int(bw::SeriesKind::ErrorRate);
    const int latency = int(bw::SeriesKind::Latency);
    QTest::newRow("rate 0") << rate << 0.0 << 0.0 << 0.0;
    QTest::newRow("rate 62.5") << rate << 62.5 << 62.5 << 0.0;
    QTest::newRow("rate 33.333") << rate << 100.0 / 3 << 33.33 << 1e-9;
    QTest::newRow("rate 0.005 rounds") << rate << 0.005 << 0.01 << 1e-12;
    QTest::newRow("rate clamped") << rate << 5e8 << 1e5 << 0.0;
    QTest::newRow("latency 0") << latency << 0.0 << 0.0 << 0.0;
    QTest::newRow("latency negative -> 0") << latency << -4.0 << 0.0 << 0.0;
    QTest::newRow("latency 12.5") << latency << 12.5 << 12.5 << 12.5 * 0.0055;
    QTest::newRow("latency 2 s") << latency << 2000.0 << 2000.0 << 2000 * 0.0055;
    QTest::newRow("latency 0.003") << latency << 0.003 << 0.003 << 0.0001;
    QTest::newRow("latency clamped") << latency << 1e12 << 1e9 << 1e9 * 0.0055;
}

void TestObservationCodec::quantiserBounds()
{
    QFETCH(int, kind);
    QFETCH(double, value);
    QFETCH(double, back);
    QFETCH(double, tolerance);
    const auto k = static_cast<bw::SeriesKind>(kind);
    const std::int64_t code = bw::Quantiser::encode(k, value);
    QVERIFY(bw::Quantiser::valid(k, code));
    const double decoded = bw::Quantiser::decode(k, code);
    QVERIFY2(std::abs(decoded - back) <= tolerance, qPrintable(u"%1 came back as %2"_s.arg(value).arg(decoded)));
}

void TestObservationCodec::quantiserIsIdempotent()
{
    for (const auto kind : {bw::SeriesKind::ErrorRate, bw::SeriesKind::Latency, bw::SeriesKind::LatencyP95}) {
        std::int64_t previous = std::numeric_limits<std::int64_t>::min();
        for (double v = 0; v < 1e7; v = v * 1.013 + 0.001) {
            const std::int64_t code = bw::Quantiser::encode(kind, v);
            QVERIFY(code >= previous); // monotonic
            previous = code;
            const auto asStored = static_cast<float>(bw::Quantiser::decode(kind, code));
            QCOMPARE(bw::Quantiser::encode(kind, asStored), code);
            if (kind != bw::SeriesKind::ErrorRate && v > 1)
                QVERIFY(std::abs(asStored - v) <= v * 0.0055);
        }
    }
}

void TestObservationCodec::blockStartIsAFloor()
{
    QCOMPARE(bw::ObservationCodec::blockStart(kBase), kBase);
    QCOMPARE(bw::ObservationCodec::blockStart(kBase + 599'999), kBase);
    QCOMPARE(bw::ObservationCodec::blockStart(kBase + 600'000), kBase + 600'000);
    QCOMPARE(bw::ObservationCodec::blockStart(-1), -600'000);
}

void TestObservationCodec::sizeOfASteadyBlock()
{
    // 10 minutes of 1 s polls, 8 ms of scheduling jitter, three series: well under 8 KB per hour once in a block.
    const QByteArray bytes = bw::ObservationCodec::encode(steadyPolls(600, 3, 8), kBase);
    qInfo("a 600-poll block: %lld bytes", static_cast<long long>(bytes.size()));
    QVERIFY(bytes.size() * 6 < 8192);
    // A service that reports nothing but its state costs almost nothing.
    std::vector<Observation> quiet;
    for (int i = 0; i < 600; ++i)
        quiet.push_back(obs(i * 1000, kNone, kNone, kNone, PollOutcome::Ok));
    QVERIFY(bw::ObservationCodec::encode(quiet, kBase).size() < 32);
}

void TestObservationCodec::everyFlippedByteIsCaught()
{
    const QByteArray bytes = bw::ObservationCodec::encode(steadyPolls(120, 4, 8), kBase);
    for (qsizetype i = 0; i < bytes.size(); ++i) {
        for (const char mask : {char(0x01), char(0x80), char(0xff)}) {
            QByteArray damaged = bytes;
            damaged[i] = static_cast<char>(damaged[i] ^ mask);
            std::vector<Observation> out;
            const bw::Status s = bw::ObservationCodec::decode(damaged, kBase, out);
            QVERIFY2(!s.ok(), qPrintable(u"byte %1 ^ %2 went unnoticed"_s.arg(i).arg(int(uchar(mask)))));
            QVERIFY(out.empty());
            QVERIFY(s.error().startsWith(u"damaged observation block"_s));
        }
    }
}

void TestObservationCodec::everyTruncationIsCaught()
{
    const QByteArray bytes = bw::ObservationCodec::encode(steadyPolls(120, 5, 8), kBase);
    for (qsizetype n = 0; n < bytes.size(); ++n) {
        std::vector<Observation> out;
        QVERIFY2(!bw::ObservationCodec::decode(bytes.first(n), kBase, out).ok(), qPrintable(QString::number(n)));
    }
    std::vector<Observation> out;
    QVERIFY(!bw::ObservationCodec::decode(QByteArray(bytes + char(0)), kBase, out).ok()); // trailing bytes
}

void TestObservationCodec::garbageNeverCrashes()
{
    // Random bytes behind a correct header and CRC: only the structural checks stand between them and the caller.
    std::mt19937_64 rng(5);
    int rejected = 0;
    for (int round = 0; round < 3000; ++round) {
        QByteArray body(static_cast<qsizetype>(rng() % 200), Qt::Uninitialized);
        for (char &c : body)
            c = static_cast<char>(rng());
        QByteArray bytes(1, char(bw::ObservationCodec::kFormat));
        const std::uint32_t crc = bw::crc32(body);
        for (int i = 0; i < 4; ++i)
            bytes.append(static_cast<char>((crc >> (8 * i)) & 0xff));
        bytes += body;
        std::vector<Observation> out;
        if (!bw::ObservationCodec::decode(bytes, kBase, out).ok())
            ++rejected;
        QVERIFY(out.size() <= bw::ObservationCodec::kMaxObservations);
    }
    QVERIFY(rejected > 2900);
}

QTEST_GUILESS_MAIN(TestObservationCodec)
#include "tst_observationcodec.moc"
