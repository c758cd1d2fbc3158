#pragma once

#include "fleet/breakerid.h"
#include "fleet/rollup.h"
#include "incidents/incident.h"

#include <QAbstractItemModel>
#include <QHash>
#include <QSet>
#include <QTimer>

#include <functional>
#include <memory>
#include <optional>
#include <vector>

class QSortFilterProxyModel;

namespace bw {

class ServiceTableModel;

// The overview as a tree: service -> breaker -> instance, each parent row showing the roll-up of what it holds
// ("2 of 3 instances open", the worst state, since when), most urgent first. A breaker on one instance is a leaf
// under its service, and a service with one breaker on one instance is a leaf itself: no row holds a single row.
// Correlated incidents (core's findIncidents) come first as their own parents, holding the breakers that opened
// together ("payments-gateway: 7 breakers in 4 services opened within 40 s") instead of seven unrelated rows;
// with a group label, services sit under one parent per label value.
//
// The rows come from a ServiceTableModel (by BreakerId: leaves hold an id, never a row number); an optional
// filter (a QSortFilterProxyModel over that model) says which of them are shown. Roll-ups count every member,
// shown or not. Leaves show the table's data; parents show core's RollUp. Structural changes (breakers found or
// gone, the filter, the grouping, incidents beginning or ending) rebuild the tree (a reset, coalesced); state
// changes re-sort it in place (layoutChanged, persistent indexes kept) at most every refreshIntervalMs.
class FleetTreeModel final : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum class NodeKind : std::uint8_t
    {
        Incident,
        Group,
        Service,
        Breaker, // a breaker over its instances
        Leaf     // one breaker of one instance: a row of the table
    };
    enum Role
    {
        NodeKindRole = Qt::UserRole + 200, // int(NodeKind)
        NodeKeyRole,                       // QString, stable across rebuilds: views keep expansion by it
        SeverityRole,                      // int(Severity): the leaf's or the roll-up's
        MemberCountRole,                   // int: leaves under a parent (1 for a leaf)
    };

    FleetTreeModel(ServiceTableModel *breakers, QSortFilterProxyModel *filter = nullptr, QObject *parent = nullptr);
    ~FleetTreeModel() override;

    // Services grouped under their value of this label; empty: no groups.
    void setGroupLabel(const QString &label);
    const QString &groupLabel() const { return m_groupLabel; }
    void setIncidentRule(const IncidentRule &rule);
    // "now", for "for 4 min" in the roll-ups; without one they say since when only.
    void setClock(std::function<std::int64_t()> clock) { m_clock = std::move(clock); }
    // How often state changes re-sort the tree and refresh the roll-ups (0: at the next event-loop turn).
    void setRefreshInterval(int ms) { m_refresh.setInterval(ms); }

    // The breaker a row stands for: a leaf's own; nullopt for parents.
    std::optional<BreakerId> breakerAt(const QModelIndex &index) const;
    // The row of a breaker (a leaf), invalid if it is not shown.
    QModelIndex indexOf(const BreakerId &id, int column = 0) const;
    // Every shown breaker once, in the order the tree shows them (incidents' first): the timeline's row order.
    QList<BreakerId> breakersInOrder() const;
    // The incidents found by the latest rebuild or refresh, most breakers first.
    const std::vector<Incident> &incidents() const { return m_incidents; }
    // Applies pending changes now instead of at the next event-loop turn (tests, and views that need the rows).
    void flush();

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    // Column -1 (the default): by severity, then by name. Incidents stay first.
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

Q_SIGNALS:
    // The incidents changed (one began, grew, shrank or ended).
    void incidentsChanged();

private:
    struct Node;
    void scheduleRebuild();
    void rebuild();
    void refresh();
    void computeRollUps(Node &node);
    void sortChildren(Node &node);
    bool lessThan(const Node &a, const Node &b) const;
    QVariant sortValue(const Node &node) const;
    QVariant parentData(const Node &node, int column, int role) const;
    QModelIndex indexOfNode(const Node *node, int column = 0) const;
    Node *nodeOf(const QModelIndex &index) const;
    int tableRowOf(const Node &leaf) const;
    bool shown(int tableRow) const;
    QList<QString> incidentKeys() const;

    ServiceTableModel *m_breakers;
    QSortFilterProxyModel *m_filter;
    QString m_groupLabel;
    IncidentRule m_incidentRule;
    std::function<std::int64_t()> m_clock;
    int m_sortColumn = -1;
    Qt::SortOrder m_sortOrder = Qt::AscendingOrder;

    std::unique_ptr<Node> m_root;
    QHash<BreakerId, Node *> m_leafById;
    std::vector<Incident> m_incidents;
    bool m_rebuildPending = false;
    QTimer m_refresh;                 // single shot: state changes since the last refresh
    QSet<const Node *> m_dirtyLeaves; // leaves whose row changed since the last refresh (cleared by a rebuild)
};

} // namespace bw
