// The what-if workbench, offscreen: recorded history from a real SQLite store fed by a live demo fleet on loopback,
// a candidate edited and run beside the live policy, refused values, a 10 x 10 sweep with its heat map and Pareto
// points, a point adopted as a candidate, cancel, apply to the live breaker (audited) and export.
// With BW_SCREENSHOT_DIR set it also saves screenshots.
#include "alerts/alertcenter.h"
#include "charts/tradeoffchart.h"
#include "config/configloader.h"
#include "control/auditlog.h"
#include "control/breakercontrol.h"
#include "demo/demofleet.h"
#include "demo/demoservice.h"
#include "demo/servicebehaviour.h"
#include "history/fleethistory.h"
#include "history/historyrecorder.h"
#include "monitor/fleetmonitor.h"
#include "probe/httpprober.h"
#include "store/historystore.h"
#include "store/storerecorder.h"
#include "store/storethread.h"
#include "whatif/replayhistory.h"
#include "whatif/samplehistory.h"
#include "workbench/candidatelistmodel.h"
#include "workbench/exportpolicydialog.h"
#include "workbench/policyparametermodel.h"
#include "workbench/sweepheatmap.h"
#include "workbench/whatifresultmodel.h"
#include "workbench/whatiftimeline.h"
#include "workbench/workbenchwidget.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

class TestWorkbench final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void recordedHistoryFromTheStore();
    void candidateRunsBesideTheLivePolicy();
    void invalidValueIsRefusedWithAReason();
    void sweepFillsHeatMapAndTradeoff();
    void sweepPointBecomesACandidate();
    void cancelStopsASweep();
    void applyToLiveIsConfirmedAndAudited();
    void reloadBringsBackTheConfiguredPolicy();
    void exportShowsTheLibrarysFormat();
    void badEventsFileIsReportedAndNothingIsLost();
    void deadPrometheusIsReported();
    void cleanupTestCase();

private:
    void screenshot(const QString &name);
    std::int64_t now() const { return m_wallStart + m_clock.elapsed(); }
    bw::BreakerId healthBreaker(const QString &service) const;

    QElapsedTimer m_clock;
    std::int64_t m_wallStart = QDateTime::currentMSecsSinceEpoch();
    QTemporaryDir m_dir;
    std::unique_ptr<bw::DemoFleet> m_fleet;
    QNetworkAccessManager m_network;
    std::unique_ptr<bw::HttpProber> m_prober;
    std::unique_ptr<bw::FleetMonitor> m_monitor;
    bw::Config m_config;
    bw::FleetHistory m_history;
    std::unique_ptr<bw::HistoryRecorder> m_recorder;
    std::unique_ptr<bw::AlertCenter> m_alerts;
    bw::AuditLog m_audit;
    std::unique_ptr<bw::BreakerControl> m_control;
    std::unique_ptr<bw::StoreThread> m_store;
    std::unique_ptr<bw::StoreRecorder> m_storeRecorder;
    std::unique_ptr<bw::WorkbenchWidget> m_workbench;
    std::vector<std::unique_ptr<QAbstractItemModelTester>> m_testers;
    QStringList m_confirmations;
};

bw::BreakerId TestWorkbench::healthBreaker(const QString &service) const
{
    for (const bw::BreakerId &id : m_monitor->breakers())
        if (id.service == service && id.isHealth())
            return id;
    return {};
}

void TestWorkbench::screenshot(const QString &name)
{
    const QString dir = qEnvironmentVariable("BW_SCREENSHOT_DIR");
    if (!dir.isEmpty())
        QVERIFY(m_workbench->grab().save(dir + u"/workbench-"_s + name + u".png"_s));
}

