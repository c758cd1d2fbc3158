// The staging area's row format: chunks of several services and blocks round trip; damaged framing is reported
// after the chunks before it.
#include "store/stagingrow.h"

#include <QTest>

class TestStagingRow final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void roundTrip();
    void damagedFraming();
};

void TestStagingRow::roundTrip()
{
    const std::int64_t start = 1'700'000'400'000;
    const std::vector<std::tuple<int, std::int64_t, QByteArray>> chunks = {
        {1, start, QByteArray("abc")}, {700'000, start + 600'000, QByteArray(300, 'x')}, {2, start - 600'000, {}}};
    const QByteArray row = bw::StagingRow::build(chunks);
    std::vector<bw::StagingRow::Chunk> out;
    QVERIFY(bw::StagingRow::split(row, out));
    QCOMPARE(out.size(), 3u);
    for (std::size_t i = 0; i < 3; ++i) {
        QCOMPARE(out[i].service, std::get<0>(chunks[i]));
        QCOMPARE(out[i].start, std::get<1>(chunks[i]));
        QCOMPARE(out[i].bytes, QByteArrayView(std::get<2>(chunks[i])));
    }
    out.clear();
    QVERIFY(bw::StagingRow::split(bw::StagingRow::build({}), out));
    QVERIFY(out.empty());
}

void TestStagingRow::damagedFraming()
{
    const std::int64_t start = 1'700'000'400'000;
    const QByteArray row = bw::StagingRow::build({{1, start, QByteArray("abc")}, {2, start, QByteArray("defgh")}});
    std::vector<bw::StagingRow::Chunk> out;
    QVERIFY(!bw::StagingRow::split(row.first(row.size() - 2), out)); // the second chunk is cut short
    QCOMPARE(out.size(), 1u);
    out.clear();
    QVERIFY(!bw::StagingRow::split(QByteArray("\x80"), out));
    QVERIFY(out.empty());
}

QTEST_GUILESS_MAIN(TestStagingRow)
#include "tst_stagingrow.moc"
