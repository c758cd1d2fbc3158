#include "control/auditlog.h"

#include <QtGlobal>

using namespace Qt::StringLiterals;

namespace bw {

int AuditLog::append(const AuditEntry &entry)
{
    m_entries.push_back(entry);
    const auto index = static_cast<int>(m_entries.size() - 1);
    Q_EMIT entryAdded(index, entry);
    return index;
}

void AuditLog::complete(int index, const QString &outcome, const QString &detail)
{
    if (index < 0 || index >= m_entries.size())
        return;
    AuditEntry &entry = m_entries[index];
    entry.outcome = outcome;
    entry.detail = detail;
    Q_EMIT entryChanged(index, entry);
}

QString operatorName()
{
    for (const char *name : {"USER", "USERNAME", "LOGNAME"})
        if (const QString value = qEnvironmentVariable(name); !value.isEmpty())
            return value;
    return u"unknown"_s;
}

} // namespace bw
