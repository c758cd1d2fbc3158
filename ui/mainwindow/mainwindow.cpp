#include "mainwindow/mainwindow.h"

#include "models/presetmodel.h"

#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace bw {

MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent)
{
    setWindowTitle(tr("Breakerwatch"));
    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);

    auto *banner = new QLabel(
        tr("<b>Breakerwatch</b> — the live dashboard is not built yet. The breaker engine is: replay recorded "
           "call outcomes with <code>breakerwatch-cli replay --in events.jsonl --preset opossum</code>. "
           "Below are the presets it models, with each library's own parameter names and defaults."),
        central);
    banner->setWordWrap(true);
    banner->setTextFormat(Qt::RichText);
    layout->addWidget(banner);

    auto *filter = new QLineEdit(central);
    filter->setPlaceholderText(tr("Filter presets and parameters (Ctrl+F)"));
    filter->setClearButtonEnabled(true);
    layout->addWidget(filter);

    auto *model = new PresetModel(PresetCatalog{}, this);
    auto *proxy = new QSortFilterProxyModel(this);
    proxy->setSourceModel(model);
    proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    proxy->setFilterKeyColumn(-1);
    connect(filter, &QLineEdit::textChanged, proxy, &QSortFilterProxyModel::setFilterFixedString);

    auto *view = new QTableView(central);
    view->setModel(proxy);
    view->setSortingEnabled(true);
    view->sortByColumn(-1, Qt::AscendingOrder);
    view->setAlternatingRowColors(true);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->verticalHeader()->hide();
    view->horizontalHeader()->setStretchLastSection(true);
    view->resizeColumnsToContents();
    layout->addWidget(view);

    auto *focusFilter = new QAction(this);
    focusFilter->setShortcut(QKeySequence::Find);
    connect(focusFilter, &QAction::triggered, filter, [filter] { filter->setFocus(); });
    addAction(focusFilter);

    setCentralWidget(central);
    resize(1100, 700);
}

} // namespace bw
