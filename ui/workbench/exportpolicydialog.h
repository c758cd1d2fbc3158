#pragma once

#include "breaker/policyfile.h"

#include <QDialog>

class QComboBox;
class QLabel;
class QPlainTextEdit;

namespace bw {

class PresetCatalog;

// Shows a policy as the configuration its library reads (and as Breakerwatch YAML), with Copy and Save. The text
// is read-only and monospaced; a format the policy cannot be written in says why instead.
class ExportPolicyDialog final : public QDialog
{
    Q_OBJECT
public:
    ExportPolicyDialog(const PresetCatalog *catalog, PolicyDocument document, QString instanceName,
                       QWidget *parent = nullptr);

    QString text() const;
    int formatCount() const;
    void selectFormat(const QString &id);

private:
    void refresh();

    const PresetCatalog *m_catalog;
    PolicyDocument m_document;
    QString m_instance;
    QComboBox *m_format;
    QPlainTextEdit *m_text;
    QLabel *m_note;
};

} // namespace bw
