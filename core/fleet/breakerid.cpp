#include "fleet/breakerid.h"

using namespace Qt::StringLiterals;

namespace bw {

QString BreakerId::key() const
{
    QString out = service;
    if (!breaker.isEmpty())
        out += u'/' + breaker;
    if (!instance.isEmpty())
        out += u'@' + instance;
    return out;
}

BreakerId BreakerId::parse(QStringView key)
{
    // A service name has no '/' or '@' of its own in keys we write; breaker names may (URLs): split at the first
    // '/' and the last '@'.
    BreakerId id;
    const qsizetype at = key.lastIndexOf(u'@');
    QStringView head = key;
    if (at >= 0) {
        id.instance = key.mid(at + 1).toString();
        head = key.left(at);
    }
    const qsizetype slash = head.indexOf(u'/');
    if (slash >= 0) {
        id.service = head.left(slash).toString();
        id.breaker = head.mid(slash + 1).toString();
    } else {
        id.service = head.toString();
    }
    return id;
}

QString BreakerId::breakerLabel() const
{
    return breaker.isEmpty() ? u"health"_s : breaker;
}

std::strong_ordering BreakerId::operator<=>(const BreakerId &other) const
{
    if (const int c = service.compare(other.service); c != 0)
        return c < 0 ? std::strong_ordering::less : std::strong_ordering::greater;
    if (const int c = breaker.compare(other.breaker); c != 0)
        return c < 0 ? std::strong_ordering::less : std::strong_ordering::greater;
    if (const int c = instance.compare(other.instance); c != 0)
        return c < 0 ? std::strong_ordering::less : std::strong_ordering::greater;
    return std::strong_ordering::equal;
}

} // namespace bw
