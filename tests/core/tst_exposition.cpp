#include "prometheus/expositionparser.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

using namespace Qt::StringLiterals;
using bw::ExpositionFormat;
using bw::ExpositionParser;
using bw::MetricType;

namespace {

using Labels = QList<QPair<QByteArray, QByteArray>>;

const QString kConformanceDir = QStringLiteral(BW_TEST_DATA_DIR "/openmetrics/parsers/");
const QString kPagesDir = QStringLiteral(BW_TEST_DATA_DIR "/exposition/");

ExpositionFormat formatOf(bool openMetrics)
{
    return openMetrics ? ExpositionFormat::OpenMetrics : ExpositionFormat::PrometheusText;
}

bw::Result<bw::ParsedPage> parseAs(const QByteArray &page, bool openMetrics)
{
    bw::ParseOptions options;
    options.format = formatOf(openMetrics);
    return ExpositionParser::parse(page, options);
}

QByteArray dump(const bw::ParsedPage &page)
{
    QByteArrayList lines;
    for (const bw::MetricSample &sample : page.samples)
        lines << ExpositionParser::dumpLine(sample);
    return lines.join('\n');
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

// Adds rows for one input in both formats. OpenMetrics pages get "# EOF\n" appended unless they mention EOF.
// expected: the dump of all samples (joined by '\n') when it parses, else a fragment of the error message.
void addBoth(const char *name, const QByteArray &page, bool promOk, const QByteArray &promExpected, bool omOk,
             const QByteArray &omExpected)
{
    const QByteArray omPage = page.contains("# EOF") ? page : page + "# EOF\n";
    QTest::addRow("%s [prom]", name) << false << page << promOk << promExpected;
    QTest::addRow("%s [om]", name) << true << omPage << omOk << omExpected;
}

// Records what a visitor sees.
class RecordingVisitor final : public bw::ExpositionVisitor
{
public:
    struct Seen
    {
        QByteArray name;
        QList<QPair<QByteArray, QByteArray>> labels;
        QList<bool> valueInPage; // the value view points into the page buffer
        double value = 0;
        std::optional<std::int64_t> timestampMs;
        qsizetype line = 0;
    };

    explicit RecordingVisitor(QByteArrayView page) : m_page(page) {}

    void sample(const bw::SampleView &sample) override
    {
        Seen seen;
        seen.name = sample.name.toByteArray();
        for (const bw::LabelView &label : sample.labels) {
            seen.labels.append({label.name.toByteArray(), label.value.toByteArray()});
            seen.valueInPage.append(label.value.data() >= m_page.data() &&
                                    label.value.data() + label.value.size() <= m_page.data() + m_page.size());
        }
        seen.value = sample.value;
        seen.timestampMs = sample.timestampMs;
        seen.line = sample.line;
        samples.append(seen);
    }
    void help(QByteArrayView family, QByteArrayView text) override
    {
        events.append("HELP " + family.toByteArray() + ' ' + text.toByteArray());
    }
    void type(QByteArrayView family, MetricType type) override
    {
        events.append("TYPE " + family.toByteArray() + ' ' + QByteArray::number(int(type)));
    }
    void unit(QByteArrayView family, QByteArrayView unit) override
    {
        events.append("UNIT " + family.toByteArray() + ' ' + unit.toByteArray());
    }

    QList<Seen> samples;
    QByteArrayList events;

private:
    QByteArrayView m_page;
};

} // namespace

class TestExposition final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void conformanceSuiteIsComplete();
    void conformance_data();
    void conformance();
    void conformanceSamples_data();
    void conformanceSamples();
    void conformanceMetadata();

    void trickyInputs_data();
    void trickyInputs();
    void matchesPrometheus_data();
    void matchesPrometheus();
    void errorsNameTheLine_data();
    void errorsNameTheLine();
    void openMetricsTimestamps_data();
    void openMetricsTimestamps();
    void hugeSingleLine_data();
    void hugeSingleLine();

    void formatDetection_data();
    void formatDetection();
    void metadataInPrometheusText();
    void labelsKeepWrittenOrder();
    void visitorGetsViewsIntoThePage();
    void dumpLine_data();
    void dumpLine();
    void dumpLineRoundTrips_data();
    void dumpLineRoundTrips();
    void realPages_data();
    void realPages();
    void stringsOutliveTheirPage();
};

// ---- OpenMetrics conformance suite (prometheus/OpenMetrics tests/testdata/parsers) ----

void TestExposition::conformanceSuiteIsComplete()
{
    const QStringList cases = QDir(kConformanceDir).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    const auto bad =
        std::count_if(cases.cbegin(), cases.cend(), [](const QString &c) { return c.startsWith(u"bad_"); });
    QCOMPARE(cases.size(), 211);
    QCOMPARE(bad, 167);
}

void TestExposition::conformance_data()
{
    QTest::addColumn<QByteArray>("page");
    QTest::addColumn<bool>("shouldParse");
    const QStringList cases = QDir(kConformanceDir).entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    QVERIFY(!cases.isEmpty());
    for (const QString &name : cases) {
        const QJsonObject test = QJsonDocument::fromJson(readFile(kConformanceDir + name + u"/test.json")).object();
        QVERIFY2(test.contains(u"shouldParse"), qPrintable(name));
        QCOMPARE(test.value(u"shouldParse").toBool(), !name.startsWith(u"bad_"));
        QTest::newRow(qPrintable(name)) << readFile(kConformanceDir + name + u"/metrics")
                                        << test.value(u"shouldParse").toBool();
    }
}

void TestExposition::conformance()
{
    QFETCH(QByteArray, page);
    QFETCH(bool, shouldParse);
    const auto parsed = parseAs(page, true);
    if (shouldParse) {
        QVERIFY2(parsed.ok(), qPrintable(parsed.ok() ? QString() : parsed.error()));
        // Good pages end with "# EOF": Auto must pick OpenMetrics for them.
        QCOMPARE(ExpositionParser::resolveFormat(page, {}), ExpositionFormat::OpenMetrics);
        QVERIFY(ExpositionParser::parse(page).ok());
    } else {
        QVERIFY2(!parsed.ok(), parsed.ok() ? dump(*parsed).constData() : "");
        QVERIFY2(parsed.error().startsWith(u"line "), qPrintable(parsed.error()));
    }
}

