// FleetWallView offscreen, fed by hand through a ServiceTableModel (no fleet, no network): the tile-colour rule, the
// layout fitting 10 to 5,000 breakers into the widget, hit testing, clicks and keys, grouping captions and counts,
// tooltips, and a change to one breaker repainting only its tile. With BW_WRITE_SCREENSHOTS=dir, also writes PNGs
// of synthetic walls (1,000 and 5,000 breakers, light and dark, 1920x1080 and 1280x800) to look at.
#include "../support/syntheticwall.h"

#include "fleetwall/fleetwalllayout.h"
#include "fleetwall/fleetwalltile.h"
#include "fleetwall/fleetwallview.h"
#include "models/servicetablemodel.h"
#include "theme/theme.h"
#include "timeline/statepalette.h"

#include <QApplication>
#include <QDir>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using bw::BreakerId;
using bw::BreakerState;

Q_DECLARE_METATYPE(std::optional<bw::BreakerState>)

namespace {

constexpr qint64 kNow = 1'700'000'000'000;

bw::BreakerStatus status(const QString &service, const QString &instance, const QString &breaker,
                         BreakerState state = BreakerState::Closed)
{
    bw::BreakerStatus s;
    s.id = {service, instance, breaker};
    s.name = s.id.key();
    s.state = state;
    s.stateSinceMs = kNow - 60'000;
    return s;
}

struct Wall
{
    explicit Wall(std::vector<bw::BreakerStatus> statuses, QHash<QString, QVariantMap> labels = {},
                  QSize size = {1920, 1080})
    {
        model.setLabelsOf([labels](const BreakerId &id) { return labels.value(id.service); });
        model.setBreakers(std::move(statuses));
        view.resize(size);
        view.show(); // offscreen; a hidden widget gets its resize (and its viewport's size) only when shown
    }
    bw::ServiceTableModel model;
    bw::FleetWallView view{&model, [] { return kNow; }};
};

QVariantMap team(const QString &name)
{
    QVariantMap labels;
    labels.insert(u"team"_s, name);
    return labels;
}

// Six breakers of three services; payments's team has two services, search has no team label.
Wall *smallWall()
{
    std::vector<bw::BreakerStatus> s{
        status(u"checkout"_s, u"a:1"_s, {}),
        status(u"checkout"_s, u"a:2"_s, {}, BreakerState::Open),
        status(u"payments"_s, u"p:1"_s, {}, BreakerState::HalfOpen),
        status(u"payments"_s, u"p:1"_s, u"gateway"_s),
        status(u"ledger"_s, u"l:1"_s, {}),
        status(u"search"_s, u"s:1"_s, {}),
    };
    s[3].flapping = true;
    QHash<QString, QVariantMap> labels{
        {u"checkout"_s, team(u"checkout"_s)}, {u"payments"_s, team(u"payments"_s)}, {u"ledger"_s, team(u"payments"_s)}};
    return new Wall(std::move(s), labels, {800, 400});
}

} // namespace

class TestFleetWallView final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void tileRule_data();
    void tileRule();
    void tileColours();
    void layoutFitsTheWidget_data();
    void layoutFitsTheWidget();
    void layoutPicksTheLargestTileThatFits();
    void hitTestFindsTheBreaker();
    void clickActivatesTheBreaker();
    void groupsByLabelWithCaptionsAndCounts();
    void aNarrowGroupShowsItsNameAndWhatIsWrong();
    void toolTipSaysWhoWhatSinceWhenWhy();
    void keyboardMovesAndActivates();
    void currentBreakerIsOutlinedWithoutActivating();
    void aChangeRepaintsOnlyItsTile();
    void screenshots_data();
    void screenshots();
};

