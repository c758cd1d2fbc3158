// Silences on their own: Alertmanager's matcher semantics against the labels Breakerwatch pushes, activity in time,
// the checks a new silence must pass, and Alertmanager's JSON both ways, including answers that are not silences.
#include "alerts/alertmanagerpayload.h"
#include "alerts/silence.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace Qt::StringLiterals;
using bw::SilenceMatcher;

namespace {

bw::Alert paymentGateway()
{
    bw::Alert a;
    a.service = u"checkout/paymentGateway@10.0.0.7:8080"_s;
    a.source = bw::AlertSource::Real;
    a.kind = bw::AlertKind::OpenLong;
    a.firedAtMs = 1000;
    return a;
}

} // namespace

class TestSilence final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void matchersAsAlertmanagerHasThem_data();
    void matchersAsAlertmanagerHasThem();
    void activeBetweenStartAndEndUnlessExpired();
    void presetsFromAnAlert();
    void checksANewSilence_data();
    void checksANewSilence();
    void readsAlertmanagerSilences();
    void refusesWhatIsNotSilences_data();
    void refusesWhatIsNotSilences();
    void writesWhatAlertmanagerTakes();
    void matchersAsPeopleWriteThem();
};

void TestSilence::matchersAsAlertmanagerHasThem_data()
{
    QTest::addColumn<SilenceMatcher>("matcher");
    QTest::addColumn<bool>("matches");
    QTest::newRow("equal") << SilenceMatcher{u"service"_s, u"checkout"_s} << true;
    QTest::newRow("equal, other value") << SilenceMatcher{u"service"_s, u"search"_s} << false;
    QTest::newRow("not equal") << SilenceMatcher{u"service"_s, u"search"_s, false, false} << true;
    QTest::newRow("regex, anchored") << SilenceMatcher{u"breaker"_s, u"payment.*"_s, true} << true;
    QTest::newRow("regex must match all of it") << SilenceMatcher{u"breaker"_s, u"payment"_s, true} << false;
    QTest::newRow("negative regex") << SilenceMatcher{u"breaker"_s, u"inv.*"_s, true, false} << true;
    QTest::newRow("alertname") << SilenceMatcher{u"alertname"_s, u"BreakerOpen"_s} << true;
    QTest::newRow("origin") << SilenceMatcher{u"origin"_s, u"simulated"_s} << false;
    QTest::newRow("a missing label is empty") << SilenceMatcher{u"team"_s, u""_s} << true;
    QTest::newRow("a missing label is not a value") << SilenceMatcher{u"team"_s, u"ops"_s} << false;
}

void TestSilence::matchersAsAlertmanagerHasThem()
{
    QFETCH(SilenceMatcher, matcher);
    QFETCH(bool, matches);
    QCOMPARE(matcher.matches(bw::alertLabels(paymentGateway())), matches);
}

void TestSilence::activeBetweenStartAndEndUnlessExpired()
{
    bw::Silence s;
    s.matchers = {{u"service"_s, u"checkout"_s}, {u"instance"_s, u"10.0.0.7:8080"_s}};
    s.startsAtMs = 1000;
    s.endsAtMs = 5000;
    const bw::Alert alert = paymentGateway();
    QVERIFY(!s.silences(alert, 999));
    QVERIFY(s.silences(alert, 1000));
    QVERIFY(s.silences(alert, 4999));
    QVERIFY(!s.silences(alert, 5000));
    s.expiredAtMs = 3000;
    QVERIFY(s.silences(alert, 2999));
    QVERIFY(!s.silences(alert, 3000));
    // Every matcher must match; none matches nothing.
    s.expiredAtMs.reset();
    s.matchers << SilenceMatcher{u"breaker"_s, u"other"_s};
    QVERIFY(!s.silences(alert, 2000));
    s.matchers.clear();
    QVERIFY(!s.silences(alert, 2000));
    bw::Silence described;
    described.matchers = {{u"service"_s, u"a"_s}, {u"breaker"_s, u"b.*"_s, true, false}};
    QCOMPARE(described.describeMatchers(), u"service=\"a\", breaker!~\"b.*\""_s);
}

void TestSilence::presetsFromAnAlert()
{
    const bw::Alert alert = paymentGateway();
    QCOMPARE(bw::matchersFor(alert, bw::SilenceScope::Service), (QList<SilenceMatcher>{{u"service"_s, u"checkout"_s}}));
    QCOMPARE(bw::matchersFor(alert, bw::SilenceScope::Breaker),
             (QList<SilenceMatcher>{{u"service"_s, u"checkout"_s}, {u"breaker"_s, u"paymentGateway"_s}}));
    QCOMPARE(bw::matchersFor(alert, bw::SilenceScope::Instance),
             (QList<SilenceMatcher>{{u"service"_s, u"checkout"_s},
                                    {u"breaker"_s, u"paymentGateway"_s},
                                    {u"instance"_s, u"10.0.0.7:8080"_s}}));
    // The health breaker is named "health", as pushed.
    bw::Alert health = alert;
    health.service = u"search@10.0.0.9:80"_s;
    QCOMPARE(bw::matchersFor(health, bw::SilenceScope::Breaker).last(), (SilenceMatcher{u"breaker"_s, u"health"_s}));
}

