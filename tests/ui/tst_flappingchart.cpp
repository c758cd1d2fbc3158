// The flapping graph over a hand-made breaker track: bars, rolling count, threshold line and alert marker, percent
// state change with its band, one replace() per series, the track selector, "No data yet", palettes and export.
#include "charts/flappingchart.h"
#include "chartscenario.h"
#include "history/fleethistory.h"

#include <QAbstractSeries>
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
using Series = bw::FlappingChart::Series;
using Pane = bw::FlappingChart::Pane;

namespace {

constexpr std::int64_t kSecond = 1'000;
constexpr std::int64_t kMinute = 60'000;
constexpr std::int64_t kBase = 1'700'000'400'000; // a whole 10 minutes of epoch time
constexpr std::int64_t kNow = kBase + 20 * kMinute;

// Closed from an hour before kBase; five opens in three minutes (each probing after 5 s and closing 1 s later).
void feedFiveOpens(bw::FleetHistory &history, bw::TrackKind track = bw::TrackKind::Simulated)
{
    history.appendState(0, track, kBase - 60 * kMinute, bw::BreakerState::Closed);
    for (const std::int64_t offset : {10 * kSecond, 40 * kSecond, 70 * kSecond, 125 * kSecond, 170 * kSecond}) {
        history.appendState(0, track, kBase + offset, bw::BreakerState::Open, u"failure rate 60% >= 50%");
        history.appendState(0, track, kBase + offset + 5 * kSecond, bw::BreakerState::HalfOpen);
        history.appendState(0, track, kBase + offset + 6 * kSecond, bw::BreakerState::Closed);
    }
    history.appendState(0, track, kNow, bw::BreakerState::Closed);
}

const QList<Series> kAllSeries = {Series::OpenBars,      Series::RollingOpens,  Series::Threshold,
                                  Series::Alerts,        Series::AlertEpisodes, Series::Percent,
                                  Series::HysteresisLow, Series::HysteresisHigh};

QPalette paletteFor(bool dark)
{
    QPalette palette;
    const QColor window = dark ? QColor(0x20, 0x22, 0x26) : QColor(0xF6, 0xF6, 0xF6);
    const QColor text = dark ? QColor(0xE8, 0xE8, 0xE8) : QColor(0x1A, 0x1A, 0x1A);
    palette.setColor(QPalette::Window, window);
    palette.setColor(QPalette::WindowText, text);
    palette.setColor(QPalette::Base, window);
    palette.setColor(QPalette::Text, text);
    palette.setColor(QPalette::Button, window);
    palette.setColor(QPalette::ButtonText, text);
    return palette;
}

} // namespace

class TestFlappingChart final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void barsAreOpensPerMinute();
    void thresholdAndAlert();
    void percentStateChangeWithBand();
    void refreshReplacesEachSeriesOnce();
    void trackSelector();
    void noDataYet_data();
    void noDataYet();
    void exportFiles_data();
    void exportFiles();
    void followsThePalette_data();
    void followsThePalette();
};

