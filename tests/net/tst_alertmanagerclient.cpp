// Alerts in Alertmanager's v2 shape, and how they are posted: at once on a change, again every resend interval
// while firing, resolved ones once with endsAt, failures retried with backoff. A fake clock moved by hand and a
// loopback server that records the posts (and answers 500, or not at all, when told to).
#include "alerts/alertmanagerclient.h"
#include "alerts/alertmanagerpayload.h"
#include "httpserver/httpserver.h"
#include "probe/httpprober.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using State = bw::AlertmanagerStatus::State;

namespace {

constexpr std::int64_t kEpoch = 1'796'428'800'000; // 2026-12-05T00:00:00Z

bw::Alert alert(const QString &key, bw::AlertKind kind, std::int64_t firedAt,
                bw::AlertSource source = bw::AlertSource::Simulated)
{
    bw::Alert a;
    a.service = key;
    a.source = source;
    a.kind = kind;
    a.firedAtMs = firedAt;
    a.sinceMs = firedAt - 120'000;
    a.summary = key + u": simulated breaker not closed for 2m"_s;
    a.why = u"failure rate 60 % >= 50 %"_s;
    return a;
}

// A stand-in Alertmanager: records every POST to /api/v2/alerts; answers `status`, or holds the answer.
struct FakeAlertmanager
{
    FakeAlertmanager()
    {
        server.route("POST", u"/api/v2/alerts"_s, [this](const bw::HttpRequest &request, bw::HttpResponder r) {
            posts << QJsonDocument::fromJson(request.body).array();
            authorization << request.header("authorization");
            if (hold) {
                held << r;
                return;
            }
            r.send(bw::HttpResponse::json(status, status == 200 ? "" : R"({"message":"boom"})"));
        });
    }
    bw::AlertmanagerConfig config() const
    {
        bw::AlertmanagerConfig c;
        c.targets << u"127.0.0.1:%1"_s.arg(server.port());
        c.timeoutMs = 300;
        return c;
    }
    bw::HttpServer server;
    QList<QJsonArray> posts;
    QList<QByteArray> authorization;
    QList<bw::HttpResponder> held;
    int status = 200;
    bool hold = false;
};

// "BreakerOpen" firing, "BreakerOpen/resolved@<endsAt>" resolved (it ended by `postedAt`).
QStringList alertnames(const QJsonArray &posted, std::int64_t postedAt)
{
    QStringList out;
    for (const QJsonValue &v : posted) {
        const QString endsAt = v[u"endsAt"_s].toString();
        out << v[u"labels"_s][u"alertname"_s].toString() +
                   (endsAt <= bw::rfc3339(postedAt) ? u"/resolved@"_s + endsAt : QString());
    }
    return out;
}

} // namespace

class TestAlertmanagerClient final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void payloadLabelsAndTimes();
    void postsAtOnceThenEveryResendInterval();
    void resolvedIsSentOnceWithEndsAt();
    void failuresBackOffAndTheResolvedOnesAreNotLost();
    void aSilentAlertmanagerTimesOutWithoutBlocking();
    void refusedConnectionIsShown();
    void reloadKeepsWhatStaysAndTellsNewOnesEverything();

private:
    std::unique_ptr<bw::AlertmanagerClient> client(const std::vector<bw::AlertmanagerConfig> &targets)
    {
        bw::AlertmanagerClient::Options options;
        options.tickMs = 3'600'000; // the test calls sendDue() itself
        auto c = std::make_unique<bw::AlertmanagerClient>(
            m_prober.get(), [this] { return m_now; }, options);
        c->setAlertmanagers(targets);
        return c;
    }
    // Waits for the post under way to be answered.
    bool settle()
    {
        QElapsedTimer waited;
        waited.start();
        while (m_prober->inFlight() > 0 && waited.elapsed() < 5000)
            QTest::qWait(5);
        QTest::qWait(0); // the answer's follow-ups (sendSoon) run
        return m_prober->inFlight() == 0;
    }

    QNetworkAccessManager m_network;
    std::unique_ptr<bw::HttpProber> m_prober;
    std::int64_t m_now = kEpoch;
};

