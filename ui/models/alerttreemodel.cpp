#include "models/alerttreemodel.h"

#include "alerts/alertcenter.h"
#include "alerts/alertmanagerpayload.h"
#include "common/durations.h"
#include "fleet/breakerid.h"
#include "timeline/statepalette.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QFont>
#include <QGuiApplication>
#include <QPalette>

using namespace Qt::StringLiterals;

namespace bw {

namespace {

constexpr quintptr kGroupRow = 0; // internalId of a group row; an alert row holds its group's row + 1

QString clock(std::int64_t ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms).toString(u"HH:mm:ss"_s);
}

QString when(std::int64_t ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms).toString(u"yyyy-MM-dd HH:mm"_s);
}

// Firing is drawn in the palette's "open" hue, as the breakers that fire are.
QColor firingColour()
{
    return StatePalette::fill(BreakerState::Open);
}

QString describeSilence(const Silence &s)
{
    const QString where = s.origin == SilenceOrigin::Alertmanager
                              ? QCoreApplication::translate("AlertTreeModel", "Silenced in Alertmanager")
                              : QCoreApplication::translate("AlertTreeModel", "Silenced here (local silence)");
    return QCoreApplication::translate("AlertTreeModel", "%1 until %2 by %3: %4\nMatchers: %5")
        .arg(where, when(s.endsAtMs), s.createdBy.isEmpty() ? u"?"_s : s.createdBy, s.comment, s.describeMatchers());
}

} // namespace

AlertTreeModel::AlertTreeModel(AlertCenter *center, AlertDesk *desk, std::function<std::int64_t()> now, QObject *parent)
    : QAbstractItemModel(parent), m_center(center), m_desk(desk), m_now(std::move(now))
{
    connect(center, &AlertCenter::alertsChanged, this, &AlertTreeModel::reload);
    if (desk)
        connect(desk, &AlertDesk::changed, this, &AlertTreeModel::reload);
    reload();
}

AlertTreeModel::AlertTreeModel(std::function<std::int64_t()> now, QObject *parent)
    : QAbstractItemModel(parent), m_now(std::move(now))
{}

void AlertTreeModel::reload()
{
    if (!m_center)
        return;
    if (m_desk) {
        AlertDesk *desk = m_desk;
        const auto now = m_now;
        setAlerts(
            m_center->alerts(), [desk, now](const Alert &a) { return desk->marks(a, now()); }, desk->incidentLookup());
    } else {
        setAlerts(m_center->alerts());
    }
}

QList<AlertDesk::Marks> AlertTreeModel::marksFor(const QList<Alert> &alerts) const
{
    QList<AlertDesk::Marks> out;
    out.reserve(alerts.size());
    for (const Alert &a : alerts)
        out << (m_marksOf ? m_marksOf(a) : AlertDesk::Marks{});
    return out;
}

void AlertTreeModel::setAlerts(const QList<Alert> &alerts, const MarksOf &marksOf, const IncidentLookup &incidentOf)
{
    beginResetModel();
    m_alerts = alerts;
    m_marksOf = marksOf;
    m_incidentOf = incidentOf;
    m_marks = marksFor(m_alerts);
    m_groups = groupAlerts(
        m_alerts,
        [this](const Alert &a) {
            const auto i = static_cast<qsizetype>(&a - m_alerts.constData());
            return AlertMarks{m_marks[i].acknowledged(), m_marks[i].silenced()};
        },
        m_incidentOf);
    // In a group: needs someone, then handled, then resolved; newest first in each.
    for (AlertGroup &group : m_groups) {
        const auto rank = [this](int i) {
            const Alert &a = m_alerts[i];
            if (!a.active())
                return 2;
            return m_marks[i].acknowledged() || m_marks[i].silenced() ? 1 : 0;
        };
        std::stable_sort(group.members.begin(), group.members.end(), [&](int a, int b) {
            if (rank(a) != rank(b))
                return rank(a) < rank(b);
            return m_alerts[a].firedAtMs > m_alerts[b].firedAtMs;
        });
    }
    endResetModel();
}

