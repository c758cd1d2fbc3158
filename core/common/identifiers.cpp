#include "common/identifiers.h"

namespace bw {

QString camelCaseIdentifier(const QString &dashed)
{
    QString out;
    bool upper = false;
    for (const QChar c : dashed) {
        if (c == u'-') {
            upper = true;
            continue;
        }
        out += upper ? c.toUpper() : c;
        upper = false;
    }
    return out;
}

} // namespace bw
