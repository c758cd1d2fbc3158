// Export and import: replay JSONL that `breakerwatch-cli replay` reads and that imports back to the same
// observations, CSV of observations, transitions and the audit log (quoting), bad input lines, a failing device.
#include "events/jsonlreader.h"
#include "store/historystore.h"
#include "store/observationcodec.h"
#include "store/storeexport.h"

#include <QBuffer>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using bw::BreakerState;
using bw::Observation;
using bw::PollOutcome;

namespace {

constexpr std::int64_t kT0 = 1'699'999'200'000;
constexpr std::int64_t kHour = 3'600'000;

const bw::BreakerId kAlpha{u"alpha"_s, u"10.0.0.1:80"_s, {}};

std::vector<Observation> sample()
{
    std::vector<Observation> out;
    for (int i = 0; i < 900; ++i) {
        Observation o;
        o.t = kT0 + i * 1'000 + (i % 7);
        o.outcome = i % 50 == 0 ? PollOutcome::Unknown : (i % 9 == 0 ? PollOutcome::Failed : PollOutcome::Ok);
        o.errorRate = i % 11 == 0 ? Observation::kNone : float(i % 20) * 2.5f;
        o.latencyMs = i % 13 == 0 ? Observation::kNone : 3.0f + float(i % 333) * 0.731f;
        o.p95Ms = 150.0f + float(i / 60);
        o.state = i % 100 < 10 ? BreakerState::Open : BreakerState::Closed;
        if (i % 3 == 0)
            o.observedState = i % 100 < 20 ? BreakerState::HalfOpen : BreakerState::Closed;
        out.push_back(o);
    }
    return out;
}

} // namespace

class TestStoreExport final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void jsonlIsReplayableAndImportsBack();
    void jsonlWithATimeOrigin();
    void observationsCsv();
    void transitionsAndAuditCsvAreQuoted();
    void badImportLines_data();
    void badImportLines();
    void failingDevice();
    void selectionParses_data();
    void selectionParses();
    void selectionByFieldsMergesBreakersInTimeOrder();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<bw::HistoryStore> m_store;
};

void TestStoreExport::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    bw::StoreOptions options;
    options.dataDir = m_dir->path();
    m_store = std::make_unique<bw::HistoryStore>(options);
    QVERIFY(m_store->open(kT0).ok());
    for (const Observation &o : sample())
        m_store->appendObservation(kAlpha, o);
    QVERIFY(m_store->flush(kT0 + kHour).ok());
}

void TestStoreExport::cleanup()
{
    m_store.reset();
    m_dir.reset();
}

void TestStoreExport::jsonlIsReplayableAndImportsBack()
{
    QBuffer out;
    QVERIFY(out.open(QIODevice::WriteOnly));
    QVERIFY(bw::exportServiceJsonl(*m_store, {kAlpha}, kT0, kT0 + kHour, out).ok());
    const QByteArray jsonl = out.data();
    QVERIFY(jsonl.startsWith("{\"t\":1699999201001,\"ok\":true,")); // the first poll was no call
    // Each line names its breaker (breaker "": the health breaker).
    QVERIFY2(
        jsonl.split('\n').front().endsWith(",\"service\":\"alpha\",\"instance\":\"10.0.0.1:80\",\"breaker\":\"\"}"),
        jsonl.left(200).constData());

    std::vector<Observation> calls;
    for (const Observation &o : sample())
        if (o.outcome != PollOutcome::Unknown)
            calls.push_back(bw::ObservationCodec::quantised(o));
    // The replay reader takes it as it is.
    const auto stream = bw::JsonlReader::parse(jsonl);
    QVERIFY2(stream.ok(), qPrintable(stream.ok() ? QString() : stream.error()));
    QCOMPARE(stream->events.size(), calls.size());
    for (std::size_t i = 0; i < calls.size(); ++i) {
        QCOMPARE(stream->events[i].t, calls[i].t);
        QCOMPARE(stream->events[i].ok, calls[i].outcome == PollOutcome::Ok);
        QCOMPARE(stream->events[i].latencyMs, calls[i].has(bw::SeriesKind::Latency) ? calls[i].latencyMs : 0.0f);
    }

    QBuffer in;
    in.setData(jsonl);
    QVERIFY(in.open(QIODevice::ReadOnly));
    const bw::BreakerId copy{u"alpha"_s, u"10.0.0.2:80"_s, u"copied"_s};
    const auto imported = bw::importServiceJsonl(*m_store, copy, in);
    QVERIFY(imported.ok());
    QCOMPARE(imported->observations, std::int64_t(calls.size()));
    QVERIFY(m_store->flush(kT0 + 2 * kHour).ok());
    const auto back = m_store->observations(copy, kT0, kT0 + kHour);
    QVERIFY(back.ok());
    QCOMPARE(back->size(), calls.size());
    for (std::size_t i = 0; i < calls.size(); ++i)
        QVERIFY2((*back)[i].sameAs(calls[i]), qPrintable(QString::number(i)));

    // And exporting the copy gives the same bytes, but for the breaker they name.
    QBuffer again;
    QVERIFY(again.open(QIODevice::WriteOnly));
    QVERIFY(bw::exportServiceJsonl(*m_store, {copy}, kT0, kT0 + kHour, again).ok());
    QCOMPARE(again.data(), QByteArray(jsonl).replace("\"instance\":\"10.0.0.1:80\",\"breaker\":\"\"",
                                                     "\"instance\":\"10.0.0.2:80\",\"breaker\":\"copied\""));
}

