#include "alerts/alertspanel.h"

#include "alerts/alertdesk.h"
#include "alerts/silencedialog.h"
#include "control/auditlog.h"
#include "models/alerttreemodel.h"
#include "models/silencemodel.h"

#include <QAction>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QPointer>
#include <QSplitter>
#include <QTableView>
#include <QToolButton>
#include <QTreeView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace bw {

namespace {

QToolButton *buttonFor(QAction *action, QWidget *parent)
{
    auto *button = new QToolButton(parent);
    button->setDefaultAction(action);
    button->setToolButtonStyle(Qt::ToolButtonTextOnly);
    button->setObjectName(action->objectName() + u"Button"_s);
    return button;
}

// "1 alert", "3 alerts" (no translations are installed, so %n would read "3 alert(s)").
QString count(int n, const QString &one, const QString &many)
{
    if (n == 1)
        return u"1 "_s + one;
    return QString::number(n) + u' ' + many;
}

QString withShortcut(const QString &text, const QAction *action)
{
    return text + u" ("_s + action->shortcut().toString(QKeySequence::NativeText) + u')';
}

} // namespace

AlertsPanel::AlertsPanel(AlertCenter *center, AlertDesk *desk, std::function<std::int64_t()> clock, QWidget *parent)
    : QWidget(parent), m_desk(desk), m_clock(std::move(clock))
{
    Q_ASSERT(center && desk);
    setObjectName(u"alertsPanel"_s);
    m_ask = [this](const Alert &alert, bool toAlertmanager) -> std::optional<Silence> {
        SilenceDialog dialog(alert, operatorName(), toAlertmanager, this);
        if (dialog.exec() != QDialog::Accepted)
            return std::nullopt;
        auto made = dialog.silence(m_clock());
        if (!made)
            return std::nullopt;
        return *made;
    };

    m_acknowledge = new QAction(tr("&Acknowledge"), this);
    m_acknowledge->setObjectName(u"acknowledge"_s);
    m_acknowledge->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_K));
    m_acknowledge->setToolTip(withShortcut(tr("Acknowledge the selected alerts, or every alert of the selected group: "
                                              "\"seen, I'm on it\". They stay listed, dimmed, with your name"),
                                           m_acknowledge));
    m_silence = new QAction(tr("&Silence…"), this);
    m_silence->setObjectName(u"silence"_s);
    m_silence->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S));
    m_silence->setToolTip(withShortcut(tr("Silence alerts like the selected one (by service, breaker or label) for a "
                                          "while, with a comment; in Alertmanager when one is configured"),
                                       m_silence));
    m_expire = new QAction(tr("&Expire silence"), this);
    m_expire->setObjectName(u"expireSilence"_s);
    m_expire->setToolTip(tr("End the selected silence now (in Alertmanager too, if it is held there)"));
    for (QAction *action : {m_acknowledge, m_silence})
        action->setShortcutContext(Qt::WindowShortcut);
    connect(m_acknowledge, &QAction::triggered, this, &AlertsPanel::acknowledgeSelected);
    connect(m_silence, &QAction::triggered, this, &AlertsPanel::silenceSelected);
    connect(m_expire, &QAction::triggered, this, &AlertsPanel::expireSelectedSilence);
    addActions({m_acknowledge, m_silence});

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    auto *bar = new QHBoxLayout;
    m_summary = new QLabel(this);
    m_summary->setObjectName(u"alertsSummary"_s);
    bar->addWidget(m_summary, 1);
    bar->addWidget(buttonFor(m_acknowledge, this));
    bar->addWidget(buttonFor(m_silence, this));
    layout->addLayout(bar);

    auto *split = new QSplitter(Qt::Vertical, this);
    split->setObjectName(u"alertsSplit"_s);
    m_model = new AlertTreeModel(center, desk, m_clock, this);
    m_view = new QTreeView(split);
    m_view->setObjectName(u"alerts"_s);
    m_view->setModel(m_model);
    m_view->setUniformRowHeights(true);
    m_view->setAlternatingRowColors(true);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setAllColumnsShowFocus(true);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    m_view->header()->setStretchLastSection(true);
    m_view->setToolTip(tr("Alerts by incident or service; hover an alert for why it fired and who handles it. "
                          "Return or a double click shows its breaker."));
    // Wide enough for what they hold (in bold where the model makes it bold), plus the tree's indent in the first.
    QFont bold = m_view->font();
    bold.setBold(true);
    const QFontMetrics metrics(m_view->font());
    const QFontMetrics boldMetrics(bold);
    const auto fit = [&](int column, const QString &sample, bool isBold = false) {
        m_view->setColumnWidth(column, (isBold ? boldMetrics : metrics).horizontalAdvance(sample) + 16);
    };
    m_view->setColumnWidth(AlertTreeModel::StatusColumn,
                           m_view->indentation() + metrics.horizontalAdvance(u"ack operator 00:00:00, silenced"_s));
    fit(AlertTreeModel::ServiceColumn, u"recommendations"_s);
    fit(AlertTreeModel::BreakerColumn, u"paymentsGatewayClient"_s);
    fit(AlertTreeModel::InstanceColumn, u"127.0.0.1:40000"_s);
    fit(AlertTreeModel::OriginColumn, u"simulated"_s);
    fit(AlertTreeModel::KindColumn, u"BreakerFlapping"_s, true);
    fit(AlertTreeModel::FiredColumn, u"00:00:00"_s);
    fit(AlertTreeModel::DurationColumn, u"1h 20m 30s"_s);
    connect(m_model, &QAbstractItemModel::modelAboutToBeReset, this, &AlertsPanel::remember);
    connect(m_model, &QAbstractItemModel::modelReset, this, &AlertsPanel::restore);
    connect(m_view, &QTreeView::expanded, this,
            [this](const QModelIndex &i) { m_expanded.insert(i.data(AlertTreeModel::GroupKeyRole).toString()); });
    connect(m_view, &QTreeView::collapsed, this,
            [this](const QModelIndex &i) { m_expanded.remove(i.data(AlertTreeModel::GroupKeyRole).toString()); });
    connect(m_view, &QTreeView::activated, this, [this](const QModelIndex &index) {
        if (!index.data(AlertTreeModel::IsGroupRole).toBool())
            Q_EMIT breakerActivated(index.data(AlertTreeModel::KeyRole).toString());
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, &AlertsPanel::refreshActions);
    connect(m_view, &QWidget::customContextMenuRequested, this, [this](const QPoint &at) {
        QMenu menu(this);
        menu.addAction(m_acknowledge);
        menu.addAction(m_silence);
        menu.exec(m_view->viewport()->mapToGlobal(at));
    });

    auto *silences = new QWidget(split);
    auto *silencesLayout = new QVBoxLayout(silences);
    silencesLayout->setContentsMargins(0, 0, 0, 0);
    m_silences = new SilenceModel(desk, m_clock, this);
    m_silenceView = new QTableView(silences);
    m_silenceView->setObjectName(u"silences"_s);
    m_silenceView->setModel(m_silences);
    m_silenceView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_silenceView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_silenceView->verticalHeader()->hide();
    m_silenceView->horizontalHeader()->setStretchLastSection(true);
    m_silenceView->setColumnWidth(SilenceModel::MatchersColumn,
                                  metrics.horizontalAdvance(u"service=\"checkout\", breaker=\"paymentGateway\"  "_s));
    m_silenceView->setColumnWidth(SilenceModel::WhereColumn,
                                  metrics.horizontalAdvance(u"Alertmanager 255.255.255.255:65535"_s) + 16);
    m_silenceView->setColumnWidth(SilenceModel::EndsColumn,
                                  metrics.horizontalAdvance(u"in 23h 59m 59s (00:00)"_s) + 16);
    m_silenceView->setWordWrap(false);
    m_silenceView->setToolTip(tr("The silences in force: local ones mute this desktop, Alertmanager's the team's "
                                 "notifications too"));
    auto *silenceBar = new QHBoxLayout;
    silenceBar->addWidget(m_silenceView, 1);
    auto *expire = buttonFor(m_expire, silences);
    silenceBar->addWidget(expire, 0, Qt::AlignTop);
    silencesLayout->addLayout(silenceBar);
    connect(m_silenceView->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &AlertsPanel::refreshActions);
    connect(m_silences, &QAbstractItemModel::modelReset, this, &AlertsPanel::refreshActions);
    connect(m_silences, &QAbstractItemModel::modelReset, this, &AlertsPanel::refreshSummary);
    split->addWidget(m_view);
    split->addWidget(silences);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 0);
    split->setSizes({600, m_silenceView->verticalHeader()->defaultSectionSize() * 4 +
                              m_silenceView->horizontalHeader()->sizeHint().height()});
    layout->addWidget(split, 1);

    restore();
    refreshActions();
}

