// AlertTreeModel alone, on alerts, marks and incidents fed by hand (no monitor, no desk): groups by incident or
// service with their counts, most urgent first; in a group, what needs someone first; acknowledged alerts dimmed
// and saying who and when, silenced ones saying by which silence; the breaker named by its parts; "for" counted to now
// while firing; rows found again by their stable keys; tick() updates in place (dataChanged) unless the marks change.
// QAbstractItemModelTester watches every change. SilenceModel alone too.
#include "models/alerttreemodel.h"
#include "models/silencemodel.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QFont>
#include <QPalette>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using Model = bw::AlertTreeModel;

namespace {

bw::Alert alert(const QString &key, bw::AlertKind kind, std::int64_t firedAt, std::int64_t since,
                std::optional<std::int64_t> resolved = std::nullopt)
{
    return {key,
            bw::AlertSource::Simulated,
            kind,
            firedAt,
            since,
            resolved,
            key + u": not closed"_s,
            u"failure rate 100%"_s};
}

bw::Silence silence(const QString &id, bw::SilenceOrigin origin, std::int64_t ends)
{
    bw::Silence s;
    s.id = id;
    s.origin = origin;
    s.alertmanager = origin == bw::SilenceOrigin::Alertmanager ? u"http://127.0.0.1:9093/api/v2/silences"_s : QString();
    s.matchers = {{u"service"_s, u"search"_s}};
    s.startsAtMs = 0;
    s.endsAtMs = ends;
    s.createdBy = u"bob"_s;
    s.comment = u"reindexing"_s;
    return s;
}

} // namespace

class TestAlertTreeModel final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void groupsWithCountsMostUrgentFirst();
    void tickUpdatesInPlaceUnlessMarksChange();
    void silencesSoonestToEndFirst();
};

