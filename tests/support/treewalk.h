#pragma once

// Walking a tree model in tests: its leaves (rows without children) and the first row with a given text.
#include <QAbstractItemModel>
#include <QModelIndexList>

namespace bw::test {

inline void collectLeaves(const QAbstractItemModel &model, const QModelIndex &parent, QModelIndexList &out)
{
    for (int row = 0; row < model.rowCount(parent); ++row) {
        const QModelIndex child = model.index(row, 0, parent);
        if (model.rowCount(child) == 0)
            out << child;
        else
            collectLeaves(model, child, out);
    }
}

inline QModelIndexList leavesOf(const QAbstractItemModel &model)
{
    QModelIndexList leaves;
    collectLeaves(model, {}, leaves);
    return leaves;
}

// Depth first, in row order: the first row whose column-0 text is `text`.
inline QModelIndex findRow(const QAbstractItemModel &model, const QString &text, const QModelIndex &parent = {})
{
    for (int row = 0; row < model.rowCount(parent); ++row) {
        const QModelIndex child = model.index(row, 0, parent);
        if (child.data().toString() == text)
            return child;
        if (const QModelIndex found = findRow(model, text, child); found.isValid())
            return found;
    }
    return {};
}

} // namespace bw::test