void AlertsPanel::setSilenceAsker(SilenceAsker asker)
{
    m_ask = std::move(asker);
}

QList<Alert> AlertsPanel::selectedAlerts() const
{
    QList<Alert> out;
    QSet<QString> seen;
    QModelIndexList rows = m_view->selectionModel()->selectedRows();
    if (rows.isEmpty() && m_view->currentIndex().isValid())
        rows << m_view->currentIndex().siblingAtColumn(0);
    for (const QModelIndex &row : std::as_const(rows))
        for (const Alert &a : m_model->alertsAt(row))
            if (const QString key = a.service + QString::number(static_cast<int>(a.kind)) +
                                    QString::number(static_cast<int>(a.source)) + QString::number(a.firedAtMs);
                !seen.contains(key)) {
                seen.insert(key);
                out << a;
            }
    return out;
}

int AlertsPanel::acknowledgeSelected()
{
    const QList<Alert> alerts = selectedAlerts();
    const int count = m_desk->acknowledge(alerts, operatorName());
    Q_EMIT message(count > 0
                       ? tr("Acknowledged %1 as %2").arg(bw::count(count, tr("alert"), tr("alerts")), operatorName())
                       : tr("Nothing to acknowledge: the selected alerts are resolved or acknowledged already"));
    return count;
}