void TestExposition::conformanceSamples_data()
{
    QTest::addColumn<QString>("caseName");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("escaping") << u"escaping"_s
                              << QByteArray("a_total{foo=\"b\\\"a\\nr\"} 1\n"
                                            "a_total{foo=\"b\\\\a\\\\z\"} 2\n"
                                            "a_total{foo=\"b\\\"a\\nr # \"} 3\n"
                                            "a_total{foo=\"b\\\\a\\\\z # \"} 4");
    QTest::newRow("timestamps") << u"timestamps"_s
                                << QByteArray("a_total{foo=\"1\"} 1 0\n"
                                              "a_total{foo=\"2\"} 1 0\n"
                                              "a_total{foo=\"3\"} 1 1100\n"
                                              "a_total{foo=\"4\"} 1 9223372036854775807\n"
                                              "a_total{foo=\"5\"} 1 1500000\n"
                                              "b_total 2 1234567890000");
    QTest::newRow("uint64_counter") << u"uint64_counter"_s << QByteArray("a_total 9223372036854775808");
    QTest::newRow("labels_and_infinite") << u"labels_and_infinite"_s
                                         << QByteArray("a{foo=\"bar\"} +Inf\na{foo=\"baz\"} -Inf");
    QTest::newRow("nan") << u"nan"_s << QByteArray("a NaN");
    QTest::newRow("leading_zeros_float_gauge") << u"leading_zeros_float_gauge"_s << QByteArray("a 0.12");
    QTest::newRow("exemplars_with_hash_in_label_values") << u"exemplars_with_hash_in_label_values"_s
                                                         << QByteArray("a_bucket{foo=\"bar # \",le=\"1.0\"} 0\n"
                                                                       "a_bucket{foo=\"bar # \",le=\"2.0\"} 2\n"
                                                                       "a_bucket{foo=\"bar # \",le=\"+Inf\"} 3");
    QTest::newRow("hash_in_label_value") << u"hash_in_label_value"_s
                                         << QByteArray("a_total{foo=\"foo # bar\"} 1\n"
                                                       "a_total{foo=\"} foo # bar # \"} 1");
    QTest::newRow("labels_with_curly_braces")
        << u"labels_with_curly_braces"_s << QByteArray("a_total{bar=\"b{a}z\",foo=\"bar\"} 1");
    QTest::newRow("duplicate_timestamps_1")
        << u"duplicate_timestamps_1"_s
        << QByteArray("a{a=\"1\",foo=\"bar\"} 1 0\na{a=\"1\",foo=\"bar\"} 2 0\na{a=\"1\",foo=\"bar\"} 3 0\n"
                      "a{a=\"2\",foo=\"bar\"} 4 0\na{a=\"2\",foo=\"bar\"} 5 0");
    QTest::newRow("gaugehistogram_exemplars")
        << u"gaugehistogram_exemplars"_s
        << QByteArray("a_bucket{le=\"1.0\"} 0 123000\na_bucket{le=\"2.0\"} 2 123000\na_bucket{le=\"+Inf\"} 3 123000");
    QTest::newRow("null_byte") << u"null_byte"_s << QByteArray();
}

void TestExposition::conformanceSamples()
{
    QFETCH(QString, caseName);
    QFETCH(QByteArray, expected);
    const auto parsed = parseAs(readFile(kConformanceDir + caseName + u"/metrics"), true);
    QVERIFY2(parsed.ok(), qPrintable(parsed.ok() ? QString() : parsed.error()));
    QCOMPARE(parsed->format, ExpositionFormat::OpenMetrics);
    QCOMPARE(dump(*parsed), expected);
}

void TestExposition::conformanceMetadata()
{
    auto families = [](const QString &caseName) {
        const auto parsed = parseAs(readFile(kConformanceDir + caseName + u"/metrics"), true);
        return parsed.ok() ? parsed->families : std::vector<bw::MetricFamilyInfo>{};
    };
    // OpenMetrics HELP escapes: \\, \n, \"; anything else stays.
    const auto escaping = families(u"escaping"_s);
    QCOMPARE(escaping.size(), 1U);
    QCOMPARE(escaping[0].help, QByteArray("he\n\\l\\tp"));
    QCOMPARE(escaping[0].type, MetricType::Counter);

    const auto help = families(u"help_escaping"_s);
    QCOMPARE(help.size(), 10U);
    const QByteArrayList expected = {"foo", "\\foo", "\\foo", "foo\\", "\\", "\n", "\\n", "\\\n", "\"", "\\\""};
    for (std::size_t i = 0; i < help.size(); ++i) {
        QCOMPARE(help[i].name, "a" + QByteArray::number(qulonglong(i)));
        QCOMPARE(help[i].help, expected[qsizetype(i)]);
    }

    const auto unit = families(u"counter_unit"_s);
    QCOMPARE(unit.size(), 1U);
    QCOMPARE(unit[0].name, QByteArray("cc_seconds"));
    QCOMPARE(unit[0].unit, QByteArray("seconds"));
    QCOMPARE(unit[0].help, QByteArray("A counter"));
    QCOMPARE(unit[0].type, MetricType::Counter);

    const auto nul = families(u"null_byte"_s);
    QCOMPARE(nul.size(), 1U);
    QCOMPARE(nul[0].help, QByteArray("he\0lp", 5));

    const auto types = families(u"untyped"_s);
    QCOMPARE(types.size(), 1U);
    QCOMPARE(types[0].type, MetricType::Unknown);
}

// ---- The tricky inputs of formats.md, in both formats ----