void TestAlertmanagerClient::init()
{
    m_prober = std::make_unique<bw::HttpProber>(&m_network);
    m_now = kEpoch;
}

void TestAlertmanagerClient::cleanup()
{
    m_prober.reset();
}

void TestAlertmanagerClient::payloadLabelsAndTimes()
{
    QCOMPARE(bw::rfc3339(kEpoch + 1234), u"2026-12-05T00:00:01.234Z"_s);
    bw::Alert open = alert(u"checkout/paymentGateway@10.0.0.7:8080"_s, bw::AlertKind::OpenLong, kEpoch);
    const QJsonObject o = bw::toAlertmanagerAlert(open, kEpoch + 240'000);
    const QJsonObject labels = o[u"labels"_s].toObject();
    QCOMPARE(labels, (QJsonObject{{u"alertname"_s, u"BreakerOpen"_s},
                                  {u"severity"_s, u"warning"_s},
                                  {u"service"_s, u"checkout"_s},
                                  {u"breaker"_s, u"paymentGateway"_s},
                                  {u"instance"_s, u"10.0.0.7:8080"_s},
                                  {u"origin"_s, u"simulated"_s}}));
    QCOMPARE(o[u"annotations"_s][u"summary"_s].toString(), open.summary);
    QCOMPARE(o[u"annotations"_s][u"why"_s].toString(), u"failure rate 60 % >= 50 %"_s);
    QCOMPARE(o[u"startsAt"_s].toString(), u"2026-12-05T00:00:00.000Z"_s);
    QCOMPARE(o[u"endsAt"_s].toString(), u"2026-12-05T00:04:00.000Z"_s); // firing: valid until
    QVERIFY(!o.contains(u"generatorURL"_s));

    bw::Alert flap = alert(u"search@127.0.0.1:9000"_s, bw::AlertKind::Flapping, kEpoch, bw::AlertSource::Real);
    flap.resolvedAtMs = kEpoch + 90'500;
    flap.why.clear();
    const QJsonObject f = bw::toAlertmanagerAlert(flap, kEpoch + 240'000, u"http://bw.example/"_s);
    QCOMPARE(f[u"labels"_s][u"alertname"_s].toString(), u"BreakerFlapping"_s);
    QCOMPARE(f[u"labels"_s][u"breaker"_s].toString(), u"health"_s);
    QCOMPARE(f[u"labels"_s][u"origin"_s].toString(), u"real"_s);
    QCOMPARE(f[u"endsAt"_s].toString(), u"2026-12-05T00:01:30.500Z"_s); // resolved: when
    QCOMPARE(f[u"generatorURL"_s].toString(), u"http://bw.example/"_s);
    QVERIFY(!f[u"annotations"_s].toObject().contains(u"why"_s));

    bw::Alert veryLong = alert(u"orders@h:1"_s, bw::AlertKind::OpenVeryLong, kEpoch);
    const QJsonObject v = bw::toAlertmanagerAlert(veryLong, kEpoch);
    QCOMPARE(v[u"labels"_s][u"alertname"_s].toString(), u"BreakerOpenLong"_s);
    QCOMPARE(v[u"labels"_s][u"severity"_s].toString(), u"critical"_s);
    // A key without an instance sends no empty instance label.
    QVERIFY(!bw::toAlertmanagerAlert(alert(u"plain"_s, bw::AlertKind::OpenLong, kEpoch), kEpoch)[u"labels"_s]
                 .toObject()
                 .contains(u"instance"_s));

    const QJsonArray both = QJsonDocument::fromJson(bw::toAlertmanagerJson({open, flap}, kEpoch + 240'000)).array();
    QCOMPARE(both.size(), 2);
    QCOMPARE(both[1][u"labels"_s][u"alertname"_s].toString(), u"BreakerFlapping"_s);
}

void TestAlertmanagerClient::postsAtOnceThenEveryResendInterval()
{
    FakeAlertmanager am;
    QVERIFY(am.server.listen(QHostAddress::LocalHost, 0).ok());
    auto c = client({am.config()});
    QCOMPARE(c->statuses()[0].state, State::Unknown);
    // Nothing firing: an empty list at once, which tells whether the Alertmanager can be reached.
    QTRY_COMPARE_WITH_TIMEOUT(am.posts.size(), 1, 5000);
    QVERIFY(settle());
    QCOMPARE(am.posts[0], QJsonArray());
    QCOMPARE(c->statuses()[0].state, State::Ok);
    m_now += 1000;
    c->sendDue();
    QCOMPARE(m_prober->inFlight(), 0); // and no more until the resend interval

    c->alertFired(alert(u"checkout@h:1"_s, bw::AlertKind::OpenLong, kEpoch));
    QTRY_COMPARE_WITH_TIMEOUT(am.posts.size(), 2, 5000);
    QVERIFY(settle());
    am.posts.removeFirst();
    QCOMPARE(alertnames(am.posts[0], m_now), QStringList{u"BreakerOpen"_s});
    QCOMPARE(am.posts[0][0][u"endsAt"_s].toString(), bw::rfc3339(m_now + 4 * 60'000));
    QCOMPARE(c->statuses()[0].state, State::Ok);
    QCOMPARE(c->statuses()[0].lastSentMs, m_now);

    m_now += 59'999;
    c->sendDue();
    QCOMPARE(m_prober->inFlight(), 0); // not due yet
    m_now += 1;
    c->sendDue();
    QCOMPARE(m_prober->inFlight(), 1);
    QVERIFY(settle());
    QCOMPARE(am.posts.size(), 2);
    QCOMPARE(am.posts[1][0][u"endsAt"_s].toString(), bw::rfc3339(m_now + 4 * 60'000)); // pushed forward

    // A second alert goes at once, with the first.
    m_now += 5'000;
    c->alertFired(alert(u"search@h:2"_s, bw::AlertKind::Flapping, m_now));
    QTRY_COMPARE_WITH_TIMEOUT(am.posts.size(), 3, 5000);
    QCOMPARE(am.posts[2].size(), 2);
    QVERIFY(settle());
    QCOMPARE(am.posts.size(), 3);
}

void TestAlertmanagerClient::resolvedIsSentOnceWithEndsAt()
{
    FakeAlertmanager am;
    QVERIFY(am.server.listen(QHostAddress::LocalHost, 0).ok());
    auto c = client({am.config()});
    bw::Alert a = alert(u"checkout@h:1"_s, bw::AlertKind::OpenLong, kEpoch);
    c->alertFired(a);
    QTRY_COMPARE_WITH_TIMEOUT(am.posts.size(), 1, 5000);
    QVERIFY(settle());
    m_now += 10'000;
    a.resolvedAtMs = m_now;
    c->alertResolved(a);
    QCOMPARE(c->firingCount(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(am.posts.size(), 2, 5000);
    QVERIFY(settle());
    QCOMPARE(alertnames(am.posts[1], m_now), QStringList{u"BreakerOpen/resolved@"_s + bw::rfc3339(m_now)});
    // Delivered: not sent again; with nothing firing the resend is an empty list.
    m_now += 59'999;
    c->sendDue();
    QCOMPARE(m_prober->inFlight(), 0);
    m_now += 1;
    c->sendDue();
    QVERIFY(settle());
    QCOMPARE(am.posts.size(), 3);
    QCOMPARE(am.posts[2], QJsonArray());
}

void TestAlertmanagerClient::failuresBackOffAndTheResolvedOnesAreNotLost()
{
    FakeAlertmanager am;
    QVERIFY(am.server.listen(QHostAddress::LocalHost, 0).ok());
    am.status = 500;
    auto c = client({am.config()});
    QSignalSpy changed(c.get(), &bw::AlertmanagerClient::statusChanged);
    bw::Alert a = alert(u"checkout@h:1"_s, bw::AlertKind::OpenLong, kEpoch);
    bw::Alert b = alert(u"orders@h:3"_s, bw::AlertKind::OpenLong, kEpoch);
    c->alertFired(a);
    c->alertFired(b);
    QTRY_COMPARE_WITH_TIMEOUT(am.posts.size(), 1, 5000);
    QVERIFY(settle());
    QCOMPARE(am.posts[0].size(), 2); // one post for both
    bw::AlertmanagerStatus status = c->statuses()[0];
    QCOMPARE(status.state, State::Failing);
    QVERIFY2(status.lastError.contains(u"HTTP 500"_s) && status.lastError.contains(u"boom"_s),
             qPrintable(status.lastError));
    QCOMPARE(status.sinceMs, kEpoch);
    QCOMPARE(status.failures, 1);
    QCOMPARE(changed.size(), 1);

    // 1 s, doubling, at most a minute; nothing goes before its time.
    const QList<std::int64_t> waits{1'000, 2'000, 4'000, 8'000, 16'000, 32'000, 60'000, 60'000};
    for (std::int64_t wait : waits) {
        QCOMPARE(c->statuses()[0].retryAtMs, m_now + wait);
        m_now += wait - 1;
        c->sendDue();
        QCOMPARE(m_prober->inFlight(), 0);
        m_now += 1;
        c->sendDue();
        QCOMPARE(m_prober->inFlight(), 1);
        QVERIFY(settle());
    }
    QCOMPARE(am.posts.size(), 1 + waits.size());
    QCOMPARE(c->statuses()[0].failures, 1 + static_cast<int>(waits.size()));
    QCOMPARE(c->statuses()[0].sinceMs, kEpoch); // failing since the first failure
    QCOMPARE(changed.size(), 1);                // the same error each time: one change

    // Resolved while it cannot be reached: the resolution goes with the next attempt, and until it is taken.
    a.resolvedAtMs = m_now + 100;
    c->alertResolved(a);
    QCOMPARE(m_prober->inFlight(), 0); // still backing off
    m_now += 60'000;
    c->sendDue();
    QVERIFY(settle());
    QCOMPARE(alertnames(am.posts.last(), m_now),
             (QStringList{u"BreakerOpen"_s, u"BreakerOpen/resolved@"_s + bw::rfc3339(*a.resolvedAtMs)}));
    am.status = 200;
    m_now += 60'000;
    c->sendDue();
    QVERIFY(settle());
    QCOMPARE(alertnames(am.posts.last(), m_now),
             (QStringList{u"BreakerOpen"_s, u"BreakerOpen/resolved@"_s + bw::rfc3339(*a.resolvedAtMs)}));
    status = c->statuses()[0];
    QCOMPARE(status.state, State::Ok);
    QCOMPARE(status.sinceMs, m_now);
    QCOMPARE(status.failures, 0);
    QCOMPARE(status.retryAtMs, -1);
    QCOMPARE(changed.size(), 2);
    QCOMPARE(changed.last().at(0).value<bw::AlertmanagerStatus>().state, State::Ok);
    // Taken: the next resend carries only what fires.
    m_now += 60'000;
    c->sendDue();
    QVERIFY(settle());
    QCOMPARE(alertnames(am.posts.last(), m_now), QStringList{u"BreakerOpen"_s});
    // After a recovery the backoff starts again at 1 s.
    am.status = 503;
    m_now += 60'000;
    c->sendDue();
    QVERIFY(settle());
    QCOMPARE(c->statuses()[0].retryAtMs, m_now + 1'000);
}

void TestAlertmanagerClient::aSilentAlertmanagerTimesOutWithoutBlocking()
{
    FakeAlertmanager am;
    QVERIFY(am.server.listen(QHostAddress::LocalHost, 0).ok());
    am.hold = true;
    auto c = client({am.config()});
    QElapsedTimer elapsed;
    elapsed.start();
    c->alertFired(alert(u"checkout@h:1"_s, bw::AlertKind::OpenLong, kEpoch));
    c->sendDue();
    QVERIFY(elapsed.elapsed() < 100); // the post goes on in the background
    QCOMPARE(m_prober->inFlight(), 1);
    c->sendDue(); // one post at a time
    QCOMPARE(m_prober->inFlight(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(c->statuses()[0].state, State::Failing, 5000);
    QVERIFY2(c->statuses()[0].lastError.startsWith(u"timeout"_s), qPrintable(c->statuses()[0].lastError));
    QCOMPARE(am.posts.size(), 1);
}

void TestAlertmanagerClient::refusedConnectionIsShown()
{
    quint16 port = 0;
    {
        bw::HttpServer gone;
        port = *gone.listen(QHostAddress::LocalHost, 0);
    }
    bw::AlertmanagerConfig dead;
    dead.targets << u"127.0.0.1:%1"_s.arg(port);
    auto c = client({dead});
    QSignalSpy changed(c.get(), &bw::AlertmanagerClient::statusChanged);
    // Known before any alert fires.
    QTRY_COMPARE_WITH_TIMEOUT(changed.size(), 1, 5000);
    const auto status = changed[0][0].value<bw::AlertmanagerStatus>();
    QCOMPARE(status.state, State::Failing);
    QCOMPARE(status.url, QUrl(u"http://127.0.0.1:%1/api/v2/alerts"_s.arg(port)));
    QVERIFY2(status.lastError.startsWith(u"connection_refused"_s), qPrintable(status.lastError));
}

void TestAlertmanagerClient::reloadKeepsWhatStaysAndTellsNewOnesEverything()
{
    FakeAlertmanager first;
    FakeAlertmanager second;
    QVERIFY(first.server.listen(QHostAddress::LocalHost, 0).ok());
    QVERIFY(second.server.listen(QHostAddress::LocalHost, 0).ok());
    auto c = client({first.config()});
    c->alertFired(alert(u"checkout@h:1"_s, bw::AlertKind::OpenLong, kEpoch));
    QTRY_COMPARE_WITH_TIMEOUT(first.posts.size(), 1, 5000);
    QVERIFY(settle());
    m_now += 10'000;
    c->setAlertmanagers({first.config(), second.config()});
    QTRY_COMPARE_WITH_TIMEOUT(second.posts.size(), 1, 5000); // the new one hears of what fires at once
    QVERIFY(settle());
    QCOMPARE(first.posts.size(), 1); // the one that stayed waits for its resend
    QCOMPARE(c->statuses().size(), 2);
    QCOMPARE(c->statuses()[0].lastSentMs + c->statuses()[1].lastSentMs, kEpoch + kEpoch + 10'000);

    // Same URL, other credentials: a new Alertmanager to us.
    bw::AlertmanagerConfig withAuth = first.config();
    withAuth.auth.kind = bw::AuthConfig::Kind::Authorization;
    withAuth.auth.credentials = bw::Secret(u"t0ken"_s);
    c->setAlertmanagers({withAuth});
    QTRY_COMPARE_WITH_TIMEOUT(first.posts.size(), 2, 5000);
    QCOMPARE(first.authorization.last(), "Bearer t0ken");
    QVERIFY(settle());
    QCOMPARE(c->statuses().size(), 1);
    c->setAlertmanagers({});
    QVERIFY(c->statuses().isEmpty());
}

QTEST_GUILESS_MAIN(TestAlertmanagerClient)
#include "tst_alertmanagerclient.moc"
