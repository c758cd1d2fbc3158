#include "store/walinspector.h"

#include <QFile>

using namespace Qt::StringLiterals;

namespace bw {

namespace {

constexpr std::uint32_t kMagicLittle = 0x377f0682;
constexpr std::uint32_t kMagicBig = 0x377f0683;
constexpr int kHeaderBytes = 32;
constexpr int kFrameHeaderBytes = 24;

std::uint32_t bigEndian32(const char *p)
{
    const auto *u = reinterpret_cast<const unsigned char *>(p);
    return (std::uint32_t{u[0]} << 24) | (std::uint32_t{u[1]} << 16) | (std::uint32_t{u[2]} << 8) | u[3];
}

// SQLite's WAL checksum: over 32-bit words in the byte order the magic names, two running sums.
void checksum(bool bigEndianWords, const char *data, std::int64_t size, std::uint32_t &s0, std::uint32_t &s1)
{
    for (std::int64_t i = 0; i + 8 <= size; i += 8) {
        std::uint32_t x0 = bigEndian32(data + i);
        std::uint32_t x1 = bigEndian32(data + i + 4);
        if (!bigEndianWords) {
            x0 = __builtin_bswap32(x0);
            x1 = __builtin_bswap32(x1);
        }
        s0 += x0 + s1;
        s1 += x1 + s0;
    }
}

} // namespace

WalInspector::Report WalInspector::inspect(QByteArrayView bytes)
{
    Report report;
    if (bytes.isEmpty())
        return report;
    const char *p = bytes.data();
    if (bytes.size() < kHeaderBytes) {
        report.verdict = Verdict::Damaged;
        report.problem = u"the write-ahead log is %1 bytes, shorter than its header"_s.arg(bytes.size());
        return report;
    }
    const std::uint32_t magic = bigEndian32(p);
    const std::uint32_t pageSize = bigEndian32(p + 8);
    if (magic != kMagicLittle && magic != kMagicBig) {
        report.verdict = Verdict::Damaged;
        report.problem = u"the write-ahead log has a damaged header (not a SQLite WAL)"_s;
        return report;
    }
    const bool bigWords = magic == kMagicBig;
    std::uint32_t s0 = 0;
    std::uint32_t s1 = 0;
    checksum(bigWords, p, 24, s0, s1);
    const bool pageSizeOk = pageSize >= 512 && pageSize <= 65536 && (pageSize & (pageSize - 1)) == 0;
    if (!pageSizeOk || s0 != bigEndian32(p + 24) || s1 != bigEndian32(p + 28)) {
        report.verdict = Verdict::Damaged;
        report.problem = u"the write-ahead log has a damaged header (checksum mismatch)"_s;
        return report;
    }
    const std::uint32_t salt1 = bigEndian32(p + 16);
    const std::uint32_t salt2 = bigEndian32(p + 20);
    const std::int64_t frameSize = kFrameHeaderBytes + static_cast<std::int64_t>(pageSize);

    report.verdict = Verdict::Intact;
    std::int64_t badFrame = -1;
    std::int64_t index = 0;
    for (std::int64_t offset = kHeaderBytes; offset + frameSize <= bytes.size(); offset += frameSize, ++index) {
        const char *frame = p + offset;
        const bool current = bigEndian32(frame + 8) == salt1 && bigEndian32(frame + 12) == salt2;
        if (!current)
            break; // a stale frame of an older generation: the log ends here, as SQLite reads it
        const bool commit = bigEndian32(frame + 4) != 0;
        if (badFrame >= 0) {
            ++report.lostFrames;
            report.lostCommits += commit ? 1 : 0;
            continue;
        }
        std::uint32_t f0 = s0;
        std::uint32_t f1 = s1;
        checksum(bigWords, frame, 8, f0, f1);
        checksum(bigWords, frame + kFrameHeaderBytes, pageSize, f0, f1);
        if (bigEndian32(frame) == 0 || f0 != bigEndian32(frame + 16) || f1 != bigEndian32(frame + 20)) {
            badFrame = index;
            ++report.lostFrames;
            report.lostCommits += commit ? 1 : 0;
            continue;
        }
        s0 = f0;
        s1 = f1;
        ++report.frames;
    }
    // A bad frame with nothing of its generation after it is a write torn by a crash: nothing committed is lost.
    if (badFrame >= 0 && report.lostFrames > 1) {
        report.verdict = Verdict::Damaged;
        report.problem = u"the write-ahead log is damaged at frame %1: SQLite keeps the %2 frames before it and "
                         u"discards %3 after it (%4 of them ending a committed transaction)"_s.arg(badFrame + 1)
                             .arg(report.frames)
                             .arg(report.lostFrames)
                             .arg(report.lostCommits);
    } else {
        report.lostFrames = 0;
        report.lostCommits = 0;
    }
    return report;
}

WalInspector::Report WalInspector::inspectFile(const QString &path)
{
    QFile file(path);
    if (!file.exists() || file.size() == 0)
        return {};
    if (!file.open(QIODevice::ReadOnly)) {
        Report report;
        report.verdict = Verdict::Damaged;
        report.problem = u"the write-ahead log cannot be read: %1"_s.arg(file.errorString());
        return report;
    }
    const uchar *mapped = file.map(0, file.size());
    if (mapped)
        return inspect(QByteArrayView(reinterpret_cast<const char *>(mapped), file.size()));
    return inspect(file.readAll());
}

} // namespace bw
