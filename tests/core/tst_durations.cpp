#include "common/durations.h"

#include <QTest>

using namespace Qt::StringLiterals;

class TestDurations final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parse_data();
    void parse();
    void format_data();
    void format();
};

void TestDurations::parse_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("ms");
    QTest::addColumn<QString>("error");
    QTest::newRow("bare ms") << u"1500"_s << 1500LL << u""_s;
    QTest::newRow("ms") << u"250ms"_s << 250LL << u""_s;
    QTest::newRow("seconds") << u"5s"_s << 5000LL << u""_s;
    QTest::newRow("fraction") << u"1.5s"_s << 1500LL << u""_s;
    QTest::newRow("compound") << u"1m30s"_s << 90'000LL << u""_s;
    QTest::newRow("hours") << u"2h"_s << 7'200'000LL << u""_s;
    QTest::newRow("days") << u"1d"_s << 86'400'000LL << u""_s;
    QTest::newRow("spaces") << u"  10s "_s << 10'000LL << u""_s;
    QTest::newRow("empty") << u""_s << 0LL << u"empty duration"_s;
    QTest::newRow("unit") << u"5y"_s << 0LL << u"unknown unit \"y\""_s;
    QTest::newRow("negative") << u"-5"_s << 0LL << u"negative"_s;
    QTest::newRow("garbage") << u"soon"_s << 0LL << u"expected a number"_s;
    // Found by fuzz_config: a number beyond std::int64_t once multiplied by its unit (undefined to convert).
    QTest::newRow("huge with a unit") << u"444444444444444444444444444444444444444444444444444444444444444444444444"
                                         "44444444444444444444444444444444s"_s
                                      << 0LL << u"too long"_s;
    QTest::newRow("huge bare") << u"1e300"_s << 0LL << u"too long"_s;
    QTest::newRow("not a number") << u"nan"_s << 0LL << u"invalid duration"_s;
    QTest::newRow("infinite") << u"inf"_s << 0LL << u"too long"_s;
    QTest::newRow("sum too long") << u"36000d36000d"_s << 0LL << u"too long"_s;
    QTest::newRow("a hundred years") << u"36600d"_s << 3'162'240'000'000LL << u""_s;
}

void TestDurations::parse()
{
    QFETCH(QString, text);
    QFETCH(qint64, ms);
    QFETCH(QString, error);
    const auto result = bw::parseDurationMs(text);
    if (error.isEmpty()) {
        QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error()));
        QCOMPARE(*result, ms);
    } else {
        QVERIFY(!result.ok());
        QVERIFY2(result.error().contains(error), qPrintable(result.error()));
    }
}

void TestDurations::format_data()
{
    QTest::addColumn<qint64>("ms");
    QTest::addColumn<QString>("text");
    QTest::newRow("ms") << 250LL << u"250 ms"_s;
    QTest::newRow("s") << 30'000LL << u"30 s"_s;
    QTest::newRow("fractional s") << 1500LL << u"1.5 s"_s;
    QTest::newRow("m s") << 90'000LL << u"1m 30s"_s;
    QTest::newRow("h m") << 7'500'000LL << u"2h 5m"_s;
    QTest::newRow("d h") << 90'000'000LL << u"1d 1h"_s;
}

void TestDurations::format()
{
    QFETCH(qint64, ms);
    QFETCH(QString, text);
    QCOMPARE(bw::formatDurationMs(ms), text);
}

QTEST_GUILESS_MAIN(TestDurations)
#include "tst_durations.moc"
