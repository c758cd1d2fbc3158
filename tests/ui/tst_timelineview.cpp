// TimelineView offscreen: clicks select services, wheel zoom keeps the time under the cursor, drag pans, End
// resumes live, hover explains a known run, rendering uses the state colours, SVG export. With
// BW_TIMELINE_SNAPSHOT_DIR set, also writes PNG snapshots of a realistic fleet (light and dark) to look at.
#include "demo/syntheticfleet.h"
#include "history/fleethistory.h"
#include "timeline/statepalette.h"
#include "timeline/timelineview.h"

#include <QApplication>
#include <QDir>
#include <QRegularExpression>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QWheelEvent>

using namespace Qt::StringLiterals;
using bw::BreakerState;
using bw::TrackKind;

namespace {

constexpr qint64 kMinute = 60'000;
constexpr qint64 kHour = 3'600'000;
constexpr qint64 kNow = 1'700'000'000'000; // Tue 14 Nov 2023 22:13:20 UTC

QPalette darkPalette()
{
    QPalette p;
    p.setColor(QPalette::Window, QColor(0x2b, 0x2d, 0x30));
    p.setColor(QPalette::WindowText, QColor(0xe6, 0xe6, 0xe6));
    p.setColor(QPalette::Base, QColor(0x1e, 0x1f, 0x22));
    p.setColor(QPalette::AlternateBase, QColor(0x26, 0x27, 0x2a));
    p.setColor(QPalette::Text, QColor(0xe6, 0xe6, 0xe6));
    p.setColor(QPalette::Highlight, QColor(0x3d, 0x8e, 0xf0));
    p.setColor(QPalette::HighlightedText, Qt::white);
    return p;
}

QPalette lightPalette()
{
    QPalette p;
    p.setColor(QPalette::Window, QColor(0xef, 0xf0, 0xf1));
    p.setColor(QPalette::WindowText, QColor(0x23, 0x26, 0x29));
    p.setColor(QPalette::Base, Qt::white);
    p.setColor(QPalette::AlternateBase, QColor(0xf7, 0xf7, 0xf7));
    p.setColor(QPalette::Text, QColor(0x23, 0x26, 0x29));
    p.setColor(QPalette::Highlight, QColor(0x30, 0x8c, 0xc6));
    p.setColor(QPalette::HighlightedText, Qt::white);
    return p;
}

// Counts the paint events of the widget it filters.
struct PaintCounter final : QObject
{
    int count = 0;
    bool eventFilter(QObject *, QEvent *event) override
    {
        if (event->type() == QEvent::Paint)
            ++count;
        return false;
    }
};

} // namespace

class TestTimelineView final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void clickSelectsTheService_data();
    void clickSelectsTheService();
    void wheelZoomsAroundTheCursor();
    void dragPansAndLeavesLive();
    void endResumesLive();
    void keyboard();
    void hoverExplainsAKnownRun();
    void hoverNamesAFlappingStretch();
    void hoverOffTheBands();
    void scrollsWhenRowsDoNotFit();
    void rendersStateColoursAndFollowsThePalette();
    void svgExport();
    void snapshots();
    void foldsABreakerOverItsInstances();
    void rowsFollowTheOverviewsOrder();
    void liveChangesWaitForTheTickPausedOnesShowAtOnce();

private:
    bw::TimelineLayout layout() const;
    QPoint bandPoint(int row, TrackKind track, qint64 t) const;

    qint64 m_now = kNow;
    std::unique_ptr<bw::FleetHistory> m_history;
    std::unique_ptr<bw::TimelineView> m_view;
};

