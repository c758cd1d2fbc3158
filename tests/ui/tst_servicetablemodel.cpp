// ServiceTableModel alone, on fed-in statuses (no monitor, no network): rows by id as breakers come and go, only the
// changed row signalled, values shown as the core computed them (flapping, stale, half-open hystrix), and the last
// minute's error rate and p95 read from a display history through an id -> row function. QAbstractItemModelTester
// watches every change.
#include "history/fleethistory.h"
#include "models/servicetablemodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

bw::BreakerStatus status(const QString &service, const QString &instance, const QString &breaker,
                         bw::BreakerState state = bw::BreakerState::Closed)
{
    bw::BreakerStatus s;
    s.id = {service, instance, breaker};
    s.name = s.id.key();
    s.state = state;
    return s;
}

} // namespace

class TestServiceTableModel final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void rowsFollowIdsAsBreakersComeAndGo();
    void anUpdateChangesOnlyItsRow();
    void showsWhatTheCoreComputed();
    void recentFiguresComeFromTheHistoryRowOfTheId();

private:
    std::unique_ptr<bw::ServiceTableModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

void TestServiceTableModel::init()
{
    m_model = std::make_unique<bw::ServiceTableModel>();
    m_tester = std::make_unique<QAbstractItemModelTester>(m_model.get(),
                                                          QAbstractItemModelTester::FailureReportingMode::QtTest);
    // Out of order on purpose: the model keeps id order (service, breaker, instance).
    m_model->setBreakers({status(u"search"_s, u"b:1"_s, {}), status(u"checkout"_s, u"a:2"_s, u"payments"_s),
                          status(u"checkout"_s, u"a:1"_s, {}), status(u"checkout"_s, u"a:1"_s, u"payments"_s)});
}

void TestServiceTableModel::rowsFollowIdsAsBreakersComeAndGo()
{
    QCOMPARE(m_model->rowCount(), 4);
    const QStringList keys = [&] {
        QStringList out;
        for (int row = 0; row < m_model->rowCount(); ++row)
            out << m_model->idAt(row).key();
        return out;
    }();
    QCOMPARE(keys,
             (QStringList{u"checkout@a:1"_s, u"checkout/payments@a:1"_s, u"checkout/payments@a:2"_s, u"search@b:1"_s}));

    // A breaker found between two others is inserted at its place (inventory before payments); everyone's row
    // follows.
    QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
    m_model->addBreaker(status(u"checkout"_s, u"a:1"_s, u"inventory"_s));
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(inserted.front().at(1).toInt(), 1);
    QCOMPARE(m_model->rowOf({u"checkout"_s, u"a:1"_s, u"inventory"_s}), 1);
    QCOMPARE(m_model->rowOf({u"search"_s, u"b:1"_s, {}}), 4);
    QCOMPARE(m_model->rowOf({u"checkout"_s, u"a:2"_s, u"payments"_s}), 3);
    // Found twice: no second row.
    m_model->addBreaker(status(u"checkout"_s, u"a:1"_s, u"inventory"_s));
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(m_model->rowCount(), 5);

    // One gone: its row leaves, the others stay findable.
    QSignalSpy removed(m_model.get(), &QAbstractItemModel::rowsRemoved);
    m_model->removeBreaker({u"checkout"_s, u"a:1"_s, u"payments"_s});
    QCOMPARE(removed.size(), 1);
    QCOMPARE(removed.front().at(1).toInt(), 2);
    QCOMPARE(m_model->rowOf({u"checkout"_s, u"a:1"_s, u"payments"_s}), -1);
    QCOMPARE(m_model->rowOf({u"checkout"_s, u"a:2"_s, u"payments"_s}), 2);
    m_model->removeBreaker({u"nobody"_s, u"x:1"_s, {}}); // unknown: nothing happens
    QCOMPARE(removed.size(), 1);
    QCOMPARE(m_model->rowCount(), 4);
}

void TestServiceTableModel::anUpdateChangesOnlyItsRow()
{
    QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
    const bw::BreakerId id{u"checkout"_s, u"a:2"_s, u"payments"_s};
    m_model->update(id, status(u"checkout"_s, u"a:2"_s, u"payments"_s, bw::BreakerState::Open));
    QCOMPARE(changed.size(), 1);
    const int row = m_model->rowOf(id);
    QCOMPARE(changed.front().at(0).toModelIndex().row(), row);
    QCOMPARE(changed.front().at(1).toModelIndex().row(), row);
    QCOMPARE(m_model->index(row, bw::ServiceTableModel::StateColumn).data().toString(), u"OPEN"_s);
    QCOMPARE(m_model->index(row + 1, bw::ServiceTableModel::StateColumn).data().toString(), u"CLOSED"_s);
    m_model->update({u"nobody"_s, u"x:1"_s, {}}, status(u"nobody"_s, u"x:1"_s, {}));
    QCOMPARE(changed.size(), 1);
}

