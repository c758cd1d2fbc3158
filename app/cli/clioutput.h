#pragma once

#include <QByteArray>
#include <QString>

// Buffered standard output and error for the console tool; exit codes in one place.
namespace cli {

enum ExitCode : int
{
    Ok = 0,
    BadInput = 1,
    Usage = 2
};

void out(const QByteArray &line); // appends '\n'
void err(const QString &message); // "breakerwatch-cli: message\n" on stderr
void flush();

} // namespace cli
