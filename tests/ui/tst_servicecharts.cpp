// The service detail charts over a hand-made history: what each series holds after refresh(), one replace() per
// series, the span selector, "No data yet", light and dark palettes, export to PNG and SVG.
#include "charts/servicecharts.h"
#include "charts/timeaxisformat.h"
#include "chartscenario.h"
#include "history/fleethistory.h"

#include <QAbstractSeries>
#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QLabel>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QXYSeries>

using namespace Qt::StringLiterals;
using Series = bw::ServiceCharts::Series;
using Pane = bw::ServiceCharts::Pane;

namespace {

constexpr std::int64_t kSecond = 1'000;
constexpr std::int64_t kMinute = 60'000;
constexpr std::int64_t kNow = 1'700'000'400'000; // a whole 10 minutes of epoch time
constexpr std::int64_t kSwitch = kNow - 5 * kMinute;

// Error rate 0 % for 10 min, then 100 % for the last 5 min (one sample a second up to and including kNow);
// latency 20 ms (p50) and 80 ms (p95) throughout.
void feedStep(bw::FleetHistory &history, int service = 0)
{
    for (std::int64_t t = kNow - 15 * kMinute + kSecond; t <= kNow; t += kSecond) {
        history.appendSample(service, bw::SeriesKind::ErrorRate, t, t < kSwitch ? 0.0 : 100.0);
        history.appendSample(service, bw::SeriesKind::Latency, t, 20.0);
        history.appendSample(service, bw::SeriesKind::LatencyP95, t, 80.0);
    }
}

const QList<Series> kAllSeries = {Series::ErrorRateMean, Series::ErrorRateMin, Series::ErrorRateMax, Series::LatencyP50,
                                  Series::LatencyP95};

QPalette darkPalette()
{
    QPalette palette;
    palette.setColor(QPalette::Window, QColor(0x20, 0x22, 0x26));
    palette.setColor(QPalette::WindowText, QColor(0xE8, 0xE8, 0xE8));
    palette.setColor(QPalette::Base, QColor(0x18, 0x1A, 0x1D));
    palette.setColor(QPalette::Text, QColor(0xE8, 0xE8, 0xE8));
    palette.setColor(QPalette::Button, QColor(0x30, 0x33, 0x38));
    palette.setColor(QPalette::ButtonText, QColor(0xE8, 0xE8, 0xE8));
    return palette;
}

QPalette lightPalette()
{
    QPalette palette;
    palette.setColor(QPalette::Window, QColor(0xF6, 0xF6, 0xF6));
    palette.setColor(QPalette::WindowText, QColor(0x1A, 0x1A, 0x1A));
    palette.setColor(QPalette::Base, Qt::white);
    palette.setColor(QPalette::Text, QColor(0x1A, 0x1A, 0x1A));
    return palette;
}

// Share of pixels close to `colour`.
double share(const QImage &image, const QColor &colour)
{
    qint64 near = 0;
    for (int y = 0; y < image.height(); ++y) {
        for (int x = 0; x < image.width(); ++x) {
            const QColor c = image.pixelColor(x, y);
            if (std::abs(c.red() - colour.red()) + std::abs(c.green() - colour.green()) +
                    std::abs(c.blue() - colour.blue()) <
                60)
                ++near;
        }
    }
    return static_cast<double>(near) / (static_cast<double>(image.width()) * image.height());
}

} // namespace

class TestServiceCharts final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void errorRateSeries_data();
    void errorRateSeries();
    void latencyLines();
    void refreshReplacesEachSeriesOnce();
    void noDataYet_data();
    void noDataYet();
    void spanSelector();
    void timeAxisFormat_data();
    void timeAxisFormat();
    void exportFiles_data();
    void exportFiles();
    void exportLeavesAShownWidgetAsItWas();
    void followsThePalette_data();
    void followsThePalette();
};

void TestServiceCharts::errorRateSeries_data()
{
    QTest::addColumn<std::int64_t>("spanMs");
    QTest::addColumn<int>("width");

    QTest::newRow("15 min") << 15 * kMinute << 900;
    QTest::newRow("15 min, narrow") << 15 * kMinute << 300;
    QTest::newRow("1 h") << 60 * kMinute << 900;
    QTest::newRow("6 h") << 6 * 60 * kMinute << 900;
    QTest::newRow("24 h") << 24 * 60 * kMinute << 900;
    QTest::newRow("24 h, wide") << 24 * 60 * kMinute << 2400;
}

