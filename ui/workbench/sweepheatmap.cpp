#include "workbench/sweepheatmap.h"

#include <QHelpEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace bw {

QString SweepGrid::pointLabel(int index) const
{
    if (index < 0 || index >= static_cast<int>(points.size()))
        return {};
    const int row = index / columns();
    const int column = index % columns();
    QString label = rowParameter + u'=' + rowValues.value(row);
    if (!columnParameter.isEmpty())
        label += u", "_s + columnParameter + u'=' + columnValues.value(column);
    return label;
}

namespace {
constexpr int kLeftMargin = 110;
constexpr int kTopMargin = 28;
constexpr int kBottomMargin = 44;
constexpr int kRightMargin = 16;
} // namespace

SweepHeatMap::SweepHeatMap(QWidget *parent) : QWidget(parent)
{
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setMinimumSize(320, 220);
}

QSize SweepHeatMap::sizeHint() const
{
    return {520, 360};
}

void SweepHeatMap::setGrid(const SweepGrid *grid)
{
    m_grid = grid;
    m_current = grid && !grid->empty() ? std::clamp(m_current, 0, static_cast<int>(grid->points.size()) - 1) : -1;
    update();
}

void SweepHeatMap::setMetric(WhatIfColumn metric)
{
    m_metric = metric;
    update();
}

void SweepHeatMap::setCurrentPoint(int index)
{
    m_current = index;
    update();
}

QColor SweepHeatMap::scaleColour(double goodness)
{
    // Viridis at five stops, dark (worst) to bright (best).
    static const QColor stops[] = {QColor(68, 1, 84), QColor(59, 82, 139), QColor(33, 145, 140), QColor(94, 201, 98),
                                   QColor(253, 231, 37)};
    const double x = std::clamp(goodness, 0.0, 1.0) * 4;
    const int i = std::min(3, static_cast<int>(x));
    const double f = x - i;
    const QColor &a = stops[i];
    const QColor &b = stops[i + 1];
    return QColor::fromRgbF(static_cast<float>(a.redF() + (b.redF() - a.redF()) * f),
                            static_cast<float>(a.greenF() + (b.greenF() - a.greenF()) * f),
                            static_cast<float>(a.blueF() + (b.blueF() - a.blueF()) * f));
}

QRect SweepHeatMap::plotRect() const
{
    return QRect(kLeftMargin, kTopMargin, std::max(10, width() - kLeftMargin - kRightMargin),
                 std::max(10, height() - kTopMargin - kBottomMargin));
}

QRect SweepHeatMap::cellRect(int row, int column) const
{
    if (!m_grid || m_grid->empty())
        return {};
    const QRect plot = plotRect();
    const double w = static_cast<double>(plot.width()) / m_grid->columns();
    const double h = static_cast<double>(plot.height()) / m_grid->rows();
    // Row 0 at the bottom, as on a chart's y axis.
    const int r = m_grid->rows() - 1 - row;
    return QRect(QPoint(plot.left() + static_cast<int>(std::round(column * w)),
                        plot.top() + static_cast<int>(std::round(r * h))),
                 QPoint(plot.left() + static_cast<int>(std::round((column + 1) * w)) - 1,
                        plot.top() + static_cast<int>(std::round((r + 1) * h)) - 1));
}

int SweepHeatMap::pointAt(QPoint pos) const
{
    if (!m_grid || m_grid->empty() || !plotRect().contains(pos))
        return -1;
    for (int row = 0; row < m_grid->rows(); ++row)
        for (int column = 0; column < m_grid->columns(); ++column)
            if (cellRect(row, column).contains(pos))
                return m_grid->index(row, column);
    return -1;
}