void TestExposition::trickyInputs_data()
{
    QTest::addColumn<bool>("openMetrics");
    QTest::addColumn<QByteArray>("page");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<QByteArray>("expected");

    // No trailing newline.
    addBoth("no trailing newline", "a 1\nb{c=\"d\"} 2 7", true, "a 1\nb{c=\"d\"} 2 7", false, "");
    QTest::newRow("no newline after # EOF [om]") << true << QByteArray("a 1\n# EOF") << true << QByteArray("a 1");
    QTest::newRow("no # EOF [om]") << true << QByteArray("a 1") << false << QByteArray("line 1: missing # EOF");
    QTest::newRow("empty page [prom]") << false << QByteArray() << true << QByteArray();
    QTest::newRow("empty page [om]") << true << QByteArray() << false << QByteArray("missing # EOF");
    QTest::newRow("only # EOF [om]") << true << QByteArray("# EOF\n") << true << QByteArray();

    // Quotes.
    addBoth("single-quoted label value", "a{b='c'} 1\n", false, "line 1: label value not in double quotes", false,
            "line 1: label value not in double quotes");
    addBoth("unquoted label value", "a{b=c} 1\n", false, "expected a quoted label value", false,
            "expected a quoted label value");

    // Metric names.
    addBoth("missing metric name", "{b=\"c\"} 1\n", false, "line 1: missing metric name", false,
            "line 1: missing metric name");
    addBoth("name starting with a digit", "0a 1\n", false, "invalid metric name", false, "invalid metric name");
    addBoth("leading whitespace", "  a 1\n", false, "whitespace before the metric name", false, "invalid metric name");
    addBoth("colon in name", "a:b:c 1\n", true, "a:b:c 1", true, "a:b:c 1");

    // Commas: a trailing comma (and even a missing one) is fine for Prometheus, not for OpenMetrics.
    addBoth("trailing comma in labels", "a{b=\"c\",} 1\n", true, "a{b=\"c\"} 1", false, "trailing comma");
    addBoth("whitespace inside braces", "a { b = \"c\" , d=\"e\" , } 1\n", true, "a{b=\"c\",d=\"e\"} 1", false,
            "invalid value \"{\"");
    addBoth("missing comma between labels", "a{b=\"c\"d=\"e\"} 1\n", true, "a{b=\"c\",d=\"e\"} 1", false,
            "expected ',' or '}'");
    addBoth("double comma", "a{b=\"c\",,d=\"e\"} 1\n", false, "unexpected ','", false, "unexpected ','");
    addBoth("only a comma", "a{,} 1\n", false, "unexpected ','", false, "unexpected ','");
    addBoth("empty braces", "a{} 1\n", true, "a 1", true, "a 1");
    addBoth("duplicate label name", "a{b=\"1\",b=\"2\"} 1\n", false, "duplicate label name \"b\"", false,
            "duplicate label name \"b\"");
    addBoth("__name__ label", "a{__name__=\"b\"} 1\n", false, "__name__", false, "__name__");

    // Escapes: \\, \", \n are escapes; any other \x is kept as written (both real parsers do so).
    addBoth("known escapes", "a{b=\"x\\\\y\\\"z\\n\"} 1\n", true, "a{b=\"x\\\\y\\\"z\\n\"} 1", true,
            "a{b=\"x\\\\y\\\"z\\n\"} 1");
    addBoth("unknown escape kept", "a{b=\"x\\z\"} 1\n", true, "a{b=\"x\\\\z\"} 1", true, "a{b=\"x\\\\z\"} 1");
    addBoth("backslash at end of line", "a{b=\"x\\\n\"} 1\n", false, "line 1: invalid label value escape", false,
            "line 1: invalid label value escape");
    addBoth("escaped closing quote", "a{b=\"x\\\"} 1\n", false, "unterminated label value", false,
            "unterminated label value");

    // UTF-8.
    addBoth("valid UTF-8", "a{b=\"\xc3\xa9\xe2\x98\x83\xf0\x9f\x98\x80\"} 1\n", true,
            "a{b=\"\xc3\xa9\xe2\x98\x83\xf0\x9f\x98\x80\"} 1", true, "a{b=\"\xc3\xa9\xe2\x98\x83\xf0\x9f\x98\x80\"} 1");
    addBoth("invalid UTF-8 in label value", "a{b=\"\xff\"} 1\n", false, "invalid UTF-8 in label value", false,
            "invalid UTF-8 in label value");
    addBoth("overlong UTF-8", "a{b=\"\xc0\xaf\"} 1\n", false, "invalid UTF-8", false, "invalid UTF-8");
    addBoth("UTF-8 surrogate", "a{b=\"\xed\xa0\x80\"} 1\n", false, "invalid UTF-8", false, "invalid UTF-8");
    addBoth("truncated UTF-8", "a{b=\"\xe2\x98\"} 1\n", false, "invalid UTF-8", false, "invalid UTF-8");
    addBoth("invalid UTF-8 after a backslash", "a{b=\"x\\\xb7y\"} 1\n", false, "invalid UTF-8 in label value", false,
            "invalid UTF-8 in label value");
    addBoth("escaped multi-byte character", "a{b=\"\\\xc3\xa9\"} 1\n", true, "a{b=\"\\\\\xc3\xa9\"} 1", true,
            "a{b=\"\\\\\xc3\xa9\"} 1");
    addBoth("invalid UTF-8 in HELP", "# HELP a x\xc3\x28y\na 1\n", false, "invalid UTF-8 in HELP text", false,
            "invalid UTF-8 in HELP text");
    QTest::newRow("invalid UTF-8 in a comment [prom]")
        << false << QByteArray("# just \xff a comment\na 1\n") << true << QByteArray("a 1");

    // NUL bytes: fine inside label values and HELP text, nowhere else.
    addBoth("NUL in label value", QByteArray("a{b=\"x\0y\"} 1\n", 13), true, QByteArray("a{b=\"x\0y\"} 1", 12), true,
            QByteArray("a{b=\"x\0y\"} 1", 12));
    addBoth("NUL in HELP", QByteArray("# HELP a x\0y\na 1\n", 17), true, "a 1", true, "a 1");
    addBoth("NUL in metric name", QByteArray("a\0b 1\n", 6), false, "invalid value", false, "line 1:");
    addBoth("NUL starting a line", QByteArray("a 1\n\0b 2\n", 9), false, "line 2: unexpected NUL byte", false,
            "line 2: invalid metric name");

    // Values.
    addBoth("value 1_2", "a 1_2\n", false, "line 1: invalid value \"1_2\"", false, "line 1: invalid value \"1_2\"");
    addBoth("value 0x1p-3", "a 0x1p-3\n", false, "invalid value", false, "invalid value");
    addBoth("value 0x1", "a 0x1\n", false, "invalid value", false, "invalid value");
    addBoth("value true", "a true\n", false, "invalid value \"true\"", false, "invalid value \"true\"");
    addBoth("value +nan", "a +nan\n", false, "invalid value", false, "invalid value");
    addBoth("value too large", "a 1e400\n", false, "invalid value", false, "invalid value");
    addBoth("value too small is zero", "a 1e-400\n", true, "a 0", true, "a 0");
    addBoth("value forms", "a NaN\nb nan\nc +Inf\nd -inf\ne Infinity\nf .5\ng 5.\nh 1E3\ni -1e-3\nj +7\n", true,
            "a NaN\nb NaN\nc +Inf\nd -Inf\ne +Inf\nf 0.5\ng 5\nh 1000\ni -0.001\nj 7", true,
            "a NaN\nb NaN\nc +Inf\nd -Inf\ne +Inf\nf 0.5\ng 5\nh 1000\ni -0.001\nj 7");
    addBoth("missing value", "a\n", false, "missing value", false, "missing value");
    addBoth("missing value after labels", "a{b=\"c\"}\n", false, "missing value", false, "missing value");
    addBoth("value glued to the labels", "a{b=\"c\"}1\n", true, "a{b=\"c\"} 1", false, "expected one space");
    addBoth("tab separators", "a\t1\t2\n", true, "a 1 2", false, "expected one space before the value");
    addBoth("trailing space", "a 1 \n", true, "a 1", false, "trailing space after the value");
    addBoth("two spaces before the value", "a  1\n", true, "a 1", false, "more than one space");

    // Timestamps: Prometheus text wants unsigned integer ms, OpenMetrics a real number of seconds.
    addBoth("integer timestamp", "a 1 1700000000123\n", true, "a 1 1700000000123", true, "a 1 1700000000123000");
    addBoth("timestamp with leading zeros", "a 1 0005\n", true, "a 1 5", true, "a 1 5000");
    addBoth("fractional timestamp", "a 1 1.5\n", false, "unexpected text after the timestamp", true, "a 1 1500");
    addBoth("exponent timestamp", "a 1 1.5e3\n", false, "unexpected text after the timestamp", true, "a 1 1500000");
    addBoth("negative timestamp", "a 1 -5\n", false, "invalid timestamp", true, "a 1 -5000");
    addBoth("timestamp out of int64", "a 1 99999999999999999999\n", false, "timestamp out of range", true,
            "a 1 9223372036854775807");
    addBoth("timestamp z", "a 1 z\n", false, "invalid timestamp", false, "invalid timestamp");
    addBoth("timestamp 1_2", "a 1 1_2\n", false, "unexpected text after the timestamp", false, "invalid timestamp");
    addBoth("timestamp NaN", "a 1 NaN\n", false, "invalid timestamp", false, "invalid timestamp");
    addBoth("timestamp Inf", "a 1 +Inf\n", false, "invalid timestamp", false, "invalid timestamp");
    addBoth("timestamp 1.1.1", "a 1 1.1.1\n", false, "unexpected text after the timestamp", false, "invalid timestamp");
    addBoth("three numbers", "a 1 2 3\n", false, "unexpected text after the timestamp", false,
            "unexpected text after the timestamp");

    // Metadata.
    addBoth("repeated HELP", "# HELP a x\n# HELP a y\na 1\n", true, "a 1", false, "line 2: second HELP for \"a\"");
    addBoth("repeated TYPE", "# TYPE a gauge\n# TYPE a counter\na_total 1\n", true, "a_total 1", false,
            "line 2: second TYPE for \"a\"");
    addBoth("TYPE after samples", "a 1\n# TYPE a gauge\n", true, "a 1", false,
            "line 2: metadata for \"a\" after its samples");
    addBoth("family split in two", "a 1\nb 1\na 2\n", true, "a 1\nb 1\na 2", false, "line 3: metric family \"a\"");
    addBoth("TYPE with trailing space", "# TYPE a gauge \na 1\n", false, "invalid metric type \"gauge \"", false,
            "invalid metric type \"gauge \"");
    addBoth("TYPE info", "# TYPE a info\na_info 1\n", false, "invalid metric type \"info\"", true, "a_info 1");
    addBoth("TYPE untyped", "# TYPE a untyped\na 1\n", true, "a 1", false, "invalid metric type \"untyped\"");
    addBoth("HELP without text", "# HELP a\na 1\n", true, "a 1", false, "expected one space and the text");
    addBoth("other comments", "# hello\n#HELP a x\na 1\n", true, "a 1", false, "only # HELP, # TYPE, # UNIT");
    addBoth("blank line", "a 1\n\n  \nb 2\n", true, "a 1\nb 2", false, "line 2: empty line");
    addBoth("# EOF then more", "a 1\n# EOF\nb 2\n", true, "a 1\nb 2", false, "line 3: text after # EOF");

    // '#' and braces inside label values are just characters.
    addBoth("# and {} in label values", "a{b=\"# {x} }\",c=\" # {} 1\"} 1\n", true, "a{b=\"# {x} }\",c=\" # {} 1\"} 1",
            true, "a{b=\"# {x} }\",c=\" # {} 1\"} 1");
    addBoth("exemplar", "# TYPE a counter\na_total 1 # {id=\"x\"} 0.5 12\n", false, "invalid timestamp", true,
            "a_total 1");

    // Histograms: Prometheus text does not check them, OpenMetrics does.
    addBoth("histogram without +Inf", "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_count 1\nh_sum 1\n", true,
            "h_bucket{le=\"1\"} 1\nh_count 1\nh_sum 1", false, "line 4: histogram without a le=\"+Inf\" bucket");
    addBoth("histogram", "# TYPE h histogram\nh_bucket{le=\"0.5\"} 1\nh_bucket{le=\"+Inf\"} 3\nh_count 3\nh_sum 2\n",
            true, "h_bucket{le=\"0.5\"} 1\nh_bucket{le=\"+Inf\"} 3\nh_count 3\nh_sum 2", true,
            "h_bucket{le=\"0.5\"} 1\nh_bucket{le=\"+Inf\"} 3\nh_count 3\nh_sum 2");
    addBoth("summary", "# TYPE s summary\ns{quantile=\"0.5\"} 1\ns_sum 3\ns_count 2\n", true,
            "s{quantile=\"0.5\"} 1\ns_sum 3\ns_count 2", true, "s{quantile=\"0.5\"} 1\ns_sum 3\ns_count 2");
    QTest::newRow("stateset and info [om]")
        << true
        << QByteArray("# TYPE s stateset\ns{s=\"a\"} 1\ns{s=\"b\"} 0\n# TYPE i info\ni_info{v=\"1\"} 1\n# EOF\n")
        << true << QByteArray("s{s=\"a\"} 1\ns{s=\"b\"} 0\ni_info{v=\"1\"} 1");

    // CRLF: Prometheus fails such scrapes (the CR ends up in the value), and so do we, with a clear message.
    addBoth("CRLF line endings", "# TYPE a gauge\r\na 1\r\n", false, "line 1: carriage return", false,
            "line 1: carriage return");
    addBoth("CRLF after a sample", "a 1\r\n", false, "line 1: carriage return", false, "line 1: carriage return");
    addBoth("CRLF after a timestamp", "a 1 5\r\n", false, "line 1: carriage return", false, "line 1: carriage return");
    QTest::newRow("CRLF only in a comment [prom]") << false << QByteArray("# hi\r\na 1\n") << true << QByteArray("a 1");

    // Duplicated series are kept as written (Prometheus counts them as duplicates, the scrape succeeds).
    addBoth("duplicated series", "a{b=\"c\"} 1\na{b=\"c\"} 2\n", true, "a{b=\"c\"} 1\na{b=\"c\"} 2", true,
            "a{b=\"c\"} 1\na{b=\"c\"} 2");

    // uint64 counters parse as doubles.
    addBoth("uint64 counter", "# TYPE a counter\na_total 9223372036854775808\n", true, "a_total 9223372036854775808",
            true, "a_total 9223372036854775808");
    addBoth("uint64 max", "a_total 18446744073709551615\n", true, "a_total 18446744073709551616", true,
            "a_total 18446744073709551616");
}

