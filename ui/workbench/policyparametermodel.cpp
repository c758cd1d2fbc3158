#include "workbench/policyparametermodel.h"

#include <QFont>

using namespace Qt::StringLiterals;

namespace bw {

PolicyParameterModel::PolicyParameterModel(const PresetCatalog *catalog, QObject *parent)
    : QAbstractTableModel(parent), m_catalog(catalog)
{}

void PolicyParameterModel::setPolicy(const QString &preset, const ParameterValues &values, bool readOnly)
{
    beginResetModel();
    m_preset = preset;
    m_presetSpec = m_catalog->find(preset);
    m_values = values;
    m_readOnly = readOnly;
    endResetModel();
}

const ParameterSpec *PolicyParameterModel::spec(int row) const
{
    if (!m_presetSpec || row < 0 || row >= rowCount())
        return nullptr;
    return &m_presetSpec->parameters[static_cast<std::size_t>(row)];
}

int PolicyParameterModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() || !m_presetSpec ? 0 : static_cast<int>(m_presetSpec->parameters.size());
}

int PolicyParameterModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant PolicyParameterModel::data(const QModelIndex &index, int role) const
{
    const ParameterSpec *s = spec(index.row());
    if (!s)
        return {};
    const QVariant value = m_values.value(s->name, s->defaultValue);
    const bool changed = value != s->defaultValue;
    if (role == Qt::DisplayRole || role == Qt::EditRole) {
        switch (index.column()) {
        case NameColumn:
            return s->name;
        case ValueColumn:
            return s->format(value);
        case UnitColumn:
            return s->unit;
        case DefaultColumn:
            return s->format(s->defaultValue);
        case HelpColumn:
            return s->help;
        default:
            return {};
        }
    }
    if (role == Qt::FontRole && index.column() == ValueColumn && changed) {
        QFont f;
        f.setBold(true);
        return f;
    }
    if (role == Qt::ToolTipRole) {
        QString range;
        if (s->type == ParameterType::Choice)
            range = tr("one of %1").arg(s->choices.join(u", "_s));
        else if (s->type != ParameterType::Boolean && s->type != ParameterType::IntegerList)
            range = tr("%1 %2 … %3").arg(s->minimumExclusive ? u">"_s : u"≥"_s).arg(s->minimum).arg(s->maximum);
        return u"<b>%1</b> (%2%3)<br>%4<br>%5 · %6"_s.arg(
            s->name, s->typeName(), s->unit.isEmpty() ? QString() : u", "_s + s->unit, s->help.toHtmlEscaped(),
            tr("default %1").arg(s->format(s->defaultValue)), range);
    }
    return {};
}

bool PolicyParameterModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    const ParameterSpec *s = spec(index.row());
    if (!s || role != Qt::EditRole || index.column() != ValueColumn || m_readOnly)
        return false;
    const QString text = value.toString().trimmed();
    Result<QVariant> parsed = s->parse(text);
    if (!parsed) {
        Q_EMIT rejected(tr("%1: %2").arg(s->name, parsed.error()));
        return false;
    }
    if (const Status ok = s->check(*parsed); !ok) {
        Q_EMIT rejected(tr("%1: %2").arg(s->name, ok.error()));
        return false;
    }
    ParameterValues next = m_values;
    next.insert(s->name, *parsed);
    // The whole policy must hold together too (e.g. a window smaller than its minimum of calls).
    if (const auto policy = m_catalog->build(m_preset, next); !policy) {
        Q_EMIT rejected(policy.error());
        return false;
    }
    m_values = std::move(next);
    Q_EMIT dataChanged(index, index);
    Q_EMIT valuesChanged(m_values);
    return true;
}

Qt::ItemFlags PolicyParameterModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    Qt::ItemFlags f = Qt::ItemIsEnabled | Qt::ItemIsSelectable;
    if (index.column() == ValueColumn && !m_readOnly)
        f |= Qt::ItemIsEditable;
    return f;
}

QVariant PolicyParameterModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn:
        return tr("Parameter");
    case ValueColumn:
        return tr("Value");
    case UnitColumn:
        return tr("Unit");
    case DefaultColumn:
        return tr("Default");
    case HelpColumn:
        return tr("Meaning");
    default:
        return {};
    }
}

} // namespace bw