void SweepHeatMap::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    const QPalette &pal = palette();
    p.fillRect(rect(), pal.color(QPalette::Base));
    p.setPen(pal.color(QPalette::Text));
    if (!m_grid || m_grid->empty()) {
        p.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap,
                   tr("Choose one or two parameters and their ranges, then Sweep.\nEach cell is one policy replayed "
                      "over the whole history."));
        return;
    }
    const WhatIfColumnInfo &info = whatIfColumnInfo(m_metric);
    std::optional<double> lo;
    std::optional<double> hi;
    for (const WhatIfResult &r : m_grid->points) {
        if (const auto v = whatIfValue(r.metrics, m_metric)) {
            lo = lo ? std::min(*lo, *v) : *v;
            hi = hi ? std::max(*hi, *v) : *v;
        }
    }
    const QFontMetrics fm = fontMetrics();
    // Values in every cell or in none (a half-labelled grid reads as missing data): the font shrinks to fit the
    // widest value, down to 7 px.
    QFont cellFont = font();
    bool labelled = false;
    {
        int widest = 0;
        for (const WhatIfResult &r : m_grid->points)
            widest = std::max(widest, fm.horizontalAdvance(formatWhatIfValue(r.metrics, m_metric)));
        const QRect cell = cellRect(0, 0);
        for (double px = cellFont.pixelSize() > 0 ? cellFont.pixelSize() : QFontInfo(cellFont).pixelSize(); px >= 7;
             px -= 1) {
            cellFont.setPixelSize(static_cast<int>(px));
            const QFontMetrics cfm(cellFont);
            const double scale = static_cast<double>(cfm.height()) / fm.height();
            if (widest * scale + 4 < cell.width() && cfm.height() < cell.height()) {
                labelled = true;
                break;
            }
        }
    }
    for (int row = 0; row < m_grid->rows(); ++row) {
        for (int column = 0; column < m_grid->columns(); ++column) {
            const int i = m_grid->index(row, column);
            if (i >= static_cast<int>(m_grid->points.size()))
                continue;
            const QRect cell = cellRect(row, column);
            const WhatIfResult &point = m_grid->points[static_cast<std::size_t>(i)];
            const auto v = whatIfValue(point.metrics, m_metric);
            QColor fill = pal.color(QPalette::AlternateBase);
            if (v && lo && hi) {
                const double t = *hi > *lo ? (*v - *lo) / (*hi - *lo) : 1.0;
                fill = scaleColour(info.lowerIsBetter ? 1 - t : t);
            }
            p.fillRect(cell, fill);
            if (labelled) {
                const double luminance = 0.299 * fill.redF() + 0.587 * fill.greenF() + 0.114 * fill.blueF();
                p.setPen(luminance > 0.5 ? Qt::black : Qt::white);
                p.setFont(cellFont);
                p.drawText(cell, Qt::AlignCenter, formatWhatIfValue(point.metrics, m_metric));
                p.setFont(font());
            }
            if (i < static_cast<int>(m_grid->paretoOptimal.size()) &&
                m_grid->paretoOptimal[static_cast<std::size_t>(i)]) {
                p.setPen(QPen(pal.color(QPalette::Text), 2, Qt::DotLine));
                p.drawRect(cell.adjusted(2, 2, -2, -2));
            }
            if (i == m_current) {
                p.setPen(QPen(pal.color(QPalette::Highlight), 3));
                p.drawRect(cell.adjusted(1, 1, -1, -1));
            }
        }
    }
    // Axes: values of the rows on the left, of the columns below.
    p.setPen(pal.color(QPalette::Text));
    const QRect plot = plotRect();
    for (int row = 0; row < m_grid->rows(); ++row) {
        const QRect cell = cellRect(row, 0);
        if (cell.height() >= fm.height() || row % std::max(1, fm.height() / std::max(1, cell.height()) + 1) == 0)
            p.drawText(QRect(0, cell.top(), kLeftMargin - 6, cell.height()), Qt::AlignRight | Qt::AlignVCenter,
                       m_grid->rowValues.value(row));
    }
    if (!m_grid->columnParameter.isEmpty()) {
        for (int column = 0; column < m_grid->columns(); ++column) {
            const QRect cell = cellRect(0, column);
            const QString value = m_grid->columnValues.value(column);
            if (fm.horizontalAdvance(value) < cell.width() + 2 || column % 2 == 0)
                p.drawText(QRect(cell.left() - 20, plot.bottom() + 2, cell.width() + 40, fm.height()),
                           Qt::AlignHCenter | Qt::AlignTop, value);
        }
        p.drawText(QRect(plot.left(), plot.bottom() + fm.height() + 6, plot.width(), fm.height()), Qt::AlignCenter,
                   m_grid->columnParameter);
    }
    p.save();
    p.translate(12, plot.center().y());
    p.rotate(-90);
    p.drawText(QRect(-plot.height() / 2, -fm.height() / 2, plot.height(), fm.height() + 2), Qt::AlignCenter,
               m_grid->rowParameter);
    p.restore();
    const QString title = tr("%1: brighter is better").arg(info.title);
    p.drawText(QRect(plot.left(), 4, plot.width(), kTopMargin - 6), Qt::AlignLeft | Qt::AlignVCenter,
               fm.elidedText(title, Qt::ElideRight, plot.width()));
}

bool SweepHeatMap::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip && m_grid) {
        auto *help = static_cast<QHelpEvent *>(event);
        const int i = pointAt(help->pos());
        if (i < 0) {
            QToolTip::hideText();
            return true;
        }
        const WhatIfResult &r = m_grid->points[static_cast<std::size_t>(i)];
        QString text = u"<b>%1</b>"_s.arg(m_grid->pointLabel(i).toHtmlEscaped());
        for (const WhatIfColumnInfo &info : whatIfColumns())
            text += u"<br>%1: %2"_s.arg(info.title, formatWhatIfValue(r.metrics, info.column));
        text += u"<br><i>%1</i>"_s.arg(tr("Click to make it a candidate"));
        QToolTip::showText(help->globalPos(), text, this);
        return true;
    }
    return QWidget::event(event);
}

void SweepHeatMap::mousePressEvent(QMouseEvent *event)
{
    const int i = pointAt(event->position().toPoint());
    if (i < 0 || event->button() != Qt::LeftButton)
        return;
    setCurrentPoint(i);
    Q_EMIT pointActivated(i);
}

void SweepHeatMap::keyPressEvent(QKeyEvent *event)
{
    if (!m_grid || m_grid->empty())
        return QWidget::keyPressEvent(event);
    int row = std::max(0, m_current) / m_grid->columns();
    int column = std::max(0, m_current) % m_grid->columns();
    switch (event->key()) {
    case Qt::Key_Left:
        column = std::max(0, column - 1);
        break;
    case Qt::Key_Right:
        column = std::min(m_grid->columns() - 1, column + 1);
        break;
    case Qt::Key_Up:
        row = std::min(m_grid->rows() - 1, row + 1);
        break;
    case Qt::Key_Down:
        row = std::max(0, row - 1);
        break;
    case Qt::Key_Return:
    case Qt::Key_Enter:
        if (m_current >= 0)
            Q_EMIT pointActivated(m_current);
        return;
    default:
        return QWidget::keyPressEvent(event);
    }
    setCurrentPoint(m_grid->index(row, column));
}

} // namespace bw