void TestExposition::trickyInputs()
{
    QFETCH(bool, openMetrics);
    QFETCH(QByteArray, page);
    QFETCH(bool, ok);
    QFETCH(QByteArray, expected);
    const auto parsed = parseAs(page, openMetrics);
    if (ok) {
        QVERIFY2(parsed.ok(), qPrintable(parsed.ok() ? QString() : parsed.error()));
        QCOMPARE(dump(*parsed), expected);
    } else {
        QVERIFY2(!parsed.ok(), parsed.ok() ? dump(*parsed).constData() : "");
        QVERIFY2(parsed.error().contains(QString::fromUtf8(expected)), qPrintable(parsed.error()));
        QVERIFY2(parsed.error().startsWith(u"line "), qPrintable(parsed.error()));
    }
}

// ---- Prometheus text pages served to a real Prometheus 2.42 server; "up" as it reported ----

void TestExposition::matchesPrometheus_data()
{
    QTest::addColumn<QByteArray>("page");
    QTest::addColumn<bool>("prometheusUp");
    QTest::addColumn<QByteArray>("expected"); // our dump when accepted

    QTest::newRow("crlf") << QByteArray("# HELP a x\r\n# TYPE a gauge\r\na 1\r\n") << false << QByteArray();
    QTest::newRow("crlf_sample") << QByteArray("a 1\r\n") << false << QByteArray();
    QTest::newRow("crlf_comment_only") << QByteArray("# hello\r\na 1\n") << true << QByteArray("a 1");
    QTest::newRow("dup_label") << QByteArray("a{b=\"1\",b=\"2\"} 1\n") << false << QByteArray();
    QTest::newRow("name_label") << QByteArray("a{__name__=\"b\"} 1\n") << false << QByteArray();
    QTest::newRow("trailing_comma") << QByteArray("a{b=\"1\",} 1\n") << true << QByteArray("a{b=\"1\"} 1");
    QTest::newRow("no_comma") << QByteArray("a{b=\"1\"c=\"2\"} 1\n") << true << QByteArray("a{b=\"1\",c=\"2\"} 1");
    QTest::newRow("ws_in_labels") << QByteArray("a { b = \"1\" , } 1\n") << true << QByteArray("a{b=\"1\"} 1");
    QTest::newRow("minus_after_name") << QByteArray("a-1\n") << true << QByteArray("a -1");
    QTest::newRow("dot_after_name") << QByteArray("a.5 1\n") << true << QByteArray("a 0.5 1");
    QTest::newRow("type_trailing_space") << QByteArray("# TYPE a counter \na 1\n") << false << QByteArray();
    QTest::newRow("type_two_spaces") << QByteArray("# TYPE a  counter\na 1\n") << false << QByteArray();
    QTest::newRow("help_no_text") << QByteArray("# HELP a\na 1\n") << true << QByteArray("a 1");
    QTest::newRow("help_ws_only") << QByteArray("# HELP a   \na 1\n") << true << QByteArray("a 1");
    QTest::newRow("nul_in_lvalue") << QByteArray("a{b=\"x\0y\"} 1\n", 13) << true << QByteArray("a{b=\"x\0y\"} 1", 12);
    QTest::newRow("nul_in_help") << QByteArray("# HELP a x\0y\na 1\n", 17) << true << QByteArray("a 1");
    QTest::newRow("nul_in_name") << QByteArray("a\0b 1\n", 6) << false << QByteArray();
    QTest::newRow("bad_utf8_label") << QByteArray("a{b=\"\xff\"} 1\n") << false << QByteArray();
    QTest::newRow("bad_utf8_help") << QByteArray("# HELP a \xff\na 1\n") << false << QByteArray();
    QTest::newRow("bad_utf8_comment") << QByteArray("# hi \xff\na 1\n") << true << QByteArray("a 1");
    QTest::newRow("ts_negative") << QByteArray("a 1 -5\n") << false << QByteArray();
    QTest::newRow("ts_float") << QByteArray("a 1 1.5\n") << false << QByteArray();
    QTest::newRow("ts_overflow") << QByteArray("a 1 99999999999999999999\n") << false << QByteArray();
    QTest::newRow("ts_leading_zero") << QByteArray("a 1 0005\n") << true << QByteArray("a 1 5");
    QTest::newRow("v_hex") << QByteArray("a 0x1\n") << false << QByteArray();
    QTest::newRow("v_hexp") << QByteArray("a 0x1p-3\n") << false << QByteArray();
    QTest::newRow("v_underscore") << QByteArray("a 1_2\n") << false << QByteArray();
    QTest::newRow("v_true") << QByteArray("a true\n") << false << QByteArray();
    QTest::newRow("v_infinity") << QByteArray("a Infinity\n") << true << QByteArray("a +Inf");
    QTest::newRow("v_plusnan") << QByteArray("a +nan\n") << false << QByteArray();
    QTest::newRow("v_big") << QByteArray("a 1e400\n") << false << QByteArray();
    QTest::newRow("v_tiny") << QByteArray("a 1e-400\n") << true << QByteArray("a 0");
    QTest::newRow("v_dot") << QByteArray("a .5\n") << true << QByteArray("a 0.5");
    QTest::newRow("v_dot2") << QByteArray("a 5.\n") << true << QByteArray("a 5");
    QTest::newRow("esc_z") << QByteArray("a{b=\"\\z\"} 1\n") << true << QByteArray("a{b=\"\\\\z\"} 1");
    QTest::newRow("dup_series") << QByteArray("a 1\na 2\n") << true << QByteArray("a 1\na 2");
    QTest::newRow("type_after_samples") << QByteArray("a 1\n# TYPE a gauge\n") << true << QByteArray("a 1");
    QTest::newRow("type_conflict") << QByteArray("# TYPE a gauge\n# TYPE a counter\na 1\n") << true
                                   << QByteArray("a 1");
    QTest::newRow("type_info") << QByteArray("# TYPE a info\na 1\n") << false << QByteArray();
    QTest::newRow("type_unknown") << QByteArray("# TYPE a unknown\na 1\n") << false << QByteArray();
    QTest::newRow("empty_page") << QByteArray() << true << QByteArray();
    QTest::newRow("empty_braces") << QByteArray("a{} 1\n") << true << QByteArray("a 1");
    QTest::newRow("three_fields") << QByteArray("a 1 2 3\n") << false << QByteArray();
    QTest::newRow("trailing_space") << QByteArray("a 1 \n") << true << QByteArray("a 1");
    QTest::newRow("tab_sep") << QByteArray("a\t1\t2\n") << true << QByteArray("a 1 2");
    QTest::newRow("leading_ws") << QByteArray("   a 1\n") << false << QByteArray();
    QTest::newRow("uint64") << QByteArray("a 9223372036854775808\n") << true << QByteArray("a 9223372036854775808");
    QTest::newRow("no_space_after_brace") << QByteArray("a{b=\"c\"}1\n") << true << QByteArray("a{b=\"c\"} 1");
    QTest::newRow("missing_name") << QByteArray("{b=\"c\"} 1\n") << false << QByteArray();
    QTest::newRow("single_quote") << QByteArray("a{b='c'} 1\n") << false << QByteArray();
    QTest::newRow("multiline_lvalue") << QByteArray("a{b=\"x\ny\"} 1\n") << true << QByteArray("a{b=\"x\\ny\"} 1");
    QTest::newRow("double_comma") << QByteArray("a{b=\"1\",,c=\"2\"} 1\n") << false << QByteArray();
    QTest::newRow("hash_in_value") << QByteArray("a{b=\"#{}\"} 1\n") << true << QByteArray("a{b=\"#{}\"} 1");
    QTest::newRow("comment_then_eof") << QByteArray("a 1\n# EOF\n") << true << QByteArray("a 1");
    QTest::newRow("hash_nospace_help") << QByteArray("#HELP a x\na 1\n") << true << QByteArray("a 1");
    QTest::newRow("help_dot_name") << QByteArray("# HELP a.b x\na 1\n") << true << QByteArray("a 1");
    QTest::newRow("value_with_hash") << QByteArray("a 1#x\n") << false << QByteArray();
    QTest::newRow("colon_label") << QByteArray("a{b:c=\"1\"} 1\n") << false << QByteArray();
    QTest::newRow("no_newline") << QByteArray("a 1") << true << QByteArray("a 1");
    QTest::newRow("label_after_value") << QByteArray("a 1 {b=\"c\"}\n") << false << QByteArray();
    QTest::newRow("brace_twice") << QByteArray("a{b=\"c\"}{d=\"e\"} 1\n") << false << QByteArray();
    QTest::newRow("lone_backslash_end") << QByteArray("a{b=\"c\\\"} 1\n") << false << QByteArray();
    // Deliberate difference: Prometheus stops reading at a NUL that starts a line and keeps what it read
    // (up, 1 sample); we reject the page rather than silently drop the rest of it.
    QTest::newRow("nul_line_start (deviation)") << QByteArray("a 1\n\0b 2\nc 3\n", 13) << false << QByteArray();
}

