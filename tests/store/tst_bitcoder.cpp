// Bit-level coding under the store's blocks: integer streams in both modes, escapes, Exp-Golomb, varints, CRC-32,
// and a reader that never reads past its bytes.
#include "store/bitcoder.h"

#include <QTest>

#include <limits>
#include <random>

using namespace Qt::StringLiterals;

using Values = QList<qint64>;

class TestBitCoder final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void streamRoundTrip_data();
    void streamRoundTrip();
    void randomStreamsRoundTrip();
    void zeroRunsAreCheap();
    void rawBitsAndExpGolomb();
    void readerStopsAtTheEnd();
    void varints_data();
    void varints();
    void truncatedVarint();
    void crcMatchesZlib();
};

void TestBitCoder::streamRoundTrip_data()
{
    QTest::addColumn<Values>("values");
    constexpr qint64 kMin = std::numeric_limits<qint64>::min();
    constexpr qint64 kMax = std::numeric_limits<qint64>::max();
    QTest::newRow("empty") << Values{};
    QTest::newRow("one zero") << Values{0};
    QTest::newRow("one value") << Values{-3};
    QTest::newRow("all zeros") << Values(600, 0);
    QTest::newRow("steady jitter") << Values{1000, 3, -2, 0, 5, -6, 1, 0, 0, 2};
    QTest::newRow("runs between values") << Values{0, 0, 0, 7, 0, 0, -1, 0, 5, 5, 0};
    QTest::newRow("ends in a run") << Values{4, 0, 0, 0};
    QTest::newRow("escape") << Values{0, 1'000'000'000, -1'000'000'000, 0, 1};
    QTest::newRow("extremes") << Values{kMin, kMax, 0, kMax, kMin, -1, 1};
    QTest::newRow("large steady") << Values(100, 1'234'567);
}

void TestBitCoder::streamRoundTrip()
{
    QFETCH(Values, values);
    const std::vector<std::int64_t> in(values.begin(), values.end());
    bw::BitWriter writer;
    writer.write(0b101, 3); // something before, so the stream does not start on a byte boundary
    bw::writeStream(writer, in);
    QCOMPARE(writer.bitCount() - 3, bw::streamBits(in));
    writer.write(0b11, 2); // and something after
    const QByteArray bytes = writer.finish();

    bw::BitReader reader(bytes);
    QCOMPARE(reader.read(3), 0b101u);
    std::vector<std::int64_t> out{42}; // readStream appends
    bw::readStream(reader, in.size(), out);
    QVERIFY(!reader.failed());
    QCOMPARE(out.size(), in.size() + 1);
    QCOMPARE(out.front(), 42);
    QVERIFY(std::equal(in.begin(), in.end(), out.begin() + 1));
    QCOMPARE(reader.read(2), 0b11u);
    QVERIFY(reader.atCleanEnd());
}

void TestBitCoder::randomStreamsRoundTrip()
{
    std::mt19937_64 rng(20240601);
    for (int round = 0; round < 300; ++round) {
        const std::size_t n = rng() % 700;
        const int magnitude = static_cast<int>(rng() % 63);
        const double zeroShare = (rng() % 100) / 100.0;
        std::vector<std::int64_t> in(n);
        for (auto &v : in) {
            if ((rng() % 1000) / 1000.0 < zeroShare)
                v = 0;
            else
                v = static_cast<std::int64_t>(rng() >> (63 - magnitude)) * ((rng() & 1) ? 1 : -1);
        }
        bw::BitWriter writer;
        bw::writeStream(writer, in);
        const QByteArray bytes = writer.finish();
        bw::BitReader reader(bytes);
        std::vector<std::int64_t> out;
        bw::readStream(reader, n, out);
        QVERIFY2(!reader.failed(), qPrintable(u"round %1"_s.arg(round)));
        QVERIFY2(out == in, qPrintable(u"round %1"_s.arg(round)));
        QVERIFY(reader.atCleanEnd());
    }
}

