// FleetTreeModel alone, on fed-in statuses (no monitor, no network): the hierarchy service -> breaker -> instance
// with no single-row parents, roll-ups as core computes them, severity order, grouping by a label, the filter,
// correlated incidents as their own parents, and re-sorting in place when a breaker opens.
// QAbstractItemModelTester watches every change.
#include "models/fleettreemodel.h"
#include "models/servicefilterproxy.h"
#include "models/servicetablemodel.h"

#include <QAbstractItemModelTester>
#include <QPersistentModelIndex>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using bw::BreakerId;
using bw::BreakerState;
using bw::FleetTreeModel;
using bw::ServiceTableModel;
using Kind = bw::FleetTreeModel::NodeKind;

namespace {

bw::BreakerStatus status(const QString &service, const QString &instance, const QString &breaker,
                         BreakerState state = BreakerState::Closed, std::int64_t since = 0)
{
    bw::BreakerStatus s;
    s.id = {service, instance, breaker};
    s.name = s.id.key();
    s.state = state;
    s.stateSinceMs = since;
    return s;
}

// checkout: paymentGateway on 3 instances, inventoryClient on 3; search: one health breaker on one instance;
// shipping: carrier-api on 2 instances.
std::vector<bw::BreakerStatus> fleet()
{
    std::vector<bw::BreakerStatus> out;
    for (const QString &instance : {u"c1:80"_s, u"c2:80"_s, u"c3:80"_s}) {
        out.push_back(status(u"checkout"_s, instance, u"paymentGateway"_s));
        out.push_back(status(u"checkout"_s, instance, u"inventoryClient"_s));
    }
    out.push_back(status(u"search"_s, u"s1:80"_s, {}));
    out.push_back(status(u"shipping"_s, u"h1:80"_s, u"carrier-api"_s));
    out.push_back(status(u"shipping"_s, u"h2:80"_s, u"carrier-api"_s));
    return out;
}

QString text(const QModelIndex &index, int column = ServiceTableModel::NameColumn)
{
    return index.siblingAtColumn(column).data().toString();
}

QStringList childNames(const QAbstractItemModel &model, const QModelIndex &parent = {})
{
    QStringList names;
    for (int row = 0; row < model.rowCount(parent); ++row)
        names << text(model.index(row, 0, parent));
    return names;
}

QModelIndex childNamed(const QAbstractItemModel &model, const QString &name, const QModelIndex &parent = {})
{
    for (int row = 0; row < model.rowCount(parent); ++row)
        if (text(model.index(row, 0, parent)) == name)
            return model.index(row, 0, parent);
    return {};
}

} // namespace

class TestFleetTreeModel final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void hierarchyWithoutSingleRowParents();
    void rollUpOnTheParentRows();
    void severityOrderFirst();
    void anOpeningBreakerMovesUpInPlace();
    void groupsByLabel();
    void filterShowsRowsButRollUpsCountAll();
    void incidentIsOneParentInsteadOfUnrelatedRows();
    void breakersComeAndGo();
    void sortByColumnKeepsIncidentsFirst();

private:
    std::unique_ptr<ServiceTableModel> m_table;
    std::unique_ptr<bw::ServiceFilterProxy> m_filter;
    std::unique_ptr<FleetTreeModel> m_tree;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

void TestFleetTreeModel::init()
{
    m_table = std::make_unique<ServiceTableModel>();
    m_table->setBreakers(fleet());
    m_filter = std::make_unique<bw::ServiceFilterProxy>();
    m_filter->setSourceModel(m_table.get());
    m_tree = std::make_unique<FleetTreeModel>(m_table.get(), m_filter.get());
    m_tree->setRefreshInterval(0);
    m_tester = std::make_unique<QAbstractItemModelTester>(m_tree.get(),
                                                          QAbstractItemModelTester::FailureReportingMode::QtTest);
}

void TestFleetTreeModel::cleanup()
{
    m_tester.reset();
    m_tree.reset();
    m_filter.reset();
    m_table.reset();
}

