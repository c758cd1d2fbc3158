// AlertModel alone, on alerts fed by hand (no monitor): firing ones first, each group newest first; the breaker
// named by service, breaker and instance with the alert's origin; the key for selecting it; "for" counted to now
// while firing and to the resolve once resolved. QAbstractItemModelTester watches every change.
#include "models/alertmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;

class TestAlertModel final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void firingFirstNamedByTheirParts();
};

void TestAlertModel::firingFirstNamedByTheirParts()
{
    std::int64_t now = 600'000;
    bw::AlertModel model([&now] { return now; });
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 0);

    // In AlertCenter's order (oldest first): an old resolved one, then two firing.
    bw::Alert resolved{u"search@10.0.0.9:80"_s,
                       bw::AlertSource::Simulated,
                       bw::AlertKind::OpenLong,
                       100'000,
                       0,
                       220'000,
                       u"search: simulated breaker not closed for 2 min"_s,
                       u"failure rate 80%"_s};
    bw::Alert flapping{u"checkout/inventoryClient@10.0.0.8:8080"_s,
                       bw::AlertSource::Real,
                       bw::AlertKind::Flapping,
                       300'000,
                       250'000,
                       std::nullopt,
                       u"flapping, 4 opens in 10m"_s,
                       u"4 opens"_s};
    bw::Alert open{u"checkout/paymentGateway@10.0.0.7:8080"_s,
                   bw::AlertSource::Simulated,
                   bw::AlertKind::OpenLong,
                   500'000,
                   380'000,
                   std::nullopt,
                   u"open for 2 min"_s,
                   u"failure rate 100%"_s};
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    model.setAlerts({resolved, flapping, open});
    QCOMPARE(reset.size(), 1);
    QCOMPARE(model.rowCount(), 3);
    const auto cell = [&](int row, int column) { return model.index(row, column).data().toString(); };

    QCOMPARE(cell(0, bw::AlertModel::StatusColumn), u"FIRING"_s);
    QCOMPARE(cell(0, bw::AlertModel::ServiceColumn), u"checkout"_s);
    QCOMPARE(cell(0, bw::AlertModel::BreakerColumn), u"paymentGateway"_s);
    QCOMPARE(cell(0, bw::AlertModel::InstanceColumn), u"10.0.0.7:8080"_s);
    QCOMPARE(cell(0, bw::AlertModel::OriginColumn), u"simulated"_s);
    QCOMPARE(model.index(0, 0).data(bw::AlertModel::KeyRole).toString(), open.service);
    QCOMPARE(cell(0, bw::AlertModel::DurationColumn), u"3m 40s"_s); // since 380 s, now 600 s
    QCOMPARE(cell(1, bw::AlertModel::BreakerColumn), u"inventoryClient"_s);
    QCOMPARE(cell(1, bw::AlertModel::OriginColumn), u"real"_s);
    QCOMPARE(model.index(1, 0).data(bw::AlertModel::ActiveRole).toBool(), true);
    // The resolved one last, its health breaker named as such, its duration fixed at the resolve.
    QCOMPARE(cell(2, bw::AlertModel::StatusColumn), u"resolved"_s);
    QCOMPARE(cell(2, bw::AlertModel::BreakerColumn), u"health"_s);
    QCOMPARE(cell(2, bw::AlertModel::InstanceColumn), u"10.0.0.9:80"_s);
    QCOMPARE(model.index(2, 0).data(bw::AlertModel::ActiveRole).toBool(), false);
    const QString resolvedFor = cell(2, bw::AlertModel::DurationColumn);
    now = 900'000;
    QCOMPARE(cell(2, bw::AlertModel::DurationColumn), resolvedFor);
    QVERIFY(cell(0, bw::AlertModel::DurationColumn) != u"3m 40s"_s); // still firing: counts on
    QCOMPARE(model.index(0, bw::AlertModel::SummaryColumn).data(Qt::ToolTipRole).toString(), open.summary);

    model.setAlerts({});
    QCOMPARE(model.rowCount(), 0);
}

QTEST_MAIN(TestAlertModel)
#include "tst_alertmodel.moc"