void TestFlappingChart::barsAreOpensPerMinute()
{
    bw::FleetHistory history(1);
    feedFiveOpens(history);
    bw::FlappingChart chart(history);
    chart.resize(900, 700);
    chart.setService(0, u"checkout"_s);
    QCOMPARE(chart.spanMs(), 60 * kMinute);
    chart.refresh(kNow);
    QVERIFY(!chart.showsNoData(Pane::Opens));
    QCOMPARE(chart.timeRange(), std::make_pair(kNow - 60 * kMinute, kNow));

    QCOMPARE(chart.data().binMs, kMinute);
    QCOMPARE(chart.data().opens.size(), 5U);
    // Each minute with opens is one bar of four points: up at its left edge, across at its height, down at its right.
    const QList<QPointF> bars = chart.points(Series::OpenBars);
    QCOMPARE(bars.size(), 3 * 4);
    const QList<std::pair<std::int64_t, int>> expected = {{kBase, 2}, {kBase + kMinute, 1}, {kBase + 2 * kMinute, 2}};
    for (qsizetype i = 0; i < expected.size(); ++i) {
        const auto [start, opens] = expected[i];
        const QPointF *bar = bars.constData() + 4 * i;
        QVERIFY(bar[0].x() > static_cast<double>(start) && bar[0].x() < static_cast<double>(start + kMinute / 4));
        QCOMPARE(bar[0].y(), 0.0);
        QCOMPARE(bar[1], QPointF(bar[0].x(), opens));
        QCOMPARE(bar[2].y(), static_cast<double>(opens));
        QVERIFY(bar[2].x() < static_cast<double>(start + kMinute) && bar[2].x() > bar[1].x());
        QCOMPARE(bar[3], QPointF(bar[2].x(), 0));
    }
    auto name = [&](Series s) { return qobject_cast<QAbstractSeries *>(chart.seriesObject(s))->name(); };
    QVERIFY(name(Series::RollingOpens).contains(u"10 min"_s));

    // 24 h: bars are 10 minutes wide on a 900 px widget, named so.
    chart.setSpanMs(24 * 60 * kMinute);
    QCOMPARE(chart.data().binMs, 10 * kMinute);
    QCOMPARE(chart.points(Series::OpenBars).size(), 4);
    QCOMPARE(chart.points(Series::OpenBars).at(1).y(), 5.0);
}

void TestFlappingChart::thresholdAndAlert()
{
    bw::FleetHistory history(1);
    feedFiveOpens(history);
    bw::FlappingChart chart(history);
    chart.resize(900, 700);
    chart.setService(0, u"checkout"_s);
    chart.refresh(kNow);

    // The threshold: a flat line at 3 across the whole range.
    const QList<QPointF> threshold = chart.points(Series::Threshold);
    QCOMPARE(threshold,
             (QList<QPointF>{{static_cast<double>(kNow - 60 * kMinute), 3.0}, {static_cast<double>(kNow), 3.0}}));
    // The alert fires at the 4th open (2 min 5 s), with 4 opens in the window.
    QCOMPARE(chart.points(Series::Alerts), (QList<QPointF>{{static_cast<double>(kBase + 125 * kSecond), 4.0}}));

    // The rolling count is a step line: it crosses above the threshold exactly there.
    const QList<QPointF> rolling = chart.points(Series::RollingOpens);
    QCOMPARE(rolling.first(), QPointF(static_cast<double>(kNow - 60 * kMinute), 0));
    QCOMPARE(rolling.last().x(), static_cast<double>(kNow));
    double crossing = -1;
    for (qsizetype i = 1; i < rolling.size(); ++i) {
        QVERIFY(rolling[i].x() >= rolling[i - 1].x());
        if (i % 2 == 1)
            QCOMPARE(rolling[i].y(), rolling[i - 1].y()); // flat, then a vertical step
        if (crossing < 0 && rolling[i].y() > 3)
            crossing = rolling[i].x();
    }
    QCOMPARE(crossing, static_cast<double>(kBase + 125 * kSecond));
    double peak = 0;
    for (const QPointF &p : rolling)
        peak = std::max(peak, p.y());
    QCOMPARE(peak, 5.0);

    // Shaded while the alert is active: until the window holds one open, 10 min after the 4th open (12 min 5 s).
    const QList<QPointF> shade = chart.points(Series::AlertEpisodes);
    QCOMPARE(shade.size(), 4);
    QCOMPARE(shade[0], QPointF(static_cast<double>(kBase + 125 * kSecond), 0));
    QCOMPARE(shade[1].x(), static_cast<double>(kBase + 125 * kSecond));
    QVERIFY(shade[1].y() >= 5);
    QCOMPARE(shade[2], QPointF(static_cast<double>(kBase + 12 * kMinute + 5 * kSecond), shade[1].y()));
    QCOMPARE(shade[3], QPointF(static_cast<double>(kBase + 12 * kMinute + 5 * kSecond), 0));
}

