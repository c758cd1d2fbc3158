#pragma once

#include "breaker/presetcatalog.h"

#include <QAbstractTableModel>

namespace bw {

// The parameters of one policy as an editable table: name (the library's), value, unit, default, meaning. A value
// is parsed and range-checked as it is entered; a refused one leaves the old value and says why (rejected()).
// Read-only for the live policy. GUI thread only.
class PolicyParameterModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        NameColumn,
        ValueColumn,
        UnitColumn,
        DefaultColumn,
        HelpColumn,
        ColumnCount
    };

    explicit PolicyParameterModel(const PresetCatalog *catalog, QObject *parent = nullptr);

    // An unknown preset shows nothing.
    void setPolicy(const QString &preset, const ParameterValues &values, bool readOnly);
    const QString &preset() const { return m_preset; }
    const ParameterValues &values() const { return m_values; }
    const ParameterSpec *spec(int row) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    void valuesChanged(const bw::ParameterValues &values);
    void rejected(const QString &reason);

private:
    const PresetCatalog *m_catalog;
    const Preset *m_presetSpec = nullptr;
    QString m_preset;
    ParameterValues m_values;
    bool m_readOnly = true;
};

} // namespace bw
