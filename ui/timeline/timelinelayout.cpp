#include "timeline/timelinelayout.h"

#include <algorithm>

namespace bw {

TimelineLayout::TimelineLayout(QSize size_, int fontHeight_, int scrollOffset_)
    : size(size_), fontHeight(std::max(8, fontHeight_)), scrollOffset(std::max(0, scrollOffset_))
{
    bandHeight = fontHeight + 3;
    legendHeight = fontHeight + 12;
    axisHeight = fontHeight + 10;
    rowPadding = std::max(4, fontHeight / 3);
    subLabelWidth = fontHeight * 5 / 2;
    // A quarter of the width, so that a breaker name like "payments-gateway" fits beside its sim/real labels at
    // 1280 px; bounded so that a wide window gives the extra room to the plot.
    gutterWidth = std::clamp(size.width() / 4, fontHeight * 12, fontHeight * 18);
}

QRect TimelineLayout::plotRect() const
{
    return QRect(gutterWidth, headerHeight(), std::max(1, size.width() - gutterWidth - rightMargin),
                 std::max(0, size.height() - headerHeight()));
}

QRect TimelineLayout::gutterRect() const
{
    return QRect(0, headerHeight(), gutterWidth, std::max(0, size.height() - headerHeight()));
}

int TimelineLayout::maxScroll(int rowCount) const
{
    return std::max(0, rowsHeight(rowCount) - (size.height() - headerHeight()));
}

QRect TimelineLayout::rowRect(int row) const
{
    return QRect(0, rowTop(row), size.width(), rowHeight());
}

QRect TimelineLayout::bandRect(int row, TrackKind track) const
{
    const int index = static_cast<int>(track);
    const QRect plot = plotRect();
    return QRect(plot.left(), rowTop(row) + rowPadding + index * (bandHeight + bandGap), plot.width(), bandHeight);
}

std::pair<int, int> TimelineLayout::visibleRows(int rowCount) const
{
    const int h = rowHeight();
    const int first = std::clamp(scrollOffset / h, 0, rowCount);
    const int visibleHeight = std::max(0, size.height() - headerHeight());
    const int last = std::clamp((scrollOffset + visibleHeight + h - 1) / h, first, rowCount);
    return {first, last};
}

int TimelineLayout::rowAt(int y, int rowCount) const
{
    if (y < headerHeight() || y >= size.height())
        return -1;
    const int row = (y - headerHeight() + scrollOffset) / rowHeight();
    return row < rowCount ? row : -1;
}

int TimelineLayout::trackAt(int row, int y) const
{
    for (int i = 0; i < kTrackKindCount; ++i) {
        const QRect band = bandRect(row, static_cast<TrackKind>(i));
        if (y >= band.top() && y <= band.bottom())
            return i;
    }
    return -1;
}

} // namespace bw
