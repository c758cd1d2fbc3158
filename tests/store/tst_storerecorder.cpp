// StoreRecorder: the slots feed the store (AuditLog's signals included), flushes are driven by hand with a fake
// clock, and health changes are signalled once each.
#include "control/auditlog.h"
#include "store/storerecorder.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {
constexpr std::int64_t kT0 = 1'699'999'200'000;
}

class TestStoreRecorder final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void recordsThroughSlots();
    void auditLogSignalsConnectDirectly();
    void healthChangesAreSignalled();
};

void TestStoreRecorder::recordsThroughSlots()
{
    QTemporaryDir dir;
    std::int64_t now = kT0;
    bw::StoreOptions options;
    options.dataDir = dir.path();
    bw::StoreRecorder recorder(options, [&now] { return now; });
    recorder.start();
    QVERIFY(recorder.health().ok());
    for (int i = 0; i < 30; ++i) {
        bw::Observation o;
        o.t = now + i * 1000;
        o.latencyMs = 12;
        o.outcome = bw::PollOutcome::Ok;
        recorder.recordObservation(u"alpha"_s, o);
    }
    bw::Transition t;
    t.t = kT0 + 5'000;
    t.to = bw::BreakerState::Open;
    t.reason.kind = bw::TransitionReason::Kind::ProbeFailed;
    recorder.recordTransition(u"alpha"_s, bw::TrackKind::Simulated, t);
    recorder.recordObservedTransition(u"alpha"_s,
                                      {kT0 + 6'000, bw::BreakerState::Closed, bw::BreakerState::Open, false});
    bw::Alert alert;
    alert.service = u"alpha"_s;
    alert.firedAtMs = kT0 + 7'000;
    recorder.recordAlert(alert);
    now += 30'000;
    recorder.flushNow();
    QCOMPARE(recorder.health().bufferedObservations, 0u);
    QCOMPARE(recorder.store().observations(u"alpha"_s, kT0, now)->size(), 30u);
    QCOMPARE(recorder.store().transitions(u"alpha"_s, kT0, now)->size(), 2u);
    QCOMPARE(recorder.store().alerts(kT0, now)->size(), 1u);
    recorder.stop();
    QVERIFY(!recorder.store().isOpen());
}

void TestStoreRecorder::auditLogSignalsConnectDirectly()
{
    QTemporaryDir dir;
    bw::StoreOptions options;
    options.dataDir = dir.path();
    bw::StoreRecorder recorder(options, [] { return kT0; });
    recorder.start();
    bw::AuditLog log;
    connect(&log, &bw::AuditLog::entryAdded, &recorder, &bw::StoreRecorder::recordAuditAppended);
    connect(&log, &bw::AuditLog::entryChanged, &recorder, &bw::StoreRecorder::recordAuditChanged);
    const int index = log.append({kT0, u"ops"_s, u"alpha"_s, u"real breaker"_s, u"reset"_s, u"pending"_s, QString()});
    log.complete(index, u"unknown"_s, u"no answer within 5 s"_s);
    const auto entries = recorder.store().auditEntries(kT0, kT0 + 1);
    QVERIFY(entries.ok());
    QCOMPARE(entries->size(), 1u);
    QCOMPARE(entries->front().outcome, u"unknown"_s);
    QCOMPARE(entries->front().detail, u"no answer within 5 s"_s);
}

void TestStoreRecorder::healthChangesAreSignalled()
{
    QTemporaryDir dir;
    const QString blocker = dir.filePath(u"blocker"_s);
    QFile f(blocker);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.close();
    bw::StoreOptions options;
    options.dataDir = blocker + u"/data"_s;
    std::int64_t now = kT0;
    bw::StoreRecorder recorder(options, [&now] { return now; });
    QSignalSpy spy(&recorder, &bw::StoreRecorder::healthChanged);
    recorder.start();
    QCOMPARE(spy.count(), 1);
    const auto degraded = spy.takeFirst().at(0).value<bw::StoreHealth>();
    QCOMPARE(degraded.state, bw::StoreHealth::State::Degraded);
    QVERIFY(degraded.message.contains(blocker));
    now += 2'000;
    recorder.flushNow(); // same problem: no new signal
    QCOMPARE(spy.count(), 0);
    QVERIFY(QFile::remove(blocker));
    now += 2'000;
    recorder.flushNow();
    QCOMPARE(spy.count(), 1);
    QVERIFY(spy.takeFirst().at(0).value<bw::StoreHealth>().ok());
}

QTEST_GUILESS_MAIN(TestStoreRecorder)
#include "tst_storerecorder.moc"