void AlertTreeModel::tick()
{
    if (!m_marksOf) {
        for (int g = 0; g < m_groups.size(); ++g) {
            const QModelIndex parent = index(g, 0);
            const int last = rowCount(parent) - 1;
            if (last >= 0)
                Q_EMIT dataChanged(index(0, DurationColumn, parent), index(last, DurationColumn, parent),
                                   {Qt::DisplayRole});
        }
        return;
    }
    const QList<AlertDesk::Marks> now = marksFor(m_alerts);
    bool same = now.size() == m_marks.size();
    for (qsizetype i = 0; same && i < now.size(); ++i)
        same = now[i].acknowledged() == m_marks[i].acknowledged() &&
               now[i].silencedBy.size() == m_marks[i].silencedBy.size();
    if (!same) {
        setAlerts(QList<Alert>(m_alerts), m_marksOf, m_incidentOf);
        return;
    }
    const MarksOf keep = m_marksOf;
    m_marksOf = {};
    tick(); // durations only
    m_marksOf = keep;
}

const Alert *AlertTreeModel::alertAt(const QModelIndex &index) const
{
    if (!index.isValid() || index.internalId() == kGroupRow)
        return nullptr;
    const AlertGroup &group = m_groups[static_cast<qsizetype>(index.internalId() - 1)];
    return &m_alerts[group.members[index.row()]];
}

const AlertDesk::Marks *AlertTreeModel::marksAt(const QModelIndex &index) const
{
    if (!index.isValid() || index.internalId() == kGroupRow)
        return nullptr;
    const AlertGroup &group = m_groups[static_cast<qsizetype>(index.internalId() - 1)];
    return &m_marks[group.members[index.row()]];
}

const AlertGroup *AlertTreeModel::groupAt(const QModelIndex &index) const
{
    if (!index.isValid())
        return nullptr;
    const auto row = index.internalId() == kGroupRow ? index.row() : static_cast<int>(index.internalId() - 1);
    return &m_groups[row];
}

QList<Alert> AlertTreeModel::alertsAt(const QModelIndex &index) const
{
    if (const Alert *a = alertAt(index))
        return {*a};
    QList<Alert> out;
    if (const AlertGroup *group = groupAt(index))
        for (int i : group->members)
            out << m_alerts[i];
    return out;
}

QModelIndex AlertTreeModel::indexOfGroup(const QString &groupKey) const
{
    for (int g = 0; g < m_groups.size(); ++g)
        if (m_groups[g].key == groupKey)
            return index(g, 0);
    return {};
}

namespace {
QString alertRowKey(const Alert &a)
{
    return u"alert:%1|%2|%3|%4"_s.arg(a.service)
        .arg(static_cast<int>(a.source))
        .arg(static_cast<int>(a.kind))
        .arg(a.firedAtMs);
}
} // namespace

QModelIndex AlertTreeModel::indexOfRowKey(const QString &rowKey) const
{
    for (int g = 0; g < m_groups.size(); ++g) {
        if (m_groups[g].key == rowKey)
            return index(g, 0);
        if (!rowKey.startsWith(u"alert:"_s))
            continue;
        const QList<int> &members = m_groups[g].members;
        for (int r = 0; r < members.size(); ++r)
            if (alertRowKey(m_alerts[members[r]]) == rowKey)
                return index(r, 0, index(g, 0));
    }
    return {};
}

AlertTreeModel::Totals AlertTreeModel::totals() const
{
    Totals t;
    t.groups = static_cast<int>(m_groups.size());
    for (const AlertGroup &g : m_groups) {
        t.firing += g.firing;
        t.acknowledged += g.acknowledged;
        t.silenced += g.silenced;
        t.groupsFiring += g.firing > 0 ? 1 : 0;
    }
    return t;
}

