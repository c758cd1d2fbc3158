#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

#include <cstdint>
#include <optional>

namespace bw {

// One "type":"HystrixCommand" object from hystrix.stream (or a Turbine aggregate of it).
struct HystrixCommandSample
{
    QString name;
    QString group;
    std::optional<std::int64_t> currentTimeMs;
    bool isCircuitBreakerOpen = false;
    double errorPercentage = 0;
    std::int64_t requestCount = 0;
    std::int64_t rollingCountSuccess = 0;
    std::int64_t rollingCountFailure = 0;
    std::int64_t rollingCountShortCircuited = 0;
    std::optional<double> latencyExecuteMeanMs;
    QList<QPair<double, double>> latencyExecute; // (percentile, ms), sorted by percentile: (50, 8), (99.5, 92)
    // propertyValue_* fields as written (the breaker's settings): propertyValue_circuitBreakerErrorThresholdPercentage
    QList<QPair<QString, QString>> properties;
};

// An incremental Server-Sent Events parser for hystrix.stream. Feed it chunks as they arrive; lines
// may be split anywhere, and end in LF, CRLF or CR. Events are dispatched on the blank line that ends
// them; each data: line normally holds one JSON object (several data: lines are joined as SSE says,
// and read line by line if the join is not JSON). Comments (":..."), ping:, event:, id:, retry: and
// objects of other types (HystrixThreadPool, HystrixCollapser, ...) are ignored. A line longer than
// maxLineBytes is dropped with an error, without buffering it. Bad objects are reported in `errors`
// and do not stop the stream. Not thread-safe; holds at most one line and one event.
class HystrixStreamParser
{
public:
    struct Output
    {
        QList<HystrixCommandSample> commands;
        QStringList errors;
    };

    explicit HystrixStreamParser(qsizetype maxLineBytes = qsizetype{1024} * 1024);

    Output feed(QByteArrayView chunk);
    void reset(); // a new connection: forget any partial line or event

    // One data: payload, as dispatched; nullopt (no error) for other types.
    static std::optional<HystrixCommandSample> parseCommand(QByteArrayView json, QString *error);

private:
    void takeLine(QByteArrayView line, Output &out);
    void dispatch(Output &out);

    qsizetype m_maxLineBytes;
    QByteArray m_line;
    QByteArray m_data;
    bool m_discardingLine = false;
    bool m_discardingEvent = false;
    bool m_afterCr = false;
    bool m_atStart = true;
};

} // namespace bw