void TestWorkbench::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_clock.start();
    const auto clock = [this] { return now(); };
    m_fleet = std::make_unique<bw::DemoFleet>([this] { return m_clock.elapsed(); }, m_wallStart);
    QVERIFY(
        m_fleet->start({QHostAddress::LocalHost, 0, 8, u"default"_s, 1, bw::FleetLayout::OneBreakerPerService}).ok());
    const bw::PresetCatalog catalog;
    const auto config = bw::ConfigLoader(catalog).loadText(m_fleet->configYaml(250), u"<demo>"_s, {});
    QVERIFY2(config.ok(), qPrintable(config.ok() ? QString() : config.error()));
    m_prober = std::make_unique<bw::HttpProber>(&m_network);
    m_monitor = std::make_unique<bw::FleetMonitor>(m_prober.get(), clock);
    m_config = *config;
    m_monitor->setConfig(*config);
    m_recorder = std::make_unique<bw::HistoryRecorder>(m_monitor.get(), &m_history);
    m_alerts = std::make_unique<bw::AlertCenter>(m_monitor.get(), clock);
    m_control = std::make_unique<bw::BreakerControl>(m_monitor.get(), m_prober.get(), &m_audit, clock);
    bw::StoreOptions options;
    options.dataDir = m_dir.path();
    m_store = std::make_unique<bw::StoreThread>(options, clock); // the store on its own thread, as in the app
    QVERIFY(m_store->worker()->call([this](bw::HistoryStore &s) { return s.open(now()).ok(); }));
    m_storeRecorder = std::make_unique<bw::StoreRecorder>(m_store->worker(), m_monitor.get(), m_recorder.get(),
                                                          m_alerts.get(), &m_audit, clock);
    bw::WorkbenchContext context{m_monitor.get(), m_control.get(), &m_network, {}, clock};
    context.recorded = [this](const QString &service, std::int64_t from, std::int64_t to) {
        return m_store->worker()->call([&](bw::HistoryStore &s) { return bw::historyFromStore(s, service, from, to); });
    };
    m_workbench = std::make_unique<bw::WorkbenchWidget>(context);
    m_workbench->setConfirmer([this](const QString &title, const QString &text) {
        m_confirmations << title + u'\n' + text;
        return true;
    });
    for (QAbstractItemModel *model : std::initializer_list<QAbstractItemModel *>{
             m_workbench->candidateModel(), m_workbench->parameterModel(), m_workbench->resultModel()})
        m_testers.push_back(
            std::make_unique<QAbstractItemModelTester>(model, QAbstractItemModelTester::FailureReportingMode::QtTest));
    m_workbench->resize(1500, 900);
    m_workbench->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_workbench.get()));
    m_monitor->start();
}

void TestWorkbench::cleanupTestCase()
{
    m_workbench.reset();
    m_storeRecorder.reset();
    m_store.reset();
}

