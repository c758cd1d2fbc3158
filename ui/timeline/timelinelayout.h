#pragma once

#include "history/historytypes.h"

#include <QRect>
#include <QSize>

namespace bw {

// Where things go in the timeline, for a given size, font height and vertical scroll offset. Pure geometry, no
// widget: paint() and the hit tests of the view both use it.
//
//   +-----------+---------------------------------------------+
//   | title     | legend                          live badge   |  header (fixed)
//   |           | time axis labels and ticks                   |
//   +-----------+---------------------------------------------+
//   | service   | sim  [runs.............................]    |  one row per service:
//   |           | real [runs.............................]    |  a band per breaker track
//   +-----------+---------------------------------------------+
struct TimelineLayout
{
    TimelineLayout() = default;
    TimelineLayout(QSize size, int fontHeight, int scrollOffset = 0);

    QSize size;
    int fontHeight = 14;
    int scrollOffset = 0; // pixels the rows are scrolled up by
    int gutterWidth = 200;
    int subLabelWidth = 34; // "sim" / "real" at the right end of the gutter
    int rightMargin = 8;
    int legendHeight = 24;
    int axisHeight = 22;
    int bandHeight = 16;
    int bandGap = 2;
    int rowPadding = 4; // above and below the bands of a row

    int headerHeight() const { return legendHeight + axisHeight; }
    int rowHeight() const { return 2 * rowPadding + kTrackKindCount * bandHeight + (kTrackKindCount - 1) * bandGap; }
    // The area the bands are drawn in, below the header, right of the gutter.
    QRect plotRect() const;
    QRect gutterRect() const;
    int rowsHeight(int rowCount) const { return rowCount * rowHeight(); }
    int maxScroll(int rowCount) const;

    int rowTop(int row) const { return headerHeight() + row * rowHeight() - scrollOffset; }
    QRect rowRect(int row) const; // full width
    QRect bandRect(int row, TrackKind track) const;
    // First and one-past-last row intersecting the rows area.
    std::pair<int, int> visibleRows(int rowCount) const;

    // -1 when y is not on a row (header, below the last row).
    int rowAt(int y, int rowCount) const;
    // The band of `row` under y, or -1 (padding, gap).
    int trackAt(int row, int y) const;
};

} // namespace bw
