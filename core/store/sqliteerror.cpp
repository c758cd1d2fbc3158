#include "store/sqliteerror.h"

#include <QFileInfo>
#include <QStorageInfo>

#include <sys/resource.h>

using namespace Qt::StringLiterals;

namespace bw {

namespace {

// Primary SQLite result codes (sqlite3.h); the driver reports extended ones, whose low byte is the primary code.
constexpr int kBusy = 5;
constexpr int kLocked = 6;
constexpr int kReadOnly = 8;
constexpr int kIoErr = 10;
constexpr int kCorrupt = 11;
constexpr int kFull = 13;
constexpr int kCantOpen = 14;
constexpr int kNotADb = 26;
constexpr int kTooBig = 18;
constexpr int kConstraint = 19;
constexpr int kMismatch = 20;
constexpr int kRange = 25;

// A write that failed on a volume with (almost) no space left, or on a file at the process's RLIMIT_FSIZE, is a
// full disk to the operator, whatever code SQLite chose (it reports ENOSPC as FULL, EFBIG as an I/O error).
bool looksFull(const QString &file)
{
    const QFileInfo info(file);
    const QStorageInfo storage(info.absolutePath());
    if (storage.isValid() && storage.bytesAvailable() >= 0 && storage.bytesAvailable() < 64 * 1024)
        return true;
    rlimit limit{};
    if (getrlimit(RLIMIT_FSIZE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
        const auto cap = static_cast<qint64>(limit.rlim_cur);
        for (const QString &path : {file, QString(file + u"-wal"_s)})
            if (QFileInfo(path).size() + 64 * 1024 >= cap)
                return true;
    }
    return false;
}

} // namespace

SqliteProblem classifySqlError(const QSqlError &error)
{
    if (error.type() == QSqlError::NoError)
        return SqliteProblem::None;
    bool ok = false;
    const int code = error.nativeErrorCode().toInt(&ok);
    if (!ok)
        return SqliteProblem::Other;
    switch (code & 0xff) {
    case kFull:
        return SqliteProblem::Full;
    case kReadOnly:
        return SqliteProblem::ReadOnly;
    case kCantOpen:
        return SqliteProblem::CannotOpen;
    case kCorrupt:
        return SqliteProblem::Corrupt;
    case kNotADb:
        return SqliteProblem::NotADatabase;
    case kBusy:
    case kLocked:
        return SqliteProblem::Busy;
    case kIoErr:
        return SqliteProblem::IoError;
    case kTooBig:
    case kConstraint:
    case kMismatch:
    case kRange:
        return SqliteProblem::Rejected;
    default:
        return SqliteProblem::Other;
    }
}

QString explainSqliteProblem(SqliteProblem problem)
{
    switch (problem) {
    case SqliteProblem::None:
        return u"no error"_s;
    case SqliteProblem::Full:
        return u"the disk is full (or the store reached its size limit)"_s;
    case SqliteProblem::ReadOnly:
        return u"the file or its directory is read-only"_s;
    case SqliteProblem::CannotOpen:
        return u"the file cannot be opened (missing directory or no permission)"_s;
    case SqliteProblem::Corrupt:
        return u"the file is damaged"_s;
    case SqliteProblem::NotADatabase:
        return u"the file is not a SQLite database"_s;
    case SqliteProblem::Busy:
        return u"the file is locked by another process (is another Breakerwatch running?)"_s;
    case SqliteProblem::IoError:
        return u"a disk read or write failed"_s;
    case SqliteProblem::Rejected:
        return u"the record was rejected"_s;
    case SqliteProblem::Other:
        break;
    }
    return u"SQLite failed"_s;
}

QString describeSqlError(const QString &file, const QString &doing, const QSqlError &error)
{
    SqliteProblem problem = classifySqlError(error);
    if (problem == SqliteProblem::IoError && looksFull(file))
        problem = SqliteProblem::Full;
    QString text = error.databaseText();
    if (text.isEmpty())
        text = error.driverText();
    return u"%1: %2: %3 (SQLite: %4)"_s.arg(file, doing, explainSqliteProblem(problem), text);
}

bool isTransient(SqliteProblem problem)
{
    switch (problem) {
    case SqliteProblem::Corrupt:
    case SqliteProblem::NotADatabase:
        return false;
    default:
        return true;
    }
}

} // namespace bw
