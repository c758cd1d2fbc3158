#pragma once

#include <QString>

namespace bw {

// A credential read from a file or the environment. It never prints itself: text() is "<secret>"; only the
// HTTP layer asks for reveal(). Empty when not configured.
class Secret
{
public:
    Secret() = default;
    explicit Secret(QString value) : m_value(std::move(value)) {}

    bool isEmpty() const { return m_value.isEmpty(); }
    const QString &reveal() const { return m_value; }
    QString text() const { return m_value.isEmpty() ? QString() : QStringLiteral("<secret>"); }
    bool operator==(const Secret &) const = default;

private:
    QString m_value;
};

} // namespace bw
