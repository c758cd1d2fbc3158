#pragma once

#include <QSqlError>
#include <QString>

#include <cstdint>

namespace bw {

// What a SQLite failure means for the store, from the (extended) result code the Qt driver reports.
enum class SqliteProblem : std::uint8_t
{
    None,
    Full,         // SQLITE_FULL: the disk (or the file size limit, or the store's own cap) is full
    ReadOnly,     // SQLITE_READONLY: the file or its directory cannot be written
    CannotOpen,   // SQLITE_CANTOPEN: missing directory, permissions
    Corrupt,      // SQLITE_CORRUPT: the file is damaged
    NotADatabase, // SQLITE_NOTADB
    Busy,         // SQLITE_BUSY / SQLITE_LOCKED: another process holds the lock
    IoError,      // SQLITE_IOERR: a read, write or sync failed
    Rejected, // SQLITE_CONSTRAINT, _TOOBIG, _MISMATCH, _RANGE: this record cannot be written, retrying will not help
    Other,
};

SqliteProblem classifySqlError(const QSqlError &error);
// "the disk is full", "the file is damaged", ... for people.
QString explainSqliteProblem(SqliteProblem problem);
// "<file>: <doing>: <explanation> (SQLite: <driver text>)". A write I/O error while the file system has no space
// left (or the file reached the process's file size limit) is reported as a full disk.
QString describeSqlError(const QString &file, const QString &doing, const QSqlError &error);
// Whether reopening later could help (a full disk can be emptied; a damaged file stays damaged).
bool isTransient(SqliteProblem problem);

} // namespace bw
