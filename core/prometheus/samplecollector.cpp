#include "prometheus/samplecollector.h"

#include "prometheus/expositiontext.h"

#include <algorithm>
#include <bit>

namespace bw {

using expositiontext::equalBytes;
using expositiontext::hashBytes;

namespace {

// Small to start with: a table grows with the distinct entries a page has, which real pages repeat a lot.
constexpr std::size_t kFirstTableSize = 256;

QByteArrayView bytesOf(const StringArena::Stored &stored)
{
    return {stored.data, stored.size};
}

std::uint32_t fragment(std::uint64_t hash)
{
    return static_cast<std::uint32_t>(hash >> 32);
}

// Open addressing over 8-byte slots, kept at most half full: most lookups here miss (a new family, a new label
// value), and linear probing's misses get long past that. `hashOf(i)` is entry i's full hash, for regrowing.
template<typename HashOf>
void growIfNeeded(std::vector<SampleCollector::Slot> &slots, std::size_t entries, HashOf hashOf)
{
    if (entries * 2 <= slots.size())
        return;
    std::vector<SampleCollector::Slot> bigger(slots.size() * 2);
    const std::size_t mask = bigger.size() - 1;
    for (const SampleCollector::Slot &slot : slots) {
        if (slot.entry == 0)
            continue;
        std::size_t i = hashOf(slot.entry - 1) & mask;
        while (bigger[i].entry != 0)
            i = (i + 1) & mask;
        bigger[i] = slot;
    }
    slots.swap(bigger);
}

// The slot of the entry with this hash that `matches(index)`, or the free slot where it belongs.
template<typename Matches>
SampleCollector::Slot &probe(std::vector<SampleCollector::Slot> &slots, std::uint64_t hash, Matches matches)
{
    const std::size_t mask = slots.size() - 1;
    const std::uint32_t f = fragment(hash);
    for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
        SampleCollector::Slot &slot = slots[i];
        if (slot.entry == 0 || (slot.hash == f && matches(slot.entry - 1)))
            return slot;
    }
}

} // namespace

SampleCollector::SampleCollector(ParsedPage &page, const SizeHint &hint)
    : m_page(page), m_seed(expositiontext::hashSeed()),
      m_arena(std::clamp<qsizetype>(hint.bytes / 2, 1024, qsizetype{64} * 1024)), m_stringSlots(kFirstTableSize),
      m_labelSetSlots(kFirstTableSize), m_familyTags(kFirstTableSize)
{}

SampleCollector::~SampleCollector()
{
    // Count the references handed out before anything that holds them (our label sets included) goes away.
    m_arena.settle();
}

StringArena::Stored SampleCollector::intern(QByteArrayView bytes, std::uint64_t hash)
{
    growIfNeeded(m_stringSlots, m_strings.size() + 1, [this](std::size_t i) { return m_strings[i].hash; });
    Slot &slot = probe(m_stringSlots, hash, [&](std::size_t i) {
        return m_strings[i].hash == hash && equalBytes(bytesOf(m_strings[i].stored), bytes);
    });
    if (slot.entry != 0)
        return m_strings[slot.entry - 1].stored;
    m_strings.push_back({hash, m_arena.store(bytes)});
    slot = {fragment(hash), static_cast<std::uint32_t>(m_strings.size())};
    return m_strings.back().stored;
}

StringArena::Stored SampleCollector::intern(QByteArrayView bytes)
{
    return intern(bytes, hashBytes(bytes.data(), std::size_t(bytes.size()), m_seed));
}

