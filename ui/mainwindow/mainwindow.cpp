#include "mainwindow/mainwindow.h"

#include "workbench/workbenchwidget.h"

#include "alerts/alertcenter.h"
#include "alerts/alertdesk.h"
#include "alerts/alertnotifier.h"
#include "alerts/alertspanel.h"
#include "charts/flappingchart.h"
#include "charts/servicecharts.h"
#include "common/durations.h"
#include "config/configwatcher.h"
#include "delegates/sparklinedelegate.h"
#include "fleet/rollup.h"
#include "fleetwall/fleetwallview.h"
#include "history/fleethistory.h"
#include "history/historyrecorder.h"
#include "history/recentfigures.h"
#include "models/alerttreemodel.h"
#include "models/breakerinstancesmodel.h"
#include "models/eventlogmodel.h"
#include "models/fleettreemodel.h"
#include "models/presetmodel.h"
#include "models/servicefilterproxy.h"
#include "models/servicetablemodel.h"
#include "monitor/fleetmonitor.h"
#include "overview/fleettreeview.h"
#include "theme/theme.h"
#include "timeline/timeaxis.h"
#include "timeline/timelineview.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCheckBox>
#include <QCloseEvent>
#include <QComboBox>
#include <QDateTime>
#include <QDockWidget>
#include <QFileDialog>
#include <QFontMetrics>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QScreen>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStatusBar>
#include <QSystemTrayIcon>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace bw {

namespace {

QTableView *makeTable(QAbstractItemModel *model, QWidget *parent)
{
    auto *view = new QTableView(parent);
    view->setModel(model);
    view->setSortingEnabled(true);
    view->setAlternatingRowColors(true);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setSelectionMode(QAbstractItemView::SingleSelection);
    view->verticalHeader()->hide();
    view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 10);
    view->horizontalHeader()->setStretchLastSection(true);
    return view;
}

QLabel *messageLabel(QWidget *parent, const QString &name, const QString &style)
{
    auto *label = new QLabel(parent);
    label->setObjectName(name);
    label->setWordWrap(true);
    label->setTextFormat(Qt::PlainText);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setMargin(6);
    label->setStyleSheet(style);
    label->hide();
    return label;
}

QString stateWord(BreakerState state)
{
    return stateName(state).toUpper();
}

} // namespace

MainWindow::MainWindow(const DashboardContext &context, const QString &bannerText, QWidget *parent)
    : QMainWindow(parent), m_ctx(context), m_systemPalette(QApplication::palette())
{
    Q_ASSERT(m_ctx.monitor && m_ctx.history && m_ctx.recorder && m_ctx.alerts && m_ctx.audit && m_ctx.control &&
             m_ctx.clock && m_ctx.alertDesk);
    setWindowTitle(bannerText.isEmpty() ? tr("Breakerwatch") : tr("Breakerwatch — demo fleet"));
    setObjectName(u"mainWindow"_s);
    m_confirm = [this](const QString &title, const QString &text) {
        return QMessageBox::question(this, title, text, QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel) ==
               QMessageBox::Yes;
    };

    auto *tabs = new QTabWidget(this);
    m_mainTabs = tabs;
    tabs->setObjectName(u"mainTabs"_s);
    tabs->addTab(buildOverview(bannerText), tr("&Overview"));
    const int wallTab = tabs->addTab(buildFleetWall(), tr("Fleet &wall"));
    tabs->setTabToolTip(wallTab, tr("Every breaker as a tile coloured by its state: the broken ones jump out (Alt+W)"));
    const int alertsTab = tabs->addTab(buildAlerts(), tr("&Alerts"));
    tabs->setTabToolTip(alertsTab, tr("Alerts grouped by incident or service: acknowledge, silence (%1)")
                                       .arg(QKeySequence(Qt::CTRL | Qt::Key_2).toString(QKeySequence::NativeText)));

    // Presets
    auto *presets = new QWidget(tabs);
    auto *presetsLayout = new QVBoxLayout(presets);
    auto *presetFilter = new QLineEdit(presets);
    presetFilter->setPlaceholderText(tr("Filter presets and parameters"));
    presetFilter->setClearButtonEnabled(true);
    presetsLayout->addWidget(presetFilter);
    auto *presetModel = new PresetModel(PresetCatalog{}, this);
    auto *presetProxy = new QSortFilterProxyModel(this);
    presetProxy->setSourceModel(presetModel);
    presetProxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    presetProxy->setFilterKeyColumn(-1);
    connect(presetFilter, &QLineEdit::textChanged, presetProxy, &QSortFilterProxyModel::setFilterFixedString);
    auto *presetView = makeTable(presetProxy, presets);
    presetView->setObjectName(u"presets"_s);
    presetView->sortByColumn(-1, Qt::AscendingOrder);
    presetView->resizeColumnsToContents();
    presetsLayout->addWidget(presetView);
    tabs->addTab(presets, tr("&Presets"));
    setCentralWidget(tabs);

    auto *detailDock = new QDockWidget(tr("Service detail"), this);
    detailDock->setObjectName(u"detailDock"_s);
    detailDock->setWidget(buildDetail());
    addDockWidget(Qt::RightDockWidgetArea, detailDock);

    auto *focusFilter = new QAction(this);
    focusFilter->setShortcut(QKeySequence::Find);
    connect(focusFilter, &QAction::triggered, this, [tabs, presets, presetFilter, this] {
        if (tabs->currentWidget() == presets)
            presetFilter->setFocus();
        else if (tabs->currentIndex() == 0)
            m_serviceFilter->setFocus();
    });
    addAction(focusFilter);

    buildMenus();
    auto *viewMenu = menuBar()->findChild<QMenu *>(u"viewMenu"_s);
    QAction *showDetail = detailDock->toggleViewAction();
    showDetail->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_1));
    viewMenu->insertActions(viewMenu->actions().value(0), {showDetail});

    m_pollHealth = new QLabel(this);
    m_pollHealth->setObjectName(u"pollHealth"_s);
    statusBar()->addPermanentWidget(m_pollHealth);
    m_storeHealth = new QLabel(this);
    m_storeHealth->setObjectName(u"storeHealth"_s);
    m_storeHealth->hide();
    statusBar()->addPermanentWidget(m_storeHealth);
    m_alertmanagerHealth = new QLabel(this);
    m_alertmanagerHealth->setObjectName(u"alertmanagerHealth"_s);
    m_alertmanagerHealth->hide();
    statusBar()->addPermanentWidget(m_alertmanagerHealth);
    m_prometheusHealth = new QLabel(this);
    m_prometheusHealth->setObjectName(u"prometheusHealth"_s);
    m_prometheusHealth->hide();
    statusBar()->addPermanentWidget(m_prometheusHealth);

    if (QSystemTrayIcon::isSystemTrayAvailable()) {
        m_tray = new QSystemTrayIcon(windowIcon(), this);
        m_tray->setToolTip(tr("Breakerwatch"));
        m_tray->show();
        connect(m_tray, &QSystemTrayIcon::activated, this, [this] {
            showNormal();
            raise();
            activateWindow();
        });
    }
    if (m_ctx.notifier)
        connect(m_ctx.notifier, &AlertNotifier::notify, this,
                [this](const NotificationThrottle::Notification &n) { onNotification(n.title, n.text); });
    connect(m_ctx.alerts, &AlertCenter::alertsChanged, this, &MainWindow::refreshStatusBar);
    connect(m_ctx.alertDesk, &AlertDesk::changed, this, &MainWindow::refreshStatusBar); // what is unhandled

    // Once a second: the timeline moves, sparklines and the detail pane catch up, poll health is counted.
    auto *tick = new QTimer(this);
    connect(tick, &QTimer::timeout, this, [this] {
        m_alertsPanel->tick();
        refreshDetail();
        refreshStatusBar();
        if (m_serviceModel->rowCount() > 0)
            Q_EMIT m_serviceModel->dataChanged(
                m_serviceModel->index(0, ServiceTableModel::ErrorRateColumn),
                m_serviceModel->index(m_serviceModel->rowCount() - 1, ServiceTableModel::P95Column));
    });
    tick->start(std::chrono::seconds(1));
    connect(m_ctx.monitor, &FleetMonitor::breakerUpdated, m_timeline, &TimelineView::historyChanged);

    // A first start fills most of the screen (the layout is remembered after that).
    const QRect available = screen() ? screen()->availableGeometry() : QRect(0, 0, 1600, 1000);
    const QSize first(std::min(1800, available.width() * 95 / 100), std::min(1100, available.height() * 95 / 100));
    resize(first);
    // On a laptop screen (1280 x 800) the tree still shows 15 rows: it gets the larger part of the overview.
    resizeDocks({detailDock}, {std::min(560, first.width() * 2 / 5)}, Qt::Horizontal);
    m_overviewSplit->setSizes({first.height() < 900 ? 440 : 400, 300});
    restoreLayout();
    // The charts open on the span the timeline chose for the history there is (20 s of data: the last 5 minutes).
    m_charts->setSpanMs(m_timeline->axis().span());
    refreshStatusBar();
    selectBreaker(m_serviceModel->rowCount() > 0 ? std::optional(m_serviceModel->idAt(0)) : std::nullopt);
}

