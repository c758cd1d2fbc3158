#pragma once

#include "whatif/whatifcomparison.h"

#include <QStringList>

#include <vector>

namespace bw {

// A finished sweep as the views draw it: the first axis' values down (rows), the second's across (columns; one
// column when only one parameter was swept). Cell (row, column) is point row * columns + column, the order
// expandSweep() makes.
struct SweepGrid
{
    QString rowParameter;
    QStringList rowValues;
    QString columnParameter; // empty: a one-parameter sweep
    QStringList columnValues;
    std::vector<WhatIfResult> points;
    std::vector<bool> paretoOptimal; // minimising failed let through and good rejected

    int rows() const { return static_cast<int>(rowValues.size()); }
    int columns() const { return columnParameter.isEmpty() ? 1 : static_cast<int>(columnValues.size()); }
    int index(int row, int column) const { return row * columns() + column; }
    bool empty() const { return points.empty(); }
    // "failureRateThreshold=40, waitDurationInOpenState=20000"
    QString pointLabel(int index) const;
};

} // namespace bw