void TestFleetWallView::tileRule_data()
{
    QTest::addColumn<BreakerState>("simulated");
    QTest::addColumn<std::optional<BreakerState>>("observed");
    QTest::addColumn<bool>("flapping");
    QTest::addColumn<bool>("stale");
    QTest::addColumn<BreakerState>("shown");
    QTest::addColumn<bool>("fromObserved");
    QTest::addColumn<bool>("broken");
    QTest::addColumn<bool>("emphasised");
    using S = BreakerState;
    const std::optional<S> none;
    QTest::newRow("closed") << S::Closed << none << false << false << S::Closed << false << false << false;
    QTest::newRow("open") << S::Open << none << false << false << S::Open << false << true << true;
    QTest::newRow("half-open") << S::HalfOpen << none << false << false << S::HalfOpen << false << true << true;
    QTest::newRow("forced open") << S::ForcedOpen << none << false << false << S::ForcedOpen << false << true << true;
    QTest::newRow("disabled is calm") << S::Disabled << none << false << false << S::Disabled << false << false
                                      << false;
    QTest::newRow("real open beats simulated closed")
        << S::Closed << std::optional(S::Open) << false << false << S::Open << true << true << true;
    QTest::newRow("real half-open beats simulated closed")
        << S::Closed << std::optional(S::HalfOpen) << false << false << S::HalfOpen << true << true << true;
    QTest::newRow("simulated open beats real half-open")
        << S::Open << std::optional(S::HalfOpen) << false << false << S::Open << false << true << true;
    QTest::newRow("open beats forced open")
        << S::ForcedOpen << std::optional(S::Open) << false << false << S::Open << true << true << true;
    QTest::newRow("a tie shows the simulated one")
        << S::Open << std::optional(S::Open) << false << false << S::Open << false << true << true;
    QTest::newRow("real closed does not hide simulated open")
        << S::Open << std::optional(S::Closed) << false << false << S::Open << false << true << true;
    QTest::newRow("flapping closed is emphasised")
        << S::Closed << none << true << false << S::Closed << false << false << true;
    QTest::newRow("stale flapping is not") << S::Closed << none << true << true << S::Closed << false << false << false;
    QTest::newRow("stale open is not broken") << S::Open << none << false << true << S::Open << false << false << false;
}

void TestFleetWallView::tileRule()
{
    QFETCH(BreakerState, simulated);
    QFETCH(std::optional<BreakerState>, observed);
    QFETCH(bool, flapping);
    QFETCH(bool, stale);
    QFETCH(BreakerState, shown);
    QFETCH(bool, fromObserved);
    QFETCH(bool, broken);
    QFETCH(bool, emphasised);
    const bw::FleetWallTile tile = bw::fleetWallTile(simulated, observed, flapping, stale);
    QCOMPARE(tile.state, shown);
    QCOMPARE(tile.fromObserved, fromObserved);
    QCOMPARE(tile.flapping, flapping);
    QCOMPARE(tile.stale, stale);
    QCOMPARE(tile.broken(), broken);
    QCOMPARE(tile.emphasised(), emphasised);
}

void TestFleetWallView::tileColours()
{
    for (const QColor background : {QColor(Qt::white), QColor(0x1e, 0x1f, 0x22)}) {
        // Broken: the state's full colour; closed: toned down as the palette does it; stale: the same grey for
        // every state, unlike any live one.
        QCOMPARE(bw::fleetWallTileColours({BreakerState::Open}, background).fill,
                 bw::StatePalette::fill(BreakerState::Open));
        QCOMPARE(bw::fleetWallTileColours({BreakerState::HalfOpen}, background).fill,
                 bw::StatePalette::fill(BreakerState::HalfOpen));
        QCOMPARE(bw::fleetWallTileColours({BreakerState::Closed}, background).fill,
                 bw::StatePalette::displayFill(BreakerState::Closed, background));
        QVERIFY(bw::fleetWallTileColours({BreakerState::Disabled}, background).fill !=
                bw::StatePalette::fill(BreakerState::Disabled));
        // Flapping stands out like a broken tile even while closed right now.
        QCOMPARE(bw::fleetWallTileColours({BreakerState::Closed, false, true, false}, background).fill,
                 bw::StatePalette::fill(BreakerState::Closed));
        const QColor stale = bw::fleetWallTileColours({BreakerState::Open, false, false, true}, background).fill;
        QCOMPARE(stale, bw::fleetWallStaleColour(background));
        QCOMPARE(bw::fleetWallTileColours({BreakerState::Closed, false, false, true}, background).fill, stale);
        // Forced open, the hue twin of open, is a ring: an inner square of another colour.
        const auto forced = bw::fleetWallTileColours({BreakerState::ForcedOpen}, background);
        QCOMPARE(forced.fill, bw::StatePalette::fill(BreakerState::ForcedOpen));
        QVERIFY(forced.inner.isValid() && forced.inner != forced.fill);
        QVERIFY(!bw::fleetWallTileColours({BreakerState::Open}, background).inner.isValid());
    }
}