void TestTimelineView::init()
{
    m_now = kNow;
    m_history = std::make_unique<bw::FleetHistory>(40);
    for (int i = 0; i < 40; ++i)
        m_history->appendState(i, TrackKind::Simulated, kNow - 2 * kHour, BreakerState::Closed);
    // Service 1: open for 20 minutes, 40 to 20 minutes ago; its real breaker opened a bit later.
    m_history->appendState(1, TrackKind::Simulated, kNow - 40 * kMinute, BreakerState::Open,
                           u"failure rate 62.5% >= 50% over the last 20 calls"_s);
    m_history->appendState(1, TrackKind::Simulated, kNow - 20 * kMinute, BreakerState::HalfOpen,
                           u"open for 20m: trying a probe"_s);
    m_history->appendState(1, TrackKind::Simulated, kNow - 19 * kMinute, BreakerState::Closed,
                           u"probe call succeeded"_s);
    m_history->appendState(1, TrackKind::Observed, kNow - 2 * kHour, BreakerState::Closed);
    m_history->appendState(1, TrackKind::Observed, kNow - 38 * kMinute, BreakerState::Open, u"reported"_s);
    // Service 2: 20 one-second runs, open and half-open, 50 minutes ago: narrower than 3 px at 1 h.
    for (int k = 0; k < 20; ++k) {
        m_history->appendState(2, TrackKind::Simulated, kNow - 50 * kMinute + k * 1000,
                               k % 2 ? BreakerState::HalfOpen : BreakerState::Open, u"flap %1"_s.arg(k));
    }
    m_history->appendState(2, TrackKind::Simulated, kNow - 50 * kMinute + 20'000, BreakerState::Closed,
                           u"probe call succeeded"_s);
    // The latest poll, a second ago: every simulated breaker and the real one of service 1 report their state.
    for (int i = 0; i < 40; ++i) {
        const auto &service = m_history->service(i);
        m_history->appendState(i, TrackKind::Simulated, kNow - 1000,
                               *service.track(TrackKind::Simulated).currentState());
    }
    m_history->appendState(1, TrackKind::Observed, kNow - 1000, BreakerState::Open);
    QStringList names;
    for (int i = 0; i < 40; ++i)
        names << u"service-%1"_s.arg(i, 2, 10, QLatin1Char('0'));

    m_view = std::make_unique<bw::TimelineView>(m_history.get(), [this] { return m_now; });
    m_view->setPalette(lightPalette());
    m_view->setUtcOffsetSeconds(0);
    m_view->setServiceNames(names);
    m_view->setSpan(kHour);
    m_view->resize(1200, 600);
    m_view->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_view.get()));
}

void TestTimelineView::cleanup()
{
    m_view.reset();
    m_history.reset();
}

bw::TimelineLayout TestTimelineView::layout() const
{
    return bw::TimelineLayout(m_view->viewport()->size(), m_view->fontMetrics().height(),
                              m_view->verticalScrollBar()->value());
}

QPoint TestTimelineView::bandPoint(int row, TrackKind track, qint64 t) const
{
    const QRect band = layout().bandRect(row, track);
    return QPoint(static_cast<int>(std::lround(m_view->axis().xForTime(t))), band.center().y());
}

void TestTimelineView::clickSelectsTheService_data()
{
    QTest::addColumn<int>("row");
    QTest::addColumn<int>("where"); // 0: gutter, 1: sim band, 2: real band
    QTest::newRow("first row, on the name") << 0 << 0;
    QTest::newRow("second row, sim band") << 1 << 1;
    QTest::newRow("fourth row, real band") << 3 << 2;
}

void TestTimelineView::clickSelectsTheService()
{
    QFETCH(int, row);
    QFETCH(int, where);
    QSignalSpy activated(m_view.get(), &bw::TimelineView::serviceActivated);
    const bw::TimelineLayout l = layout();
    QPoint pos = where == 0   ? QPoint(20, l.rowRect(row).center().y())
                 : where == 1 ? bandPoint(row, TrackKind::Simulated, kNow - 10 * kMinute)
                              : bandPoint(row, TrackKind::Observed, kNow - 10 * kMinute);
    QTest::mouseClick(m_view->viewport(), Qt::LeftButton, {}, pos);
    QCOMPARE(activated.count(), 1);
    QCOMPARE(activated.at(0).at(0).toInt(), row);
    QCOMPARE(m_view->selectedService(), row);

    // The header selects nothing.
    QTest::mouseClick(m_view->viewport(), Qt::LeftButton, {}, QPoint(400, 5));
    QCOMPARE(activated.count(), 1);
}