void TestFlappingChart::percentStateChangeWithBand()
{
    bw::FleetHistory history(1);
    feedFiveOpens(history);
    bw::FlappingChart chart(history);
    chart.resize(900, 700);
    chart.setService(0, u"checkout"_s);
    chart.refresh(kNow);

    const auto t0 = static_cast<double>(kNow - 60 * kMinute);
    const auto t1 = static_cast<double>(kNow);
    QCOMPARE(chart.points(Series::HysteresisLow), (QList<QPointF>{{t0, 5.0}, {t1, 5.0}}));
    QCOMPARE(chart.points(Series::HysteresisHigh), (QList<QPointF>{{t0, 20.0}, {t1, 20.0}}));
    const QList<QPointF> percent = chart.points(Series::Percent);
    // One point per 10 s check over the hour, both ends included: 361, within the plot's width.
    QCOMPARE(percent.size(), 361);
    QCOMPARE(percent.first().x(), t0);
    double peak = 0;
    for (const QPointF &p : percent) {
        QVERIFY(p.y() >= 0 && p.y() <= 100);
        peak = std::max(peak, p.y());
    }
    QVERIFY(peak > 20); // checks every 10 s see open, half-open and closed in turn during the three minutes
    QCOMPARE(percent.last().y(), 0.0);
}

void TestFlappingChart::refreshReplacesEachSeriesOnce()
{
    bw::FleetHistory history(1);
    feedFiveOpens(history);
    bw::FlappingChart chart(history);
    chart.resize(900, 700);
    chart.setService(0, u"checkout"_s);

    std::vector<std::unique_ptr<QSignalSpy>> replaced;
    std::vector<std::unique_ptr<QSignalSpy>> added;
    for (const Series series : kAllSeries) {
        auto *xy = qobject_cast<QXYSeries *>(chart.seriesObject(series));
        QVERIFY(xy);
        replaced.push_back(std::make_unique<QSignalSpy>(xy, &QXYSeries::pointsReplaced));
        added.push_back(std::make_unique<QSignalSpy>(xy, &QXYSeries::pointAdded));
    }
    chart.refresh(kNow);
    for (std::size_t i = 0; i < replaced.size(); ++i) {
        QCOMPARE(replaced[i]->count(), 1);
        QCOMPARE(added[i]->count(), 0);
    }
}

void TestFlappingChart::trackSelector()
{
    bw::FleetHistory history(1);
    history.appendState(0, bw::TrackKind::Simulated, kBase - 60 * kMinute, bw::BreakerState::Closed);
    history.appendState(0, bw::TrackKind::Simulated, kNow, bw::BreakerState::Closed);
    feedFiveOpens(history, bw::TrackKind::Observed);
    bw::FlappingChart chart(history);
    chart.resize(900, 700);
    chart.setService(0, u"checkout"_s);
    QCOMPARE(chart.track(), bw::TrackKind::Simulated);
    chart.refresh(kNow);
    QVERIFY(chart.data().opens.empty());
    QVERIFY(chart.points(Series::OpenBars).isEmpty());

    // The real breaker, chosen in the combo box, redraws at the last "now".
    QComboBox *combo = nullptr;
    for (QComboBox *candidate : chart.findChildren<QComboBox *>()) {
        if (candidate->findData(static_cast<int>(bw::TrackKind::Observed)) >= 0 && candidate->count() == 2)
            combo = candidate;
    }
    QVERIFY(combo);
    combo->setCurrentIndex(combo->findData(static_cast<int>(bw::TrackKind::Observed)));
    QCOMPARE(chart.track(), bw::TrackKind::Observed);
    QCOMPARE(chart.data().opens.size(), 5U);
    QCOMPARE(chart.points(Series::Alerts).size(), 1);
}

