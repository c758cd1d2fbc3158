#include "workbench/exportpolicydialog.h"

#include "breaker/presetcatalog.h"
#include "whatif/policyexport.h"

#include <QClipboard>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFile>
#include <QFileDialog>
#include <QFontDatabase>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace bw {

ExportPolicyDialog::ExportPolicyDialog(const PresetCatalog *catalog, PolicyDocument document, QString instanceName,
                                       QWidget *parent)
    : QDialog(parent), m_catalog(catalog), m_document(std::move(document)), m_instance(std::move(instanceName)),
      m_format(new QComboBox(this)), m_text(new QPlainTextEdit(this)), m_note(new QLabel(this))
{
    setWindowTitle(tr("Export policy"));
    auto *layout = new QVBoxLayout(this);
    auto *top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Format:"), this));
    for (const PolicyFormatInfo &info : exportFormatsFor(*m_catalog, m_document.preset))
        m_format->addItem(info.title, info.id);
    top->addWidget(m_format, 1);
    layout->addLayout(top);
    m_text->setReadOnly(true);
    m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_text->setLineWrapMode(QPlainTextEdit::NoWrap);
    layout->addWidget(m_text, 1);
    m_note->setWordWrap(true);
    layout->addWidget(m_note);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    QPushButton *copy = buttons->addButton(tr("&Copy"), QDialogButtonBox::ActionRole);
    copy->setToolTip(tr("Copy the text to the clipboard"));
    QPushButton *save = buttons->addButton(tr("&Save…"), QDialogButtonBox::ActionRole);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(copy, &QPushButton::clicked, this, [this] {
        QGuiApplication::clipboard()->setText(text());
        m_note->setText(tr("Copied."));
    });
    connect(save, &QPushButton::clicked, this, [this] {
        const auto info = exportFormatsFor(*m_catalog, m_document.preset);
        const int i = m_format->currentIndex();
        const QString suffix =
            i >= 0 && i < static_cast<int>(info.size()) ? info[static_cast<std::size_t>(i)].fileSuffix : u"txt"_s;
        const QString path = QFileDialog::getSaveFileName(this, tr("Save the policy"), m_instance + u'.' + suffix);
        if (path.isEmpty())
            return;
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(text().toUtf8()) < 0 ||
            !file.flush()) {
            m_note->setText(tr("Could not write %1: %2").arg(path, file.errorString()));
            return;
        }
        m_note->setText(tr("Saved to %1.").arg(path));
    });
    connect(m_format, &QComboBox::currentIndexChanged, this, &ExportPolicyDialog::refresh);
    resize(640, 420);
    refresh();
}

QString ExportPolicyDialog::text() const
{
    return m_text->toPlainText();
}

int ExportPolicyDialog::formatCount() const
{
    return m_format->count();
}

void ExportPolicyDialog::selectFormat(const QString &id)
{
    m_format->setCurrentIndex(m_format->findData(id));
}

void ExportPolicyDialog::refresh()
{
    const auto format = policyFormatFromId(m_format->currentData().toString());
    if (!format) {
        m_text->clear();
        return;
    }
    const auto exported = exportPolicy(*m_catalog, m_document, *format, m_instance);
    if (!exported) {
        m_text->setPlainText(QString());
        m_note->setText(exported.error());
        return;
    }
    m_text->setPlainText(*exported);
    m_note->setText(*format == PolicyFormat::Breakerwatch
                        ? tr("Put this under a service in breakerwatch.yml (or save it as a policy file).")
                        : tr("Every parameter is spelled out, defaults included, with the library's own names."));
}

} // namespace bw
