// Parse throughput of bw::ExpositionParser on real pages captured from node exporter 1.5.0 and Prometheus 2.42
// (tests/data/exposition/*.prom, Prometheus text 0.0.4):
//   BM_Parse  the full ExpositionParser::parse(): every sample's name, labels and value materialised
//             (MetricSample) plus the families' metadata, and the result destroyed, as a scrape would;
//   BM_Visit  the streaming visitor path: views into the page, a visitor that reads every name, label and value.
//   BM_Parse/node_exporter_xN, BM_Visit/node_exporter_xN
//             the node exporter page repeated N times (1, 35, 350, 875: about 57 KB, 2 MB, 20 MB and 50 MB), every
//             family renamed per copy (copy k > 0 prefixes each metric name with "c<k>_"), as a federation or
//             kube-state-metrics page would be: throughput must not depend on the page's size (issue 15).
//
//   bench_exposition [--smoke] [--no-verify] [Google Benchmark flags]
//
// bytes_per_second is input MB/s, items_per_second samples/s. Both paths are checked against each other (and
// against a dump and re-parse) before measuring (exit 1 on any difference). The page directory comes from
// BW_TEST_DATA_DIR (compile definition, or the environment variable of that name).

#include "benchsupport.h"

#include "common/heaptuning.h"
#include "prometheus/expositionparser.h"

#include <benchmark/benchmark.h>

#include <QByteArray>
#include <QFile>
#include <QList>
#include <QString>

#include <cstdio>
#include <cstdlib>
#include <deque>
#include <string>
#include <vector>

namespace {

bwbench::Options g_options;

struct Page
{
    const char *name;
    const char *file;
    QByteArray text;
};

Page g_pages[] = {
    {"node_exporter", "node-exporter-1.5.0.prom", {}},
    {"prometheus", "prometheus-2.42.0.prom", {}},
};

// Sizes of the scaled pages, in copies of the node exporter page. --smoke keeps the first two.
constexpr int kCopies[] = {1, 35, 350, 875};
std::deque<Page> g_scaled; // stable addresses for RegisterBenchmark
std::deque<std::string> g_scaledNames;

// The page repeated `copies` times with renamed families: copy k > 0 gets "c<k>_" before every metric name, on
// sample lines and on HELP/TYPE lines alike (plain comments are kept as they are).
QByteArray repeatWithRenamedFamilies(const QByteArray &page, int copies)
{
    QByteArray out;
    out.reserve(page.size() * copies + qsizetype{copies} * 8 * 1200);
    const QList<QByteArray> lines = page.split('\n');
    for (int k = 0; k < copies; ++k) {
        const QByteArray prefix = k == 0 ? QByteArray() : 'c' + QByteArray::number(k) + '_';
        for (qsizetype i = 0; i < lines.size(); ++i) {
            const QByteArray &line = lines[i];
            if (i + 1 == lines.size() && line.isEmpty())
                break; // the split after the final '\n'
            if (prefix.isEmpty() || line.isEmpty()) {
                out += line;
            } else if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
                out += line.first(7);
                out += prefix;
                out += line.sliced(7);
            } else if (line.startsWith('#')) {
                out += line;
            } else {
                out += prefix;
                out += line;
            }
            out += '\n';
        }
    }
    return out;
}

QString dataDir()
{
    if (const char *env = std::getenv("BW_TEST_DATA_DIR"); env && *env)
        return QString::fromLocal8Bit(env);
#ifdef BW_TEST_DATA_DIR
    return QStringLiteral(BW_TEST_DATA_DIR);
#else
    return QStringLiteral("tests/data");
#endif
}

bw::ParseOptions textOptions()
{
    bw::ParseOptions options;
    options.contentType = "text/plain; version=0.0.4; charset=utf-8";
    return options;
}

// Reads everything a consumer would read, so that nothing is optimised away.
class TouchingVisitor final : public bw::ExpositionVisitor
{
public:
    void sample(const bw::SampleView &sample) override
    {
        ++samples;
        checksum += static_cast<std::uint64_t>(sample.name.size()) + static_cast<std::uint64_t>(sample.value != 0);
        for (const bw::LabelView &label : sample.labels)
            checksum += static_cast<std::uint64_t>(label.name.size() + label.value.size());
        if (sample.timestampMs)
            checksum += static_cast<std::uint64_t>(*sample.timestampMs);
    }

    std::int64_t samples = 0;
    std::uint64_t checksum = 0;
};

void BM_Parse(benchmark::State &state, const Page *page)
{
    const bw::ParseOptions options = textOptions();
    std::int64_t samples = 0;
    for (auto _ : state) {
        auto parsed = bw::ExpositionParser::parse(page->text, options);
        if (!parsed) {
            state.SkipWithError("parse failed");
            break;
        }
        samples = static_cast<std::int64_t>(parsed->samples.size());
        benchmark::DoNotOptimize(parsed->samples.data());
    }
    state.SetBytesProcessed(state.iterations() * page->text.size());
    state.SetItemsProcessed(state.iterations() * samples);
}