void TestSilence::checksANewSilence_data()
{
    QTest::addColumn<bw::Silence>("silence");
    QTest::addColumn<QString>("problem");
    const bw::Silence good{
        u""_s,    bw::SilenceOrigin::Local, {},          {{u"service"_s, u"checkout"_s}}, 1000, 3'600'000,
        u"ops"_s, u"maintenance"_s,         std::nullopt};
    QTest::newRow("good") << good << QString();
    bw::Silence s = good;
    s.matchers.clear();
    QTest::newRow("no matcher") << s << u"at least one matcher"_s;
    s = good;
    s.matchers[0].name = u" "_s;
    QTest::newRow("no label name") << s << u"needs a label name"_s;
    s = good;
    s.matchers[0] = {u"breaker"_s, u"pay(("_s, true};
    QTest::newRow("bad regex") << s << u"matcher breaker=~\"pay((\":"_s;
    s = good;
    s.endsAtMs = 500;
    QTest::newRow("ends before it starts") << s << u"must end after it starts"_s;
    s = good;
    s.startsAtMs = 0;
    s.endsAtMs = 1500;
    QTest::newRow("already over") << s << u"must end in the future"_s;
    s = good;
    s.comment = u"  "_s;
    QTest::newRow("no comment") << s << u"needs a comment"_s;
    s = good;
    s.createdBy.clear();
    QTest::newRow("nobody") << s << u"who made it"_s;
}

void TestSilence::checksANewSilence()
{
    QFETCH(bw::Silence, silence);
    QFETCH(QString, problem);
    const bw::Status checked = bw::checkSilence(silence, 2000);
    if (problem.isEmpty()) {
        QVERIFY2(checked.ok(), qPrintable(checked.ok() ? QString() : checked.error()));
        return;
    }
    QVERIFY(!checked.ok());
    QVERIFY2(checked.error().contains(problem), qPrintable(checked.error()));
}

void TestSilence::readsAlertmanagerSilences()
{
    // As Alertmanager 0.25 answers GET /api/v2/silences: an active one, a pending one, an expired one, and one this
    // reader cannot use (no matchers).
    const QByteArray body = R"([
      {"id":"a1","status":{"state":"active"},"updatedAt":"2026-12-07T01:00:00.000Z",
       "comment":"deploy","createdBy":"alice","startsAt":"2026-12-07T01:00:00.000Z","endsAt":"2026-12-07T03:00:00.000Z",
       "matchers":[{"name":"service","value":"checkout","isRegex":false,"isEqual":true},
                   {"name":"breaker","value":"pay.*","isRegex":true}]},
      {"id":"p1","status":{"state":"pending"},"comment":"later","createdBy":"bob",
       "startsAt":"2026-12-08T01:00:00Z","endsAt":"2026-12-08T02:00:00Z",
       "matchers":[{"name":"service","value":"search","isRegex":false,"isEqual":false}]},
      {"id":"e1","status":{"state":"expired"},"comment":"old","createdBy":"carol",
       "startsAt":"2026-12-01T01:00:00Z","endsAt":"2026-12-01T02:00:00Z",
       "matchers":[{"name":"service","value":"x","isRegex":false}]},
      {"id":"bad","status":{"state":"active"},"startsAt":"2026-12-07T01:00:00Z","endsAt":"2026-12-07T02:00:00Z"}
    ])";
    int skipped = -1;
    const auto read = bw::parseAlertmanagerSilences(body, u"http://am:9093/api/v2/silences"_s, &skipped);
    QVERIFY2(read.ok(), qPrintable(read.ok() ? QString() : read.error()));
    QCOMPARE(read->size(), 2);
    QCOMPARE(skipped, 1);
    const bw::Silence &active = (*read)[0];
    QCOMPARE(active.id, u"a1"_s);
    QCOMPARE(active.origin, bw::SilenceOrigin::Alertmanager);
    QCOMPARE(active.alertmanager, u"http://am:9093/api/v2/silences"_s);
    QCOMPARE(active.createdBy, u"alice"_s);
    QCOMPARE(active.comment, u"deploy"_s);
    QCOMPARE(active.startsAtMs,
             QDateTime::fromString(u"2026-12-07T01:00:00.000Z"_s, Qt::ISODateWithMs).toMSecsSinceEpoch());
    QCOMPARE(active.endsAtMs - active.startsAtMs, 2 * 3600'000);
    QCOMPARE(active.matchers, (QList<SilenceMatcher>{{u"service"_s, u"checkout"_s}, {u"breaker"_s, u"pay.*"_s, true}}));
    QVERIFY(active.silences(paymentGateway(), active.startsAtMs + 1));
    QCOMPARE((*read)[1].matchers[0].isEqual, false);
}

