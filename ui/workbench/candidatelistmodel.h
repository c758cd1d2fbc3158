#pragma once

#include "breaker/parameterspec.h"

#include <QAbstractListModel>
#include <QList>
#include <QPair>

#include <vector>

namespace bw {

class PresetCatalog;

// A policy on the workbench: the service's current (live) one, or a candidate the user named.
struct WorkbenchCandidate
{
    QString name;
    QString preset;
    ParameterValues values; // complete: every parameter of the preset
    bool current = false;   // the live policy: shown first, read-only, cannot be deleted

    // The parameters as text, by the library's names, in the preset's order (for Breakerwatch YAML, the audit log).
    QList<QPair<QString, QString>> parameterText(const PresetCatalog &catalog) const;
};

// The workbench's policies, current first. Names are editable (except the current policy's); duplicate names get a
// number. Checkable: the checked ones are replayed. GUI thread only.
class CandidateListModel final : public QAbstractListModel
{
    Q_OBJECT
public:
    explicit CandidateListModel(const PresetCatalog *catalog, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;

    const std::vector<WorkbenchCandidate> &candidates() const { return m_candidates; }
    const WorkbenchCandidate &at(int row) const { return m_candidates[static_cast<std::size_t>(row)]; }
    bool isChecked(int row) const { return m_checked[static_cast<std::size_t>(row)]; }

    // Replaces everything with the service's current policy (row 0).
    void setCurrent(WorkbenchCandidate current);
    // Appends (the name is made unique) and returns the new row.
    int add(WorkbenchCandidate candidate);
    int duplicate(int row);
    bool remove(int row);
    void setValues(int row, const ParameterValues &values);
    // Switches the candidate to another preset with its defaults.
    void setPreset(int row, const QString &preset);
    QString uniqueName(const QString &wanted) const;

Q_SIGNALS:
    void candidateChanged(int row);

private:
    const PresetCatalog *m_catalog;
    std::vector<WorkbenchCandidate> m_candidates;
    std::vector<bool> m_checked;
};

} // namespace bw
