#include "prometheus/samplecollector.h"

#include "prometheus/expositiontext.h"

#include <algorithm>
#include <bit>

namespace bw {

using expositiontext::equalBytes;
using expositiontext::hashBytes;

namespace {

// Open-addressing tables stay below 70 % full.
bool needsGrowth(std::size_t count, std::size_t size)
{
    return count * 10 > size * 7;
}

template<typename Slot, typename IsFree>
void grow(std::vector<Slot> &table, IsFree isFree)
{
    std::vector<Slot> bigger(table.size() * 2);
    const std::size_t mask = bigger.size() - 1;
    for (Slot &slot : table) {
        if (isFree(slot))
            continue;
        std::size_t i = slot.hash & mask;
        while (!isFree(bigger[i]))
            i = (i + 1) & mask;
        bigger[i] = std::move(slot);
    }
    table.swap(bigger);
}

std::size_t tableSize(qsizetype expected, std::size_t minimum)
{
    return std::bit_ceil(std::max(minimum, static_cast<std::size_t>(expected) * 3 / 2));
}

QByteArrayView bytesOf(const StringArena::Stored &stored)
{
    return {stored.data, stored.size};
}

} // namespace

SampleCollector::SampleCollector(ParsedPage &page, const SizeHint &hint)
    : m_page(page), m_seed(expositiontext::hashSeed()),
      m_arena(std::clamp<qsizetype>(hint.bytes / 2, 1024, qsizetype{64} * 1024)),
      m_strings(tableSize((hint.sampleLines + hint.commentLines) / 2, 64)),
      m_labelSets(tableSize(hint.sampleLines / 4, 32)), m_familySlots(4 * tableSize(hint.commentLines / 2, 16), -1)
{}

SampleCollector::~SampleCollector()
{
    // Count the references handed out before anything that holds them (our label sets included) goes away.
    m_arena.settle();
}

StringArena::Stored SampleCollector::intern(QByteArrayView bytes, std::uint64_t hash)
{
    if (needsGrowth(m_stringCount + 1, m_strings.size()))
        grow(m_strings, [](const StringSlot &s) { return !s.used; });
    const std::size_t mask = m_strings.size() - 1;
    for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
        StringSlot &slot = m_strings[i];
        if (!slot.used) {
            slot.used = true;
            slot.hash = hash;
            slot.stored = m_arena.store(bytes);
            ++m_stringCount;
            return slot.stored;
        }
        if (slot.hash == hash && equalBytes(bytesOf(slot.stored), bytes))
            return slot.stored;
    }
}

StringArena::Stored SampleCollector::intern(QByteArrayView bytes)
{
    return intern(bytes, hashBytes(bytes.data(), std::size_t(bytes.size()), m_seed));
}

const SampleCollector::Labels &SampleCollector::internLabels(const SampleView &sample)
{
    if (needsGrowth(m_labelSetCount + 1, m_labelSets.size()))
        grow(m_labelSets, [](const LabelsSlot &s) { return s.value.isEmpty(); });
    const QByteArrayView text = sample.labelText;
    const std::uint64_t hash = hashBytes(text.data(), std::size_t(text.size()), m_seed);
    const std::size_t mask = m_labelSets.size() - 1;
    for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
        LabelsSlot &slot = m_labelSets[i];
        if (slot.value.isEmpty()) {
            slot.value.reserve(static_cast<qsizetype>(sample.labels.size()));
            for (const LabelView &label : sample.labels)
                slot.value.emplaceBack(m_arena.share(intern(label.name)), m_arena.share(intern(label.value)));
            slot.hash = hash;
            slot.text = text;
            ++m_labelSetCount;
            return slot.value;
        }
        if (slot.hash == hash && equalBytes(slot.text, text))
            return slot.value;
    }
}

void SampleCollector::sample(const SampleView &view)
{
    MetricSample &sample = m_page.samples.emplace_back();
    if (!equalBytes(bytesOf(m_lastName), view.name))
        m_lastName = intern(view.name);
    sample.name = m_arena.share(m_lastName);
    if (!view.labels.empty())
        sample.labels = internLabels(view);
    sample.value = view.value;
    sample.timestampMs = view.timestampMs;
}

MetricFamilyInfo &SampleCollector::family(QByteArrayView name)
{
    std::vector<MetricFamilyInfo> &families = m_page.families;
    if (!families.empty() && equalBytes(families.back().name, name))
        return families.back();
    const std::uint64_t hash = hashBytes(name.data(), std::size_t(name.size()), m_seed);
    if (families.size() * 4 >= m_familySlots.size()) {
        std::vector<std::int32_t> bigger(m_familySlots.size() * 2, -1);
        const std::size_t mask = bigger.size() - 1;
        for (std::size_t f = 0; f < families.size(); ++f) {
            const QByteArray &known = families[f].name;
            std::size_t slot = hashBytes(known.constData(), std::size_t(known.size()), m_seed) & mask;
            while (bigger[slot] >= 0)
                slot = (slot + 1) & mask;
            bigger[slot] = static_cast<std::int32_t>(f);
        }
        m_familySlots.swap(bigger);
    }
    const std::size_t mask = m_familySlots.size() - 1;
    std::size_t i = hash & mask;
    for (; m_familySlots[i] >= 0; i = (i + 1) & mask) {
        MetricFamilyInfo &info = families[static_cast<std::size_t>(m_familySlots[i])];
        if (equalBytes(info.name, name))
            return info;
    }
    m_familySlots[i] = static_cast<std::int32_t>(families.size());
    MetricFamilyInfo &info = families.emplace_back();
    info.name = m_arena.share(intern(name, hash));
    return info;
}

void SampleCollector::help(QByteArrayView name, QByteArrayView text)
{
    MetricFamilyInfo &info = family(name);
    if (!info.help.isNull())
        m_arena.settle(); // a repeated HELP replaces a shared string
    info.help = m_arena.share(m_arena.store(text));
}

void SampleCollector::type(QByteArrayView name, MetricType type)
{
    family(name).type = type;
}

void SampleCollector::unit(QByteArrayView name, QByteArrayView unit)
{
    MetricFamilyInfo &info = family(name);
    if (!info.unit.isNull())
        m_arena.settle();
    info.unit = m_arena.share(intern(unit));
}

} // namespace bw