void TestFleetWallView::layoutFitsTheWidget_data()
{
    QTest::addColumn<int>("breakers");
    QTest::addColumn<QSize>("size");
    QTest::addColumn<QString>("label");
    for (const int n : {10, 1000, 5000})
        for (const QSize size : {QSize(1920, 1080), QSize(1280, 800)})
            for (const QString &label : {u"team"_s, QString()}) // 8 groups; hundreds of services, flowing
                QTest::addRow("%d at %dx%d by %s", n, size.width(), size.height(),
                              label.isEmpty() ? "service" : qPrintable(label))
                    << n << size << label;
}

void TestFleetWallView::layoutFitsTheWidget()
{
    QFETCH(int, breakers);
    QFETCH(QSize, size);
    QFETCH(QString, label);
    const bwtest::SyntheticWall synthetic = bwtest::makeWall(breakers, kNow);
    Wall wall(synthetic.statuses, synthetic.labelsOfService, size);
    wall.view.setGroupLabel(label);
    const bw::FleetWallLayout &layout = wall.view.wallLayout();
    QCOMPARE(layout.tileCount(), breakers);
    if (label.isEmpty() && breakers > 1000 && !layout.fits()) {
        // A thousand services, each with its caption, need not share a small screen: the smallest tiles, scrolling.
        QCOMPARE(layout.tileSize(), 6);
        QVERIFY(wall.view.verticalScrollBar()->maximum() > 0);
        return;
    }
    QVERIFY2(layout.fits(), qPrintable(u"content %1 px high"_s.arg(layout.contentHeight())));
    QVERIFY(layout.tileSize() >= 6 && layout.tileSize() <= 24);
    QCOMPARE(wall.view.verticalScrollBar()->maximum(), 0);

    // Every tile inside the viewport, none overlapping another or a caption.
    const QRect area = wall.view.viewport()->rect();
    std::vector<std::uint8_t> covered(static_cast<std::size_t>(area.width() * area.height()));
    auto cover = [&](const QRect &r) {
        QVERIFY2(area.contains(r), qPrintable(u"%1,%2 %3x%4"_s.arg(r.x()).arg(r.y()).arg(r.width()).arg(r.height())));
        for (int y = r.top(); y <= r.bottom(); ++y)
            for (int x = r.left(); x <= r.right(); ++x)
                QVERIFY(++covered[static_cast<std::size_t>(y * area.width() + x)] == 1);
    };
    for (const bw::BreakerStatus &s : synthetic.statuses)
        cover(wall.view.tileRect(s.id));
    for (int g = 0; g < layout.groupCount(); ++g)
        cover(layout.captionRect(g));
}