void TestWorkbench::recordedHistoryFromTheStore()
{
    // The default scenario's outage service, forced down after a healthy start: its recorded polls hold an outage.
    const QString name = m_fleet->services()[2]->name();
    QCOMPARE(bw::modeName(m_fleet->services()[2]->modeAt(0)), u"outage"_s);
    const bw::BreakerId outage = healthBreaker(name);
    QVERIFY(m_monitor->contains(outage));
    m_workbench->setService(outage);
    QTest::qWait(1500);
    m_fleet->services()[2]->injectFault(bw::BehaviourMode::Down, 60'000);
    QTest::qWait(3000);
    m_storeRecorder->flush();
    QSignalSpy loaded(m_workbench.get(), &bw::WorkbenchWidget::historyLoaded);
    m_workbench->loadRecorded(); // the last day of the selected service, read on another thread
    QVERIFY(m_workbench->isBusy());
    QVERIFY(loaded.wait(20'000));
    QVERIFY(!m_workbench->isBusy());
    const bw::ReplayHistory *history = m_workbench->history();
    QVERIFY(history);
    QVERIFY(history->label.contains(name));
    QVERIFY(history->stream.size() >= 8);
    QVERIFY2(!history->outages.empty(), "the forced-down stretch is an outage");
    const int outages = static_cast<int>(history->outages.size());
    QSignalSpy done(m_workbench.get(), &bw::WorkbenchWidget::batchFinished);
    m_workbench->run();
    QVERIFY(done.wait(20'000));
    const auto &results = m_workbench->resultModel()->results();
    QCOMPARE(results.size(), std::size_t{1});
    QVERIFY(results.front().metrics.events >= 8);
    QVERIFY(results.front().metrics.failedLetThrough > 0);
    QCOMPARE(results.front().metrics.outages, outages);
    QCOMPARE(results.front().metrics.outagesDetected, outages); // the demo's live policy opens on a dead service
    QCOMPARE(m_workbench->timeline()->rowCount(), 2);           // the real breaker (no data) and the live policy
}

void TestWorkbench::candidateRunsBesideTheLivePolicy()
{
    m_workbench->loadSample();
    auto *candidates = m_workbench->candidateModel();
    const int before = candidates->rowCount();
    m_workbench->selectCandidate(0);
    QVERIFY(!(m_workbench->parameterModel()->flags(m_workbench->parameterModel()->index(0, 1)) &
              Qt::ItemIsEditable)); // the live policy is read-only
    // Duplicate the live policy and make it trip much sooner.
    const int row = candidates->duplicate(0);
    QCOMPARE(candidates->rowCount(), before + 1);
    m_workbench->selectCandidate(row);
    QVERIFY(candidates->setData(candidates->index(row), u"Sensitive"_s));
    auto *parameters = m_workbench->parameterModel();
    int thresholdRow = -1;
    for (int r = 0; r < parameters->rowCount(); ++r)
        if (parameters->spec(r)->name == u"failureRateThreshold"_s || parameters->spec(r)->name == u"threshold"_s ||
            parameters->spec(r)->name == u"errorThresholdPercentage"_s)
            thresholdRow = r;
    QVERIFY2(thresholdRow >= 0, "the demo's preset has a threshold parameter");
    QVERIFY(parameters->setData(parameters->index(thresholdRow, bw::PolicyParameterModel::ValueColumn), u"10"_s));
    QCOMPARE(parameters->data(parameters->index(thresholdRow, bw::PolicyParameterModel::ValueColumn)).toString(),
             u"10"_s);

    QSignalSpy done(m_workbench.get(), &bw::WorkbenchWidget::batchFinished);
    m_workbench->run();
    QVERIFY(done.wait(30'000));
    auto *results = m_workbench->resultModel();
    QCOMPARE(results->rowCount(), candidates->rowCount());
    const int last = results->rowCount() - 1;
    QCOMPARE(results->cellText(last, 0), u"Sensitive"_s);
    // The sensitive candidate opens at least as often as the live policy; its row shows deltas against row 0.
    const auto &live = results->results().front().metrics;
    const auto &sensitive = results->results().back().metrics;
    QVERIFY(sensitive.opens >= live.opens);
    QCOMPARE(live.outages, 3);
    QVERIFY(results->cellText(last, 1 + static_cast<int>(bw::WhatIfColumn::Opens)).contains(u'('));
    QCOMPARE(m_workbench->timeline()->rowCount(), 1 + results->rowCount());
    screenshot(u"compare"_s);

    // Asking again is answered from the cache.
    m_workbench->run();
    QVERIFY(done.wait(5'000));
    QVERIFY2(m_workbench->statusText().contains(u"all from cache"_s), qPrintable(m_workbench->statusText()));
}

void TestWorkbench::invalidValueIsRefusedWithAReason()
{
    auto *parameters = m_workbench->parameterModel();
    QSignalSpy rejected(parameters, &bw::PolicyParameterModel::rejected);
    const QString before = parameters->data(parameters->index(0, bw::PolicyParameterModel::ValueColumn)).toString();
    QVERIFY(!parameters->setData(parameters->index(0, bw::PolicyParameterModel::ValueColumn), u"banana"_s));
    QCOMPARE(rejected.count(), 1);
    QVERIFY(rejected.front().front().toString().contains(parameters->spec(0)->name));
    QCOMPARE(parameters->data(parameters->index(0, bw::PolicyParameterModel::ValueColumn)).toString(), before);
}

void TestWorkbench::sweepFillsHeatMapAndTradeoff()
{
    m_workbench->loadSample();
    // Sweep a resilience4j candidate so the parameter names are known.
    auto *candidates = m_workbench->candidateModel();
    bw::WorkbenchCandidate r4j;
    r4j.name = u"r4j"_s;
    r4j.preset = u"resilience4j"_s;
    r4j.values = bw::PresetCatalog{}.find(u"resilience4j"_s)->defaults();
    m_workbench->selectCandidate(candidates->add(r4j));
    QSignalSpy done(m_workbench.get(), &bw::WorkbenchWidget::batchFinished);
    const bw::Status started =
        m_workbench->sweep(u"failureRateThreshold=10..100:10"_s, u"waitDurationInOpenState=5000..50000:5000"_s);
    QVERIFY2(started.ok(), qPrintable(started.ok() ? QString() : started.error()));
    QVERIFY(m_workbench->isBusy());
    QVERIFY(done.wait(60'000));
    const bw::SweepGrid &grid = m_workbench->sweepGrid();
    QCOMPARE(grid.rows(), 10);
    QCOMPARE(grid.columns(), 10);
    QCOMPARE(grid.points.size(), std::size_t{100});
    QCOMPARE(grid.pointLabel(grid.index(2, 3)), u"failureRateThreshold=30, waitDurationInOpenState=20000"_s);
    const auto optimal = std::count(grid.paretoOptimal.begin(), grid.paretoOptimal.end(), true);
    QVERIFY(optimal >= 1);
    QCOMPARE(m_workbench->tradeoffChart()->paretoCount(), static_cast<int>(optimal));
    // Higher thresholds let more failures through: the corner cells differ.
    QVERIFY(grid.points[static_cast<std::size_t>(grid.index(9, 0))].metrics.failedLetThrough >
            grid.points[static_cast<std::size_t>(grid.index(0, 0))].metrics.failedLetThrough);
    QVERIFY(m_workbench->heatMap()->pointAt(m_workbench->heatMap()->cellRect(2, 3).center()) == grid.index(2, 3));
    screenshot(u"sweep"_s);
}

void TestWorkbench::sweepPointBecomesACandidate()
{
    auto *candidates = m_workbench->candidateModel();
    const int before = candidates->rowCount();
    const bw::SweepGrid &grid = m_workbench->sweepGrid();
    QVERIFY(!grid.empty());
    QTest::mouseClick(m_workbench->heatMap(), Qt::LeftButton, {}, m_workbench->heatMap()->cellRect(2, 3).center());
    QCOMPARE(candidates->rowCount(), before + 1);
    const bw::WorkbenchCandidate &added = candidates->at(before);
    QCOMPARE(added.preset, u"resilience4j"_s);
    QCOMPARE(added.values.value(u"failureRateThreshold"_s).toDouble(), 30.0);
    QCOMPARE(added.values.value(u"waitDurationInOpenState"_s).toLongLong(), 20'000);
    QCOMPARE(m_workbench->selectedCandidate(), before);
}

void TestWorkbench::cancelStopsASweep()
{
    QSignalSpy done(m_workbench.get(), &bw::WorkbenchWidget::batchFinished);
    QVERIFY(m_workbench->sweep(u"failureRateThreshold=1..100:1"_s, u"minimumNumberOfCalls=1..20:1"_s).ok());
    QTest::qWait(50);
    QElapsedTimer timer;
    timer.start();
    m_workbench->cancel();
    QVERIFY(done.wait(5'000));
    QVERIFY2(timer.elapsed() < 1000, "cancel is quick (the 100 ms bound is checked in tst_whatifrunner)");
    QVERIFY(!m_workbench->isBusy());
    QVERIFY(m_workbench->sweepGrid().empty());
    QVERIFY(m_workbench->statusText().contains(u"cancelled"_s, Qt::CaseInsensitive));
}

void TestWorkbench::applyToLiveIsConfirmedAndAudited()
{
    const bw::BreakerId service = *m_workbench->service();
    auto *candidates = m_workbench->candidateModel();
    const int row = candidates->rowCount() - 1; // the adopted sweep point
    m_workbench->selectCandidate(row);
    const int auditBefore = static_cast<int>(m_audit.entries().size());
    const bw::Status applied = m_workbench->applySelectedToLive();
    QVERIFY2(applied.ok(), qPrintable(applied.ok() ? QString() : applied.error()));
    QCOMPARE(m_confirmations.size(), 1);
    QVERIFY(m_confirmations.front().contains(m_monitor->status(service).name));
    const bw::BreakerStatus live = m_monitor->status(service);
    QCOMPARE(live.preset, u"resilience4j"_s);
    QVERIFY(live.parameters.contains({u"failureRateThreshold"_s, u"30"_s}));
    QCOMPARE(static_cast<int>(m_audit.entries().size()), auditBefore + 1);
    const bw::AuditEntry &entry = m_audit.entries().back();
    QCOMPARE(entry.action, u"apply policy"_s);
    QCOMPARE(entry.outcome, u"done"_s);
    QVERIFY(entry.detail.contains(u"failureRateThreshold=30"_s));
    // The live row now shows the applied policy.
    QCOMPARE(candidates->at(0).preset, u"resilience4j"_s);
    QCOMPARE(candidates->at(0).values.value(u"failureRateThreshold"_s).toDouble(), 30.0);
}

void TestWorkbench::reloadBringsBackTheConfiguredPolicy()
{
    // An applied policy lasts until the configuration is loaded again; the workbench then shows the file's.
    const std::optional<bw::BreakerId> service = m_workbench->service();
    QCOMPARE(m_workbench->candidateModel()->at(0).values.value(u"failureRateThreshold"_s).toDouble(), 30.0);
    m_monitor->setConfig(m_config);
    QCOMPARE(m_workbench->service(), service);
    QCOMPARE(m_workbench->candidateModel()->at(0).values.value(u"failureRateThreshold"_s).toDouble(), 50.0);
    QCOMPARE(m_workbench->candidateModel()->at(0).values.value(u"slidingWindowSize"_s).toLongLong(), 10);
    QVERIFY(m_workbench->candidateModel()->rowCount() > 1); // the candidates stay
}

void TestWorkbench::exportShowsTheLibrarysFormat()
{
    const bw::PresetCatalog catalog;
    bw::ExportPolicyDialog dialog(&catalog, {u"resilience4j"_s, {{u"failureRateThreshold"_s, u"30"_s}}}, u"checkout"_s);
    QVERIFY(dialog.formatCount() >= 2); // Breakerwatch YAML and Resilience4j's
    dialog.selectFormat(u"resilience4j"_s);
    QVERIFY2(dialog.text().contains(u"failureRateThreshold: 30"_s), qPrintable(dialog.text()));
    QVERIFY(dialog.text().contains(u"checkout"_s));
    dialog.selectFormat(u"breakerwatch"_s);
    QVERIFY(dialog.text().contains(u"preset: resilience4j"_s));
}

void TestWorkbench::badEventsFileIsReportedAndNothingIsLost()
{
    m_workbench->loadSample();
    QSignalSpy problem(m_workbench.get(), &bw::WorkbenchWidget::problem);
    QTemporaryDir dir;
    const QString path = dir.filePath(u"broken.jsonl"_s);
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("{\"t\":0,\"ok\":true,\"latency_ms\":1}\n{\"t\":1,\"ok\":maybe}\n");
    file.close();
    m_workbench->loadEventsFile(path);
    QCOMPARE(problem.count(), 1);
    const QString message = problem.front().front().toString();
    QVERIFY2(message.contains(u"broken.jsonl"_s) && message.contains(u"line 2"_s), qPrintable(message));
    QVERIFY(m_workbench->hasHistory()); // the sample loaded before is still there
    m_workbench->loadEventsFile(dir.filePath(u"missing.jsonl"_s));
    QCOMPARE(problem.count(), 2);
    QVERIFY(problem.back().front().toString().contains(u"missing.jsonl"_s));
}

void TestWorkbench::deadPrometheusIsReported()
{
    QSignalSpy problem(m_workbench.get(), &bw::WorkbenchWidget::problem);
    QSignalSpy busy(m_workbench.get(), &bw::WorkbenchWidget::busyChanged);
    bw::BackfillRequest request;
    request.server.url = QUrl(u"http://127.0.0.1:1"_s); // nothing listens there
    request.requestsQuery = u"sum(rate(http_requests_total[1m]))"_s;
    request.failuresQuery = u"sum(rate(http_requests_total{code=~\"5..\"}[1m]))"_s;
    request.fromMs = now() - 3'600'000;
    request.toMs = now();
    request.stepMs = 15'000;
    m_workbench->startBackfill(request);
    QVERIFY(m_workbench->isBusy());
    QTRY_VERIFY_WITH_TIMEOUT(!m_workbench->isBusy(), 15'000);
    QCOMPARE(problem.count(), 1);
    QVERIFY2(problem.front().front().toString().contains(u"Prometheus"_s),
             qPrintable(problem.front().front().toString()));
    QVERIFY(m_workbench->hasHistory()); // still the one loaded before

    // A request that names nothing to ask is refused before any network traffic.
    problem.clear();
    m_workbench->startBackfill(bw::BackfillRequest{});
    QCOMPARE(problem.count(), 1);
    QVERIFY(!m_workbench->isBusy());
}

QTEST_MAIN(TestWorkbench)
#include "tst_workbench.moc"