MainWindow::~MainWindow() = default;

QWidget *MainWindow::buildOverview(const QString &bannerText)
{
    auto *overview = new QWidget(this);
    auto *layout = new QVBoxLayout(overview);
    if (!bannerText.isEmpty()) {
        auto *banner = new QLabel(bannerText, overview);
        banner->setObjectName(u"demoBanner"_s);
        banner->setWordWrap(true);
        banner->setTextFormat(Qt::RichText);
        banner->setFrameShape(QFrame::StyledPanel);
        banner->setMargin(6);
        layout->addWidget(banner);
    }
    // Configuration trouble is shown where the operator looks, not only in a log.
    m_configProblem = messageLabel(overview, u"configProblem"_s,
                                   u"QLabel { background: #fde2d6; color: #5a1e00; border: 1px solid #D55E00; }"_s);
    m_configWarnings = messageLabel(overview, u"configWarnings"_s,
                                    u"QLabel { background: #fff3d1; color: #4a3500; border: 1px solid #E69F00; }"_s);
    layout->addWidget(m_configProblem);
    layout->addWidget(m_configWarnings);

    auto *filters = new QHBoxLayout;
    m_serviceFilter = new QLineEdit(overview);
    m_serviceFilter->setObjectName(u"serviceFilter"_s);
    m_serviceFilter->setPlaceholderText(tr("Filter services (Ctrl+F)"));
    m_serviceFilter->setClearButtonEnabled(true);
    filters->addWidget(m_serviceFilter, 1);
    auto *stateFilter = new QComboBox(overview);
    stateFilter->setObjectName(u"stateFilter"_s);
    stateFilter->addItem(tr("All services"), static_cast<int>(ServiceFilterProxy::StateFilter::All));
    stateFilter->addItem(tr("Needing a look"), static_cast<int>(ServiceFilterProxy::StateFilter::Problems));
    stateFilter->addItem(tr("Breaker not closed"), static_cast<int>(ServiceFilterProxy::StateFilter::NotClosed));
    stateFilter->addItem(tr("Flapping"), static_cast<int>(ServiceFilterProxy::StateFilter::Flapping));
    stateFilter->setToolTip(tr("Show only services in these states (Alt+S)"));
    auto *stateLabel = new QLabel(tr("&Show:"), overview);
    stateLabel->setBuddy(stateFilter);
    filters->addWidget(stateLabel);
    filters->addWidget(stateFilter);
    m_groupBy = new QComboBox(overview);
    m_groupBy->setObjectName(u"groupBy"_s);
    m_groupBy->setToolTip(tr("Group the services by one of their labels (Alt+G)"));
    auto *groupLabel = new QLabel(tr("&Group by:"), overview);
    groupLabel->setBuddy(m_groupBy);
    filters->addWidget(groupLabel);
    filters->addWidget(m_groupBy);
    layout->addLayout(filters);

    m_serviceModel = new ServiceTableModel(m_ctx.monitor, this);
    m_serviceModel->setHistory(m_ctx.history, m_ctx.recorder, m_ctx.clock);
    m_serviceProxy = new ServiceFilterProxy(this);
    m_serviceProxy->setSourceModel(m_serviceModel);
    connect(m_serviceFilter, &QLineEdit::textChanged, m_serviceProxy, &QSortFilterProxyModel::setFilterFixedString);
    connect(stateFilter, &QComboBox::currentIndexChanged, this, [this, stateFilter] {
        m_serviceProxy->setStateFilter(
            static_cast<ServiceFilterProxy::StateFilter>(stateFilter->currentData().toInt()));
    });

    m_treeModel = new FleetTreeModel(m_serviceModel, m_serviceProxy, this);
    m_treeModel->setClock(m_ctx.clock);

    m_overviewSplit = new QSplitter(Qt::Vertical, overview);
    m_overviewSplit->setObjectName(u"overviewSplit"_s);
    m_serviceView = new FleetTreeView(m_treeModel, m_overviewSplit);
    connect(m_groupBy, &QComboBox::currentIndexChanged, this,
            [this] { m_treeModel->setGroupLabel(m_groupBy->currentData().toString()); });
    connect(m_ctx.monitor, &FleetMonitor::breakersChanged, this, &MainWindow::refreshGroupChoices);
    refreshGroupChoices();
    m_serviceView->setObjectName(u"services"_s);
    m_serviceView->sortByColumn(-1, Qt::AscendingOrder);
    m_serviceView->setItemDelegateForColumn(ServiceTableModel::ErrorRateColumn, new SparklineDelegate(this));
    m_serviceView->setColumnWidth(ServiceTableModel::NameColumn, 150);
    // Wide enough for an instance address and for a parent's roll-up ("10 of 12 breakers open").
    m_serviceView->setColumnWidth(
        ServiceTableModel::InstanceColumn,
        std::max(120, QFontMetrics(m_serviceView->font()).horizontalAdvance(tr("10 of 12 breakers open")) + 16));
    m_serviceView->setColumnWidth(ServiceTableModel::StateColumn, 95);
    m_serviceView->setColumnWidth(ServiceTableModel::ObservedColumn, 95);
    m_serviceView->setColumnWidth(ServiceTableModel::ErrorRateColumn, 140);
    m_serviceView->setColumnWidth(ServiceTableModel::TrafficColumn, 90);
    m_serviceView->setColumnWidth(ServiceTableModel::OutcomeColumn, 110);
    // "checkout/..." says nothing: the name column grows with the longest service/breaker name (within reason) as
    // breakers are found.
    // Only the rows just found are measured: thousands of breakers arrive one by one.
    const auto fitNames = [this](int first, int last) {
        const QFontMetrics metrics(m_serviceView->font());
        int widest = metrics.horizontalAdvance(
            m_serviceModel->headerData(ServiceTableModel::NameColumn, Qt::Horizontal).toString());
        for (int row = first; row <= last; ++row)
            widest = std::max(widest, metrics.horizontalAdvance(
                                          m_serviceModel->index(row, ServiceTableModel::NameColumn).data().toString()));
        const int wanted = std::clamp(widest + 24, 150, 360);
        if (wanted > m_serviceView->columnWidth(ServiceTableModel::NameColumn))
            m_serviceView->setColumnWidth(ServiceTableModel::NameColumn, wanted);
    };
    connect(m_serviceModel, &QAbstractItemModel::rowsInserted, this,
            [fitNames](const QModelIndex &, int first, int last) { fitNames(first, last); });
    connect(m_serviceModel, &QAbstractItemModel::modelReset, this,
            [this, fitNames] { fitNames(0, m_serviceModel->rowCount() - 1); });
    fitNames(0, m_serviceModel->rowCount() - 1);
    m_serviceView->setColumnWidth(ServiceTableModel::LatencyColumn, 75);
    m_serviceView->setColumnWidth(ServiceTableModel::P95Column, 85);
    m_serviceView->setColumnWidth(ServiceTableModel::OpensColumn, 105);
    // Every header fits its column ("Opens (10 min)", not "Opens (1…"), with room for the sort arrow.
    const QFontMetrics headerMetrics(m_serviceView->header()->font());
    for (int column = 0; column < ServiceTableModel::ColumnCount - 1; ++column) {
        const int wanted =
            headerMetrics.horizontalAdvance(m_serviceModel->headerData(column, Qt::Horizontal).toString()) + 28;
        m_serviceView->setColumnWidth(column, std::max(m_serviceView->columnWidth(column), wanted));
    }
    connect(m_serviceView, &FleetTreeView::currentBreakerChanged, this, [this](const std::optional<BreakerId> &id) {
        if (id)
            selectBreaker(id);
    });

    m_timeline = new TimelineView(m_ctx.history, m_ctx.clock, m_overviewSplit);
    m_timeline->setObjectName(u"timeline"_s);
    m_timeline->setBreakers(m_ctx.recorder->ids());
    // The span fits the history there is (restored from the store, or none yet): 20 s of data on a 5-minute axis,
    // not squeezed into the right edge of a quarter hour.
    const std::int64_t now = m_ctx.clock();
    m_timeline->setSpan(TimeAxis::initialSpanFor(now - earliestRecordedTime(*m_ctx.history).value_or(now)));
    connect(m_ctx.recorder, &HistoryRecorder::servicesChanged, this, [this] {
        m_timeline->setBreakers(m_ctx.recorder->ids());
        // The selection follows its breaker to its new row, or goes if the breaker went.
        selectBreaker(m_selected && m_ctx.monitor->contains(*m_selected) ? m_selected : std::nullopt);
    });
    // The timeline's rows in the overview's order: most urgent first, as it re-sorts.
    const auto followTree = [this] { m_timeline->setRowOrder(m_treeModel->breakersInOrder()); };
    connect(m_treeModel, &QAbstractItemModel::layoutChanged, m_timeline, followTree);
    connect(m_treeModel, &QAbstractItemModel::modelReset, m_timeline, followTree);
    followTree();
    // The timeline draws the display history's rows; the recorder says which breaker a row is.
    connect(m_timeline, &TimelineView::serviceActivated, this, [this](int row) {
        if (row >= 0 && row < m_ctx.recorder->ids().size())
            selectBreaker(m_ctx.recorder->ids()[row]);
    });
    // Scrolled back past what Prometheus's history gave: the monitor reads further back (one read at a time).
    connect(m_timeline, &TimelineView::visibleRangeChanged, this,
            [this](qint64 start, qint64) { m_ctx.monitor->readServerHistoryFrom(start); });
    m_overviewSplit->addWidget(m_serviceView);
    m_overviewSplit->addWidget(m_timeline);
    m_overviewSplit->setStretchFactor(0, 3);
    m_overviewSplit->setStretchFactor(1, 2);
    layout->addWidget(m_overviewSplit, 1);
    return overview;
}

