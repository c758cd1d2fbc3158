#include "models/silencemodel.h"

#include "alerts/alertdesk.h"
#include "common/durations.h"

#include <QDateTime>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace bw {

SilenceModel::SilenceModel(AlertDesk *desk, std::function<std::int64_t()> now, QObject *parent)
    : QAbstractTableModel(parent), m_desk(desk), m_now(std::move(now))
{
    connect(desk, &AlertDesk::changed, this, &SilenceModel::reload);
    reload();
}

SilenceModel::SilenceModel(std::function<std::int64_t()> now, QObject *parent)
    : QAbstractTableModel(parent), m_now(std::move(now))
{}

void SilenceModel::reload()
{
    if (m_desk)
        setSilences(m_desk->silences(m_now()));
}

void SilenceModel::setSilences(QList<Silence> silences)
{
    std::stable_sort(silences.begin(), silences.end(),
                     [](const Silence &a, const Silence &b) { return a.endsAtMs < b.endsAtMs; });
    if (silences == m_rows)
        return;
    beginResetModel();
    m_rows = std::move(silences);
    endResetModel();
}

void SilenceModel::tick()
{
    if (m_desk) {
        const QList<Silence> before = m_rows;
        reload();
        if (m_rows != before)
            return; // reset already
    } else {
        // Fed by hand: drop what ended.
        QList<Silence> holding;
        for (const Silence &s : std::as_const(m_rows))
            if (s.activeAt(m_now()) || s.startsAtMs > m_now())
                holding << s;
        if (holding.size() != m_rows.size()) {
            setSilences(holding);
            return;
        }
    }
    if (!m_rows.isEmpty())
        Q_EMIT dataChanged(index(0, EndsColumn), index(static_cast<int>(m_rows.size()) - 1, EndsColumn),
                           {Qt::DisplayRole});
}

const Silence *SilenceModel::silenceAt(const QModelIndex &index) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return nullptr;
    return &m_rows[index.row()];
}

int SilenceModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int SilenceModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant SilenceModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const Silence &s = m_rows[index.row()];
    const bool local = s.origin == SilenceOrigin::Local;
    switch (role) {
    case IdRole:
        return s.id;
    case LocalRole:
        return local;
    case Qt::ToolTipRole:
        return tr("%1\nMatchers: %2\nFrom %3 to %4, by %5: %6\nid %7")
            .arg(local ? tr("Local silence: mutes this desktop only")
                       : tr("Alertmanager silence (%1): mutes the team's notifications too").arg(s.alertmanager),
                 s.describeMatchers(), QDateTime::fromMSecsSinceEpoch(s.startsAtMs).toString(u"yyyy-MM-dd HH:mm"_s),
                 QDateTime::fromMSecsSinceEpoch(s.endsAtMs).toString(u"yyyy-MM-dd HH:mm"_s), s.createdBy, s.comment,
                 s.id);
    case Qt::DisplayRole:
        break;
    default:
        return {};
    }
    switch (index.column()) {
    case MatchersColumn:
        return s.describeMatchers();
    case WhereColumn:
        return local ? tr("local") : tr("Alertmanager %1").arg(QUrl(s.alertmanager).authority());
    case EndsColumn: {
        const std::int64_t now = m_now();
        const QString at = QDateTime::fromMSecsSinceEpoch(s.endsAtMs).toString(u"HH:mm"_s);
        if (s.startsAtMs > now)
            return tr("starts in %1").arg(formatDurationMs(s.startsAtMs - now));
        return tr("in %1 (%2)").arg(formatDurationMs(std::max<std::int64_t>(0, s.endsAtMs - now)), at);
    }
    case CreatedByColumn:
        return s.createdBy;
    case CommentColumn:
        return s.comment;
    default:
        return {};
    }
}

QVariant SilenceModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case MatchersColumn:
        return tr("Silences");
    case WhereColumn:
        return tr("Kept");
    case EndsColumn:
        return tr("Ends");
    case CreatedByColumn:
        return tr("By");
    case CommentColumn:
        return tr("Comment");
    default:
        return {};
    }
}

} // namespace bw