void TestExposition::matchesPrometheus()
{
    QFETCH(QByteArray, page);
    QFETCH(bool, prometheusUp);
    QFETCH(QByteArray, expected);
    const auto parsed = parseAs(page, false);
    QVERIFY2(parsed.ok() == prometheusUp, qPrintable(parsed.ok() ? QString::fromUtf8(dump(*parsed)) : parsed.error()));
    if (parsed.ok())
        QCOMPARE(dump(*parsed), expected);
}

void TestExposition::errorsNameTheLine_data()
{
    QTest::addColumn<bool>("openMetrics");
    QTest::addColumn<QByteArray>("page");
    QTest::addColumn<QString>("error");
    QByteArray eleven;
    for (int i = 0; i < 11; ++i)
        eleven += "m" + QByteArray::number(i) + " " + QByteArray::number(i) + "\n";
    QTest::newRow("escape [prom]") << false << eleven + "x{a=\"b\\" << u"line 12: invalid label value escape"_s;
    QTest::newRow("escape [om]") << true << eleven + "x{a=\"b\\\n# EOF\n" << u"line 12: invalid label value escape"_s;
    QTest::newRow("value [prom]") << false << eleven + "x 1_000\n" << u"line 12: invalid value \"1_000\""_s;
    QTest::newRow("after blank lines [prom]") << false << QByteArray("\n\n\n\nx 1 y\n")
                                              << u"line 5: invalid timestamp (expected integer milliseconds) \"y\""_s;
    QTest::newRow("multi-line value [prom]")
        << false << QByteArray("a 1\nb{c=\"x\ny\nz") << u"line 2: unterminated label value"_s;
    QTest::newRow("after multi-line value [prom]")
        << false << QByteArray("b{c=\"x\ny\"} 1\nz 1 2 3\n") << u"line 3: unexpected text after the timestamp \"3\""_s;
    QTest::newRow("histogram [om]") << true
                                    << eleven +
                                           "# TYPE h histogram\nh_bucket{le=\"2\"} 1\nh_bucket{le=\"1\"} 1\n# EOF\n"
                                    << u"line 14: histogram buckets out of order (le must increase)"_s;
}

