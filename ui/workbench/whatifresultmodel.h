#pragma once

#include "whatif/whatifcomparison.h"

#include <QAbstractTableModel>
#include <QColor>

namespace bw {

// The what-if summary: one row per policy (the live one first), one column per figure, each cell its value and its
// difference from the first row; the best value of each column is bold on a tinted background. GUI thread only.
class WhatIfResultModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    static constexpr int kPolicyColumn = 0; // then the whatIfColumns(), in order

    explicit WhatIfResultModel(QObject *parent = nullptr);

    // Row 0 is the reference the deltas are against.
    void setResults(std::vector<WhatIfResult> results, bool partial = false);
    const std::vector<WhatIfResult> &results() const { return m_results; }
    bool isBest(int row, int column) const;
    void setBestColour(const QColor &colour);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // Plain text of a cell (value and delta), for tests and copying.
    QString cellText(int row, int column) const;

private:
    std::vector<WhatIfResult> m_results;
    std::vector<std::vector<int>> m_best; // per figure column
    bool m_partial = false;
    QColor m_bestColour{0, 158, 115, 60};
};

} // namespace bw
