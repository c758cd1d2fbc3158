// Alert episodes: each condition fires once per episode, on time, and resolves when the episode ends.
#include "alerts/alerttracker.h"
#include "breaker/presetcatalog.h"
#include "config/configloader.h"

#include <QTest>

using namespace Qt::StringLiterals;
using bw::AlertKind;
using bw::BreakerState;

namespace {

struct Step
{
    std::int64_t t;
    BreakerState state;
    std::int64_t since;
    int opens;
};

// "+open>2@130000" fired, "-open>2@200000" resolved; in order, joined by spaces.
QString run(const QList<Step> &steps)
{
    bw::AlertTracker tracker;
    QStringList out;
    for (const Step &step : steps) {
        for (const bw::Alert &a :
             tracker.update(u"api"_s, bw::AlertSource::Simulated, step.state, step.since, step.opens, step.t)) {
            const QString kind = a.kind == AlertKind::OpenLong       ? u"open>2"_s
                                 : a.kind == AlertKind::OpenVeryLong ? u"open>10"_s
                                                                     : u"flap"_s;
            out << (a.active() ? u"+"_s : u"-"_s) + kind + u'@' + QString::number(step.t);
        }
    }
    return out.join(u' ');
}

constexpr auto C = BreakerState::Closed;
constexpr auto O = BreakerState::Open;
constexpr auto H = BreakerState::HalfOpen;
constexpr auto F = BreakerState::ForcedOpen;
constexpr auto D = BreakerState::Disabled;

} // namespace

class TestAlertTracker final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void episodes_data();
    void episodes();
    void summariesAndActive();
    void forgetResolves();
    void perServiceRulesFireAtTheirOwnTime();
};