void TestStoreExport::jsonlWithATimeOrigin()
{
    QBuffer out;
    QVERIFY(out.open(QIODevice::WriteOnly));
    QVERIFY(bw::exportServiceJsonl(*m_store, {kAlpha}, kT0 + 60'000, kT0 + 120'000, out, kT0 + 60'000).ok());
    QVERIFY(out.data().startsWith("{\"t\":4,")); // 60 s + (60 % 7) ms after the origin
    QCOMPARE(out.data().count('\n'), 59);        // 60 polls, one of them no call
}

void TestStoreExport::observationsCsv()
{
    QBuffer out;
    QVERIFY(out.open(QIODevice::WriteOnly));
    QVERIFY(bw::exportServiceCsv(*m_store, {kAlpha}, kT0, kT0 + 3'000, out).ok());
    const QList<QByteArray> lines = out.data().trimmed().split('\n');
    QCOMPARE(lines.size(), 4);
    QCOMPARE(lines[0], QByteArray("t_ms,time_utc,outcome,error_rate,latency_ms,p95_ms,state,observed_state,service,"
                                  "instance,breaker"));
    QCOMPARE(lines[1],
             QByteArray("1699999200000,2023-11-14T22:00:00.000Z,,,,150.23195,open,half-open,alpha,10.0.0.1:80,"));
    QVERIFY(lines[2].startsWith("1699999201001,2023-11-14T22:00:01.001Z,ok,2.5,3.7"));
    QVERIFY(lines[2].endsWith(",open,,alpha,10.0.0.1:80,"));
}

void TestStoreExport::transitionsAndAuditCsvAreQuoted()
{
    QVERIFY(m_store
                ->appendTransitions({{u"alpha"_s,
                                      bw::TrackKind::Simulated,
                                      kT0 + 5,
                                      BreakerState::Closed,
                                      BreakerState::Open,
                                      u"rate 60%, \"high\""_s,
                                      {}},
                                     {u"beta"_s,
                                      bw::TrackKind::Observed,
                                      kT0 + 9,
                                      BreakerState::Open,
                                      BreakerState::HalfOpen,
                                      u"reported event"_s,
                                      {}}})
                .ok());
    QVERIFY(
        m_store->appendAudit(1, {kT0 + 7, u"ops"_s, u"alpha"_s, u"real breaker"_s, u"reset"_s, u"pending"_s, {}}).ok());
    QVERIFY(m_store->completeAudit(1, u"done"_s, u"HTTP 200\nOK"_s).ok());

    QBuffer transitions;
    QVERIFY(transitions.open(QIODevice::WriteOnly));
    QVERIFY(bw::exportTransitionsCsv(*m_store, {}, kT0, kT0 + kHour, transitions).ok());
    QCOMPARE(
        transitions.data(),
        QByteArray("t_ms,time_utc,service,track,from,to,reason\n"
                   "1699999200005,2023-11-14T22:00:00.005Z,alpha,simulated,closed,open,\"rate 60%, \"\"high\"\"\"\n"
                   "1699999200009,2023-11-14T22:00:00.009Z,beta,observed,open,half-open,reported event\n"));
    QBuffer one;
    QVERIFY(one.open(QIODevice::WriteOnly));
    QVERIFY(bw::exportTransitionsCsv(*m_store, {bw::BreakerId::parse(u"beta"_s)}, kT0, kT0 + kHour, one).ok());
    QCOMPARE(one.data().count('\n'), 2);

    QBuffer audit;
    QVERIFY(audit.open(QIODevice::WriteOnly));
    QVERIFY(bw::exportAuditCsv(*m_store, kT0, kT0 + kHour, audit).ok());
    QCOMPARE(audit.data(), QByteArray("id,at_ms,time_utc,who,service,target,action,outcome,detail\n"
                                      "1,1699999200007,2023-11-14T22:00:00.007Z,ops,alpha,real breaker,reset,done,"
                                      "\"HTTP 200\nOK\"\n"));
}

void TestStoreExport::badImportLines_data()
{
    QTest::addColumn<QByteArray>("jsonl");
    QTest::addColumn<QString>("error");
    QTest::newRow("not json") << QByteArray("{\"t\":1,\"ok\":true}\n{\"t\":2,") << u"line 2: "_s;
    QTest::newRow("no ok") << QByteArray("{\"t\":1}") << u"line 1: \"ok\" must be true or false"_s;
    QTest::newRow("fractional t") << QByteArray("{\"t\":1.5,\"ok\":true}") << u"line 1: \"t\" must be an integer"_s;
    QTest::newRow("backwards") << QByteArray("{\"t\":5,\"ok\":true}\n\n{\"t\":4,\"ok\":true}")
                               << u"line 3: \"t\" went backwards"_s;
    QTest::newRow("negative latency") << QByteArray("{\"t\":5,\"ok\":true,\"latency_ms\":-1}")
                                      << u"line 1: \"latency_ms\" must be a non-negative number"_s;
    QTest::newRow("state") << QByteArray("{\"t\":5,\"ok\":true,\"state\":\"ajar\"}") << u"line 1: unknown \"state\""_s;
}

void TestStoreExport::badImportLines()
{
    QFETCH(QByteArray, jsonl);
    QFETCH(QString, error);
    QBuffer in(&jsonl);
    QVERIFY(in.open(QIODevice::ReadOnly));
    const auto imported = bw::importServiceJsonl(*m_store, bw::BreakerId::parse(u"bad"_s), in);
    QVERIFY(!imported.ok());
    QVERIFY2(imported.error().startsWith(error), qPrintable(imported.error()));
    QVERIFY(m_store->observations(u"bad"_s, 0, kT0 + kHour)->empty()); // nothing appended
}

void TestStoreExport::failingDevice()
{
    QBuffer readOnly;
    QVERIFY(readOnly.open(QIODevice::ReadOnly));
    const bw::Status s = bw::exportServiceCsv(*m_store, {kAlpha}, kT0, kT0 + kHour, readOnly);
    QVERIFY(!s.ok());
    QVERIFY(s.error().startsWith(u"cannot write the export"_s));
}

void TestStoreExport::selectionParses_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("service");
    QTest::addColumn<QString>("instance"); // "*": any
    QTest::addColumn<QString>("breaker");  // "*": any
    QTest::newRow("service") << u"checkout"_s << u"checkout"_s << u"*"_s << u"*"_s;
    QTest::newRow("health key") << u"checkout@10.0.0.7:8080"_s << u"checkout"_s << u"10.0.0.7:8080"_s << QString();
    QTest::newRow("breaker key") << u"checkout/pay@10.0.0.7:8080"_s << u"checkout"_s << u"10.0.0.7:8080"_s << u"pay"_s;
    QTest::newRow("breaker, any instance") << u"checkout/pay"_s << u"checkout"_s << u"*"_s << u"pay"_s;
}

void TestStoreExport::selectionParses()
{
    QFETCH(QString, text);
    QFETCH(QString, service);
    QFETCH(QString, instance);
    QFETCH(QString, breaker);
    const bw::BreakerSelection s = bw::BreakerSelection::parse(text);
    QCOMPARE(s.service, service);
    QCOMPARE(s.instance.value_or(u"*"_s), instance);
    QCOMPARE(s.breaker.value_or(u"*"_s), breaker);
}

void TestStoreExport::selectionByFieldsMergesBreakersInTimeOrder()
{
    const bw::BreakerId pay1{u"alpha"_s, u"10.0.0.1:80"_s, u"pay"_s};
    const bw::BreakerId pay2{u"alpha"_s, u"10.0.0.2:80"_s, u"pay"_s};
    const bw::BreakerId other{u"beta"_s, u"10.0.0.1:80"_s, {}};
    for (int i = 0; i < 3; ++i) {
        Observation o;
        o.outcome = PollOutcome::Ok;
        o.t = kT0 + 2 * kHour + i * 10;
        m_store->appendObservation(pay1, o);
        o.t += 5;
        m_store->appendObservation(pay2, o);
        m_store->appendObservation(other, o);
    }
    m_store->appendObservation(u"alpha"_s, sample().front()); // a legacy row: the service's, no instance
    QVERIFY(m_store->flush(kT0 + 3 * kHour).ok());

    auto ids = [this](const bw::BreakerSelection &s) {
        auto selected = bw::selectBreakers(*m_store, s);
        return selected ? *selected : std::vector<bw::BreakerId>{};
    };
    const bw::BreakerId legacy{u"alpha"_s, u""_s, u""_s};
    QCOMPARE(ids({u"alpha"_s, {}, {}}), (std::vector<bw::BreakerId>{legacy, kAlpha, pay1, pay2}));
    QCOMPARE(ids({u"alpha"_s, {}, u"pay"_s}), (std::vector<bw::BreakerId>{pay1, pay2}));
    QCOMPARE(ids({u"alpha"_s, u"10.0.0.1:80"_s, {}}), (std::vector<bw::BreakerId>{kAlpha, pay1}));
    QCOMPARE(ids({u"alpha"_s, u"10.0.0.1:80"_s, u""_s}), std::vector<bw::BreakerId>{kAlpha});
    QCOMPARE(ids(bw::BreakerSelection::parse(u"alpha/pay@10.0.0.2:80"_s)), std::vector<bw::BreakerId>{pay2});
    const auto none = bw::selectBreakers(*m_store, {u"alpha"_s, u"10.0.0.9:80"_s, {}});
    QVERIFY(!none.ok());
    QVERIFY2(none.error().contains(u"no history of service \"alpha\", instance \"10.0.0.9:80\""_s),
             qPrintable(none.error()));

    // Both instances of "pay", merged by time, each line naming its instance.
    QBuffer out;
    QVERIFY(out.open(QIODevice::WriteOnly));
    QVERIFY(bw::exportServiceJsonl(*m_store, {pay1, pay2}, kT0 + 2 * kHour, kT0 + 3 * kHour, out).ok());
    const QList<QByteArray> lines = out.data().trimmed().split('\n');
    QCOMPARE(lines.size(), 6);
    for (int i = 0; i < 6; ++i) {
        QVERIFY2(lines[i].startsWith(
                     QByteArray("{\"t\":" + QByteArray::number(kT0 + 2 * kHour + (i / 2) * 10 + (i % 2) * 5))),
                 lines[i].constData());
        QVERIFY2(lines[i].contains(i % 2 == 0 ? "\"instance\":\"10.0.0.1:80\",\"breaker\":\"pay\""
                                              : "\"instance\":\"10.0.0.2:80\",\"breaker\":\"pay\""),
                 lines[i].constData());
    }
    // The replay reader takes the merged stream (in time order) too.
    QVERIFY(bw::JsonlReader::parse(out.data()).ok());
}

QTEST_GUILESS_MAIN(TestStoreExport)
#include "tst_storeexport.moc"