void TestFleetTreeModel::hierarchyWithoutSingleRowParents()
{
    QCOMPARE(childNames(*m_tree), (QStringList{u"checkout"_s, u"search"_s, u"shipping"_s}));
    const QModelIndex checkout = childNamed(*m_tree, u"checkout"_s);
    QCOMPARE(checkout.data(FleetTreeModel::NodeKindRole).toInt(), int(Kind::Service));
    QCOMPARE(childNames(*m_tree, checkout), (QStringList{u"inventoryClient"_s, u"paymentGateway"_s}));
    const QModelIndex payments = childNamed(*m_tree, u"paymentGateway"_s, checkout);
    QCOMPARE(payments.data(FleetTreeModel::NodeKindRole).toInt(), int(Kind::Breaker));
    QCOMPARE(childNames(*m_tree, payments), (QStringList{u"c1:80"_s, u"c2:80"_s, u"c3:80"_s}));
    const QModelIndex c2 = m_tree->index(1, 0, payments);
    QCOMPARE(m_tree->breakerAt(c2), std::optional(BreakerId{u"checkout"_s, u"c2:80"_s, u"paymentGateway"_s}));
    QCOMPARE(m_tree->indexOf({u"checkout"_s, u"c2:80"_s, u"paymentGateway"_s}), c2);
    QCOMPARE(text(c2, ServiceTableModel::InstanceColumn), QString()); // its name already says it
    QVERIFY(!m_tree->breakerAt(payments));

    // One breaker on one instance: the service's row is that breaker.
    const QModelIndex search = childNamed(*m_tree, u"search"_s);
    QCOMPARE(search.data(FleetTreeModel::NodeKindRole).toInt(), int(Kind::Leaf));
    QCOMPARE(m_tree->rowCount(search), 0);
    QCOMPARE(text(search, ServiceTableModel::InstanceColumn), u"s1:80"_s);
    QCOMPARE(m_tree->breakerAt(search), std::optional(BreakerId{u"search"_s, u"s1:80"_s, {}}));

    // One breaker on two instances: service -> breaker -> instances; the keys views keep expansion by are stable.
    const QModelIndex shipping = childNamed(*m_tree, u"shipping"_s);
    QCOMPARE(childNames(*m_tree, shipping), (QStringList{u"carrier-api"_s}));
    QCOMPARE(shipping.data(FleetTreeModel::NodeKeyRole).toString(), u"service:shipping"_s);
    QCOMPARE(m_tree->index(0, 0, shipping).data(FleetTreeModel::NodeKeyRole).toString(),
             u"breaker:shipping/carrier-api"_s);
}