void AlertsPanel::silenceSelected()
{
    const QList<Alert> alerts = selectedAlerts();
    if (alerts.isEmpty())
        return;
    // The first that still fires, else the first: the dialog presets its matchers from it.
    const auto firing = std::find_if(alerts.cbegin(), alerts.cend(), [](const Alert &a) { return a.active(); });
    const Alert &from = firing != alerts.cend() ? *firing : alerts.front();
    const std::optional<Silence> wanted = m_ask(from, m_desk->silencesGoToAlertmanager());
    if (!wanted)
        return;
    QPointer<AlertsPanel> self(this);
    m_desk->silence(*wanted, [self](const Result<AlertDesk::SilenceOutcome> &outcome) {
        if (!self)
            return;
        if (!outcome) {
            Q_EMIT self->message(tr("Not silenced: %1").arg(outcome.error()));
            return;
        }
        const Silence &s = outcome->silence;
        if (!outcome->problem.isEmpty())
            Q_EMIT self->message(tr("Alertmanager did not take the silence (%1); silenced here only: %2")
                                     .arg(outcome->problem, s.describeMatchers()));
        else if (s.origin == SilenceOrigin::Alertmanager)
            Q_EMIT self->message(tr("Silenced in Alertmanager: %1").arg(s.describeMatchers()));
        else
            Q_EMIT self->message(tr("Silenced on this desktop: %1").arg(s.describeMatchers()));
    });
}