void TestFleetWallView::layoutPicksTheLargestTileThatFits()
{
    bw::FleetWallLayout::Params params;
    params.width = 1280;
    params.height = 800;
    for (const int n : {50, 800, 3000, 6000}) {
        const std::vector<bw::FleetWallLayout::Group> groups{{n / 2, 200}, {n / 3, 150}, {n - n / 2 - n / 3, 300}};
        const bw::FleetWallLayout layout(groups, params);
        QVERIFY(layout.fits());
        QCOMPARE(layout.tileCount(), n);
        if (layout.tileSize() < params.maxTile) {
            bw::FleetWallLayout::Params bigger = params;
            bigger.minTile = bigger.maxTile = layout.tileSize() + 1;
            QVERIFY2(!bw::FleetWallLayout(groups, bigger).fits(), qPrintable(QString::number(n)));
        }
    }
    // Fewer breakers get bigger tiles.
    QVERIFY(bw::FleetWallLayout({{800, 100}}, params).tileSize() >
            bw::FleetWallLayout({{6000, 100}}, params).tileSize());
    // More than even the smallest tiles can show: smallest tiles, and the view scrolls.
    const bw::FleetWallLayout overfull({{60'000, 100}}, params);
    QVERIFY(!overfull.fits());
    QCOMPARE(overfull.tileSize(), params.minTile);
    QVERIFY(overfull.contentHeight() > params.height);
}

void TestFleetWallView::hitTestFindsTheBreaker()
{
    const bwtest::SyntheticWall synthetic = bwtest::makeWall(1000, kNow);
    Wall wall(synthetic.statuses, synthetic.labelsOfService);
    wall.view.setGroupLabel(u"env"_s);
    for (std::size_t i = 0; i < synthetic.statuses.size(); i += 37) {
        const BreakerId &id = synthetic.statuses[i].id;
        const QRect r = wall.view.tileRect(id);
        QVERIFY(!r.isEmpty());
        QCOMPARE(wall.view.breakerAt(r.center()), std::optional(id));
        QCOMPARE(wall.view.breakerAt(r.topLeft()), std::optional(id));
        QCOMPARE(wall.view.breakerAt(r.bottomRight()), std::optional(id));
    }
    QCOMPARE(wall.view.breakerAt({1, 1}), std::nullopt); // the margin
    QCOMPARE(wall.view.breakerAt(wall.view.wallLayout().legendRect().center()), std::nullopt);
}

void TestFleetWallView::clickActivatesTheBreaker()
{
    std::unique_ptr<Wall> wall(smallWall());
    wall->view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&wall->view));
    QSignalSpy activated(&wall->view, &bw::FleetWallView::breakerActivated);
    const BreakerId payments{u"payments"_s, u"p:1"_s, u"gateway"_s};
    QTest::mouseClick(wall->view.viewport(), Qt::LeftButton, {}, wall->view.tileRect(payments).center());
    QCOMPARE(activated.size(), 1);
    QCOMPARE(activated.front().front().value<BreakerId>(), payments);
    QCOMPARE(wall->view.currentBreaker(), std::optional(payments));
    QTest::mouseClick(wall->view.viewport(), Qt::LeftButton, {}, {2, 2}); // off the tiles: nothing
    QCOMPARE(activated.size(), 1);
}

void TestFleetWallView::groupsByLabelWithCaptionsAndCounts()
{
    std::unique_ptr<Wall> wall(smallWall());
    // By service (the default), in name order.
    QCOMPARE(wall->view.captions(),
             (QStringList{u"checkout · 2 breakers · 1 open"_s, u"ledger · 1 breaker"_s,
                          u"payments · 2 breakers · 1 half-open · 1 flapping"_s, u"search · 1 breaker"_s}));
    wall->view.setGroupLabel(u"team"_s);
    QCOMPARE(wall->view.captions(), (QStringList{u"team = checkout · 2 breakers · 1 open"_s,
                                                 u"team = payments · 3 breakers · 1 half-open · 1 flapping"_s,
                                                 u"team = (none) · 1 breaker"_s}));
    QCOMPARE(wall->view.legendText(), u"6 breakers · 1 open · 1 half-open · 1 flapping"_s);
    // The tiles of a group sit under its caption, the groups in caption order.
    const bw::FleetWallLayout &layout = wall->view.wallLayout();
    QVERIFY(layout.groupRect(0).contains(wall->view.tileRect({u"checkout"_s, u"a:2"_s, {}})));
    QVERIFY(layout.groupRect(1).contains(wall->view.tileRect({u"ledger"_s, u"l:1"_s, {}})));
    QVERIFY(layout.groupRect(2).contains(wall->view.tileRect({u"search"_s, u"s:1"_s, {}})));

    // Counts follow updates without a relayout; a breaker found relays out.
    bw::BreakerStatus ledger = status(u"ledger"_s, u"l:1"_s, {}, BreakerState::Open);
    ledger.observedState = BreakerState::Open;
    wall->model.update(ledger.id, ledger);
    bw::BreakerStatus checkout = status(u"checkout"_s, u"a:1"_s, {});
    checkout.stale = true;
    wall->model.update(checkout.id, checkout);
    QCOMPARE(wall->view.captions().at(0), u"team = checkout · 2 breakers · 1 open · 1 stale"_s);
    QCOMPARE(wall->view.captions().at(1), u"team = payments · 3 breakers · 1 open · 1 half-open · 1 flapping"_s);
    wall->model.addBreaker(status(u"search"_s, u"s:2"_s, {}, BreakerState::ForcedOpen));
    QCOMPARE(wall->view.captions().at(2), u"team = (none) · 2 breakers · 1 forced open"_s);
    QCOMPARE(wall->view.legendText(), u"7 breakers · 2 open · 1 forced open · 1 half-open · 1 flapping · 1 stale"_s);
}

// 200 services of two instances by service, at 1280 × 800: groups are narrower than "svc-0007 · 2 breakers · 1 open",
// so they show the name and what is wrong in it as far as it fits (the chip has the worst state's colour), never a
// cut-off total.
void TestFleetWallView::aNarrowGroupShowsItsNameAndWhatIsWrong()
{
    std::vector<bw::BreakerStatus> s;
    for (int i = 0; i < 200; ++i)
        for (const QString &instance : {u"a:1"_s, u"a:2"_s})
            s.push_back(status(u"svc-%1"_s.arg(i, 4, 10, QChar(u'0')), instance, {},
                               i == 7 && instance == u"a:1" ? BreakerState::Open : BreakerState::Closed));
    Wall wall(std::move(s), {}, {1280, 800});
    QCOMPARE(wall.view.captions().at(7), u"svc-0007 · 2 breakers · 1 open"_s);
    QCOMPARE(wall.view.shownCaption(0), u"svc-0000"_s);
    QCOMPARE(wall.view.shownCaption(199), u"svc-0199"_s);
    const QString open = wall.view.shownCaption(7);
    QVERIFY2(open.startsWith(u"svc-0007"_s) && !open.contains(u"breakers"_s), qPrintable(open)); // + its open chip
    QVERIFY(wall.view.wallLayout().captionRect(7).width() <
            wall.view.fontMetrics().horizontalAdvance(wall.view.captions().at(7))); // it was narrow

    // A group as wide as 40 tiles shows its whole caption; the small wall's groups show the compact one.
    std::vector<bw::BreakerStatus> wide;
    for (int i = 0; i < 40; ++i)
        wide.push_back(status(u"checkout"_s, u"a:%1"_s.arg(i), {}, i == 3 ? BreakerState::Open : BreakerState::Closed));
    Wall wideWall(std::move(wide), {}, {1280, 800});
    QCOMPARE(wideWall.view.shownCaption(0), u"checkout · 40 breakers · 1 open"_s);
    std::unique_ptr<Wall> small(smallWall());
    QCOMPARE(small->view.shownCaption(0), u"checkout · 1 open"_s);
    QCOMPARE(small->view.shownCaption(1), u"ledger · 1 breaker"_s); // it fits
}

void TestFleetWallView::toolTipSaysWhoWhatSinceWhenWhy()
{
    std::unique_ptr<Wall> wall(smallWall());
    bw::BreakerStatus s = status(u"payments"_s, u"p:1"_s, u"gateway"_s);
    s.stateSinceMs = kNow - 3 * 3'600'000;
    s.observedState = BreakerState::Open;
    s.observedSinceMs = kNow - 200'000;
    s.lastReason = u"failure rate 62% >= 50% over the last 20 calls"_s;
    s.flapping = true;
    wall->model.update(s.id, s);
    QCOMPARE(wall->view.toolTipText(s.id), u"payments/gateway@p:1\n"
                                           "Simulated breaker: CLOSED for 3h\n"
                                           "Real breaker: OPEN for 3m 20s\n"
                                           "Why: failure rate 62% >= 50% over the last 20 calls\n"
                                           "Flapping"_s);
    QVERIFY(wall->view.tile(s.id).fromObserved);
    bw::BreakerStatus health = status(u"checkout"_s, u"a:2"_s, {}, BreakerState::HalfOpen);
    health.stateSinceMs = 0; // unknown: no duration made up
    health.stale = true;
    wall->model.update(health.id, health);
    QCOMPARE(wall->view.toolTipText(health.id), u"checkout@a:2\n"
                                                "Simulated breaker: HALF-OPEN\n"
                                                "Stale: its source no longer shows this breaker"_s);
    QCOMPARE(wall->view.toolTipText({u"nobody"_s, u"x:1"_s, {}}), QString());
}

void TestFleetWallView::keyboardMovesAndActivates()
{
    // One group of 40 breakers in a narrow wall: several rows of tiles.
    std::vector<bw::BreakerStatus> statuses;
    for (int i = 0; i < 40; ++i)
        statuses.push_back(status(u"svc"_s, u"i:%1"_s.arg(i, 2, 10, QChar(u'0')), {}));
    Wall wall(statuses, {}, {300, 400});
    wall.view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&wall.view));
    QSignalSpy activated(&wall.view, &bw::FleetWallView::breakerActivated);
    auto idAt = [&](int i) { return wall.model.idAt(i); };

    QTest::keyClick(&wall.view, Qt::Key_Right); // nothing current yet: the first tile
    QCOMPARE(wall.view.currentBreaker(), std::optional(idAt(0)));
    QTest::keyClick(&wall.view, Qt::Key_Right);
    QCOMPARE(wall.view.currentBreaker(), std::optional(idAt(1)));
    QTest::keyClick(&wall.view, Qt::Key_Left);
    QTest::keyClick(&wall.view, Qt::Key_Left); // stays on the first
    QCOMPARE(wall.view.currentBreaker(), std::optional(idAt(0)));

    const QRect first = wall.view.tileRect(idAt(1));
    wall.view.setCurrentBreaker(idAt(1));
    QTest::keyClick(&wall.view, Qt::Key_Down);
    const QRect below = wall.view.tileRect(*wall.view.currentBreaker());
    QCOMPARE(below.x(), first.x());
    QCOMPARE(below.y(), first.y() + wall.view.wallLayout().pitch());
    QTest::keyClick(&wall.view, Qt::Key_Up);
    QCOMPARE(wall.view.currentBreaker(), std::optional(idAt(1)));
    QTest::keyClick(&wall.view, Qt::Key_Up); // top row: stays
    QCOMPARE(wall.view.currentBreaker(), std::optional(idAt(1)));
    QCOMPARE(activated.size(), 0); // moving does not activate
    QTest::keyClick(&wall.view, Qt::Key_Return);
    QCOMPARE(activated.size(), 1);
    QCOMPARE(activated.front().front().value<BreakerId>(), idAt(1));
}

