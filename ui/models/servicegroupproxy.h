#pragma once

#include <QAbstractProxyModel>
#include <QString>

#include <vector>

namespace bw {

// Groups the (filtered, sorted) service table by one label: a header row per label value, with how many
// services it holds and how many of their breakers are not closed, followed by its services in the source's
// order. Groups are ordered by value; services without the label come last under "(no <label>)". With no label
// set, it passes the rows through unchanged. A flat table model, so views span header rows over all columns
// (isGroupRow()). Sorting is forwarded to the source, so a header click still sorts within each group.
class ServiceGroupProxy final : public QAbstractProxyModel
{
    Q_OBJECT
public:
    enum Role
    {
        GroupHeaderRole = Qt::UserRole + 100 // bool
    };
    explicit ServiceGroupProxy(QObject *parent = nullptr);

    void setSourceModel(QAbstractItemModel *source) override;
    // The label to group by; empty for no grouping.
    void setGroupLabel(const QString &label);
    const QString &groupLabel() const { return m_label; }
    bool isGroupRow(int row) const;

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QModelIndex mapToSource(const QModelIndex &proxyIndex) const override;
    QModelIndex mapFromSource(const QModelIndex &sourceIndex) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

Q_SIGNALS:
    // The group headers changed (regrouped); views re-apply their row spans.
    void regrouped();

private:
    struct Row
    {
        int sourceRow = -1; // -1: a group header
        QString group;      // header rows: the label value (or the "no label" text)
        int members = 0;    // header rows
        int notClosed = 0;  // header rows
    };
    void rebuild();
    void onSourceDataChanged(const QModelIndex &topLeft, const QModelIndex &bottomRight, const QList<int> &roles);

    QString m_label;
    std::vector<Row> m_rows;
    std::vector<int> m_proxyRowOfSource;
    QList<QMetaObject::Connection> m_connections;
};

} // namespace bw
