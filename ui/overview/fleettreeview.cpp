#include "overview/fleettreeview.h"

#include "models/fleettreemodel.h"

#include <QHeaderView>
#include <QSignalBlocker>

#include <functional>

namespace bw {

FleetTreeView::FleetTreeView(FleetTreeModel *model, QWidget *parent) : QTreeView(parent), m_model(model)
{
    setModel(model);
    setUniformRowHeights(true); // thousands of rows: no per-row size hints
    setSortingEnabled(true);
    setAlternatingRowColors(true);
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setSelectionMode(QAbstractItemView::SingleSelection);
    setAllColumnsShowFocus(true);
    header()->setStretchLastSection(true);
    setToolTip(tr("Services, their breakers and instances, most urgent first. Right/Left unfold and fold a row, "
                  "* unfolds all under it; click a header to sort by it."));
    // Connected after the view's own slots: the view has reset when restore() runs.
    connect(model, &QAbstractItemModel::modelAboutToBeReset, this, &FleetTreeView::remember);
    connect(model, &QAbstractItemModel::modelReset, this, &FleetTreeView::restore);
    connect(model, &QAbstractItemModel::layoutChanged, this, [this] {
        if (m_current && currentBreaker() != m_current)
            showBreaker(m_current);
    });
    connect(selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex &current) {
        m_currentKey = current.data(FleetTreeModel::NodeKeyRole).toString();
        const std::optional<BreakerId> id = currentBreaker();
        if (id == m_current)
            return;
        m_current = id;
        Q_EMIT currentBreakerChanged(id);
    });
    restore(); // incidents present from the start
}

QModelIndex FleetTreeView::firstLeaf(QModelIndex index) const
{
    while (index.isValid() && m_model->rowCount(index.siblingAtColumn(0)) > 0)
        index = m_model->index(0, 0, index.siblingAtColumn(0));
    return index;
}

std::optional<BreakerId> FleetTreeView::currentBreaker() const
{
    return m_model->breakerAt(firstLeaf(currentIndex()));
}

void FleetTreeView::showBreaker(const std::optional<BreakerId> &id)
{
    m_current = id;
    if (!id || currentBreaker() == id)
        return;
    const QModelIndex index = m_model->indexOf(*id);
    if (!index.isValid())
        return;
    setCurrentIndex(index); // scrollTo unfolds its parents
    scrollTo(index);
}

void FleetTreeView::remember()
{
    m_expanded.clear();
    const std::function<void(const QModelIndex &)> walk = [&](const QModelIndex &parent) {
        for (int row = 0; row < m_model->rowCount(parent); ++row) {
            const QModelIndex child = m_model->index(row, 0, parent);
            if (m_model->rowCount(child) == 0)
                continue;
            if (isExpanded(child))
                m_expanded.insert(child.data(FleetTreeModel::NodeKeyRole).toString());
            walk(child);
        }
    };
    walk({});
}

void FleetTreeView::restore()
{
    QModelIndex firstNewIncident;
    const std::function<void(const QModelIndex &)> walk = [&](const QModelIndex &parent) {
        for (int row = 0; row < m_model->rowCount(parent); ++row) {
            const QModelIndex child = m_model->index(row, 0, parent);
            if (m_model->rowCount(child) == 0)
                continue;
            const QString key = child.data(FleetTreeModel::NodeKeyRole).toString();
            const bool newIncident =
                child.data(FleetTreeModel::NodeKindRole).toInt() == int(FleetTreeModel::NodeKind::Incident) &&
                !m_seenIncidents.contains(key);
            if (newIncident) {
                m_seenIncidents.insert(key);
                if (!firstNewIncident.isValid())
                    firstNewIncident = child;
            }
            // An incident's title is the whole story: it spans the row instead of being cut by the first column.
            if (child.data(FleetTreeModel::NodeKindRole).toInt() == int(FleetTreeModel::NodeKind::Incident))
                setFirstColumnSpanned(row, parent, true);
            if (newIncident || m_expanded.contains(key))
                expand(child);
            walk(child);
        }
    };
    walk({});
    // The current row comes back without telling anyone: for the window, nothing changed.
    const QSignalBlocker block(selectionModel());
    QModelIndex current = m_current ? m_model->indexOf(*m_current) : QModelIndex();
    if (current.isValid() && !m_currentKey.isEmpty() && m_currentKey != m_current->key()) {
        // The operator had a parent row current: keep it if it is still there.
        const std::function<QModelIndex(const QModelIndex &)> find = [&](const QModelIndex &parent) -> QModelIndex {
            for (int row = 0; row < m_model->rowCount(parent); ++row) {
                const QModelIndex child = m_model->index(row, 0, parent);
                if (child.data(FleetTreeModel::NodeKeyRole).toString() == m_currentKey)
                    return child;
                if (isExpanded(child) || m_model->rowCount(child) > 0)
                    if (const QModelIndex found = find(child); found.isValid())
                        return found;
            }
            return {};
        };
        if (const QModelIndex parentRow = find({}); parentRow.isValid())
            current = parentRow;
    }
    if (current.isValid()) {
        selectionModel()->setCurrentIndex(current, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        viewport()->update();
    }
    // A new incident is what the operator must see first: its title at the top.
    if (firstNewIncident.isValid())
        scrollTo(firstNewIncident, QAbstractItemView::PositionAtTop);
}

} // namespace bw