void TestFleetWallView::currentBreakerIsOutlinedWithoutActivating()
{
    std::unique_ptr<Wall> wall(smallWall());
    wall->view.setPalette(bw::lightPalette());
    QSignalSpy activated(&wall->view, &bw::FleetWallView::breakerActivated);
    const BreakerId ledger{u"ledger"_s, u"l:1"_s, {}};
    const QRect r = wall->view.tileRect(ledger);
    const QColor outline = wall->view.palette().color(QPalette::Text);
    auto pixelLeftOf = [&] { return wall->view.viewport()->grab().toImage().pixelColor(r.left() - 1, r.center().y()); };
    QVERIFY(pixelLeftOf() != outline);
    wall->view.setCurrentBreaker(ledger);
    QCOMPARE(pixelLeftOf(), outline);
    QCOMPARE(activated.size(), 0);
    wall->view.setCurrentBreaker(std::nullopt);
    QVERIFY(pixelLeftOf() != outline);
    QCOMPARE(wall->view.currentBreaker(), std::nullopt);
}

void TestFleetWallView::aChangeRepaintsOnlyItsTile()
{
    const bwtest::SyntheticWall synthetic = bwtest::makeWall(2000, kNow);
    Wall wall(synthetic.statuses, synthetic.labelsOfService, {1280, 800});
    wall.view.setGroupLabel(u"team"_s);
    wall.view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&wall.view));
    QTRY_VERIFY(wall.view.paintCount() > 0);
    QApplication::processEvents();
    QVERIFY(wall.view.lastPaintedTiles() == 2000); // the first paint drew the whole wall

    // A closed breaker opens: its tile and its group's caption (the counts) are repainted, nothing else.
    const auto closed = std::find_if(synthetic.statuses.begin(), synthetic.statuses.end(), [](const auto &s) {
        return s.state == BreakerState::Closed && !s.observedState && !s.stale;
    });
    QVERIFY(closed != synthetic.statuses.end());
    bw::BreakerStatus opened = *closed;
    opened.state = BreakerState::Open;
    int paints = wall.view.paintCount();
    wall.model.update(opened.id, opened);
    QTRY_VERIFY(wall.view.paintCount() > paints);
    const QRect tile = wall.view.tileRect(opened.id);
    QRegion expected(tile);
    const bw::FleetWallLayout &layout = wall.view.wallLayout();
    for (int g = 0; g < layout.groupCount(); ++g)
        if (layout.groupRect(g).contains(tile))
            expected += layout.captionRect(g);
    expected += layout.legendRect();
    QVERIFY(wall.view.lastPaintRegion().contains(tile));
    QCOMPARE(wall.view.lastPaintRegion().subtracted(expected), QRegion());
    QCOMPARE(wall.view.lastPaintedTiles(), 1);

    // A change the tile does not show (only the reason): no repaint at all.
    paints = wall.view.paintCount();
    opened.lastReason = u"still failing"_s;
    wall.model.update(opened.id, opened);
    QApplication::processEvents();
    QApplication::processEvents();
    QCOMPARE(wall.view.paintCount(), paints);
}

