#pragma once

// Shared by the benchmark executables: the seeded synthetic event stream, its JSONL rendering and the
// handling of our own command-line flags (stripped before Google Benchmark sees argv).

#include "events/eventstream.h"
#include "events/jsonlreader.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>

namespace bwbench {

inline constexpr std::int64_t kDefaultEvents = 10'000'000;
inline constexpr std::int64_t kSmokeEvents = 100'000;
inline constexpr std::uint64_t kSeed = 0x5eed'b7ea'6e55'0001ULL;

// splitmix64: tiny, seeded, identical on every platform and standard library (unlike <random>'s
// distributions), so the stream, and therefore every transition count, is reproducible.
class Rng
{
public:
    explicit Rng(std::uint64_t seed) : m_state(seed) {}
    std::uint64_t next()
    {
        std::uint64_t z = (m_state += 0x9e37'79b9'7f4a'7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58'476d'1ce4'e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d0'49bb'1331'11ebULL;
        return z ^ (z >> 31);
    }
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; } // [0, 1)
    double uniform(double a, double b) { return a + (b - a) * uniform(); }
    std::int64_t integer(std::int64_t a, std::int64_t b) // [a, b]
    {
        return a + static_cast<std::int64_t>(uniform() * static_cast<double>(b - a + 1));
    }

private:
    std::uint64_t m_state;
};

// A realistic production stream of `count` calls:
//  * healthy segments of 1-10 min: one call every 10-50 ms (uniform), 2-5 % random failures;
//  * latency 5-45 ms mostly, 3 % at 60-360 ms, 0.5 % slow calls at 1-4 s;
//  * every 10-20 min of traffic an outage of 30-120 s where every call fails (half of them as 2-5 s
//    timeouts, half as fast refusals), traffic continuing at the same rate;
//  * rarely a burst of 2-20 calls sharing one t, and a quiet gap of 31-90 s between 5 % of segments.
// t is non-decreasing and starts at 0. About 33 calls/s: 10M events cover ~3.5 simulated days, ~300 outages.
inline bw::EventStream makeStream(std::int64_t count, std::uint64_t seed = kSeed)
{
    bw::EventStream stream;
    stream.events.reserve(static_cast<std::size_t>(count));
    Rng rng(seed);
    std::int64_t t = 0;
    std::int64_t untilOutage = rng.integer(600'000, 1'200'000);

    auto healthyLatency = [&rng]() {
        const double u = rng.uniform();
        double latency = 5.0 + 40.0 * rng.uniform() * rng.uniform();
        if (u < 0.005)
            latency = rng.uniform(1000.0, 4000.0); // slow call, above 1 s
        else if (u < 0.035)
            latency += rng.uniform(60.0, 360.0);
        return static_cast<float>(std::round(latency * 10.0) / 10.0);
    };

    while (stream.size() < count) {
        std::int64_t duration = 0;
        double failureShare = 0;
        bool outage = false;
        bool timeouts = false;
        if (untilOutage <= 0) {
            outage = true;
            duration = rng.integer(30'000, 120'000);
            failureShare = 1.0;
            timeouts = rng.uniform() < 0.5;
            untilOutage = rng.integer(600'000, 1'200'000);
        } else {
            duration = rng.integer(60'000, 600'000);
            failureShare = rng.uniform(0.02, 0.05);
            untilOutage -= duration;
        }
        const std::int64_t end = t + duration;
        while (stream.size() < count) {
            const std::int64_t gap = rng.integer(10, 50);
            if (t + gap > end)
                break;
            t += gap;
            const std::int64_t burst = rng.uniform() < 0.001 ? rng.integer(2, 20) : 1;
            for (std::int64_t i = 0; i < burst && stream.size() < count; ++i) {
                bw::CallOutcome call;
                call.t = t;
                call.ok = rng.uniform() >= failureShare;
                if (call.ok)
                    call.latencyMs = healthyLatency();
                else if (outage)
                    call.latencyMs =
                        timeouts ? static_cast<float>(rng.integer(2000, 5000)) : static_cast<float>(rng.integer(1, 5));
                else
                    call.latencyMs = healthyLatency();
                stream.events.push_back(call);
            }
        }
        t = end;
        if (rng.uniform() < 0.05)
            t += rng.integer(31'000, 90'000);
    }
    return stream;
}

// The replay format, one canonical line per event, exactly as make-big-stream.js writes it:
// {"t":65000,"ok":false,"latency_ms":12.5}
inline std::string toJsonl(const bw::EventStream &stream)
{
    std::string out;
    out.reserve(static_cast<std::size_t>(stream.size()) * 48);
    char number[64];
    for (const bw::CallOutcome &call : stream.events) {
        out += "{\"t\":";
        auto [tEnd, tEc] = std::to_chars(number, number + sizeof number, call.t);
        out.append(number, tEnd);
        out += call.ok ? ",\"ok\":true,\"latency_ms\":" : ",\"ok\":false,\"latency_ms\":";
        // Shortest round-trip form of the value rounded to 0.1 ms, like JS Number -> string.
        const double latency = std::round(static_cast<double>(call.latencyMs) * 10.0) / 10.0;
        auto [lEnd, lEc] = std::to_chars(number, number + sizeof number, latency);
        out.append(number, lEnd);
        out += "}\n";
    }
    return out;
}

// Our own flags, removed from argv so that benchmark::Initialize only sees its own:
//   --events=N   stream size (default 10,000,000; env BW_BENCH_EVENTS works too)
//   --smoke      tiny run for ctest: --events=100000 unless given, one iteration per benchmark
//   --in=FILE    use the events of a JSONL file (e.g. from make-big-stream.js) instead of the generated stream
//   --no-verify  skip the correctness cross-check done before measuring (for profiling)
struct Options
{
    std::int64_t events = kDefaultEvents;
    bool smoke = false;
    bool verify = true;
    std::string in;
};

inline Options takeOptions(int &argc, char **argv)
{
    Options options;
    bool eventsGiven = false;
    if (const char *env = std::getenv("BW_BENCH_EVENTS"); env && *env) {
        options.events = std::strtoll(env, nullptr, 10);
        eventsGiven = true;
    }
    int kept = 1;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg(argv[i]);
        if (arg.starts_with("--events=")) {
            options.events = std::strtoll(argv[i] + std::strlen("--events="), nullptr, 10);
            eventsGiven = true;
        } else if (arg == "--smoke") {
            options.smoke = true;
        } else if (arg == "--no-verify") {
            options.verify = false;
        } else if (arg.starts_with("--in=")) {
            options.in = std::string(arg.substr(std::strlen("--in=")));
        } else {
            argv[kept++] = argv[i];
        }
    }
    argc = kept;
    argv[argc] = nullptr;
    if (options.smoke && !eventsGiven)
        options.events = kSmokeEvents;
    options.events = std::max<std::int64_t>(1, options.events);
    return options;
}

// The stream to measure: --in=FILE parsed with the engine's own reader, or the generated one.
inline bw::EventStream loadStream(const Options &options)
{
    if (options.in.empty())
        return makeStream(options.events);
    auto parsed = bw::JsonlReader::readFile(QString::fromStdString(options.in));
    if (!parsed) {
        std::fprintf(stderr, "%s\n", qPrintable(parsed.error()));
        std::exit(2);
    }
    return std::move(*parsed);
}

// The raw bytes of --in=FILE.
inline std::string readText(const std::string &path)
{
    std::ifstream file(path, std::ios::binary);
    if (!file) {
        std::fprintf(stderr, "%s: cannot open\n", path.c_str());
        std::exit(2);
    }
    return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}

} // namespace bwbench
