#include "events/jsonlreader.h"

#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

class TestJsonlReader final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void goodInput_data();
    void goodInput();
    void badInput_data();
    void badInput();
    void readsFilesAndNamesThem();
    void latencyTimeout();
};

void TestJsonlReader::goodInput_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<int>("count");
    QTest::addColumn<qint64>("lastT");
    QTest::addColumn<bool>("lastOk");
    QTest::addColumn<float>("lastLatency");
    QTest::newRow("contract line") << QByteArray(R"({"t": 65000, "ok": false, "latency_ms": 12.5})") << 1 << 65000LL
                                   << false << 12.5F;
    QTest::newRow("compact, any key order, no latency")
        << QByteArray("{\"ok\":true,\"t\":1}\n{\"latency_ms\":3,\"t\":2,\"ok\":false}\n") << 2 << 2LL << false << 3.0F;
    QTest::newRow("blank lines and CRLF")
        << QByteArray("\n{\"t\":1,\"ok\":true}\r\n\r\n{\"t\":1,\"ok\":true}\r\n") << 2 << 1LL << true << 0.0F;
    QTest::newRow("extra keys skipped")
        << QByteArray(R"({"t":5,"ok":true,"service":"a\"b","tags":{"x":[1,{"y":null}]},"latency_ms":null})") << 1 << 5LL
        << true << 0.0F;
    QTest::newRow("integral float t") << QByteArray(R"({"t":5.0,"ok":true})") << 1 << 5LL << true << 0.0F;
    QTest::newRow("exponent latency") << QByteArray(R"({"t":5,"ok":true,"latency_ms":1.5e3})") << 1 << 5LL << true
                                      << 1500.0F;
    QTest::newRow("empty file") << QByteArray() << 0 << 0LL << true << 0.0F;
}

void TestJsonlReader::goodInput()
{
    QFETCH(QByteArray, text);
    const auto stream = bw::JsonlReader::parse(text);
    QVERIFY2(stream.ok(), qPrintable(stream.ok() ? QString() : stream.error()));
    QTEST(static_cast<int>(stream->size()), "count");
    if (stream->empty())
        return;
    QFETCH(qint64, lastT);
    QCOMPARE(qint64{stream->events.back().t}, lastT);
    QTEST(stream->events.back().ok, "lastOk");
    QTEST(stream->events.back().latencyMs, "lastLatency");
}

void TestJsonlReader::badInput_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("message");
    const QByteArray good = "{\"t\":1,\"ok\":true}\n";
    QTest::newRow("not an object") << good + "[1,2]\n" << u"line 2: expected a JSON object"_s;
    QTest::newRow("missing ok") << good + "{\"t\":2}\n" << u"line 2: missing \"ok\""_s;
    QTest::newRow("missing t") << QByteArray("{\"ok\":true}") << u"line 1: missing \"t\""_s;
    QTest::newRow("string t") << QByteArray("{\"t\":\"5\",\"ok\":true}") << u"\"t\" must be an integer"_s;
    QTest::newRow("fractional t") << QByteArray("{\"t\":5.5,\"ok\":true}") << u"\"t\" must be an integer"_s;
    QTest::newRow("ok not boolean") << QByteArray("{\"t\":5,\"ok\":1}") << u"\"ok\" must be true or false"_s;
    QTest::newRow("negative latency") << QByteArray("{\"t\":5,\"ok\":true,\"latency_ms\":-1}") << u"non-negative"_s;
    QTest::newRow("time goes backwards") << QByteArray("{\"t\":5,\"ok\":true}\n{\"t\":4,\"ok\":true}")
                                         << u"line 2: \"t\" went backwards (4 after 5)"_s;
    QTest::newRow("trailing garbage") << QByteArray("{\"t\":5,\"ok\":true} x") << u"unexpected text"_s;
    QTest::newRow("truncated") << good + good + "{\"t\":3,\"ok\":tr" << u"line 3:"_s;
    QTest::newRow("trailing comma") << QByteArray("{\"t\":5,\"ok\":true,}") << u"expected a quoted key"_s;
    QTest::newRow("bad nested value") << QByteArray("{\"t\":5,\"ok\":true,\"x\":[1,}") << u"malformed value"_s;
    QTest::newRow("negative t") << QByteArray("{\"t\":-5,\"ok\":true}") << u"must not be negative"_s;
    // Found by fuzz_jsonl: an integral float past the int64 range was cast to int64 (undefined behaviour).
    QTest::newRow("fuzz: t past int64 as a float")
        << QByteArray("{\"t\":9223372036854775800e,\"l.6}\n{=\"t\xe7\xc5\xcc\xc7\"lat{e")
        << u"line 1: \"t\" must be an integer"_s;
    QTest::newRow("t = 2^63 as a float") << QByteArray("{\"t\":9223372036854775807.0,\"ok\":true}")
                                         << u"\"t\" must be an integer"_s;
    QTest::newRow("t = 1e19") << QByteArray("{\"t\":1e19,\"ok\":true}") << u"\"t\" must be an integer"_s;
    QTest::newRow("NUL byte") << QByteArray("{\"t\":5,\0\"ok\":true}", 18) << u"line 1:"_s;
}

void TestJsonlReader::badInput()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, message);
    const auto stream = bw::JsonlReader::parse(text);
    QVERIFY(!stream.ok());
    QVERIFY2(stream.error().contains(message), qPrintable(stream.error()));
}

void TestJsonlReader::readsFilesAndNamesThem()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"events.jsonl"_s);
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("{\"t\":1,\"ok\":true}\n{\"t\":2,\"ok\":nope}\n");
    file.close();
    const auto stream = bw::JsonlReader::readFile(path);
    QVERIFY(!stream.ok());
    QVERIFY2(stream.error().startsWith(path + u": line 2:"_s), qPrintable(stream.error()));
    const auto missing = bw::JsonlReader::readFile(dir.filePath(u"nope.jsonl"_s));
    QVERIFY(!missing.ok());
    QVERIFY(missing.error().contains(u"cannot open"_s));
}

void TestJsonlReader::latencyTimeout()
{
    auto stream = bw::JsonlReader::parse("{\"t\":1,\"ok\":true,\"latency_ms\":1000}\n"
                                         "{\"t\":2,\"ok\":true,\"latency_ms\":1000.5}\n"
                                         "{\"t\":3,\"ok\":false,\"latency_ms\":5000}\n");
    QVERIFY(stream.ok());
    QCOMPARE(stream->applyLatencyTimeout(1000), 1);
    QVERIFY(stream->events[0].ok);  // equal is not a timeout
    QVERIFY(!stream->events[1].ok); // strictly greater is
}

QTEST_GUILESS_MAIN(TestJsonlReader)
#include "tst_jsonlreader.moc"
