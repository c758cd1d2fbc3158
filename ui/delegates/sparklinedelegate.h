#pragma once

#include <QStyledItemDelegate>

namespace bw {

// Draws a cell's SparklineRole (QList<QPointF> of (seconds ago, percent), oldest first) as a small line over
// the last ServiceTableModel::kSparklineSpanMs, scaled 0-100 %, with the cell's text (the latest value) to its
// right. The line turns vermillion above 50 %, so a failing service stands out without reading numbers.
class SparklineDelegate final : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;
};

} // namespace bw
