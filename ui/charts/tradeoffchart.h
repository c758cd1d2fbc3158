#pragma once

#include "workbench/sweepgrid.h"

#include <QPointF>
#include <QWidget>

class QChart;
class QChartView;
class QLineSeries;
class QScatterSeries;
class QValueAxis;

namespace bw {

// The sweep's trade-off: each grid point at (failed calls let through, good calls rejected), its marker sized by how
// often it opened; the Pareto-optimal points (nothing else is better on both) in their own colour joined by the
// front line; the live policy as a diamond for reference. Clicking a point emits pointActivated(index). Colours
// follow the palette. QtCharts stays behind this interface. GUI thread only.
class TradeoffChart final : public QWidget
{
    Q_OBJECT
public:
    explicit TradeoffChart(QWidget *parent = nullptr);
    ~TradeoffChart() override;

    // The grid is not owned; `reference` (the live policy's figures) is optional.
    void setGrid(const SweepGrid *grid, const WhatIfMetrics *reference = nullptr);
    // Chart coordinates of a point, and the point nearest a chart coordinate (within a few pixels), or -1.
    QPointF pointPosition(int index) const;
    int pointNear(QPointF value) const;
    int paretoCount() const;

Q_SIGNALS:
    void pointActivated(int index);

protected:
    void changeEvent(QEvent *event) override;

private:
    void restyle();
    void rebuild();

    const SweepGrid *m_grid = nullptr;
    std::optional<WhatIfMetrics> m_reference;
    QChart *m_chart;
    QChartView *m_view;
    // Marker size stands for the opens: three size classes each for the other and the Pareto-optimal points
    // (QtCharts 6.4 draws per-point sizes unreliably).
    static constexpr int kSizeClasses = 3;
    QScatterSeries *m_points[kSizeClasses];
    QScatterSeries *m_pareto[kSizeClasses];
    QLineSeries *m_front;
    QScatterSeries *m_live;
    QValueAxis *m_x;
    QValueAxis *m_y;
    int m_paretoCount = 0;
};

} // namespace bw
