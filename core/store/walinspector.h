#pragma once

#include <QByteArrayView>
#include <QString>

#include <cstdint>

namespace bw {

// Reads a SQLite write-ahead log (<db>-wal) the way SQLite's recovery does, before SQLite opens it, to tell a log
// that is merely left over from a crash (a torn last frame, stale frames of an older generation) from one that is
// damaged: a bad header, or a frame of the current generation that fails its checksum while later frames of the
// same generation follow it. SQLite silently ignores everything from the first bad frame on, committed or not;
// this is how the store finds out and can say so. Pure; reads nothing but the bytes given (or the file).
class WalInspector
{
public:
    enum class Verdict : std::uint8_t
    {
        Absent,  // no file, or an empty one
        Intact,  // every current frame checks out (a torn tail after the last commit included)
        Damaged, // see `problem`
    };
    struct Report
    {
        Verdict verdict = Verdict::Absent;
        std::int64_t frames = 0;      // current-generation frames SQLite will use
        std::int64_t lostFrames = 0;  // current-generation frames after the damage (0 unless damaged)
        std::int64_t lostCommits = 0; // commit frames among them: transactions that were committed and are lost
        QString problem;              // for people; empty unless damaged
    };

    static Report inspect(QByteArrayView bytes);
    static Report inspectFile(const QString &path);
};

} // namespace bw
