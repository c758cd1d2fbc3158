#pragma once

#include "fleet/breakerid.h"
#include "history/fleethistory.h"
#include "history/foldedruns.h"
#include "timeline/timeaxis.h"
#include "timeline/timelinelayout.h"

#include <QAbstractScrollArea>
#include <QImage>
#include <QSet>
#include <QStringList>
#include <QTimer>

#include <functional>
#include <vector>

namespace bw {

// State timelines of a fleet, Grafana state-timeline style: one row per breaker with two bands (the simulated
// breaker on top, the observed real one below), runs coloured by state and labelled where wide enough, flapping
// stretches hatched, a shared time axis, vertical scrolling (only visible rows are painted).
//
// Hierarchy (setBreakers()): a breaker on several instances is one row whose bands fold its instances together
// (foldRuns(): the worst state, labelled "2/3 OPEN"); unfolding it (a click on its triangle, a double click, Space)
// adds a row per instance below it. With setServiceNames() every history row is a row of its own.
//
// Interaction: wheel zooms around the cursor (over the names, or with Shift, it scrolls); drag pans; +/- zoom,
// Left/Right pan, Up/Down move the selection, PageUp/PageDown scroll, End (or followLive()) resumes live follow,
// in which the right edge is "now". Zooming or panning leaves live follow. Click selects a service and emits
// serviceActivated(). Hovering a band shows its state, since when, for how long and why.
//
// Reads the store through a const pointer it does not own (it must outlive the view or be replaced with
// setHistory()); never writes to it. "Now" comes from the injected clock, so tests are deterministic. Background
// and text colours follow the widget's palette (light or dark); state colours do not change. GUI thread only.
class TimelineView final : public QAbstractScrollArea
{
    Q_OBJECT
public:
    using Clock = std::function<std::int64_t()>; // epoch ms

    TimelineView(const FleetHistory *history, Clock clock, QWidget *parent = nullptr);
    ~TimelineView() override;

    void setHistory(const FleetHistory *history);
    // Names of the services, by the store's index, each its own row. Rows shown: min(names, store services).
    void setServiceNames(const QStringList &names);
    // The breakers, by the store's index: a breaker on several instances becomes one folded row over them.
    void setBreakers(const QList<BreakerId> &idsByHistoryRow);
    // The order of the rows: breakers (and a folded breaker's instances) in the order of `breakers`, e.g. the
    // overview's most-urgent-first; breakers not in it follow in history order. A no-op when nothing moved.
    void setRowOrder(const QList<BreakerId> &breakers);
    // Rows shown (folded breakers count once, unfolded ones once plus once per instance).
    int rowCount() const;
    // What a row shows, for tests and tooltips: its name and the history rows it draws (one, or its instances).
    QString rowName(int row) const;
    std::vector<int> historyRowsOf(int row) const;
    bool isFoldedRow(int row) const; // a breaker over several instances, folded
    // Folds or unfolds the row of the breaker "service/breaker" (BreakerId::breakerLabel()); no-op for others.
    void setUnfolded(const QString &breakerKey, bool unfolded);
    bool isUnfolded(const QString &breakerKey) const { return m_unfolded.contains(breakerKey); }

    const TimeAxis &axis() const { return m_axis; }
    // Shows [start, end); leaves live follow.
    void setVisibleRange(std::int64_t start, std::int64_t end);
    // Keeps the right edge (and live follow, if on) and changes the span.
    void setSpan(std::int64_t spanMs);
    bool isLive() const { return m_live; }
    // Offset of the time zone the axis and tooltips are labelled in; the system's local offset by default.
    void setUtcOffsetSeconds(int seconds);
    // A track whose latest state is older than this is drawn as "no data" after it; otherwise its current state
    // is drawn up to now. 90 s by default (a few missed polls).
    void setStaleAfterMs(std::int64_t ms);

    int selectedService() const { return m_selected; }
    void setSelectedService(int index); // -1 for none; scrolls it into view; does not emit serviceActivated

