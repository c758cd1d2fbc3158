#pragma once

#include "alerts/alertmanagerclient.h"
#include "fleet/breakerid.h"
#include "fleet/prometheusbreakersource.h"
#include "fleet/rollup.h"

#include "control/breakercontrol.h"

#include <QMainWindow>
#include <QPalette>

#include <functional>

class QAction;
class QComboBox;
class QCheckBox;
class QLabel;
class QLineEdit;
class QMenu;
class QSplitter;
class QSystemTrayIcon;
class QTabWidget;
class QTableView;
class QToolButton;

namespace bw {

class AlertCenter;
class AlertDesk;
class AlertNotifier;
class AlertsPanel;
class AuditLog;
class BreakerInstancesModel;
class ConfigWatcher;
class EventLogModel;
class FlappingChart;
class ServiceCharts;
class FleetHistory;
class HistoryRecorder;
class ServiceFilterProxy;
class FleetTreeModel;
class FleetTreeView;
class FleetWallView;
class FleetMonitor;
class ServiceTableModel;
class TimelineView;
struct Alert;
class WorkbenchWidget;

// What the window shows and acts on; nothing here is owned by the window.
struct DashboardContext
{
    FleetMonitor *monitor = nullptr;
    const FleetHistory *history = nullptr;
    HistoryRecorder *recorder = nullptr;
    AlertCenter *alerts = nullptr;
    AuditLog *audit = nullptr;
    BreakerControl *control = nullptr;
    std::function<std::int64_t()> clock; // epoch ms, the monitor's clock
    AlertDesk *alertDesk = nullptr;      // acknowledgements and silences of `alerts`
    AlertNotifier *notifier = nullptr;   // desktop notifications (none: no tray messages)
};

// The live dashboard: the services tree (filter, state filter, sparklines), the state timelines below it,
// the selected service's detail (charts, flapping graph, event log, breaker actions) in a dock on the right,
// the alerts grouped in a tab of their own (acknowledge, silence), poll health in the status bar, one tray
// notification per new group of alerts (AlertNotifier). Operator actions ask for confirmation
// naming the service and what will happen, and are audited. Layout and theme are remembered (QSettings).
class MainWindow final : public QMainWindow
{
    Q_OBJECT
public:
    // bannerText: shown above the table when not empty (e.g. "this is the demo fleet").
    explicit MainWindow(const DashboardContext &context, const QString &bannerText = {}, QWidget *parent = nullptr);
    ~MainWindow() override;

    // A configuration file that failed to (re)load; empty hides the message. The previous one stays in force.
    void setConfigProblem(const QString &problem);
    // Warnings of the configuration in force (e.g. TLS verification off for a target); empty hides them.
    void setConfigWarnings(const QStringList &warnings);
    // The history store's trouble (degraded: cannot write, damaged file); empty when it is fine.
    void setStoreProblem(const QString &problem);
    // The Alertmanagers alerts are pushed to (AlertmanagerClient::statuses()); none hides the label.
    void setAlertmanagerStatuses(const QList<AlertmanagerStatus> &statuses);
    // The Prometheus server of prometheus.breakers (FleetMonitor::prometheusStatus()); nullopt hides the label.
    void setPrometheusSourceStatus(const std::optional<PrometheusSourceStatus> &status);
    // Follows a configuration file: each good save goes to the monitor, a broken one is shown as the problem;
    // Ctrl+R reloads at once. The watcher is not owned.
    void follow(ConfigWatcher *watcher);

    // The service shown in the detail pane (the monitor's index), -1 for none.
    // The breaker shown in the detail pane, if any.
    std::optional<BreakerId> selectedBreaker() const { return m_selected; }
    void selectBreaker(const std::optional<BreakerId> &id);
    // By the key people know it by (BreakerId::key(), e.g. "checkout/paymentGateway@10.0.0.7:8080"); false if none.
    bool selectBreakerNamed(const QString &key);

    // Asks the operator to confirm an action; replaceable so tests can answer. Returns true to go ahead.
    using Confirmer = std::function<bool(const QString &title, const QString &text)>;
    void setConfirmer(Confirmer confirmer);

    // Shows one tab of the service detail: "charts", "flapping" or "events".
    void showDetailTab(const QString &name);

    // Adds the what-if workbench as a tab after the overview (not owned before; the window takes it). It follows the
    // selected service.
    void addWorkbench(WorkbenchWidget *workbench);
    // Shows a main tab: "overview", "alerts", "whatif" or "presets".
    void showMainTab(const QString &name);

    // Applies the light, dark or system theme and remembers it.
    void setTheme(int choice);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    QWidget *buildOverview(const QString &bannerText);
    QWidget *buildFleetWall();
    QWidget *buildDetail();
    QWidget *buildAlerts();
    void buildMenus();
    void act(OperatorAction action, bool remote);
    void refreshDetail();
    // The Instances tab for the selection; returns the roll-up of its instances.
    RollUp refreshInstances(std::int64_t now);
    void refreshGroupChoices();
    void refreshStatusBar();
    void onNotification(const QString &title, const QString &text);
    void exportTimeline();
    void exportChart();
    void restoreLayout();
    void saveLayout() const;

    DashboardContext m_ctx;
    QTabWidget *m_mainTabs = nullptr;
    QMenu *m_breakerMenu = nullptr;
    WorkbenchWidget *m_workbench = nullptr;
    QPalette m_systemPalette;
    Confirmer m_confirm;
    std::optional<BreakerId> m_selected;

    ServiceTableModel *m_serviceModel = nullptr;
    ServiceFilterProxy *m_serviceProxy = nullptr;
    FleetTreeModel *m_treeModel = nullptr;
    QComboBox *m_groupBy = nullptr;
    QComboBox *m_wallGroupBy = nullptr;
    FleetWallView *m_fleetWall = nullptr;
    FleetTreeView *m_serviceView = nullptr;
    QLineEdit *m_serviceFilter = nullptr;
    TimelineView *m_timeline = nullptr;
    QSplitter *m_overviewSplit = nullptr;
    QLabel *m_configProblem = nullptr;
    QLabel *m_configWarnings = nullptr;

    QLabel *m_detailTitle = nullptr;
    QLabel *m_detailFacts = nullptr;
    QWidget *m_remoteRow = nullptr;
    QCheckBox *m_everyInstance = nullptr; // a real-breaker action goes to every instance of the breaker
    QTabWidget *m_detailTabs = nullptr;
    ServiceCharts *m_charts = nullptr;
    FlappingChart *m_flapping = nullptr;
    EventLogModel *m_eventLog = nullptr;
    BreakerInstancesModel *m_instances = nullptr;
    QTableView *m_instancesView = nullptr;
    QList<QAction *> m_simulatedActions;
    QList<QAction *> m_remoteActions;

    AlertsPanel *m_alertsPanel = nullptr;
    QSystemTrayIcon *m_tray = nullptr;
    QLabel *m_pollHealth = nullptr;
    QLabel *m_storeHealth = nullptr;
    QLabel *m_alertmanagerHealth = nullptr;
    QLabel *m_prometheusHealth = nullptr;
    QAction *m_reload = nullptr;
    std::int64_t m_lastPolls = -1;
    std::int64_t m_lastPollsAt = 0;
    double m_pollsPerSecond = 0;
};

} // namespace bw