void TestTimelineView::wheelZoomsAroundTheCursor()
{
    QVERIFY(m_view->isLive());
    QSignalSpy live(m_view.get(), &bw::TimelineView::liveChanged);
    const QPoint pos = bandPoint(2, TrackKind::Simulated, kNow - 45 * kMinute);
    const qint64 under = m_view->axis().timeForX(pos.x());
    const qint64 span = m_view->axis().span();
    QWheelEvent wheel(pos, m_view->viewport()->mapToGlobal(pos), QPoint(), QPoint(0, 120), Qt::NoButton, Qt::NoModifier,
                      Qt::NoScrollPhase, false);
    QApplication::sendEvent(m_view->viewport(), &wheel);
    QCOMPARE(m_view->axis().span(), qint64(std::llround(span * 0.8)));
    QVERIFY(std::abs(m_view->axis().timeForX(pos.x()) - under) <= 2'000); // within a pixel
    QVERIFY(!m_view->isLive());
    QCOMPARE(live.count(), 1);

    QWheelEvent out(pos, m_view->viewport()->mapToGlobal(pos), QPoint(), QPoint(0, -240), Qt::NoButton, Qt::NoModifier,
                    Qt::NoScrollPhase, false);
    QApplication::sendEvent(m_view->viewport(), &out);
    QVERIFY(m_view->axis().span() > span);
    QVERIFY(std::abs(m_view->axis().timeForX(pos.x()) - under) <= 3'000);

    // Over the names, the wheel scrolls the rows instead.
    const qint64 before = m_view->axis().span();
    const QPoint gutter(20, 200);
    QWheelEvent scroll(gutter, m_view->viewport()->mapToGlobal(gutter), QPoint(), QPoint(0, -120), Qt::NoButton,
                       Qt::NoModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(m_view->viewport(), &scroll);
    QCOMPARE(m_view->axis().span(), before);
    QVERIFY(m_view->verticalScrollBar()->value() > 0);
}

void TestTimelineView::dragPansAndLeavesLive()
{
    const qint64 start = m_view->axis().start();
    const QPoint from = bandPoint(0, TrackKind::Simulated, kNow - 30 * kMinute);
    QSignalSpy activated(m_view.get(), &bw::TimelineView::serviceActivated);
    QTest::mousePress(m_view->viewport(), Qt::LeftButton, {}, from);
    QMouseEvent move(QEvent::MouseMove, QPointF(from + QPoint(100, 0)),
                     m_view->viewport()->mapToGlobal(QPointF(from + QPoint(100, 0))), Qt::NoButton, Qt::LeftButton,
                     Qt::NoModifier);
    QApplication::sendEvent(m_view->viewport(), &move);
    QTest::mouseRelease(m_view->viewport(), Qt::LeftButton, {}, from + QPoint(100, 0));
    const double msPerPixel = m_view->axis().msPerPixel();
    QVERIFY(std::abs(double(start - m_view->axis().start()) - 100 * msPerPixel) <= msPerPixel);
    QVERIFY(!m_view->isLive());
    QCOMPARE(activated.count(), 0); // a drag is not a click
}

void TestTimelineView::endResumesLive()
{
    m_view->setVisibleRange(kNow - 3 * kHour, kNow - 2 * kHour);
    QVERIFY(!m_view->isLive());
    m_now += 5'000;
    QTest::keyClick(m_view.get(), Qt::Key_End);
    QVERIFY(m_view->isLive());
    QCOMPARE(m_view->axis().end(), m_now);
    QCOMPARE(m_view->axis().span(), kHour);

    // Live: the right edge follows the clock.
    m_now += 60'000;
    m_view->renderToImage(QSize(400, 200));
    QCOMPARE(m_view->axis().end(), m_now);

    m_view->setVisibleRange(kNow - 3 * kHour, kNow - 2 * kHour);
    m_view->followLive();
    QVERIFY(m_view->isLive());
    QCOMPARE(m_view->axis().end(), m_now);
}

void TestTimelineView::keyboard()
{
    QSignalSpy activated(m_view.get(), &bw::TimelineView::serviceActivated);
    QTest::keyClick(m_view.get(), Qt::Key_Down);
    QCOMPARE(m_view->selectedService(), 0);
    QTest::keyClick(m_view.get(), Qt::Key_Down);
    QTest::keyClick(m_view.get(), Qt::Key_Down);
    QTest::keyClick(m_view.get(), Qt::Key_Up);
    QCOMPARE(m_view->selectedService(), 1);
    QCOMPARE(activated.count(), 4);
    QCOMPARE(activated.last().at(0).toInt(), 1);

    const qint64 span = m_view->axis().span();
    QTest::keyClick(m_view.get(), Qt::Key_Plus);
    QCOMPARE(m_view->axis().span(), span / 2);
    QTest::keyClick(m_view.get(), Qt::Key_Minus);
    QCOMPARE(m_view->axis().span(), span);
    const qint64 start = m_view->axis().start();
    QTest::keyClick(m_view.get(), Qt::Key_Left);
    QVERIFY(m_view->axis().start() < start);
    QTest::keyClick(m_view.get(), Qt::Key_Right);
    QVERIFY(std::abs(m_view->axis().start() - start) <= 1);
    QVERIFY(!m_view->isLive());

    for (int i = 0; i < 45; ++i)
        QTest::keyClick(m_view.get(), Qt::Key_Down);
    QCOMPARE(m_view->selectedService(), 39);
    QVERIFY(m_view->verticalScrollBar()->value() > 0); // scrolled to keep it in view
}

void TestTimelineView::hoverExplainsAKnownRun()
{
    const QString sim = m_view->hoverText(bandPoint(1, TrackKind::Simulated, kNow - 30 * kMinute));
    QCOMPARE(sim, u"service-01 · simulated breaker\n"
                  "OPEN from 21:33:20, for 20m\n"
                  "from CLOSED: failure rate 62.5% >= 50% over the last 20 calls"_s);

    // The real breaker is still open: its current run reaches now.
    const QString real = m_view->hoverText(bandPoint(1, TrackKind::Observed, kNow - 10 * kMinute));
    QVERIFY2(
        real.startsWith(u"service-01 · real breaker (reported by the service)\nOPEN since 21:35:20, for 38m so far"_s),
        qPrintable(real));

    // The first run of a track has no transition before it.
    const QString closed = m_view->hoverText(bandPoint(0, TrackKind::Simulated, kNow - 30 * kMinute));
    QCOMPARE(closed, u"service-00 · simulated breaker\nCLOSED since 20:13:20, for 2h so far"_s);
}

void TestTimelineView::hoverNamesAFlappingStretch()
{
    const QString text = m_view->hoverText(bandPoint(2, TrackKind::Simulated, kNow - 50 * kMinute + 4'500));
    QVERIFY2(text.contains(u"flapping: 20 changes from 21:23:20 to 21:23:40, mostly OPEN"_s), qPrintable(text));
    QVERIFY2(text.contains(u"from OPEN: flap "_s) || text.contains(u"from HALF-OPEN: flap "_s), qPrintable(text));
}

void TestTimelineView::hoverOffTheBands()
{
    QVERIFY(m_view->hoverText(QPoint(10, 5)).isEmpty());                                // header
    QVERIFY(m_view->hoverText(QPoint(10, layout().rowRect(0).center().y())).isEmpty()); // gutter
    const QString noData = m_view->hoverText(bandPoint(0, TrackKind::Observed, kNow - 30 * kMinute));
    QVERIFY2(noData.startsWith(u"service-00 · real breaker (reported by the service)\nno data at 21:43:"_s),
             qPrintable(noData)); // the time of the pixel: 21:43:20 give or take a pixel's worth
}

void TestTimelineView::scrollsWhenRowsDoNotFit()
{
    QCOMPARE(m_view->rowCount(), 40);
    QVERIFY(m_view->verticalScrollBar()->maximum() > 0);
    m_view->setSelectedService(30);
    const bw::TimelineLayout l = layout();
    QVERIFY(l.rowRect(30).top() >= l.headerHeight());
    QVERIFY(l.rowRect(30).bottom() < m_view->viewport()->height());
    m_view->setSelectedService(99);
    QCOMPARE(m_view->selectedService(), -1);
}

void TestTimelineView::rendersStateColoursAndFollowsThePalette()
{
    const QSize size = m_view->viewport()->size();
    QImage image = m_view->renderToImage(size);
    QCOMPARE(image.size(), size);
    const QPoint open = bandPoint(1, TrackKind::Simulated, kNow - 25 * kMinute) + QPoint(0, 3);
    QCOMPARE(QColor(image.pixel(open)), bw::StatePalette::fill(BreakerState::Open));
    const QPoint closed = bandPoint(0, TrackKind::Simulated, kNow - 25 * kMinute) + QPoint(0, 3);
    QCOMPARE(QColor(image.pixel(closed)), bw::StatePalette::displayFill(BreakerState::Closed, Qt::white));
    const QPoint empty(layout().plotRect().right() - 2, layout().rowRect(0).top() + 1);
    QCOMPARE(QColor(image.pixel(empty)), QColor(Qt::white));

    m_view->setPalette(darkPalette());
    image = m_view->renderToImage(size);
    QCOMPARE(QColor(image.pixel(empty)), QColor(0x1e, 0x1f, 0x22));
    QCOMPARE(QColor(image.pixel(open)), bw::StatePalette::fill(BreakerState::Open)); // state colours stay
}

void TestTimelineView::svgExport()
{
    QTemporaryDir dir;
    const QString file = dir.filePath(u"timeline.svg"_s);
    QVERIFY(m_view->renderToSvg(file, QSize(800, 400)));
    QFile svg(file);
    QVERIFY(svg.open(QIODevice::ReadOnly));
    const QByteArray text = svg.readAll();
    QVERIFY(text.contains("<svg"));
    QVERIFY(text.contains("service-01"));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"could not open output device"_s));
    QTest::ignoreMessage(QtWarningMsg, "QPainter::begin(): Returned false");
    QVERIFY(!m_view->renderToSvg(dir.filePath(u"no/such/dir/timeline.svg"_s)));
}

void TestTimelineView::snapshots()
{
    const QString dirName = qEnvironmentVariable("BW_TIMELINE_SNAPSHOT_DIR");
    if (dirName.isEmpty())
        QSKIP("set BW_TIMELINE_SNAPSHOT_DIR to write timeline snapshots");
    QDir().mkpath(dirName);
    const QDir dir(dirName);

    // 30 services, 2 hours of 1 s history; flapping ones, an operator's forced open and a disabled breaker.
    bw::SyntheticFleet::Options options;
    options.services = 30;
    options.seed = 5;
    options.flappingShare = 0.1;
    options.startMs = kNow - 2 * kHour;
    bw::SyntheticFleet fleet(options);
    bw::FleetHistory history(options.services);
    fleet.fill(history, kNow - 2 * kHour, kNow - 85 * kMinute);
    fleet.operatorAction(history, 5, kNow - 85 * kMinute, BreakerState::ForcedOpen, 15 * kMinute);
    fleet.fill(history, kNow - 85 * kMinute, kNow - 50 * kMinute);
    fleet.operatorAction(history, 11, kNow - 50 * kMinute, BreakerState::Disabled, 20 * kMinute);
    fleet.fill(history, kNow - 50 * kMinute, kNow - 30 * kMinute);
    fleet.operatorAction(history, 14, kNow - 30 * kMinute, BreakerState::MetricsOnly, 0);
    fleet.fill(history, kNow - 30 * kMinute, kNow);

    bw::TimelineView view(&history, [] { return kNow; });
    view.setUtcOffsetSeconds(0);
    view.setServiceNames(fleet.names());
    view.setSpan(2 * kHour);
    view.resize(1600, 1000);
    view.setSelectedService(3);
    for (const auto &[name, palette] :
         {std::pair{u"timeline.png"_s, lightPalette()}, std::pair{u"timeline-dark.png"_s, darkPalette()}}) {
        view.setPalette(palette);
        QVERIFY(view.renderToImage(QSize(1600, 1000)).save(dir.filePath(name)));
    }
    // At 1:1 scale, to judge the text: a small window, light and dark, with the mouse over "orders".
    const QPoint over(700, bw::TimelineLayout(QSize(960, 540), view.fontMetrics().height()).rowRect(3).center().y());
    QMouseEvent move(QEvent::MouseMove, QPointF(over), QPointF(over), Qt::NoButton, Qt::NoButton, Qt::NoModifier);
    QApplication::sendEvent(view.viewport(), &move);
    QVERIFY(view.renderToImage(QSize(960, 540)).save(dir.filePath(u"timeline-small-dark.png"_s)));
    view.setPalette(lightPalette());
    QVERIFY(view.renderToImage(QSize(960, 540)).save(dir.filePath(u"timeline-small.png"_s)));
    view.setSpan(10 * kMinute);
    QVERIFY(view.renderToImage(QSize(1600, 1000)).save(dir.filePath(u"timeline-10min.png"_s)));
    view.setVisibleRange(kNow - 82 * kMinute, kNow - 74 * kMinute); // into the flapping of "orders"
    view.setSelectedService(14);
    QVERIFY(view.renderToImage(QSize(1600, 1000)).save(dir.filePath(u"timeline-flapping-zoom.png"_s)));
    view.followLive();
    view.setSpan(24 * kHour);
    QVERIFY(view.renderToImage(QSize(1600, 1000)).save(dir.filePath(u"timeline-24h.png"_s)));
    QVERIFY(view.renderToSvg(dir.filePath(u"timeline.svg"_s), QSize(1600, 1000)));
    qInfo("snapshots in %s", qPrintable(dir.absolutePath()));
}

void TestTimelineView::rowsFollowTheOverviewsOrder()
{
    QList<bw::BreakerId> ids;
    for (int i = 0; i < 3; ++i)
        ids << bw::BreakerId{u"checkout"_s, u"i%1"_s.arg(i), u"paymentGateway"_s};
    for (int i = 3; i < 6; ++i)
        ids << bw::BreakerId{u"service-%1"_s.arg(i), u"h:80"_s, {}};
    m_view->setBreakers(ids);
    QCOMPARE(m_view->rowName(0), u"checkout/paymentGateway"_s);
    // The overview puts service-5 first, then checkout's i2 (so the folded breaker ranks second), then service-3;
    // service-4 is not in the overview (filtered out): it comes last.
    m_view->setRowOrder({ids[5], ids[2], ids[3], ids[0], ids[1]});
    QCOMPARE(m_view->rowCount(), 4);
    QCOMPARE(m_view->rowName(0), u"service-5@h:80"_s);
    QCOMPARE(m_view->rowName(1), u"checkout/paymentGateway"_s);
    QCOMPARE(m_view->historyRowsOf(1), (std::vector<int>{2, 0, 1})); // its instances in that order too
    QCOMPARE(m_view->rowName(2), u"service-3@h:80"_s);
    QCOMPARE(m_view->rowName(3), u"service-4@h:80"_s);
    // Unfolded, its instances follow the same order; the selection stays on its breaker wherever it moves.
    m_view->setUnfolded(u"checkout/paymentGateway"_s, true);
    QCOMPARE(m_view->rowName(2), u"checkout/paymentGateway@i2"_s);
    m_view->setSelectedService(5);
    m_view->setRowOrder({ids[0], ids[1], ids[2], ids[3], ids[4], ids[5]});
    QCOMPARE(m_view->rowName(0), u"checkout/paymentGateway"_s);
    QCOMPARE(m_view->selectedService(), 5);
    m_view->setUnfolded(u"checkout/paymentGateway"_s, false);
}

void TestTimelineView::liveChangesWaitForTheTickPausedOnesShowAtOnce()
{
    // A 41st service is named before its history row exists (the store grows rows after the monitor names them).
    QStringList names;
    for (int i = 0; i < 41; ++i)
        names << u"service-%1"_s.arg(i, 2, 10, QLatin1Char('0'));
    m_view->setServiceNames(names);
    QCOMPARE(m_view->rowCount(), 40);
    QVERIFY(m_view->isLive());

    // Live: the view repaints once a second anyway, so the change waits for that tick, not 40 ms. Right after a
    // tick's repaint, the next one is a second away.
    PaintCounter paints;
    m_view->viewport()->installEventFilter(&paints);
    QTest::qWait(100);
    const int before = paints.count;
    QTRY_VERIFY_WITH_TIMEOUT(paints.count > before, 1500);
    m_history->resize(41);
    m_view->historyChanged();
    QTest::qWait(300);
    QCOMPARE(m_view->rowCount(), 40);
    QTRY_COMPARE_WITH_TIMEOUT(m_view->rowCount(), 41, 1500);

    // Paused (dragged back): at once, since nothing else would repaint it.
    QTest::keyClick(m_view.get(), Qt::Key_Left);
    QVERIFY(!m_view->isLive());
    names << u"service-41"_s;
    m_view->setServiceNames(names); // rebuilds: still 41 rows, the 42nd has no history yet
    QCOMPARE(m_view->rowCount(), 41);
    m_history->resize(42);
    m_view->historyChanged();
    QTRY_COMPARE_WITH_TIMEOUT(m_view->rowCount(), 42, 150);
}

void TestTimelineView::foldsABreakerOverItsInstances()
{
    // History rows 0-2: one breaker on three instances (row 1 opened 40 to 20 minutes ago); the rest on one each.
    QList<bw::BreakerId> ids;
    for (int i = 0; i < 3; ++i)
        ids << bw::BreakerId{u"checkout"_s, u"i%1"_s.arg(i), u"paymentGateway"_s};
    for (int i = 3; i < 40; ++i)
        ids << bw::BreakerId{u"service-%1"_s.arg(i), u"h:80"_s, {}};
    m_view->setBreakers(ids);
    QCOMPARE(m_view->rowCount(), 1 + 37);
    QCOMPARE(m_view->rowName(0), u"checkout/paymentGateway"_s);
    QVERIFY(m_view->isFoldedRow(0));
    QCOMPARE(m_view->historyRowsOf(0), (std::vector<int>{0, 1, 2}));
    QCOMPARE(m_view->rowName(1), u"service-3@h:80"_s);

    // The folded band is open where one instance was, and says how many.
    const QString hover = m_view->hoverText(bandPoint(0, TrackKind::Simulated, kNow - 30 * kMinute));
    QVERIFY2(hover.startsWith(u"checkout/paymentGateway on 3 instances · simulated breaker"_s), qPrintable(hover));
    QVERIFY2(hover.contains(u"1 open, 2 closed of 3 instances with data"_s), qPrintable(hover));
    const QImage image = m_view->renderToImage(m_view->viewport()->size());
    QCOMPARE(QColor(image.pixel(bandPoint(0, TrackKind::Simulated, kNow - 25 * kMinute) + QPoint(0, 3))),
             bw::StatePalette::fill(BreakerState::Open));
    QCOMPARE(QColor(image.pixel(bandPoint(0, TrackKind::Simulated, kNow - 10 * kMinute) + QPoint(0, 3))),
             bw::StatePalette::displayFill(BreakerState::Closed, Qt::white));

    // A click on the band selects the breaker (its first instance); its instances stay folded.
    QSignalSpy activated(m_view.get(), &bw::TimelineView::serviceActivated);
    QTest::mouseClick(m_view->viewport(), Qt::LeftButton, {}, bandPoint(0, TrackKind::Simulated, kNow - 5 * kMinute));
    QCOMPARE(activated.count(), 1);
    QCOMPARE(activated.at(0).at(0).toInt(), 0);
    QCOMPARE(m_view->rowCount(), 38);

    // The triangle unfolds it: a row per instance below it, each drawing its own history.
    QTest::mouseClick(m_view->viewport(), Qt::LeftButton, {}, QPoint(8, layout().rowRect(0).center().y()));
    QVERIFY(m_view->isUnfolded(u"checkout/paymentGateway"_s));
    QCOMPARE(m_view->rowCount(), 1 + 3 + 37);
    QVERIFY(!m_view->isFoldedRow(0));
    QCOMPARE(m_view->historyRowsOf(2), std::vector<int>{1});
    QCOMPARE(m_view->rowName(2), u"checkout/paymentGateway@i1"_s);
    QVERIFY2(m_view->hoverText(bandPoint(2, TrackKind::Simulated, kNow - 30 * kMinute)).contains(u"OPEN from"_s),
             qPrintable(m_view->hoverText(bandPoint(2, TrackKind::Simulated, kNow - 30 * kMinute))));
    // Selecting the second instance (from the overview) highlights its own row; Down moves to the third.
    m_view->setSelectedService(1);
    m_view->setFocus();
    QTest::keyClick(m_view.get(), Qt::Key_Down);
    QCOMPARE(m_view->selectedService(), 2);
    // Space folds it again.
    QTest::keyClick(m_view.get(), Qt::Key_Space);
    QVERIFY(!m_view->isUnfolded(u"checkout/paymentGateway"_s));
    QCOMPARE(m_view->rowCount(), 38);
    QCOMPARE(m_view->selectedService(), 2); // still selected, shown by its breaker's folded row
}

QTEST_MAIN(TestTimelineView)
#include "tst_timelineview.moc"
