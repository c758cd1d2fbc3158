// The alert desk and the notifier on their own, time driven by hand: an acknowledgement covers one firing episode
// and ends with it, a local silence covers what its matchers match while it holds, both are audited and announced
// for the store, a carried acknowledgement takes the next episode of its alert, grouping follows the incident hook,
// and only alerts that nobody handles yet reach the (throttled) desktop notifications.
#include "alerts/alertcenter.h"
#include "alerts/alertdesk.h"
#include "alerts/alertnotifier.h"
#include "control/auditlog.h"
#include "monitor/fleetmonitor.h"
#include "probe/httpprober.h"

#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

bw::Alert alertOf(const QString &key, std::int64_t firedAt, bw::AlertKind kind = bw::AlertKind::OpenLong)
{
    bw::Alert a;
    a.service = key;
    a.kind = kind;
    a.firedAtMs = firedAt;
    a.sinceMs = firedAt - 120'000;
    a.summary = key + u": simulated breaker not closed for 2m 1s"_s;
    return a;
}

bw::Silence silenceOf(const QList<bw::SilenceMatcher> &matchers, std::int64_t from, std::int64_t to)
{
    bw::Silence s;
    s.matchers = matchers;
    s.startsAtMs = from;
    s.endsAtMs = to;
    s.createdBy = u"alice"_s;
    s.comment = u"maintenance"_s;
    return s;
}

} // namespace

class TestAlertDesk final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void acknowledgementCoversOneEpisode();
    void localSilenceHoldsForItsTime();
    void carriedAcknowledgementTakesTheNextEpisode();
    void groupsFollowTheIncidentHook();
    void notifiesOnlyWhatNobodyHandles();

private:
    std::int64_t m_now = 1'000'000;
    QNetworkAccessManager m_network;
    std::unique_ptr<bw::HttpProber> m_prober;
    std::unique_ptr<bw::FleetMonitor> m_monitor;
    std::unique_ptr<bw::AlertCenter> m_center;
    std::unique_ptr<bw::AuditLog> m_audit;
    std::unique_ptr<bw::AlertDesk> m_desk;
};

void TestAlertDesk::init()
{
    m_now = 1'000'000;
    const auto clock = [this] { return m_now; };
    m_prober = std::make_unique<bw::HttpProber>(&m_network);
    m_monitor = std::make_unique<bw::FleetMonitor>(m_prober.get(), clock);
    m_center = std::make_unique<bw::AlertCenter>(m_monitor.get(), clock);
    m_audit = std::make_unique<bw::AuditLog>();
    m_desk = std::make_unique<bw::AlertDesk>(m_center.get(), m_audit.get(), clock);
}

void TestAlertDesk::cleanup()
{
    m_desk.reset();
    m_audit.reset();
    m_center.reset();
    m_monitor.reset();
    m_prober.reset();
}

