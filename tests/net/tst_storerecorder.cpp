// The history store behind a live monitor: a session over the demo fleet on loopback is written to a real
// SQLite file, and the next session restores the same transitions, series and audit entries. A store that cannot
// be written is reported as degraded while polling goes on. The store works on its own thread: recording never waits
// for it, health changes come back on the GUI thread, and ending the store thread writes everything queued.
#include "alerts/alertcenter.h"
#include "config/configloader.h"
#include "control/breakercontrol.h"
#include "demo/demofleet.h"
#include "history/historyrecorder.h"
#include "monitor/fleetmonitor.h"
#include "probe/httpprober.h"
#include "store/historystore.h"
#include "store/storerecorder.h"
#include "store/storethread.h"

#include <QDateTime>
#include <QFile>
#include <QNetworkAccessManager>
#include <QSemaphore>
#include <QTemporaryDir>
#include <QTest>

#include <functional>

using namespace Qt::StringLiterals;

namespace {
bw::StoreOptions storeIn(const QString &dir)
{
    bw::StoreOptions options;
    options.dataDir = dir;
    return options;
}

// What a store recorder follows, for the tests that play its signals themselves: the monitor is never started.
struct Followed
{
    Followed(QNetworkAccessManager *network, const std::function<std::int64_t()> &clock, const bw::Config &config)
        : prober(network), monitor(&prober, clock), recorder(&monitor, &history), alerts(&monitor, clock)
    {
        monitor.setConfig(config);
    }
    bw::HttpProber prober;
    bw::FleetMonitor monitor;
    bw::FleetHistory history;
    bw::HistoryRecorder recorder;
    bw::AlertCenter alerts;
    bw::AuditLog audit;
};
} // namespace

class TestStoreRecorder final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void restartShowsTheSameHistory();
    void unwritableStoreIsDegradedAndPollingGoesOn();
    void storeWorksOnItsOwnThread();
    void endingTheStoreThreadWritesEverythingQueued();
    void pollsGoToTheStoreTogether();

private:
    std::int64_t now() const { return m_wallStart + m_clock.elapsed(); }
    QElapsedTimer m_clock;
    std::int64_t m_wallStart = QDateTime::currentMSecsSinceEpoch();
    QNetworkAccessManager m_network;
};

