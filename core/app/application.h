#pragma once

#include "alerts/alertcenter.h"
#include "alerts/alertdesk.h"
#include "alerts/alertincidents.h"
#include "alerts/alertmanagerclient.h"
#include "alerts/alertmanagersilences.h"
#include "alerts/alertnotifier.h"
#include "config/config.h"
#include "config/configloader.h"
#include "config/configwatcher.h"
#include "control/auditlog.h"
#include "control/breakercontrol.h"
#include "export/metricsexporter.h"
#include "history/fleethistory.h"
#include "history/historyrecorder.h"
#include "monitor/fleetmonitor.h"
#include "probe/httpprober.h"
#include "store/storerecorder.h"
#include "store/storethread.h"

#include <QObject>
#include <QTimer>

#include <functional>
#include <memory>
#include <optional>

class QNetworkAccessManager;

namespace bw {

// Breakerwatch without its views: configuration -> prober and monitor -> display history -> alerts (pushed to
// Alertmanager; acknowledged and silenced at the alert desk) -> history store -> operator actions -> exported /metrics,
// built once and wired the same way for the GUI (which adds its windows on top) and for `breakerwatch-cli serve` (which
// adds JSON lines). No singletons: everything is owned here, in dependency order, and handed to the views by pointer.
//
// Threading: lives on the thread of `network`; the history store works on a thread of its own (StoreThread).
// Errors: a store that cannot open degrades (storeProblem()), polling goes on; a broken reload of a followed
// configuration file keeps the previous configuration (configReloadFailed()).
class Application final : public QObject
{
    Q_OBJECT
public:
    using Clock = std::function<std::int64_t()>;

    struct Options
    {
        Config config;
        // The history store. Unset: no store (history for the session only).
        std::optional<StoreOptions> store;
        // How much recorded history to read back into the display history at start, and for each breaker found
        // later (0: none).
        std::int64_t restoreMs = 24 * 3600 * 1000;
        // How much the display history (what the views draw) keeps; HistoryRetention::withoutViews() when nothing
        // draws it.
        HistoryRetention displayRetention;
        // How far back the monitor keeps the real breakers' transitions in memory (the timelines and the event log
        // read them); less where nothing draws them.
        std::int64_t observedHistoryMs = FleetMonitor::kDefaultObservedHistoryMs;
        // Follow this configuration file and apply it when it changes (empty: do not).
        QString watchedFile;
        // How alerts are pushed to the configuration's alerting.alertmanagers (resend interval, retries).
        AlertmanagerClient::Options alertmanager;
        // How Alertmanager's silences are read (poll interval, retries).
        AlertmanagerSilences::Options silences;
        // How many desktop notifications alerts may make (per group, per minute).
        NotificationThrottle::Options notifications;
    };

    Application(QNetworkAccessManager *network, Clock clock, const PresetCatalog &catalog, Options options,
                QObject *parent = nullptr);
    ~Application() override;

    // Starts polling.
    void start();
    void stop();
    // Applies a configuration now (a reload, or a test); the monitor keeps every unchanged instance's breakers.
    void applyConfig(const Config &config);

    const Config &config() const { return m_monitor.config(); }
    const Clock &clock() const { return m_clock; }
    HttpProber &prober() { return m_prober; }
    FleetMonitor &monitor() { return m_monitor; }
    FleetHistory &history() { return m_history; }
    HistoryRecorder &recorder() { return *m_recorder; }
    AlertCenter &alerts() { return *m_alerts; }
    // Pushes the alerts to the configured Alertmanagers (none configured: does nothing).
    AlertmanagerClient &alertmanager() { return *m_alertmanager; }
    // Alertmanager's silences, read and created (none configured: holds none).
    AlertmanagerSilences &alertmanagerSilences() { return *m_silences; }
    // Acknowledgements and silences of the alerts; restored from the store at start, written to it as they change.
    AlertDesk &alertDesk() { return *m_desk; }
    // The desktop notifications of new alerts, grouped and rate-limited (the GUI shows them in the tray).
    AlertNotifier &notifier() { return *m_notifier; }
    AuditLog &audit() { return m_audit; }
    BreakerControl &control() { return *m_control; }
    MetricsExporter &exporter() { return *m_exporter; }
    // nullptr without a store.
    StoreWorker *store() const { return m_store ? m_store->worker() : nullptr; }
    StoreRecorder *storeRecorder() const { return m_storeRecorder.get(); }
    QString storePath() const { return m_storePath; }
    // Why the store could not be opened or restored at start; empty when it was.
    QString storeProblem() const { return m_storeProblem; }
    ConfigWatcher *watcher() const { return m_watcher.get(); }

Q_SIGNALS:
    void configApplied(const bw::Config &config);
    void configReloadFailed(const QString &problem);

private:
    void restoreAdded();
    void refreshIncidents();

    Clock m_clock;
    ConfigLoader m_loader;
    HttpProber m_prober;
    FleetMonitor m_monitor;
    FleetHistory m_history;
    AuditLog m_audit;
    std::unique_ptr<StoreThread> m_store;
    QString m_storePath;
    QString m_storeProblem;
    std::unique_ptr<HistoryRecorder> m_recorder;
    std::unique_ptr<AlertCenter> m_alerts;
    std::unique_ptr<AlertmanagerClient> m_alertmanager;
    std::unique_ptr<AlertmanagerSilences> m_silences;
    std::unique_ptr<AlertDesk> m_desk;
    std::unique_ptr<AlertNotifier> m_notifier;
    AlertIncidents m_incidents; // the alert desk's incident lookup
    bool m_incidentsStale = true;
    bool m_incidentsMoved = false; // a breaker changed incident since the desk last regrouped
    QTimer m_incidentTick;
    std::unique_ptr<StoreRecorder> m_storeRecorder;
    std::unique_ptr<BreakerControl> m_control;
    std::unique_ptr<MetricsExporter> m_exporter;
    std::unique_ptr<ConfigWatcher> m_watcher;
    std::int64_t m_restoreMs = 0;
    QList<BreakerId> m_toRestore;                      // added since the recorder last announced its rows
    QList<Acknowledgement> m_restoredAcknowledgements; // read from the store at start, for the desk
    QList<Silence> m_restoredSilences;
};

} // namespace bw