void TestFleetTreeModel::rollUpOnTheParentRows()
{
    const std::int64_t now = 1'700'000'000'000;
    m_tree->setClock([now] { return now; });
    m_table->update({u"checkout"_s, u"c1:80"_s, u"paymentGateway"_s},
                    status(u"checkout"_s, u"c1:80"_s, u"paymentGateway"_s, BreakerState::Open, now - 240'000));
    auto halfOpen = status(u"checkout"_s, u"c3:80"_s, u"paymentGateway"_s, BreakerState::Closed);
    halfOpen.observedState = BreakerState::Open; // the real breaker: open for 5 min
    halfOpen.observedSinceMs = now - 300'000;
    m_table->update(halfOpen.id, halfOpen);
    m_tree->flush();

    const QModelIndex checkout = childNamed(*m_tree, u"checkout"_s);
    const QModelIndex payments = childNamed(*m_tree, u"paymentGateway"_s, checkout);
    QCOMPARE(text(payments, ServiceTableModel::InstanceColumn), u"2 of 3 instances open"_s);
    QCOMPARE(text(payments, ServiceTableModel::StateColumn), u"OPEN"_s);
    QVERIFY(text(payments, ServiceTableModel::ReasonColumn).contains(u"for 5m"_s));
    QCOMPARE(payments.data(FleetTreeModel::MemberCountRole).toInt(), 3);
    QCOMPARE(text(checkout, ServiceTableModel::InstanceColumn), u"2 of 6 breakers open"_s);
    QCOMPARE(checkout.data(ServiceTableModel::NotClosedRole).toBool(), true);
    QCOMPARE(text(childNamed(*m_tree, u"shipping"_s), ServiceTableModel::InstanceColumn), u"2 breakers"_s);
    QCOMPARE(text(childNamed(*m_tree, u"shipping"_s), ServiceTableModel::StateColumn), u"CLOSED"_s);
}

void TestFleetTreeModel::severityOrderFirst()
{
    // shipping flapping, search failing its checks: flapping before failing before fine, fine ones by name.
    auto flapping = status(u"shipping"_s, u"h2:80"_s, u"carrier-api"_s);
    flapping.flapping = true;
    m_table->update(flapping.id, flapping);
    auto failing = status(u"search"_s, u"s1:80"_s, {});
    failing.lastCheckMs = 5;
    failing.lastOutcome = bw::ProbeOutcomeKind::ConnectionRefused;
    m_table->update(failing.id, failing);
    m_tree->flush();
    QCOMPARE(childNames(*m_tree), (QStringList{u"shipping"_s, u"search"_s, u"checkout"_s}));
    // Within the flapping service, the flapping instance comes first.
    const QModelIndex carrier = m_tree->index(0, 0, childNamed(*m_tree, u"shipping"_s));
    QCOMPARE(childNames(*m_tree, carrier), (QStringList{u"h2:80"_s, u"h1:80"_s}));
    QCOMPARE(text(carrier, ServiceTableModel::OpensColumn), u"⚑ 1 flapping"_s);
    // The timeline's order is the tree's: every breaker once, the flapping instance first, search second.
    const QList<bw::BreakerId> order = m_tree->breakersInOrder();
    QCOMPARE(order.size(), m_table->rowCount());
    QCOMPARE(order.value(0), flapping.id);
    QCOMPARE(order.value(2), failing.id); // after shipping's two instances
}

void TestFleetTreeModel::anOpeningBreakerMovesUpInPlace()
{
    const QModelIndex checkout = childNamed(*m_tree, u"checkout"_s);
    const QPersistentModelIndex inventory = childNamed(*m_tree, u"inventoryClient"_s, checkout);
    const QPersistentModelIndex shipping = childNamed(*m_tree, u"shipping"_s);
    QSignalSpy reset(m_tree.get(), &QAbstractItemModel::modelReset);
    QSignalSpy layout(m_tree.get(), &QAbstractItemModel::layoutChanged);
    QSignalSpy changed(m_tree.get(), &QAbstractItemModel::dataChanged);

    const auto opened = status(u"shipping"_s, u"h1:80"_s, u"carrier-api"_s, BreakerState::Open, 10);
    m_table->update(opened.id, opened);
    QVERIFY(changed.isEmpty()); // the leaf, order and roll-ups together at the next refresh
    QVERIFY(layout.isEmpty());
    m_tree->flush();
    QCOMPARE(reset.size(), 0);
    QCOMPARE(layout.size(), 1);
    QCOMPARE(childNames(*m_tree), (QStringList{u"shipping"_s, u"checkout"_s, u"search"_s}));
    // Persistent indexes (selection, expansion) follow their rows.
    QCOMPARE(shipping.row(), 0);
    QCOMPARE(text(shipping), u"shipping"_s);
    QCOMPARE(text(inventory), u"inventoryClient"_s);
    QVERIFY(changed.size() > 1); // the parents whose roll-up changed

    // Nothing changed: no new layout, no repaint of parents.
    layout.clear();
    changed.clear();
    m_table->update(opened.id, opened);
    m_tree->flush();
    QCOMPARE(layout.size(), 0);
    QCOMPARE(changed.size(), 1);
    // ... and that one is the leaf's row, under its breaker.
    const QModelIndex leaf = m_tree->indexOf(opened.id);
    QCOMPARE(changed.at(0).at(0).value<QModelIndex>(), leaf);
    QCOMPARE(changed.at(0).at(1).value<QModelIndex>(), leaf.siblingAtColumn(ServiceTableModel::ColumnCount - 1));

    // Many leaves of one parent changing: one signal for their range, not one each.
    changed.clear();
    const QModelIndex carrier = leaf.parent();
    for (int row = 0; row < m_tree->rowCount(carrier); ++row) {
        const bw::BreakerId id = *m_tree->breakerAt(m_tree->index(row, 0, carrier));
        m_table->update(id, m_table->statusAt(m_table->rowOf(id)));
    }
    m_tree->flush();
    QCOMPARE(changed.size(), 1);
    QCOMPARE(changed.at(0).at(0).value<QModelIndex>(), m_tree->index(0, 0, carrier));
}

void TestFleetTreeModel::groupsByLabel()
{
    m_table->setLabelsOf([](const BreakerId &id) {
        if (id.service == u"search")
            return QVariantMap();
        return QVariantMap{{u"team"_s, id.service == u"checkout" ? u"payments"_s : u"logistics"_s}};
    });
    m_tree->setGroupLabel(u"team"_s);
    QCOMPARE(childNames(*m_tree), (QStringList{u"team = (no team)"_s, u"team = logistics"_s, u"team = payments"_s}));
    const QModelIndex payments = childNamed(*m_tree, u"team = payments"_s);
    QCOMPARE(payments.data(FleetTreeModel::NodeKindRole).toInt(), int(Kind::Group));
    QCOMPARE(childNames(*m_tree, payments), (QStringList{u"checkout"_s}));
    QCOMPARE(text(payments, ServiceTableModel::InstanceColumn), u"6 breakers"_s);
    m_tree->setGroupLabel({});
    QCOMPARE(childNames(*m_tree), (QStringList{u"checkout"_s, u"search"_s, u"shipping"_s}));
}

void TestFleetTreeModel::filterShowsRowsButRollUpsCountAll()
{
    const auto opened = status(u"checkout"_s, u"c2:80"_s, u"paymentGateway"_s, BreakerState::Open, 10);
    m_table->update(opened.id, opened);
    m_filter->setStateFilter(bw::ServiceFilterProxy::StateFilter::NotClosed);
    m_tree->flush();
    QCOMPARE(childNames(*m_tree), (QStringList{u"checkout"_s}));
    const QModelIndex checkout = childNamed(*m_tree, u"checkout"_s);
    QCOMPARE(childNames(*m_tree, checkout), (QStringList{u"paymentGateway"_s}));
    const QModelIndex payments = childNamed(*m_tree, u"paymentGateway"_s, checkout);
    QCOMPARE(childNames(*m_tree, payments), (QStringList{u"c2:80"_s}));
    QCOMPARE(text(payments, ServiceTableModel::InstanceColumn), u"1 of 3 instances open"_s);

    m_filter->setStateFilter(bw::ServiceFilterProxy::StateFilter::All);
    m_filter->setFilterFixedString(u"carrier"_s);
    m_tree->flush();
    QCOMPARE(childNames(*m_tree), (QStringList{u"shipping"_s}));
}

void TestFleetTreeModel::incidentIsOneParentInsteadOfUnrelatedRows()
{
    QSignalSpy incidents(m_tree.get(), &FleetTreeModel::incidentsChanged);
    // payments-gateway fails: checkout's paymentGateway on two instances and orders' payments-gateway open within
    // 30 s; search's health breaker opens too, unrelated.
    const std::int64_t t0 = 1'000'000;
    m_table->addBreaker(status(u"orders"_s, u"o1:80"_s, u"payments-gateway"_s));
    m_tree->flush();
    for (const auto &s : {status(u"checkout"_s, u"c1:80"_s, u"paymentGateway"_s, BreakerState::Open, t0),
                          status(u"checkout"_s, u"c3:80"_s, u"paymentGateway"_s, BreakerState::HalfOpen, t0 + 9000),
                          status(u"orders"_s, u"o1:80"_s, u"payments-gateway"_s, BreakerState::Open, t0 + 30'000),
                          status(u"search"_s, u"s1:80"_s, {}, BreakerState::Open, t0 + 1000)})
        m_table->update(s.id, s);
    incidents.clear();
    m_tree->flush();
    QCOMPARE(incidents.size(), 1);
    QCOMPARE(m_tree->incidents().size(), std::size_t(1));
    const QModelIndex incident = m_tree->index(0, 0);
    QCOMPARE(incident.data(FleetTreeModel::NodeKindRole).toInt(), int(Kind::Incident));
    QCOMPARE(text(incident), u"⚠ payments-gateway: 3 breakers in 2 services opened within 30 s"_s);
    // Most urgent first inside it too: the open ones, then the half-open one.
    // Its breakers by service and breaker: checkout's one breaker on two instances is one row over them.
    QCOMPARE(childNames(*m_tree, incident), (QStringList{u"checkout/paymentGateway"_s, u"orders/payments-gateway"_s}));
    const QModelIndex checkoutPayments = m_tree->index(0, 0, incident);
    QCOMPARE(checkoutPayments.data(FleetTreeModel::NodeKindRole).toInt(), int(Kind::Breaker));
    QCOMPARE(childNames(*m_tree, checkoutPayments), (QStringList{u"c1:80"_s, u"c3:80"_s}));
    QCOMPARE(text(checkoutPayments, ServiceTableModel::InstanceColumn), u"1 of 2 instances open"_s);
    QCOMPARE(m_tree->index(1, 0, incident).data(FleetTreeModel::NodeKindRole).toInt(), int(Kind::Leaf));
    QCOMPARE(text(incident, ServiceTableModel::InstanceColumn), u"2 services"_s);
    QVERIFY(incident.data(Qt::ToolTipRole).toString().contains(u"orders/payments-gateway@o1:80"_s));
    // Its members are not repeated under their services; the rest of checkout's payment breakers stays there.
    const QModelIndex checkout = childNamed(*m_tree, u"checkout"_s);
    QCOMPARE(childNames(*m_tree, checkout), (QStringList{u"inventoryClient"_s, u"paymentGateway"_s}));
    QCOMPARE(m_tree->rowCount(childNamed(*m_tree, u"paymentGateway"_s, checkout)), 0); // c2 alone: a leaf
    QVERIFY(!childNamed(*m_tree, u"orders"_s).isValid());
    // The unrelated open stays a row of its own, after the incident.
    QCOMPARE(text(m_tree->index(1, 0)), u"search"_s);

    // They close: the incident is over and its members go home.
    for (const QString &instance : {u"c1:80"_s, u"c3:80"_s})
        m_table->update({u"checkout"_s, instance, u"paymentGateway"_s},
                        status(u"checkout"_s, instance, u"paymentGateway"_s));
    m_tree->flush();
    QVERIFY(m_tree->incidents().empty());
    QCOMPARE(childNames(*m_tree),
             (QStringList{u"orders/payments-gateway"_s, u"search"_s, u"checkout"_s, u"shipping"_s}));
}

void TestFleetTreeModel::breakersComeAndGo()
{
    QSignalSpy reset(m_tree.get(), &QAbstractItemModel::modelReset);
    // Found one by one (as discovery finds them): one rebuild for the burst.
    m_table->addBreaker(status(u"search"_s, u"s2:80"_s, {}));
    m_table->addBreaker(status(u"search"_s, u"s3:80"_s, {}));
    QCoreApplication::processEvents();
    QCOMPARE(reset.size(), 1);
    const QModelIndex search = childNamed(*m_tree, u"search"_s);
    QCOMPARE(search.data(FleetTreeModel::NodeKindRole).toInt(), int(Kind::Service));
    const QModelIndex health = childNamed(*m_tree, u"health"_s, search);
    QCOMPARE(childNames(*m_tree, health), (QStringList{u"s1:80"_s, u"s2:80"_s, u"s3:80"_s}));
    m_table->removeBreaker({u"shipping"_s, u"h1:80"_s, u"carrier-api"_s});
    m_tree->flush();
    // shipping now has one breaker on one instance: a leaf named as the table names it.
    const QModelIndex shipping = childNamed(*m_tree, u"shipping/carrier-api"_s);
    QVERIFY(shipping.isValid());
    QCOMPARE(m_tree->rowCount(shipping), 0);
    QVERIFY(!m_tree->indexOf({u"shipping"_s, u"h1:80"_s, u"carrier-api"_s}).isValid());
}

void TestFleetTreeModel::sortByColumnKeepsIncidentsFirst()
{
    auto busy = status(u"shipping"_s, u"h1:80"_s, u"carrier-api"_s);
    busy.requestsPerSecond = 50;
    m_table->update(busy.id, busy);
    auto quiet = status(u"search"_s, u"s1:80"_s, {});
    quiet.requestsPerSecond = 2;
    m_table->update(quiet.id, quiet);
    m_tree->flush();
    m_tree->sort(ServiceTableModel::TrafficColumn, Qt::DescendingOrder);
    QCOMPARE(childNames(*m_tree), (QStringList{u"shipping"_s, u"search"_s, u"checkout"_s}));
    m_tree->sort(ServiceTableModel::NameColumn, Qt::DescendingOrder);
    QCOMPARE(childNames(*m_tree), (QStringList{u"shipping"_s, u"search"_s, u"checkout"_s}));
    m_tree->sort(ServiceTableModel::NameColumn, Qt::AscendingOrder);
    QCOMPARE(childNames(*m_tree), (QStringList{u"checkout"_s, u"search"_s, u"shipping"_s}));
}

QTEST_MAIN(TestFleetTreeModel)
#include "tst_fleettreemodel.moc"
