#include "workbench/candidatelistmodel.h"

#include "breaker/presetcatalog.h"

#include <QFont>

using namespace Qt::StringLiterals;

namespace bw {

QList<QPair<QString, QString>> WorkbenchCandidate::parameterText(const PresetCatalog &catalog) const
{
    QList<QPair<QString, QString>> text;
    const Preset *p = catalog.find(preset);
    if (!p)
        return text;
    for (const ParameterSpec &spec : p->parameters)
        text.append({spec.name, spec.format(values.value(spec.name, spec.defaultValue))});
    return text;
}

CandidateListModel::CandidateListModel(const PresetCatalog *catalog, QObject *parent)
    : QAbstractListModel(parent), m_catalog(catalog)
{}

int CandidateListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_candidates.size());
}

QVariant CandidateListModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount())
        return {};
    const WorkbenchCandidate &c = at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return c.current ? tr("%1 (live)").arg(c.name) : c.name;
    case Qt::EditRole:
        return c.name;
    case Qt::CheckStateRole:
        return isChecked(index.row()) ? Qt::Checked : Qt::Unchecked;
    case Qt::FontRole:
        if (c.current) {
            QFont f;
            f.setBold(true);
            return f;
        }
        return {};
    case Qt::ToolTipRole: {
        QStringList changed;
        if (const Preset *p = m_catalog->find(c.preset)) {
            for (const ParameterSpec &spec : p->parameters) {
                const QVariant v = c.values.value(spec.name, spec.defaultValue);
                if (v != spec.defaultValue)
                    changed << u"%1 = %2"_s.arg(spec.name, spec.format(v));
            }
        }
        const QString what = c.current ? tr("The policy the live simulated breaker runs now") : tr("A candidate");
        return u"<b>%1</b><br>%2 · preset %3<br>%4"_s.arg(c.name.toHtmlEscaped(), what, c.preset,
                                                          changed.isEmpty() ? tr("preset defaults")
                                                                            : changed.join(u"<br>"_s));
    }
    default:
        return {};
    }
}

bool CandidateListModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (!index.isValid() || index.row() >= rowCount())
        return false;
    auto &c = m_candidates[static_cast<std::size_t>(index.row())];
    if (role == Qt::CheckStateRole) {
        m_checked[static_cast<std::size_t>(index.row())] = value.toInt() == Qt::Checked;
        Q_EMIT dataChanged(index, index, {Qt::CheckStateRole});
        return true;
    }
    if (role != Qt::EditRole || c.current)
        return false;
    const QString name = value.toString().trimmed();
    if (name.isEmpty() || name == c.name)
        return false;
    c.name = uniqueName(name);
    Q_EMIT dataChanged(index, index);
    Q_EMIT candidateChanged(index.row());
    return true;
}

Qt::ItemFlags CandidateListModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    Qt::ItemFlags f = Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsUserCheckable;
    if (!at(index.row()).current)
        f |= Qt::ItemIsEditable;
    return f;
}

QString CandidateListModel::uniqueName(const QString &wanted) const
{
    const auto taken = [this](const QString &name) {
        return std::any_of(m_candidates.begin(), m_candidates.end(),
                           [&name](const WorkbenchCandidate &c) { return c.name == name; });
    };
    if (!taken(wanted))
        return wanted;
    for (int i = 2;; ++i) {
        const QString name = u"%1 (%2)"_s.arg(wanted).arg(i);
        if (!taken(name))
            return name;
    }
}

void CandidateListModel::setCurrent(WorkbenchCandidate current)
{
    beginResetModel();
    current.current = true;
    m_candidates = {std::move(current)};
    m_checked = {true};
    endResetModel();
}

int CandidateListModel::add(WorkbenchCandidate candidate)
{
    candidate.current = false;
    candidate.name = uniqueName(candidate.name);
    const int row = rowCount();
    beginInsertRows({}, row, row);
    m_candidates.push_back(std::move(candidate));
    m_checked.push_back(true);
    endInsertRows();
    return row;
}

int CandidateListModel::duplicate(int row)
{
    if (row < 0 || row >= rowCount())
        return -1;
    WorkbenchCandidate copy = at(row);
    copy.name = copy.current ? tr("Candidate") : copy.name;
    return add(std::move(copy));
}

bool CandidateListModel::remove(int row)
{
    if (row < 0 || row >= rowCount() || at(row).current)
        return false;
    beginRemoveRows({}, row, row);
    m_candidates.erase(m_candidates.begin() + row);
    m_checked.erase(m_checked.begin() + row);
    endRemoveRows();
    return true;
}

void CandidateListModel::setValues(int row, const ParameterValues &values)
{
    if (row < 0 || row >= rowCount() || at(row).current)
        return;
    m_candidates[static_cast<std::size_t>(row)].values = values;
    Q_EMIT dataChanged(index(row), index(row), {Qt::ToolTipRole});
    Q_EMIT candidateChanged(row);
}

void CandidateListModel::setPreset(int row, const QString &preset)
{
    const Preset *p = m_catalog->find(preset);
    if (row < 0 || row >= rowCount() || at(row).current || !p)
        return;
    auto &c = m_candidates[static_cast<std::size_t>(row)];
    c.preset = preset;
    c.values = p->defaults();
    Q_EMIT dataChanged(index(row), index(row));
    Q_EMIT candidateChanged(row);
}

} // namespace bw