const SampleCollector::Labels &SampleCollector::internLabels(const SampleView &sample)
{
    const QByteArrayView text = sample.labelText;
    const std::uint64_t hash = hashBytes(text.data(), std::size_t(text.size()), m_seed);
    growIfNeeded(m_labelSetSlots, m_labelSets.size() + 1, [this](std::size_t i) { return m_labelSets[i].hash; });
    Slot &slot = probe(m_labelSetSlots, hash, [&](std::size_t i) {
        return m_labelSets[i].hash == hash && equalBytes(m_labelSets[i].text, text);
    });
    if (slot.entry != 0)
        return m_labelSets[slot.entry - 1].value;
    Labels value;
    value.reserve(static_cast<qsizetype>(sample.labels.size()));
    for (const LabelView &label : sample.labels)
        value.emplaceBack(m_arena.share(intern(label.name)), m_arena.share(intern(label.value)));
    m_labelSets.push_back({hash, text, std::move(value)});
    slot = {fragment(hash), static_cast<std::uint32_t>(m_labelSets.size())};
    return m_labelSets.back().value;
}

void SampleCollector::sample(const SampleView &view)
{
    MetricSample &sample = m_page.samples.emplace_back();
    // A family's lines come together, so a name that starts a run is new to the page (or the family just declared):
    // it is stored, not looked up among every name so far (a table that outgrows the cache on pages of 50 MB).
    if (!equalBytes(bytesOf(m_lastName), view.name)) {
        if (!m_page.families.empty() && equalBytes(bytesOf(m_lastFamilyName), view.name))
            m_lastName = m_lastFamilyName;
        else
            m_lastName = m_arena.store(view.name);
    }
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
    if (!m_familyIndexed) {
        // Nearly every family is new: a table of 4-byte tags says so from cache. A tag seen before (metadata
        // repeated further down, or two names sharing a tag) switches to the full index for the rest of the page.
        const std::uint32_t tag = fragment(hash) | 1U;
        if ((families.size() + 1) * 2 > m_familyTags.size()) {
            std::vector<std::uint32_t> bigger(m_familyTags.size() * 2);
            const std::size_t mask = bigger.size() - 1;
            for (const std::uint64_t known : m_familyHashes) {
                std::size_t i = known & mask;
                while (bigger[i] != 0)
                    i = (i + 1) & mask;
                bigger[i] = fragment(known) | 1U;
            }
            m_familyTags.swap(bigger);
        }
        const std::size_t mask = m_familyTags.size() - 1;
        std::size_t i = hash & mask;
        while (m_familyTags[i] != 0 && m_familyTags[i] != tag)
            i = (i + 1) & mask;
        if (m_familyTags[i] == 0) {
            m_familyTags[i] = tag;
            return newFamily(name, hash);
        }
        indexFamilies();
    }
    growIfNeeded(m_familySlots, families.size() + 1, [this](std::size_t i) { return m_familyHashes[i]; });
    Slot &slot = probe(m_familySlots, hash,
                       [&](std::size_t i) { return m_familyHashes[i] == hash && equalBytes(families[i].name, name); });
    if (slot.entry != 0)
        return families[slot.entry - 1];
    slot = {fragment(hash), static_cast<std::uint32_t>(families.size() + 1)};
    return newFamily(name, hash);
}

MetricFamilyInfo &SampleCollector::newFamily(QByteArrayView name, std::uint64_t hash)
{
    MetricFamilyInfo &info = m_page.families.emplace_back();
    m_lastFamilyName = m_arena.store(name); // the family tables keep it unique
    info.name = m_arena.share(m_lastFamilyName);
    m_familyHashes.push_back(hash);
    return info;
}

void SampleCollector::indexFamilies()
{
    m_familyIndexed = true;
    m_familyTags = {};
    std::size_t size = kFirstTableSize;
    while (m_familyHashes.size() * 2 >= size)
        size *= 2;
    m_familySlots.assign(size, {});
    const std::size_t mask = size - 1;
    for (std::size_t f = 0; f < m_familyHashes.size(); ++f) {
        std::size_t i = m_familyHashes[f] & mask;
        while (m_familySlots[i].entry != 0)
            i = (i + 1) & mask;
        m_familySlots[i] = {fragment(m_familyHashes[f]), static_cast<std::uint32_t>(f + 1)};
    }
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
