#include "workbench/whatifresultmodel.h"

#include <QFont>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace bw {

WhatIfResultModel::WhatIfResultModel(QObject *parent) : QAbstractTableModel(parent) {}

void WhatIfResultModel::setResults(std::vector<WhatIfResult> results, bool partial)
{
    beginResetModel();
    m_results = std::move(results);
    m_partial = partial;
    std::vector<WhatIfMetrics> metrics;
    for (const WhatIfResult &r : m_results)
        metrics.push_back(r.metrics);
    m_best.clear();
    for (const WhatIfColumnInfo &info : whatIfColumns())
        m_best.push_back(bestWhatIfRows(metrics, info.column));
    endResetModel();
}

void WhatIfResultModel::setBestColour(const QColor &colour)
{
    m_bestColour = colour;
    if (rowCount() > 0)
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1), {Qt::BackgroundRole});
}

bool WhatIfResultModel::isBest(int row, int column) const
{
    if (column <= kPolicyColumn || column > static_cast<int>(m_best.size()))
        return false;
    const auto &best = m_best[static_cast<std::size_t>(column - 1)];
    return std::find(best.begin(), best.end(), row) != best.end();
}

int WhatIfResultModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_results.size());
}

int WhatIfResultModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : 1 + kWhatIfColumnCount;
}

QString WhatIfResultModel::cellText(int row, int column) const
{
    if (row < 0 || row >= rowCount())
        return {};
    const WhatIfResult &r = m_results[static_cast<std::size_t>(row)];
    if (column == kPolicyColumn)
        return r.label;
    const auto figure = static_cast<WhatIfColumn>(column - 1);
    QString text = formatWhatIfValue(r.metrics, figure);
    if (row > 0) {
        const QString delta = formatWhatIfDelta(r.metrics, m_results.front().metrics, figure);
        if (!delta.isEmpty())
            text += u"  ("_s + delta + u')';
    }
    return text;
}

QVariant WhatIfResultModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount())
        return {};
    switch (role) {
    case Qt::DisplayRole:
        return cellText(index.row(), index.column());
    case Qt::FontRole:
        if (isBest(index.row(), index.column()) || (index.column() == kPolicyColumn && index.row() == 0)) {
            QFont f;
            f.setBold(true);
            return f;
        }
        return {};
    case Qt::BackgroundRole:
        return isBest(index.row(), index.column()) ? QVariant(m_bestColour) : QVariant();
    case Qt::TextAlignmentRole:
        return index.column() == kPolicyColumn ? QVariant(Qt::AlignLeft | Qt::AlignVCenter)
                                               : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    case Qt::ToolTipRole: {
        if (index.column() == kPolicyColumn)
            return index.row() == 0 ? tr("The reference: differences in the other rows are against it") : QVariant();
        const WhatIfColumnInfo &info = whatIfColumns()[static_cast<std::size_t>(index.column() - 1)];
        QString tip = info.tooltip + u". "_s + (info.lowerIsBetter ? tr("Lower is better.") : tr("Higher is better."));
        if (isBest(index.row(), index.column()))
            tip += u" "_s + tr("Best of these policies.");
        return tip;
    }
    default:
        return {};
    }
}

QVariant WhatIfResultModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::DisplayRole)
        return section == kPolicyColumn ? (m_partial ? tr("Policy (cancelled: partial)") : tr("Policy"))
                                        : whatIfColumns()[static_cast<std::size_t>(section - 1)].title;
    if (role == Qt::ToolTipRole && section > kPolicyColumn)
        return whatIfColumns()[static_cast<std::size_t>(section - 1)].tooltip;
    return {};
}

} // namespace bw
