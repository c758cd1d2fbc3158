#include "models/breakerinstancesmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using bw::BreakerId;
using bw::BreakerInstancesModel;
using bw::BreakerState;
using bw::BreakerStatus;

namespace {

constexpr std::int64_t kNow = 1'800'000'000'000;

BreakerStatus onInstance(const QString &instance, BreakerState state, std::int64_t sinceMs)
{
    BreakerStatus s;
    s.id = BreakerId{u"checkout"_s, instance, u"paymentGateway"_s};
    s.name = s.id.key();
    s.source = bw::BreakerSource::Resilience4j;
    s.state = state;
    s.stateSinceMs = sinceMs;
    s.lastReason = state == BreakerState::Closed ? QString() : u"failure rate 62 % >= 50 %"_s;
    return s;
}

QString cell(const BreakerInstancesModel &model, int row, int column, int role = Qt::DisplayRole)
{
    return model.index(row, column).data(role).toString();
}

} // namespace

class TestBreakerInstancesModel final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void mostUrgentInstanceFirst();
    void realStateAndProblems();
    void updatesInPlaceUntilTheInstancesChange();
};

void TestBreakerInstancesModel::mostUrgentInstanceFirst()
{
    BreakerInstancesModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setInstances({onInstance(u"10.0.0.1:8080"_s, BreakerState::Closed, kNow - 600'000),
                        onInstance(u"10.0.0.2:8080"_s, BreakerState::Open, kNow - 240'000),
                        onInstance(u"10.0.0.3:8080"_s, BreakerState::HalfOpen, kNow - 5'000)},
                       kNow);
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(cell(model, 0, BreakerInstancesModel::InstanceColumn), u"10.0.0.2:8080"_s);
    QCOMPARE(cell(model, 0, BreakerInstancesModel::SimulatedColumn), u"OPEN"_s);
    QCOMPARE(cell(model, 1, BreakerInstancesModel::SimulatedColumn), u"HALF-OPEN"_s);
    QCOMPARE(cell(model, 2, BreakerInstancesModel::SimulatedColumn), u"CLOSED"_s);
    QVERIFY2(cell(model, 0, BreakerInstancesModel::SinceColumn).startsWith(u"4m"_s),
             qPrintable(cell(model, 0, BreakerInstancesModel::SinceColumn)));
    QCOMPARE(cell(model, 0, BreakerInstancesModel::WhyColumn), u"failure rate 62 % >= 50 %"_s);
    QCOMPARE(model.rowOf(onInstance(u"10.0.0.1:8080"_s, BreakerState::Closed, 0).id), 2);
    QCOMPARE(model.index(0, 0).data(BreakerInstancesModel::BreakerKeyRole).toString(),
             u"checkout/paymentGateway@10.0.0.2:8080"_s);
    // The state is coloured, open and closed apart.
    QVERIFY(model.index(0, BreakerInstancesModel::SimulatedColumn).data(Qt::ForegroundRole) !=
            model.index(2, BreakerInstancesModel::SimulatedColumn).data(Qt::ForegroundRole));
}

void TestBreakerInstancesModel::realStateAndProblems()
{
    BreakerInstancesModel model;
    BreakerStatus hystrix = onInstance(u"10.0.0.1:8080"_s, BreakerState::Closed, kNow - 1'000);
    hystrix.observedState = BreakerState::Open;
    hystrix.observedOpenMayBeHalfOpen = true;
    hystrix.observedSinceMs = kNow - 30'000;
    BreakerStatus unreachable = onInstance(u"10.0.0.2:8080"_s, BreakerState::Closed, kNow - 1'000);
    unreachable.observedProblem = u"connection refused"_s;
    BreakerStatus stale = onInstance(u"10.0.0.3:8080"_s, BreakerState::Closed, kNow - 1'000);
    stale.stale = true;
    model.setInstances({unreachable, stale, hystrix}, kNow);
    QCOMPARE(cell(model, 0, BreakerInstancesModel::RealColumn), u"OPEN / HALF-OPEN"_s);
    QVERIFY2(cell(model, 0, BreakerInstancesModel::SinceColumn).startsWith(u"30 s"_s),
             qPrintable(cell(model, 0, BreakerInstancesModel::SinceColumn)));
    const int refused = model.rowOf(unreachable.id);
    QCOMPARE(cell(model, refused, BreakerInstancesModel::RealColumn), u"unknown"_s);
    QCOMPARE(cell(model, refused, BreakerInstancesModel::WhyColumn), u"real breaker: connection refused"_s);
    const int gone = model.rowOf(stale.id);
    QCOMPARE(gone, 1); // stale needs a look before a fine one
    QCOMPARE(cell(model, gone, BreakerInstancesModel::InstanceColumn), u"10.0.0.3:8080 (stale)"_s);
    QCOMPARE(model.index(gone, 0).data(Qt::ForegroundRole).value<QColor>(), QColor(0x80, 0x80, 0x80));
}

void TestBreakerInstancesModel::updatesInPlaceUntilTheInstancesChange()
{
    BreakerInstancesModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    QSignalSpy changes(&model, &QAbstractItemModel::dataChanged);
    const QList<BreakerStatus> two = {onInstance(u"10.0.0.1:8080"_s, BreakerState::Closed, kNow - 1'000),
                                      onInstance(u"10.0.0.2:8080"_s, BreakerState::Closed, kNow - 1'000)};
    model.setInstances(two, kNow);
    QCOMPARE(resets.size(), 1);
    model.setInstances(two, kNow + 1'000); // a second later: same rows, new "for"
    QCOMPARE(resets.size(), 1);
    QCOMPARE(changes.size(), 1);
    QList<BreakerStatus> three = two;
    three << onInstance(u"10.0.0.3:8080"_s, BreakerState::Open, kNow);
    model.setInstances(three, kNow + 2'000);
    QCOMPARE(resets.size(), 2);
    QCOMPARE(cell(model, 0, BreakerInstancesModel::InstanceColumn), u"10.0.0.3:8080"_s);
    // An instance that opens moves to the top: the order changed, so the rows are reset.
    QList<BreakerStatus> reopened = three;
    reopened[0].state = BreakerState::Open;
    reopened[0].stateSinceMs = kNow - 60'000;
    model.setInstances(reopened, kNow + 3'000);
    QCOMPARE(resets.size(), 3);
    QCOMPARE(cell(model, 0, BreakerInstancesModel::InstanceColumn), u"10.0.0.1:8080"_s);
    model.setInstances({}, kNow + 4'000);
    QCOMPARE(model.rowCount(), 0);
}

QTEST_GUILESS_MAIN(TestBreakerInstancesModel)
#include "tst_breakerinstancesmodel.moc"
