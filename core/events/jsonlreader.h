#pragma once

#include "common/result.h"
#include "events/eventstream.h"

#include <QByteArrayView>
#include <QString>

namespace bw {

// Reads the replay format, one JSON object a line: {"t": 65000, "ok": false, "latency_ms": 12.5}.
// t: integer ms, non-decreasing; ok: boolean; latency_ms: number, optional (0). Other keys are skipped,
// blank lines allowed. The first malformed line stops the read with "line N: what was wrong".
// A hand-written scanner: the canonical line costs one pass and no allocation.
class JsonlReader
{
public:
    static Result<EventStream> parse(QByteArrayView text);
    // Maps the file (or reads standard input for "-") and parses it; errors name the file.
    static Result<EventStream> readFile(const QString &path);
};

} // namespace bw