QWidget *MainWindow::buildFleetWall()
{
    auto *page = new QWidget(this);
    auto *layout = new QVBoxLayout(page);
    auto *bar = new QHBoxLayout;
    auto *hint = new QLabel(tr("Every breaker of every instance. Hover a tile for its state, since when and why; click "
                               "it to show it in the overview and the detail pane."),
                            page);
    hint->setWordWrap(true);
    bar->addWidget(hint, 1);
    m_wallGroupBy = new QComboBox(page);
    m_wallGroupBy->setObjectName(u"wallGroupBy"_s);
    m_wallGroupBy->setToolTip(tr("Group the tiles by one of the services' labels (team, env, job...) or by service"));
    auto *groupLabel = new QLabel(tr("Group &tiles by:"), page);
    groupLabel->setBuddy(m_wallGroupBy);
    bar->addWidget(groupLabel);
    bar->addWidget(m_wallGroupBy);
    layout->addLayout(bar);
    m_fleetWall = new FleetWallView(m_serviceModel, m_ctx.clock, page);
    layout->addWidget(m_fleetWall, 1);
    connect(m_wallGroupBy, &QComboBox::currentIndexChanged, this,
            [this] { m_fleetWall->setGroupLabel(m_wallGroupBy->currentData().toString()); });
    connect(m_fleetWall, &FleetWallView::breakerActivated, this, [this](const BreakerId &id) { selectBreaker(id); });
    refreshGroupChoices();
    return page;
}