void TestExposition::errorsNameTheLine()
{
    QFETCH(bool, openMetrics);
    QFETCH(QByteArray, page);
    QFETCH(QString, error);
    const auto parsed = parseAs(page, openMetrics);
    QVERIFY(!parsed.ok());
    QCOMPARE(parsed.error(), error);
}

void TestExposition::openMetricsTimestamps_data()
{
    QTest::addColumn<QByteArray>("timestamp");
    QTest::addColumn<qint64>("ms");
    QTest::newRow("integer") << QByteArray("1700000000") << qint64(1'700'000'000'000);
    QTest::newRow("fraction") << QByteArray("1700000000.123") << qint64(1'700'000'000'123);
    QTest::newRow("sub-ms truncated") << QByteArray("1.0009") << qint64(1000);
    QTest::newRow("negative sub-ms truncated toward zero") << QByteArray("-1.0009") << qint64(-1000);
    QTest::newRow("exact where double*1000 is not") << QByteArray("1.005") << qint64(1005);
    QTest::newRow("exponent") << QByteArray("1.5e3") << qint64(1'500'000);
    QTest::newRow("negative exponent") << QByteArray("15e-4") << qint64(1);
    QTest::newRow("leading dot") << QByteArray(".5") << qint64(500);
    QTest::newRow("trailing dot") << QByteArray("5.") << qint64(5000);
    QTest::newRow("tiny") << QByteArray("0.0000000001") << qint64(0);
    QTest::newRow("huge saturates") << QByteArray("12345678901234567890.5") << std::numeric_limits<qint64>::max();
    QTest::newRow("huge negative saturates") << QByteArray("-1e300") << std::numeric_limits<qint64>::min();
    QTest::newRow("many leading zeros") << QByteArray("0000000000000000000000000000001") << qint64(1000);
}

void TestExposition::openMetricsTimestamps()
{
    QFETCH(QByteArray, timestamp);
    QFETCH(qint64, ms);
    const auto parsed = parseAs("a 1 " + timestamp + "\n# EOF\n", true);
    QVERIFY2(parsed.ok(), qPrintable(parsed.ok() ? QString() : parsed.error()));
    QCOMPARE(parsed->samples.size(), 1U);
    QCOMPARE(parsed->samples[0].timestampMs, std::optional<std::int64_t>(ms));
}

// ---- A 10 MB single line must neither crash nor take long ----

void TestExposition::hugeSingleLine_data()
{
    constexpr qsizetype size = 10 * 1024 * 1024;
    QTest::addColumn<bool>("openMetrics");
    QTest::addColumn<QByteArray>("page");
    QTest::addColumn<bool>("ok");

    const QByteArray bigValue = "a{b=\"" + QByteArray(size, 'x') + "\"} 1\n";
    QTest::newRow("10 MB label value [prom]") << false << bigValue << true;
    QTest::newRow("10 MB label value [om]") << true << bigValue + "# EOF\n" << true;
    const QByteArray bigName = QByteArray(size, 'a') + " 1\n";
    QTest::newRow("10 MB metric name [prom]") << false << bigName << true;
    QTest::newRow("10 MB metric name [om]") << true << bigName + "# EOF\n" << true;
    QByteArray manyLabels = "a{";
    for (int i = 0; manyLabels.size() < size; ++i)
        manyLabels += "l" + QByteArray::number(i) + "=\"v\",";
    manyLabels.chop(1);
    manyLabels += "} 1\n";
    QTest::newRow("many labels [prom]") << false << manyLabels << true;
    QTest::newRow("many labels [om]") << true << manyLabels + "# EOF\n" << true;
    QByteArray duplicate = manyLabels;
    duplicate.replace("} 1\n", ",l7=\"w\"} 1\n");
    QTest::newRow("many labels, one duplicate [prom]") << false << duplicate << false;
    QTest::newRow("many labels, one duplicate [om]") << true << duplicate + "# EOF\n" << false;
    const QByteArray bigNumber = "a " + QByteArray(size, '7') + "\n";
    QTest::newRow("10 MB value [prom]") << false << bigNumber << false;
    QTest::newRow("10 MB value [om]") << true << bigNumber + "# EOF\n" << false;
    const QByteArray unterminated = "a{b=\"" + QByteArray(size, 'x');
    QTest::newRow("unterminated 10 MB value [prom]") << false << unterminated << false;
    QTest::newRow("unterminated 10 MB value [om]") << true << unterminated << false;
    const QByteArray help = "# HELP a " + QByteArray(size, '\\') + "\na 1\n";
    QTest::newRow("10 MB HELP of backslashes [prom]") << false << help << true;
    QTest::newRow("10 MB HELP of backslashes [om]") << true << help + "# EOF\n" << true;
    QTest::newRow("10 MB of garbage [prom]") << false << QByteArray(size, '~') << false;
    QTest::newRow("10 MB of garbage [om]") << true << QByteArray(size, '~') << false;
}

void TestExposition::hugeSingleLine()
{
    QFETCH(bool, openMetrics);
    QFETCH(QByteArray, page);
    QFETCH(bool, ok);
    QElapsedTimer timer;
    timer.start();
    const auto parsed = parseAs(page, openMetrics);
    const qint64 elapsed = timer.elapsed();
    QCOMPARE(parsed.ok(), ok);
    if (!parsed.ok()) {
        QVERIFY2(parsed.error().startsWith(u"line 1: "), qPrintable(parsed.error()));
        QVERIFY2(parsed.error().size() < 200, qPrintable(parsed.error().left(300))); // excerpts are cut short
    }
    // Linear work: milliseconds in a release build; a generous bound for sanitizer and debug builds.
    QVERIFY2(elapsed < 10'000, qPrintable(QString::number(elapsed)));
}

// ---- API ----

void TestExposition::formatDetection_data()
{
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("page");
    QTest::addColumn<ExpositionFormat>("format");
    const QByteArray om = "a 1\n# EOF\n";
    const QByteArray prom = "a 1\n";
    QTest::newRow("openmetrics content type")
        << QByteArray("application/openmetrics-text; version=1.0.0; charset=utf-8") << prom
        << ExpositionFormat::OpenMetrics;
    QTest::newRow("openmetrics, odd case and spaces")
        << QByteArray("  Application/OpenMetrics-Text ;version=0.0.1") << prom << ExpositionFormat::OpenMetrics;
    QTest::newRow("text/plain beats # EOF")
        << QByteArray("text/plain; version=0.0.4; charset=utf-8") << om << ExpositionFormat::PrometheusText;
    QTest::newRow("no content type, # EOF") << QByteArray() << om << ExpositionFormat::OpenMetrics;
    QTest::newRow("no content type, # EOF without newline")
        << QByteArray() << QByteArray("a 1\n# EOF") << ExpositionFormat::OpenMetrics;
    QTest::newRow("no content type, only # EOF")
        << QByteArray() << QByteArray("# EOF\n") << ExpositionFormat::OpenMetrics;
    QTest::newRow("no content type, no # EOF") << QByteArray() << prom << ExpositionFormat::PrometheusText;
    QTest::newRow("# EOF not a whole line")
        << QByteArray() << QByteArray("a 1 # EOF\n") << ExpositionFormat::PrometheusText;
    QTest::newRow("other content type sniffs")
        << QByteArray("application/octet-stream") << om << ExpositionFormat::OpenMetrics;
    QTest::newRow("empty page") << QByteArray() << QByteArray() << ExpositionFormat::PrometheusText;
}

void TestExposition::formatDetection()
{
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, page);
    QFETCH(ExpositionFormat, format);
    bw::ParseOptions options;
    options.contentType = contentType;
    QCOMPARE(ExpositionParser::resolveFormat(page, options), format);
    const auto parsed = ExpositionParser::parse(page, options);
    if (parsed.ok())
        QCOMPARE(parsed->format, format);
    // An explicit format wins over everything.
    options.format = ExpositionFormat::PrometheusText;
    QCOMPARE(ExpositionParser::resolveFormat(page, options), ExpositionFormat::PrometheusText);
}