void TestAlertTreeModel::groupsWithCountsMostUrgentFirst()
{
    std::int64_t now = 600'000;
    Model model([&now] { return now; });
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 0);

    // Oldest first, as AlertCenter keeps them.
    const QList<bw::Alert> alerts{
        alert(u"orders@10.0.0.5:80"_s, bw::AlertKind::OpenLong, 100'000, 0, 220'000),                 // 0 resolved
        alert(u"search@10.0.0.9:80"_s, bw::AlertKind::OpenLong, 200'000, 80'000),                     // 1 silenced
        alert(u"checkout/paymentGateway@10.0.0.7:8080"_s, bw::AlertKind::OpenLong, 300'000, 180'000), // 2 ack
        alert(u"billing/paymentGateway@10.0.0.3:8080"_s, bw::AlertKind::OpenLong, 400'000, 280'000),  // 3 firing
        alert(u"checkout@10.0.0.7:8080"_s, bw::AlertKind::Flapping, 500'000, 500'000),                // 4 firing
    };
    bw::Acknowledgement ack;
    ack.id = u"ack-1"_s;
    ack.alert = bw::AlertKey::of(alerts[2]);
    ack.firedAtMs = alerts[2].firedAtMs;
    ack.atMs = 320'000;
    ack.who = u"alice"_s;
    ack.comment = u"on it"_s;
    const bw::Silence am = silence(u"4f1c"_s, bw::SilenceOrigin::Alertmanager, 3'600'000);
    const auto marks = [&](const bw::Alert &a) {
        bw::AlertDesk::Marks m;
        if (ack.covers(a))
            m.acknowledgement = ack;
        if (a.service.startsWith(u"search"_s) && a.active())
            m.silencedBy << am;
        return m;
    };
    const bw::IncidentLookup incidents = [](const bw::BreakerId &id) -> std::optional<bw::IncidentRef> {
        if (id.breaker == u"paymentGateway"_s)
            return bw::IncidentRef{u"pg@1"_s, u"payments-gateway: 2 breakers in 2 services opened within 40 s"_s};
        return std::nullopt;
    };
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    model.setAlerts(alerts, marks, incidents);
    QCOMPARE(reset.size(), 1);

    // Groups: the incident (1 firing, newest 400 s), checkout (1 firing, 500 s) first by newest: checkout, incident;
    // then search (silenced only), then orders (resolved only).
    QCOMPARE(model.rowCount(), 4);
    const auto group = [&](int row) { return model.index(row, 0); };
    const auto text = [&](const QModelIndex &i, int column) { return i.siblingAtColumn(column).data().toString(); };
    QCOMPARE(group(0).data(Model::GroupKeyRole).toString(), u"service:checkout"_s);
    QCOMPARE(group(1).data(Model::GroupKeyRole).toString(), u"incident:pg@1"_s);
    QCOMPARE(group(2).data(Model::GroupKeyRole).toString(), u"service:search"_s);
    QCOMPARE(group(3).data(Model::GroupKeyRole).toString(), u"service:orders"_s);
    const QModelIndex incident = group(1);
    QVERIFY(incident.data(Model::IsGroupRole).toBool());
    QCOMPARE(text(incident, Model::ServiceColumn),
             u"⚠ payments-gateway: 2 breakers in 2 services opened within 40 s"_s);
    QCOMPARE(
        text(incident, Model::StatusColumn),
        u"⚠ payments-gateway: 2 breakers in 2 services opened within 40 s  —  2 alerts · 1 firing · 1 acknowledged"_s);
    QCOMPARE(text(incident, Model::SummaryColumn), u"2 alerts · 1 firing · 1 acknowledged"_s);
    QCOMPARE(incident.data(Model::FiringCountRole).toInt(), 1);
    QCOMPARE(incident.data(Model::AcknowledgedRole).toInt(), 1);
    QVERIFY(incident.data(Qt::FontRole).value<QFont>().bold());
    QCOMPARE(model.rowCount(incident), 2);
    // In the group: the one that needs someone first, then the acknowledged one, dimmed, with who and when.
    const QModelIndex billing = model.index(0, 0, incident);
    const QModelIndex checkoutPay = model.index(1, 0, incident);
    QCOMPARE(text(billing, Model::StatusColumn), u"FIRING"_s);
    QCOMPARE(text(billing, Model::ServiceColumn), u"billing"_s);
    QCOMPARE(text(billing, Model::BreakerColumn), u"paymentGateway"_s);
    QCOMPARE(text(billing, Model::InstanceColumn), u"10.0.0.3:8080"_s);
    QCOMPARE(text(billing, Model::KindColumn), u"BreakerOpen"_s);
    QCOMPARE(text(billing, Model::DurationColumn), u"5m 20s"_s); // since 280 s, now 600 s
    QCOMPARE(billing.data(Model::KeyRole).toString(), alerts[3].service);
    QVERIFY(billing.data(Qt::FontRole).value<QFont>().bold()); // FIRING
    QCOMPARE(billing.siblingAtColumn(Model::StatusColumn).data(Qt::ForegroundRole).value<QColor>(),
             incident.data(Qt::ForegroundRole).value<QColor>()); // in the palette's hue of "open"
    QVERIFY(!billing.siblingAtColumn(Model::SummaryColumn).data(Qt::FontRole).value<QFont>().bold());
    QVERIFY(text(checkoutPay, Model::StatusColumn).startsWith(u"ack alice "_s));
    QVERIFY(checkoutPay.data(Model::AcknowledgedRole).toBool());
    QCOMPARE(checkoutPay.data(Qt::ForegroundRole).value<QColor>(),
             QGuiApplication::palette().color(QPalette::Disabled, QPalette::Text));
    const QString ackTip = checkoutPay.data(Qt::ToolTipRole).toString();
    QVERIFY2(ackTip.contains(u"Acknowledged by alice at "_s) && ackTip.endsWith(u": on it"_s), qPrintable(ackTip));
    QCOMPARE(model.alertsAt(incident).size(), 2);
    QCOMPARE(model.alertAt(incident), nullptr);
    QCOMPARE(model.alertAt(billing)->service, alerts[3].service);
    QCOMPARE(model.groupAt(billing)->key, u"incident:pg@1"_s);

    // Silenced in Alertmanager: marked, italic, the tooltip names the silence.
    const QModelIndex search = model.index(0, 0, group(2));
    QCOMPARE(text(search, Model::StatusColumn), u"silenced in AM"_s);
    QVERIFY(search.data(Model::SilencedRole).toBool());
    QVERIFY(search.data(Qt::FontRole).value<QFont>().italic());
    QVERIFY(search.data(Qt::ToolTipRole).toString().contains(u"Silenced in Alertmanager until"_s));
    QVERIFY(search.data(Qt::ToolTipRole).toString().contains(u"by bob: reindexing"_s));
    QCOMPARE(text(group(2), Model::StatusColumn), u"search  —  1 alert · 1 silenced"_s);
    QCOMPARE(group(2).data(Qt::ForegroundRole).value<QColor>(),
             QGuiApplication::palette().color(QPalette::Disabled, QPalette::Text));
    QCOMPARE(group(2).data(Model::SilencedRole).toInt(), 1);
    // Resolved: last, its "for" fixed at the resolve.
    const QModelIndex orders = model.index(0, 0, group(3));
    QCOMPARE(text(orders, Model::StatusColumn), u"resolved"_s);
    QCOMPARE(text(group(3), Model::SummaryColumn), u"1 alert · 1 resolved"_s);
    QCOMPARE(text(orders, Model::DurationColumn), u"3m 40s"_s);
    now = 900'000;
    QCOMPARE(text(orders, Model::DurationColumn), u"3m 40s"_s);

    const Model::Totals totals = model.totals();
    QCOMPARE(totals.firing, 2);
    QCOMPARE(totals.acknowledged, 1);
    QCOMPARE(totals.silenced, 1);
    QCOMPARE(totals.groupsFiring, 2);
    QCOMPARE(totals.groups, 4);
    // Stable keys: a row found again after a reset.
    const QString billingKey = billing.data(Model::RowKeyRole).toString();
    model.setAlerts(alerts, marks, incidents);
    QCOMPARE(model.indexOfRowKey(billingKey).data(Model::KeyRole).toString(), alerts[3].service);
    QCOMPARE(model.indexOfRowKey(u"incident:pg@1"_s), model.indexOfGroup(u"incident:pg@1"_s));
    QVERIFY(!model.indexOfRowKey(u"alert:nothing"_s).isValid());

    // Without the incident hook the paymentGateway alerts go to their services.
    model.setAlerts(alerts, marks);
    QCOMPARE(model.rowCount(), 4);
    QVERIFY(!model.indexOfGroup(u"incident:pg@1"_s).isValid());
    QVERIFY(model.indexOfGroup(u"service:billing"_s).isValid());
    QCOMPARE(model.rowCount(model.indexOfGroup(u"service:checkout"_s)), 2); // its health breaker and paymentGateway
    model.setAlerts({});
    QCOMPARE(model.rowCount(), 0);
}