void TestServiceCharts::errorRateSeries()
{
    QFETCH(std::int64_t, spanMs);
    QFETCH(int, width);

    bw::FleetHistory history(1);
    feedStep(history);
    bw::ServiceCharts charts(history);
    charts.resize(width, 700);
    charts.setService(0, u"checkout"_s);
    charts.setSpanMs(spanMs);
    charts.refresh(kNow);

    QCOMPARE(charts.timeRange(), std::make_pair(kNow - spanMs, kNow));
    QVERIFY(!charts.showsNoData(Pane::ErrorRate));
    QVERIFY(charts.maxPoints() >= 50 && charts.maxPoints() <= width);
    const QList<QPointF> mean = charts.points(Series::ErrorRateMean);
    const QList<QPointF> low = charts.points(Series::ErrorRateMin);
    const QList<QPointF> high = charts.points(Series::ErrorRateMax);
    QVERIFY(!mean.isEmpty());
    QVERIFY2(mean.size() <= charts.maxPoints(), qPrintable(u"%1 > %2"_s.arg(mean.size()).arg(charts.maxPoints())));
    // The band is coarser than the line: about one point per 4 pixels.
    QCOMPARE(low.size(), high.size());
    QVERIFY(!low.isEmpty() && low.size() <= charts.maxPoints() / 4 + 1);

    // Within a point's width of the switch a point may mix both values; elsewhere it is exactly 0 or 100.
    const double slack = 2.0 * static_cast<double>(spanMs) / charts.maxPoints() + kMinute;
    for (qsizetype i = 0; i < mean.size(); ++i) {
        const double x = mean[i].x();
        QVERIFY(x >= static_cast<double>(kNow - spanMs) && x <= static_cast<double>(kNow));
        if (i > 0)
            QVERIFY(x > mean[i - 1].x());
        if (x < static_cast<double>(kSwitch) - slack)
            QCOMPARE(mean[i].y(), 0.0);
        else if (x > static_cast<double>(kSwitch) + slack)
            QCOMPARE(mean[i].y(), 100.0);
    }
    for (qsizetype i = 0; i < low.size(); ++i) {
        const double x = low[i].x();
        QCOMPARE(high[i].x(), x);
        QVERIFY(x >= static_cast<double>(kNow - spanMs) && x <= static_cast<double>(kNow));
        if (i > 0)
            QVERIFY(x > low[i - 1].x());
        QVERIFY(low[i].y() <= high[i].y());
        if (x < static_cast<double>(kSwitch) - 4 * slack)
            QCOMPARE(high[i].y(), 0.0);
        else if (x > static_cast<double>(kSwitch) + 4 * slack)
            QCOMPARE(low[i].y(), 100.0);
    }
    QCOMPARE(high.last().y(), 100.0);
    QCOMPARE(mean.first().y(), 0.0);
    QCOMPARE(mean.last().y(), 100.0);
    QVERIFY(mean.first().x() <= static_cast<double>(kNow - 15 * kMinute) + slack);
    QVERIFY(mean.last().x() >= static_cast<double>(kNow) - slack);

    // Where the rate first leaves 0 is the switch, to within a point.
    const auto firstFailing =
        std::find_if(mean.begin(), mean.end(), [](const QPointF &p) { return p.y() > 0; }) - mean.begin();
    QVERIFY(std::abs(mean[firstFailing].x() - static_cast<double>(kSwitch)) <= slack);
}

void TestServiceCharts::latencyLines()
{
    bw::FleetHistory history(1);
    feedStep(history);
    bw::ServiceCharts charts(history);
    charts.resize(900, 700);
    charts.setService(0, u"checkout"_s);
    charts.refresh(kNow);

    QVERIFY(!charts.showsNoData(Pane::Latency));
    const QList<QPointF> p50 = charts.points(Series::LatencyP50);
    const QList<QPointF> p95 = charts.points(Series::LatencyP95);
    QVERIFY(!p50.isEmpty());
    QCOMPARE(p95.size(), p50.size());
    for (qsizetype i = 0; i < p50.size(); ++i) {
        QCOMPARE(p50[i].y(), 20.0);
        QCOMPARE(p95[i].y(), 80.0);
        QCOMPARE(p95[i].x(), p50[i].x());
    }
    // Legend names say which line is which.
    auto name = [&](Series s) { return qobject_cast<QAbstractSeries *>(charts.seriesObject(s))->name(); };
    QVERIFY(name(Series::LatencyP50).contains(u"p50"_s));
    QVERIFY(name(Series::LatencyP95).contains(u"p95"_s));
}