void TestExposition::metadataInPrometheusText()
{
    const QByteArray page = "# HELP a first\n# TYPE a gauge\na 1\n# HELP b x\\\\y\\nz\\\"\n# TYPE b summary\n"
                            "# TYPE a counter\n# HELP a second\n#  TYPE\tc\thistogram\n# HELP d\n";
    const auto parsed = parseAs(page, false);
    QVERIFY2(parsed.ok(), qPrintable(parsed.ok() ? QString() : parsed.error()));
    const auto &families = parsed->families;
    QCOMPARE(families.size(), 4U);
    // Order of first declaration; repeated metadata: the last one wins, as in Prometheus' metadata cache.
    QCOMPARE(families[0].name, QByteArray("a"));
    QCOMPARE(families[0].type, MetricType::Counter);
    QCOMPARE(families[0].help, QByteArray("second"));
    QCOMPARE(families[1].name, QByteArray("b"));
    QCOMPARE(families[1].type, MetricType::Summary);
    QCOMPARE(families[1].help, QByteArray("x\\y\nz\\\"")); // 0.0.4 HELP escapes are only \\ and \n
    QCOMPARE(families[2].name, QByteArray("c"));
    QCOMPARE(families[2].type, MetricType::Histogram);
    QCOMPARE(families[3].name, QByteArray("d"));
    QCOMPARE(families[3].help, QByteArray(""));
    QCOMPARE(families[3].type, MetricType::Unknown);
}

void TestExposition::labelsKeepWrittenOrder()
{
    for (const bool openMetrics : {false, true}) {
        const auto parsed = parseAs("a{z=\"1\",a=\"2\",m=\"\"} 3 4\n# EOF\n", openMetrics);
        QVERIFY(parsed.ok());
        const bw::MetricSample &sample = parsed->samples.at(0);
        QCOMPARE(sample.name, QByteArray("a"));
        QCOMPARE(sample.labels.size(), 3);
        QCOMPARE(sample.labels[0], qMakePair(QByteArray("z"), QByteArray("1")));
        QCOMPARE(sample.labels[1], qMakePair(QByteArray("a"), QByteArray("2")));
        QCOMPARE(sample.labels[2], qMakePair(QByteArray("m"), QByteArray("")));
        QCOMPARE(sample.label("a"), QByteArray("2"));
        QVERIFY(sample.hasLabel("m"));
        QVERIFY(!sample.hasLabel("q"));
        QCOMPARE(sample.value, 3.0);
        QCOMPARE(sample.timestampMs, std::optional<std::int64_t>(openMetrics ? 4000 : 4));
        QCOMPARE(ExpositionParser::dumpLine(sample),
                 QByteArray(openMetrics ? "a{a=\"2\",m=\"\",z=\"1\"} 3 4000" : "a{a=\"2\",m=\"\",z=\"1\"} 3 4"));
    }
}

void TestExposition::visitorGetsViewsIntoThePage()
{
    const QByteArray page = "# HELP h x\\ny\n# TYPE h gauge\nh{plain=\"abc\",esc=\"a\\\"b\"} 1.5 7\n\nh 2\n";
    RecordingVisitor visitor(page);
    bw::ParseOptions options;
    options.format = ExpositionFormat::PrometheusText;
    const bw::Status status = ExpositionParser::visit(page, options, visitor);
    QVERIFY2(status.ok(), qPrintable(status.ok() ? QString() : status.error()));
    QCOMPARE(visitor.events, QByteArrayList({"HELP h x\ny", "TYPE h 2"}));
    QCOMPARE(visitor.samples.size(), 2);
    const auto &first = visitor.samples[0];
    QCOMPARE(first.name, QByteArray("h"));
    QCOMPARE(first.labels[0].second, QByteArray("abc"));
    QCOMPARE(first.labels[1].second, QByteArray("a\"b"));
    QCOMPARE(first.valueInPage, QList<bool>({true, false})); // zero-copy unless unescaped
    QCOMPARE(first.value, 1.5);
    QCOMPARE(first.timestampMs, std::optional<std::int64_t>(7));
    QCOMPARE(first.line, 3);
    QCOMPARE(visitor.samples[1].line, 5);
    QVERIFY(!visitor.samples[1].timestampMs);

    // OpenMetrics: UNIT too, and a page that fails late still delivered its earlier samples.
    const QByteArray om = "# TYPE x_seconds gauge\n# UNIT x_seconds seconds\nx_seconds 1\n# TYPE h histogram\n"
                          "h_bucket{le=\"1\"} 0\n# EOF\n";
    RecordingVisitor omVisitor(om);
    options.format = ExpositionFormat::OpenMetrics;
    const bw::Status omStatus = ExpositionParser::visit(om, options, omVisitor);
    QVERIFY(!omStatus.ok());
    QCOMPARE(omStatus.error(), u"line 5: histogram without a le=\"+Inf\" bucket"_s);
    QCOMPARE(omVisitor.events, QByteArrayList({"TYPE x_seconds 2", "UNIT x_seconds seconds", "TYPE h 3"}));
    QCOMPARE(omVisitor.samples.size(), 2);
}

void TestExposition::dumpLine_data()
{
    QTest::addColumn<QByteArray>("name");
    QTest::addColumn<Labels>("labels");
    QTest::addColumn<double>("value");
    QTest::addColumn<bool>("hasTimestamp");
    QTest::addColumn<qint64>("timestamp");
    QTest::addColumn<QByteArray>("line");
    constexpr double nan = std::numeric_limits<double>::quiet_NaN();
    constexpr double inf = std::numeric_limits<double>::infinity();
    QTest::newRow("plain") << QByteArray("up") << Labels() << 1.0 << false << qint64(0) << QByteArray("up 1");
    QTest::newRow("sorted labels, escaped") << QByteArray("m") << Labels({{"z", "1"}, {"b", "q\"\\\n"}}) << 0.25 << true
                                            << qint64(17) << QByteArray("m{b=\"q\\\"\\\\\\n\",z=\"1\"} 0.25 17");
    QTest::newRow("NaN") << QByteArray("m") << Labels() << nan << false << qint64(0) << QByteArray("m NaN");
    QTest::newRow("+Inf") << QByteArray("m") << Labels() << inf << false << qint64(0) << QByteArray("m +Inf");
    QTest::newRow("-Inf") << QByteArray("m") << Labels() << -inf << false << qint64(0) << QByteArray("m -Inf");
    QTest::newRow("shortest") << QByteArray("m") << Labels() << 0.1 << false << qint64(0) << QByteArray("m 0.1");
    QTest::newRow("exponent") << QByteArray("m") << Labels() << 2.5e-7 << false << qint64(0) << QByteArray("m 2.5e-07");
    QTest::newRow("negative zero") << QByteArray("m") << Labels() << -0.0 << false << qint64(0) << QByteArray("m -0");
    QTest::newRow("zero timestamp") << QByteArray("m") << Labels() << 1.0 << true << qint64(0) << QByteArray("m 1 0");
    QTest::newRow("negative timestamp") << QByteArray("m") << Labels() << 1.0 << true << qint64(-1000)
                                        << QByteArray("m 1 -1000");
}

