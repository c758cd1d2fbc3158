#include "mainwindow/mainwindow.h"

#include "config/configwatcher.h"
#include "models/presetmodel.h"
#include "models/servicetablemodel.h"
#include "monitor/servicemonitor.h"

#include <QAction>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
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
    view->verticalHeader()->hide();
    view->horizontalHeader()->setStretchLastSection(true);
    return view;
}

} // namespace

MainWindow::MainWindow(ServiceMonitor *monitor, const QString &bannerText, QWidget *parent)
    : QMainWindow(parent), m_monitor(monitor)
{
    setWindowTitle(bannerText.isEmpty() ? tr("Breakerwatch") : tr("Breakerwatch — demo fleet"));
    auto *tabs = new QTabWidget(this);

    // Services
    auto *services = new QWidget(tabs);
    auto *servicesLayout = new QVBoxLayout(services);
    if (!bannerText.isEmpty()) {
        auto *banner = new QLabel(bannerText, services);
        banner->setObjectName(u"demoBanner"_s);
        banner->setWordWrap(true);
        banner->setTextFormat(Qt::RichText);
        banner->setFrameShape(QFrame::StyledPanel);
        banner->setMargin(6);
        servicesLayout->addWidget(banner);
    }
    // Configuration trouble is shown where the operator looks, not only in a log.
    const auto messageLabel = [services](const QString &name, const QString &style) {
        auto *label = new QLabel(services);
        label->setObjectName(name);
        label->setWordWrap(true);
        label->setTextFormat(Qt::PlainText);
        label->setTextInteractionFlags(Qt::TextSelectableByMouse);
        label->setMargin(6);
        label->setStyleSheet(style);
        label->hide();
        return label;
    };
    m_configProblem = messageLabel(u"configProblem"_s, u"QLabel { background: #fde2d6; color: #5a1e00; "
                                                       u"border: 1px solid #D55E00; }"_s);
    m_configWarnings = messageLabel(u"configWarnings"_s, u"QLabel { background: #fff3d1; color: #4a3500; "
                                                         u"border: 1px solid #E69F00; }"_s);
    servicesLayout->addWidget(m_configProblem);
    servicesLayout->addWidget(m_configWarnings);
    auto *serviceFilter = new QLineEdit(services);
    serviceFilter->setPlaceholderText(tr("Filter services (Ctrl+F)"));
    serviceFilter->setClearButtonEnabled(true);
    servicesLayout->addWidget(serviceFilter);
    auto *serviceModel = new ServiceTableModel(monitor, this);
    auto *serviceProxy = new QSortFilterProxyModel(this);
    serviceProxy->setSourceModel(serviceModel);
    serviceProxy->setSortRole(ServiceTableModel::SortRole);
    serviceProxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    serviceProxy->setFilterKeyColumn(-1);
    connect(serviceFilter, &QLineEdit::textChanged, serviceProxy, &QSortFilterProxyModel::setFilterFixedString);
    auto *serviceView = makeTable(serviceProxy, services);
    serviceView->setObjectName(u"services"_s);
    serviceView->sortByColumn(-1, Qt::AscendingOrder);
    serviceView->setColumnWidth(ServiceTableModel::NameColumn, 160);
    serviceView->setColumnWidth(ServiceTableModel::StateColumn, 100);
    serviceView->setColumnWidth(ServiceTableModel::FailureColumn, 130);
    serviceView->setColumnWidth(ServiceTableModel::OpensColumn, 120);
    serviceView->setColumnWidth(ServiceTableModel::OutcomeColumn, 170);
    servicesLayout->addWidget(serviceView);
    tabs->addTab(services, tr("&Services"));

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

    auto *focusFilter = new QAction(this);
    focusFilter->setShortcut(QKeySequence::Find);
    connect(focusFilter, &QAction::triggered, this, [tabs, serviceFilter, presetFilter] {
        (tabs->currentIndex() == 0 ? serviceFilter : presetFilter)->setFocus();
    });
    addAction(focusFilter);

    m_reload = new QAction(tr("&Reload configuration"), this);
    m_reload->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    m_reload->setToolTip(tr("Read the configuration file again (it is also reloaded whenever it is saved)"));
    m_reload->setEnabled(false);
    addAction(m_reload);

    setCentralWidget(tabs);
    resize(1100, 650);
}

void MainWindow::setConfigProblem(const QString &problem)
{
    m_configProblem->setText(tr("The configuration file could not be reloaded; the previous configuration "
                                "stays in force until the file is fixed.\n%1")
                                 .arg(problem));
    m_configProblem->setVisible(!problem.isEmpty());
}

void MainWindow::setConfigWarnings(const QStringList &warnings)
{
    m_configWarnings->setText(warnings.join(u'\n'));
    m_configWarnings->setVisible(!warnings.isEmpty());
}

void MainWindow::follow(ConfigWatcher *watcher)
{
    connect(watcher, &ConfigWatcher::reloaded, this, [this](const Config &config) {
        m_monitor->setConfig(config);
        statusBar()->showMessage(
            tr("Configuration reloaded: %n service(s)", nullptr, static_cast<int>(config.services.size())), 5000);
        setConfigProblem({});
        setConfigWarnings(config.warnings);
    });
    connect(watcher, &ConfigWatcher::reloadFailed, this, &MainWindow::setConfigProblem);
    connect(m_reload, &QAction::triggered, watcher, &ConfigWatcher::reloadNow);
    m_reload->setEnabled(true);
    setConfigWarnings(watcher->current().warnings);
    setConfigProblem(watcher->problem());
}

} // namespace bw
