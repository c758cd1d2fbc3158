#pragma once

#include <QList>
#include <QMetaType>
#include <QObject>
#include <QString>

#include <cstdint>

namespace bw {

// One operator action: who did what to which breaker, when, and how it ended.
struct AuditEntry
{
    std::int64_t atMs = 0;
    QString who; // the operator's login name
    QString service;
    QString target;  // "simulated breaker" or "real breaker"
    QString action;  // "reset", "force open", "disable", "metrics only"
    QString outcome; // "done", "refused", "unknown", "pending"
    QString detail;  // the service's answer or the refusal's reason, for people
    bool operator==(const AuditEntry &) const = default;
};

// The session's audit trail, in order. Entries are appended and, for remote actions that take time, completed
// once (pending -> done/refused/unknown); nothing is ever removed. The SQLite store keeps them durably.
class AuditLog final : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

    // Returns the entry's index, for complete().
    int append(const AuditEntry &entry);
    void complete(int index, const QString &outcome, const QString &detail);
    const QList<AuditEntry> &entries() const { return m_entries; }

Q_SIGNALS:
    void entryAdded(int index, const bw::AuditEntry &entry);
    void entryChanged(int index, const bw::AuditEntry &entry);

private:
    QList<AuditEntry> m_entries;
};

// The login name of the person running Breakerwatch ($USER, else $USERNAME, else "unknown").
QString operatorName();

} // namespace bw

Q_DECLARE_METATYPE(bw::AuditEntry)