void TestServiceTableModel::showsWhatTheCoreComputed()
{
    const int health = m_model->rowOf({u"checkout"_s, u"a:1"_s, {}});
    const int named = m_model->rowOf({u"checkout"_s, u"a:1"_s, u"payments"_s});
    QCOMPARE(m_model->index(health, bw::ServiceTableModel::NameColumn).data().toString(), u"checkout"_s);
    QCOMPARE(m_model->index(named, bw::ServiceTableModel::NameColumn).data().toString(), u"checkout/payments"_s);
    QCOMPARE(m_model->index(named, bw::ServiceTableModel::InstanceColumn).data().toString(), u"a:1"_s);

    // Flapping is the core's verdict, with the core's rule in the tooltip; the model counts nothing itself.
    bw::BreakerStatus s = status(u"checkout"_s, u"a:1"_s, u"payments"_s);
    s.opensLast10Min = 2;
    s.flapping = true; // e.g. a stricter rule than the default
    s.flappingRule = {1, 60'000};
    s.stale = true;
    s.observedState = bw::BreakerState::Open;
    s.observedOpenMayBeHalfOpen = true;
    m_model->update(s.id, s);
    const QModelIndex opens = m_model->index(named, bw::ServiceTableModel::OpensColumn);
    QCOMPARE(opens.data(bw::ServiceTableModel::FlappingRole).toBool(), true);
    QCOMPARE(opens.data().toString(), u"⚑ 2 flapping"_s);
    QCOMPARE(opens.data(Qt::ToolTipRole).toString(), u"Flapping: more than 1 opens in 1 min."_s);
    QCOMPARE(opens.data(bw::ServiceTableModel::StaleRole).toBool(), true);
    QCOMPARE(m_model->index(named, bw::ServiceTableModel::ObservedColumn).data().toString(), u"OPEN / HALF-OPEN"_s);
    QCOMPARE(opens.data(bw::ServiceTableModel::NotClosedRole).toBool(), true);
    QCOMPARE(opens.data(bw::ServiceTableModel::ObservedStateRole).toInt(), int(bw::BreakerState::Open));
    s.stateSinceMs = 1'000;
    s.observedSinceMs = 2'000;
    m_model->update(s.id, s);
    QCOMPARE(opens.data(bw::ServiceTableModel::StateSinceRole).toLongLong(), 1'000);
    QCOMPARE(opens.data(bw::ServiceTableModel::ObservedSinceRole).toLongLong(), 2'000);
    // No real breaker reported: no observed state at all (not "closed").
    QVERIFY(!m_model->index(health, 0).data(bw::ServiceTableModel::ObservedStateRole).isValid());
    s.flapping = false;
    s.opensLast10Min = 7; // not flapping by the core's rule, so not by the model's
    m_model->update(s.id, s);
    QCOMPARE(opens.data(bw::ServiceTableModel::FlappingRole).toBool(), false);
    QCOMPARE(opens.data().toString(), u"7"_s);

    // Labels come from whoever knows the instances.
    QVERIFY(opens.data(bw::ServiceTableModel::LabelsRole).toMap().isEmpty());
    m_model->setLabelsOf([](const bw::BreakerId &id) {
        QVariantMap labels;
        labels.insert(u"team"_s, QString(id.service + u"-team"_s));
        return labels;
    });
    QCOMPARE(opens.data(bw::ServiceTableModel::LabelsRole).toMap().value(u"team"_s).toString(), u"checkout-team"_s);
}

void TestServiceTableModel::recentFiguresComeFromTheHistoryRowOfTheId()
{
    const std::int64_t now = 1'000'000;
    bw::FleetHistory history(2);
    // History row 1 belongs to checkout/payments@a:1; row 0 to someone else with very different figures.
    for (int i = 0; i < 30; ++i) {
        const std::int64_t t = now - 59'000 + i * 2'000;
        history.appendSample(1, bw::SeriesKind::ErrorRate, t, i < 15 ? 0.0 : 40.0);
        history.appendSample(1, bw::SeriesKind::LatencyP95, t, 120.0 + i);
        history.appendSample(0, bw::SeriesKind::ErrorRate, t, 100.0);
        history.appendSample(0, bw::SeriesKind::LatencyP95, t, 9'000.0);
    }
    const bw::BreakerId payments{u"checkout"_s, u"a:1"_s, u"payments"_s};
    m_model->setHistory(
        &history, [&](const bw::BreakerId &id) { return id == payments ? 1 : -1; }, [now] { return now; });
    const int row = m_model->rowOf(payments);
    QCOMPARE(m_model->index(row, bw::ServiceTableModel::ErrorRateColumn).data().toString(), u"20 %"_s);
    QCOMPARE(m_model->index(row, bw::ServiceTableModel::P95Column).data().toString(), u"149 ms"_s);
    QVERIFY(!m_model->index(row, bw::ServiceTableModel::ErrorRateColumn)
                 .data(bw::ServiceTableModel::SparklineRole)
                 .value<QList<QPointF>>()
                 .isEmpty());
    // A breaker with no history row shows no p95 and its status's own rate ("–": none yet).
    const int other = m_model->rowOf({u"search"_s, u"b:1"_s, {}});
    QCOMPARE(m_model->index(other, bw::ServiceTableModel::P95Column).data().toString(), QString());
    QCOMPARE(m_model->index(other, bw::ServiceTableModel::ErrorRateColumn).data().toString(), u"–"_s);
}

QTEST_MAIN(TestServiceTableModel)
#include "tst_servicetablemodel.moc"