void AlertsPanel::expireSelectedSilence()
{
    const QModelIndexList rows = m_silenceView->selectionModel()->selectedRows();
    const Silence *s = rows.isEmpty() ? nullptr : m_silences->silenceAt(rows.front());
    if (!s)
        return;
    const QString matchers = s->describeMatchers();
    QPointer<AlertsPanel> self(this);
    m_desk->expireSilence(s->id, operatorName(), [self, matchers](const Status &status) {
        if (self)
            Q_EMIT self->message(status ? tr("Silence expired: %1").arg(matchers)
                                        : tr("Silence not expired: %1").arg(status.error()));
    });
}

void AlertsPanel::tick()
{
    m_model->tick();
    m_silences->tick();
    refreshSummary();
}

void AlertsPanel::remember()
{
    m_selectedKeys.clear();
    for (const QModelIndex &row : m_view->selectionModel()->selectedRows())
        m_selectedKeys << row.data(AlertTreeModel::RowKeyRole).toString();
    m_currentKey = m_view->currentIndex().data(AlertTreeModel::RowKeyRole).toString();
}

void AlertsPanel::restore()
{
    QHash<QString, int> firingNow;
    for (int g = 0; g < m_model->rowCount(); ++g) {
        const QModelIndex group = m_model->index(g, 0);
        const QString key = group.data(AlertTreeModel::GroupKeyRole).toString();
        // A group opens when it starts to fire (new, or firing again after everything in it was handled), whatever
        // the operator did with it before; otherwise it stays as they left it.
        const int firing = group.data(AlertTreeModel::FiringCountRole).toInt();
        if (firing > 0 && m_firingBefore.value(key, 0) == 0)
            m_expanded.insert(key);
        firingNow.insert(key, firing);
        m_view->setFirstColumnSpanned(g, {}, true); // a group row is its title and counts
        if (m_expanded.contains(key))
            m_view->expand(group);
    }
    m_firingBefore = std::move(firingNow);
    QItemSelection selection;
    for (const QString &key : std::as_const(m_selectedKeys))
        if (const QModelIndex row = m_model->indexOfRowKey(key); row.isValid())
            selection.select(row, row.siblingAtColumn(AlertTreeModel::ColumnCount - 1));
    const QModelIndex current = m_model->indexOfRowKey(m_currentKey);
    if (current.isValid())
        m_view->selectionModel()->setCurrentIndex(current, QItemSelectionModel::NoUpdate);
    m_view->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect);
    refreshActions();
    refreshSummary();
}

void AlertsPanel::refreshActions()
{
    const bool any = m_view->selectionModel()->hasSelection() || m_view->currentIndex().isValid();
    m_acknowledge->setEnabled(any);
    m_silence->setEnabled(any);
    m_expire->setEnabled(m_silenceView && m_silenceView->selectionModel()->hasSelection());
}

void AlertsPanel::refreshSummary()
{
    const AlertTreeModel::Totals t = m_model->totals();
    QStringList parts;
    parts << (t.firing > 0 ? tr("<b>%1 firing</b> in %2")
                                 .arg(count(t.firing, tr("alert"), tr("alerts")),
                                      count(t.groupsFiring, tr("group"), tr("groups")))
                           : tr("nothing firing"));
    if (t.acknowledged > 0)
        parts << tr("%1 acknowledged").arg(t.acknowledged);
    if (t.silenced > 0)
        parts << tr("%1 silenced").arg(t.silenced);
    const int silences = m_silences->rowCount();
    parts << (silences > 0 ? tr("%1 in force").arg(count(silences, tr("silence"), tr("silences"))) : tr("no silences"));
    parts << (m_desk->silencesGoToAlertmanager() ? tr("new silences go to Alertmanager")
                                                 : tr("new silences stay on this desktop"));
    m_summary->setText(parts.join(u" · "_s));
    if (t.firing != m_firing) {
        m_firing = t.firing;
        Q_EMIT firingChanged(t.firing);
    }
}

} // namespace bw