void TestStoreRecorder::restartShowsTheSameHistory()
{
    m_clock.start();
    const auto clock = [this] { return now(); };
    QTemporaryDir dir;
    bw::DemoFleet fleet([this] { return m_clock.elapsed(); }, m_wallStart);
    QVERIFY(fleet.start({QHostAddress::LocalHost, 0, 2, u"healthy"_s, 4, bw::FleetLayout::OneBreakerPerService}).ok());
    const bw::PresetCatalog catalog;
    const auto config = bw::ConfigLoader(catalog).loadText(fleet.configYaml(200), u"demo"_s, {});
    QVERIFY(config.ok());
    const bw::BreakerId checkout{u"checkout"_s, config->services[0].instanceName(), {}};
    const bw::BreakerId search{u"search"_s, config->services[1].instanceName(), {}};
    // The store files each breaker under its key.
    const QStringList names{checkout.key(), search.key()};

    std::vector<bw::TrackTransition> written;
    QString writtenReason;
    {
        Followed followed(&m_network, clock, *config);
        auto &[prober, monitor, history, recorder, alerts, audit] = followed;
        bw::BreakerControl control(&monitor, &prober, &audit, clock);
        bw::StoreThread store(storeIn(dir.path()), clock);
        QVERIFY(store.worker()->call([this](bw::HistoryStore &s) { return s.open(now()); }).ok());
        bw::StoreRecorder storeRecorder(store.worker(), &monitor, &recorder, &alerts, &audit, clock);
        monitor.start();
        fleet.services()[1]->injectFault(bw::BehaviourMode::Down, 60'000);
        QTRY_COMPARE_WITH_TIMEOUT(monitor.status(search).state, bw::BreakerState::Open, 8000);
        QVERIFY(control.actOnSimulated(search, bw::OperatorAction::ForceOpen).ok());
        QTest::qWait(500);
        monitor.stop();
        const int row = recorder.rowOf(search);
        written = history.service(row).track(bw::TrackKind::Simulated).transitions(0, now() + 1);
        QVERIFY(written.size() >= 2);
        writtenReason = history.service(row).reasonText(written.front().reason);
        QVERIFY(storeRecorder.health().ok());
    } // the store thread writes what is queued and closes the file: the "application" stops

    bw::HistoryStore store(storeIn(dir.path()));
    QVERIFY(store.open(now()).ok());
    bw::FleetHistory restored;
    const auto report = store.restore(restored, names, now() - 3600'000, now() + 1);
    QVERIFY2(report.ok(), qPrintable(report.ok() ? QString() : report.error()));
    QCOMPARE(report->services, 2);
    const auto again = restored.service(1).track(bw::TrackKind::Simulated).transitions(0, now() + 1);
    QCOMPARE(again.size(), written.size());
    for (std::size_t i = 0; i < written.size(); ++i) {
        QCOMPARE(again[i].t, written[i].t);
        QCOMPARE(again[i].to, written[i].to);
    }
    QCOMPARE(restored.service(1).reasonText(again.front().reason), writtenReason);
    QCOMPARE(restored.service(1).track(bw::TrackKind::Simulated).currentState(),
             std::optional(bw::BreakerState::ForcedOpen));
    QVERIFY(!restored.buckets(0, bw::SeriesKind::Latency, now() - 3600'000, now() + 1, 100).empty());
    QVERIFY(!restored.buckets(1, bw::SeriesKind::ErrorRate, now() - 3600'000, now() + 1, 100).empty());
    const auto audit = store.auditEntries(0, now() + 1);
    QVERIFY(audit.ok());
    QCOMPARE(audit->size(), std::size_t{1});
    QCOMPARE(audit->front().action, u"force open"_s);
    QCOMPARE(audit->front().outcome, u"done"_s);
    QCOMPARE(audit->front().service, search.key());
}

void TestStoreRecorder::unwritableStoreIsDegradedAndPollingGoesOn()
{
    m_clock.start();
    const auto clock = [this] { return now(); };
    QTemporaryDir dir;
    // A data directory under a regular file cannot be created, even by root.
    QFile blocker(dir.filePath(u"not-a-directory"_s));
    QVERIFY(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    const bw::PresetCatalog catalog;
    const auto config = bw::ConfigLoader(catalog).loadText(
        "global: {interval: 200ms, timeout: 200ms}\nservices:\n  - name: a\n    health: {url: 'http://127.0.0.1:1/'}\n",
        u"t.yml"_s, {});
    QVERIFY(config.ok());
    Followed followed(&m_network, clock, *config);
    auto &[prober, monitor, history, recorder, alerts, audit] = followed;
    bw::StoreThread store(storeIn(blocker.fileName() + u"/data"_s), clock);
    const bw::Status opened = store.worker()->call([this](bw::HistoryStore &s) { return s.open(now()); });
    QVERIFY(!opened.ok());
    QVERIFY2(opened.error().contains(u"not-a-directory"_s), qPrintable(opened.error()));
    bw::StoreRecorder storeRecorder(store.worker(), &monitor, &recorder, &alerts, &audit, clock);
    QVERIFY(!storeRecorder.health().ok());
    QVERIFY(!storeRecorder.health().message.isEmpty());
    monitor.start();
    QTRY_VERIFY(monitor.status({u"a"_s, u"127.0.0.1:1"_s, {}}).polls >= 3); // polling goes on
    storeRecorder.flush();
    QVERIFY(!storeRecorder.health().ok());
    QVERIFY(storeRecorder.health().bufferedObservations > 0); // kept in memory for a retry
}

namespace {
bw::Transition opening(std::int64_t t)
{
    bw::Transition tr{t, bw::BreakerState::Closed, bw::BreakerState::Open, {}};
    tr.reason.kind = bw::TransitionReason::Kind::ConsecutiveFailures;
    tr.reason.count = 5;
    tr.reason.threshold = 5;
    return tr;
}
// One service whose health endpoint nobody answers (the tests that use it never start the monitor).
bw::Config oneService()
{
    const bw::PresetCatalog catalog;
    const auto config = bw::ConfigLoader(catalog).loadText(
        "services:\n  - name: a\n    health: {url: 'http://127.0.0.1:1/'}\n", u"t.yml"_s, {});
    if (!config.ok())
        qFatal("the test's own configuration does not load: %s", qPrintable(config.error()));
    return *config;
}

} // namespace

void TestStoreRecorder::storeWorksOnItsOwnThread()
{
    m_clock.start();
    const auto clock = [this] { return now(); };
    QTemporaryDir dir;
    Followed followed(&m_network, clock, oneService());
    auto &[prober, monitor, history, recorder, alerts, audit] = followed;
    bw::StoreOptions options = storeIn(dir.path());
    options.maxDatabaseBytes = 512 * 1024; // fills up below
    bw::StoreThread store(options, clock);
    QVERIFY(store.worker()->call([this](bw::HistoryStore &s) { return s.open(now()); }).ok());
    bw::StoreRecorder storeRecorder(store.worker(), &monitor, &recorder, &alerts, &audit, clock);
    QThread *const storeThread = store.worker()->thread();
    QVERIFY(storeThread != QThread::currentThread());
    QVERIFY(storeThread->isRunning());

    // The worker is held up (as by a slow fsync): recording a transition and an audit entry does not wait for it.
    QSemaphore gate;
    QThread *heldOn = nullptr;
    QMetaObject::invokeMethod(
        store.worker(),
        [&] {
            heldOn = QThread::currentThread();
            gate.acquire();
        },
        Qt::QueuedConnection);
    const std::int64_t t = now();
    Q_EMIT monitor.transition(bw::BreakerId{u"a"_s, {}, {}}, opening(t)); // returns although the store cannot write now
    audit.append({t, u"tester"_s, u"a"_s, u"simulated breaker"_s, u"force open"_s, u"done"_s, {}});
    gate.release();
    storeRecorder.flush(); // waits for the worker
    QCOMPARE(heldOn, storeThread);
    const auto written = store.worker()->call([t](bw::HistoryStore &s) { return s.transitions(u"a"_s, t, t + 1); });
    QVERIFY(written.ok());
    QCOMPARE(written->size(), std::size_t{1});
    QCOMPARE(written->front().to, bw::BreakerState::Open);
    QVERIFY(storeRecorder.health().ok());

    // The store fills up on its thread; the recorder says so on this one.
    QList<QThread *> reportedOn;
    connect(&storeRecorder, &bw::StoreRecorder::healthChanged, this,
            [&reportedOn](const bw::StoreHealth &) { reportedOn << QThread::currentThread(); });
    for (int i = 0; i < 40; ++i)
        audit.append({now(), u"tester"_s, u"a"_s, u"simulated breaker"_s, u"reset"_s, u"done"_s,
                      QString(20'000, QChar(u'a' + i % 26))});
    QTRY_VERIFY_WITH_TIMEOUT(!storeRecorder.health().ok(), 10'000);
    QVERIFY2(storeRecorder.health().message.contains(u"disk is full"_s), qPrintable(storeRecorder.health().message));
    QVERIFY(!reportedOn.isEmpty());
    for (QThread *thread : std::as_const(reportedOn))
        QCOMPARE(thread, QThread::currentThread());
}

void TestStoreRecorder::endingTheStoreThreadWritesEverythingQueued()
{
    m_clock.start();
    const auto clock = [this] { return now(); };
    QTemporaryDir dir;
    const std::int64_t t0 = now();
    constexpr int kRecords = 200;
    {
        Followed followed(&m_network, clock, oneService());
        auto &[prober, monitor, history, recorder, alerts, audit] = followed;
        QSemaphore gate; // outlives the store thread, which waits on it
        bw::StoreThread store(storeIn(dir.path()), clock);
        QVERIFY(store.worker()->call([t0](bw::HistoryStore &s) { return s.open(t0); }).ok());
        bw::StoreRecorder storeRecorder(store.worker(), &monitor, &recorder, &alerts, &audit, clock);
        // Held up while everything is recorded, so all of it is still queued when the store thread is told to end.
        QMetaObject::invokeMethod(
            store.worker(), [&gate] { gate.acquire(); }, Qt::QueuedConnection);
        for (int i = 0; i < kRecords; ++i) {
            bw::PollSample sample;
            sample.t = t0 + i * 10;
            sample.latencyMs = 10 + i;
            sample.errorRate = 0;
            sample.ok = true;
            Q_EMIT recorder.sampled(u"a"_s, sample);
            Q_EMIT monitor.transition(bw::BreakerId{u"a"_s, {}, {}}, opening(t0 + i * 10));
            audit.append({t0 + i * 10, u"tester"_s, u"a"_s, u"simulated breaker"_s, u"reset"_s, u"done"_s,
                          u"entry %1"_s.arg(i)});
        }
        gate.release();
    } // no flush: the recorder goes, then the store thread ends

    bw::HistoryStore store(storeIn(dir.path()));
    QVERIFY(store.open(now()).ok());
    const auto observations = store.observations(u"a"_s, t0, t0 + kRecords * 10);
    QVERIFY(observations.ok());
    QCOMPARE(observations->size(), std::size_t{kRecords});
    QCOMPARE(observations->back().t, t0 + (kRecords - 1) * 10);
    const auto transitions = store.transitions(u"a"_s, t0, t0 + kRecords * 10);
    QVERIFY(transitions.ok());
    QCOMPARE(transitions->size(), std::size_t{kRecords});
    const auto audit = store.auditEntries(t0, t0 + kRecords * 10);
    QVERIFY(audit.ok());
    QCOMPARE(audit->size(), std::size_t{kRecords});
    QCOMPARE(audit->back().detail, u"entry %1"_s.arg(kRecords - 1));
}

void TestStoreRecorder::pollsGoToTheStoreTogether()
{
    m_clock.start();
    const auto clock = [this] { return now(); };
    QTemporaryDir dir;
    Followed followed(&m_network, clock, oneService());
    auto &[prober, monitor, history, recorder, alerts, audit] = followed;
    bw::StoreThread store(storeIn(dir.path()), clock);
    const std::int64_t t0 = now();
    QVERIFY(store.worker()->call([t0](bw::HistoryStore &s) { return s.open(t0); }).ok());
    bw::StoreRecorder storeRecorder(store.worker(), &monitor, &recorder, &alerts, &audit, clock);
    const auto stored = [&] {
        const auto observations =
            store.worker()->call([t0](bw::HistoryStore &s) { return s.observations(u"a"_s, t0, t0 + 1'000'000); });
        return observations.ok() ? observations->size() : std::size_t{0};
    };

    constexpr int kPolls = 300;
    for (int i = 0; i < kPolls; ++i) {
        bw::PollSample sample;
        sample.t = t0 + i * 10;
        sample.latencyMs = 10 + i;
        sample.errorRate = 0;
        sample.ok = true;
        Q_EMIT recorder.sampled(u"a"_s, sample);
    }
    // Not one queued call each: they wait for the batch (a read queued now reaches the worker before them) ...
    QCOMPARE(stored(), std::size_t{0});
    // ... which goes within kObservationBatch, all of it.
    QTRY_COMPARE_WITH_TIMEOUT(stored(), std::size_t{kPolls}, 2000);

    // Anything else recorded sends the waiting polls first, so the worker sees them in order.
    bw::PollSample late;
    late.t = t0 + kPolls * 10;
    late.ok = true;
    Q_EMIT recorder.sampled(u"a"_s, late);
    audit.append({late.t, u"tester"_s, u"a"_s, u"simulated breaker"_s, u"reset"_s, u"done"_s, {}});
    QCOMPARE(stored(), std::size_t{kPolls + 1});
}

QTEST_MAIN(TestStoreRecorder)
#include "tst_storerecorder.moc"
