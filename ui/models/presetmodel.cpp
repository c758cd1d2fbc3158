#include "models/presetmodel.h"

using namespace Qt::StringLiterals;

namespace bw {

PresetModel::PresetModel(PresetCatalog catalog, QObject *parent)
    : QAbstractTableModel(parent), m_catalog(std::move(catalog))
{
    for (const Preset &preset : m_catalog.presets()) {
        for (const ParameterSpec &spec : preset.parameters)
            m_rows.push_back({&preset, &spec});
    }
}

int PresetModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int PresetModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant PresetModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows[static_cast<std::size_t>(index.row())];
    if (role == Qt::ToolTipRole)
        return u"%1 (%2): %3"_s.arg(row.spec->name, row.preset->library, row.spec->help);
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case PresetColumn:
        return row.preset->name;
    case ParameterColumn:
        return row.spec->name;
    case DefaultColumn:
        return row.spec->format(row.spec->defaultValue);
    case UnitColumn:
        return row.spec->unit;
    case HelpColumn:
        return row.spec->help;
    default:
        return {};
    }
}

QVariant PresetModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case PresetColumn:
        return tr("Preset");
    case ParameterColumn:
        return tr("Parameter");
    case DefaultColumn:
        return tr("Default");
    case UnitColumn:
        return tr("Unit");
    case HelpColumn:
        return tr("Meaning");
    default:
        return {};
    }
}

} // namespace bw