QWidget *MainWindow::buildDetail()
{
    auto *detail = new QWidget(this);
    detail->setObjectName(u"detail"_s);
    auto *layout = new QVBoxLayout(detail);
    m_detailTitle = new QLabel(detail);
    m_detailTitle->setObjectName(u"detailTitle"_s);
    m_detailTitle->setTextFormat(Qt::RichText);
    m_detailTitle->setWordWrap(true); // "checkout/paymentGateway@10.0.0.7:8080 — simulated OPEN, real OPEN" is long
    m_detailFacts = new QLabel(detail);
    m_detailFacts->setObjectName(u"detailFacts"_s);
    m_detailFacts->setWordWrap(true);
    m_detailFacts->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_detailTitle);
    layout->addWidget(m_detailFacts);

    // One row of buttons per breaker; each button is also a menu action with a shortcut.
    const auto makeRow = [this, detail](const QString &caption, bool remote) {
        // The caption on a line of its own: beside the buttons it was cut to "Simulated br" in a narrow pane.
        auto *row = new QWidget(detail);
        auto *rowLayout = new QVBoxLayout(row);
        rowLayout->setContentsMargins(0, 0, 0, 0);
        rowLayout->setSpacing(2);
        auto *captionLine = new QHBoxLayout;
        captionLine->addWidget(new QLabel(u"<b>%1</b>"_s.arg(caption), row));
        auto *buttons = new QHBoxLayout;
        rowLayout->addLayout(captionLine);
        rowLayout->addLayout(buttons);
        const QList<std::pair<OperatorAction, QKeySequence>> actions = {
            {OperatorAction::Reset, QKeySequence(remote ? u"Ctrl+Alt+R"_s : u"Ctrl+Shift+R"_s)},
            {OperatorAction::ForceOpen, QKeySequence(remote ? u"Ctrl+Alt+O"_s : u"Ctrl+Shift+O"_s)},
            {OperatorAction::Disable, QKeySequence(remote ? u"Ctrl+Alt+D"_s : u"Ctrl+Shift+D"_s)},
            {OperatorAction::MetricsOnly, QKeySequence(u"Ctrl+Shift+M"_s)}};
        for (const auto &[action, keys] : actions) {
            if (remote && action == OperatorAction::MetricsOnly)
                continue;
            const QString name = operatorActionName(action);
            auto *qaction = new QAction(name.left(1).toUpper() + name.mid(1), this);
            qaction->setObjectName((remote ? u"remote-"_s : u"simulated-"_s) + QString(name).replace(u' ', u'-'));
            qaction->setShortcut(keys);
            qaction->setToolTip(operatorActionConsequence(action, remote) + u" ("_s +
                                keys.toString(QKeySequence::NativeText) + u')');
            connect(qaction, &QAction::triggered, this, [this, action, remote] { act(action, remote); });
            (remote ? m_remoteActions : m_simulatedActions).push_back(qaction);
            auto *button = new QPushButton(qaction->text(), row);
            button->setObjectName(qaction->objectName());
            button->setToolTip(qaction->toolTip());
            connect(button, &QPushButton::clicked, qaction, &QAction::trigger);
            buttons->addWidget(button);
        }
        if (remote) {
            m_everyInstance = new QCheckBox(row);
            m_everyInstance->setObjectName(u"everyInstance"_s);
            m_everyInstance->setToolTip(tr("Send the action to this breaker on every instance of the service, one "
                                           "request each, each confirmed together and audited on its own."));
            captionLine->addStretch(1);
            captionLine->addWidget(m_everyInstance);
        }
        buttons->addStretch(1);
        return row;
    };
    layout->addWidget(makeRow(tr("Simulated breaker"), false));
    m_remoteRow = makeRow(tr("Real breaker"), true);
    layout->addWidget(m_remoteRow);

    m_detailTabs = new QTabWidget(detail);
    m_detailTabs->setObjectName(u"detailTabs"_s);
    m_charts = new ServiceCharts(*m_ctx.history, m_detailTabs);
    m_charts->setObjectName(u"serviceCharts"_s);
    m_detailTabs->addTab(m_charts, tr("&Charts"));
    // The breaker on each instance that holds it, most urgent first; a click selects that instance.
    m_instances = new BreakerInstancesModel(this);
    m_instancesView = makeTable(m_instances, m_detailTabs);
    m_instancesView->setObjectName(u"instancesView"_s);
    m_instancesView->setSortingEnabled(false); // most urgent first, as the overview
    m_instancesView->setToolTip(tr("This breaker on every instance, most urgent first: click one to look at it"));
    // A handful of rows: the columns fit their text, the reason takes the rest.
    m_instancesView->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_instancesView->horizontalHeader()->setSectionResizeMode(BreakerInstancesModel::WhyColumn, QHeaderView::Stretch);
    m_detailTabs->addTab(m_instancesView, tr("&Instances"));
    connect(m_instancesView, &QTableView::clicked, this, [this](const QModelIndex &index) {
        if (index.isValid() && index.row() < m_instances->instances().size())
            selectBreaker(m_instances->instances()[index.row()].id);
    });
    m_flapping = new FlappingChart(*m_ctx.history, m_detailTabs);
    m_flapping->setObjectName(u"flappingChart"_s);
    m_detailTabs->addTab(m_flapping, tr("&Flapping"));
    connect(m_detailTabs, &QTabWidget::currentChanged, this, &MainWindow::refreshDetail);
    m_eventLog = new EventLogModel(m_ctx.history, m_ctx.audit, this);
    auto *eventView = makeTable(m_eventLog, m_detailTabs);
    eventView->setObjectName(u"eventLog"_s);
    eventView->setSortingEnabled(false);
    eventView->setColumnWidth(EventLogModel::TimeColumn, 170);
    eventView->setColumnWidth(EventLogModel::SourceColumn, 110);
    eventView->setColumnWidth(EventLogModel::EventColumn, 190);
    m_detailTabs->addTab(eventView, tr("&Event log"));
    layout->addWidget(m_detailTabs, 1);
    detail->setMinimumWidth(420);
    return detail;
}