void TestAlertDesk::acknowledgementCoversOneEpisode()
{
    QSignalSpy acks(m_desk.get(), &bw::AlertDesk::acknowledgementChanged);
    QSignalSpy changed(m_desk.get(), &bw::AlertDesk::changed);
    const bw::Alert pay = alertOf(u"checkout/paymentGateway@10.0.0.7:8080"_s, m_now);
    const bw::Alert search = alertOf(u"search@10.0.0.9:80"_s, m_now);
    bw::Alert resolved = alertOf(u"orders@10.0.0.5:80"_s, m_now - 5000);
    resolved.resolvedAtMs = m_now - 1000;
    m_now += 10'000;
    QCOMPARE(m_desk->acknowledge({pay, search, resolved}, u"alice"_s, u"on it"_s), 2); // not the resolved one
    QCOMPARE(m_desk->acknowledge({pay}, u"bob"_s), 0);                                 // already
    QCOMPARE(acks.size(), 2);
    QCOMPARE(changed.size(), 1);
    const bw::AlertDesk::Marks marks = m_desk->marks(pay, m_now);
    QVERIFY(marks.acknowledged());
    QCOMPARE(marks.acknowledgement->who, u"alice"_s);
    QCOMPARE(marks.acknowledgement->atMs, m_now);
    QCOMPARE(marks.acknowledgement->comment, u"on it"_s);
    QVERIFY(!marks.silenced());
    // Another episode of the same alert, or another kind on the same breaker, is not covered.
    QVERIFY(!m_desk->marks(alertOf(pay.service, m_now), m_now).acknowledged());
    QVERIFY(!m_desk->marks(alertOf(pay.service, pay.firedAtMs, bw::AlertKind::Flapping), m_now).acknowledged());
    // Audited, as every operator action is.
    QCOMPARE(m_audit->entries().size(), 2);
    const bw::AuditEntry &entry = m_audit->entries()[0];
    QCOMPARE(entry.who, u"alice"_s);
    QCOMPARE(entry.service, pay.service);
    QCOMPARE(entry.action, u"acknowledge"_s);
    QCOMPARE(entry.outcome, u"done"_s);
    QVERIFY2(entry.detail.startsWith(u"BreakerOpen: "_s) && entry.detail.endsWith(u"(on it)"_s),
             qPrintable(entry.detail));

    // The episode resolves: its acknowledgement ends with it (announced for the store), the other stays.
    bw::Alert over = pay;
    over.resolvedAtMs = m_now + 5000;
    Q_EMIT m_center->alertResolved(over);
    QCOMPARE(acks.size(), 3);
    const auto ended = acks.last().at(0).value<bw::Acknowledgement>();
    QCOMPARE(ended.alert, bw::AlertKey::of(pay));
    QCOMPARE(ended.endedAtMs, std::optional<std::int64_t>(m_now + 5000));
    QCOMPARE(m_desk->acknowledgements().size(), 1);
    QCOMPARE(m_desk->acknowledgements()[0].alert.breaker, search.service);
    QVERIFY(!m_desk->marks(over, m_now).acknowledged()); // a resolved alert is no longer marked
}

