#include "models/fleettreemodel.h"

#include "common/durations.h"
#include "models/servicetablemodel.h"

#include <QDateTime>
#include <QFont>
#include <QSet>
#include <QSortFilterProxyModel>

#include <algorithm>
#include <map>

using namespace Qt::StringLiterals;

namespace bw {

struct FleetTreeModel::Node
{
    NodeKind kind = NodeKind::Leaf;
    QString
        key; // stable: "incident:<key>", "group:<value>", "service:<name>", "breaker:<service/breaker>", a leaf's id
    QString name; // the Name column
    Node *parent = nullptr;
    std::vector<std::unique_ptr<Node>> children; // the shown ones, in display order
    int row = 0;                                 // in parent->children
    std::optional<BreakerId> id;                 // leaves
    std::vector<BreakerId> members;              // parents: every leaf under it, shown or not
    RollUp rollUp;                               // parents
    const Incident *incident = nullptr;          // incident parents

    static std::unique_ptr<Node> make(NodeKind kind, QString key, QString name)
    {
        auto node = std::make_unique<Node>();
        node->kind = kind;
        node->key = std::move(key);
        node->name = std::move(name);
        return node;
    }
    Node *add(std::unique_ptr<Node> child)
    {
        child->parent = this;
        child->row = static_cast<int>(children.size());
        children.push_back(std::move(child));
        return children.back().get();
    }
    Node *childByKey(const QString &childKey) const
    {
        for (const auto &child : children)
            if (child->key == childKey)
                return child.get();
        return nullptr;
    }
};

namespace {

int kindRank(FleetTreeModel::NodeKind kind)
{
    return kind == FleetTreeModel::NodeKind::Incident ? 0 : 1;
}

} // namespace

FleetTreeModel::FleetTreeModel(ServiceTableModel *breakers, QSortFilterProxyModel *filter, QObject *parent)
    : QAbstractItemModel(parent), m_breakers(breakers), m_filter(filter), m_root(std::make_unique<Node>())
{
    m_root->kind = NodeKind::Group;
    m_refresh.setSingleShot(true);
    m_refresh.setInterval(1000); // the fleet reports every second or two: once a second, as the other views tick
    connect(&m_refresh, &QTimer::timeout, this, &FleetTreeModel::refresh);

    // Breakers found or gone, or the filter showing other rows: a new tree.
    const auto followStructure = [this](QAbstractItemModel *model) {
        connect(model, &QAbstractItemModel::modelReset, this, &FleetTreeModel::scheduleRebuild);
        connect(model, &QAbstractItemModel::rowsInserted, this, &FleetTreeModel::scheduleRebuild);
        connect(model, &QAbstractItemModel::rowsRemoved, this, &FleetTreeModel::scheduleRebuild);
        connect(model, &QAbstractItemModel::layoutChanged, this, &FleetTreeModel::scheduleRebuild);
    };
    followStructure(m_breakers);
    if (m_filter)
        followStructure(m_filter);
    // A row's data changed: its leaf repaints now; roll-ups, order and incidents follow at the next refresh.
    connect(m_breakers, &QAbstractItemModel::dataChanged, this,
            [this](const QModelIndex &topLeft, const QModelIndex &bottomRight, const QList<int> &roles) {
                // Hundreds of breakers report every second: their rows repaint together at the next refresh, one
                // range per parent, not one signal (and one visualRect lookup in the view) each.
                Q_UNUSED(roles);
                if (!m_rebuildPending)
                    for (int row = topLeft.row(); row <= bottomRight.row(); ++row)
                        if (const Node *leaf = m_leafById.value(m_breakers->idAt(row)))
                            m_dirtyLeaves.insert(leaf);
                if (!m_refresh.isActive())
                    m_refresh.start();
            });
    rebuild();
}

FleetTreeModel::~FleetTreeModel() = default;

void FleetTreeModel::setGroupLabel(const QString &label)
{
    if (label == m_groupLabel)
        return;
    m_groupLabel = label;
    rebuild();
}

void FleetTreeModel::setIncidentRule(const IncidentRule &rule)
{
    m_incidentRule = rule;
    rebuild();
}

void FleetTreeModel::scheduleRebuild()
{
    if (m_rebuildPending)
        return;
    m_rebuildPending = true;
    QMetaObject::invokeMethod(
        this,
        [this] {
            if (m_rebuildPending)
                rebuild();
        },
        Qt::QueuedConnection);
}

void FleetTreeModel::flush()
{
    if (m_rebuildPending)
        rebuild();
    else if (m_refresh.isActive())
        refresh();
}

int FleetTreeModel::tableRowOf(const Node &leaf) const
{
    return leaf.id ? m_breakers->rowOf(*leaf.id) : -1;
}

bool FleetTreeModel::shown(int tableRow) const
{
    return !m_filter || m_filter->mapFromSource(m_breakers->index(tableRow, 0)).isValid();
}

QList<QString> FleetTreeModel::incidentKeys() const
{
    QList<QString> keys;
    for (const Incident &incident : m_incidents) {
        QString key = incident.key;
        for (const IncidentMember &member : incident.members)
            key += u' ' + member.id.key();
        keys << key;
    }
    return keys;
}

void FleetTreeModel::rebuild()
{
    m_refresh.stop();
    beginResetModel();
    m_rebuildPending = false;
    m_root = std::make_unique<Node>();
    m_root->kind = NodeKind::Group;
    m_leafById.clear();
    m_dirtyLeaves.clear();

    const int count = m_breakers->rowCount();
    std::vector<BreakerStatus> statuses;
    statuses.reserve(static_cast<std::size_t>(count));
    for (int row = 0; row < count; ++row)
        statuses.push_back(m_breakers->statusAt(row));
    m_incidents = findIncidents(statuses, m_incidentRule);
    QHash<BreakerId, int> incidentOf;
    for (std::size_t i = 0; i < m_incidents.size(); ++i)
        for (const IncidentMember &member : m_incidents[i].members)
            incidentOf.insert(member.id, static_cast<int>(i));

    // Every breaker under its parents, shown or not: the roll-ups count them all.
    for (std::size_t i = 0; i < m_incidents.size(); ++i) {
        Node *node = m_root->add(
            Node::make(NodeKind::Incident, u"incident:"_s + m_incidents[i].key, u"⚠ "_s + m_incidents[i].title()));
        node->incident = &m_incidents[i];
    }
    const QString noLabel = tr("(no %1)").arg(m_groupLabel);
    for (int row = 0; row < count; ++row) {
        const BreakerId &id = statuses[static_cast<std::size_t>(row)].id;
        Node *parent = m_root.get();
        std::vector<Node *> ancestors;
        // Inside an incident too, its breakers sit under their service and breaker (keys prefixed by the incident's,
        // so they never collide with the same service's rows outside it).
        QString prefix;
        if (const auto incident = incidentOf.constFind(id); incident != incidentOf.cend()) {
            parent = m_root->children[static_cast<std::size_t>(*incident)].get();
            prefix = parent->key + u'|';
            ancestors.push_back(parent);
        } else if (!m_groupLabel.isEmpty()) {
            const QVariantMap labels = m_breakers->index(row, 0).data(ServiceTableModel::LabelsRole).toMap();
            const QString value = labels.contains(m_groupLabel) ? labels.value(m_groupLabel).toString() : noLabel;
            const QString key = u"group:"_s + value;
            Node *group = parent->childByKey(key);
            if (!group)
                group = parent->add(Node::make(NodeKind::Group, key, u"%1 = %2"_s.arg(m_groupLabel, value)));
            ancestors.push_back(parent = group);
        }
        const QString serviceKey = prefix + u"service:"_s + id.service;
        Node *service = parent->childByKey(serviceKey);
        if (!service)
            service = parent->add(Node::make(NodeKind::Service, serviceKey, id.service));
        ancestors.push_back(parent = service);
        const QString breakerKey = prefix + u"breaker:"_s + id.service + u'/' + id.breaker;
        Node *breaker = parent->childByKey(breakerKey);
        if (!breaker)
            breaker = parent->add(Node::make(NodeKind::Breaker, breakerKey, id.breakerLabel()));
        ancestors.push_back(parent = breaker);
        for (Node *ancestor : ancestors)
            ancestor->members.push_back(id);
        auto leaf = Node::make(NodeKind::Leaf, id.key(), {});
        leaf->id = id;
        parent->add(std::move(leaf));
    }

    // No row holds a single row: a breaker on one instance is its leaf, a service with one leaf is that leaf.
    // Then only the shown leaves stay, and the parents that still hold one.
    const std::function<void(Node &)> shape = [&](Node &node) {
        for (auto &child : node.children)
            shape(*child);
        for (auto &child : node.children) {
            // In an incident, a service with one breaker (on several instances) is that breaker: the incident
            // lists breakers, "checkout/paymentGateway", not services holding one row each.
            if (node.kind == NodeKind::Incident && child->kind == NodeKind::Service && child->children.size() == 1 &&
                child->children.front()->kind == NodeKind::Breaker) {
                std::unique_ptr<Node> breaker = std::move(child->children.front());
                breaker->name = breaker->members.front().isHealth() ? child->name : child->name + u'/' + breaker->name;
                child = std::move(breaker);
            }
            const bool collapses = (child->kind == NodeKind::Breaker || child->kind == NodeKind::Service) &&
                                   child->members.size() == 1 && !child->children.empty();
            if (!collapses)
                continue;
            std::unique_ptr<Node> only = std::move(child->children.front());
            // The leaf found while collapsing is the one member; find it below collapsed levels.
            while (only->kind != NodeKind::Leaf)
                only = std::move(only->children.front());
            child = std::move(only);
        }
        std::erase_if(node.children, [&](const std::unique_ptr<Node> &child) {
            return child->kind == NodeKind::Leaf ? !shown(m_breakers->rowOf(*child->id)) : child->children.empty();
        });
        for (std::size_t i = 0; i < node.children.size(); ++i) {
            node.children[i]->parent = &node;
            node.children[i]->row = static_cast<int>(i);
        }
    };
    shape(*m_root);

    // A leaf is named by what its parent does not already say.
    const std::function<void(Node &)> name = [&](Node &node) {
        for (auto &child : node.children) {
            if (child->kind != NodeKind::Leaf) {
                name(*child);
                continue;
            }
            m_leafById.insert(*child->id, child.get());
            const BreakerId &id = *child->id;
            switch (node.kind) {
            case NodeKind::Breaker:
                child->name = id.instance;
                break;
            case NodeKind::Service:
                child->name = id.breakerLabel();
                break;
            default:
                child->name = id.isHealth() ? id.service : id.service + u'/' + id.breaker;
                break;
            }
        }
    };
    name(*m_root);
    computeRollUps(*m_root);
    sortChildren(*m_root);
    endResetModel();
    Q_EMIT incidentsChanged();
}

void FleetTreeModel::computeRollUps(Node &node)
{
    for (auto &child : node.children)
        if (child->kind != NodeKind::Leaf)
            computeRollUps(*child);
    RollUp rollUp;
    for (const BreakerId &id : node.members)
        if (const int row = m_breakers->rowOf(id); row >= 0)
            rollUp.add(m_breakers->statusAt(row));
    node.rollUp = rollUp;
}

void FleetTreeModel::refresh()
{
    if (m_rebuildPending)
        return;
    std::vector<IncidentMember> opened; // only the open ones: no copy of every status each refresh
    for (int row = 0; row < m_breakers->rowCount(); ++row)
        if (std::optional<IncidentMember> member = incidentMemberOf(m_breakers->statusAt(row)))
            opened.push_back(std::move(*member));
    const QList<QString> before = incidentKeys();
    std::vector<Incident> incidents = findIncidents(std::move(opened), m_incidentRule);
    std::swap(incidents, m_incidents);
    const bool incidentsChanged = incidentKeys() != before;
    std::swap(incidents, m_incidents);
    if (incidentsChanged)
        return rebuild(); // rows move between incidents and their services: a new tree

    // Roll-ups: repaint the parents whose figures changed.
    std::vector<const Node *> changed;
    const std::function<void(Node &)> roll = [&](Node &node) {
        for (auto &child : node.children) {
            if (child->kind == NodeKind::Leaf)
                continue;
            const RollUp before = child->rollUp;
            roll(*child);
            if (!(child->rollUp == before))
                changed.push_back(child.get());
        }
        if (&node == m_root.get())
            return;
        RollUp rollUp;
        for (const BreakerId &id : node.members)
            if (const int row = m_breakers->rowOf(id); row >= 0)
                rollUp.add(m_breakers->statusAt(row));
        node.rollUp = rollUp;
    };
    roll(*m_root);

    // Order: re-sort in place only when a row is out of place, keeping selections and expansion.
    bool sorted = true;
    const std::function<void(const Node &)> check = [&](const Node &node) {
        if (!std::is_sorted(node.children.begin(), node.children.end(),
                            [this](const auto &a, const auto &b) { return lessThan(*a, *b); }))
            sorted = false;
        for (const auto &child : node.children)
            if (sorted && child->kind != NodeKind::Leaf)
                check(*child);
    };
    check(*m_root);
    if (!sorted) {
        Q_EMIT layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
        const QModelIndexList persistent = persistentIndexList();
        std::vector<std::pair<Node *, int>> nodes;
        nodes.reserve(static_cast<std::size_t>(persistent.size()));
        for (const QModelIndex &index : persistent)
            nodes.emplace_back(nodeOf(index), index.column());
        sortChildren(*m_root);
        QModelIndexList moved;
        moved.reserve(persistent.size());
        for (const auto &[node, column] : nodes)
            moved << indexOfNode(node, column);
        changePersistentIndexList(persistent, moved);
        Q_EMIT layoutChanged({}, QAbstractItemModel::VerticalSortHint);
    }
    for (const Node *node : changed)
        Q_EMIT dataChanged(indexOfNode(node, 0), indexOfNode(node, ServiceTableModel::ColumnCount - 1));
    // The leaves that changed since the last refresh: one range per parent (rows read after the sort).
    std::map<const Node *, std::pair<int, int>> ranges;
    for (const Node *leaf : std::as_const(m_dirtyLeaves)) {
        auto [it, inserted] = ranges.try_emplace(leaf->parent, leaf->row, leaf->row);
        if (!inserted)
            it->second = {std::min(it->second.first, leaf->row), std::max(it->second.second, leaf->row)};
    }
    m_dirtyLeaves.clear();
    for (const auto &[parent, rows] : ranges) {
        const QModelIndex parentIndex = parent == m_root.get() ? QModelIndex() : indexOfNode(parent);
        Q_EMIT dataChanged(index(rows.first, 0, parentIndex),
                           index(rows.second, ServiceTableModel::ColumnCount - 1, parentIndex));
    }
}

bool FleetTreeModel::lessThan(const Node &a, const Node &b) const
{
    if (kindRank(a.kind) != kindRank(b.kind))
        return kindRank(a.kind) < kindRank(b.kind);
    if (m_sortColumn >= 0 && m_sortColumn != ServiceTableModel::NameColumn) {
        const QVariant left = sortValue(a), right = sortValue(b);
        const QPartialOrdering order = QVariant::compare(left, right);
        if (order == QPartialOrdering::Less || order == QPartialOrdering::Greater)
            return (order == QPartialOrdering::Less) == (m_sortOrder == Qt::AscendingOrder);
    }
    if (m_sortColumn < 0) {
        const auto severity = [this](const Node &node) { return data(indexOfNode(&node), SeverityRole).toInt(); };
        const int left = severity(a), right = severity(b);
        if (left != right)
            return left < right;
    }
    const int byName = a.name.compare(b.name, Qt::CaseInsensitive);
    if (byName != 0)
        return (byName < 0) == (m_sortColumn < 0 || m_sortOrder == Qt::AscendingOrder);
    return a.key < b.key;
}

QVariant FleetTreeModel::sortValue(const Node &node) const
{
    if (node.kind == NodeKind::Leaf) {
        if (m_sortColumn == ServiceTableModel::StateColumn)
            return data(indexOfNode(&node), SeverityRole);
        const int row = tableRowOf(node);
        return row < 0 ? QVariant() : m_breakers->index(row, m_sortColumn).data(ServiceTableModel::SortRole);
    }
    switch (m_sortColumn) {
    case ServiceTableModel::StateColumn:
        return static_cast<int>(node.rollUp.severity);
    case ServiceTableModel::TrafficColumn:
        return node.rollUp.requestsPerSecond;
    case ServiceTableModel::OpensColumn:
        return node.rollUp.opensInWindow;
    default:
        return {};
    }
}

QList<BreakerId> FleetTreeModel::breakersInOrder() const
{
    QList<BreakerId> order;
    QSet<BreakerId> seen;
    const std::function<void(const Node &)> walk = [&](const Node &node) {
        if (node.id && !seen.contains(*node.id)) {
            seen.insert(*node.id);
            order << *node.id;
        }
        for (const auto &child : node.children)
            walk(*child);
    };
    if (m_root)
        walk(*m_root);
    return order;
}

void FleetTreeModel::sortChildren(Node &node)
{
    std::stable_sort(node.children.begin(), node.children.end(),
                     [this](const auto &a, const auto &b) { return lessThan(*a, *b); });
    for (std::size_t i = 0; i < node.children.size(); ++i) {
        node.children[i]->row = static_cast<int>(i);
        if (node.children[i]->kind != NodeKind::Leaf)
            sortChildren(*node.children[i]);
    }
}

void FleetTreeModel::sort(int column, Qt::SortOrder order)
{
    m_sortColumn = column;
    m_sortOrder = order;
    Q_EMIT layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
    const QModelIndexList persistent = persistentIndexList();
    std::vector<std::pair<Node *, int>> nodes;
    for (const QModelIndex &index : persistent)
        nodes.emplace_back(nodeOf(index), index.column());
    sortChildren(*m_root);
    QModelIndexList moved;
    for (const auto &[node, column] : nodes)
        moved << indexOfNode(node, column);
    changePersistentIndexList(persistent, moved);
    Q_EMIT layoutChanged({}, QAbstractItemModel::VerticalSortHint);
}

FleetTreeModel::Node *FleetTreeModel::nodeOf(const QModelIndex &index) const
{
    return index.isValid() ? static_cast<Node *>(index.internalPointer()) : m_root.get();
}

QModelIndex FleetTreeModel::indexOfNode(const Node *node, int column) const
{
    if (!node || node == m_root.get())
        return {};
    return createIndex(node->row, column, const_cast<Node *>(node));
}

std::optional<BreakerId> FleetTreeModel::breakerAt(const QModelIndex &index) const
{
    if (!index.isValid())
        return std::nullopt;
    return nodeOf(index)->id;
}

QModelIndex FleetTreeModel::indexOf(const BreakerId &id, int column) const
{
    return indexOfNode(m_leafById.value(id), column);
}

QModelIndex FleetTreeModel::index(int row, int column, const QModelIndex &parent) const
{
    const Node *node = nodeOf(parent);
    if (row < 0 || column < 0 || column >= ServiceTableModel::ColumnCount ||
        row >= static_cast<int>(node->children.size()))
        return {};
    return createIndex(row, column, node->children[static_cast<std::size_t>(row)].get());
}

QModelIndex FleetTreeModel::parent(const QModelIndex &child) const
{
    if (!child.isValid())
        return {};
    return indexOfNode(nodeOf(child)->parent);
}

int FleetTreeModel::rowCount(const QModelIndex &parent) const
{
    if (parent.isValid() && parent.column() != 0)
        return 0;
    return static_cast<int>(nodeOf(parent)->children.size());
}

int FleetTreeModel::columnCount(const QModelIndex &) const
{
    return ServiceTableModel::ColumnCount;
}

Qt::ItemFlags FleetTreeModel::flags(const QModelIndex &index) const
{
    return index.isValid() ? Qt::ItemIsEnabled | Qt::ItemIsSelectable : Qt::NoItemFlags;
}

QVariant FleetTreeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    return m_breakers->headerData(section, orientation, role);
}