void TestSilence::refusesWhatIsNotSilences_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("problem");
    QTest::newRow("html") << QByteArray("<html>proxy error</html>") << u"not JSON"_s;
    QTest::newRow("an object") << QByteArray(R"({"silences": []})") << u"not a JSON array"_s;
    QTest::newRow("truncated") << QByteArray(R"([{"id":"a1","matchers":[)") << u"not JSON"_s;
    QTest::newRow("empty") << QByteArray() << u"not JSON"_s;
}

void TestSilence::refusesWhatIsNotSilences()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, problem);
    const auto read = bw::parseAlertmanagerSilences(body, u"am"_s);
    QVERIFY(!read.ok());
    QVERIFY2(read.error().contains(problem), qPrintable(read.error()));
    // An array of junk is read as no silences, each counted as skipped.
    int skipped = 0;
    const auto junk = bw::parseAlertmanagerSilences("[1, \"x\", null, {}]", u"am"_s, &skipped);
    QVERIFY(junk.ok());
    QCOMPARE(junk->size(), 0);
    QCOMPARE(skipped, 4);
}

void TestSilence::writesWhatAlertmanagerTakes()
{
    bw::Silence s;
    s.id = u"local-1"_s; // not sent: Alertmanager gives the id
    s.matchers = {{u"service"_s, u"checkout"_s}, {u"breaker"_s, u"pay.*"_s, true, false}};
    s.startsAtMs = 1'765'000'000'000;
    s.endsAtMs = s.startsAtMs + 1800'000;
    s.createdBy = u"ops"_s;
    s.comment = u"maintenance window"_s;
    const QJsonObject body = QJsonDocument::fromJson(bw::toAlertmanagerSilenceJson(s)).object();
    QVERIFY(!body.contains(u"id"_s));
    QCOMPARE(body[u"createdBy"_s].toString(), u"ops"_s);
    QCOMPARE(body[u"comment"_s].toString(), u"maintenance window"_s);
    QCOMPARE(body[u"startsAt"_s].toString(), bw::rfc3339(s.startsAtMs));
    QCOMPARE(body[u"endsAt"_s].toString(), bw::rfc3339(s.endsAtMs));
    const QJsonArray matchers = body[u"matchers"_s].toArray();
    QCOMPARE(matchers.size(), 2);
    QCOMPARE(matchers[1].toObject(),
             (QJsonObject{
                 {u"name"_s, u"breaker"_s}, {u"value"_s, u"pay.*"_s}, {u"isRegex"_s, true}, {u"isEqual"_s, false}}));
    // The store's round trip of matchers.
    QCOMPARE(bw::matchersFromJson(bw::matchersToJson(s.matchers)), s.matchers);
    QCOMPARE(*bw::parseCreatedSilenceId(R"({"silenceID":"7f1c"})"), u"7f1c"_s);
    QVERIFY(!bw::parseCreatedSilenceId("oops").ok());
}

void TestSilence::matchersAsPeopleWriteThem()
{
    QCOMPARE(*bw::parseSilenceMatcher(u"team=ops"), (SilenceMatcher{u"team"_s, u"ops"_s}));
    QCOMPARE(*bw::parseSilenceMatcher(u" team = \"on call\" "), (SilenceMatcher{u"team"_s, u"on call"_s}));
    QCOMPARE(*bw::parseSilenceMatcher(u"service!=search"), (SilenceMatcher{u"service"_s, u"search"_s, false, false}));
    QCOMPARE(*bw::parseSilenceMatcher(u"breaker=~\"pay.*\""), (SilenceMatcher{u"breaker"_s, u"pay.*"_s, true, true}));
    QCOMPARE(*bw::parseSilenceMatcher(u"breaker!~inv.*"), (SilenceMatcher{u"breaker"_s, u"inv.*"_s, true, false}));
    QVERIFY(!bw::parseSilenceMatcher(u"just words").ok());
    QVERIFY(!bw::parseSilenceMatcher(u"=value").ok());
    const auto badRegex = bw::parseSilenceMatcher(u"breaker=~pay((");
    QVERIFY(!badRegex.ok());
    QVERIFY2(badRegex.error().startsWith(u"breaker=~\"pay((\":"_s), qPrintable(badRegex.error()));
}

QTEST_GUILESS_MAIN(TestSilence)
#include "tst_silence.moc"
