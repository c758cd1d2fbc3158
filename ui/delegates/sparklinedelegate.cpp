#include "delegates/sparklinedelegate.h"

#include "models/servicetablemodel.h"

#include <QApplication>
#include <QPainter>
#include <QPainterPath>

namespace bw {

void SparklineDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    const QString text = opt.text;
    opt.text.clear();
    const QWidget *widget = option.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);

    const int textWidth = option.fontMetrics.horizontalAdvance(u"100 %"_qs) + 6;
    const QRect cell = option.rect.adjusted(3, 3, -3, -3);
    const QRect plot(cell.left(), cell.top(), std::max(0, cell.width() - textWidth), cell.height());
    const QRect textRect(plot.right() + 4, cell.top(), textWidth - 4, cell.height());

    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    const QPalette &palette = option.palette;
    const bool selected = option.state & QStyle::State_Selected;
    // Baseline, so an empty or all-zero line still reads as "0 %".
    painter->setPen(QPen(palette.color(selected ? QPalette::HighlightedText : QPalette::Mid), 1));
    painter->drawLine(plot.bottomLeft(), plot.bottomRight());

    const auto points = index.data(ServiceTableModel::SparklineRole).value<QList<QPointF>>();
    if (!points.isEmpty() && plot.width() > 4) {
        const double span = static_cast<double>(ServiceTableModel::kSparklineSpanMs) / 1000.0;
        QPainterPath path;
        double worst = 0;
        for (qsizetype i = 0; i < points.size(); ++i) {
            const double x = plot.left() + plot.width() * (1.0 - points[i].x() / span);
            const double y = plot.bottom() - plot.height() * std::clamp(points[i].y(), 0.0, 100.0) / 100.0;
            worst = std::max(worst, points[i].y());
            if (i == 0)
                path.moveTo(x, y);
            else
                path.lineTo(x, y);
        }
        const QColor ok(0x00, 0x72, 0xB2);  // Okabe-Ito blue
        const QColor bad(0xD5, 0x5E, 0x00); // vermillion
        painter->setPen(QPen(worst > 50 ? bad : (selected ? palette.color(QPalette::HighlightedText) : ok), 1.5));
        painter->drawPath(path);
    }
    painter->setPen(palette.color(selected ? QPalette::HighlightedText : QPalette::Text));
    painter->drawText(textRect, Qt::AlignRight | Qt::AlignVCenter, text);
    painter->restore();
}

QSize SparklineDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QSize size = QStyledItemDelegate::sizeHint(option, index);
    size.setWidth(std::max(size.width(), 150));
    return size;
}

} // namespace bw
