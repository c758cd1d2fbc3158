#pragma once

#include "prometheus/metricsample.h"
#include "prometheus/sampleview.h"

#include <QByteArrayView>

namespace bw {

// Receives a page's entries in page order from ExpositionParser::visit(). The views are valid only during the
// call (copy what you keep). Called on the parsing thread. When visit() fails, entries already delivered belong
// to a page that is invalid as a whole: discard them (OpenMetrics checks some rules only at a family's end).
class ExpositionVisitor
{
public:
    virtual ~ExpositionVisitor() = default;

    virtual void sample(const SampleView &sample) = 0;
    // HELP text with its escapes resolved.
    virtual void help(QByteArrayView family, QByteArrayView text)
    {
        Q_UNUSED(family);
        Q_UNUSED(text);
    }
    virtual void type(QByteArrayView family, MetricType type)
    {
        Q_UNUSED(family);
        Q_UNUSED(type);
    }
    // OpenMetrics only.
    virtual void unit(QByteArrayView family, QByteArrayView unit)
    {
        Q_UNUSED(family);
        Q_UNUSED(unit);
    }
};

} // namespace bw