void TestServiceCharts::refreshReplacesEachSeriesOnce()
{
    bw::FleetHistory history(1);
    feedStep(history);
    bw::ServiceCharts charts(history);
    charts.resize(900, 700);
    charts.setService(0, u"checkout"_s);

    std::vector<std::unique_ptr<QSignalSpy>> replaced;
    std::vector<std::unique_ptr<QSignalSpy>> added;
    for (const Series series : kAllSeries) {
        auto *xy = qobject_cast<QXYSeries *>(charts.seriesObject(series));
        QVERIFY(xy);
        replaced.push_back(std::make_unique<QSignalSpy>(xy, &QXYSeries::pointsReplaced));
        added.push_back(std::make_unique<QSignalSpy>(xy, &QXYSeries::pointAdded));
    }
    charts.refresh(kNow);
    charts.refresh(kNow + kSecond);
    for (std::size_t i = 0; i < replaced.size(); ++i) {
        QCOMPARE(replaced[i]->count(), 2);
        QCOMPARE(added[i]->count(), 0);
    }
}

void TestServiceCharts::noDataYet_data()
{
    QTest::addColumn<int>("service");
    QTest::addColumn<std::int64_t>("dataAgeMs"); // -1: no samples at all

    QTest::newRow("no samples") << 0 << std::int64_t{-1};
    QTest::newRow("index out of range") << 3 << std::int64_t{0};
    QTest::newRow("samples older than the span") << 0 << 2 * 60 * kMinute;
}

void TestServiceCharts::noDataYet()
{
    QFETCH(int, service);
    QFETCH(std::int64_t, dataAgeMs);

    bw::FleetHistory history(1);
    if (dataAgeMs >= 0) {
        for (std::int64_t t = kNow - dataAgeMs - kMinute; t < kNow - dataAgeMs; t += kSecond) {
            history.appendSample(0, bw::SeriesKind::ErrorRate, t, 50);
            history.appendSample(0, bw::SeriesKind::Latency, t, 10);
        }
    }
    bw::ServiceCharts charts(history);
    charts.resize(900, 700);
    QVERIFY(charts.showsNoData(Pane::ErrorRate)); // before any refresh
    charts.setService(service, u"checkout"_s);
    charts.refresh(kNow);

    QVERIFY(charts.showsNoData(Pane::ErrorRate));
    QVERIFY(charts.showsNoData(Pane::Latency));
    QVERIFY(charts.points(Series::ErrorRateMean).isEmpty());
    const QList<QLabel *> labels = charts.findChildren<QLabel *>(u"noData"_s);
    QCOMPARE(labels.size(), 2);
    for (const QLabel *label : labels) {
        QVERIFY(label->isVisibleTo(&charts));
        QVERIFY(label->text().startsWith(u"No data yet"_s));
    }

    // Data arrives: the plots come back.
    history.resize(service + 1);
    feedStep(history, service);
    charts.refresh(kNow);
    QVERIFY(!charts.showsNoData(Pane::ErrorRate));
    QVERIFY(!charts.showsNoData(Pane::Latency));
    for (const QLabel *label : labels)
        QVERIFY(!label->isVisibleTo(&charts));
}

void TestServiceCharts::spanSelector()
{
    bw::FleetHistory history(1);
    feedStep(history);
    bw::ServiceCharts charts(history);
    charts.resize(900, 700);
    charts.setService(0, u"checkout"_s);
    QCOMPARE(charts.spanMs(), 15 * kMinute);
    charts.refresh(kNow);
    QCOMPARE(charts.timeRange(), std::make_pair(kNow - 15 * kMinute, kNow));

    // Choosing in the combo box redraws at the last "now".
    auto *combo = charts.findChild<QComboBox *>();
    QVERIFY(combo);
    QCOMPARE(combo->count(), 5); // 5 min, 15 min, 1 h, 6 h, 24 h
    auto *mean = qobject_cast<QXYSeries *>(charts.seriesObject(Series::ErrorRateMean));
    QSignalSpy replaced(mean, &QXYSeries::pointsReplaced);
    combo->setCurrentIndex(4);
    QCOMPARE(charts.spanMs(), 24 * 60 * kMinute);
    QCOMPARE(charts.timeRange(), std::make_pair(kNow - 24 * 60 * kMinute, kNow));
    QCOMPARE(replaced.count(), 1);

    charts.setSpanMs(50 * kMinute); // the closest offered span
    QCOMPARE(charts.spanMs(), 60 * kMinute);
}

