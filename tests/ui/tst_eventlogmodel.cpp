// EventLogModel alone, on a display history and an audit log filled by hand: one breaker's transitions (simulated
// and real, the real ones the counters imply happened between two scrapes marked as such) and the operator
// actions on it, newest first; a refresh with nothing new changes nothing; switching breakers switches everything.
// QAbstractItemModelTester watches every change.
#include "control/auditlog.h"
#include "history/fleethistory.h"
#include "models/eventlogmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;

class TestEventLogModel final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void oneBreakersEventsNewestFirst();
};

void TestEventLogModel::oneBreakersEventsNewestFirst()
{
    bw::FleetHistory history(2);
    bw::AuditLog audit;
    const QString payments = u"checkout/paymentGateway@10.0.0.7:8080"_s;
    // Row 1 is checkout/paymentGateway: its simulated breaker opened for a reason, its real one opened and closed
    // between two scrapes; row 0 (someone else) has its own transition.
    history.appendState(1, bw::TrackKind::Simulated, 1'000, bw::BreakerState::Closed);
    history.appendState(1, bw::TrackKind::Simulated, 5'000, bw::BreakerState::Open, u"failure rate 60% >= 50%");
    history.appendState(1, bw::TrackKind::Observed, 1'000, bw::BreakerState::Closed);
    history.appendState(1, bw::TrackKind::Observed, 6'000, bw::BreakerState::Open, bw::kBetweenScrapesReason);
    history.appendState(1, bw::TrackKind::Observed, 7'000, bw::BreakerState::Closed, u"reported event");
    history.appendState(0, bw::TrackKind::Simulated, 1'000, bw::BreakerState::Closed);
    history.appendState(0, bw::TrackKind::Simulated, 8'000, bw::BreakerState::Open, u"someone else's");
    audit.append({4'000, u"ana"_s, payments, u"real breaker"_s, u"force open"_s, u"done"_s, u"200 OK"_s});
    audit.append({4'500, u"ana"_s, u"search@10.0.0.9:80"_s, u"real breaker"_s, u"reset"_s, u"done"_s, {}});

    bw::EventLogModel model(&history, &audit);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 0); // no breaker yet
    model.setService(1, payments);
    const auto column = [&](int row, int c) { return model.index(row, c).data().toString(); };
    QCOMPARE(model.rowCount(), 4);
    QCOMPARE(column(0, bw::EventLogModel::EventColumn), u"OPEN → CLOSED"_s);
    QCOMPARE(column(0, bw::EventLogModel::SourceColumn), u"real"_s);
    QCOMPARE(column(1, bw::EventLogModel::EventColumn), u"CLOSED → OPEN  (between scrapes)"_s);
    QCOMPARE(model.index(1, 0).data(bw::EventLogModel::BetweenScrapesRole).toBool(), true);
    QCOMPARE(model.index(0, 0).data(bw::EventLogModel::BetweenScrapesRole).toBool(), false);
    QVERIFY(model.index(1, bw::EventLogModel::EventColumn).data(Qt::ToolTipRole).toString().contains(u"between"_s));
    QCOMPARE(column(2, bw::EventLogModel::SourceColumn), u"simulated"_s);
    QCOMPARE(column(2, bw::EventLogModel::DetailColumn), u"failure rate 60% >= 50%"_s);
    QCOMPARE(column(3, bw::EventLogModel::SourceColumn), u"operator ana"_s);
    QCOMPARE(column(3, bw::EventLogModel::EventColumn), u"force open real breaker: done"_s);
    QVERIFY(model.index(3, 0).data(Qt::FontRole).value<QFont>().italic());

    // Nothing new: no reset. A new transition or audit entry: the log is rebuilt, the newest on top.
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    model.refresh();
    QCOMPARE(reset.size(), 0);
    history.appendState(1, bw::TrackKind::Simulated, 9'000, bw::BreakerState::HalfOpen, u"open duration elapsed");
    model.refresh();
    QCOMPARE(reset.size(), 1);
    QCOMPARE(model.rowCount(), 5);
    QCOMPARE(column(0, bw::EventLogModel::EventColumn), u"OPEN → HALF_OPEN"_s.replace(u'_', u'-'));
    audit.append({9'500, u"bo"_s, payments, u"real breaker"_s, u"reset"_s, u"pending"_s, {}});
    model.refresh();
    QCOMPARE(reset.size(), 2);
    QCOMPARE(column(0, bw::EventLogModel::SourceColumn), u"operator bo"_s);

    // Another breaker: only its own events.
    model.setService(0, u"search@10.0.0.9:80"_s);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(column(0, bw::EventLogModel::DetailColumn), u"someone else's"_s);
    QCOMPARE(column(1, bw::EventLogModel::SourceColumn), u"operator ana"_s);
    model.setService(-1, {});
    QCOMPARE(model.rowCount(), 0);
}

QTEST_MAIN(TestEventLogModel)
#include "tst_eventlogmodel.moc"