QVariant FleetTreeModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const Node &node = *nodeOf(index);
    switch (role) {
    case NodeKindRole:
        return static_cast<int>(node.kind);
    case NodeKeyRole:
        return node.key;
    case MemberCountRole:
        return node.kind == NodeKind::Leaf ? 1 : static_cast<int>(node.members.size());
    default:
        break;
    }
    if (node.kind != NodeKind::Leaf)
        return parentData(node, index.column(), role);
    const int row = tableRowOf(node);
    if (row < 0)
        return {}; // gone; the pending rebuild drops it
    if (role == SeverityRole)
        return static_cast<int>(severityOf(m_breakers->statusAt(row)));
    if (index.column() == ServiceTableModel::NameColumn && role == Qt::DisplayRole)
        return node.name;
    // Under its breaker, the leaf's name is its instance: not written twice.
    if (index.column() == ServiceTableModel::InstanceColumn && role == Qt::DisplayRole && node.parent &&
        node.parent->kind == NodeKind::Breaker)
        return QString();
    return m_breakers->index(row, index.column()).data(role);
}

QVariant FleetTreeModel::parentData(const Node &node, int column, int role) const
{
    const RollUp &up = node.rollUp;
    if (role == SeverityRole)
        return static_cast<int>(up.severity);
    if (role == ServiceTableModel::NotClosedRole)
        return up.notClosed > 0;
    if (role == ServiceTableModel::FlappingRole)
        return up.flapping > 0;
    if (role == ServiceTableModel::StateRole)
        return static_cast<int>(up.worst);
    if (role == ServiceTableModel::SortRole)
        return sortValue(node);
    if (role == Qt::FontRole && (column == ServiceTableModel::NameColumn || node.kind == NodeKind::Incident)) {
        QFont bold;
        bold.setBold(node.kind != NodeKind::Breaker);
        return bold;
    }
    if (role == Qt::ForegroundRole && column == ServiceTableModel::StateColumn && up.members > 0)
        return ServiceTableModel::stateColour(up.worst);
    if (role == Qt::ForegroundRole && column == ServiceTableModel::OpensColumn && up.flapping > 0)
        return ServiceTableModel::stateColour(BreakerState::Open);
    if (role == Qt::ForegroundRole && node.kind == NodeKind::Incident && column == ServiceTableModel::NameColumn)
        return ServiceTableModel::stateColour(BreakerState::Open);
    if (role == Qt::TextAlignmentRole &&
        (column == ServiceTableModel::TrafficColumn || column == ServiceTableModel::OpensColumn))
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    // Only the reason column and the tooltip say since when: the local time is costly to work out, and a view asks
    // every role of every visible cell on each repaint.
    const bool saysSince =
        role == Qt::ToolTipRole || (role == Qt::DisplayRole && column == ServiceTableModel::ReasonColumn);
    if (!saysSince && role != Qt::DisplayRole)
        return {};
    const QString since = [&] {
        if (!saysSince || !up.notClosedSinceMs)
            return QString();
        const QString at = QDateTime::fromMSecsSinceEpoch(*up.notClosedSinceMs).toString(u"HH:mm:ss"_s);
        return m_clock ? tr("not closed since %1, for %2")
                             .arg(at, formatDurationMs(std::max<std::int64_t>(0, m_clock() - *up.notClosedSinceMs)))
                       : tr("not closed since %1").arg(at);
    }();
    if (role == Qt::ToolTipRole) {
        if (node.kind == NodeKind::Incident && node.incident) {
            QStringList lines{node.incident->title(),
                              tr("They guard the same downstream and opened close together: look at %1 first.")
                                  .arg(node.incident->downstream.display)};
            for (const IncidentMember &member : node.incident->members)
                lines << u"  %1  (opened %2)"_s.arg(
                    member.id.key(), QDateTime::fromMSecsSinceEpoch(member.openedAtMs).toString(u"HH:mm:ss"_s));
            return lines.join(u'\n');
        }
        const QString noun = node.kind == NodeKind::Breaker ? tr("instances") : tr("breakers");
        return since.isEmpty() ? up.describe(noun) : up.describe(noun) + u"\n"_s + since;
    }
    switch (column) { // the display role
    case ServiceTableModel::NameColumn:
        return node.name;
    case ServiceTableModel::InstanceColumn:
        if (node.kind == NodeKind::Incident && node.incident)
            return node.incident->services == 1 ? tr("1 service") : tr("%1 services").arg(node.incident->services);
        return up.describe(node.kind == NodeKind::Breaker ? tr("instances") : tr("breakers"));
    case ServiceTableModel::StateColumn:
        return up.members > 0 ? stateName(up.worst).toUpper() : QString();
    case ServiceTableModel::TrafficColumn:
        return up.requestsPerSecond < 0
                   ? QString()
                   : tr("%1 req/s").arg(up.requestsPerSecond, 0, 'f', up.requestsPerSecond < 10 ? 1 : 0);
    case ServiceTableModel::OutcomeColumn:
        return up.failing > 0 ? tr("%1 failing").arg(up.failing) : QString();
    case ServiceTableModel::OpensColumn:
        return up.flapping > 0 ? tr("⚑ %1 flapping").arg(up.flapping) : QString::number(up.opensInWindow);
    case ServiceTableModel::ReasonColumn:
        return since;
    default:
        return {};
    }
}

} // namespace bw
