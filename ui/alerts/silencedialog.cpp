#include "alerts/silencedialog.h"

#include "common/durations.h"
#include "fleet/breakerid.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace bw {

SilenceDialog::SilenceDialog(const Alert &alert, const QString &who, bool toAlertmanager, QWidget *parent)
    : QDialog(parent), m_alert(alert), m_who(who)
{
    setWindowTitle(tr("Silence alerts"));
    const BreakerId id = BreakerId::parse(alert.service);
    auto *layout = new QVBoxLayout(this);
    auto *form = new QFormLayout;
    layout->addLayout(form);

    m_scope = new QComboBox(this);
    m_scope->setObjectName(u"silenceScope"_s);
    m_scope->addItem(tr("Service %1: every breaker, every instance").arg(id.service),
                     static_cast<int>(SilenceScope::Service));
    m_scope->addItem(tr("Breaker %1 of %2 on every instance").arg(id.breakerLabel(), id.service),
                     static_cast<int>(SilenceScope::Breaker));
    if (!id.instance.isEmpty())
        m_scope->addItem(tr("Breaker %1 on %2 only").arg(id.breakerLabel(), id.instance),
                         static_cast<int>(SilenceScope::Instance));
    m_scope->setCurrentIndex(1);
    m_scope->setToolTip(tr("Which alerts the silence covers, preset from the selected alert"));
    form->addRow(tr("&Silence"), m_scope);

    m_label = new QLineEdit(this);
    m_label->setObjectName(u"silenceLabel"_s);
    m_label->setPlaceholderText(tr("optional: label=value, label!=value, label=~regex"));
    m_label->setToolTip(tr("An extra matcher on any label Breakerwatch pushes (alertname, severity, service, breaker, "
                           "instance, origin), as in Alertmanager"));
    form->addRow(tr("And &label"), m_label);

    m_matchers = new QLabel(this);
    m_matchers->setObjectName(u"silenceMatchers"_s);
    m_matchers->setTextInteractionFlags(Qt::TextSelectableByMouse);
    form->addRow(tr("Matchers"), m_matchers);

    m_duration = new QComboBox(this);
    m_duration->setObjectName(u"silenceDuration"_s);
    for (const auto &[label, ms] : {std::pair{tr("30 minutes"), 30 * 60'000}, std::pair{tr("1 hour"), 3600'000},
                                    std::pair{tr("2 hours"), 2 * 3600'000}, std::pair{tr("4 hours"), 4 * 3600'000}})
        m_duration->addItem(label, ms);
    m_duration->addItem(tr("Custom…"), -1);
    m_duration->setCurrentIndex(1);
    m_custom = new QLineEdit(this);
    m_custom->setObjectName(u"silenceCustom"_s);
    m_custom->setPlaceholderText(tr("e.g. 90m, 8h, 2d"));
    m_custom->setEnabled(false);
    auto *durationRow = new QHBoxLayout;
    durationRow->addWidget(m_duration);
    durationRow->addWidget(m_custom, 1);
    form->addRow(tr("&For"), durationRow);

    m_comment = new QLineEdit(this);
    m_comment->setObjectName(u"silenceComment"_s);
    m_comment->setPlaceholderText(tr("required: why, e.g. \"payments maintenance, ticket OPS-123\""));
    form->addRow(tr("&Comment"), m_comment);

    auto *where = new QLabel(toAlertmanager ? tr("Created in Alertmanager as %1: it also mutes the team's paging. If "
                                                 "Alertmanager does not take it, it is kept here as a local silence.")
                                                  .arg(who)
                                            : tr("A local silence, as %1: it mutes this desktop only (no "
                                                 "Alertmanager is configured).")
                                                  .arg(who),
                             this);
    where->setWordWrap(true);
    layout->addWidget(where);
    m_problem = new QLabel(this);
    m_problem->setObjectName(u"silenceProblem"_s);
    m_problem->setStyleSheet(u"color: #D55E00;"_s);
    layout->addWidget(m_problem);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Silence"));
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    connect(m_scope, &QComboBox::currentIndexChanged, this, &SilenceDialog::refresh);
    connect(m_duration, &QComboBox::currentIndexChanged, this, [this] {
        m_custom->setEnabled(m_duration->currentData().toInt() < 0);
        refresh();
    });
    for (QLineEdit *edit : {m_label, m_custom, m_comment})
        connect(edit, &QLineEdit::textChanged, this, &SilenceDialog::refresh);
    m_comment->setFocus();
    refresh();
}

Result<QList<SilenceMatcher>> SilenceDialog::matchers() const
{
    QList<SilenceMatcher> out = matchersFor(m_alert, static_cast<SilenceScope>(m_scope->currentData().toInt()));
    if (const QString extra = m_label->text().trimmed(); !extra.isEmpty()) {
        auto matcher = parseSilenceMatcher(extra);
        if (!matcher)
            return Error{matcher.error()};
        out << *matcher;
    }
    return out;
}

Result<std::int64_t> SilenceDialog::durationMs() const
{
    const int preset = m_duration->currentData().toInt();
    if (preset > 0)
        return std::int64_t{preset};
    auto ms = parseDurationMs(m_custom->text().trimmed());
    if (!ms)
        return Error{tr("Duration: %1").arg(ms.error())};
    if (*ms <= 0)
        return Error{tr("The duration must be positive")};
    return *ms;
}

Result<Silence> SilenceDialog::silence(std::int64_t nowMs) const
{
    auto list = matchers();
    if (!list)
        return Error{list.error()};
    auto duration = durationMs();
    if (!duration)
        return Error{duration.error()};
    Silence s;
    s.matchers = *list;
    s.startsAtMs = nowMs;
    s.endsAtMs = nowMs + *duration;
    s.createdBy = m_who;
    s.comment = m_comment->text().trimmed();
    if (Status ok = checkSilence(s, nowMs); !ok)
        return Error{ok.error()};
    return s;
}

void SilenceDialog::refresh()
{
    const auto list = matchers();
    Silence shown;
    if (list)
        shown.matchers = *list;
    m_matchers->setText(list ? shown.describeMatchers() : QString());
    const auto made = silence(0);
    m_problem->setText(made ? QString() : made.error());
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(made.ok());
}

} // namespace bw
