#pragma once

#include "fleet/breakerid.h"

#include <QSet>
#include <QTreeView>

#include <optional>

namespace bw {

class FleetTreeModel;

// The overview's tree (FleetTreeModel): keeps what the operator unfolded and the current breaker across the
// model's rebuilds (breakers found or gone, a filter, an incident beginning), by the nodes' stable keys; unfolds
// incidents when they appear, so the breakers that opened together are in sight.
class FleetTreeView final : public QTreeView
{
    Q_OBJECT
public:
    explicit FleetTreeView(FleetTreeModel *model, QWidget *parent = nullptr);

    FleetTreeModel *fleetModel() const { return m_model; }
    // The breaker the current row stands for: a leaf's own, or for a parent its most urgent leaf (the first).
    std::optional<BreakerId> currentBreaker() const;
    // Makes the breaker's row current (unfolding its parents), unless the current row already stands for it.
    void showBreaker(const std::optional<BreakerId> &id);

Q_SIGNALS:
    void currentBreakerChanged(const std::optional<bw::BreakerId> &id);

private:
    void remember();
    void restore();
    QModelIndex firstLeaf(QModelIndex index) const;

    FleetTreeModel *m_model;
    QSet<QString> m_expanded;
    QSet<QString> m_seenIncidents;
    std::optional<BreakerId> m_current;
    QString m_currentKey;
};

} // namespace bw
