#pragma once

#include "workbench/sweepgrid.h"

#include <QWidget>

namespace bw {

// A sweep's grid coloured by one figure: better cells brighter (a viridis scale, readable with the common
// colour-vision deficiencies and in grey), each cell labelled with its value when it fits, Pareto-optimal cells
// outlined. Hover shows every figure of a point; a click (or Enter on the focused cell) emits pointActivated().
// Arrow keys move the focus cell. GUI thread only.
class SweepHeatMap final : public QWidget
{
    Q_OBJECT
public:
    explicit SweepHeatMap(QWidget *parent = nullptr);

    void setGrid(const SweepGrid *grid); // not owned; call again after it changes
    void setMetric(WhatIfColumn metric);
    WhatIfColumn metric() const { return m_metric; }
    int currentPoint() const { return m_current; }
    void setCurrentPoint(int index);

    // The point under a widget position, or -1.
    int pointAt(QPoint pos) const;
    QRect cellRect(int row, int column) const;
    // 0 (worst) .. 1 (best) for a value between the grid's extremes.
    static QColor scaleColour(double goodness);
    QSize sizeHint() const override;

Q_SIGNALS:
    void pointActivated(int index);

protected:
    void paintEvent(QPaintEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    bool event(QEvent *event) override;

private:
    QRect plotRect() const;
    const SweepGrid *m_grid = nullptr;
    WhatIfColumn m_metric = WhatIfColumn::FailedLetThrough;
    int m_current = -1;
};

} // namespace bw