QModelIndex AlertTreeModel::index(int row, int column, const QModelIndex &parent) const
{
    if (row < 0 || column < 0 || column >= ColumnCount)
        return {};
    if (!parent.isValid())
        return row < m_groups.size() ? createIndex(row, column, kGroupRow) : QModelIndex();
    if (parent.internalId() != kGroupRow || parent.row() >= m_groups.size())
        return {};
    if (row >= m_groups[parent.row()].members.size())
        return {};
    return createIndex(row, column, static_cast<quintptr>(parent.row()) + 1);
}

QModelIndex AlertTreeModel::parent(const QModelIndex &child) const
{
    if (!child.isValid() || child.internalId() == kGroupRow)
        return {};
    return createIndex(static_cast<int>(child.internalId() - 1), 0, kGroupRow);
}

int AlertTreeModel::rowCount(const QModelIndex &parent) const
{
    if (!parent.isValid())
        return static_cast<int>(m_groups.size());
    if (parent.column() != 0 || parent.internalId() != kGroupRow)
        return 0;
    return static_cast<int>(m_groups[parent.row()].members.size());
}

int AlertTreeModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

QVariant AlertTreeModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    if (index.internalId() == kGroupRow)
        return groupData(m_groups[index.row()], index.column(), role);
    const AlertGroup &group = m_groups[static_cast<qsizetype>(index.internalId() - 1)];
    if (role == GroupKeyRole)
        return group.key;
    return alertData(group.members[index.row()], index.column(), role);
}

QVariant AlertTreeModel::groupData(const AlertGroup &group, int column, int role) const
{
    switch (role) {
    case ActiveRole:
        return group.active() > 0;
    case GroupKeyRole:
    case RowKeyRole:
        return group.key;
    case IsGroupRole:
        return true;
    case FiringCountRole:
        return group.firing;
    case AcknowledgedRole:
        return group.acknowledged;
    case SilencedRole:
        return group.silenced;
    case ResolvedCountRole:
        return group.resolved;
    case Qt::FontRole: {
        QFont font;
        font.setBold(group.firing > 0);
        return font;
    }
    case Qt::ForegroundRole:
        if (group.firing > 0)
            return firingColour();
        if (group.firing == 0)
            return QGuiApplication::palette().color(QPalette::Disabled, QPalette::Text);
        return {};
    case Qt::ToolTipRole:
        return tr("%1: %2 alert(s), %3 firing, %4 acknowledged, %5 silenced, %6 resolved")
            .arg(group.incident ? tr("Incident %1").arg(group.title) : tr("Service %1").arg(group.title))
            .arg(group.members.size())
            .arg(group.firing)
            .arg(group.acknowledged)
            .arg(group.silenced)
            .arg(group.resolved);
    case Qt::DisplayRole:
        break;
    default:
        return {};
    }
    const auto counts = [&group] {
        const auto count = static_cast<int>(group.members.size());
        QStringList parts{count == 1 ? tr("1 alert") : tr("%1 alerts").arg(count)};
        if (group.firing > 0)
            parts << tr("%1 firing").arg(group.firing);
        if (group.acknowledged > 0)
            parts << tr("%1 acknowledged").arg(group.acknowledged);
        if (group.silenced > 0)
            parts << tr("%1 silenced").arg(group.silenced);
        if (group.resolved > 0)
            parts << tr("%1 resolved").arg(group.resolved);
        return parts.join(u" · "_s);
    };
    const QString title = group.incident ? tr("⚠ %1").arg(group.title) : group.title;
    switch (column) {
    case StatusColumn: // the whole line: the view spans it over the row
        return tr("%1  —  %2").arg(title, counts());
    case ServiceColumn:
        return title;
    case SummaryColumn:
        return counts();
    case FiredColumn:
        return clock(group.lastFiredMs);
    default:
        return {};
    }
}

