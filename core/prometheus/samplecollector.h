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
// (implicit sharing), so a page costs a handful of allocations plus one per distinct label set. The tables grow
// with the distinct entries, so throughput does not fall as pages grow (bench_exposition, 57 KB to 50 MB). Lives only
// while its page is parsed (it keeps views into the page) and must be destroyed before the ParsedPage's
// strings are (it settles the arena's reference counts). One page; not thread-safe.
class SampleCollector final : public ExpositionVisitor
{
public:
    // The hash tables hold 8-byte slots (a hash fragment and an index into the entries, 0 = free) and grow with
    // the distinct entries: a 50 MB page's tables must stay in cache, not be sized (and zeroed) from its lines.
    struct Slot
    {
        std::uint32_t hash = 0;
        std::uint32_t entry = 0; // index + 1 into the entries; 0: free
    };

    // Sizes the string blocks; estimates are fine.
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
    struct LabelSet
    {
        std::uint64_t hash = 0;
        QByteArrayView text; // the label set as written: a view into the page, valid while parsing it
        Labels value;
    };
    struct InternedString
    {
        std::uint64_t hash = 0;
        StringArena::Stored stored;
    };

    StringArena::Stored intern(QByteArrayView bytes, std::uint64_t hash);
    StringArena::Stored intern(QByteArrayView bytes);
    const Labels &internLabels(const SampleView &sample);
    MetricFamilyInfo &family(QByteArrayView name);
    MetricFamilyInfo &newFamily(QByteArrayView name, std::uint64_t hash);
    void indexFamilies();

    ParsedPage &m_page;
    std::uint64_t m_seed; // for expositiontext::hashBytes
    StringArena m_arena;
    std::vector<Slot> m_stringSlots; // open addressing, a power of two in size
    std::vector<InternedString> m_strings;
    std::vector<Slot> m_labelSetSlots;
    std::vector<LabelSet> m_labelSets;
    std::vector<std::uint32_t> m_familyTags; // until a tag repeats: which families may exist (0: free)
    bool m_familyIndexed = false;            // from then on: m_familySlots, entries m_page.families
    std::vector<Slot> m_familySlots;
    std::vector<std::uint64_t> m_familyHashes;
    StringArena::Stored m_lastName;       // the previous sample's name (names come in runs)
    StringArena::Stored m_lastFamilyName; // the family declared last, when it was new
};

} // namespace bw
