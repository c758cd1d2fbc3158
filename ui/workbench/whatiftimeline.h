#pragma once

#include "breaker/transition.h"
#include "timeline/timeaxis.h"
#include "whatif/whatifmetrics.h"

#include <QWidget>

#include <optional>
#include <vector>

namespace bw {

// One band of the what-if timelines: a breaker's states over the replayed history.
struct WhatIfTimelineRow
{
    QString label;
    std::vector<Transition> transitions; // t relative to the history's origin, in order
    BreakerState initial = BreakerState::Closed;
    bool known = true; // false: no data (a real breaker that reported nothing)
};

// A run of one state on a band, for painting and hit tests: [start, end) relative ms.
struct WhatIfBandRun
{
    std::int64_t start = 0;
    std::int64_t end = 0;
    BreakerState state = BreakerState::Closed;
    int transition = -1; // the transition that began it, or -1 (the initial state)
};
std::vector<WhatIfBandRun> whatIfBandRuns(const WhatIfTimelineRow &row, std::int64_t endMs);

// Stacked state timelines on one time axis: the real breaker, the current policy and each candidate over the same
// history, with the outages shaded across all bands. Wheel zooms around the cursor, drag pans, double-click shows
// everything; Shift+drag marks an outage by hand (outageMarked), right-click on an outage offers to remove it
// (outageRemoved). Hover tells the band's state, since when, for how long and why. GUI thread only.
class WhatIfTimeline final : public QWidget
{
    Q_OBJECT
public:
    explicit WhatIfTimeline(QWidget *parent = nullptr);

    // The history's span: origin in epoch ms (axis labels), end relative to it.
    void setRange(std::int64_t originMs, std::int64_t endMs);
    void setRows(std::vector<WhatIfTimelineRow> rows);
    void setOutages(std::vector<Outage> outages);
    int rowCount() const { return static_cast<int>(m_rows.size()); }
    // Shows [start, end) (relative ms); clamped to the history.
    void setVisibleRange(std::int64_t start, std::int64_t end);
    std::pair<std::int64_t, std::int64_t> visibleRange() const;

    QString hoverText(QPoint pos) const;
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

Q_SIGNALS:
    void outageMarked(qint64 start, qint64 end);
    void outageRemoved(int index);

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    bool event(QEvent *event) override;
    void contextMenuEvent(QContextMenuEvent *event) override;

private:
    QRect plotRect() const;
    int rowAt(int y) const;
    int outageAt(int x) const;
    std::int64_t timeAt(double x) const; // relative ms
    double xAt(std::int64_t relative) const;
    void updateAxis();

    std::int64_t m_origin = 0;
    std::int64_t m_end = 60'000;
    std::vector<WhatIfTimelineRow> m_rows;
    std::vector<std::vector<WhatIfBandRun>> m_runs;
    std::vector<Outage> m_outages;
    TimeAxis m_axis; // in epoch ms
    std::optional<QPoint> m_dragFrom;
    std::int64_t m_dragStartAxis = 0;
    bool m_marking = false;
    int m_markTo = 0;
};

} // namespace bw