void TestAlertTreeModel::tickUpdatesInPlaceUnlessMarksChange()
{
    std::int64_t now = 600'000;
    Model model([&now] { return now; });
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const QList<bw::Alert> alerts{alert(u"search@10.0.0.9:80"_s, bw::AlertKind::OpenLong, 200'000, 80'000)};
    const bw::Silence local = silence(u"local-1"_s, bw::SilenceOrigin::Local, 700'000);
    const auto marks = [&](const bw::Alert &) {
        bw::AlertDesk::Marks m;
        if (local.activeAt(now))
            m.silencedBy << local;
        return m;
    };
    model.setAlerts(alerts, marks);
    const QModelIndex row = model.index(0, 0, model.index(0, 0));
    QCOMPARE(row.siblingAtColumn(Model::StatusColumn).data().toString(), u"silenced"_s);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    now = 601'000;
    model.tick();
    QCOMPARE(reset.size(), 0);
    QCOMPARE(changed.size(), 1); // the "for" column of the group's alerts
    QCOMPARE(changed[0].at(0).toModelIndex().column(), int(Model::DurationColumn));
    QCOMPARE(model.index(0, 0, model.index(0, 0)).siblingAtColumn(Model::DurationColumn).data().toString(),
             u"8m 41s"_s);
    // The silence's time is up: the alert fires again, a reset regroups.
    now = 700'000;
    model.tick();
    QCOMPARE(reset.size(), 1);
    QCOMPARE(model.index(0, 0, model.index(0, 0)).siblingAtColumn(Model::StatusColumn).data().toString(), u"FIRING"_s);
    QCOMPARE(model.totals().firing, 1);
}

void TestAlertTreeModel::silencesSoonestToEndFirst()
{
    std::int64_t now = 1'000'000;
    bw::SilenceModel model([&now] { return now; });
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    const bw::Silence later = silence(u"4f1c"_s, bw::SilenceOrigin::Alertmanager, now + 2 * 3600'000);
    const bw::Silence sooner = silence(u"local-1"_s, bw::SilenceOrigin::Local, now + 20 * 60'000);
    model.setSilences({later, sooner});
    QCOMPARE(reset.size(), 1);
    QCOMPARE(model.rowCount(), 2);
    const auto cell = [&](int row, int column) { return model.index(row, column).data().toString(); };
    QCOMPARE(cell(0, bw::SilenceModel::MatchersColumn), u"service=\"search\""_s);
    QCOMPARE(cell(0, bw::SilenceModel::WhereColumn), u"local"_s);
    QVERIFY2(cell(0, bw::SilenceModel::EndsColumn).startsWith(u"in 20m ("_s), qPrintable(cell(0, 2)));
    QCOMPARE(cell(0, bw::SilenceModel::CreatedByColumn), u"bob"_s);
    QCOMPARE(cell(0, bw::SilenceModel::CommentColumn), u"reindexing"_s);
    QCOMPARE(model.index(0, 0).data(bw::SilenceModel::IdRole).toString(), u"local-1"_s);
    QCOMPARE(model.index(0, 0).data(bw::SilenceModel::LocalRole).toBool(), true);
    QCOMPARE(cell(1, bw::SilenceModel::WhereColumn), u"Alertmanager 127.0.0.1:9093"_s);
    QVERIFY(model.index(1, 0).data(Qt::ToolTipRole).toString().contains(u"mutes the team's notifications too"_s));
    // The same silences again: nothing moves.
    model.setSilences({sooner, later});
    QCOMPARE(reset.size(), 1);
    // A minute on: the "ends" column in place; 20 minutes on: the local one is gone.
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    now += 60'000;
    model.tick();
    QCOMPARE(reset.size(), 1);
    QCOMPARE(changed.size(), 1);
    QVERIFY(cell(0, bw::SilenceModel::EndsColumn).startsWith(u"in 19m ("_s));
    now += 20 * 60'000;
    model.tick();
    QCOMPARE(reset.size(), 2);
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.silenceAt(model.index(0, 0))->id, u"4f1c"_s);
}

QTEST_MAIN(TestAlertTreeModel)
#include "tst_alerttreemodel.moc"