void TestServiceCharts::timeAxisFormat_data()
{
    QTest::addColumn<std::int64_t>("t0");
    QTest::addColumn<std::int64_t>("t1");
    QTest::addColumn<int>("plotWidth");
    QTest::addColumn<std::int64_t>("utcOffset");
    QTest::addColumn<QString>("format");
    QTest::addColumn<std::int64_t>("step");
    QTest::addColumn<QStringList>("labels");

    // 12:53:15 to 12:58:15 UTC: the ticks fall on whole minutes, not every 75 s from the left edge.
    const std::int64_t t = (12 * 60 + 53) * kMinute + 15'000;
    QTest::newRow("5 min, wide") << t << t + 5 * kMinute << 0 << std::int64_t{0} << u"HH:mm"_s << kMinute
                                 << QStringList{u"12:54"_s, u"12:55"_s, u"12:56"_s, u"12:57"_s, u"12:58"_s};
    // A detail pane at 1280 x 800 (310 px, labels 35 px): still one a minute. It read "12:53:15 ... 12:58:15".
    QTest::newRow("5 min, detail pane") << t << t + 5 * kMinute << 310 << std::int64_t{0} << u"HH:mm"_s << kMinute
                                        << QStringList{u"12:54"_s, u"12:55"_s, u"12:56"_s, u"12:57"_s, u"12:58"_s};
    QTest::newRow("5 min, 180 px") << t << t + 5 * kMinute << 180 << std::int64_t{0} << u"HH:mm"_s << 2 * kMinute
                                   << QStringList{u"12:54"_s, u"12:56"_s, u"12:58"_s};
    QTest::newRow("30 s") << t << t + 30'000 << 0 << std::int64_t{0} << u"HH:mm:ss"_s << std::int64_t{5'000}
                          << QStringList{u"12:53:15"_s, u"12:53:20"_s, u"12:53:25"_s, u"12:53:30"_s,
                                         u"12:53:35"_s, u"12:53:40"_s, u"12:53:45"_s};
    QTest::newRow("1 h") << t << t + 60 * kMinute << 0 << std::int64_t{0} << u"HH:mm"_s << 10 * kMinute
                         << QStringList{u"13:00"_s, u"13:10"_s, u"13:20"_s, u"13:30"_s, u"13:40"_s, u"13:50"_s};
    // Hours on local hours: UTC+1, 22:10 UTC to 04:10 UTC is 23:10 to 05:10 local.
    const std::int64_t late = 22 * 60 * kMinute + 10 * kMinute;
    QTest::newRow("6 h, UTC+1") << late << late + 6 * 60 * kMinute << 0 << 60 * kMinute << u"HH:mm"_s << 60 * kMinute
                                << QStringList{u"00:00"_s, u"01:00"_s, u"02:00"_s, u"03:00"_s, u"04:00"_s, u"05:00"_s};
    // Too narrow for two round labels: the two edges.
    QTest::newRow("5 min, 60 px") << t << t + 5 * kMinute << 60 << std::int64_t{0} << u"HH:mm:ss"_s << std::int64_t{0}
                                  << QStringList{u"12:53:15"_s, u"12:58:15"_s};
}

void TestServiceCharts::timeAxisFormat()
{
    QFETCH(std::int64_t, t0);
    QFETCH(std::int64_t, t1);
    QFETCH(int, plotWidth);
    QFETCH(std::int64_t, utcOffset);
    QFETCH(QString, format);
    QFETCH(std::int64_t, step);
    QFETCH(QStringList, labels);
    const bw::TimeAxisTicks axis = bw::TimeAxisTicks::forRange(t0, t1, plotWidth, 35, 55, utcOffset);
    QCOMPARE(axis.format, format);
    QCOMPARE(axis.stepMs, step);
    QStringList shown;
    for (const std::int64_t tick : axis.ticks) {
        QVERIFY(tick >= t0 && tick <= t1);
        shown << QDateTime::fromMSecsSinceEpoch(tick + utcOffset, Qt::UTC).toString(axis.format);
    }
    QCOMPARE(shown, labels);
    if (plotWidth > 0 && step > 0)
        QVERIFY(axis.ticks.size() * (35 + 16) <= plotWidth); // side by side, with room between
}

