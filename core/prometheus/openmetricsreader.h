#pragma once

#include "common/result.h"
#include "prometheus/expositionvisitor.h"
#include "prometheus/openmetricsvalidator.h"
#include "prometheus/sampleview.h"

#include <QByteArrayView>

#include <string>
#include <vector>

namespace bw {

// OpenMetrics 1.0 text, strictly: the ABNF line syntax (single spaces, no blank lines or comments, no trailing
// comma, exemplars after " # "), "# EOF" last, plus OpenMetricsValidator's rules. Rejects every bad_* case of the
// OpenMetrics conformance suite and accepts every good one. Timestamps (seconds) become integer ms. Exemplars are
// checked and skipped. Reusable, one page at a time; not thread-safe (use one per thread).
class OpenMetricsReader
{
public:
    Status read(QByteArrayView page, ExpositionVisitor &visitor);

private:
    bool readMetadata(const char *begin, const char *end, ExpositionVisitor &visitor);
    bool readSample(const char *begin, const char *end, ExpositionVisitor &visitor);
    bool readExemplar(const char *p, const char *end);
    // p at '{'; on success p is just after the matching '}'.
    bool readLabels(const char *&p, const char *end, std::vector<LabelView> &labels, std::vector<std::uint8_t> &escaped,
                    bool &anyEscaped);
    bool fail(const char *message, const char *excerptBegin = nullptr, const char *excerptEnd = nullptr);

    OpenMetricsValidator m_validator;
    std::vector<LabelView> m_labels;
    std::vector<std::uint8_t> m_escaped;
    std::vector<LabelView> m_exemplarLabels;
    std::vector<std::uint8_t> m_exemplarEscaped;
    std::string m_scratch;
    std::string m_exemplarScratch;
    qsizetype m_line = 0;
    QString m_error;
};

} // namespace bw