void TestAlertTracker::episodes_data()
{
    QTest::addColumn<QList<Step>>("steps");
    QTest::addColumn<QString>("expected");
    QTest::newRow("closed: nothing") << QList<Step>{{0, C, 0, 0}, {300'000, C, 0, 0}} << QString();
    QTest::newRow("open 2 min exactly: not yet")
        << QList<Step>{{10'000, O, 10'000, 1}, {130'000, O, 10'000, 1}} << QString();
    QTest::newRow("open just over 2 min fires once")
        << QList<Step>{{10'000, O, 10'000, 1}, {130'001, O, 10'000, 1}, {140'000, O, 10'000, 1}} << u"+open>2@130001"_s;
    QTest::newRow("open, half-open, open: one episode")
        << QList<Step>{{0, O, 0, 1}, {60'000, H, 60'000, 1}, {61'000, O, 61'000, 2}, {121'000, O, 61'000, 2}}
        << u"+open>2@121000"_s;
    QTest::newRow("close ends the episode; the next fires again") << QList<Step>{{0, O, 0, 1},
                                                                                 {121'000, O, 0, 1},
                                                                                 {125'000, C, 125'000, 1},
                                                                                 {130'000, O, 130'000, 2},
                                                                                 {251'000, O, 130'000, 2}}
                                                                  << u"+open>2@121000 -open>2@125000 +open>2@251000"_s;
    QTest::newRow("10 min: both fire, both resolve")
        << QList<Step>{{0, F, 0, 0}, {121'000, F, 0, 0}, {600'001, F, 0, 0}, {700'000, C, 700'000, 0}}
        << u"+open>2@121000 +open>10@600001 -open>2@700000 -open>10@700000"_s;
    QTest::newRow("disabled is not open") << QList<Step>{{0, D, 0, 0}, {700'000, D, 0, 0}} << QString();
    QTest::newRow("first seen open long ago fires at once")
        << QList<Step>{{500'000, O, 100'000, 1}} << u"+open>2@500000"_s;
    QTest::newRow("flapping: more than 3 opens, with hysteresis")
        << QList<Step>{{0, C, 0, 3}, {1, C, 0, 4}, {2, C, 0, 3}, {3, C, 0, 4}, {4, C, 0, 2}, {5, C, 0, 1}, {6, C, 0, 4}}
        << u"+flap@1 -flap@5 +flap@6"_s;
}

void TestAlertTracker::episodes()
{
    QFETCH(QList<Step>, steps);
    QFETCH(QString, expected);
    QCOMPARE(run(steps), expected);
}

void TestAlertTracker::summariesAndActive()
{
    bw::AlertTracker tracker;
    QVERIFY(tracker.update(u"payments"_s, bw::AlertSource::Real, O, 0, 1, 60'000).isEmpty());
    const QList<bw::Alert> fired = tracker.update(u"payments"_s, bw::AlertSource::Real, O, 0, 4, 125'000);
    QCOMPARE(fired.size(), 2);
    QCOMPARE(fired[0].summary, u"payments: real breaker not closed for 2m 5s"_s);
    QCOMPARE(fired[0].sinceMs, 0);
    QCOMPARE(fired[1].summary, u"payments: real breaker flapping, 4 opens in 10m"_s);
    QCOMPARE(fired[0].why, u"the breaker is open"_s); // no reason given
    QCOMPARE(fired[1].why, u"4 opens in the last 10m, more than 3"_s);
    QCOMPARE(tracker.active().size(), 2);
    QCOMPARE(bw::alertKindName(AlertKind::OpenVeryLong), u"open > 10 min"_s);
    // The simulated breaker of the same service is tracked separately.
    QVERIFY(tracker.update(u"payments"_s, bw::AlertSource::Simulated, C, 0, 0, 125'000).isEmpty());
    QCOMPARE(tracker.active().size(), 2);
    // The reason the breaker opened is the open alert's why, kept when it resolves.
    tracker.update(u"orders"_s, bw::AlertSource::Simulated, O, 0, 1, 1000, u"failure rate 60 % >= 50 %"_s);
    const QList<bw::Alert> reasoned =
        tracker.update(u"orders"_s, bw::AlertSource::Simulated, O, 0, 1, 130'000, u"failure rate 60 % >= 50 %"_s);
    QCOMPARE(reasoned.size(), 1);
    QCOMPARE(reasoned[0].why, u"failure rate 60 % >= 50 %"_s);
    const QList<bw::Alert> closed = tracker.update(u"orders"_s, bw::AlertSource::Simulated, C, 131'000, 1, 131'000);
    QCOMPARE(closed.size(), 1);
    QCOMPARE(closed[0].why, u"failure rate 60 % >= 50 %"_s);
}

void TestAlertTracker::forgetResolves()
{
    bw::AlertTracker tracker;
    tracker.update(u"a"_s, bw::AlertSource::Simulated, O, 0, 0, 200'000);
    tracker.update(u"b"_s, bw::AlertSource::Simulated, O, 0, 0, 200'000);
    const QList<bw::Alert> resolved = tracker.forget(u"a"_s, 210'000);
    QCOMPARE(resolved.size(), 1);
    QCOMPARE(resolved[0].resolvedAtMs, std::optional<std::int64_t>(210'000));
    QCOMPARE(tracker.active().size(), 1);
    QCOMPARE(tracker.active()[0].service, u"b"_s);
}

void TestAlertTracker::perServiceRulesFireAtTheirOwnTime()
{
    // Rules from a configuration: 1 min globally, 20 s for payments, flapping on more than 1 open for payments.
    const bw::PresetCatalog catalog;
    const auto config = bw::ConfigLoader(catalog).loadText("alerting: {rules: {open_after: 1m}}\n"
                                                           "services:\n"
                                                           "  - name: payments\n"
                                                           "    health: {url: 'http://p/'}\n"
                                                           "    alert_rules: {open_after: 20s, flapping: {opens: 1}}\n"
                                                           "  - name: search\n"
                                                           "    health: {url: 'http://s/'}\n",
                                                           u"bw.yml"_s, {});
    QVERIFY2(config.ok(), qPrintable(config.ok() ? QString() : config.error()));
    bw::AlertTracker tracker; // its own rules (the defaults) are not used: each update names its breaker's
    QMap<QString, QString> firedAt;
    for (std::int64_t t = 0; t <= 200'000; t += 1000) {
        for (const bw::ServiceConfig &service : config->services) {
            const bw::AlertRules rules = config->alertRulesFor(service);
            for (const bw::Alert &a :
                 tracker.update(rules, service.name, bw::AlertSource::Simulated, O, 0, t < 5000 ? 1 : 2, t))
                firedAt[service.name + u' ' + bw::alertKindName(a.kind)] = QString::number(t);
        }
    }
    QCOMPARE(firedAt.value(u"payments open > 2 min"_s), u"21000"_s); // 20 s, its own rule
    QCOMPARE(firedAt.value(u"search open > 2 min"_s), u"61000"_s);   // 1 min, the global rule
    QCOMPARE(firedAt.value(u"payments flapping"_s), u"5000"_s);      // more than 1 open
    QVERIFY(!firedAt.contains(u"search flapping"_s));                // 2 opens are not more than 3
    QVERIFY(!firedAt.contains(u"search open > 10 min"_s));
}

QTEST_GUILESS_MAIN(TestAlertTracker)
#include "tst_alerttracker.moc"