void TestServiceCharts::exportFiles_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<bool>("ok");

    QTest::newRow("png") << u"charts.png"_s << true;
    QTest::newRow("svg") << u"charts.svg"_s << true;
    QTest::newRow("upper-case extension") << u"CHARTS.SVG"_s << true;
    QTest::newRow("other extension") << u"charts.pdf"_s << false;
    QTest::newRow("no directory") << u"missing/charts.png"_s << false;
}

void TestServiceCharts::exportFiles()
{
    QFETCH(QString, file);
    QFETCH(bool, ok);

    bw::FleetHistory history(1);
    feedStep(history);
    bw::ServiceCharts charts(history);
    charts.resize(900, 700);
    charts.setService(0, u"checkout"_s);
    charts.refresh(kNow);

    const QTemporaryDir dir;
    const QString path = dir.filePath(file);
    if (!ok)
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"cannot (write|export)"_s));
    QCOMPARE(charts.saveAs(path, QSize(800, 600)), ok);
    if (!ok) {
        QVERIFY(!QFile::exists(path));
        return;
    }
    QFile out(path);
    QVERIFY(out.open(QIODevice::ReadOnly));
    const QByteArray bytes = out.readAll();
    QVERIFY(bytes.size() > 1000);
    if (file.endsWith(u"svg"_s, Qt::CaseInsensitive)) {
        QVERIFY(bytes.contains("<svg"));
        QVERIFY(bytes.contains("Error rate"));
        QVERIFY(bytes.contains("<polyline") || bytes.contains("<path"));
    } else {
        const QImage image(path);
        QCOMPARE(image.size(), QSize(800, 600));
    }
    QCOMPARE(charts.size(), QSize(900, 700)); // put back after the export
}

void TestServiceCharts::exportLeavesAShownWidgetAsItWas()
{
    bw::FleetHistory history(1);
    feedStep(history);
    bw::ServiceCharts charts(history);
    charts.resize(900, 700);
    charts.setService(0, u"checkout"_s);
    charts.show();
    QVERIFY(QTest::qWaitForWindowExposed(&charts));
    charts.refresh(kNow);
    // A shown widget asks the store for about one point per pixel of its real plot area.
    QVERIFY2(charts.maxPoints() > 700 && charts.maxPoints() < 900, qPrintable(QString::number(charts.maxPoints())));

    const QImage before = charts.grab().toImage();
    const QImage image = charts.renderToImage(QSize(640, 480));
    QCOMPARE(image.size(), QSize(640, 480));
    QCOMPARE(charts.size(), QSize(900, 700));
    QCoreApplication::processEvents();
    QCOMPARE(charts.grab().toImage(), before);
}

void TestServiceCharts::followsThePalette_data()
{
    QTest::addColumn<bool>("dark");
    QTest::newRow("light") << false;
    QTest::newRow("dark") << true;
}

void TestServiceCharts::followsThePalette()
{
    QFETCH(bool, dark);

    // A realistic hour: the synthetic fleet's first flapping service, calm and then flapping.
    bw::FleetHistory history;
    const chartscenario::FlappingHour scenario = chartscenario::flappingHour(history);
    QVERIFY(scenario.service >= 0 && scenario.now > 0);

    bw::ServiceCharts charts(history);
    const QPalette palette = dark ? darkPalette() : lightPalette();
    charts.setPalette(palette);
    charts.resize(1000, 720);
    charts.setService(scenario.service, scenario.name);
    charts.setSpanMs(60 * kMinute);
    charts.refresh(scenario.now);
    QVERIFY(!charts.showsNoData(Pane::ErrorRate));

    const QImage image = charts.renderToImage(QSize(1000, 680));
    QCOMPARE(image.size(), QSize(1000, 680));
    const QColor window = palette.color(QPalette::Window);
    // Mostly the palette's background; text and lines in the palette's text colour are there too.
    QVERIFY2(share(image, window) > 0.5, "the charts draw on the window colour");
    QVERIFY2(share(image, palette.color(QPalette::WindowText)) > 0.002, "titles and labels in the text colour");
    QCOMPARE(image.pixelColor(2, 2).lightness() < 128, dark);

    if (const QByteArray dir = qgetenv("BW_CHART_SNAPSHOT_DIR"); !dir.isEmpty()) {
        const QString name = dark ? u"charts-dark.png"_s : u"charts-light.png"_s;
        QVERIFY(image.save(QDir(QString::fromLocal8Bit(dir)).filePath(name)));
    }
}

QTEST_MAIN(TestServiceCharts)
#include "tst_servicecharts.moc"