void BM_Visit(benchmark::State &state, const Page *page)
{
    const bw::ParseOptions options = textOptions();
    std::int64_t samples = 0;
    for (auto _ : state) {
        TouchingVisitor visitor;
        if (!bw::ExpositionParser::visit(page->text, options, visitor)) {
            state.SkipWithError("parse failed");
            break;
        }
        samples = visitor.samples;
        benchmark::DoNotOptimize(visitor.checksum);
    }
    state.SetBytesProcessed(state.iterations() * page->text.size());
    state.SetItemsProcessed(state.iterations() * samples);
}

// Builds the scaled pages from the node exporter page and checks that each parses to `copies` times its samples
// and families (the renaming keeps every family distinct).
bool makeScaledPages()
{
    const Page &node = g_pages[0];
    const auto single = bw::ExpositionParser::parse(node.text, textOptions());
    if (!single)
        return false;
    for (const int copies : kCopies) {
        if (g_options.smoke && copies > kCopies[1])
            break;
        g_scaledNames.push_back(std::string(node.name) + "_x" + std::to_string(copies));
        Page &page = g_scaled.emplace_back(Page{g_scaledNames.back().c_str(), node.file, {}});
        page.text = repeatWithRenamedFamilies(node.text, copies);
        if (!g_options.verify)
            continue;
        const auto parsed = bw::ExpositionParser::parse(page.text, textOptions());
        if (!parsed || parsed->samples.size() != single->samples.size() * std::size_t(copies) ||
            parsed->families.size() != single->families.size() * std::size_t(copies)) {
            std::fprintf(stderr, "bench_exposition: %s: the scaled page does not parse to %d copies\n", page.name,
                         copies);
            return false;
        }
        std::fprintf(stderr, "bench_exposition: %s: %lld bytes, %zu samples, %zu families\n", page.name,
                     static_cast<long long>(page.text.size()), parsed->samples.size(), parsed->families.size());
    }
    return true;
}

bool loadAndVerify()
{
    for (Page &page : g_pages) {
        const QString path = dataDir() + u"/exposition/" + QString::fromLatin1(page.file);
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            std::fprintf(stderr, "bench_exposition: cannot read %s\n", qPrintable(path));
            return false;
        }
        page.text = file.readAll();
        if (!g_options.verify)
            continue;
        const auto parsed = bw::ExpositionParser::parse(page.text, textOptions());
        if (!parsed) {
            std::fprintf(stderr, "bench_exposition: %s: %s\n", page.file, qPrintable(parsed.error()));
            return false;
        }
        TouchingVisitor visitor;
        if (!bw::ExpositionParser::visit(page.text, textOptions(), visitor) ||
            visitor.samples != static_cast<std::int64_t>(parsed->samples.size())) {
            std::fprintf(stderr, "bench_exposition: %s: the visitor and parse() disagree\n", page.file);
            return false;
        }
        QByteArray dumped;
        for (const bw::MetricSample &sample : parsed->samples)
            dumped += bw::ExpositionParser::dumpLine(sample) + '\n';
        const auto again = bw::ExpositionParser::parse(dumped, textOptions());
        if (!again || again->samples.size() != parsed->samples.size()) {
            std::fprintf(stderr, "bench_exposition: %s: the dump does not parse back\n", page.file);
            return false;
        }
        for (std::size_t i = 0; i < parsed->samples.size(); ++i) {
            const bw::MetricSample &a = parsed->samples[i];
            const bw::MetricSample &b = again->samples[i];
            const bool sameValue = a.value == b.value || (a.value != a.value && b.value != b.value);
            if (a.name != b.name || !sameValue || a.timestampMs != b.timestampMs ||
                bw::ExpositionParser::dumpLine(a) != bw::ExpositionParser::dumpLine(b)) {
                std::fprintf(stderr, "bench_exposition: %s: sample %zu differs after a round trip\n", page.file, i);
                return false;
            }
        }
        std::fprintf(stderr, "bench_exposition: %s: %lld bytes, %zu samples, %zu families\n", page.file,
                     static_cast<long long>(page.text.size()), parsed->samples.size(), parsed->families.size());
    }
    return makeScaledPages();
}

} // namespace

int main(int argc, char **argv)
{
    // As breakerwatch and breakerwatch-cli do: without it glibc maps the samples array of a 50 MB page afresh on
    // every parse (BW_BENCH_GLIBC_HEAP=1 leaves glibc's defaults, for comparison).
    if (qEnvironmentVariableIntValue("BW_BENCH_GLIBC_HEAP") != 1)
        bw::keepLargeBlocksInHeap();
    g_options = bwbench::takeOptions(argc, argv); // --events is accepted and ignored: the pages are fixed
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 2;
    if (!loadAndVerify())
        return 1;

    std::vector<const Page *> all;
    for (const Page &page : g_pages)
        all.push_back(&page);
    for (const Page &page : g_scaled)
        all.push_back(&page);
    for (const Page *pagePtr : all) {
        const Page &page = *pagePtr;
        for (auto [kind, function] : {std::pair{"BM_Parse", &BM_Parse}, std::pair{"BM_Visit", &BM_Visit}}) {
            const std::string name = std::string(kind) + '/' + page.name;
            auto *b = benchmark::RegisterBenchmark(name.c_str(), function, &page);
            b->Unit(benchmark::kMicrosecond);
            if (g_options.smoke)
                b->Iterations(1);
        }
    }

    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
