#pragma once

#include "prometheus/expositionvisitor.h"
#include "prometheus/parsedpage.h"
#include "prometheus/stringarena.h"

#include <QByteArray>
#include <QList>
#include <QPair>

#include <cstdint>
#include <vector>

namespace bw {

// The visitor behind ExpositionParser::parse(): copies every sample into the ParsedPage and merges metadata into
// its families (repeated Prometheus-text metadata: the last one wins). Built for speed on real pages, where
// names, label names, label values and whole label sets repeat: each distinct string is stored once (in a
// StringArena block) and each distinct label set (keyed by its text as written) once, and samples share them
// (implicit sharing), so a page costs a handful of allocations plus one per distinct label set. Lives only
// while its page is parsed (it keeps views into the page) and must be destroyed before the ParsedPage's
// strings are (it settles the arena's reference counts). One page; not thread-safe.
class SampleCollector final : public ExpositionVisitor
{
public:
    // Sizes the string blocks and tables; estimates are fine.
    struct SizeHint
    {
        qsizetype bytes = 0;
        qsizetype sampleLines = 0;
        qsizetype commentLines = 0;
    };
    SampleCollector(ParsedPage &page, const SizeHint &hint);
    ~SampleCollector() override;
    Q_DISABLE_COPY_MOVE(SampleCollector)

    void sample(const SampleView &sample) override;
    void help(QByteArrayView family, QByteArrayView text) override;
    void type(QByteArrayView family, MetricType type) override;
    void unit(QByteArrayView family, QByteArrayView unit) override;

private:
    using Labels = QList<QPair<QByteArray, QByteArray>>;
    struct StringSlot
    {
        std::uint64_t hash = 0;
        StringArena::Stored stored;
        bool used = false;
    };
    struct LabelsSlot
    {
        std::uint64_t hash = 0;
        QByteArrayView text; // the label set as written: a view into the page, valid while parsing it
        Labels value;        // empty: free slot
    };

    StringArena::Stored intern(QByteArrayView bytes, std::uint64_t hash);
    StringArena::Stored intern(QByteArrayView bytes);
    const Labels &internLabels(const SampleView &sample);
    MetricFamilyInfo &family(QByteArrayView name);

    ParsedPage &m_page;
    std::uint64_t m_seed; // for expositiontext::hashBytes
    StringArena m_arena;
    std::vector<StringSlot> m_strings; // open addressing, a power of two in size
    std::size_t m_stringCount = 0;
    std::vector<LabelsSlot> m_labelSets;
    std::size_t m_labelSetCount = 0;
    std::vector<std::int32_t> m_familySlots; // index into m_page.families, -1: free
    StringArena::Stored m_lastName;          // the previous sample's name (names come in runs)
};

} // namespace bw