QWidget *MainWindow::buildAlerts()
{
    m_alertsPanel = new AlertsPanel(m_ctx.alerts, m_ctx.alertDesk, m_ctx.clock, this);
    connect(m_alertsPanel, &AlertsPanel::breakerActivated, this, [this](const QString &key) {
        if (selectBreakerNamed(key))
            m_mainTabs->setCurrentIndex(0);
    });
    connect(m_alertsPanel, &AlertsPanel::message, this,
            [this](const QString &text) { statusBar()->showMessage(text, 10'000); });
    connect(m_alertsPanel, &AlertsPanel::firingChanged, this, [this](int firing) {
        const int tab = m_mainTabs->indexOf(m_alertsPanel);
        if (tab >= 0)
            m_mainTabs->setTabText(tab, firing > 0 ? tr("&Alerts (%1)").arg(firing) : tr("&Alerts"));
    });
    return m_alertsPanel;
}

void MainWindow::buildMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    m_reload = file->addAction(tr("&Reload configuration"));
    m_reload->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    m_reload->setToolTip(tr("Read the configuration file again (it is also reloaded whenever it is saved)"));
    m_reload->setEnabled(false);
    QAction *exportTimeline = file->addAction(tr("&Export timeline…"), this, &MainWindow::exportTimeline);
    exportTimeline->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    QAction *exportChart = file->addAction(tr("Export &chart…"), this, &MainWindow::exportChart);
    exportChart->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
    exportChart->setToolTip(tr("Save the chart shown in the service detail as PNG or SVG"));
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    view->setObjectName(u"viewMenu"_s);
    QAction *live = view->addAction(tr("Follow &live"), m_timeline, &TimelineView::followLive);
    live->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L)); // End does the same inside the timeline
    live->setToolTip(tr("Keep the timeline's right edge at now"));
    view->addSeparator();
    QMenu *themes = view->addMenu(tr("&Theme"));
    auto *group = new QActionGroup(this);
    const QString current = QSettings().value(u"theme"_s, u"system"_s).toString();
    for (ThemeChoice choice : {ThemeChoice::System, ThemeChoice::Light, ThemeChoice::Dark}) {
        const QString label = choice == ThemeChoice::System  ? tr("Follow the &system")
                              : choice == ThemeChoice::Light ? tr("&Light")
                                                             : tr("&Dark");
        QAction *action = themes->addAction(label, this, [this, choice] { setTheme(static_cast<int>(choice)); });
        action->setCheckable(true);
        action->setChecked(themeChoiceName(choice) == current);
        action->setObjectName(u"theme-"_s + themeChoiceName(choice));
        group->addAction(action);
    }

    QMenu *alerts = menuBar()->addMenu(tr("&Alerts"));
    alerts->setObjectName(u"alertsMenu"_s);
    alerts->setToolTipsVisible(true);
    QAction *showAlerts = alerts->addAction(tr("Show &alerts"), this, [this] { showMainTab(u"alerts"_s); });
    showAlerts->setObjectName(u"showAlerts"_s);
    showAlerts->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_2));
    alerts->addSeparator();
    alerts->addAction(m_alertsPanel->acknowledgeAction());
    alerts->addAction(m_alertsPanel->silenceAction());
    alerts->addAction(m_alertsPanel->expireAction());

    QMenu *breaker = menuBar()->addMenu(tr("&Breaker"));
    m_breakerMenu = breaker;
    breaker->setToolTipsVisible(true);
    breaker->addSection(tr("Simulated breaker"));
    breaker->addActions(m_simulatedActions);
    breaker->addSection(tr("Real breaker"));
    breaker->addActions(m_remoteActions);
}

void MainWindow::setConfirmer(Confirmer confirmer)
{
    m_confirm = std::move(confirmer);
    if (m_workbench)
        m_workbench->setConfirmer(m_confirm);
}