void TestAlertDesk::localSilenceHoldsForItsTime()
{
    QSignalSpy silences(m_desk.get(), &bw::AlertDesk::silenceChanged);
    const bw::Alert pay = alertOf(u"checkout/paymentGateway@10.0.0.7:8080"_s, m_now);
    const bw::Alert health = alertOf(u"checkout@10.0.0.7:8080"_s, m_now);
    const bw::Alert search = alertOf(u"search@10.0.0.9:80"_s, m_now);
    // Breaker scope: checkout's paymentGateway on every instance.
    auto made =
        m_desk->addLocalSilence(silenceOf(bw::matchersFor(pay, bw::SilenceScope::Breaker), m_now, m_now + 3600'000));
    QVERIFY(made.ok());
    QVERIFY(made->id.startsWith(u"local-"_s));
    QCOMPARE(made->origin, bw::SilenceOrigin::Local);
    QCOMPARE(silences.size(), 1);
    QVERIFY(m_desk->marks(pay, m_now).silenced());
    QCOMPARE(m_desk->marks(pay, m_now).silencedBy[0].id, made->id);
    QVERIFY(!m_desk->marks(health, m_now).silenced()); // checkout's health breaker is another breaker
    QVERIFY(!m_desk->marks(search, m_now).silenced());
    QVERIFY(!m_desk->marks(pay, m_now + 3600'000).silenced()); // its time is up
    QCOMPARE(m_desk->silences(m_now).size(), 1);
    QCOMPARE(m_desk->silences(m_now + 3600'000).size(), 0);
    const bw::AuditEntry &audited = m_audit->entries().back();
    QCOMPARE(audited.action, u"silence"_s);
    QCOMPARE(audited.who, u"alice"_s);
    QCOMPARE(audited.target, u"local silence"_s);
    QCOMPARE(audited.service, u"service=\"checkout\", breaker=\"paymentGateway\""_s); // what it covers
    QVERIFY2(audited.detail.contains(u"for 1h"_s) && audited.detail.contains(u"maintenance"_s),
             qPrintable(audited.detail));

    // An incomplete silence is refused with the reason, and nothing is kept.
    bw::Silence noComment = silenceOf({{u"service"_s, u"search"_s}}, m_now, m_now + 60'000);
    noComment.comment = u"  "_s;
    const auto refused = m_desk->addLocalSilence(noComment);
    QVERIFY(!refused.ok());
    QVERIFY(refused.error().contains(u"comment"_s));
    QCOMPARE(m_desk->localSilences().size(), 1);

    // Expired by hand: announced with expiredAtMs, audited, no longer silencing.
    std::optional<bw::Status> done;
    m_now += 60'000;
    m_desk->expireSilence(made->id, u"bob"_s, [&](const bw::Status &s) { done = s; });
    QVERIFY(done.has_value() && done->ok());
    QCOMPARE(silences.size(), 2);
    QCOMPARE(silences.last().at(0).value<bw::Silence>().expiredAtMs, std::optional<std::int64_t>(m_now));
    QVERIFY(!m_desk->marks(pay, m_now).silenced());
    QCOMPARE(m_audit->entries().back().action, u"expire silence"_s);
    QCOMPARE(m_audit->entries().back().who, u"bob"_s);
    done.reset();
    m_desk->expireSilence(u"local-0-0"_s, u"bob"_s, [&](const bw::Status &s) { done = s; });
    QVERIFY(done.has_value() && !done->ok());
}

void TestAlertDesk::carriedAcknowledgementTakesTheNextEpisode()
{
    // What the store kept from the last session: one acknowledgement still open, one ended, a silence still in force
    // and one whose time is up.
    bw::Acknowledgement open;
    open.id = u"ack-1-1"_s;
    open.alert = {u"search@10.0.0.9:80"_s, bw::AlertSource::Simulated, bw::AlertKind::OpenLong};
    open.firedAtMs = m_now - 600'000;
    open.atMs = m_now - 500'000;
    open.who = u"alice"_s;
    bw::Acknowledgement ended = open;
    ended.id = u"ack-1-2"_s;
    ended.alert.breaker = u"orders@10.0.0.5:80"_s;
    ended.endedAtMs = m_now - 400'000;
    bw::Silence holding = silenceOf({{u"service"_s, u"search"_s}}, m_now - 600'000, m_now + 600'000);
    holding.id = u"local-1-3"_s;
    bw::Silence over = holding;
    over.id = u"local-1-4"_s;
    over.endsAtMs = m_now - 1;
    m_desk->restore({open, ended}, {holding, over}, m_now);
    QCOMPARE(m_desk->acknowledgements().size(), 1);
    QVERIFY(m_desk->acknowledgements()[0].carried);
    QCOMPARE(m_desk->localSilences().size(), 1);
    QCOMPARE(m_desk->localSilences()[0].id, holding.id);

    QSignalSpy acks(m_desk.get(), &bw::AlertDesk::acknowledgementChanged);
    const bw::Alert fired = alertOf(open.alert.breaker, m_now);
    QVERIFY(m_desk->marks(fired, m_now).acknowledged()); // carried: covers whatever episode comes first
    Q_EMIT m_center->alertFired(fired);
    QCOMPARE(acks.size(), 1);
    const auto adopted = acks[0].at(0).value<bw::Acknowledgement>();
    QVERIFY(!adopted.carried);
    QCOMPARE(adopted.firedAtMs, fired.firedAtMs);
    QCOMPARE(adopted.id, open.id); // the same row in the store
    // From now on only that episode.
    QVERIFY(m_desk->marks(fired, m_now).acknowledged());
    QVERIFY(!m_desk->marks(alertOf(open.alert.breaker, m_now + 1), m_now).acknowledged());
}

void TestAlertDesk::groupsFollowTheIncidentHook()
{
    QSignalSpy changed(m_desk.get(), &bw::AlertDesk::changed);
    m_desk->setIncidentLookup([](const bw::BreakerId &id) -> std::optional<bw::IncidentRef> {
        if (id.breaker == u"paymentGateway"_s)
            return bw::IncidentRef{u"payment gateway@1"_s, u"payments-gateway: 2 breakers in 2 services opened"_s};
        return std::nullopt;
    });
    QCOMPARE(changed.size(), 1);
    const QList<bw::Alert> alerts{alertOf(u"checkout/paymentGateway@10.0.0.7:8080"_s, m_now),
                                  alertOf(u"orders/paymentGateway@10.0.0.5:8080"_s, m_now + 1),
                                  alertOf(u"search@10.0.0.9:80"_s, m_now + 2)};
    m_desk->acknowledge({alerts[2]}, u"alice"_s);
    const QList<bw::AlertGroup> groups = m_desk->groups(alerts, m_now);
    QCOMPARE(groups.size(), 2);
    QCOMPARE(groups[0].key, u"incident:payment gateway@1"_s);
    QCOMPARE(groups[0].title, u"payments-gateway: 2 breakers in 2 services opened"_s);
    QCOMPARE(groups[0].firing, 2);
    QCOMPARE(groups[1].key, u"service:search"_s);
    QCOMPARE(groups[1].acknowledged, 1);
    QCOMPARE(groups[1].firing, 0);
}

void TestAlertDesk::notifiesOnlyWhatNobodyHandles()
{
    bw::AlertNotifier notifier(m_center.get(), m_desk.get(), [this] { return m_now; }, {5 * 60'000, 3, 60'000});
    QSignalSpy shown(&notifier, &bw::AlertNotifier::notify);
    m_desk->setIncidentLookup([](const bw::BreakerId &id) -> std::optional<bw::IncidentRef> {
        if (id.breaker == u"paymentGateway"_s)
            return bw::IncidentRef{u"pg"_s, u"payments-gateway outage"_s};
        return std::nullopt;
    });
    QVERIFY(m_desk->addLocalSilence(silenceOf({{u"service"_s, u"search"_s}}, m_now, m_now + 3600'000)).ok());
    Q_EMIT m_center->alertFired(alertOf(u"search@10.0.0.9:80"_s, m_now)); // silenced: no notification
    QCOMPARE(shown.size(), 0);
    QCOMPARE(notifier.muted(), 1);
    // Ten breakers of the incident open at once: one notification, titled by the incident.
    for (int i = 0; i < 10; ++i)
        Q_EMIT m_center->alertFired(alertOf(u"svc%1/paymentGateway@10.0.0.%1:80"_s.arg(i), m_now + i));
    QCOMPARE(shown.size(), 1);
    const auto first = shown[0].at(0).value<bw::NotificationThrottle::Notification>();
    QCOMPARE(first.title, u"payments-gateway outage: open > 2 min"_s);
    QCOMPARE(notifier.throttle().folded(), 9);
    // Three more services: one of them on its own (the last slot is the summary's), the rest held for the summary.
    for (int i = 0; i < 3; ++i)
        Q_EMIT m_center->alertFired(alertOf(u"other%1@10.0.1.%1:80"_s.arg(i), m_now + 20 + i));
    QCOMPARE(shown.size(), 2);
    QCOMPARE(notifier.throttle().held(), 2);
    notifier.flushDue();
    QCOMPARE(shown.size(), 3);
    const auto summary = shown[2].at(0).value<bw::NotificationThrottle::Notification>();
    QVERIFY(summary.summary);
    QCOMPARE(summary.text, u"and 2 more alerts in 2 services"_s);
    // An acknowledged alert (carried over a restart) is not news either.
    bw::Acknowledgement carried;
    carried.id = u"ack-9-9"_s;
    carried.alert = {u"late@10.0.2.1:80"_s, bw::AlertSource::Simulated, bw::AlertKind::OpenLong};
    carried.who = u"alice"_s;
    m_desk->restore({carried}, {}, m_now);
    m_now += 120'000;
    Q_EMIT m_center->alertFired(alertOf(u"late@10.0.2.1:80"_s, m_now));
    QCOMPARE(shown.size(), 3);
    QCOMPARE(notifier.muted(), 2);
}

QTEST_GUILESS_MAIN(TestAlertDesk)
#include "tst_alertdesk.moc"