void TestExposition::dumpLine()
{
    QFETCH(QByteArray, name);
    QFETCH(Labels, labels);
    QFETCH(double, value);
    QFETCH(bool, hasTimestamp);
    QFETCH(qint64, timestamp);
    QFETCH(QByteArray, line);
    bw::MetricSample sample;
    sample.name = name;
    sample.labels = labels;
    sample.value = value;
    if (hasTimestamp)
        sample.timestampMs = timestamp;
    QCOMPARE(ExpositionParser::dumpLine(sample), line);
}

void TestExposition::dumpLineRoundTrips_data()
{
    QTest::addColumn<double>("value");
    QTest::newRow("0.1") << 0.1;
    QTest::newRow("1/3") << 1.0 / 3.0;
    QTest::newRow("denormal") << 5e-324;
    QTest::newRow("max") << std::numeric_limits<double>::max();
    QTest::newRow("2^63") << 9223372036854775808.0;
    QTest::newRow("big integer") << 123456789012345683968.0;
    QTest::newRow("-1e-300") << -1e-300;
    QTest::newRow("nan") << std::numeric_limits<double>::quiet_NaN();
    QTest::newRow("inf") << std::numeric_limits<double>::infinity();
}

void TestExposition::dumpLineRoundTrips()
{
    QFETCH(double, value);
    bw::MetricSample sample;
    sample.name = "m";
    sample.labels = {{"k", "v\\\"\n"}};
    sample.value = value;
    sample.timestampMs = 1'700'000'000'000;
    const auto parsed = parseAs(ExpositionParser::dumpLine(sample), false);
    QVERIFY2(parsed.ok(), qPrintable(parsed.ok() ? QString() : parsed.error()));
    const bw::MetricSample &back = parsed->samples.at(0);
    QCOMPARE(back.labels, sample.labels);
    QCOMPARE(back.timestampMs, sample.timestampMs);
    if (std::isnan(value))
        QVERIFY(std::isnan(back.value));
    else
        QCOMPARE(std::bit_cast<quint64>(back.value), std::bit_cast<quint64>(value));
}

void TestExposition::realPages_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("samples");
    QTest::addColumn<int>("families");
    QTest::addColumn<QByteArray>("probe"); // one dumped sample that must be there
    QTest::newRow("node exporter 1.5.0")
        << u"node-exporter-1.5.0.prom"_s << 505 << 282
        << QByteArray("node_exporter_build_info{branch=\"debian/sid\",goarch=\"amd64\",goos=\"linux\","
                      "goversion=\"go1.19.8\",revision=\"1.5.0-1+b6\",version=\"1.5.0\"} 1");
    QTest::newRow("prometheus 2.42.0")
        << u"prometheus-2.42.0.prom"_s << 375 << 169
        << QByteArray("prometheus_build_info{branch=\"debian/sid\",goarch=\"amd64\",goos=\"linux\","
                      "goversion=\"go1.19.8\",revision=\"2.42.0+ds-5+deb12u1\",version=\"2.42.0+ds\"} 1");
}

void TestExposition::realPages()
{
    QFETCH(QString, file);
    QFETCH(int, samples);
    QFETCH(int, families);
    QFETCH(QByteArray, probe);
    const QByteArray page = readFile(kPagesDir + file);
    QVERIFY(page.size() > 10'000 && page.size() < 300'000);
    bw::ParseOptions options;
    options.contentType = "text/plain; version=0.0.4; charset=utf-8";
    const auto parsed = ExpositionParser::parse(page, options);
    QVERIFY2(parsed.ok(), qPrintable(parsed.ok() ? QString() : parsed.error()));
    QCOMPARE(parsed->format, ExpositionFormat::PrometheusText);
    QCOMPARE(int(parsed->samples.size()), samples);
    QCOMPARE(int(parsed->families.size()), families);
    QVERIFY(dump(*parsed).split('\n').contains(probe));
    for (const bw::MetricFamilyInfo &family : parsed->families) {
        QVERIFY(!family.name.isEmpty());
        QVERIFY2(!family.help.isEmpty(), family.name.constData());
    }
    // Every sample survives a dump and a re-parse.
    const auto again = parseAs(dump(*parsed), false);
    QVERIFY(again.ok());
    QCOMPARE(dump(*again), dump(*parsed));
    // Without the Content-Type header the page (no # EOF) is still Prometheus text.
    QCOMPARE(ExpositionParser::resolveFormat(page, {}), ExpositionFormat::PrometheusText);
    // And it is not OpenMetrics.
    QVERIFY(!parseAs(page, true).ok());
}

// parse() shares strings between samples and packs them into blocks (StringArena); every string must stay valid,
// independent and correctly reference-counted however samples are kept, copied, changed or dropped (run this
// under ASan to see a miscount).
void TestExposition::stringsOutliveTheirPage()
{
    const QByteArray big(40'000, 'v'); // larger than a block quarter: a block of its own
    QByteArray page = "# HELP a first\n# HELP a second\n# TYPE a gauge\n";
    for (int i = 0; i < 2000; ++i)
        page += "a{k=\"" + QByteArray::number(i % 7) + "\",z=\"zz\"} " + QByteArray::number(i) + "\n";
    page += "big{v=\"" + big + "\"} 1\n";

    bw::MetricSample first;
    bw::MetricSample last;
    QByteArray help;
    QByteArray name;
    {
        const auto parsed = parseAs(page, false);
        QVERIFY(parsed.ok());
        QCOMPARE(parsed->samples.size(), 2001U);
        first = parsed->samples.front();
        last = parsed->samples.back();
        help = parsed->families.at(0).help;
        name = parsed->samples.at(5).name;
        QCOMPARE(parsed->samples.at(7).labels, parsed->samples.at(0).labels); // one list for one label set
    }
    QCOMPARE(help, QByteArray("second"));
    QCOMPARE(first.name, QByteArray("a"));
    QCOMPARE(first.label("k"), QByteArray("0"));
    QCOMPARE(last.label("v"), big);

    // Changing one copy never shows in another, shared block or not.
    name.append("_suffix");
    QCOMPARE(name, QByteArray("a_suffix"));
    QCOMPARE(first.name, QByteArray("a"));
    first.labels[0].second.append('!');
    QCOMPARE(first.label("k"), QByteArray("0!"));
    const bw::MetricSample copy = last;
    last.labels[0].second.truncate(1);
    QCOMPARE(copy.label("v"), big);
    QCOMPARE(help.constData()[help.size()], '\0'); // still terminated

    // The last owner of a block may write into it in place: after its own bytes, which nobody else uses.
    QByteArray sole;
    QByteArray dedicated;
    {
        const auto parsed = parseAs("a 1\nbb 2\nc{l=\"" + big + "\"} 3\n", false);
        QVERIFY(parsed.ok());
        sole = parsed->samples.at(1).name; // in the middle of a block
        dedicated = parsed->samples.at(2).labels.at(0).second;
    }
    sole.append("cd");
    sole.prepend('x');
    QCOMPARE(sole, QByteArray("xbbcd"));
    dedicated.append('w');
    QCOMPARE(dedicated.size(), big.size() + 1);

    // A page that fails after samples were collected releases everything (ASan: no leak, no double free).
    bw::ParseOptions options;
    options.format = ExpositionFormat::OpenMetrics;
    QVERIFY(!ExpositionParser::parse("# HELP x a\n# UNIT x \nx_a 1\nx 1\n# EOF\n", options).ok());
    QVERIFY(!ExpositionParser::parse("# HELP h x\n# TYPE h histogram\nh_bucket{le=\"1\"} 0\n# EOF\n", options).ok());
}

QTEST_GUILESS_MAIN(TestExposition)
#include "tst_exposition.moc"