void TestBitCoder::zeroRunsAreCheap()
{
    // A constant series over a 10-minute block costs a handful of bits, not one per value.
    const std::vector<std::int64_t> zeros(600, 0);
    QVERIFY(bw::streamBits(zeros) <= 6 + 1 + 19);
    // Noise chooses a Rice parameter near its magnitude: ~1 + k + 1 bits a value, not 64.
    std::vector<std::int64_t> noise;
    std::mt19937_64 rng(7);
    for (int i = 0; i < 600; ++i)
        noise.push_back(static_cast<std::int64_t>(rng() % 33) - 16);
    QVERIFY(bw::streamBits(noise) < 600 * 7);
}

void TestBitCoder::rawBitsAndExpGolomb()
{
    bw::BitWriter writer;
    writer.write(0xDEAD'BEEF'CAFE'F00DULL, 64);
    writer.writeBit(true);
    for (std::uint64_t v : {0ULL, 1ULL, 2ULL, 1000ULL, (1ULL << 40) + 3})
        writer.writeExpGolomb(v);
    for (int k : {0, 3, 31})
        writer.writeRice(12345, k);
    const QByteArray bytes = writer.finish();
    bw::BitReader reader(bytes);
    QCOMPARE(reader.read(64), 0xDEAD'BEEF'CAFE'F00DULL);
    QVERIFY(reader.readBit());
    for (std::uint64_t v : {0ULL, 1ULL, 2ULL, 1000ULL, (1ULL << 40) + 3})
        QCOMPARE(reader.readExpGolomb(), v);
    for (int k : {0, 3, 31})
        QCOMPARE(reader.readRice(k), 12345u);
    QVERIFY(reader.atCleanEnd());
}

void TestBitCoder::readerStopsAtTheEnd()
{
    const QByteArray bytes("\xff\xff", 2);
    bw::BitReader reader(bytes);
    QCOMPARE(reader.read(12), 0xfffu);
    QCOMPARE(reader.readRice(2), 0u); // four ones and no terminating zero
    QVERIFY(reader.failed());
    QCOMPARE(reader.read(64), 0u);

    bw::BitReader empty{QByteArrayView()};
    std::vector<std::int64_t> out;
    bw::readStream(empty, 5, out);
    QVERIFY(empty.failed());
    QCOMPARE(out.size(), 5u); // padded with zeros, never garbage
}

void TestBitCoder::varints_data()
{
    QTest::addColumn<quint64>("value");
    QTest::addColumn<int>("bytes");
    QTest::newRow("0") << quint64(0) << 1;
    QTest::newRow("127") << quint64(127) << 1;
    QTest::newRow("128") << quint64(128) << 2;
    QTest::newRow("2^35") << (quint64(1) << 35) << 6;
    QTest::newRow("max") << std::numeric_limits<quint64>::max() << 10;
}

void TestBitCoder::varints()
{
    QFETCH(quint64, value);
    QFETCH(int, bytes);
    QByteArray out;
    bw::appendVarint(out, value);
    QCOMPARE(out.size(), bytes);
    std::int64_t pos = 0;
    std::uint64_t back = 0;
    QVERIFY(bw::readVarint(out, pos, back));
    QCOMPARE(back, value);
    QCOMPARE(pos, bytes);
}

void TestBitCoder::truncatedVarint()
{
    std::int64_t pos = 0;
    std::uint64_t value = 0;
    QVERIFY(!bw::readVarint(QByteArray("\x80\x80", 2), pos, value));
    pos = 0;
    QVERIFY(!bw::readVarint(QByteArray(11, '\xff'), pos, value)); // longer than 64 bits
}

void TestBitCoder::crcMatchesZlib()
{
    QCOMPARE(bw::crc32(QByteArray("123456789")), 0xCBF4'3926U); // the standard check value
    QCOMPARE(bw::crc32(QByteArray()), 0U);
}

QTEST_GUILESS_MAIN(TestBitCoder)
#include "tst_bitcoder.moc"
