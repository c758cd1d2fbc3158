#include "mainwindow/mainwindow.h"

#include "models/presetmodel.h"
#include "models/servicetablemodel.h"
#include "monitor/servicemonitor.h"

#include <QAction>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSortFilterProxyModel>
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

MainWindow::MainWindow(ServiceMonitor *monitor, const QString &bannerText, QWidget *parent) : QMainWindow(parent)
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

    setCentralWidget(tabs);
    resize(1100, 650);
}

} // namespace bw
