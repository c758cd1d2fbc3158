// The history store behind a live monitor: a session over the demo fleet on loopback is written to a real
// SQLite file, and the next session restores the same transitions, series and audit entries. A store that cannot
// be written is reported as degraded while polling goes on.
#include "alerts/alertcenter.h"
#include "config/configloader.h"
#include "control/breakercontrol.h"
#include "demo/demofleet.h"
#include "history/historyrecorder.h"
#include "monitor/servicemonitor.h"
#include "probe/httpprober.h"
#include "store/historystore.h"
#include "store/storerecorder.h"

#include <QDateTime>
#include <QFile>
#include <QNetworkAccessManager>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

class TestStoreRecorder final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void restartShowsTheSameHistory();
    void unwritableStoreIsDegradedAndPollingGoesOn();

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
    QVERIFY(fleet.start({QHostAddress::LocalHost, 0, 2, u"healthy"_s, 4}).ok());
    const bw::PresetCatalog catalog;
    const auto config = bw::ConfigLoader(catalog).loadText(fleet.configYaml(200), u"demo"_s, {});
    QVERIFY(config.ok());
    const QStringList names{u"checkout"_s, u"search"_s};

    std::vector<bw::TrackTransition> written;
    QString writtenReason;
    {
        bw::HttpProber prober(&m_network);
        bw::ServiceMonitor monitor(&prober, clock);
        monitor.setConfig(*config);
        bw::FleetHistory history;
        bw::HistoryRecorder recorder(&monitor, &history);
        bw::AlertCenter alerts(&monitor, clock);
        bw::AuditLog audit;
        bw::BreakerControl control(&monitor, &prober, &audit, clock);
        bw::HistoryStore store({dir.path()});
        QVERIFY(store.open(now()).ok());
        bw::StoreRecorder storeRecorder(&store, &monitor, &recorder, &alerts, &audit, clock);
        monitor.start();
        fleet.services()[1]->injectFault(bw::BehaviourMode::Down, 60'000);
        QTRY_COMPARE_WITH_TIMEOUT(monitor.status(1).state, bw::BreakerState::Open, 8000);
        QVERIFY(control.actOnSimulated(1, bw::OperatorAction::ForceOpen).ok());
        QTest::qWait(500);
        monitor.stop();
        written = history.service(1).track(bw::TrackKind::Simulated).transitions(0, now() + 1);
        QVERIFY(written.size() >= 2);
        writtenReason = history.service(1).reasonText(written.front().reason);
        QVERIFY(storeRecorder.health().ok());
    } // the recorder flushes, the store closes: the "application" stops

    bw::HistoryStore store({dir.path()});
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
    QCOMPARE(audit->front().service, u"search"_s);
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
    bw::HttpProber prober(&m_network);
    bw::ServiceMonitor monitor(&prober, clock);
    monitor.setConfig(*config);
    bw::FleetHistory history;
    bw::HistoryRecorder recorder(&monitor, &history);
    bw::AlertCenter alerts(&monitor, clock);
    bw::AuditLog audit;
    bw::HistoryStore store({blocker.fileName() + u"/data"_s});
    const bw::Status opened = store.open(now());
    QVERIFY(!opened.ok());
    QVERIFY2(opened.error().contains(u"not-a-directory"_s), qPrintable(opened.error()));
    bw::StoreRecorder storeRecorder(&store, &monitor, &recorder, &alerts, &audit, clock);
    QVERIFY(!storeRecorder.health().ok());
    QVERIFY(!storeRecorder.health().message.isEmpty());
    monitor.start();
    QTRY_VERIFY(monitor.status(0).polls >= 3); // polling goes on
    storeRecorder.flush();
    QVERIFY(!storeRecorder.health().ok());
    QVERIFY(storeRecorder.health().bufferedObservations > 0); // kept in memory for a retry
}

QTEST_MAIN(TestStoreRecorder)
#include "tst_storerecorder.moc"
