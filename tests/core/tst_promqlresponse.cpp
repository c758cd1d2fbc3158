#include "prometheus/promqlresponse.h"

#include <QTest>

#include <cmath>

using namespace Qt::StringLiterals;

class TestPromQlResponse final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void vectorWithSpecialValues();
    void matrixAndWarnings();
    void scalarAndString();
    void errors_data();
    void errors();
    void splitRange_data();
    void splitRange();
};

void TestPromQlResponse::vectorWithSpecialValues()
{
    const auto result = bw::parsePromResponse(200, R"({"status":"success","data":{"resultType":"vector","result":[
            {"metric":{"__name__":"up","job":"node"},"value":[1435781451.781,"1"]},
            {"metric":{"job":"a"},"value":[1435781451.781,"NaN"]},
            {"metric":{"job":"b"},"value":[1435781451.781,"+Inf"]},
            {"metric":{"job":"c"},"value":[1435781451.781,"-Inf"]}]}})");
    QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error()));
    QCOMPARE(result->type, bw::PromQueryResult::Type::Vector);
    QCOMPARE(result->series.size(), std::size_t{4});
    QCOMPARE(result->series[0].metric.value(u"job"_s), u"node"_s);
    QCOMPARE(result->series[0].points[0].first, 1435781451781LL);
    QCOMPARE(result->series[0].points[0].second, 1.0);
    QVERIFY(std::isnan(result->series[1].points[0].second));
    QVERIFY(std::isinf(result->series[2].points[0].second) && result->series[2].points[0].second > 0);
    QVERIFY(std::isinf(result->series[3].points[0].second) && result->series[3].points[0].second < 0);
}

void TestPromQlResponse::matrixAndWarnings()
{
    const auto result = bw::parsePromResponse(
        200, R"({"status":"success","warnings":["partial response"],"data":{"resultType":"matrix","result":[
            {"metric":{"job":"api"},"values":[[10,"1"],[25,"2.5"]]}]}})");
    QVERIFY(result.ok());
    QCOMPARE(result->type, bw::PromQueryResult::Type::Matrix);
    QCOMPARE(result->warnings, QStringList{u"partial response"_s});
    QCOMPARE(result->series[0].points.size(), std::size_t{2});
    QCOMPARE(result->series[0].points[1].first, 25'000LL);
    QCOMPARE(result->series[0].points[1].second, 2.5);
}

void TestPromQlResponse::scalarAndString()
{
    const auto scalar =
        bw::parsePromResponse(200, R"({"status":"success","data":{"resultType":"scalar","result":[5,"42"]}})");
    QVERIFY(scalar.ok());
    QCOMPARE(scalar->series[0].points[0].second, 42.0);
    const auto text =
        bw::parsePromResponse(200, R"({"status":"success","data":{"resultType":"string","result":[5,"hi"]}})");
    QVERIFY(text.ok());
    QCOMPARE(text->stringValue, u"hi"_s);
    QVERIFY(text->series.empty()); // as the header says (it said "one series" until fuzz_promql checked it)
}

void TestPromQlResponse::errors_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("message");
    QTest::newRow("400 bad_data") << 400
                                  << QByteArray(R"({"status":"error","errorType":"bad_data","error":"parse error"})")
                                  << u"Prometheus bad_data (HTTP 400): parse error"_s;
    QTest::newRow("422 execution") << 422
                                   << QByteArray(R"({"status":"error","errorType":"execution","error":"too many"})")
                                   << u"Prometheus execution (HTTP 422): too many"_s;
    QTest::newRow("503 timeout") << 503
                                 << QByteArray(R"({"status":"error","errorType":"timeout","error":"query timed out"})")
                                 << u"Prometheus timeout (HTTP 503)"_s;
    QTest::newRow("not JSON") << 502 << QByteArray("<html>bad gateway</html>") << u"no JSON envelope"_s;
    QTest::newRow("empty") << 200 << QByteArray() << u"empty body"_s;
    QTest::newRow("bad value") << 200 << QByteArray(R"({"status":"success","data":{"resultType":"vector","result":[
                                      {"metric":{},"value":[1,"lots"]}]}})")
                               << u"is not a number"_s;
    QTest::newRow("unknown type") << 200
                                  << QByteArray(R"({"status":"success","data":{"resultType":"tensor","result":[]}})")
                                  << u"unknown resultType"_s;
}

void TestPromQlResponse::errors()
{
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(QString, message);
    const auto result = bw::parsePromResponse(status, body);
    QVERIFY(!result.ok());
    QVERIFY2(result.error().contains(message), qPrintable(result.error()));
}

void TestPromQlResponse::splitRange_data()
{
    QTest::addColumn<qint64>("start");
    QTest::addColumn<qint64>("end");
    QTest::addColumn<qint64>("step");
    QTest::addColumn<qint64>("maxPoints");
    QTest::addColumn<QList<qint64>>("bounds"); // start, end pairs
    QTest::newRow("fits") << 0LL << 100LL << 10LL << 11000LL << QList<qint64>{0, 100};
    QTest::newRow("exactly max points") << 0LL << 40LL << 10LL << 5LL << QList<qint64>{0, 40};
    QTest::newRow("one over") << 0LL << 50LL << 10LL << 5LL << QList<qint64>{0, 40, 50, 50};
    QTest::newRow("a day at 1 s") << 0LL << 86'400'000LL << 1000LL << 11000LL
                                  << QList<qint64>{0,          10'999'000, 11'000'000, 21'999'000,
                                                   22'000'000, 32'999'000, 33'000'000, 43'999'000,
                                                   44'000'000, 54'999'000, 55'000'000, 65'999'000,
                                                   66'000'000, 76'999'000, 77'000'000, 86'400'000};
    QTest::newRow("bad step") << 0LL << 10LL << 0LL << 11000LL << QList<qint64>{};
}

void TestPromQlResponse::splitRange()
{
    QFETCH(qint64, start);
    QFETCH(qint64, end);
    QFETCH(qint64, step);
    QFETCH(qint64, maxPoints);
    QFETCH(QList<qint64>, bounds);
    QList<qint64> actual;
    for (const bw::TimeRange &range : bw::splitRange(start, end, step, maxPoints)) {
        actual << range.startMs << range.endMs;
        QVERIFY((range.endMs - range.startMs) / step + 1 <= maxPoints);
    }
    QCOMPARE(actual, bounds);
}

QTEST_GUILESS_MAIN(TestPromQlResponse)
#include "tst_promqlresponse.moc"
