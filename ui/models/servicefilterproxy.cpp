#include "models/servicefilterproxy.h"

#include "models/servicetablemodel.h"

namespace bw {

ServiceFilterProxy::ServiceFilterProxy(QObject *parent) : QSortFilterProxyModel(parent)
{
    setSortRole(ServiceTableModel::SortRole);
    setFilterCaseSensitivity(Qt::CaseInsensitive);
    setFilterKeyColumn(-1);
    setDynamicSortFilter(true);
}

void ServiceFilterProxy::setStateFilter(StateFilter filter)
{
    if (filter == m_state)
        return;
    m_state = filter;
    invalidateRowsFilter();
}

bool ServiceFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QModelIndex first = sourceModel()->index(sourceRow, 0, sourceParent);
    const bool notClosed = first.data(ServiceTableModel::NotClosedRole).toBool();
    const bool flapping = first.data(ServiceTableModel::FlappingRole).toBool();
    switch (m_state) {
    case StateFilter::All:
        break;
    case StateFilter::NotClosed:
        if (!notClosed)
            return false;
        break;
    case StateFilter::Flapping:
        if (!flapping)
            return false;
        break;
    case StateFilter::Problems: {
        const bool failing = first.data(ServiceTableModel::FailingRole).toBool();
        if (!notClosed && !flapping && !failing)
            return false;
        break;
    }
    }
    return QSortFilterProxyModel::filterAcceptsRow(sourceRow, sourceParent);
}

} // namespace bw