void TestFlappingChart::noDataYet_data()
{
    QTest::addColumn<int>("service");
    QTest::addColumn<bool>("observed");

    QTest::newRow("no states") << 0 << false;
    QTest::newRow("index out of range") << 4 << false;
    QTest::newRow("no real breaker") << 0 << true;
}

void TestFlappingChart::noDataYet()
{
    QFETCH(int, service);
    QFETCH(bool, observed);

    bw::FleetHistory history(1);
    if (observed)
        feedFiveOpens(history, bw::TrackKind::Simulated);
    bw::FlappingChart chart(history);
    chart.resize(900, 700);
    chart.setService(service, u"checkout"_s);
    if (observed)
        chart.setTrack(bw::TrackKind::Observed);
    chart.refresh(kNow);

    QVERIFY(chart.showsNoData(Pane::Opens));
    QVERIFY(chart.showsNoData(Pane::PercentStateChange));
    const QList<QLabel *> labels = chart.findChildren<QLabel *>(u"noData"_s);
    QCOMPARE(labels.size(), 2);
    for (const QLabel *label : labels) {
        QVERIFY(label->isVisibleTo(&chart));
        QVERIFY(label->text().startsWith(u"No data yet"_s));
    }
}

void TestFlappingChart::exportFiles_data()
{
    QTest::addColumn<QString>("file");
    QTest::newRow("png") << u"flapping.png"_s;
    QTest::newRow("svg") << u"flapping.svg"_s;
}

void TestFlappingChart::exportFiles()
{
    QFETCH(QString, file);

    bw::FleetHistory history(1);
    feedFiveOpens(history);
    bw::FlappingChart chart(history);
    chart.resize(900, 700);
    chart.setService(0, u"checkout"_s);
    chart.refresh(kNow);

    const QTemporaryDir dir;
    const QString path = dir.filePath(file);
    QVERIFY(chart.saveAs(path, QSize(1000, 700)));
    QFile out(path);
    QVERIFY(out.open(QIODevice::ReadOnly));
    const QByteArray bytes = out.readAll();
    QVERIFY(bytes.size() > 1000);
    if (file.endsWith(u"svg"_s)) {
        QVERIFY(bytes.contains("<svg"));
        QVERIFY(bytes.contains("Percent state change"));
    } else {
        QCOMPARE(QImage(path).size(), QSize(1000, 700));
    }
}

void TestFlappingChart::followsThePalette_data()
{
    QTest::addColumn<bool>("dark");
    QTest::newRow("light") << false;
    QTest::newRow("dark") << true;
}

void TestFlappingChart::followsThePalette()
{
    QFETCH(bool, dark);

    // An hour of a flapping service from the synthetic fleet: calm, then an episode starting 20 min in.
    bw::FleetHistory history;
    const chartscenario::FlappingHour scenario = chartscenario::flappingHour(history);
    QVERIFY(scenario.service >= 0 && scenario.now > 0);

    bw::FlappingChart chart(history);
    chart.setPalette(paletteFor(dark));
    chart.resize(1000, 760);
    chart.setService(scenario.service, scenario.name);
    chart.refresh(scenario.now);
    QVERIFY(!chart.showsNoData(Pane::Opens));
    QVERIFY(!chart.data().opens.empty());
    QCOMPARE(chart.points(Series::Alerts).size(), 1); // it crossed the threshold inside the hour

    const QImage image = chart.renderToImage(QSize(1000, 720));
    QCOMPARE(image.size(), QSize(1000, 720));
    QCOMPARE(image.pixelColor(2, 2).lightness() < 128, dark);

    if (const QByteArray dir = qgetenv("BW_CHART_SNAPSHOT_DIR"); !dir.isEmpty()) {
        const QString name = dark ? u"flapping-dark.png"_s : u"flapping-light.png"_s;
        QVERIFY(image.save(QDir(QString::fromLocal8Bit(dir)).filePath(name)));
    }
}

QTEST_MAIN(TestFlappingChart)
#include "tst_flappingchart.moc"