void TestFleetWallView::screenshots_data()
{
    QTest::addColumn<int>("breakers");
    QTest::addColumn<bool>("dark");
    QTest::addColumn<QSize>("size");
    QTest::addColumn<QString>("label");
    for (const int n : {1000, 5000})
        for (const bool dark : {false, true})
            for (const QSize size : {QSize(1920, 1080), QSize(1280, 800)})
                QTest::addRow("%d-%s-%d", n, dark ? "dark" : "light", size.width()) << n << dark << size << u"team"_s;
    QTest::addRow("1000-light-1280-by-service") << 1000 << false << QSize(1280, 800) << QString();
    QTest::addRow("1000-dark-1920-by-service") << 1000 << true << QSize(1920, 1080) << QString();
}

void TestFleetWallView::screenshots()
{
    QFETCH(int, breakers);
    QFETCH(bool, dark);
    QFETCH(QSize, size);
    QFETCH(QString, label);
    const bwtest::SyntheticWall synthetic = bwtest::makeWall(breakers, kNow);
    Wall wall(synthetic.statuses, synthetic.labelsOfService, size);
    wall.view.setPalette(dark ? bw::darkPalette() : bw::lightPalette());
    wall.view.setGroupLabel(label);
    wall.view.setCurrentBreaker(synthetic.statuses[40].id);
    const QImage image = wall.view.grab().toImage();
    QCOMPARE(image.size(), size * image.devicePixelRatio());
    QVERIFY(wall.view.wallLayout().fits());

    // What an operator must see at once: every open tile in open's full colour, closed ones toned down.
    const QColor background = wall.view.palette().color(QPalette::Base);
    const int inset = wall.view.wallLayout().tileSize() >= 8 ? 2 : 1; // calm tiles are a pixel smaller
    int open = 0;
    for (const bw::BreakerStatus &s : synthetic.statuses) {
        const bw::FleetWallTile tile = wall.view.tile(s.id);
        const QPoint corner = wall.view.tileRect(s.id).topLeft(); // far from the flapping stripe
        if (tile.broken() && tile.state == BreakerState::Open) {
            ++open;
            QCOMPARE(image.pixelColor(corner + QPoint(1, 1)), bw::StatePalette::fill(BreakerState::Open));
        } else if (!tile.stale && !tile.flapping && tile.state == BreakerState::Closed) {
            QCOMPARE(image.pixelColor(corner + QPoint(inset, inset)),
                     bw::StatePalette::displayFill(BreakerState::Closed, background));
        }
    }
    QVERIFY(open > 0);

    const QByteArray dir = qgetenv("BW_WRITE_SCREENSHOTS");
    if (!dir.isEmpty()) {
        QDir().mkpath(QString::fromLocal8Bit(dir));
        const QString file =
            u"%1/fleetwall-%2.png"_s.arg(QString::fromLocal8Bit(dir), QString::fromLatin1(QTest::currentDataTag()));
        QVERIFY(image.save(file));
    }
}

QTEST_MAIN(TestFleetWallView)
#include "tst_fleetwallview.moc"