    // What the tooltip shows at a position of the viewport; empty off the bands.
    QString hoverText(QPoint viewportPos) const;

    // Paints the whole view (header, rows from the current scroll position) at `size`.
    void paintTimeline(QPainter &painter, QSize size) const;
    QImage renderToImage(QSize size) const;
    // Writes an SVG of the view at `size` (the viewport's size when empty); false when the file cannot be written.
    bool renderToSvg(const QString &file, QSize size = {}) const;

public Q_SLOTS:
    void followLive();
    // Call after appending to the store: repaints at most every 40 ms however often it is called.
    void historyChanged();

Q_SIGNALS:
    void serviceActivated(int index);
    void liveChanged(bool live);
    void visibleRangeChanged(qint64 start, qint64 end);

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    bool viewportEvent(QEvent *event) override;
    void scrollContentsBy(int dx, int dy) override;

private:
    TimelineLayout layoutFor(QSize size) const;
    TimeAxis axisFor(const TimelineLayout &layout) const;
    std::int64_t now() const { return m_clock ? m_clock() : 0; }
    void syncLive() const;
    void setLive(bool live);
    void zoomAt(double x, double factor);
    void panBy(double dx);
    void selectAndActivate(int index);
    void updateScrollBar();
    void rangeChanged();
    void showHistoryChange(); // new rows laid out, the view repainted

    std::int64_t lastRunUntil(const TrackHistory &track) const;
    QString formatTime(std::int64_t t) const;
    void paintHeader(QPainter &p, const TimelineLayout &layout, const TimeAxis &axis) const;
    static QStringList legendLabels();
    static int legendItemWidth(const QFontMetrics &fm, const QString &label);
    QString liveBadgeText() const;
    int liveBadgeWidth() const;
    struct RowStyle;
    void paintRow(QPainter &p, const TimelineLayout &layout, const TimeAxis &axis, const RowStyle &style,
                  int row) const;
    void paintFoldedBands(QPainter &p, const TimelineLayout &layout, const TimeAxis &axis, const RowStyle &style,
                          int row) const;
    // A folded row's stretches on one track, over the visible range.
    std::vector<FoldedRun> foldedRuns(int row, TrackKind kind, const TimeAxis &axis) const;
    QString foldedHoverText(int row, TrackKind kind, std::int64_t t, const TimeAxis &axis) const;

    // A row of the view: one history row, or a breaker over several instances (its group row, and when unfolded
    // one member row per instance after it).
    struct Row
    {
        QString name;             // "checkout/paymentGateway@10.0.0.7:8080", or "checkout/paymentGateway" for a group
        QString groupKey;         // the breaker's key for a group and its members; empty for a breaker on one instance
        std::vector<int> history; // history rows drawn: one, or the group's instances
        bool group = false;
        bool member = false; // an instance row under an unfolded group
    };
    void rebuildRows();
    int rowOfHistory(int historyRow) const; // the row showing it (its group's when folded), -1 if none
    bool rowSelected(int row) const;
    void toggleFold(int row);

    const FleetHistory *m_history = nullptr;
    Clock m_clock;
    QStringList m_names;
    QList<BreakerId> m_ids; // by history row; empty: every history row its own row
    QSet<QString> m_unfolded;
    QHash<BreakerId, int> m_rank; // setRowOrder's position of each breaker
    std::vector<Row> m_rows;
    int m_builtHistoryRows = 0; // the store's rows m_rows was built for
    mutable TimeAxis m_axis;
    bool m_live = true;
    int m_selected = -1;
    QPoint m_pressPos;
    bool m_dragging = false;
    bool m_pressed = false;
    double m_lastDragX = 0;
    QPoint m_hover{-1, -1};
    int m_utcOffsetSeconds = 0;
    std::int64_t m_staleAfterMs = 90'000;
    QTimer m_coalesce;             // single-shot, 40 ms: a change shown while paused
    QTimer m_liveTimer;            // 1 s repaint while live, so time moves even without new data
    bool m_historyPending = false; // live: a change waiting for the next tick
};

} // namespace bw
