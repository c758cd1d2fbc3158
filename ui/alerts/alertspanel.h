#pragma once

#include "alerts/silence.h"

#include <QHash>
#include <QSet>
#include <QWidget>

#include <functional>
#include <optional>

class QAction;
class QLabel;
class QTableView;
class QTreeView;

namespace bw {

class AlertCenter;
class AlertDesk;
class AlertTreeModel;
class SilenceModel;

// The Alerts tab: the session's alerts grouped by incident (correlated opens) or else by service, with counts per
// group; acknowledged alerts dimmed with who and when, silenced ones marked (tooltips say by which silence).
// Acknowledge works on an alert or a whole group (Ctrl+K), Silence… (Ctrl+Shift+S) opens the SilenceDialog preset from
// the selected alert and makes the silence in Alertmanager when one is configured, else locally; the silences in force
// are listed below, where one can be expired. Everything goes through the AlertDesk (not owned), which audits it. A
// group seen for the first time opens when something in it fires; what the operator opened or closed stays so across
// updates.
class AlertsPanel final : public QWidget
{
    Q_OBJECT
public:
    // Asks for the silence to make from `alert`; nullopt when cancelled. Replaceable so tests can answer.
    using SilenceAsker = std::function<std::optional<Silence>(const Alert &alert, bool toAlertmanager)>;

    AlertsPanel(AlertCenter *center, AlertDesk *desk, std::function<std::int64_t()> clock, QWidget *parent = nullptr);

    QTreeView *view() const { return m_view; }
    AlertTreeModel *model() const { return m_model; }
    QAction *acknowledgeAction() const { return m_acknowledge; }
    QAction *silenceAction() const { return m_silence; }
    QAction *expireAction() const { return m_expire; }
    void setSilenceAsker(SilenceAsker asker);

    // What the actions do, on the selected rows (a group row stands for all its alerts).
    int acknowledgeSelected();
    void silenceSelected();
    void expireSelectedSilence();
    // Once a second: durations move on, silences whose time is up end.
    void tick();

Q_SIGNALS:
    void breakerActivated(const QString &key); // an alert row double-clicked or Return pressed on it
    void message(const QString &text);         // for the status bar
    void firingChanged(int firing);            // active alerts nobody handles yet

private:
    QList<Alert> selectedAlerts() const;
    void remember();
    void restore();
    void refreshActions();
    void refreshSummary();

    AlertDesk *m_desk;
    std::function<std::int64_t()> m_clock;
    AlertTreeModel *m_model = nullptr;
    SilenceModel *m_silences = nullptr;
    QTreeView *m_view = nullptr;
    QTableView *m_silenceView = nullptr;
    QLabel *m_summary = nullptr;
    QAction *m_acknowledge = nullptr;
    QAction *m_silence = nullptr;
    QAction *m_expire = nullptr;
    SilenceAsker m_ask;
    QSet<QString> m_expanded;
    QHash<QString, int> m_firingBefore; // by group key, at the last update
    QStringList m_selectedKeys;
    QString m_currentKey;
    int m_firing = -1;
};

} // namespace bw
