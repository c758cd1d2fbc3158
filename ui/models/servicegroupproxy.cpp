#include "models/servicegroupproxy.h"

#include "models/servicetablemodel.h"

#include <QFont>
#include <QVariantMap>

#include <map>

using namespace Qt::StringLiterals;

namespace bw {

ServiceGroupProxy::ServiceGroupProxy(QObject *parent) : QAbstractProxyModel(parent) {}

void ServiceGroupProxy::setSourceModel(QAbstractItemModel *source)
{
    beginResetModel();
    for (const auto &connection : std::as_const(m_connections))
        disconnect(connection);
    m_connections.clear();
    QAbstractProxyModel::setSourceModel(source);
    if (source) {
        const auto reset = [this] {
            beginResetModel();
            rebuild();
            endResetModel();
            Q_EMIT regrouped();
        };
        m_connections << connect(source, &QAbstractItemModel::modelReset, this, reset);
        m_connections << connect(source, &QAbstractItemModel::layoutChanged, this, reset);
        m_connections << connect(source, &QAbstractItemModel::rowsInserted, this, reset);
        m_connections << connect(source, &QAbstractItemModel::rowsRemoved, this, reset);
        m_connections << connect(source, &QAbstractItemModel::rowsMoved, this, reset);
        m_connections << connect(source, &QAbstractItemModel::dataChanged, this,
                                 &ServiceGroupProxy::onSourceDataChanged);
    }
    rebuild();
    endResetModel();
}

void ServiceGroupProxy::setGroupLabel(const QString &label)
{
    if (label == m_label)
        return;
    beginResetModel();
    m_label = label;
    rebuild();
    endResetModel();
    Q_EMIT regrouped();
}

void ServiceGroupProxy::rebuild()
{
    m_rows.clear();
    QAbstractItemModel *source = sourceModel();
    const int count = source ? source->rowCount() : 0;
    m_proxyRowOfSource.assign(static_cast<std::size_t>(count), -1);
    if (m_label.isEmpty()) {
        for (int r = 0; r < count; ++r) {
            m_proxyRowOfSource[static_cast<std::size_t>(r)] = r;
            m_rows.push_back({r, {}, 0, 0});
        }
        return;
    }
    // Value -> source rows in source order; the unlabelled group sorts last.
    const QString none = tr("(no %1)").arg(m_label);
    std::map<std::pair<bool, QString>, std::vector<int>> groups;
    for (int r = 0; r < count; ++r) {
        const QVariantMap labels = source->index(r, 0).data(ServiceTableModel::LabelsRole).toMap();
        const bool has = labels.contains(m_label);
        groups[{!has, has ? labels.value(m_label).toString() : none}].push_back(r);
    }
    for (const auto &[key, members] : groups) {
        Row header{-1, key.second, static_cast<int>(members.size()), 0};
        for (int r : members)
            header.notClosed += source->index(r, 0).data(ServiceTableModel::NotClosedRole).toBool();
        m_rows.push_back(header);
        for (int r : members) {
            m_proxyRowOfSource[static_cast<std::size_t>(r)] = static_cast<int>(m_rows.size());
            m_rows.push_back({r, {}, 0, 0});
        }
    }
}

void ServiceGroupProxy::onSourceDataChanged(const QModelIndex &topLeft, const QModelIndex &bottomRight,
                                            const QList<int> &roles)
{
    for (int r = topLeft.row(); r <= bottomRight.row(); ++r) {
        const int row = m_proxyRowOfSource.at(static_cast<std::size_t>(r));
        Q_EMIT dataChanged(index(row, topLeft.column()), index(row, bottomRight.column()), roles);
    }
    if (m_label.isEmpty())
        return;
    // A breaker may have opened or closed: refresh the header counts (cheap; no regrouping).
    for (std::size_t i = 0; i < m_rows.size(); ++i) {
        Row &header = m_rows[i];
        if (header.sourceRow >= 0)
            continue;
        int notClosed = 0;
        for (std::size_t j = i + 1; j < m_rows.size() && m_rows[j].sourceRow >= 0; ++j)
            notClosed += sourceModel()->index(m_rows[j].sourceRow, 0).data(ServiceTableModel::NotClosedRole).toBool();
        if (notClosed != header.notClosed) {
            header.notClosed = notClosed;
            Q_EMIT dataChanged(index(static_cast<int>(i), 0), index(static_cast<int>(i), 0));
        }
    }
}

bool ServiceGroupProxy::isGroupRow(int row) const
{
    return row >= 0 && row < static_cast<int>(m_rows.size()) && m_rows[static_cast<std::size_t>(row)].sourceRow < 0;
}

QModelIndex ServiceGroupProxy::index(int row, int column, const QModelIndex &parent) const
{
    if (parent.isValid() || row < 0 || row >= rowCount() || column < 0 || column >= columnCount())
        return {};
    return createIndex(row, column);
}

QModelIndex ServiceGroupProxy::parent(const QModelIndex &) const
{
    return {};
}

int ServiceGroupProxy::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int ServiceGroupProxy::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() || !sourceModel() ? 0 : sourceModel()->columnCount();
}

QVariant ServiceGroupProxy::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows[static_cast<std::size_t>(index.row())];
    if (row.sourceRow >= 0)
        return role == GroupHeaderRole ? QVariant(false) : mapToSource(index).data(role);
    switch (role) {
    case GroupHeaderRole:
        return true;
    case Qt::DisplayRole:
        if (index.column() != 0)
            return {};
        return row.notClosed > 0 ? tr("%1 = %2 · %n breaker(s) · %3 not closed", nullptr, row.members)
                                       .arg(m_label, row.group)
                                       .arg(row.notClosed)
                                 : tr("%1 = %2 · %n breaker(s)", nullptr, row.members).arg(m_label, row.group);
    case Qt::FontRole: {
        QFont bold;
        bold.setBold(true);
        return bold;
    }
    default:
        return {};
    }
}

Qt::ItemFlags ServiceGroupProxy::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    if (isGroupRow(index.row()))
        return Qt::ItemIsEnabled;
    return QAbstractProxyModel::flags(index);
}

QModelIndex ServiceGroupProxy::mapToSource(const QModelIndex &proxyIndex) const
{
    if (!proxyIndex.isValid() || !sourceModel() || proxyIndex.row() >= rowCount())
        return {};
    const int sourceRow = m_rows[static_cast<std::size_t>(proxyIndex.row())].sourceRow;
    return sourceRow < 0 ? QModelIndex() : sourceModel()->index(sourceRow, proxyIndex.column());
}

QModelIndex ServiceGroupProxy::mapFromSource(const QModelIndex &sourceIndex) const
{
    if (!sourceIndex.isValid() || sourceIndex.row() >= static_cast<int>(m_proxyRowOfSource.size()))
        return {};
    return index(m_proxyRowOfSource[static_cast<std::size_t>(sourceIndex.row())], sourceIndex.column());
}

QVariant ServiceGroupProxy::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal && sourceModel())
        return sourceModel()->headerData(section, orientation, role);
    return {};
}

void ServiceGroupProxy::sort(int column, Qt::SortOrder order)
{
    if (sourceModel())
        sourceModel()->sort(column, order); // layoutChanged from the source regroups
}

} // namespace bw