QVariant AlertTreeModel::alertData(int i, int column, int role) const
{
    const Alert &a = m_alerts[i];
    const AlertDesk::Marks &marks = m_marks[i];
    const bool handled = marks.acknowledged() || marks.silenced();
    switch (role) {
    case ActiveRole:
        return a.active();
    case KeyRole:
        return a.service;
    case RowKeyRole:
        return alertRowKey(a);
    case IsGroupRole:
        return false;
    case FiringCountRole:
        return a.active() && !handled ? 1 : 0;
    case AcknowledgedRole:
        return marks.acknowledged();
    case SilencedRole:
        return marks.silenced();
    case ResolvedCountRole:
        return a.active() ? 0 : 1;
    case Qt::FontRole:
        if (a.active() && !handled && (column == StatusColumn || column == KindColumn)) {
            QFont bold;
            bold.setBold(true);
            return bold;
        }
        if (marks.silenced()) {
            QFont italic;
            italic.setItalic(true);
            return italic;
        }
        return {};
    case Qt::ForegroundRole:
        if (!a.active() || handled)
            return QGuiApplication::palette().color(QPalette::Disabled, QPalette::Text); // dimmed
        return column == StatusColumn ? QVariant(firingColour()) : QVariant();
    case Qt::ToolTipRole: {
        QStringList lines{a.summary};
        if (!a.why.isEmpty())
            lines << tr("Why: %1").arg(a.why);
        if (marks.acknowledgement) {
            const Acknowledgement &ack = *marks.acknowledgement;
            lines << tr("Acknowledged by %1 at %2").arg(ack.who, when(ack.atMs)) +
                         (ack.comment.isEmpty() ? QString() : u": "_s + ack.comment);
        }
        for (const Silence &s : marks.silencedBy)
            lines << describeSilence(s);
        return lines.join(u'\n');
    }
    case Qt::DisplayRole:
        break;
    default:
        return {};
    }
    const BreakerId id = BreakerId::parse(a.service);
    switch (column) {
    case StatusColumn: {
        if (!a.active())
            return tr("resolved");
        QStringList parts;
        if (marks.acknowledgement)
            parts << tr("ack %1 %2").arg(marks.acknowledgement->who, clock(marks.acknowledgement->atMs));
        if (marks.silenced())
            parts << (std::any_of(marks.silencedBy.cbegin(), marks.silencedBy.cend(),
                                  [](const Silence &s) { return s.origin == SilenceOrigin::Alertmanager; })
                          ? tr("silenced in AM")
                          : tr("silenced"));
        return parts.isEmpty() ? tr("FIRING") : parts.join(u", "_s);
    }
    case ServiceColumn:
        return id.service;
    case BreakerColumn:
        return id.breakerLabel();
    case InstanceColumn:
        return id.instance;
    case OriginColumn:
        return a.source == AlertSource::Simulated ? tr("simulated") : tr("real");
    case KindColumn:
        return alertmanagerAlertName(a.kind);
    case FiredColumn:
        return clock(a.firedAtMs);
    case DurationColumn: {
        const std::int64_t end = a.resolvedAtMs.value_or(m_now());
        return formatDurationMs(std::max<std::int64_t>(0, end - a.sinceMs));
    }
    case SummaryColumn:
        return a.summary;
    default:
        return {};
    }
}

QVariant AlertTreeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case StatusColumn:
        return tr("Status");
    case ServiceColumn:
        return tr("Service / group");
    case BreakerColumn:
        return tr("Breaker");
    case InstanceColumn:
        return tr("Instance");
    case OriginColumn:
        return tr("Origin");
    case KindColumn:
        return tr("Alert");
    case FiredColumn:
        return tr("Fired");
    case DurationColumn:
        return tr("For");
    case SummaryColumn:
        return tr("Summary");
    default:
        return {};
    }
}

} // namespace bw