void MainWindow::addWorkbench(WorkbenchWidget *workbench)
{
    m_workbench = workbench;
    const int tab = m_mainTabs->indexOf(m_alertsPanel) + 1;
    m_mainTabs->insertTab(tab, workbench, tr("&What-if"));
    m_mainTabs->setTabToolTip(tab, tr("Replay a service's history through other breaker policies and compare"));
    workbench->setConfirmer(m_confirm);
    if (m_selected)
        workbench->setService(*m_selected);
    connect(workbench, &WorkbenchWidget::problem, this,
            [this](const QString &message) { statusBar()->showMessage(message, 10'000); });
    m_breakerMenu->addSeparator();
    QAction *tune = m_breakerMenu->addAction(tr("Tune in the &what-if workbench"), this, [this] {
        if (m_selected)
            m_workbench->setService(*m_selected);
        m_mainTabs->setCurrentWidget(m_workbench);
    });
    tune->setObjectName(u"tuneWhatIf"_s);
    tune->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_3));
    tune->setToolTip(tr("Replay the selected service's history through other policies"));
}

void MainWindow::showMainTab(const QString &name)
{
    for (int i = 0; i < m_mainTabs->count(); ++i) {
        // "&Alerts (3)" is "alerts", "Fleet &wall" is "wall" or "fleetwall", "&What-if" is "whatif".
        const QString text = m_mainTabs->tabText(i).remove(u'&').remove(u'-').toLower();
        const QString first = text.section(u' ', 0, 0);
        const QString joined = QString(text).remove(u' ');
        if (name == first || name == joined || u"fleet"_s + name == joined)
            m_mainTabs->setCurrentIndex(i);
    }
}

bool MainWindow::selectBreakerNamed(const QString &key)
{
    const BreakerId id = BreakerId::parse(key);
    if (m_ctx.monitor->contains(id)) {
        selectBreaker(id);
        return true;
    }
    // "checkout/paymentGateway" without "@instance": its first instance.
    if (!key.contains(u'@')) {
        for (const BreakerId &known : m_ctx.monitor->breakers()) {
            if (known.service == id.service && known.breaker == id.breaker) {
                selectBreaker(known);
                return true;
            }
        }
    }
    return false;
}

void MainWindow::selectBreaker(const std::optional<BreakerId> &wanted)
{
    const std::optional<BreakerId> id = wanted && m_ctx.monitor->contains(*wanted) ? wanted : std::nullopt;
    if (m_workbench && id)
        m_workbench->setService(*id);
    m_selected = id;
    // The history-backed views address the display history's rows.
    const int historyRow = id ? m_ctx.recorder->rowOf(*id) : -1;
    m_timeline->setSelectedService(historyRow);
    m_serviceView->showBreaker(id);
    if (m_fleetWall)
        m_fleetWall->setCurrentBreaker(id);
    const QString name = id ? id->key() : QString();
    m_eventLog->setService(historyRow, name);
    m_charts->setService(historyRow, name);
    m_flapping->setService(historyRow, name);
    refreshDetail();
}

void MainWindow::refreshGroupChoices()
{
    QStringList keys;
    for (const ServiceConfig &config : m_ctx.monitor->config().services)
        keys << config.labels.keys();
    keys.removeDuplicates();
    keys.removeIf([](const QString &key) { return key.startsWith(u"__"_s); }); // internal, e.g. __file_sd
    keys.sort();
    const auto fill = [&keys](QComboBox *box, const QString &none) {
        const QString current = box->currentData().toString();
        const QSignalBlocker block(box);
        box->clear();
        box->addItem(none, QString());
        for (const QString &key : std::as_const(keys))
            box->addItem(key, key);
        const int keep = box->findData(current);
        box->setCurrentIndex(keep >= 0 ? keep : 0);
    };
    fill(m_groupBy, tr("(nothing)"));
    m_treeModel->setGroupLabel(m_groupBy->currentData().toString());
    if (m_wallGroupBy) {
        fill(m_wallGroupBy, tr("service"));
        m_fleetWall->setGroupLabel(m_wallGroupBy->currentData().toString());
    }
}

void MainWindow::refreshDetail()
{
    const bool any = m_selected.has_value();
    for (QAction *action : std::as_const(m_simulatedActions))
        action->setEnabled(any);
    const bool remote = any && m_ctx.control->hasRemote(*m_selected);
    for (QAction *action : std::as_const(m_remoteActions))
        action->setEnabled(remote);
    m_remoteRow->setVisible(remote);
    const int instances = any ? static_cast<int>(m_ctx.monitor->instancesOf(*m_selected).size()) : 0;
    m_everyInstance->setVisible(remote && instances > 1);
    m_everyInstance->setText(tr("on all %1 instances").arg(instances));
    if (!any) {
        m_detailTitle->setText(tr("<h3>No service selected</h3>"));
        m_detailFacts->setText(tr("Select a service in the table or the timeline."));
        refreshInstances(m_ctx.clock());
        return;
    }
    const BreakerStatus s = m_ctx.monitor->status(*m_selected);
    const std::int64_t now = m_ctx.clock();
    QString title = u"<h3>%1 — simulated <span style='color:%2'>%3</span>"_s.arg(
        s.name.toHtmlEscaped(), s.state == BreakerState::Closed ? u"#009E73"_s : u"#D55E00"_s, stateWord(s.state));
    if (s.observedState)
        title += u", real <span style='color:%1'>%2</span>"_s.arg(
            *s.observedState == BreakerState::Closed ? u"#009E73"_s : u"#D55E00"_s, stateWord(*s.observedState));
    m_detailTitle->setText(title + u"</h3>"_s);
    QStringList facts;
    facts << tr("Since %1 (%2 ago)")
                 .arg(QDateTime::fromMSecsSinceEpoch(s.stateSinceMs).toString(u"HH:mm:ss"_s),
                      formatDurationMs(std::max<std::int64_t>(0, now - s.stateSinceMs)));
    if (!s.lastReason.isEmpty())
        facts << tr("Why: %1").arg(s.lastReason);
    // The Instances tab and this line read the same statuses once.
    if (const RollUp rollUp = refreshInstances(now); rollUp.members > 1)
        facts << tr("On %1 (see Instances)").arg(rollUp.describe(tr("instances")));
    switch (s.feed) {
    case BreakerFeed::Polls:
        facts << tr("Simulation fed by health polls");
        break;
    case BreakerFeed::PollsAndTraffic:
        facts << tr("Simulation fed by health polls and traffic counters");
        break;
    case BreakerFeed::OwnCalls:
        facts << tr("Simulation fed by this breaker's own calls (%1)").arg(sourceName(s.source));
        break;
    case BreakerFeed::Nothing:
        facts << tr("Simulation not fed: its %1 source reports the state but no calls").arg(sourceName(s.source));
        break;
    }
    if (s.policyFromSource)
        facts << tr("Policy: %1, started from the real breaker's settings").arg(s.preset);
    if (!s.settings.isEmpty()) {
        QStringList settings;
        for (const auto &[key, value] : s.settings)
            settings << key + u' ' + value;
        facts << tr("Real breaker's settings: %1").arg(settings.join(u", "_s));
    }
    if (s.observedOpenMayBeHalfOpen)
        facts << tr("The stream reports open or half-open alike (hystrix: isCircuitBreakerOpen = not closed)");
    if (s.stale)
        facts << tr("Stale: its source no longer shows it (since %1)")
                     .arg(QDateTime::fromMSecsSinceEpoch(s.lastSeenMs).toString(u"HH:mm:ss"_s));
    if (!s.url.isEmpty())
        facts << s.url;
    if (!s.scrapeProblem.isEmpty())
        facts << tr("Metrics: %1").arg(s.scrapeProblem);
    if (!s.observedProblem.isEmpty())
        facts << tr("Real breaker: %1").arg(s.observedProblem);
    m_detailFacts->setText(facts.join(u'\n'));
    // Only the tab in view is redrawn each second.
    if (m_detailTabs->currentWidget() == m_charts)
        m_charts->refresh(now);
    else if (m_detailTabs->currentWidget() == m_flapping)
        m_flapping->refresh(now);
    m_eventLog->refresh();
}

RollUp MainWindow::refreshInstances(std::int64_t now)
{
    QList<BreakerStatus> statuses;
    if (m_selected)
        for (const BreakerId &instance : m_ctx.monitor->instancesOf(*m_selected))
            statuses << m_ctx.monitor->status(instance);
    const RollUp summary = rollUp(statuses);
    m_instances->setInstances(std::move(statuses), now);
    const int tab = m_detailTabs->indexOf(m_instancesView);
    m_detailTabs->setTabText(tab, summary.open > 0
                                      ? tr("&Instances (%1 of %2 open)").arg(summary.open).arg(summary.members)
                                      : tr("&Instances (%1)").arg(summary.members));
    // The selected instance stays the current row, wherever the order puts it.
    const int row = m_selected ? m_instances->rowOf(*m_selected) : -1;
    if (row >= 0 && m_instancesView->currentIndex().row() != row)
        m_instancesView->setCurrentIndex(m_instances->index(row, 0));
    return summary;
}

void MainWindow::act(OperatorAction action, bool remote)
{
    if (!m_selected)
        return;
    const BreakerId id = *m_selected;
    // "checkout on 10.0.0.7:8080", "checkout/paymentGateway on 10.0.0.7:8080": what people call it.
    const QString service = (id.isHealth() ? id.service : id.service + u'/' + id.breaker) + tr(" on ") + id.instance;
    const QString what = operatorActionName(action);
    QString title = remote ? tr("%1 the real breaker of %2?").arg(what.left(1).toUpper() + what.mid(1), service)
                           : tr("%1 the simulated breaker of %2?").arg(what.left(1).toUpper() + what.mid(1), service);
    QString text = operatorActionConsequence(action, remote);
    const QList<BreakerId> everywhere = m_ctx.monitor->instancesOf(id);
    const bool all = remote && m_everyInstance->isVisible() && m_everyInstance->isChecked() && everywhere.size() > 1;
    if (all) {
        const QString name = id.isHealth() ? id.service : id.service + u'/' + id.breaker;
        title = tr("%1 the real breaker %2 on all %3 instances?")
                    .arg(what.left(1).toUpper() + what.mid(1), name)
                    .arg(everywhere.size());
        QStringList targets;
        for (const BreakerId &instance : everywhere) {
            const auto binding = m_ctx.monitor->remoteBinding(instance);
            targets << u"• %1: %2"_s.arg(instance.instance, binding ? binding->url.toString(QUrl::RemoveUserInfo)
                                                                    : tr("no way to reach it (skipped)"));
        }
        text += u"\n\n"_s + tr("One request to each, not retried:") + u"\n"_s + targets.join(u'\n');
    } else if (remote) {
        if (const auto binding = m_ctx.monitor->remoteBinding(id))
            text += u"\n\n"_s + tr("One request to %1. It is not retried: if no answer comes, the outcome is "
                                   "\"unknown\" and you should check the breaker before trying again.")
                                    .arg(binding->url.toString(QUrl::RemoveUserInfo));
    }
    text += u"\n\n"_s + tr("The action is recorded in the audit log under your name (%1).").arg(operatorName());
    if (!m_confirm(title, text)) {
        statusBar()->showMessage(tr("Cancelled: nothing was changed"), 5000);
        return;
    }
    if (all) {
        QStringList problems;
        const QList<BreakerId> started = m_ctx.control->actOnRemoteEverywhere(id, action, &problems);
        statusBar()->showMessage(
            problems.isEmpty() ? tr("%1 sent to %2 instances; waiting for their answers").arg(what).arg(started.size())
                               : tr("%1 sent to %2 of %3 instances; refused: %4")
                                     .arg(what)
                                     .arg(started.size())
                                     .arg(everywhere.size())
                                     .arg(problems.join(u"; "_s)),
            10'000);
        refreshDetail();
        return;
    }
    const Status result = remote ? m_ctx.control->actOnRemote(id, action) : m_ctx.control->actOnSimulated(id, action);
    if (!result)
        statusBar()->showMessage(tr("%1 refused: %2").arg(what, result.error()), 10'000);
    else
        statusBar()->showMessage(remote ? tr("%1 sent to %2's breaker; waiting for its answer").arg(what, service)
                                        : tr("%1: done on %2's simulated breaker").arg(what, service),
                                 8000);
    refreshDetail();
}

void MainWindow::refreshStatusBar()
{
    int up = 0;
    int down = 0;
    int waiting = 0;
    std::int64_t polls = 0;
    for (const BreakerId &id : m_ctx.monitor->breakers()) {
        if (!id.isHealth())
            continue; // polls are the instances' (their health breakers)
        const BreakerStatus s = m_ctx.monitor->status(id);
        polls += s.polls;
        if (s.lastCheckMs < 0)
            ++waiting;
        else if (s.lastOutcome == ProbeOutcomeKind::Success || s.lastOutcome == ProbeOutcomeKind::Slow)
            ++up;
        else
            ++down;
    }
    const std::int64_t now = m_ctx.clock();
    if (m_lastPolls >= 0 && now - m_lastPollsAt >= 1000) {
        m_pollsPerSecond = static_cast<double>(polls - m_lastPolls) * 1000.0 / static_cast<double>(now - m_lastPollsAt);
        m_lastPolls = polls;
        m_lastPollsAt = now;
    } else if (m_lastPolls < 0) {
        m_lastPolls = polls;
        m_lastPollsAt = now;
    }
    const int firing = m_ctx.alerts->activeCount();
    QString text = tr("%1 up · %2 down").arg(up).arg(down);
    if (waiting > 0)
        text += tr(" · %1 waiting").arg(waiting);
    text += tr(" · %1 polls/s").arg(m_pollsPerSecond, 0, 'f', 1);
    // Firing, and of those how many nobody has acknowledged or silenced yet.
    const int unhandled = m_alertsPanel->model()->totals().firing;
    text += firing == 0   ? tr(" · no alerts")
            : firing == 1 ? tr(" · 1 alert firing")
                          : tr(" · %1 alerts firing").arg(firing);
    if (firing > 0 && unhandled < firing)
        text += tr(" (%1 unhandled)").arg(unhandled);
    m_pollHealth->setText(text);
    m_pollHealth->setStyleSheet(unhandled > 0 || down > 0 ? u"color: #D55E00; font-weight: bold;"_s : QString());
    const QString base = windowTitle().section(u") "_s, -1);
    setWindowTitle(firing > 0 ? u"(%1) %2"_s.arg(firing).arg(base) : base);
}

void MainWindow::onNotification(const QString &title, const QString &text)
{
    statusBar()->showMessage(tr("Alert: %1").arg(text), 15'000);
    if (m_tray)
        m_tray->showMessage(tr("Breakerwatch: %1").arg(title), text, QSystemTrayIcon::Warning, 10'000);
}

void MainWindow::exportTimeline()
{
    QString selectedFilter;
    const QString file = QFileDialog::getSaveFileName(this, tr("Export timeline"), u"breakerwatch-timeline.png"_s,
                                                      tr("PNG image (*.png);;SVG drawing (*.svg)"), &selectedFilter);
    if (file.isEmpty())
        return;
    const bool svg = file.endsWith(u".svg"_s, Qt::CaseInsensitive);
    const bool saved = svg ? m_timeline->renderToSvg(file, m_timeline->viewport()->size())
                           : m_timeline->renderToImage(m_timeline->viewport()->size()).save(file);
    if (saved)
        statusBar()->showMessage(tr("Timeline saved to %1").arg(file), 8000);
    else
        QMessageBox::warning(this, tr("Export timeline"), tr("Could not write %1.").arg(file));
}

void MainWindow::showDetailTab(const QString &name)
{
    if (name == u"charts")
        m_detailTabs->setCurrentWidget(m_charts);
    else if (name == u"flapping")
        m_detailTabs->setCurrentWidget(m_flapping);
    else if (name == u"instances")
        m_detailTabs->setCurrentWidget(m_instancesView);
    else if (name == u"events")
        m_detailTabs->setCurrentIndex(m_detailTabs->count() - 1);
}

void MainWindow::exportChart()
{
    const bool flapping = m_detailTabs->currentWidget() == m_flapping;
    const QString name = m_selected ? m_selected->key() : u"service"_s;
    const QString file = QFileDialog::getSaveFileName(this, tr("Export chart"),
                                                      u"%1-%2.png"_s.arg(name, flapping ? u"flapping"_s : u"charts"_s),
                                                      tr("PNG image (*.png);;SVG drawing (*.svg)"));
    if (file.isEmpty())
        return;
    const bool saved = flapping ? m_flapping->saveAs(file) : m_charts->saveAs(file);
    if (saved)
        statusBar()->showMessage(tr("Chart saved to %1").arg(file), 8000);
    else
        QMessageBox::warning(this, tr("Export chart"), tr("Could not write %1.").arg(file));
}

void MainWindow::setConfigProblem(const QString &problem)
{
    m_configProblem->setText(tr("The configuration file could not be reloaded; the previous configuration "
                                "stays in force until the file is fixed.\n%1")
                                 .arg(problem));
    m_configProblem->setVisible(!problem.isEmpty());
}

void MainWindow::setStoreProblem(const QString &problem)
{
    // Polling and the live views go on; only the history on disk is at risk, so a badge, not a dialog.
    m_storeHealth->setText(tr("⚠ history store degraded"));
    m_storeHealth->setToolTip(problem);
    m_storeHealth->setStyleSheet(u"color: #D55E00; font-weight: bold;"_s);
    m_storeHealth->setVisible(!problem.isEmpty());
    if (!problem.isEmpty())
        statusBar()->showMessage(tr("History store: %1").arg(problem), 15'000);
}

void MainWindow::setPrometheusSourceStatus(const std::optional<PrometheusSourceStatus> &status)
{
    using Health = PrometheusSourceStatus::Health;
    m_prometheusHealth->setVisible(status.has_value());
    if (!status)
        return;
    const auto clock = [](std::int64_t ms) {
        return ms < 0 ? tr("never") : QDateTime::fromMSecsSinceEpoch(ms).toString(u"HH:mm:ss"_s);
    };
    const QString breakers = status->breakers == 1 ? tr("1 breaker") : tr("%1 breakers").arg(status->breakers);
    QString text;
    QString colour;
    switch (status->health) {
    case Health::Unknown:
        text = tr("Prometheus: asking…");
        break;
    case Health::Ok:
        text = status->historyReading ? tr("Prometheus: %1 · reading history…").arg(breakers)
                                      : tr("Prometheus: %1").arg(breakers);
        break;
    case Health::Partial:
        text = tr("⚠ Prometheus: partial answer (%1)").arg(breakers);
        colour = u"#E69F00"_s;
        break;
    case Health::Down:
        text = tr("⚠ Prometheus down: breakers stale since %1").arg(clock(status->lastAnsweredMs));
        colour = u"#D55E00"_s;
        break;
    }
    m_prometheusHealth->setText(text);
    m_prometheusHealth->setStyleSheet(colour.isEmpty() ? QString() : u"color: %1; font-weight: bold;"_s.arg(colour));
    QStringList lines{
        tr("Breakers from %1").arg(status->url),
        tr("%1 instant queries per interval, whatever the number of breakers").arg(status->queriesPerInterval),
        tr("Last asked %1, last full answer %2").arg(clock(status->lastAttemptMs), clock(status->lastAnsweredMs)),
        tr("%1 breakers on %2 instances (%3 series)").arg(status->breakers).arg(status->instances).arg(status->series)};
    if (status->historyReading)
        lines << tr("Reading the breakers' history from %1 (query_range)…").arg(clock(status->historyFromMs));
    else if (status->historyFromMs >= 0)
        lines << tr("History read back to %1; scroll the timeline back to read more (up to 24 h)")
                     .arg(QDateTime::fromMSecsSinceEpoch(status->historyFromMs).toString(u"ddd HH:mm"_s));
    if (!status->problem.isEmpty())
        lines << status->problem;
    m_prometheusHealth->setToolTip(lines.join(u'\n'));
}

void MainWindow::setAlertmanagerStatuses(const QList<AlertmanagerStatus> &statuses)
{
    using State = AlertmanagerStatus::State;
    QStringList lines;
    const AlertmanagerStatus *firstFailing = nullptr;
    int failing = 0;
    int ok = 0;
    for (const AlertmanagerStatus &status : statuses) {
        const QString url = status.url.toString(QUrl::RemoveUserInfo);
        const QString since =
            status.sinceMs < 0 ? QString() : QDateTime::fromMSecsSinceEpoch(status.sinceMs).toString(u"HH:mm:ss"_s);
        switch (status.state) {
        case State::Unknown:
            lines << tr("%1: nothing sent yet").arg(url);
            break;
        case State::Ok:
            ++ok;
            lines << tr("%1: ok since %2").arg(url, since);
            break;
        case State::Failing:
            if (!firstFailing)
                firstFailing = &status;
            ++failing;
            lines << tr("%1: unreachable since %2, %3 failed posts in a row: %4")
                         .arg(url, since)
                         .arg(status.failures)
                         .arg(status.lastError);
            break;
        }
    }
    if (failing > 0) {
        m_alertmanagerHealth->setText(
            statuses.size() == 1 ? tr("⚠ Alertmanager unreachable: %1").arg(firstFailing->lastError.left(60))
                                 : tr("⚠ %1 of %2 Alertmanagers unreachable").arg(failing).arg(statuses.size()));
        m_alertmanagerHealth->setStyleSheet(u"color: #D55E00; font-weight: bold;"_s);
    } else {
        m_alertmanagerHealth->setText(ok > 0 ? tr("Alertmanager: ok") : tr("Alertmanager: nothing sent yet"));
        m_alertmanagerHealth->setStyleSheet({});
    }
    m_alertmanagerHealth->setToolTip(lines.join(u'\n'));
    m_alertmanagerHealth->setVisible(!statuses.isEmpty());
}

void MainWindow::setConfigWarnings(const QStringList &warnings)
{
    m_configWarnings->setText(warnings.join(u'\n'));
    m_configWarnings->setVisible(!warnings.isEmpty());
}

void MainWindow::follow(ConfigWatcher *watcher)
{
    // The application core applies a reloaded configuration; the window says so.
    connect(watcher, &ConfigWatcher::reloaded, this, [this](const Config &config) {
        statusBar()->showMessage(
            tr("Configuration reloaded: %n instance(s)", nullptr, static_cast<int>(config.services.size())), 5000);
        setConfigProblem({});
        setConfigWarnings(config.warnings);
    });
    connect(watcher, &ConfigWatcher::reloadFailed, this, &MainWindow::setConfigProblem);
    connect(m_reload, &QAction::triggered, watcher, &ConfigWatcher::reloadNow);
    m_reload->setEnabled(true);
    setConfigWarnings(watcher->current().warnings);
    setConfigProblem(watcher->problem());
}

void MainWindow::setTheme(int choice)
{
    const auto theme = static_cast<ThemeChoice>(choice);
    applyTheme(theme, m_systemPalette);
    QSettings().setValue(u"theme"_s, themeChoiceName(theme));
    if (auto *action = findChild<QAction *>(u"theme-"_s + themeChoiceName(theme)))
        action->setChecked(true);
}

void MainWindow::restoreLayout()
{
    const QSettings settings;
    restoreGeometry(settings.value(u"window/geometry"_s).toByteArray());
    restoreState(settings.value(u"window/state"_s).toByteArray());
    m_overviewSplit->restoreState(settings.value(u"window/overviewSplit"_s).toByteArray());
    m_serviceView->header()->restoreState(settings.value(u"window/servicesHeader"_s).toByteArray());
}

void MainWindow::saveLayout() const
{
    QSettings settings;
    settings.setValue(u"window/geometry"_s, saveGeometry());
    settings.setValue(u"window/state"_s, saveState());
    settings.setValue(u"window/overviewSplit"_s, m_overviewSplit->saveState());
    settings.setValue(u"window/servicesHeader"_s, m_serviceView->header()->saveState());
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveLayout();
    QMainWindow::closeEvent(event);
}

} // namespace bw
