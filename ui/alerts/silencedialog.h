#pragma once

#include "alerts/silence.h"

#include <QDialog>

#include <optional>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;

namespace bw {

// "Silence…" for one alert: what to silence (its service, its breaker on every instance, or that one breaker, plus
// an optional label matcher), for how long (30 min, 1 h, 2 h, 4 h or a custom duration like 90m) and why (required).
// OK stays disabled until the silence is complete; the line at the bottom says what is wrong, and where the silence
// will go (Alertmanager, or this desktop only).
class SilenceDialog final : public QDialog
{
    Q_OBJECT
public:
    SilenceDialog(const Alert &alert, const QString &who, bool toAlertmanager, QWidget *parent = nullptr);

    // The silence as filled in, starting at `nowMs`; why not, while incomplete.
    Result<Silence> silence(std::int64_t nowMs) const;

private:
    void refresh();
    Result<QList<SilenceMatcher>> matchers() const;
    Result<std::int64_t> durationMs() const;

    Alert m_alert;
    QString m_who;
    QComboBox *m_scope = nullptr;
    QLineEdit *m_label = nullptr;
    QLabel *m_matchers = nullptr;
    QComboBox *m_duration = nullptr;
    QLineEdit *m_custom = nullptr;
    QLineEdit *m_comment = nullptr;
    QLabel *m_problem = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
};

} // namespace bw
