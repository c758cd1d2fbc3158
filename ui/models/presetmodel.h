#pragma once

#include "breaker/presetcatalog.h"

#include <QAbstractTableModel>

namespace bw {

// The parameters of every built-in preset as a flat table (preset, parameter, default, unit, meaning).
// Read-only; the catalog is copied in, so the model owns everything it shows.
class PresetModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        PresetColumn,
        ParameterColumn,
        DefaultColumn,
        UnitColumn,
        HelpColumn,
        ColumnCount
    };

    explicit PresetModel(PresetCatalog catalog, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Row
    {
        const Preset *preset;
        const ParameterSpec *spec;
    };
    PresetCatalog m_catalog;
    std::vector<Row> m_rows;
};

} // namespace bw
